"""The one kind of undoable step, for the annotation and the review windows alike.

A command calls store functions that commit before they return, and returns the store's
``Change`` so the caller can publish it. A store error (``AnnotatorError``) propagates: the
caller reports it and drops the command, so no history keeps a step that does not match the
database. Commands hold ids and values, never Qt objects, so they run in plain tests.
"""

from __future__ import annotations

from abc import ABC, abstractmethod

from annotator.store.changes import Change


class Command(ABC):
    """One undoable step: ``do`` applies it (again, after an undo), ``undo`` reverts it."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.obsolete = False
        """Set by ``do`` when the step turned out to change nothing (a duplicate span, an
        empty gold edit): histories drop it instead of keeping a step that does nothing."""
        self.merged: Change | None = None
        """What ``merge`` itself wrote, for the caller to publish (``None``: nothing)."""

    @abstractmethod
    def do(self) -> Change:
        """Apply the step, committed before returning; what changed."""

    @abstractmethod
    def undo(self) -> Change:
        """Revert the step, committed before returning; what changed."""

    def merge(self, later: Command) -> bool:
        """Absorb ``later`` (already done) into this step, so one undo reverts both; word-by-word
        boundary moves of one span merge this way. False leaves both steps apart. A merge
        that has to write to put things back (joined moves of a gold span that return to
        where they began) commits, sets ``merged`` to what changed and may raise a store
        error, after which both steps stay apart."""
        return False
