"""Reviewing one document, without Qt: every annotator's layer, the gold, the cursor, and
the reviewer's decisions as undoable commands.

Rules that hold after every step:

- The layers are those of every annotator who has one on the document. Hiding a layer only
  keeps it from being drawn: it still counts in whether a span is agreed, in the
  disagreements, in "Accept agreed" and in the span list.
- A group (spans overlapping one another) is agreed when at least two annotators have a
  layer and all have the same spans in it; a span one annotator alone has is never agreed.
- The cursor is one group, the one decisions apply to, and one row of the span list inside
  it (the span shown); moving to a group selects its first row. Clicking a row makes its
  group the cursor's. A note goes to the span of the selected row, or to the document when
  nothing is selected.
- A disagreement is decided when gold covers it, rejected when the reviewer decided it and
  no gold is left there, else undecided. Decisions are recorded in the store with the gold
  edit they go with (``store.decisions``), so a rejection is still one when the review is
  opened again; undo forgets what its step recorded.
- Links are reviewed per quote (``annotator.core.link_review``): a link disagreement is a
  quote the annotators did not all link to the same speaker. The cursor is on a span group
  or on a link disagreement, never both; N and P walk the span disagreements, then the link
  disagreements; 1-9 and X decide whichever is under the cursor, and the counts hold both.
- The session holds what the store holds as of the last ``refresh``: the window calls it for
  every published change, so what is shown is what is committed.
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass, replace
from enum import StrEnum

from sqlalchemy.engine import Engine

from annotator.core.boundaries import Edge, move_boundary
from annotator.core.errors import AnnotatorError
from annotator.core.link_agreement import LinkKey
from annotator.core.link_review import LinkDisagreement, link_disagreements
from annotator.core.relations import SPEAKER
from annotator.core.review import Gold, Group, Note, review_groups
from annotator.core.spans import Span
from annotator.session.command import Command
from annotator.store.changes import Change
from annotator.store.decisions import Decisions, decisions_of
from annotator.store.documents import document_summaries, get_document
from annotator.store.engine import reading
from annotator.store.gold_links import (
    GoldLink,
    GoldLinkEdit,
    annotator_links,
    decide_links,
    gold_links_of,
    undo_links,
)
from annotator.store.labels import LabelSchema, get_schema, schema_of
from annotator.store.notes import add_note, delete_note, notes_of
from annotator.store.relations import CarriedLink
from annotator.store.review import (
    GoldEdit,
    Key,
    accept_agreed,
    accept_version,
    annotator_layers,
    gold_of,
    is_reviewed,
    reject_all,
    review_status,
    set_review_status,
    swap_gold,
)
from annotator.store.status import Status


@dataclass(frozen=True, slots=True)
class Row:
    """One distinct span (start, end, label) of the document, as the span list shows it."""

    span: Span
    who: tuple[str, ...]
    gold_id: int | None
    notes: tuple[Note, ...]
    disputed: bool
    ids: tuple[int, ...]

    @property
    def note_target(self) -> int:
        """The span a note on this row goes to: an annotator's (review never deletes those),
        else the reviewer's own gold span."""
        return self.ids[0]


class State(StrEnum):
    """Where a group stands in the review."""

    AGREED = "agreed"
    UNDECIDED = "undecided"
    DECIDED = "decided"
    REJECTED = "rejected"


def _when(note: Note) -> tuple:
    return (note.created, note.id)


def _overlaps(start: int, end: int, span: Span) -> bool:
    return span.start < end and start < span.end


# ----- commands ---------------------------------------------------------------------------


