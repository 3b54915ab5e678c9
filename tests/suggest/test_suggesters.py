"""Suggesters as a user meets them: what they propose for a text, and how well they learn."""

from __future__ import annotations

import math
from dataclasses import replace
from pathlib import Path

import pytest

from annotator.core.documents import text_sha256
from annotator.core.errors import AnnotatorError
from annotator.suggest.base import Example, Suggestion, best_per_range
from annotator.suggest.evaluation import learning_curve, score, split_heldout
from annotator.suggest.quotes import quote_ranges
from annotator.suggest.registry import SUGGESTERS
from annotator.suggest.strings import StringMatcher, train_strings
from annotator.suggest.training import (
    load_trained,
    model_folder,
    save_trained,
    train_and_measure,
    trained_model,
)
from tests.benchmarks.news import news_examples


def example(text: str, *tagged: tuple[str, str]) -> Example:
    """An example whose spans are the first occurrence of each ``(text, label)``."""
    spans = []
    for piece, label in tagged:
        start = text.index(piece)
        spans.append((start, start + len(piece), label))
    return Example(text=text, spans=tuple(sorted(spans)), sha256=text_sha256(text))


def texts(text: str, suggestions: list[Suggestion]) -> list[tuple[str, str, float]]:
    return [(text[s.start : s.end], s.label, round(s.score, 2)) for s in suggestions]


def test_string_matcher_suggests_every_tagged_text_again_longest_first_whole_words() -> None:
    matcher = train_strings(
        [
            example("New York Times reporters met Zoë Chen 👍🏽.", ("New York Times", "agency")),
            example(
                "In New York, Zoë Chen spoke.", ("New York", "location"), ("Zoë Chen", "actor")
            ),
            example("Ask New York again.", ("New York", "location")),
            example("New York said so.", ("New York", "agency")),
        ]
    )
    text = "🎉 Zoë Chen of the New York Times flew to New York; New Yorkers and Zoë Chenko stayed."
    assert texts(text, matcher.suggest(text)) == [
        ("Zoë Chen", "actor", 1.0),
        ("New York Times", "agency", 1.0),
        ("New York", "agency", 0.33),
        ("New York", "location", 0.67),
    ]
    assert texts(text, best_per_range(matcher.suggest(text)))[-1] == ("New York", "location", 0.67)


def test_string_matcher_follows_each_edit() -> None:
    matcher = StringMatcher()
    text = "Karen Bass met ICE officers."
    assert matcher.suggest(text) == []
    matcher.add("Karen Bass", "actor")
    matcher.add(" ICE ", "agency")
    assert texts(text, matcher.suggest(text)) == [
        ("Karen Bass", "actor", 1.0),
        ("ICE", "agency", 1.0),
    ]
    matcher.remove("ICE", "agency")
    matcher.add("Karen Bass", "location")
    assert texts(text, matcher.suggest(text)) == [
        ("Karen Bass", "actor", 0.5),
        ("Karen Bass", "location", 0.5),
    ]


def test_quote_finder_keeps_the_inside_of_quotes_of_three_words_or_more() -> None:
    text = (
        'He said "we will not leave," and left. She called it “a total disgrace!” twice.\n'
        "The players' union and the owners' group met. ‘Don’t go there now’, she said.\n"
        '"Too short" was all. 「no」 “unclosed quote\nnext line”'
    )
    found = [text[s:e] for s, e in quote_ranges(text)]
    assert found == ["we will not leave,", "a total disgrace!", "Don’t go there now"]


def test_crf_finds_names_the_string_matcher_never_saw() -> None:
    corpus = news_examples(40, seed=3)
    strings = learning_curve(corpus, SUGGESTERS["strings"], shares=(100,)).points[-1]
    crf = learning_curve(corpus, SUGGESTERS["crf"], shares=(100,)).points[-1]
    assert crf.scores.overall.f1 > 0.8
    assert crf.scores.overall.f1 > strings.scores.overall.f1 + 0.3
    assert crf.scores.labels["actor"].f1 > 0.8 and crf.scores.labels["location"].f1 > 0.8


def test_crf_keeps_nested_spans_of_different_labels() -> None:
    corpus = news_examples(30, seed=5)
    model = SUGGESTERS["crf"].train(corpus)
    text = '" we will not stop , " said Renmo Kalu , a spokesperson for Vimo Council .'
    found = {(text[s.start : s.end], s.label) for s in model.suggest(text)}
    assert ("we will not stop ,", "quote") in found
    assert ("Renmo Kalu", "actor") in found and ("Vimo Council", "agency") in found
    nested = '" we will not stop until Renmo Kalu is safe , " said Vimo Council .'
    labels = {(nested[s.start : s.end], s.label) for s in model.suggest(nested)}
    assert ("we will not stop until Renmo Kalu is safe ,", "quote") in labels
    assert ("Renmo Kalu", "actor") in labels


