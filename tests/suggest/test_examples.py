"""Which documents a suggester learns from: what the annotator annotated, or gold."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine

from annotator.core.documents import Document
from annotator.core.errors import InputError
from annotator.core.spans import Span
from annotator.store.documents import add_documents
from annotator.store.review import add_gold
from annotator.store.spans import add_span
from annotator.store.status import Status, set_status
from annotator.suggest.examples import annotated_examples

TEXTS = [
    "Zoë Chen met ICE officers in Köln 👍🏽 on Monday.",
    "Nothing to tag in this one, and it is done.",
    "Skipped: Karen Bass spoke.",
    "Never opened: Karen Bass again.",
    "Ben's only: the ACLU sued.",
]


def test_examples_are_the_documents_the_annotator_annotated(engine: Engine) -> None:
    ids = add_documents(engine, [Document(text=t, title=t[:10]) for t in TEXTS]).ids
    add_span(engine, ids[0], "ana", Span(0, 8, "actor"))
    add_span(engine, ids[0], "ana", Span(13, 16, "agency"))
    add_span(engine, ids[0], "ben", Span(29, 33, "location"))
    set_status(engine, ids[1], "ana", Status.DONE)
    set_status(engine, ids[2], "ana", Status.SKIPPED)
    add_span(engine, ids[4], "ben", Span(15, 19, "agency"))
    examples = annotated_examples(engine, "ana")
    assert [e.document_id for e in examples] == [ids[0], ids[1]]
    assert examples[0].spans == ((0, 8, "actor"), (13, 16, "agency"))
    assert examples[1].spans == () and examples[1].text == TEXTS[1]
    with pytest.raises(InputError, match="no annotator 'zed'"):
        annotated_examples(engine, "zed")


def test_without_an_annotator_examples_are_the_gold_layer(engine: Engine) -> None:
    ids = add_documents(engine, [Document(text=t, title=t[:10]) for t in TEXTS]).ids
    add_span(engine, ids[0], "ana", Span(0, 8, "actor"))
    add_gold(engine, ids[2], Span(9, 19, "actor"))
    examples = annotated_examples(engine)
    assert [(e.document_id, e.spans) for e in examples] == [(ids[2], ((9, 19, "actor"),))]
