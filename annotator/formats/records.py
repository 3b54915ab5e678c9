"""What readers yield: a document with its spans and where in the file it came from."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

from annotator.core.documents import Document
from annotator.core.labels import Label
from annotator.core.spans import Origin


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


@dataclass(frozen=True, slots=True)
class Record:
    """One document read from a file, with the spans that came with it (maybe none).

    ``statuses`` (annotator name -> status) come from ``native`` files.
    """

    document: Document
    source: str
    line: int | None = None
    spans: list[ReadSpan] = field(default_factory=list)
    annotator: str | None = None
    statuses: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Declaration:
    """What a file declares besides documents (a ``native`` header): its label schema and
    annotators, created on import where the database lacks them."""

    labels: list[Label]
    annotators: list[str]
    source: str
    line: int
