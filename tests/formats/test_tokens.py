"""Tokens agree with span boundaries: spaCy's strict char_span finds every exported span, and
the ``tokens`` export is what Hugging Face token classification loads."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from annotator.formats.importing import import_paths
from annotator.formats.tokenize import tokenize
from annotator.store import open_store
from annotator.store.exporting import Selection, SpanSource
from annotator.store.spans import document_spans
from tests.formats.helpers import Doc, export_to, fill
from tests.formats.test_roundtrip import documents


def spacy_doc(words: list[str], spaces: list[bool]) -> tuple[str, list[int]]:
    """What ``spacy.tokens.Doc(vocab, words, spaces)`` builds: its text and token offsets."""
    offsets, text = [], ""
    for word, space in zip(words, spaces, strict=True):
        offsets.append(len(text))
        text += word + (" " if space else "")
    return text, offsets


def char_span_strict(words: list[str], offsets: list[int], start: int, end: int):
    """``Doc.char_span(start, end, alignment_mode="strict")``: token indices or None."""
    first = next((i for i, o in enumerate(offsets) if o == start), None)
    last = next((i for i, o in enumerate(offsets) if o + len(words[i]) == end), None)
    if first is None or last is None or last < first:
        return None
    return first, last + 1


@settings(max_examples=200, deadline=None)
@given(doc=documents())
def test_every_exported_span_aligns_strictly_with_the_tokens(doc: Doc) -> None:
    spans = [(s, e) for s, e, *_ in doc.spans]
    tokens = tokenize(doc.text, spans)
    words = [doc.text[t.start : t.end] for t in tokens]
    text, offsets = spacy_doc(words, [t.ws for t in tokens])
    assert text == doc.text
    assert all(words), "no empty token"
    for start, end in spans:
        assert char_span_strict(words, offsets, start, end) is not None, (start, end)


def test_punctuation_emoji_and_combining_marks_stay_in_their_tokens() -> None:
    text = "Café\u0301 👍🏽 U.S. “Bass”,  ok 👨‍👩‍👧🇺🇸"
    words = [text[t.start : t.end] for t in tokenize(text)]
    assert words == [
        *("Café\u0301", "👍🏽", "U", ".", "S", ".", "“", "Bass", "”", ",", " ", "ok"),
        *("👨‍👩‍👧", "🇺🇸"),
    ]


def test_a_span_edge_inside_a_word_splits_the_word() -> None:
    text = "Anti-ICE protests"
    words = [text[t.start : t.end] for t in tokenize(text, [(5, 8)])]
    assert words == ["Anti", "-", "ICE", "protests"]


def bio_well_formed(tags: list[str]) -> bool:
    previous = "O"
    for tag in tags:
        if tag.startswith("I-") and previous[2:] != tag[2:]:
            return False
        if tag != "O" and tag[:2] not in ("B-", "I-"):
            return False
        previous = tag
    return True


@settings(max_examples=30, deadline=None)
@given(docs=st.lists(documents(), min_size=1, max_size=4))
def test_tokens_export_loads_as_hugging_face_token_classification(
    docs: list[Doc], tmp_path_factory
) -> None:
    started = {who for doc in docs for who, status in doc.statuses.items() if status != "new"}
    assume(started or any(doc.spans for doc in docs))
    folder = tmp_path_factory.mktemp("tokens")
    engine = open_store(folder / "t.db")
    fill(engine, docs)
    each = Selection(source=SpanSource.EACH)
    summary = export_to(engine, folder / "t.jsonl", "tokens", selection=each)
    engine.dispose()
    rows = [json.loads(line) for line in (folder / "t.jsonl").open(encoding="utf-8")]
    keys = ("id", "annotator", "text", "tokens", "ner_tags")
    columns = {key: [row[key] for row in rows] for key in keys}
    assert all(set(row) == set(columns) for row in rows)
    for tokens, tags in zip(columns["tokens"], columns["ner_tags"], strict=True):
        assert len(tokens) == len(tags)
        assert all(isinstance(t, str) and t.strip() for t in tokens)
        assert bio_well_formed(tags)
    distinct = {(d.text, s[3], s[:3]) for d in docs for s in d.spans}
    written = sum(summary.spans_per_label.values())
    assert written + sum(summary.skipped_spans.values()) == len(distinct)


def test_nesting_policy_keeps_the_outermost_span_and_counts_the_rest(tmp_path: Path) -> None:
    engine = open_store(tmp_path / "t.db")
    text = "Mayor Karen Bass of Los Angeles spoke."
    fill(
        engine,
        [
            Doc(
                text,
                [
                    (0, 31, "actor", "ana", "manual"),
                    (6, 16, "actor", "ana", "manual"),
                    (20, 31, "location", "ana", "manual"),
                    (28, 37, "quote", "ana", "manual"),
                    (0, 31, "quote", "ana", "manual"),
                ],
            )
        ],
    )
    summary = export_to(engine, tmp_path / "t.jsonl", "tokens")
    row = json.loads((tmp_path / "t.jsonl").read_text(encoding="utf-8"))
    assert row["tokens"][:8] == ["Mayor", "Karen", "Bass", "of", "Los", "Ange", "les", "spoke"]
    assert row["ner_tags"][:8] == ["B-ACTOR"] + ["I-ACTOR"] * 6 + ["O"]
    assert summary.spans_per_label == {"actor": 1}
    assert sum(summary.skipped_spans.values()) == 4
    assert [n for r, n in sorted(summary.skipped_spans.items())] == [1, 2, 1]


def test_tokens_import_attaches_to_the_same_text_and_rebuilds_spans(tmp_path: Path) -> None:
    engine = open_store(tmp_path / "t.db")
    text = "🚨 ICE arrested 44 people in Paramount."
    fill(
        engine,
        [Doc(text, [(2, 5, "agency", "ana", "manual"), (15, 24, "figure", "ana", "manual")])],
    )
    export_to(engine, tmp_path / "t.jsonl", "tokens")
    summary = import_paths(engine, [tmp_path / "t.jsonl"], annotator="model")
    assert (summary.documents_added, summary.documents_existing) == (0, 1)
    mine = [(s.start, s.end, s.label) for s in document_spans(engine, 1, "model")]
    assert mine == [(2, 5, "agency"), (15, 24, "figure")]