class GoldCommand(Command):
    """A gold decision: the first ``do`` makes it; then undo and redo swap the two sides back
    and forth, with their provenance, span ids and notes as recorded. A step that
    ``decides`` a group records that decision with its gold, and its undo forgets it again
    if the step was the one that recorded it."""

    def __init__(self, engine: Engine, document_id: int, text: str) -> None:
        super().__init__(text)
        self.engine = engine
        self.document_id = document_id
        self._edit: GoldEdit | None = None
        self._notes_back: tuple[Note, ...] = ()
        self._links_back: tuple[CarriedLink, ...] = ()
        self.decides: tuple[int, int] | None = None
        """The range of the group this step decides (``None``: no group's decision)."""

    @abstractmethod
    def decide(self) -> GoldEdit:
        """Make the decision in the store (the first ``do``), recording ``decides``."""

    def do(self) -> Change:
        if self._edit is None:
            self._edit = self.decide()
            unchanged = not (self._edit.removed or self._edit.added)
            self.obsolete = unchanged and not self._edit.recorded
        else:
            self._edit = self._swap(
                self._edit.removed,
                self._edit.added,
                self._notes_back,
                self._links_back,
                record=self.decides,
            )
        return self._marked(self._edit.change)

    def undo(self) -> Change:
        assert self._edit is not None, "undo before do"
        forget = self.decides if self._edit.recorded else None
        back = self._swap(
            self._edit.added, self._edit.removed, self._edit.notes, self._edit.links, forget=forget
        )
        self._notes_back, self._links_back = back.notes, back.links
        self._edit = replace(self._edit, removed=back.added, added=back.removed)
        return self._marked(back.change)

    def _marked(self, change: Change) -> Change:
        """``change``, naming the document when the step decides a group: a rejection that
        removes no gold still changes what the review shows."""
        if self.decides is None:
            return change
        return change | Change(documents=frozenset({self.document_id}))

    def _swap(
        self,
        remove: list[Gold],
        add: list[Gold],
        notes: Sequence[Note],
        links: Sequence[CarriedLink],
        record: tuple[int, int] | None = None,
        forget: tuple[int, int] | None = None,
    ) -> GoldEdit:
        keys = [g.span.key for g in remove]
        return swap_gold(
            self.engine, self.document_id, keys, add, notes, links, record=record, forget=forget
        )


class AcceptVersion(GoldCommand):
    """One annotator's spans become the gold of ``[start, end)``, replacing what was there."""

    def __init__(
        self, engine: Engine, document_id: int, start: int, end: int, annotator: str
    ) -> None:
        super().__init__(engine, document_id, f"accept {annotator}'s version")
        self.start, self.end, self.annotator = start, end, annotator

    def decide(self) -> GoldEdit:
        return accept_version(
            self.engine, self.document_id, self.start, self.end, self.annotator, self.decides
        )


class RejectAll(GoldCommand):
    """No gold span in ``[start, end)``."""

    def __init__(self, engine: Engine, document_id: int, start: int, end: int) -> None:
        super().__init__(engine, document_id, "reject all versions")
        self.start, self.end = start, end

    def decide(self) -> GoldEdit:
        return reject_all(self.engine, self.document_id, self.start, self.end, self.decides)


class EditGold(GoldCommand):
    """The gold spans named by ``replaced`` give way to the reviewer's ``span``."""

    def __init__(
        self,
        engine: Engine,
        document_id: int,
        replaced: list[Key],
        span: Span,
        text: str = "edit gold span",
    ) -> None:
        super().__init__(engine, document_id, text)
        self.replaced, self.span = replaced, span

    def decide(self) -> GoldEdit:
        chosen = Span(self.span.start, self.span.end, self.span.label)
        return swap_gold(
            self.engine, self.document_id, self.replaced, [Gold(chosen)], record=self.decides
        )


def _keys(gold: Sequence[Gold]) -> list[Key]:
    return sorted(g.span.key for g in gold)


