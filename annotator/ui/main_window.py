"""The main window: document list | article text | labels and spans, with a status bar.

The window only composes widgets and binds keys to the workspace; the session's state and
edits live in ``Workspace``. It is built in two steps so that it paints before the store is
imported (importing SQLAlchemy and SQLModel takes longer than Qt's whole start): the frame
(menus, panes' places, the article view, restored geometry) first, which ``preview`` can fill
with the article about to open, then ``attach`` adds the workspace's panes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QFontDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QMainWindow,
    QMenu,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from annotator.core.spans import Span
from annotator.ui.cheat_sheet import CheatSheet, Shortcut, shortcut_rows
from annotator.ui.find_bar import FindBar
from annotator.ui.flag_dialog import FlagDialog
from annotator.ui.guideline_panel import GuidelinePanel
from annotator.ui.label_palette import LABEL_NAME, LabelPaletteModel, PaletteView
from annotator.ui.plain import speaker_name
from annotator.ui.preferences import Preferences
from annotator.ui.proposal_keys import ProposalKeys
from annotator.ui.span_list import SpanTable
from annotator.ui.status_bar import WorkspaceStatusBar
from annotator.ui.text import AnnotatedTextView
from annotator.ui.text.view import ACCEPT, ACCEPT_LABEL, NEXT, PREVIOUS, REJECT

if TYPE_CHECKING:
    from annotator.core.boundaries import Edge
    from annotator.core.documents import Document
    from annotator.core.labels import LabelSchema
    from annotator.session.attribution import SpeakerProposal
    from annotator.ui.search.dock import SearchDock
    from annotator.ui.workspace import Workspace

Keys = str | QKeySequence.StandardKey
WORDS_SHOWN = 32
"""How much of the current suggestion's text the status bar shows."""
PROPOSING = "Speaker "  # how the status bar starts while a speaker is proposed
MENU_GROUPS = {
    "File": "App",
    "Help": "App",
    "Edit": "Annotate",
    "Tag": "Annotate",
    "Suggestions": "Suggest",
    "Go": "Navigate",
}
"""Which cheat-sheet group each menu's keys go under (the Review menu's: "Review")."""


def _heading(text: str, parent: QWidget) -> QLabel:
    label = QLabel(text, parent)
    label.setTextFormat(Qt.TextFormat.PlainText)
    font = label.font()
    font.setBold(True)
    label.setFont(font)
    label.setContentsMargins(2, 4, 0, 2)
    return label


