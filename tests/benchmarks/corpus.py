"""Synthetic corpora of any size: news-like articles, spans of every label, several annotators.

Spans are word-aligned, some nested (an actor inside a quote, an agency inside an actor
phrase) and some adjacent. Annotators share most spans and differ on the rest, so agreement
figures are realistic. Rows go in with bulk Core inserts, as the issues require.
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence

from sqlalchemy import insert, select
from sqlalchemy.engine import Connection, Engine

from annotator.core.documents import Document
from annotator.core.spans import Origin, Span
from annotator.store.annotators import annotator_id
from annotator.store.documents import insert_documents
from annotator.store.engine import writing
from annotator.store.labels import label_ids
from annotator.store.spans import insert_span_rows
from annotator.store.status import Status
from annotator.store.tables import RELATION, RELATION_TYPE, SPAN, STATUS

LABELS = ("actor", "agency", "location", "figure", "quote")
_WORD = re.compile(r"\w+")

_ACTORS = [
    "a woman",
    "the mayor",
    "protesters",
    "Karen Bass",
    "bystanders",
    "José Álvarez",
    "a spokesperson",
    "local residents",
    "the governor",
    "an organiser",
    "Zoë Chen",
]
_AGENCIES = [
    "ICE",
    "the ACLU",
    "US Border Patrol",
    "the city council",
    "the National Guard",
    "Homeland Security",
    "the police department",
    "the Red Cross",
]
_PLACES = [
    "Paramount",
    "downtown Los Angeles",
    "California",
    "Compton",
    "the federal building",
    "Santa Ana",
    "the industrial park",
    "Mexico City",
    "Zürich",
]
_FIGURES = [
    "at least 44 people",
    "3,000 immigrants a day",
    "two days",
    "about 200 officers",
    "more than 1,000 protesters",
    "12 arrests",
    "$50,000",
    "40 percent",
]
_SAYINGS = [
    "We see you for what you are",
    "You are not welcome here",
    "This is not over 🚨",
    "We will keep our neighbours safe",
    "Nobody is illegal",
    "The law must be followed",
]
_TEMPLATES = [
    "{agency} arrested {figure} in {place} on Friday.",
    "{actor} said that {agency} had moved into {place}.",
    "“{saying},” {actor} told reporters in {place}.",
    "Officials from {agency} reported {figure} near {place}.",
    "{actor} and {actor2} gathered outside {place} as {agency} watched.",
    "“{saying}. {saying2},” said {actor} of {agency}.",
    "The operation in {place} lasted {figure}, according to {agency}.",
]


def make_article(rng: random.Random, chars: int = 3000) -> str:
    """A news-like article of about ``chars`` characters, in paragraphs."""
    paragraphs: list[str] = []
    size = 0
    while size < chars:
        sentences = []
        for _ in range(rng.randint(2, 4)):
            sentences.append(
                rng.choice(_TEMPLATES).format(
                    agency=rng.choice(_AGENCIES),
                    actor=rng.choice(_ACTORS),
                    actor2=rng.choice(_ACTORS),
                    place=rng.choice(_PLACES),
                    figure=rng.choice(_FIGURES),
                    saying=rng.choice(_SAYINGS),
                    saying2=rng.choice(_SAYINGS),
                )
            )
        paragraph = " ".join(sentences)
        paragraph = paragraph[0].upper() + paragraph[1:]
        paragraphs.append(paragraph)
        size += len(paragraph) + 2
    return "\n\n".join(paragraphs)


def make_spans(
    rng: random.Random, text: str, count: int, labels: Sequence[str] = LABELS
) -> list[Span]:
    """``count`` distinct word-aligned spans over ``text``: nested, adjacent and plain."""
    words = [(m.start(), m.end()) for m in _WORD.finditer(text)]
    if not words:
        return []
    spans: dict[tuple[int, int, str], Span] = {}
    attempts = 0
    while len(spans) < count and attempts < count * 20:
        attempts += 1
        first = rng.randrange(len(words))
        length = rng.choice((1, 1, 2, 2, 3, 4, 6))
        last = min(len(words) - 1, first + length - 1)
        span = Span(words[first][0], words[last][1], rng.choice(labels), origin=Origin.IMPORTED)
        spans.setdefault(span.key, span)
        if length >= 3 and len(spans) < count:
            inner = rng.randrange(first, last + 1)
            nested = Span(
                words[inner][0], words[inner][1], rng.choice(labels), origin=Origin.IMPORTED
            )
            spans.setdefault(nested.key, nested)
        if last + 1 < len(words) and len(spans) < count and rng.random() < 0.2:
            adjacent = Span(
                words[last + 1][0], words[last + 1][1], rng.choice(labels), origin=Origin.IMPORTED
            )
            spans.setdefault(adjacent.key, adjacent)
    return sorted(spans.values())


def _variant(rng: random.Random, span: Span, text: str, labels: Sequence[str]) -> Span:
    """The same span as another annotator might have drawn it: relabelled or one word longer."""
    if rng.random() < 0.5:
        return Span(span.start, span.end, rng.choice(labels), origin=span.origin)
    match = _WORD.search(text, span.end)
    end = match.end() if match else span.end
    return Span(span.start, end, span.label, origin=span.origin)


def annotator_layers(
    rng: random.Random, text: str, count: int, annotators: int, labels: Sequence[str] = LABELS
) -> list[list[Span]]:
    """Each annotator's spans for one text: about 80% shared, the rest their own variants."""
    base = make_spans(rng, text, count, labels)
    layers = []
    for _ in range(annotators):
        layer = {}
        for span in base:
            chosen = span if rng.random() < 0.8 else _variant(rng, span, text, labels)
            layer.setdefault(chosen.key, chosen)
        layers.append(sorted(layer.values()))
    return layers


