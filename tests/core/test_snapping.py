from __future__ import annotations

import pytest

from annotator.core.snapping import snap


def snapped(
    text: str, selected: str, label: str | None = None, shift: tuple[int, int] = (0, 0)
) -> str | None:
    start = text.index(selected) + shift[0]
    end = start - shift[0] + len(selected) + shift[1]
    result = snap(text, start, end, label)
    return None if result is None else text[result[0] : result[1]]


TEXT = (
    "ICE arrested at least 44 people in downtown Los Angeles. "
    "The American Civil Liberties Union (ACLU) denounced the raids. "
    "“You are not welcome here,” a woman said. U.S. officials counted 3,000 arrests, 40% more."
)


@pytest.mark.parametrize(
    ("selected", "shift", "expected"),
    [
        ("at least 44 people", (2, -2), "least 44 people"),
        ("rrested at lea", (0, 0), "arrested at least"),
        (" downtown Los Angeles. ", (0, 0), "downtown Los Angeles"),
        ("(ACLU) ", (0, 0), "ACLU"),
        ("3,000 arrests, ", (1, 0), "3,000 arrests"),
        ("40% more", (0, -5), "40%"),
        ("Civil Liberties", (3, -3), "Civil Liberties"),
    ],
)
def test_selection_snaps_to_whole_words_without_surrounding_punctuation(
    selected: str, shift: tuple[int, int], expected: str
) -> None:
    assert snapped(TEXT, selected, shift=shift) == expected


def test_quote_keeps_its_inside_punctuation_and_drops_the_marks() -> None:
    assert snapped(TEXT, "“You are not welcome here,”", "quote") == "You are not welcome here,"
    assert snapped(TEXT, "ou are not welcome her", "quote") == "You are not welcome here"


def test_nothing_worth_a_span_gives_none() -> None:
    assert snap(TEXT, 5, 5) is None
    assert snap(TEXT, TEXT.index(" ("), TEXT.index(" (") + 2) is None
    assert snap("", 0, 0) is None


def test_emoji_and_accents_are_part_of_offsets_in_code_points() -> None:
    text = "🚨 José Álvarez said so"
    start, end = snap(text, 3, 8)
    assert text[start:end] == "José Álvarez"
