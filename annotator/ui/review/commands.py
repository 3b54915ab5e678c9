"""Undoable review steps: each is one gold swap in the store, undone by the opposite swap."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QUndoCommand
from sqlalchemy.engine import Engine

from annotator.core.errors import AnnotatorError
from annotator.core.review import Note
from annotator.store.changes import Change
from annotator.store.notes import add_note, delete_note
from annotator.store.review import GoldEdit, swap_gold

Publish = Callable[[Change], None]
Report = Callable[[str], None]


class ReviewCommand(QUndoCommand):
    """Runs a store step, publishes its change; a failed step reports and becomes obsolete."""

    def __init__(self, engine: Engine, publish: Publish, report: Report, text: str) -> None:
        super().__init__(text)
        self.engine = engine
        self._publish = publish
        self._report = report

    def _run(self, step: Callable[[], Change]) -> None:
        try:
            change = step()
        except AnnotatorError as exc:
            self.setObsolete(True)
            self._report(f"Not saved: {exc}")
            return
        self._publish(change)


class GoldCommand(ReviewCommand):
    """A gold edit: ``action`` runs once; redo and undo then swap the two sides back and forth.

    Provenance travels with the swapped spans, so undo restores it as it was recorded.
    """

    def __init__(
        self,
        engine: Engine,
        publish: Publish,
        report: Report,
        text: str,
        action: Callable[[], GoldEdit],
    ) -> None:
        super().__init__(engine, publish, report, text)
        self._action: Callable[[], GoldEdit] | None = action
        self._edit: GoldEdit | None = None

    def redo(self) -> None:
        self._run(self._forward)

    def undo(self) -> None:
        self._run(self._backward)

    def _forward(self) -> Change:
        if self._action is not None:
            self._edit, self._action = self._action(), None
            if not self._edit.removed and not self._edit.added:
                self.setObsolete(True)
        else:
            self._edit = self._swap(self._edit.removed, self._edit.added)
        return self._edit.change

    def _backward(self) -> Change:
        undone = self._swap(self._edit.added, self._edit.removed)
        self._edit = GoldEdit(self._edit.document_id, undone.added, undone.removed, undone.change)
        return undone.change

    def _swap(self, remove, add) -> GoldEdit:
        edit = self._edit
        return swap_gold(self.engine, edit.document_id, [g.span.key for g in remove], add)


class AddNote(ReviewCommand):
    """Adds a note; undo deletes it."""

    def __init__(
        self,
        engine: Engine,
        publish: Publish,
        report: Report,
        document_id: int,
        author: str,
        text: str,
        span_id: int | None,
    ) -> None:
        super().__init__(engine, publish, report, "add note")
        self._where = (document_id, author, text, span_id)
        self._note: Note | None = None

    def redo(self) -> None:
        self._run(self._add)

    def undo(self) -> None:
        self._run(self._delete)

    def _add(self) -> Change:
        document_id, author, text, span_id = self._where
        self._note, change = add_note(self.engine, document_id, author, text, span_id)
        return change

    def _delete(self) -> Change:
        return delete_note(self.engine, self._note.id, self._note.annotator)[1]
