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

    @property
    def stored_id(self) -> int:
        """The database id of a link read from the store, which gives every link it returns
        one (a link proposed or read from a file has none until it is stored)."""
        if self.id is None:
            raise ValueError(f"the {self.label} link {self.head_id}->{self.child_id} is not stored")
        return self.id

    @property
    def owner(self) -> str:
        """The annotator of a link read from the store, which names every link's layer."""
        if self.annotator is None:
            raise ValueError(
                f"the {self.label} link {self.head_id}->{self.child_id} has no annotator"
            )
        return self.annotator
