"""Reading what to learn from: the documents one annotator annotated, or the gold layer."""

from __future__ import annotations

from sqlalchemy.engine import Engine

from annotator.core.errors import InputError, Problem
from annotator.store.annotators import list_annotators
from annotator.store.engine import reading
from annotator.store.exporting import Selection, SpanSource, iter_selected
from annotator.store.status import Status
from annotator.suggest.base import Example

GOLD_SOURCE = "gold"


def annotated_examples(engine: Engine, annotator: str | None = None) -> list[Example]:
    """The documents ``annotator`` annotated (holding one of their spans, or marked done),
    with their spans, in document order; with no annotator, the reviewed gold layer.
    """
    if annotator is not None and annotator not in list_annotators(engine):
        raise InputError([Problem(f"no annotator {annotator!r} in this database")])
    if annotator is None:
        selection = Selection(source=SpanSource.GOLD)
    else:
        selection = Selection(annotators=(annotator,))
    out = []
    with reading(engine) as connection:
        for item in iter_selected(connection, selection):
            done = annotator is not None and item.statuses.get(annotator) == Status.DONE
            if annotator is not None and not item.spans and not done:
                continue
            out.append(
                Example(
                    text=item.document.text,
                    spans=tuple(sorted({span[:3] for span in item.spans})),
                    sha256=item.sha256,
                    document_id=item.document.id,
                )
            )
    return out