class MoveGold(EditGold):
    """A word step of one end of a gold span (Alt+arrow keys), which later steps of the same
    span join, as boundary moves do in the annotation window."""

    def merge(self, later: Command) -> bool:
        """A step that moves the gold span this step left, in the same group, joins it; the
        step that first made the gold span (from a version) stays apart, so undo takes that
        decision back on its own. Joined steps that come back to where they began put back
        the gold span they started from exactly (its id, provenance, notes and links) and
        leave an obsolete step."""
        if not isinstance(later, MoveGold):
            return False
        first, edit = self._edit, later._edit
        if not (
            first is not None
            and edit is not None
            and self.replaced
            and later.replaced
            and later.document_id == self.document_id
            and later.decides == self.decides
            and not (edit.notes or edit.links)
            and _keys(edit.removed) == _keys(first.added)
        ):
            return False
        self._edit = replace(first, added=edit.added, change=first.change | edit.change)
        if _keys(edit.added) == _keys(first.removed):
            try:
                self.merged = self.undo()
            except AnnotatorError:
                self._edit = first
                raise
            self.obsolete = True
        self.span = later.span
        return True


class AcceptAgreed(GoldCommand):
    """Every span all annotators with a layer on the document share goes into gold."""

    def __init__(self, engine: Engine, document_id: int) -> None:
        super().__init__(engine, document_id, "accept agreed spans")

    def decide(self) -> GoldEdit:
        return accept_agreed(self.engine, self.document_id)


class DecideLinks(Command):
    """A decision on a quote's links: ``chosen`` become its gold links (none: every version
    rejected), and the decision is recorded. Undo puts back the gold links and spans that
    were there (and forgets the decision if this step recorded it); redo decides again."""

    def __init__(
        self,
        engine: Engine,
        document_id: int,
        item: LinkDisagreement,
        chosen: tuple[Key, ...],
        text: str,
    ) -> None:
        super().__init__(text)
        self.engine = engine
        self.document_id = document_id
        self.item = item
        self.chosen = chosen
        self._edit: GoldLinkEdit | None = None

    def do(self) -> Change:
        links = [
            GoldLink(self.item.head, child, self.item.label, self.item.sources(child))
            for child in self.chosen
        ]
        self._edit = decide_links(
            self.engine, self.document_id, self.item.head, self.item.label, links
        )
        return self._edit.change | Change(documents=frozenset({self.document_id}))

    def undo(self) -> Change:
        assert self._edit is not None, "undo before do"
        change = undo_links(self.engine, self._edit, self.item.at).change
        return change | Change(documents=frozenset({self.document_id}))


class MarkReviewed(Command):
    """Mark the review finished (or reopen it); undo restores the status it had."""

    def __init__(self, engine: Engine, document_id: int, reviewed: bool) -> None:
        super().__init__("mark document reviewed" if reviewed else "reopen review")
        self.engine = engine
        self.document_id = document_id
        self.status = Status.DONE if reviewed else Status.IN_PROGRESS
        self._before: Status | None = None

    def do(self) -> Change:
        self._before = review_status(self.engine, self.document_id)
        return set_review_status(self.engine, self.document_id, self.status)

    def undo(self) -> Change:
        assert self._before is not None, "undo before do"
        return set_review_status(self.engine, self.document_id, self._before)


class AddNote(Command):
    """A note on the document or on one span; undo deletes it."""

    def __init__(
        self, engine: Engine, document_id: int, author: str, text: str, span_id: int | None
    ) -> None:
        super().__init__("add note")
        self.engine = engine
        self.document_id = document_id
        self.author = author
        self.note_text = text
        self.span_id = span_id
        self._note: Note | None = None

    def do(self) -> Change:
        self._note, change = add_note(
            self.engine, self.document_id, self.author, self.note_text, self.span_id
        )
        return change

    def undo(self) -> Change:
        assert self._note is not None, "undo before do"
        return delete_note(self.engine, self._note.id, self._note.annotator)[1]


# ----- the session ------------------------------------------------------------------------