def test_score_counts_exact_matches_per_label() -> None:
    scores = score(
        [
            ([(0, 4, "actor"), (10, 14, "location")], [(0, 4, "actor"), (10, 15, "location")]),
            ([(2, 3, "actor")], [(2, 3, "actor"), (5, 6, "agency")]),
        ]
    )
    assert (scores.overall.correct, scores.overall.suggested, scores.overall.annotated) == (2, 4, 3)
    assert scores.labels["actor"].f1 == 1.0
    assert scores.labels["location"].precision == 0.0 and scores.labels["agency"].recall == 0.0


def known_corpus(count: int) -> list[Example]:
    """Every document names Ana Ruiz (actor) once and one actor nobody else names."""
    return [
        example(
            f"Story {i}: Ana Ruiz met Person{i} Zed in Köln. 🗞️",
            ("Ana Ruiz", "actor"),
            (f"Person{i} Zed", "actor"),
        )
        for i in range(count)
    ]


def test_learning_curve_figures_known_by_construction() -> None:
    """Trained on any share, the string matcher finds Ana Ruiz in each held-out document and
    nothing else, so precision is 1 and recall 1/2 at every point."""
    docs = known_corpus(40)
    train, heldout = split_heldout(docs)
    curve = learning_curve(docs, SUGGESTERS["strings"]).as_dict()
    assert curve["heldout_documents"] == len(heldout) > 0
    assert [p["train_documents"] for p in curve["curve"]] == [
        math.ceil(len(train) * s / 100) for s in (10, 25, 50, 100)
    ]
    for point in curve["curve"]:
        assert (point["precision"], point["recall"]) == (1.0, 0.5)
        assert point["f1"] == pytest.approx(2 / 3, abs=1e-4)
        assert point["labels"]["actor"]["recall"] == 0.5


@pytest.mark.parametrize("name", sorted(SUGGESTERS))
def test_trained_model_round_trips_through_its_folder(name: str, tmp_path: Path) -> None:
    corpus = news_examples(25, seed=11)
    model, record = train_and_measure(corpus, SUGGESTERS[name], "ana")
    folder = model_folder(tmp_path / "corpus.db", "ana", name)
    save_trained(folder, model, record)
    save_trained(folder, model, record)
    loaded = load_trained(folder)
    assert loaded is not None
    again, again_record = loaded
    assert again_record == record and record.documents == 25 and record.heldout_documents > 0
    for doc in corpus[:3]:
        assert again.suggest(doc.text) == model.suggest(doc.text)
    assert load_trained(tmp_path / "nothing") is None


def test_gate_offers_a_suggester_only_above_its_threshold() -> None:
    corpus = news_examples(25, seed=2)
    _, strings = train_and_measure(corpus, SUGGESTERS["strings"], "ana")
    _, crf = train_and_measure(corpus, SUGGESTERS["crf"], "ana")
    assert crf.offered(0.5) and not strings.offered(0.5)
    assert "ready" in crf.state(0.5) and "below 0.50" in strings.state(0.5)
    assert not crf.offered(1.01)
    _, unmeasured = train_and_measure(corpus[:1], SUGGESTERS["crf"], "ana")
    assert unmeasured.f1 is None and not unmeasured.offered(0.0)


def test_models_of_two_databases_never_share_a_folder(tmp_path: Path) -> None:
    one = model_folder(tmp_path / "a" / "annotator.db", "ana/ben", "crf")
    two = model_folder(tmp_path / "b" / "annotator.db", "ana/ben", "crf")
    assert one != two and one.parent.name == two.parent.name == "ana%2Fben"


def test_a_stored_model_is_reused_until_the_annotations_change(tmp_path: Path) -> None:
    corpus = news_examples(12, seed=9)
    db = tmp_path / "annotator.db"
    _, first = trained_model(db, corpus, SUGGESTERS["strings"], "ana")
    again, second = trained_model(db, corpus, SUGGESTERS["strings"], "ana")
    assert second == first
    assert again.suggest(corpus[0].text) == SUGGESTERS["strings"].train(corpus).suggest(
        corpus[0].text
    )
    edited = [*corpus[:-1], replace(corpus[-1], spans=corpus[-1].spans[1:])]
    _, third = trained_model(db, edited, SUGGESTERS["strings"], "ana")
    assert third.fingerprint != first.fingerprint and third.spans == first.spans - 1
    folder = model_folder(db, "ana", "strings")
    (folder / "training.json").write_text("{not json", encoding="utf-8")
    assert load_trained(folder) is None


def test_a_model_that_cannot_be_stored_is_a_one_line_error(tmp_path: Path) -> None:
    corpus = news_examples(4, seed=1)
    model, record = train_and_measure(corpus, SUGGESTERS["strings"], "ana")
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    with pytest.raises(AnnotatorError, match="cannot store the trained model"):
        save_trained(blocker / "ana" / "strings", model, record)
