"""What the review window shows for one document, worked out from the store (no Qt)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.engine import Engine

from annotator.core.review import Gold, Group, Note, provenance, review_groups
from annotator.core.spans import Span
from annotator.store.engine import reading
from annotator.store.notes import notes_of
from annotator.store.review import annotator_layers, gold_of


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
        """The span a new note on this row attaches to: the gold one, else the first."""
        return self.gold_id if self.gold_id is not None else self.ids[0]


@dataclass(frozen=True, slots=True)
class ReviewState:
    """One document under review: the visible annotators' layers, their groups, the gold."""

    document_id: int
    annotators: tuple[str, ...]
    visible: tuple[str, ...]
    layers: dict[str, list[Span]]
    gold: list[Gold]
    notes: list[Note]
    groups: list[Group]

    @property
    def disagreements(self) -> list[Group]:
        return [g for g in self.groups if not g.agreed]

    def gold_in(self, group: Group) -> list[Gold]:
        return [g for g in self.gold if group.start < g.span.end and g.span.start < group.end]

    def document_notes(self) -> list[Note]:
        return [n for n in self.notes if n.span_id is None]

    def rows(self) -> list[Row]:
        by_key: dict[tuple, list[Span]] = {}
        for spans in self.layers.values():
            for span in spans:
                by_key.setdefault(span.key, []).append(span)
        gold = {g.span.key: g.span for g in self.gold}
        for key in gold:
            by_key.setdefault(key, [])
        rows = []
        for key in sorted(by_key):
            spans = by_key[key]
            gold_span = gold.get(key)
            ids = tuple(s.id for s in spans) + ((gold_span.id,) if gold_span else ())
            who = provenance(Span(*key), self.layers)
            rows.append(
                Row(
                    span=Span(*key, id=ids[0]),
                    who=who,
                    gold_id=gold_span.id if gold_span else None,
                    notes=tuple(n for n in self.notes if n.span_id in ids),
                    disputed=len(who) != len(self.layers),
                    ids=ids,
                )
            )
        return rows


def load_state(engine: Engine, document_id: int, hidden: Sequence[str] = ()) -> ReviewState:
    """The document's review state with the annotators in ``hidden`` left out of the view."""
    with reading(engine) as connection:
        layers = annotator_layers(connection, document_id)
        gold = gold_of(connection, document_id)
        notes = notes_of(connection, document_id)
    annotators = tuple(sorted(layers))
    visible = tuple(a for a in annotators if a not in hidden)
    shown = {a: layers[a] for a in visible}
    return ReviewState(document_id, annotators, visible, shown, gold, notes, review_groups(shown))
