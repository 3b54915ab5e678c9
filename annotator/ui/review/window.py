"""The review window: every annotator's spans on one document merged, and the gold layer.

Every span is drawn in its label colour; a span only some annotators have carries their
names in its caption, and a warning mark while its disagreement is undecided, so what is
left to do stands out at a glance. The reviewer walks the disagreements (N / P), accepts
one annotator's version (1-9), rejects them all (X), moves the gold span's ends a word at a
time (Alt+Left/Right, Alt+Shift+Left/Right), edits it (E), or accepts every agreed span at
once (A); links are reviewed per quote in the link list below the spans (N and P reach them
after the span disagreements; 1-9 and X decide them too, into gold links with their
provenance); after a decision the cursor moves to the next undecided disagreement. Alt+Down /
Alt+Up change document, Ctrl+Enter marks it reviewed and moves on. Every step is committed
to the store, published, and undoable (Ctrl+Z).

The window builds and connects widgets only: what is reviewed, the cursor and the decisions
live in the Qt-free ``ReviewSession``; the window renders it after every change.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence, QUndoStack
from PySide6.QtWidgets import (
    QCheckBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QPushButton,
    QSplitter,
    QToolBar,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.engine import Engine

from annotator.core.boundaries import Edge
from annotator.core.link_review import LinkDisagreement
from annotator.core.review import Group
from annotator.core.spans import Span
from annotator.session.command import Command
from annotator.session.review import ReviewSession, Row, State
from annotator.store.changes import Change
from annotator.ui.plain import one_line
from annotator.ui.review.agreement_view import AgreementView
from annotator.ui.review.edit_dialog import EditGoldDialog
from annotator.ui.review.links import ReviewLinkModel, speaker_words, version_text
from annotator.ui.review.spans import ReviewSpanModel, SpanTable
from annotator.ui.tables import select_row
from annotator.ui.text import AnnotatedTextView
from annotator.ui.undo import UndoStep

UNDECIDED_MARK = "⚠"
REJECTED_MARK = "✗"
MARKS = {State.UNDECIDED: UNDECIDED_MARK, State.REJECTED: REJECTED_MARK}
MAX_VERSION_KEYS = 9
STATE_BACKGROUNDS = {
    State.UNDECIDED: "rgba(214, 69, 65, 40)",
    State.DECIDED: "rgba(46, 160, 67, 40)",
    State.REJECTED: "rgba(128, 128, 128, 45)",
    State.AGREED: "palette(base)",
}


def _titled(title: str, widget: QWidget) -> QWidget:
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    caption = QLabel(title)
    caption.setTextFormat(Qt.TextFormat.PlainText)
    caption.setStyleSheet("font-weight: 600; padding: 2px 4px;")
    layout.addWidget(caption)
    layout.addWidget(widget)
    return box


def _merged_label(row: Row, state: State) -> str:
    """The caption of a span in the merged text: its label, and for a disputed span who has
    it, marked while its disagreement is undecided and once every version was rejected (a
    decided one needs no mark: the gold pane shows what was chosen)."""
    if not row.disputed:
        return row.span.label
    caption = f"{row.span.label} · {', '.join(row.who)}"
    return f"{MARKS[state]} {caption}" if state in MARKS else caption


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" + ("" if number == 1 else "s")


class ReviewWindow(QMainWindow):
    """Review one document at a time; ``publish`` carries each committed change out."""

    def __init__(
        self,
        engine: Engine,
        reviewer: str,
        publish: Callable[[Change], None] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.session = ReviewSession(engine, reviewer)
        self._publish_out = publish
        self._rendering = False
        self.undo_stack = QUndoStack(self)
        self.setWindowTitle("Review")

        self.merged = AnnotatedTextView(self)
        self.gold = AnnotatedTextView(self)
        self.span_model = ReviewSpanModel(self)
        self.span_list = SpanTable(self.span_model, self)
        self.span_list.rowChosen.connect(self._on_row_chosen)
        self.link_model = ReviewLinkModel(self)
        self.link_list = SpanTable(self.link_model, self)
        self.link_list.rowChosen.connect(self._on_link_chosen)

        self.decision = QLabel(self)
        self.decision.setTextFormat(Qt.TextFormat.PlainText)
        self.decision.setWordWrap(True)
        self.decision.setMinimumHeight(90)
        self.decision.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.decision.setStyleSheet("padding: 6px; border-radius: 4px; background: palette(base);")
        self.document_notes = QLabel(self)
        self.document_notes.setTextFormat(Qt.TextFormat.PlainText)
        self.document_notes.setWordWrap(True)
        self.note_edit = QLineEdit(self)
        self.note_edit.returnPressed.connect(self.add_note)
        self.buttons: dict[str, QPushButton] = {}
        self.counts = QLabel(self)
        self.counts.setObjectName("review-counts")
        self.statusBar().addPermanentWidget(self.counts)

        self._build_actions()
        self._build_layout()
        self.resize(1280, 800)

    @property
    def reviewer(self) -> str:
        return self.session.reviewer

    @reviewer.setter
    def reviewer(self, name: str) -> None:
        self.session.reviewer = name

    # ----- building -------------------------------------------------------------------------

    def _action(self, text: str, keys: str, slot: Callable[[], object]) -> QAction:
        """A Review menu action; ``keys`` lists its shortcuts, the first shown, split by
        spaces."""
        action = QAction(text, self)
        action.setShortcuts([QKeySequence(k) for k in keys.split()])
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.triggered.connect(lambda _checked=False: slot())
        self.addAction(action)
        self.review_menu.addAction(action)
        return action

    def _build_actions(self) -> None:
        self.review_menu = self.menuBar().addMenu("&Review")
        self.next_action = self._action("&Next disagreement", "N", self.next_disagreement)
        self.previous_action = self._action(
            "&Previous disagreement", "P", self.previous_disagreement
        )
        self.clear_action = self._action("&Select nothing", "Escape", self.clear_selection)
        self.review_menu.addSeparator()
        self.accept_actions = [
            self._action(f"Accept version {k}", str(k), partial(self.accept, k - 1))
            for k in range(1, MAX_VERSION_KEYS + 1)
        ]
        self.reject_action = self._action("&Reject all versions", "X", self.reject)
        self.edit_action = self._action("&Relabel gold span…", "E", self.edit)
        self.agreed_action = self._action("Accept all &agreed spans", "A", self.accept_all_agreed)
        self.review_menu.addSeparator()
        self.note_action = self._action("Add a n&ote", "Ctrl+M", self.note_edit.setFocus)
        self.review_menu.addSeparator()
        moves: tuple[tuple[str, Edge, int, str], ...] = (
            ("Move gold start a word left", "start", -1, "Alt+Left"),
            ("Move gold start a word right", "start", 1, "Alt+Right"),
            ("Move gold end a word left", "end", -1, "Alt+Shift+Left"),
            ("Move gold end a word right", "end", 1, "Alt+Shift+Right"),
        )
        self.moves = [
            self._action(text, keys, partial(self.move_gold, edge, step))
            for text, edge, step, keys in moves
        ]
        self.review_menu.addSeparator()
        self.next_document_action = self._action(
            "Next &document", "Alt+Down Ctrl+PgDown", partial(self.go_document, 1)
        )
        self.previous_document_action = self._action(
            "Previous document", "Alt+Up Ctrl+PgUp", partial(self.go_document, -1)
        )
        self.reviewed_next_action = self._action(
            "&Mark reviewed and next", "Ctrl+Return Ctrl+Enter", self.mark_reviewed_and_next
        )
        self.reviewed_action = self._action(
            "&Mark document reviewed", "Ctrl+Shift+Return Ctrl+Shift+Enter", self.toggle_reviewed
        )
        self.agreement_action = self._action("A&greement…", "Ctrl+G", self.show_agreement)
        self.review_menu.addSeparator()
        undo = self.undo_stack.createUndoAction(self, "&Undo")
        undo.setShortcut(QKeySequence.StandardKey.Undo)
        redo = self.undo_stack.createRedoAction(self, "&Redo")
        redo.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        for action in (undo, redo):
            self.addAction(action)
            self.review_menu.addAction(action)
        self.undo_action, self.redo_action = undo, redo
        for k in range(1, MAX_VERSION_KEYS + 1):
            layer = QAction(f"Show or hide layer {k}", self)
            layer.setShortcut(QKeySequence(f"Alt+{k}"))
            layer.triggered.connect(lambda _checked=False, k=k: self.toggle_layer(k - 1))
            self.addAction(layer)

    def _build_layout(self) -> None:
        self.layers_bar = QToolBar("Layers", self)
        self.layers_bar.setObjectName("review-layers")
        self.addToolBar(self.layers_bar)
        self.layer_boxes: dict[str, QCheckBox] = {}
        self._layer_actions: dict[str, QAction] = {}

        panel = QWidget(self)
        side = QVBoxLayout(panel)
        side.setContentsMargins(4, 4, 4, 4)
        side.addWidget(self.decision, 1)
        grid = QGridLayout()
        for number, (key, text, action) in enumerate(
            (
                ("previous", "◀ Previous (P)", self.previous_action),
                ("next", "Next (N) ▶", self.next_action),
                ("reject", "Reject all (X)", self.reject_action),
                ("edit", "Relabel… (E)", self.edit_action),
                ("agreed", "Accept agreed (A)", self.agreed_action),
                ("reviewed-next", "Reviewed, next (Ctrl+Enter)", self.reviewed_next_action),
            )
        ):
            button = QPushButton(text, panel)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.clicked.connect(action.trigger)
            self.buttons[key] = button
            grid.addWidget(button, number // 3, number % 3)
        side.addLayout(grid)
        self.versions_row = QHBoxLayout()
        side.addLayout(self.versions_row)
        side.addWidget(self.document_notes)
        side.addWidget(self.note_edit)

        texts = QSplitter(Qt.Orientation.Horizontal, self)
        texts.addWidget(
            _titled(
                f"Annotators ({UNDECIDED_MARK} undecided · {REJECTED_MARK} rejected)", self.merged
            )
        )
        texts.addWidget(_titled("Gold", self.gold))
        texts.setChildrenCollapsible(False)
        lists = QSplitter(Qt.Orientation.Vertical, self)
        lists.addWidget(self.span_list)
        self.link_section = _titled("Speaker links the annotators differ on", self.link_list)
        lists.addWidget(self.link_section)
        lists.setChildrenCollapsible(False)
        lists.setSizes([180, 150])
        below = QSplitter(Qt.Orientation.Horizontal, self)
        below.addWidget(panel)
        below.addWidget(lists)
        below.setStretchFactor(0, 2)
        below.setStretchFactor(1, 3)
        main = QSplitter(Qt.Orientation.Vertical, self)
        main.addWidget(texts)
        main.addWidget(below)
        main.setChildrenCollapsible(False)
        main.setStretchFactor(0, 3)
        main.setStretchFactor(1, 2)
        main.setSizes([500, 300])
        self.setCentralWidget(main)

    # ----- opening and refreshing -----------------------------------------------------------

    def open_document(self, document_id: int) -> None:
        self.session.open(document_id)
        self.undo_stack.clear()
        self.setWindowTitle(f"Review — {self.session.title}")
        self._render(new_document=True)

    def on_change(self, change: Change) -> None:
        """Refresh when a change names this document (or the labels)."""
        if self.session.concerns(change):
            self.session.refresh()
            self._render()

    def _publish(self, change: Change) -> None:
        if self._publish_out is not None:
            self._publish_out(change)
        else:
            self.on_change(change)

    def _captions(self) -> dict[Row, str]:
        """The merged-text caption of every row, keyed by row."""
        session = self.session
        return {row: _merged_label(row, session.row_state(row)) for row in session.rows}

    def _colors(self, captions: dict[Row, str]) -> dict[str, str]:
        """Label colours, for the plain labels and for every caption built on one."""
        colors = {label.name: label.color for label in self.session.labels}
        for row, caption in captions.items():
            if row.span.label in colors:
                colors[caption] = colors[row.span.label]
        return colors

    @contextmanager
    def _quiet(self) -> Iterator[None]:
        """Layer boxes set while rendering are not the reviewer's gestures."""
        self._rendering = True
        try:
            yield
        finally:
            self._rendering = False

    def _render(self, new_document: bool = False) -> None:
        """Show the session: texts, span list, the current decision, notes and status."""
        session = self.session
        with self._quiet():
            self._sync_layer_boxes()
            captions = self._captions()
            merged = [
                Span(r.span.start, r.span.end, captions[r], id=r.ids[0])
                for r in session.shown_rows()
            ]
            gold = [g.span for g in session.gold]
            colors = self._colors(captions)
            if new_document:
                self.merged.set_document(session.text, merged, colors)
                self.gold.set_document(session.text, gold, colors)
            else:
                for view, spans in ((self.merged, merged), (self.gold, gold)):
                    view.set_colors(colors)
                    view.set_spans(spans)
            self._show_merged_links()
            self._show_gold_links()
            self.link_model.set_items(
                session.text,
                session.link_items,
                [session.gold_links_in(item) for item in session.link_items],
                [session.link_state(item) for item in session.link_items],
            )
            self.link_section.setVisible(bool(session.link_items))
            self.span_model.set_rows(
                session.text,
                session.rows,
                len(session.annotators),
                [session.row_state(row) for row in session.rows],
            )
            notes = session.document_notes()
            self.document_notes.setText("\n".join(f"{n.annotator}: {n.text}" for n in notes))
            self.document_notes.setVisible(bool(notes))
            self._show_current()

    def _show_merged_links(self) -> None:
        """Each quote's caption in the merged text names the speakers the visible annotators
        linked it to ("quote ▸ Karen Bass"; "quote ▸ Karen Bass / Noem" where they differ)."""
        session = self.session
        speakers = session.shown_speakers()
        names = {
            row.ids[0]: " / ".join(speaker_words(session.text, key) for key in speakers[key])
            for row in session.shown_rows()
            if (key := row.span.key) in speakers
        }
        self.merged.set_speaker_names(names)

    def _show_gold_links(self) -> None:
        """Each gold quote's caption in the gold text names its gold speaker."""
        session = self.session
        ids = {g.span.key: g.span.id for g in session.gold}
        names = {}
        for link in session.gold_links:
            quote = ids.get(link.head)
            if quote is not None:
                names[quote] = speaker_words(session.text, link.child)
        self.gold.set_speaker_names(names)

    def _sync_layer_boxes(self) -> None:
        """One box per annotator of this document, in name order (Alt+1, Alt+2, ...); boxes
        of annotators seen on other documents are hidden."""
        annotators = self.session.annotators
        for name in annotators:
            if name not in self.layer_boxes:
                box = QCheckBox(name, self)
                box.toggled.connect(lambda on, name=name: self.set_layer_visible(name, on))
                self.layer_boxes[name] = box
                self._layer_actions[name] = self.layers_bar.addWidget(box)
        for name, box in self.layer_boxes.items():
            self._layer_actions[name].setVisible(name in annotators)
            box.setChecked(name not in self.session.hidden)
            if name in annotators:
                box.setToolTip(f"Show {name}'s spans (Alt+{annotators.index(name) + 1})")

    def toggle_layer(self, number: int) -> None:
        """Show or hide the layer of the ``number``-th annotator (0-based, by name)."""
        annotators = self.session.annotators
        if number < len(annotators):
            self.layer_boxes[annotators[number]].toggle()

    def set_layer_visible(self, name: str, visible: bool) -> None:
        """Draw one annotator's layer or not; it counts in every decision either way."""
        if self._rendering:
            return
        self.session.set_visible(name, visible)
        self._render()

    # ----- the cursor -----------------------------------------------------------------------

    def current_group(self) -> Group | None:
        return self.session.current_group()

    def next_disagreement(self) -> None:
        self.session.next_disagreement()
        self._render_cursor()

    def previous_disagreement(self) -> None:
        self.session.previous_disagreement()
        self._render_cursor()

    def clear_selection(self) -> None:
        self.session.clear_selection()
        self._render_cursor()

    def _render_cursor(self) -> None:
        with self._quiet():
            self._show_current()

    def _on_link_chosen(self, number: int) -> None:
        """A link disagreement the reviewer clicked or moved to: decisions apply to it."""
        self.session.select_link(number)
        self._render_cursor()

    def _on_row_chosen(self, number: int) -> None:
        """A row the reviewer clicked or moved to: its span is selected, its group current."""
        row = self.span_model.row_at(number)
        if row is None:
            return
        self.session.select_row(row.span.key)
        self._render_cursor()

    def _show_current(self) -> None:
        session = self.session
        group = session.current_group()
        link = session.current_link()
        versions = link.versions if link is not None else group.versions if group else None
        self._fill_versions(list(versions or ()))
        selected = session.selected_row()
        row = self.span_model.row_of_key(selected.span.key) if selected is not None else None
        select_row(self.span_list, row)
        select_row(self.link_list, session.link_current)
        if link is not None:
            self.decision.setText(self._describe_link(link))
            self._tint(session.link_state(link))
            self.merged.select_range(link.start, link.end)
            self.gold.select_range(link.start, link.end)
        elif group is None:
            self.merged.clear_selection()
            self.gold.clear_selection()
            agreed = len(session.groups) - len(session.disagreements)
            self.decision.setText(
                ("No disagreements." if not session.disagreements else "Nothing selected.")
                + (f"\n{_count(agreed, 'agreed group')}: accept them all with A." if agreed else "")
            )
            self._tint(State.AGREED)
        else:
            self.decision.setText(self._describe(group))
            self._tint(session.state(group))
            self.merged.select_range(group.start, group.end)
            self.gold.select_range(group.start, group.end)
        self.note_edit.setPlaceholderText(
            f"Note on “{self._words(selected.span)}” ({selected.span.label})"
            if selected is not None
            else "Note on the document"
        )
        self._update_status()

    def _tint(self, state: State) -> None:
        self.decision.setStyleSheet(
            f"padding: 6px; border-radius: 4px; background: {STATE_BACKGROUNDS[state]};"
        )

    def _describe(self, group: Group) -> str:
        session = self.session
        state = session.state(group)
        if group.agreed:
            heading = "Agreed"
        else:
            index = session.disagreements.index(group)
            heading = f"Disagreement {index + 1} of {len(session.disagreements)} ({state})"
        lines = [f"{heading}: “{one_line(session.text[group.start : group.end], 80)}”"]
        for number, (name, spans) in enumerate(group.versions.items(), start=1):
            shown = "; ".join(f"{s.label} “{self._words(s)}”" for s in spans) or "nothing"
            hidden = " (hidden)" if name in session.hidden else ""
            lines.append(f"  {number}  {name}{hidden}: {shown}")
        decided = "; ".join(
            f"{g.span.label} “{self._words(g.span)}” ({', '.join(g.sources or ()) or 'reviewer'})"
            for g in session.gold_in(group)
        )
        if state == State.REJECTED:
            lines.append("Gold: nothing (every version rejected)")
        else:
            lines.append(f"Gold: {decided or 'none yet'}")
        return "\n".join(lines)

    def _describe_link(self, item: LinkDisagreement) -> str:
        session = self.session
        state = session.link_state(item)
        index = session.link_items.index(item)
        heading = f"Speaker link {index + 1} of {len(session.link_items)} ({state})"
        lines = [f"{heading}: {item.head[2]} “{one_line(session.text[item.start : item.end], 80)}”"]
        for number, (name, children) in enumerate(item.versions.items(), start=1):
            hidden = " (hidden)" if name in session.hidden else ""
            lines.append(f"  {number}  {name}{hidden}: {version_text(session.text, children)}")
        gold = session.gold_links_in(item)
        decided = "; ".join(
            f"{speaker_words(session.text, x.child)} ({', '.join(x.sources) or 'reviewer'})"
            for x in gold
        )
        if state == State.REJECTED:
            lines.append("Gold: no speaker (every version rejected)")
        else:
            lines.append(f"Gold: {decided or 'none yet'}")
        return "\n".join(lines)

    def _fill_versions(self, names: list[str]) -> None:
        """An Accept button for each of ``names``, the annotators with a version."""
        while self.versions_row.count():
            item = self.versions_row.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.hide()
                widget.deleteLater()
        for number, name in enumerate(names, start=1):
            if number > MAX_VERSION_KEYS:
                break
            button = QPushButton(f"Accept {name} ({number})", self)
            button.setObjectName(f"accept-{name}")
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.clicked.connect(self.accept_actions[number - 1].trigger)
            self.versions_row.addWidget(button)

    def _words(self, span: Span) -> str:
        return one_line(self.session.text[span.start : span.end], 40)

    def _update_status(self) -> None:
        session = self.session
        if session.document_id is None:
            return
        self.reviewed_action.setText(
            "Reopen review of this document" if session.reviewed else "&Mark document reviewed"
        )
        counts = session.counts()
        decided = counts[State.DECIDED] + counts[State.REJECTED]
        self.counts.setText(
            f"{counts[State.UNDECIDED]} undecided · {decided} decided"
            + (f" ({counts[State.REJECTED]} rejected)" if counts[State.REJECTED] else "")
            + f" · gold: {_count(len(session.gold), 'span')}"
            + (f", {_count(len(session.gold_links), 'link')}" if session.gold_links else "")
            + (" · reviewed" if session.reviewed else "")
        )

    # ----- decisions ------------------------------------------------------------------------

    def _push(self, command: Command | None) -> None:
        if command is not None:
            self.undo_stack.push(UndoStep(command, self._publish, self._report))

    def _report(self, message: str) -> None:
        self.statusBar().showMessage(message, 8000)

    def _decide(self, command: Command | None) -> None:
        """Run a decision, then move on to the next undecided disagreement."""
        if command is None:
            return
        self._push(command)
        self.session.next_undecided()
        self._render_cursor()

    def accept(self, version: int) -> None:
        """Accept the ``version``-th annotator's spans (0-based) for the current group."""
        self._decide(self.session.accept(version))

    def reject(self) -> None:
        self._decide(self.session.reject())

    def move_gold(self, edge: Edge, step: int) -> None:
        """Move an end of the current gold span by a word; the cursor stays."""
        self._push(self.session.move_gold(edge, step))

    def go_document(self, step: int) -> None:
        """Open the next (``step`` 1) or previous (-1) document, if there is one."""
        target = self.session.neighbour(step)
        if target is None:
            self._report("No next document." if step > 0 else "No previous document.")
            return
        self.open_document(target)

    def mark_reviewed_and_next(self) -> None:
        if not self.session.reviewed:
            self.toggle_reviewed()
        self.go_document(1)

    def accept_all_agreed(self) -> None:
        self._push(self.session.accept_agreed())

    def toggle_reviewed(self) -> None:
        self._push(self.session.toggle_reviewed())

    def edit(self) -> None:
        """Relabel the span an edit of the current group starts from; it becomes the
        group's only gold span (its ends move with the word keys instead)."""
        start_from = self.session.edit_start()
        if start_from is None:
            return
        dialog = EditGoldDialog(self.session.text, start_from, self.session.labels.names, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self._decide(self.session.edit(dialog.span())))
        self.edit_dialog = dialog
        dialog.open()

    def add_note(self) -> None:
        command = self.session.add_note(self.note_edit.text())
        if command is None:
            return
        self._push(command)
        self.note_edit.clear()
        self.span_list.setFocus()

    def show_agreement(self) -> AgreementView:
        """The agreement table and chart for this document (and, on request, the corpus)."""
        session = self.session
        view = AgreementView(session.engine, list(session.visible), session.document_id, self)
        self.agreement_view = view
        view.show()
        return view