class ReviewSession:
    """The document under review as last read from the store, and the reviewer's cursor.

    Decisions are returned as commands, not run: the window pushes them on its undo stack,
    which runs them; the change they publish comes back through ``refresh``.
    """

    def __init__(self, engine: Engine, reviewer: str) -> None:
        self.engine = engine
        self.reviewer = reviewer
        self.document_id: int | None = None
        self.title = ""
        self.text = ""
        self.hidden: set[str] = set()
        self.layers: dict[str, list[Span]] = {}
        self.gold: list[Gold] = []
        self.notes: list[Note] = []
        self.groups: list[Group] = []
        self.rows: list[Row] = []
        self.reviewed = False
        self.labels: LabelSchema = get_schema(engine)
        self.current: int | None = None
        """Index into ``groups`` of the group decisions apply to."""
        self.selected: Key | None = None
        """The selected row's span key: where a note goes."""
        self.decisions = Decisions()
        """What the reviewer decided on the document, as recorded in the store."""
        self.link_items: list[LinkDisagreement] = []
        self.layer_links: dict[str, list[LinkKey]] = {}
        self.gold_links: list[GoldLink] = []
        self.link_current: int | None = None
        """Index into ``link_items`` of the link disagreement decisions apply to (then
        ``current`` is ``None``)."""

    # ----- reading ----------------------------------------------------------------------

    def open(self, document_id: int) -> None:
        """Review ``document_id``, the cursor on its first undecided disagreement (spans
        first, then links), so a review taken up again goes on where it stopped; on the first
        disagreement when all are decided, nowhere when there is none."""
        document = get_document(self.engine, document_id)
        self.document_id = document_id
        self.title, self.text = document.title, document.text
        self.current = self.selected = self.link_current = None
        self._load()
        places = self._places()
        undecided = [p for p in places if self._undecided(p)]
        if places:
            self._go((undecided or places)[0])
        else:
            self._move_to(None)

    def concerns(self, change: Change) -> bool:
        """True if ``change`` touches the document under review."""
        doc = self.document_id
        return doc is not None and (
            doc in change.documents or doc in change.statuses or change.labels
        )

    def refresh(self) -> None:
        """Read the document's layers, gold, notes and status again, keeping the cursor on
        the group nearest the one it was on and the selected row if it is still there."""
        if self.document_id is None:
            return
        before = self.current_group()
        selected = self.selected
        link_before = self.current_link()
        self._load()
        if link_before is not None:
            self.link_current = self._link_index(link_before.at)
            if self.link_current is None and self.link_items:
                self.link_current = min(
                    range(len(self.link_items)),
                    key=lambda i: (abs(self.link_items[i].start - link_before.start), i),
                )
            return
        if before is None or not self.groups:
            self.current = None
        else:
            self.current = min(
                range(len(self.groups)),
                key=lambda i: (abs(self.groups[i].start - before.start), i),
            )
        self.selected = selected if self._row(selected) is not None else None
        if self.current is not None and not self._in_current(self.selected):
            self._move_to(self.current)

    def _load(self) -> None:
        assert self.document_id is not None
        with reading(self.engine) as connection:
            self.layers = annotator_layers(connection, self.document_id)
            self.gold = gold_of(connection, self.document_id)
            self.notes = notes_of(connection, self.document_id)
            self.reviewed = is_reviewed(connection, self.document_id)
            self.labels = schema_of(connection)
            self.layer_links = annotator_links(connection, self.document_id)
            self.gold_links = gold_links_of(connection, self.document_id)
            self.decisions = decisions_of(connection, self.document_id)
        self.groups = review_groups(self.layers)
        self.rows = self._rows()
        self.link_items = link_disagreements(self.layers, self.layer_links)

    def _rows(self) -> list[Row]:
        """One row per distinct span key, annotators' and gold, in span order."""
        by_key: dict[Key, list[Span]] = {}
        for spans in self.layers.values():
            for span in spans:
                by_key.setdefault(span.key, []).append(span)
        gold = {g.span.key: g.span for g in self.gold}
        for key in gold:
            by_key.setdefault(key, [])
        notes: dict[int | None, list[Note]] = {}
        for note in self.notes:
            notes.setdefault(note.span_id, []).append(note)
        everyone = len(self.layers)
        rows = []
        for key in sorted(by_key):
            gold_span = gold.get(key)
            ids = tuple(s.id for s in by_key[key] if s.id is not None)
            if gold_span is not None and gold_span.id is not None:
                ids += (gold_span.id,)
            who = tuple(sorted({s.annotator for s in by_key[key] if s.annotator is not None}))
            rows.append(
                Row(
                    span=Span(*key, id=ids[0]),
                    who=who,
                    gold_id=gold_span.id if gold_span else None,
                    notes=tuple(sorted((n for i in ids for n in notes.get(i, ())), key=_when)),
                    disputed=everyone < 2 or len(who) != everyone,
                    ids=ids,
                )
            )
        return rows

    # ----- what is shown ----------------------------------------------------------------

    @property
    def annotators(self) -> tuple[str, ...]:
        """Everyone with a layer on the document, by name."""
        return tuple(self.layers)

    @property
    def visible(self) -> tuple[str, ...]:
        return tuple(a for a in self.layers if a not in self.hidden)

    @property
    def disagreements(self) -> list[Group]:
        return [g for g in self.groups if not g.agreed]

    def disagreement_indexes(self) -> list[int]:
        return [i for i, g in enumerate(self.groups) if not g.agreed]

    def current_group(self) -> Group | None:
        return self.groups[self.current] if self.current is not None else None

    def gold_in(self, group: Group) -> list[Gold]:
        return [g for g in self.gold if _overlaps(group.start, group.end, g.span)]

    def document_notes(self) -> list[Note]:
        return [n for n in self.notes if n.span_id is None]

    def shown_rows(self) -> list[Row]:
        """The rows the merged text draws: those a visible annotator has."""
        return [r for r in self.rows if any(name in self.visible for name in r.who)]

    def shown_speakers(self) -> dict[Key, list[Key]]:
        """Each quote of the merged text with the speakers visible annotators linked it to,
        in the order of the annotators' names, each once."""
        found: dict[Key, list[Key]] = {}
        for name in sorted(self.layer_links):
            if name not in self.visible:
                continue
            for head, child, label in self.layer_links[name]:
                speakers = found.setdefault(head, [])
                if label == SPEAKER and child not in speakers:
                    speakers.append(child)
        return {head: speakers for head, speakers in found.items() if speakers}

    def selected_row(self) -> Row | None:
        return self._row(self.selected)

    def note_target(self) -> int | None:
        """The span a note typed now goes to; ``None``: the document."""
        row = self.selected_row()
        return row.note_target if row is not None else None

    def _row(self, key: Key | None) -> Row | None:
        return next((r for r in self.rows if r.span.key == key), None) if key else None

    def _in_current(self, key: Key | None) -> bool:
        group, row = self.current_group(), self._row(key)
        return group is not None and row is not None and _overlaps(group.start, group.end, row.span)

    def state(self, group: Group) -> State:
        if group.agreed:
            return State.AGREED
        if self.gold_in(group):
            return State.DECIDED
        if any(start < group.end and group.start < end for start, end in self.decisions.groups):
            return State.REJECTED
        return State.UNDECIDED

    def row_state(self, row: Row) -> State:
        """The state of the group ``row`` is in; a gold span of the reviewer's own that no
        annotator's span overlaps counts as decided."""
        group = next((g for g in self.groups if _overlaps(g.start, g.end, row.span)), None)
        return self.state(group) if group is not None else State.DECIDED

    def counts(self) -> dict[State, int]:
        """How many disagreements, on spans and on links, are undecided, decided (gold) and
        rejected."""
        counts = {state: 0 for state in (State.UNDECIDED, State.DECIDED, State.REJECTED)}
        for group in self.disagreements:
            counts[self.state(group)] += 1
        for item in self.link_items:
            counts[self.link_state(item)] += 1
        return counts

    # ----- links ------------------------------------------------------------------------

    def current_link(self) -> LinkDisagreement | None:
        return self.link_items[self.link_current] if self.link_current is not None else None

    def gold_links_in(self, item: LinkDisagreement) -> list[GoldLink]:
        """The gold links of the quote ``item`` is about."""
        return [x for x in self.gold_links if (x.head, x.label) == item.at]

    def link_state(self, item: LinkDisagreement) -> State:
        if self.gold_links_in(item):
            return State.DECIDED
        return State.REJECTED if item.at in self.decisions.links else State.UNDECIDED

    def select_link(self, index: int) -> None:
        """Make the ``index``-th link disagreement the one decisions apply to."""
        if 0 <= index < len(self.link_items):
            self._move_to_link(index)

    def _move_to_link(self, index: int) -> None:
        self.current = self.selected = None
        self.link_current = index

    def _link_index(self, at: tuple[Key, str]) -> int | None:
        return next((i for i, x in enumerate(self.link_items) if x.at == at), None)

    def _decide_link(self, chosen: tuple[Key, ...], text: str) -> Command | None:
        item = self.current_link()
        if item is None or self.document_id is None:
            return None
        return DecideLinks(self.engine, self.document_id, item, chosen, text)

    # ----- moving -----------------------------------------------------------------------

    def set_visible(self, name: str, visible: bool) -> None:
        (self.hidden.discard if visible else self.hidden.add)(name)

    def next_disagreement(self) -> None:
        self._step(1)

    def previous_disagreement(self) -> None:
        self._step(-1)

    def _places(self) -> list[tuple[str, int]]:
        """Where the cursor can go, in walking order: span disagreements, then links."""
        return [("span", i) for i in self.disagreement_indexes()] + [
            ("link", i) for i in range(len(self.link_items))
        ]

    def _place(self) -> tuple[str, int] | None:
        if self.link_current is not None:
            return ("link", self.link_current)
        return None if self.current is None else ("span", self.current)

    def _go(self, place: tuple[str, int]) -> None:
        kind, index = place
        if kind == "link":
            self._move_to_link(index)
        else:
            self._move_to(index)

    def _undecided(self, place: tuple[str, int]) -> bool:
        kind, index = place
        if kind == "link":
            return self.link_state(self.link_items[index]) == State.UNDECIDED
        return self.state(self.groups[index]) == State.UNDECIDED

    def next_undecided(self) -> None:
        """Move to the first undecided disagreement (spans, then links) after the cursor,
        wrapping round; stay when every disagreement is decided."""
        places = self._places()
        undecided = [p for p in places if self._undecided(p)]
        if not undecided:
            return
        at = self._position(places)
        after = -1.0 if at is None else at
        later = [p for p in undecided if places.index(p) > after]
        self._go(later[0] if later else undecided[0])

    def neighbour(self, step: int) -> int | None:
        """The id of the document ``step`` places after (before, if negative) the one under
        review, in id order; ``None`` past either end."""
        ids = [summary.id for summary in document_summaries(self.engine)]
        if self.document_id not in ids:
            return None
        at = ids.index(self.document_id) + step
        return ids[at] if 0 <= at < len(ids) else None

    def _step(self, delta: int) -> None:
        places = self._places()
        if not places:
            return
        at = self._position(places)
        if at is None:
            self._go(places[0] if delta > 0 else places[-1])
            return
        ahead = [p for n, p in enumerate(places) if (n > at if delta > 0 else n < at)]
        if not ahead:  # wrap round
            self._go(places[0] if delta > 0 else places[-1])
        else:
            self._go(ahead[0] if delta > 0 else ahead[-1])

    def _position(self, places: list[tuple[str, int]]) -> float | None:
        """Where the cursor is among ``places``: its index, or, on an agreed group, halfway
        between the disagreements around it; ``None`` when nothing is current."""
        here = self._place()
        if here is None:
            return None
        if here in places:
            return places.index(here)
        return sum(1 for kind, i in places if kind == "span" and i < here[1]) - 0.5

    def _move_to(self, index: int | None) -> None:
        self.link_current = None
        self.current = index
        group = self.current_group()
        first = (
            next((r for r in self.rows if _overlaps(group.start, group.end, r.span)), None)
            if group is not None
            else None
        )
        self.selected = first.span.key if first is not None else None

    def select_row(self, key: Key) -> None:
        """Select the row of span ``key``; its group becomes the one decisions apply to."""
        row = self._row(key)
        if row is None:
            return
        self.selected = key
        self.link_current = None
        self.current = next(
            (i for i, g in enumerate(self.groups) if _overlaps(g.start, g.end, row.span)), None
        )

    def clear_selection(self) -> None:
        """Nothing selected: decisions wait, a note goes to the document."""
        self.current = self.selected = self.link_current = None

    # ----- decisions --------------------------------------------------------------------

    def accept(self, version: int) -> Command | None:
        """Accept the ``version``-th annotator's spans (0-based, by name) in the current
        group, or their links of the current quote; ``None`` when there is no such group,
        quote or annotator."""
        item = self.current_link()
        if item is not None:
            if version >= len(item.versions):
                return None
            name = list(item.versions)[version]
            return self._decide_link(item.versions[name], f"accept {name}'s speaker")
        group = self.current_group()
        if group is None or self.document_id is None or version >= len(group.versions):
            return None
        name = list(group.versions)[version]
        command = AcceptVersion(self.engine, self.document_id, group.start, group.end, name)
        return self._deciding(command, group)

    def reject(self) -> Command | None:
        if self.current_link() is not None:
            return self._decide_link((), "reject every speaker")
        group = self.current_group()
        if group is None or self.document_id is None:
            return None
        return self._deciding(
            RejectAll(self.engine, self.document_id, group.start, group.end), group
        )

    def _deciding(self, command: GoldCommand, group: Group) -> GoldCommand:
        """``command`` records ``group`` decided when it runs, and forgets it on undo."""
        command.decides = (group.start, group.end)
        return command

    def edit_start(self) -> Span | None:
        """The span an edit of the current group starts from: its gold, else the first
        annotator's version."""
        group = self.current_group()
        if group is None:
            return None
        gold = self.gold_in(group)
        if gold:
            return gold[0].span
        return next((spans[0] for spans in group.versions.values() if spans), None)

    def edit(self, span: Span) -> Command | None:
        """Make ``span`` the current group's only gold span."""
        group = self.current_group()
        if group is None or self.document_id is None:
            return None
        replaced = [g.span.key for g in self.gold_in(group)]
        return self._deciding(EditGold(self.engine, self.document_id, replaced, span), group)

    def move_gold(self, edge: Edge, step: int) -> Command | None:
        """Move one end of the current group's gold span (or, with no gold yet, of the
        first version) a word left (``step`` < 0) or right, snapped to word boundaries."""
        group, span = self.current_group(), self.edit_start()
        if group is None or span is None or self.document_id is None:
            return None
        moved = move_boundary(self.text, span.start, span.end, edge, step)
        if moved is None:
            return None
        replaced = [g.span.key for g in self.gold_in(group) if g.span.key == span.key]
        chosen = Span(moved[0], moved[1], span.label)
        command = MoveGold(self.engine, self.document_id, replaced, chosen, f"move gold {edge}")
        return self._deciding(command, group)

    def accept_agreed(self) -> Command | None:
        if self.document_id is None:
            return None
        return AcceptAgreed(self.engine, self.document_id)

    def toggle_reviewed(self) -> Command | None:
        if self.document_id is None:
            return None
        return MarkReviewed(self.engine, self.document_id, not self.reviewed)

    def add_note(self, text: str) -> Command | None:
        """A note by the reviewer on the selected span, else on the document."""
        if self.document_id is None or not text.strip():
            return None
        return AddNote(self.engine, self.document_id, self.reviewer, text, self.note_target())
