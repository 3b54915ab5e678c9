"""Links: a relation of a given type from one span (the head) to another (the child)."""

from __future__ import annotations

from dataclasses import dataclass

SPEAKER = "speaker"
"""The relation from a quote to the actor or agency who said it."""


@dataclass(frozen=True, slots=True)
class Link:
    """``label`` from span ``head_id`` to span ``child_id``, both of one document and one
    annotator's layer."""

    head_id: int
    child_id: int
    label: str
    id: int | None = None
    document_id: int | None = None
    annotator: str | None = None
