"""Pre-annotating documents into a layer with a trained suggester, all or nothing.

Suggestions go in with origin ``suggested`` into the named layer (an annotator such as
``model``), so review and agreement compare the model with people like any annotator. A span
the layer already holds is not written again, so applying twice changes nothing.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy.engine import Engine

from annotator.core.errors import InputError, Problem
from annotator.core.spans import Origin, Span, check_span
from annotator.store.annotators import annotator_id, refuse_gold
from annotator.store.engine import reading, writing
from annotator.store.exporting import Selection, SpanSource, iter_selected
from annotator.store.labels import label_ids
from annotator.store.permissions import require_layer
from annotator.store.spans import insert_span_tuples, spans_of, text_length
from annotator.store.status import mark_started
from annotator.suggest.base import Model, Suggestion, best_per_range


@dataclass(slots=True)
class ApplySummary:
    documents: int = 0
    added: Counter = field(default_factory=Counter)
    present: int = 0

    def line(self, layer: str) -> str:
        labels = ", ".join(f"{label} {n}" for label, n in sorted(self.added.items()))
        added = sum(self.added.values())
        return (
            f"{added} suggested spans added to {layer}'s layer in {self.documents} documents"
            + (f" ({labels})" if labels else "")
            + f"; {self.present} already there"
        )


def _suggested(
    engine: Engine, model: Model, documents: Sequence[int] | None
) -> dict[int, list[Suggestion]]:
    wanted = set(documents) if documents is not None else None
    out: dict[int, list[Suggestion]] = {}
    with reading(engine) as connection:
        for item in iter_selected(connection, Selection(source=SpanSource.LAYERS)):
            doc_id = item.document.id
            assert doc_id is not None
            if wanted is None or doc_id in wanted:
                out[doc_id] = best_per_range(model.suggest(item.document.text))
    if wanted is not None and wanted - set(out):
        missing = ", ".join(str(i) for i in sorted(wanted - set(out)))
        raise InputError([Problem(f"no document with id {missing}")])
    return out


def apply_model(
    engine: Engine, model: Model, layer: str, documents: Sequence[int] | None = None
) -> ApplySummary:
    """Write ``model``'s suggestions for ``documents`` (all when ``None``) into ``layer``."""
    refuse_gold(layer)
    suggested = _suggested(engine, model, documents)
    summary = ApplySummary(documents=len(suggested))
    with writing(engine) as connection:
        require_layer(connection, layer)
        labels = label_ids(connection)
        who = annotator_id(connection, layer)
        assert who is not None
        rows = []
        for doc_id, suggestions in suggested.items():
            present = {span.key for span in spans_of(connection, doc_id, layer)}
            new = [s for s in suggestions if s.key not in present]
            summary.present += len(suggestions) - len(new)
            length = text_length(connection, doc_id)
            for s in new:
                check_span(Span(s.start, s.end, s.label), length, labels)
                rows.append((doc_id, who, labels[s.label], s.start, s.end, Origin.SUGGESTED.value))
                summary.added[s.label] += 1
            if new:
                mark_started(connection, doc_id, who)
        insert_span_tuples(connection, rows)
    return summary
