from __future__ import annotations

from annotator.core.documents import document_from_article, text_sha256, title_from_text
from annotator.core.labels import load_schema


def test_date_marker_becomes_metadata_and_leaves_the_text() -> None:
    doc = document_from_article("date 2025-06-07 ICE arrested 44 people.\n\nMore text.\n")
    assert doc.meta == {"date": "2025-06-07"}
    assert doc.text == "ICE arrested 44 people.\n\nMore text."
    assert doc.title == "ICE arrested 44 people."


def test_without_marker_the_text_is_kept_whole_and_line_endings_normalised() -> None:
    doc = document_from_article("Headline\r\nBody")
    assert doc.meta == {} and doc.text == "Headline\nBody" and doc.date is None


def test_long_first_line_gives_a_shortened_title() -> None:
    title = title_from_text("word " * 100)
    assert len(title) <= 200 and title.endswith("…")


def test_sha256_identifies_the_text() -> None:
    assert text_sha256("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"


def test_seed_article(seed_document) -> None:
    assert seed_document.date == "2025-06-07"
    assert seed_document.title.startswith("US Immigration and Customs Enforcement arrested")
    assert not seed_document.text.startswith("date")


def test_default_schema_has_five_labels_with_hotkeys_and_guidelines() -> None:
    schema = load_schema()
    assert schema.names == ["actor", "agency", "location", "figure", "quote"]
    assert [label.hotkey for label in schema] == ["1", "2", "3", "4", "5"]
    assert all(label.guideline and label.color.startswith("#") for label in schema)
    assert schema.by_hotkey("5").name == "quote"
