"""The label schema: names, colours, hotkeys and guidelines, and the relation types that join
spans of given labels (``speaker``: from a ``quote`` to the ``actor`` or ``agency`` who said it)."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from annotator.core.errors import InvalidSpan

_NAME = re.compile(r"^[a-z][a-z0-9_-]{0,31}$")
_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")

LABEL_PALETTE = (
    "#4e79a7",
    "#e15759",
    "#59a14f",
    "#b07aa1",
    "#edc948",
    "#76b7b2",
    "#f28e2b",
    "#9c755f",
    "#d37295",
    "#499894",
    "#b6992d",
)
"""Colours for new labels: a qualitative palette (Tableau's 10 and 20, the mid-lightness
ones only) whose tints read on a white page and on a dark one."""


def _rgb(color: str) -> tuple[int, int, int]:
    value = int(color.lstrip("#"), 16)
    return value >> 16, (value >> 8) & 0xFF, value & 0xFF


def _distance(a: str, b: str) -> float:
    """How far apart two colours look, roughly: RGB distance weighted as the eye weighs it
    (the "redmean" approximation)."""
    (r1, g1, b1), (r2, g2, b2) = _rgb(a), _rgb(b)
    mean = (r1 + r2) / 2
    return (
        (2 + mean / 256) * (r1 - r2) ** 2
        + 4 * (g1 - g2) ** 2
        + (2 + (255 - mean) / 256) * (b1 - b2) ** 2
    ) ** 0.5


def next_label_color(in_use: Iterable[str]) -> str:
    """The palette colour farthest from every colour ``in_use`` (the first of the palette
    when none is): a new label never takes a colour already there while one is free; once
    all are, the palette again in turn."""
    used = [color.lower() for color in in_use if _COLOR.match(color)]
    free = [color for color in LABEL_PALETTE if color not in used]
    if not free:
        return LABEL_PALETTE[len(used) % len(LABEL_PALETTE)]
    if not used:
        return free[0]
    return max(free, key=lambda color: min(_distance(color, other) for other in used))


@dataclass(frozen=True, slots=True)
class Label:
    name: str
    color: str
    hotkey: str = ""
    guideline: str = ""


@dataclass(frozen=True, slots=True)
class RelationType:
    """A kind of link from a span labelled one of ``heads`` to a span labelled one of
    ``children``."""

    name: str
    heads: tuple[str, ...]
    children: tuple[str, ...]
    guideline: str = ""

    def joins(self, head_label: str, child_label: str) -> bool:
        return head_label in self.heads and child_label in self.children


def normalise_label(name: str) -> str:
    """The one spelling of a label name read from a file or typed: trimmed, lower case
    (``" PER"`` and ``"per"`` are one label)."""
    return name.strip().lower()


def check_label(label: Label) -> None:
    """Raise ``InvalidSpan`` if the label's name, colour or hotkey is unusable."""
    if not _NAME.match(label.name):
        raise InvalidSpan(
            f"label name {label.name!r} must be lowercase letters, digits, '-' or '_', "
            "starting with a letter, at most 32 characters"
        )
    if not _COLOR.match(label.color):
        raise InvalidSpan(f"label {label.name!r}: colour {label.color!r} is not #rrggbb")
    if len(label.hotkey) > 1:
        raise InvalidSpan(f"label {label.name!r}: hotkey {label.hotkey!r} must be one key")


def check_relation_type(relation: RelationType, labels: Iterable[str]) -> None:
    """Raise ``InvalidSpan`` if the relation type's name is unusable or it joins a label
    that is not in ``labels`` (or no label at one end)."""
    if not _NAME.match(relation.name):
        raise InvalidSpan(
            f"relation name {relation.name!r} must be lowercase letters, digits, '-' or '_', "
            "starting with a letter, at most 32 characters"
        )
    known = set(labels)
    for end, names in (("from", relation.heads), ("to", relation.children)):
        if not names:
            raise InvalidSpan(f"relation {relation.name!r} joins no label at its {end!r} end")
        unknown = [name for name in names if name not in known]
        if unknown:
            raise InvalidSpan(f"relation {relation.name!r} names unknown label {unknown[0]!r}")


class LabelSchema:
    """An ordered set of labels with unique names and hotkeys, and the relation types
    (unique names) that join them."""

    def __init__(self, labels: Iterable[Label], relations: Iterable[RelationType] = ()) -> None:
        self._labels: dict[str, Label] = {}
        hotkeys: dict[str, str] = {}
        for label in labels:
            check_label(label)
            if label.name in self._labels:
                raise InvalidSpan(f"label {label.name!r} is defined twice")
            if label.hotkey and label.hotkey in hotkeys:
                raise InvalidSpan(
                    f"hotkey {label.hotkey!r} is used by both {hotkeys[label.hotkey]!r} "
                    f"and {label.name!r}"
                )
            if label.hotkey:
                hotkeys[label.hotkey] = label.name
            self._labels[label.name] = label
        self.relations: dict[str, RelationType] = {}
        for relation in relations:
            check_relation_type(relation, self._labels)
            if relation.name in self.relations:
                raise InvalidSpan(f"relation {relation.name!r} is defined twice")
            self.relations[relation.name] = relation

    def __iter__(self) -> Iterator[Label]:
        return iter(self._labels.values())

    def __len__(self) -> int:
        return len(self._labels)

    def __contains__(self, name: object) -> bool:
        return name in self._labels

    def __getitem__(self, name: str) -> Label:
        return self._labels[name]

    @property
    def names(self) -> list[str]:
        return list(self._labels)

    def by_hotkey(self, key: str) -> Label | None:
        return next((label for label in self if label.hotkey == key), None)


def resources_dir() -> Path:
    """The repository's ``resources/`` folder (the package is installed from the checkout)."""
    return Path(__file__).resolve().parents[2] / "resources"


def load_schema(path: Path | None = None) -> LabelSchema:
    """Read a label schema, relation types included, from a TOML file (default:
    ``resources/labels.toml``)."""
    path = path or resources_dir() / "labels.toml"
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    return LabelSchema(
        (
            Label(
                name=entry["name"],
                color=entry["color"],
                hotkey=str(entry.get("hotkey", "")),
                guideline=entry.get("guideline", ""),
            )
            for entry in data.get("labels", [])
        ),
        (
            RelationType(
                name=entry["name"],
                heads=tuple(entry["from"]),
                children=tuple(entry["to"]),
                guideline=entry.get("guideline", ""),
            )
            for entry in data.get("relations", [])
        ),
    )