def pane_sizes(width: int) -> list[int]:
    """Default widths of the document list, the article and the side pane for a window
    ``width`` pixels wide: the side panes in proportion within sensible bounds, the rest
    (at least half at any size) to the article."""
    documents = min(max(round(width * 0.22), 230), 340)
    side = min(max(round(width * 0.27), 220), 440)
    return [documents, max(width - documents - side, width // 2), side]


class MainWindow(QMainWindow):
    def __init__(self, preferences: Preferences, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.preferences = preferences
        preferences.setParent(self)
        self.workspace: Workspace | None = None
        self.search_dock: SearchDock | None = None
        """The corpus dock once Ctrl+Shift+F has opened it."""
        self.review_window: QMainWindow | None = None
        """The review window once Review > Review this document has opened it."""
        self.shortcut_sources: list[Callable[[], list[Shortcut]]] = []
        """More keys for the cheat sheet, from windows opened from this one (review)."""
        self.setWindowTitle("annotator")
        self.status_bar = WorkspaceStatusBar(self)
        self.setStatusBar(self.status_bar)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName("main-splitter")
        self.splitter.setChildrenCollapsible(False)
        self.text_view = AnnotatedTextView(self)
        self._restore_text_font()
        article = QWidget(self.splitter)
        article_layout = QVBoxLayout(article)
        article_layout.setContentsMargins(0, 0, 0, 0)
        article_layout.setSpacing(0)
        article_layout.addWidget(self.text_view, 1)
        self.find_bar = FindBar(self.text_view, article)
        article_layout.addWidget(self.find_bar)
        for widget in (QWidget(self.splitter), article, QWidget(self.splitter)):
            self.splitter.addWidget(widget)
        self._split_chosen = False  # a remembered split, or the first show's
        self.setCentralWidget(self.splitter)
        self._build_frame_menus()
        self._restore_layout()

    def attach(self, workspace: Workspace) -> None:
        """Fill the frame with the workspace's panes, keys and menus."""
        from annotator.ui.document_browser import DocumentBrowser

        self.workspace = workspace
        self.browser = DocumentBrowser(workspace, self)
        self.palette_view = PaletteView(LabelPaletteModel(workspace, self), self)
        self.guideline = GuidelinePanel(workspace.schema, self)
        self.span_table = SpanTable(workspace, self)
        side = QWidget(self)
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 6, 6, 0)
        side_layout.setSpacing(4)
        side_layout.addWidget(_heading("Labels", side))
        side_layout.addWidget(self.palette_view)
        side_layout.addWidget(self.guideline)
        span_heading = QHBoxLayout()
        span_heading.addWidget(_heading("Spans in this document", side), 1)
        span_heading.addWidget(self.span_table.label_filter)
        side_layout.addLayout(span_heading)
        side_layout.addWidget(self.span_table, 1)
        for index, widget in ((0, self.browser), (2, side)):
            placeholder = self.splitter.replaceWidget(index, widget)
            assert placeholder is not None, "the frame keeps a placeholder for each pane"
            placeholder.deleteLater()
        for index, stretch in enumerate((1, 3, 1)):  # the article takes most of a resize
            self.splitter.setStretchFactor(index, stretch)
        self._restore_splitter()
        self._build_workspace_menus(workspace)
        self._connect(workspace)
        self.status_bar.bind(workspace)
        self.text_view.setFocus()

    # menus and keys

    def _action(
        self, menu: QMenu, text: str, slot: Callable[[], object], keys: Sequence[Keys] = ()
    ) -> QAction:
        action = QAction(text, self)
        action.setShortcuts([QKeySequence(k) for k in keys])
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.triggered.connect(lambda _checked=False: slot())
        menu.addAction(action)
        self.addAction(action)
        return action

    def _build_frame_menus(self) -> None:
        bar = self.menuBar()
        self.file_menu = bar.addMenu("&File")
        self._file_end = self.file_menu.addSeparator()
        self._action(self.file_menu, "Switch &annotator…", self.switch_annotator)
        standard = QKeySequence.keyBindings(QKeySequence.StandardKey.Quit)
        quit_keys: list[Keys] = [k.toString() for k in standard] or ["Ctrl+Q"]
        self._action(self.file_menu, "&Quit", self.close, quit_keys)
        for text in ("&Import…", "&Export…"):
            placeholder = self.add_file_action(text, lambda: None)
            placeholder.setEnabled(False)
        self.edit_menu = bar.addMenu("&Edit")
        self.label_menu = bar.addMenu("&Tag")
        self._label_actions: list[QAction] = []
        self._build_view_menu(bar.addMenu("&View"))
        self.suggest_menu = bar.addMenu("S&uggestions")
        self.go_menu = bar.addMenu("&Go")
        self.review_menu = bar.addMenu("&Review")
        self.review_menu.menuAction().setVisible(False)
        help_menu = bar.addMenu("&Help")
        self._action(help_menu, "&Keyboard shortcuts", self.show_cheat_sheet, ["F1", "?"])

    def _build_view_menu(self, view: QMenu) -> None:
        text = self.text_view
        self._action(view, "Zoom &in", text.zoom_in, ["Ctrl+=", "Ctrl++"])
        self._action(view, "Zoom &out", text.zoom_out, ["Ctrl+-"])
        self._action(view, "&Actual size", lambda: text.set_zoom(0), ["Ctrl+0"])
        self._action(view, "&Font…", self.choose_font)

    def _build_workspace_menus(self, ws: Workspace) -> None:
        edit = self.edit_menu
        undo = ws.undo_stack.createUndoAction(self, "&Undo")
        undo.setShortcuts([QKeySequence("Ctrl+Z")])
        redo = ws.undo_stack.createRedoAction(self, "&Redo")
        redo.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        undo.setIconText("Undo")
        redo.setIconText("Redo")
        for action in (undo, redo):
            edit.addAction(action)
            self.addAction(action)
        edit.addSeparator()
        self._action(edit, "&Delete span", ws.delete_current, ["Delete", "Backspace"])
        self._action(edit, "Clear selection", self.clear_selection, ["Esc"])
        moves: tuple[tuple[str, Edge, int, str], ...] = (
            ("Move start a word left", "start", -1, "Alt+Left"),
            ("Move start a word right", "start", 1, "Alt+Right"),
            ("Move end a word left", "end", -1, "Alt+Shift+Left"),
            ("Move end a word right", "end", 1, "Alt+Shift+Right"),
        )
        for text, edge, step, keys in moves:
            self._action(edit, text, partial(ws.move_current, edge, step), [keys])
        edit.addSeparator()
        self._action(edit, "Propose &speaker", ws.propose_speaker, ["S"])
        self._action(edit, "&Unlink speaker", ws.unlink_speaker, ["Shift+S"])
        ProposalKeys(ws, self)
        edit.addSeparator()
        self.snap_action = QAction("&Snap selections to words", self, checkable=True)
        self.snap_action.setChecked(ws.preferences.snapping)
        self.snap_action.toggled.connect(lambda on: setattr(ws.preferences, "snapping", on))
        edit.addAction(self.snap_action)
        self._action(edit, "&Find in document", self.find_bar.open, ["Ctrl+F"])
        self._action(edit, "Find &next", lambda: self.find_bar.step(1), ["F3"])
        self._action(edit, "Find pre&vious", lambda: self.find_bar.step(-1), ["Shift+F3"])
        self._action(edit, "&Search the corpus…", self.show_search, ["Ctrl+Shift+F"])
        self._action(edit, "&Filter documents", self.focus_filter, ["Ctrl+L"])
        edit.addSeparator()
        self._action(edit, "&Labels…", self.edit_labels, ["Ctrl+Shift+L"])
        self._build_label_actions(ws.schema)
        self._build_contextual_keys(ws)
        go = self.go_menu
        self._action(go, "&Next document", lambda: ws.go(1), ["Alt+Down", "Ctrl+PgDown"])
        self._action(go, "&Previous document", lambda: ws.go(-1), ["Alt+Up", "Ctrl+PgUp"])
        self._action(go, "Next &unfinished document", lambda: ws.go(1, unfinished=True), ["Ctrl+J"])
        self._action(
            go, "Next document the tagger is least &sure of", ws.go_uncertain, ["Ctrl+Shift+J"]
        )
        self._action(
            go,
            "Mark &done and go to the next",
            ws.mark_done_and_next,
            ["Ctrl+Return", "Ctrl+Enter"],
        )
        self._action(go, "S&kip and go to the next", ws.skip_and_next, ["Ctrl+K"])
        self._action(go, "&Flag and go to the next…", self.flag_document, ["Ctrl+Shift+K"])

    def _build_contextual_keys(self, ws: Workspace) -> None:
        """Tab, Shift+Tab, Enter, Shift+Enter and Backspace in the article: keys whose
        meaning depends on what is current. The article view reports them (``contextKey``)
        instead of shortcuts taking them, so Enter still submits the document filter and a
        dialog, and Tab still moves the focus elsewhere; ``_on_context_key`` dispatches them,
        in one place for every mode that claims them. The menu offers the same steps."""
        self.context_keys: list[tuple[str, str, str, Callable[[], object]]] = [
            (NEXT, "&Next suggestion", "Tab", lambda: ws.step_suggestion(1)),
            (PREVIOUS, "&Previous suggestion", "Shift+Tab", lambda: ws.step_suggestion(-1)),
            (ACCEPT, "&Accept suggestion", "Enter", ws.accept_suggestion),
            (ACCEPT_LABEL, "Accept all of its &label", "Shift+Enter", ws.accept_label),
            (REJECT, "&Reject suggestion (else delete span)", "Backspace", ws.reject_or_delete),
        ]
        for _name, text, keys, slot in self.context_keys:
            self._action(self.suggest_menu, f"{text}\t{keys}", slot)
        self.text_view.contextKey.connect(self._on_context_key)
        self.shortcut_sources.append(
            lambda: [
                Shortcut("Suggest", text.replace("&", ""), keys)
                for _name, text, keys, _slot in self.context_keys
            ]
        )
        self.suggest_menu.addSeparator()
        self._action(self.suggest_menu, "Re&train suggesters", ws.train_suggesters)
        self._action(self.suggest_menu, "Suggestion &threshold…", self.ask_suggestion_threshold)

    def _on_context_key(self, name: str) -> None:
        """A contextual key pressed in the article (see ``_build_contextual_keys``)."""
        for known, _text, _keys, slot in self.context_keys:
            if known == name:
                slot()

    def ask_suggestion_threshold(self) -> None:
        ws = self.attached
        value, ok = QInputDialog.getDouble(
            self,
            "Suggestion threshold",
            "Offer a suggester's suggestions when its held-out F1 is at least:",
            ws.session.suggestions.threshold,
            0.0,
            1.0,
            2,
        )
        if ok:
            ws.set_suggestion_threshold(value)

    def add_file_action(
        self, text: str, slot: Callable[[], object], keys: Sequence[Keys] = ()
    ) -> QAction:
        """Add (or, for the Import…/Export… placeholders, fill in) an entry of the File menu."""
        for action in self.file_menu.actions():
            if action.text() == text:
                action.triggered.connect(lambda _checked=False: slot())
                action.setShortcuts([QKeySequence(k) for k in keys])
                action.setEnabled(True)
                return action
        action = self._action(self.file_menu, text, slot, keys)
        self.file_menu.insertAction(self._file_end, action)
        return action

    def add_review_action(
        self, text: str, slot: Callable[[], object], keys: Sequence[Keys] = ()
    ) -> QAction:
        """Add an entry to the Review menu (shown once it has one)."""
        self.review_menu.menuAction().setVisible(True)
        return self._action(self.review_menu, text, slot, keys)

    def _build_label_actions(self, schema: LabelSchema) -> None:
        for action in self._label_actions:
            self.label_menu.removeAction(action)
            self.removeAction(action)
            action.deleteLater()
        self._label_actions = [
            self._action(
                self.label_menu,
                label.name,
                partial(self.apply_label, label.name),
                [label.hotkey] if label.hotkey else [],
            )
            for label in schema
        ]

    # behaviour

    def _connect(self, ws: Workspace) -> None:
        ws.documentOpened.connect(self._show_document)
        ws.spansUpdated.connect(lambda added, removed: self.text_view.update_spans(added, removed))
        ws.currentSpanChanged.connect(self.text_view.set_current_span)
        ws.suggestionsChanged.connect(self._show_suggestions)
        ws.linksChanged.connect(self._show_links)
        ws.currentSpanChanged.connect(self._show_link_marks)
        ws.proposalChanged.connect(self._show_proposal)
        ws.labelsChanged.connect(self._on_labels)
        self.text_view.textClicked.connect(ws.click)
        self.text_view.captionClicked.connect(ws.set_current_span)
        self.text_view.selectionChanged.connect(
            lambda: ws.select_text(self.text_view.selected_range())
        )
        self.palette_view.labelClicked.connect(self.apply_label)
        self.palette_view.entered.connect(
            lambda index: self.guideline.show_label(index.data(LABEL_NAME))
        )
        ws.currentSpanChanged.connect(self._show_guideline_of_span)

    @property
    def attached(self) -> Workspace:
        """The workspace, for the slots and actions that ``attach`` connects."""
        if self.workspace is None:
            raise RuntimeError("no workspace is attached to the window yet")
        return self.workspace

    def preview(self, title: str, text: str, spans: list[Span], colors: dict[str, str]) -> None:
        """Show an article before a workspace is attached (it shows it again from the store)."""
        self.setWindowTitle(f"{title or 'Untitled'} — annotator")
        self.text_view.set_document(text, spans, colors)

    def _show_document(self, document: Document) -> None:
        spans = list(self.attached.spans.values())
        self.preview(document.title, document.text, spans, self.attached.colors)
        self.find_bar.document_changed()

    def _show_suggestions(self) -> None:
        suggestions = self.attached.session.suggestions
        items = [Span(s.start, s.end, s.label) for s in suggestions.items]
        self.text_view.set_suggestions(items, suggestions.current)
        current = suggestions.current_suggestion
        if current is not None:
            index = items.index(Span(current.start, current.end, current.label)) + 1
            words = self.text_view.text()[current.start : current.end]
            if len(words) > WORDS_SHOWN:
                words = words[: WORDS_SHOWN - 1] + "…"
            self.status_bar.say(
                f"{index}/{len(items)} {current.label} “{words}”: Enter accepts, Backspace rejects"
            )

    def _on_labels(self, schema: LabelSchema) -> None:
        self._build_label_actions(schema)
        self.guideline.set_schema(schema)
        self.text_view.set_colors(self.attached.colors)

    def _show_links(self) -> None:
        """Each linked quote's caption names its speaker."""
        ws = self.attached
        names = {}
        for quote, speaker in ws.session.attribution.speakers().items():
            span = ws.spans.get(speaker)
            if span is not None and quote in ws.spans:
                names[quote] = speaker_name(ws.document_text, span)
        self.text_view.set_speaker_names(names)
        self._show_link_marks()

    def _show_link_marks(self, *_args: object) -> None:
        ws = self.attached
        current = ws.current_span
        speaker = None if current is None else ws.session.attribution.speaker_of(current)
        proposal = ws.session.proposal
        self.text_view.set_link_marks(speaker, None if proposal is None else proposal.candidate)

    def _show_proposal(self, proposal: SpeakerProposal | None) -> None:
        self._show_link_marks()
        if proposal is None:
            if self.status_bar.currentMessage().startswith(PROPOSING):
                self.status_bar.clearMessage()  # its keys no longer do what it says
            return
        ws = self.attached
        span = ws.spans[proposal.candidate]
        self.status_bar.say(
            f"{PROPOSING}{proposal.index + 1} of {len(proposal.candidates)}: "
            f"{speaker_name(ws.document_text, span, 60)} ({span.label}) — "
            "Enter links, Tab/Shift+Tab other candidates, Esc cancels"
        )

    def apply_label(self, name: str) -> None:
        self.guideline.show_label(name)
        self.attached.apply_label(name)

    def _show_guideline_of_span(self, span_id: int | None) -> None:
        span = self.attached.spans.get(span_id) if span_id is not None else None
        if span is not None:
            self.guideline.show_label(span.label)

    def clear_selection(self) -> None:
        """Esc: close the find bar when it has the keys, else clear the selection."""
        if self.find_bar.isAncestorOf(self.focusWidget()):
            self.find_bar.close_bar()
            return
        self.text_view.clear_selection()
        self.attached.clear_choice()

    def flag_document(self) -> None:
        document = self.attached.document
        if document is None:
            return
        dialog = FlagDialog(document.title, self)
        if dialog.exec():
            self.attached.flag_and_next(dialog.reason())

    def show_search(self) -> None:
        """Open the corpus dock (made on first use) on its Search tab."""
        from annotator.ui.search.dock import SearchDock

        if self.search_dock is None:
            self.search_dock = SearchDock(self.attached, self)
            self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.search_dock)
            self.resizeDocks(
                [self.search_dock], [max(260, self.height() // 3)], Qt.Orientation.Vertical
            )
            self.search_dock.reveal.connect(self.show_range)
        self.search_dock.open_search()

    def show_range(self, document_id: int, start: int, end: int) -> None:
        """Open a document (unless it is open) with code points ``start``-``end`` selected."""
        ws = self.attached
        if ws.document is None or ws.document.id != document_id:
            ws.open_document(document_id)
        if ws.document is not None and ws.document.id == document_id:
            self.text_view.select_range(start, end)
            self.text_view.setFocus()

    def focus_filter(self) -> None:
        self.browser.filter_box.setFocus()
        self.browser.filter_box.selectAll()

    def show_cheat_sheet(self) -> None:
        rows = shortcut_rows(self, {**MENU_GROUPS, "Review": "Review"}, "Annotate")
        for source in self.shortcut_sources:
            rows.extend(source())
        CheatSheet(rows, self).exec()

    def edit_labels(self) -> None:
        from annotator.ui.label_dialog import LabelDialog

        LabelDialog(self.attached, self).exec()

    def switch_annotator(self) -> None:
        from annotator.store.annotators import list_annotators
        from annotator.ui.identity import ask_identity

        if self.workspace is None:
            return
        known = list_annotators(self.workspace.engine)
        name = ask_identity(self, known, self.workspace.annotator)
        if name and name != self.workspace.annotator:
            self.workspace.preferences.annotator = name
            self.workspace.set_annotator(name)

    def choose_font(self) -> None:
        """Pick the article font; its size becomes the actual size (zoom 0)."""
        dialog = QFontDialog(self.text_view.base_font(), self)
        dialog.setWindowTitle("Article font")
        if dialog.exec():
            self.preferences.text_font = dialog.selectedFont()
            self.text_view.set_base_font(dialog.selectedFont())
            self.text_view.set_zoom(0)

    # layout memory

    def _restore_text_font(self) -> None:
        prefs = self.preferences
        font = prefs.text_font
        if font is not None:
            self.text_view.set_base_font(font)
        self.text_view.set_zoom(prefs.text_zoom)
        self.text_view.zoomChanged.connect(lambda steps: setattr(prefs, "text_zoom", steps))

    def _restore_layout(self) -> None:
        prefs = self.preferences
        geometry = prefs.layout("geometry")
        if geometry is None or not self.restoreGeometry(geometry):
            self.resize(1440, 900)
        self._restore_splitter()

    def _restore_splitter(self) -> None:
        state = self.preferences.layout("splitter")
        if state is not None:
            self._split_chosen = self.splitter.restoreState(state)

    def showEvent(self, event: QShowEvent) -> None:
        """The first time it is shown, a window with no remembered layout splits its width
        as ``pane_sizes`` says (its size is only known now)."""
        if not self._split_chosen:
            self.splitter.setSizes(pane_sizes(self.splitter.width() or self.width()))
            self._split_chosen = True
        super().showEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        prefs = self.preferences
        prefs.set_layout("geometry", self.saveGeometry())
        prefs.set_layout("splitter", self.splitter.saveState())
        if self.workspace is not None:
            self.workspace.stop_background()
        super().closeEvent(event)
