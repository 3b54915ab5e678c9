"""Prodigy's annotated examples: only accepted answers become spans; nothing is lost."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.core.errors import InputError
from annotator.formats.importing import import_paths
from annotator.formats.records import ReadOptions
from annotator.store.documents import document_summaries, get_document
from annotator.store.relations import document_links
from annotator.store.spans import document_spans
from tests.formats.peer import SPANS, TEXT, at, expected, stored, write_lines

REJECTED = "Redada en Paramount: ICE niega las cifras 😶."


def tokens(text: str) -> list[dict]:
    out, start = [], 0
    for i, word in enumerate(text.split(" ")):
        out.append({"text": word, "start": start, "end": start + len(word), "id": i, "ws": True})
        start += len(word) + 1
    return out


def example(text: str, spans: list[tuple[str, str]], answer: str, **more) -> dict:
    return {
        "text": text,
        "_input_hash": -1204312953,
        "_task_hash": 1672262961,
        "tokens": tokens(text),
        "spans": [
            {"start": at(p, text)[0], "end": at(p, text)[1], "label": label.upper()}
            for p, label in spans
        ],
        "_view_id": "ner_manual",
        "answer": answer,
        "_timestamp": 1733142000,
        "_annotator_id": "news_ner-alex",
        "_session_id": "news_ner-alex",
        **more,
    }


def prodigy_file(path: Path, newline: str = "\n") -> Path:
    return write_lines(
        path,
        example(TEXT, SPANS, "accept"),
        example(REJECTED, [("ICE", "actor"), ("Paramount", "agency")], "reject"),
        example("Sin relación 👀 con ICE.", [("ICE", "agency")], "ignore"),
        newline=newline,
    )


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_only_accepted_examples_give_spans(engine, tmp_path: Path, newline: str) -> None:
    summary = import_paths(engine, [prodigy_file(tmp_path / "news_ner.jsonl", newline)], "x")
    assert stored(engine) == expected("news_ner-alex")
    assert summary.not_read == {
        "spans of Prodigy examples answered 'reject' (the answer is kept in meta)": 2,
        "spans of Prodigy examples answered 'ignore' (the answer is kept in meta)": 1,
    }
    answers = {
        get_document(engine, s.id).text: get_document(engine, s.id).meta.get("answer")
        for s in document_summaries(engine)
    }
    assert answers == {TEXT: "accept", REJECTED: "reject", "Sin relación 👀 con ICE.": "ignore"}


def test_a_named_annotator_wins_over_the_session(engine, tmp_path: Path) -> None:
    path = prodigy_file(tmp_path / "news_ner.jsonl")
    import_paths(engine, [path], "ana", options=ReadOptions(annotator="ana"))
    assert stored(engine) == expected("ana")


def _end(phrase: str, label: str) -> dict:
    return {"start": at(phrase)[0], "end": at(phrase)[1], "label": label}


def test_relations_by_their_spans_are_read_token_only_ones_and_choices_counted(
    engine, tmp_path: Path
) -> None:
    speaker = {
        "head": 18,
        "child": 14,
        "head_span": _end("“No lo aceptaremos”", "QUOTE"),
        "child_span": _end("Karen Bass", "ACTOR"),
        "label": "SPEAKER",
    }
    rel = example(TEXT, SPANS, "accept", relations=[speaker], _view_id="relations")
    tokens_only = example(
        REJECTED, [("ICE", "actor")], "accept", relations=[{"head": 3, "child": 1, "label": "X"}]
    )
    choice = {"text": "Otra 🙂.", "options": [{"id": "POL", "text": "Politics"}], "accept": ["POL"]}
    path = write_lines(tmp_path / "rel.jsonl", rel, tokens_only, {**choice, "answer": "accept"})
    summary = import_paths(engine, [path], "x")
    document = next(
        s.id for s in document_summaries(engine) if get_document(engine, s.id).text == TEXT
    )
    spans = {s.id: TEXT[s.start : s.end] for s in document_spans(engine, document)}
    links = [
        (spans[x.head_id], spans[x.child_id], x.label) for x in document_links(engine, document)
    ]
    assert links == [("“No lo aceptaremos”", "Karen Bass", "speaker")]
    assert summary.not_read == {
        "Prodigy relations without head_span and child_span": 1,
        "Prodigy choice answers ('accept'; text classification)": 1,
    }


def test_an_unknown_answer_is_refused(engine, tmp_path: Path) -> None:
    path = write_lines(tmp_path / "bad.jsonl", example(TEXT, SPANS, "maybe"))
    with pytest.raises(InputError) as caught:
        import_paths(engine, [path], "x")
    assert str(caught.value) == (
        f"{path}:1: field 'answer' must be one of accept, reject, ignore, got 'maybe'"
    )


@pytest.mark.parametrize("relations", [5, "Karen Bass → ICE", {"head": 12, "child": 2}])
def test_relations_that_are_not_a_list_are_refused(engine, tmp_path: Path, relations) -> None:
    path = write_lines(tmp_path / "bad.jsonl", example(TEXT, SPANS, "accept", relations=relations))
    with pytest.raises(InputError) as caught:
        import_paths(engine, [path], "x")
    assert str(caught.value) == f"{path}:1: field 'relations' must be a list"
    assert document_summaries(engine) == []