def generate_corpus(
    engine: Engine,
    documents: int,
    spans_per_document: int,
    annotators: int = 3,
    chars: int = 3000,
    seed: int = 13,
    links: bool = False,
) -> None:
    """Fill the store with ``documents`` articles and about ``spans_per_document`` spans each,
    split between ``annotators`` annotators (named annotator-1, annotator-2, ...); with
    ``links``, each annotator's quotes linked to a speaker too (see ``_link_speakers``)."""
    rng = random.Random(seed)
    per_annotator = max(1, spans_per_document // max(1, annotators))
    batch = 1000
    with writing(engine) as connection:
        labels = label_ids(connection)
        people = [annotator_id(connection, f"annotator-{i + 1}") for i in range(annotators)]
        for first in range(0, documents, batch):
            texts = [make_article(rng, chars) for _ in range(min(batch, documents - first))]
            docs = [
                Document(
                    text=f"{first + i}\n{text}",
                    title=f"Article {first + i}",
                    meta={"date": "2025-06-07"},
                )
                for i, text in enumerate(texts)
            ]
            added = insert_documents(connection, docs)
            rows = []
            statuses = []
            for doc_id, doc in zip(added.ids, docs, strict=True):
                if not annotators or not spans_per_document:
                    continue
                layers = annotator_layers(rng, doc.text, per_annotator, annotators)
                for who, layer in zip(people, layers, strict=True):
                    rows.extend(
                        {
                            "document_id": doc_id,
                            "annotator_id": who,
                            "label_id": labels[span.label],
                            "start": span.start,
                            "end": span.end,
                            "origin": span.origin,
                        }
                        for span in layer
                    )
                    status = Status.DONE if rng.random() < 0.5 else Status.IN_PROGRESS
                    statuses.append({"document_id": doc_id, "annotator_id": who, "status": status})
            insert_span_rows(connection, rows)
            if statuses:
                connection.execute(insert(STATUS), statuses)
            if links:
                _link_speakers(connection, rng, added.ids, labels)


def _link_speakers(
    connection: Connection, rng: random.Random, document_ids: Sequence[int], labels: dict
) -> None:
    """Link each quote of the documents to the actor or agency span nearest before it in the
    same layer (one time in ten the next nearest), as annotators mostly agree on speakers."""
    speaker = connection.execute(
        select(RELATION_TYPE.c.id).where(RELATION_TYPE.c.name == "speaker")
    ).scalar_one()
    quote, speakers = labels["quote"], {labels["actor"], labels["agency"]}
    rows = connection.execute(
        select(SPAN.c.id, SPAN.c.document_id, SPAN.c.annotator_id, SPAN.c.label_id, SPAN.c.start)
        .where(SPAN.c.document_id.in_(list(document_ids)))
        .order_by(SPAN.c.document_id, SPAN.c.annotator_id, SPAN.c.start)
    ).all()
    found = []
    layer: tuple[int, int] | None = None
    seen: list[int] = []
    for span_id, document_id, who, label_id, _ in rows:
        if (document_id, who) != layer:
            layer, seen = (document_id, who), []
        if label_id in speakers:
            seen.append(span_id)
        elif label_id == quote and seen:
            back = 2 if len(seen) > 1 and rng.random() < 0.1 else 1
            found.append(
                {
                    "document_id": document_id,
                    "annotator_id": who,
                    "type_id": speaker,
                    "head_id": span_id,
                    "child_id": seen[-back],
                }
            )
    if found:
        connection.execute(insert(RELATION), found)
