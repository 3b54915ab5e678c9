"""Ordering the documents still to do by how unsure the tagger is about them.

Annotating first the documents the CRFs are least sure of teaches them most per document
(uncertainty sampling). The order is one plain function of the store and a trained model,
worked out off the window's thread (tagging costs about a hundredth of a second per
article).
"""

from __future__ import annotations

from sqlalchemy.engine import Engine

from annotator.store.document_list import DocumentQuery, matching_ids
from annotator.store.documents import get_document
from annotator.suggest.base import Model
from annotator.suggest.combined import Combined
from annotator.suggest.crf import CrfTagger
from annotator.suggest.strings import StringMatcher


def tagger_of(model: Model | None) -> CrfTagger | None:
    """The CRFs of a trained model (the default suggester holds them beside the quote
    finder); ``None`` for a model without any."""
    if isinstance(model, Combined):
        model = model.parts.get("crf")
    return model if isinstance(model, CrfTagger) else None


def by_uncertainty(engine: Engine, annotator: str, model: Model) -> tuple[Model, list[int]]:
    """``model`` and the documents ``annotator`` has not finished (not done, skipped or
    flagged), the one the model is least sure of first (ties: list order)."""
    shared = tagger_of(model)
    assert shared is not None, "a model with CRFs"
    # taggers of its own: a CRF tagger holds the sequence it tags, and the window's thread
    # of suggestions may be tagging with the shared ones meanwhile
    tagger = CrfTagger(shared.models, StringMatcher(shared.gazetteer.counts))
    ids = matching_ids(engine, DocumentQuery(annotator, unfinished=True))
    unsure = {doc_id: tagger.uncertainty(get_document(engine, doc_id).text) for doc_id in ids}
    return model, sorted(ids, key=lambda doc_id: (-unsure[doc_id], doc_id))
