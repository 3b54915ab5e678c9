"""The span concordance groups spans by text with counts, and a group relabels or deletes
as one undoable step."""

from __future__ import annotations

from annotator.core.documents import Document
from annotator.core.spans import Span
from annotator.session.bulk import DeleteSpans, Relabel
from annotator.store.concordance import concordance, find_spans
from annotator.store.documents import add_documents
from annotator.store.spans import add_span

TEXTS = [
    "ICE and the ACLU met in Zürich 🚨; ICE left.",
    "Officers from ICE, and Zoë Chen of the ACLU.",
]


def _tag(engine, ids, doc, who, needle, label, nth=0):
    start = -1
    for _ in range(nth + 1):
        start = TEXTS[doc].index(needle, start + 1)
    add_span(engine, ids[doc], who, Span(start, start + len(needle), label))


def test_groups_by_text_with_counts_and_bulk_steps_undo(engine) -> None:
    ids = add_documents(engine, [Document(text=t, title=str(i)) for i, t in enumerate(TEXTS)]).ids
    _tag(engine, ids, 0, "ana", "ICE", "agency")
    _tag(engine, ids, 0, "ana", "ICE", "actor", nth=1)
    _tag(engine, ids, 1, "ana", "ICE", "agency")
    _tag(engine, ids, 1, "ben", "ICE", "agency")
    _tag(engine, ids, 0, "ana", "the ACLU", "agency")
    _tag(engine, ids, 1, "ben", "Zoë Chen", "actor")
    groups = concordance(engine)
    assert [(g.text, g.count) for g in groups] == [("ICE", 4), ("Zoë Chen", 1), ("the ACLU", 1)]
    ice = groups[0]
    assert ice.labels == {"agency": 3, "actor": 1} and ice.annotators == {"ana": 3, "ben": 1}
    assert [(g.text, g.count) for g in concordance(engine, label="actor")] == [
        ("ICE", 1),
        ("Zoë Chen", 1),
    ]
    (ana_ice,) = concordance(engine, text="ICE", annotator="ana")
    assert ana_ice.labels == {"agency": 2, "actor": 1}

    relabel = Relabel(engine, ana_ice.span_ids, "agency", "ana")
    relabel.do()
    assert concordance(engine, text="ICE", annotator="ana")[0].labels == {"agency": 3}
    relabel.undo()
    assert concordance(engine, text="ICE", annotator="ana")[0].labels == ana_ice.labels

    delete = DeleteSpans(engine, ana_ice.span_ids, "ana")
    delete.do()
    assert concordance(engine, text="ICE")[0].annotators == {"ben": 1}
    delete.undo()
    assert find_spans(engine, text="ICE", annotator="ana") == [
        s for s in find_spans(engine, text="ICE") if s.annotator == "ana"
    ]
    assert concordance(engine, text="ICE", annotator="ana") == [ana_ice]
