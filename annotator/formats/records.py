"""What readers yield: a document with its spans and where in the file it came from."""

from __future__ import annotations

from dataclasses import dataclass, field

from annotator.core.documents import Document
from annotator.core.spans import Span


@dataclass(frozen=True, slots=True)
class Record:
    """One document read from a file, with the spans that came with it (maybe none).

    ``annotator`` names whose spans these are when the file says so (a ``native`` export);
    otherwise the importer's ``--annotator`` applies.
    """

    document: Document
    source: str
    line: int | None = None
    spans: list[Span] = field(default_factory=list)
    annotator: str | None = None
