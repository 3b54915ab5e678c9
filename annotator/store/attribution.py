"""Measuring the speaker proposal against the links a layer holds (an annotator's or gold)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.engine import Engine

from annotator.core.attribution import ProposalScore, propose_speakers
from annotator.core.errors import AnnotatorError
from annotator.core.relations import SPEAKER
from annotator.core.review import GOLD
from annotator.store.engine import reading
from annotator.store.labels import schema_of
from annotator.store.relations import links_of
from annotator.store.spans import spans_of
from annotator.store.tables import ANNOTATOR, DOCUMENT, SPAN


def evaluate_proposals(engine: Engine, annotator: str = GOLD) -> ProposalScore:
    """Propose a speaker for every quote of ``annotator``'s layer (default: gold) and score
    the proposals against that layer's speaker links."""
    score = ProposalScore()
    with reading(engine) as connection:
        relation = schema_of(connection).relations.get(SPEAKER)
        if relation is None:
            raise AnnotatorError(f"the label schema has no {SPEAKER!r} relation to evaluate")
        who = connection.execute(
            select(ANNOTATOR.c.id).where(ANNOTATOR.c.name == annotator)
        ).scalar_one_or_none()
        if who is None:
            layer = (
                "the gold layer is empty" if annotator == GOLD else f"no annotator {annotator!r}"
            )
            raise AnnotatorError(f"{layer}: nothing to evaluate the speaker proposal against")
        documents = connection.execute(
            select(DOCUMENT.c.id, DOCUMENT.c.text)
            .where(DOCUMENT.c.id.in_(select(SPAN.c.document_id).where(SPAN.c.annotator_id == who)))
            .order_by(DOCUMENT.c.id)
        )
        for document_id, text in documents:
            spans = spans_of(connection, document_id, annotator)
            keys = {span.stored_id: span.key for span in spans}
            speakers: dict[int, set] = {}
            for link in links_of(connection, document_id, annotator):
                if link.label == SPEAKER:
                    speakers.setdefault(link.head_id, set()).add(keys[link.child_id])
            score.documents += 1
            for quote in spans:
                if quote.label in relation.heads:
                    proposals = propose_speakers(text, quote, spans, relation.children)
                    score.add(proposals, speakers.get(quote.stored_id, set()))
    if not score.documents:
        layer = "the gold layer is empty" if annotator == GOLD else f"{annotator!r} has no spans"
        raise AnnotatorError(f"{layer}: nothing to evaluate the speaker proposal against")
    return score
