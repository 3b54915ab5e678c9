"""What readers yield: a document with its spans and where in the file it came from."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import NamedTuple

from annotator.core.documents import Document
from annotator.core.labels import Label, RelationType
from annotator.core.review import Gold
from annotator.core.spans import Origin
from annotator.store.decisions import Decision


class ReadSpan(NamedTuple):
    """A span as read from a file, checked against its text.

    A tuple rather than a ``Span``: big imports read a million of them, and a frozen
    dataclass per span costs several times the rest of the import. ``annotator`` is set when
    the file says whose span it is (``native``); otherwise the importer's annotator applies.
    """

    start: int
    end: int
    label: str
    annotator: str | None = None
    origin: str = Origin.IMPORTED


class ReadRelation(NamedTuple):
    """A link as read from a file: its head and child spans as ``(start, end, label)`` (both
    among the record's spans, of the same annotator) and the relation type."""

    head: tuple[int, int, str]
    child: tuple[int, int, str]
    label: str
    annotator: str | None = None


ReadNote = tuple[str | None, str, tuple[int, int, str, str | None] | None, datetime | None]


@dataclass(frozen=True, slots=True)
class ReadReview:
    """A document's review layer as read from a ``native`` file: gold spans with their
    provenance, notes as ``(author, text, span or None, created or None)`` where a span is
    ``(start, end, label, annotator)`` (an author or annotator of ``None``: the importing
    annotator), whether the review is finished, and the reviewer's decisions (span groups'
    ranges, quotes' keys with a relation type; ``store.decisions``)."""

    gold: list[Gold] = field(default_factory=list)
    notes: list[ReadNote] = field(default_factory=list)
    reviewed: bool = False
    decisions: list[Decision] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Record:
    """One document read from a file, with the spans that came with it (maybe none).

    ``statuses`` (annotator name -> status) come from ``native`` files. ``annotated``: the
    file gives the document's span list (maybe empty) rather than the text alone, so the
    importing annotator has worked on it: an empty list is a negative example, recorded
    with an ``in_progress`` status so exports keep it. ``relations``: links between the
    record's spans.
    """

    document: Document
    source: str
    line: int | None = None
    spans: list[ReadSpan] = field(default_factory=list)
    annotator: str | None = None
    statuses: dict[str, str] = field(default_factory=dict)
    review: ReadReview | None = None
    annotated: bool = False
    relations: list[ReadRelation] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Skipped:
    """What a file carries that the import leaves out on purpose (a rejected Prodigy example,
    a cancelled Label Studio annotation, a label mapped to nothing): counted in the import
    summary as ``not read: COUNT REASON``, never dropped in silence."""

    reason: str
    count: int = 1


@dataclass(frozen=True, slots=True)
class ReadOptions:
    """What the person said about how to read the files (the CLI's and the dialog's options).

    ``label_map`` renames labels on every span read (a value of ``None`` drops the label,
    counted as skipped); ``annotator`` is set when the person named whose spans these are, so
    a reader must not take annotators from the file; ``utf16_offsets`` says the file counts
    offsets in UTF-16 units; ``text_field`` picks the text among several strings;
    ``predictions`` imports model predictions too; ``skip_unsupported`` counts annotation
    kinds the reader cannot carry instead of refusing the file."""

    label_map: dict[str, str | None] = field(default_factory=dict)
    annotator: str | None = None
    utf16_offsets: bool = False
    text_field: str | None = None
    predictions: bool = False
    skip_unsupported: bool = False


@dataclass(frozen=True, slots=True)
class Declaration:
    """What a file declares besides documents (a ``native`` header): its label schema (labels
    and relation types) and annotators, created on import where the database lacks them."""

    labels: list[Label]
    annotators: list[str]
    source: str
    line: int
    relations: list[RelationType] = field(default_factory=list)


def parse_label_map(text: str) -> dict[str, str | None]:
    """``"PER=actor,ORG=agency,MISC="`` -> ``{"PER": "actor", "ORG": "agency", "MISC": None}``
    (``SRC=`` drops the label). Raises ``ValueError`` naming the part that is not ``SRC=DST``."""
    mapping: dict[str, str | None] = {}
    for part in text.split(","):
        if not part.strip():
            continue
        source, equals, target = part.partition("=")
        if not equals or not source.strip():
            raise ValueError(
                f"{part.strip()!r} is not SRC=DST; write e.g. PER=actor,ORG=agency,MISC="
            )
        mapping[source.strip()] = target.strip() or None
    return mapping
