"""CoNLL NER files: CoNLL-2003's layout (IOB1), IOB2, BIOES and BILOU read onto rebuilt text;
IOB2 written back in the documented layout (https://www.clips.uantwerpen.be/conll2003/ner/)."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotator.core.errors import InputError
from annotator.formats.importing import import_paths
from annotator.store import open_store
from annotator.store.documents import document_summaries, get_document
from annotator.store.spans import document_spans
from tests.engines import dump
from tests.formats.helpers import Doc, export_to, fill

# As in CoNLL-2003's eng.train: four columns, IOB1 (I- starts a span, B- only between two
# adjacent spans of one type), -DOCSTART- before each document, a blank line after sentences.
CONLL_2003 = """\
-DOCSTART- -X- -X- O

EU NNP B-NP I-ORG
rejects VBZ B-VP O
German JJ B-NP I-MISC
call NN I-NP O
to TO B-VP O
boycott VB I-VP O
British JJ B-NP I-MISC
lamb NN I-NP O
. . O O

Peter NNP B-NP I-PER
Blackburn NNP I-NP I-PER

-DOCSTART- -X- -X- O

BRUSSELS NNP B-NP I-LOC
1996-08-22 CD I-NP O

Germany NNP B-NP I-LOC
France NNP B-NP B-LOC
and CC O O
Britain NNP B-NP I-LOC
"""


def texts_and_spans(engine) -> list[tuple[str, list[tuple[str, str]]]]:
    out = []
    for summary in document_summaries(engine):
        text = get_document(engine, summary.id).text
        spans = [(text[s.start : s.end], s.label) for s in document_spans(engine, summary.id)]
        out.append((text, spans))
    return out


def write(path: Path, content: str, newline: str = "\n") -> Path:
    path.write_bytes(content.replace("\n", newline).encode("utf-8"))
    return path


def test_conll_2003_documents_sentences_and_iob1_spans(engine, tmp_path) -> None:
    path = write(tmp_path / "eng.train", CONLL_2003)
    summary = import_paths(engine, [path], "ana", format_name="conll", add_missing_labels=True)
    assert summary.documents_added == 2
    assert texts_and_spans(engine) == [
        (
            "EU rejects German call to boycott British lamb .\nPeter Blackburn",
            [("EU", "org"), ("German", "misc"), ("British", "misc"), ("Peter Blackburn", "per")],
        ),
        (
            "BRUSSELS 1996-08-22\nGermany France and Britain",
            [("BRUSSELS", "loc"), ("Germany", "loc"), ("France", "loc"), ("Britain", "loc")],
        ),
    ]
    assert document_summaries(engine)[0].title.startswith("EU rejects")


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_iob2_with_tabs_non_ascii_and_emoji_before_spans(engine, tmp_path, newline) -> None:
    content = (
        "🚨\tO\nICE\tB-AGENCY\narrestó\tO\na\tO\n«\tO\nal\tB-FIGURE\nmenos\tI-FIGURE\n"
        "44\tI-FIGURE\npersonas\tI-FIGURE\n»\tO\nen\tO\nLos\tB-LOCATION\nÁngeles\tI-LOCATION\n"
        "\n👍🏽\tO\nKaren\tB-ACTOR\nBass\tI-ACTOR\nB-ACTOR\tB-ACTOR\n"
    )
    import_paths(engine, [write(tmp_path / "news.iob", content, newline)], "ana")
    [(text, spans)] = texts_and_spans(engine)
    assert (
        text == "🚨 ICE arrestó a « al menos 44 personas » en Los Ángeles\n👍🏽 Karen Bass B-ACTOR"
    )
    assert spans == [
        ("ICE", "agency"),
        ("al menos 44 personas", "figure"),
        ("Los Ángeles", "location"),
        ("Karen Bass", "actor"),
        ("B-ACTOR", "actor"),
    ]


@pytest.mark.parametrize(("single", "last"), [("S", "E"), ("U", "L")], ids=["bioes", "bilou"])
def test_bioes_and_bilou(engine, tmp_path, single, last) -> None:
    content = (
        f"Karen B-ACTOR\nBass {last}-ACTOR\nvisited O\nKöln {single}-LOCATION\n"
        f"and O\nthe O\nEU {single}-AGENCY\nin O\nlate B-FIGURE\nMay I-FIGURE\n2025 {last}-FIGURE\n"
    )
    import_paths(engine, [write(tmp_path / "x.bio", content)], "ana")
    [(text, spans)] = texts_and_spans(engine)
    assert text == "Karen Bass visited Köln and the EU in late May 2025"
    assert spans == [
        ("Karen Bass", "actor"),
        ("Köln", "location"),
        ("EU", "agency"),
        ("late May 2025", "figure"),
    ]


def test_a_file_without_docstart_is_one_document(engine, tmp_path) -> None:
    content = "ICE B-ORG\nraided O\n\nParamount B-LOC\n\n\nagain O\n"
    import_paths(engine, [write(tmp_path / "x.conll", content)], "ana", add_missing_labels=True)
    assert texts_and_spans(engine) == [
        ("ICE raided\nParamount\nagain", [("ICE", "org"), ("Paramount", "loc")])
    ]


def test_i_after_o_starts_a_span_in_iob(engine, tmp_path) -> None:
    """Decision: in a file without E-/S-/L-/U- tags, I- after O or after another label starts
    a span (IOB1's rule), so IOB1 and IOB2 read alike."""
    content = "the O\nUN I-ORG\nand O\nICE I-ORG\nLA I-LOC\nB B-LOC\n"
    import_paths(engine, [write(tmp_path / "x.conll", content)], "ana", add_missing_labels=True)
    assert texts_and_spans(engine)[0][1] == [
        ("UN", "org"),
        ("ICE", "org"),
        ("LA", "loc"),
        ("B", "loc"),
    ]


@pytest.mark.parametrize(
    ("content", "line", "reason"),
    [
        ("EU B-ORG\nsays X-PER\n", 2, "is not O or B-, I-, E-, S-, L-, U- and a label"),
        ("EU B-ORG\nsays B-\n", 2, "is not O or B-"),
        ("EU B-ORG\nlonely\n", 2, "expected a token and its tag"),
        ("EU S-ORG\nKaren I-PER\n", 2, "does not continue a span begun by B-"),
        ("EU S-ORG\nKaren B-PER\nBass O\n", 2, "no E- or L- tag ends"),
        ("Karen B-PER\nBass E-ORG\n", 2, "does not continue"),
        ("EU S-ORG\nKaren B-PER\n\nagain O\n", 2, "no E- or L- tag ends"),
    ],
)
def test_malformed_tags_are_refused_with_file_and_line(
    engine, database, tmp_path, content, line, reason
) -> None:
    path = write(tmp_path / "bad.conll", content)
    before = dump(database)
    with pytest.raises(InputError) as caught:
        import_paths(engine, [path], "ana", add_missing_labels=True)
    [problem] = caught.value.problems
    assert (problem.source, problem.line) == (str(path), line)
    assert reason in problem.reason
    assert dump(database) == before


def test_non_utf8_is_refused(engine, tmp_path) -> None:
    path = tmp_path / "latin.conll"
    path.write_bytes("Köln B-LOC\n".encode("latin-1"))
    with pytest.raises(InputError, match="not UTF-8"):
        import_paths(engine, [path], "ana")


IOB2_LINE = re.compile(r"\S+ (O|[BI]-[A-Z][A-Z0-9_-]*)")


def check_layout(content: str) -> None:
    """The layout CoNLL-2003 documents, in IOB2: a DOCSTART line and a blank line before each
    document, ``TOKEN TAG`` lines, a blank line after each sentence, I- only inside a span."""
    assert content.startswith("-DOCSTART- -X- -X- O\n\n")
    previous = "O"
    for line in content.split("\n"):
        if line in ("-DOCSTART- -X- -X- O", ""):
            previous = "O"
            continue
        assert IOB2_LINE.fullmatch(line), line
        tag = line.rsplit(" ", 1)[1]
        if tag.startswith("I-"):
            assert previous[2:] == tag[2:], f"{tag} after {previous}"
        previous = tag
    assert content.endswith("\n\n")


def at(text: str, phrase: str, label: str, skip: int = 0) -> tuple[int, int, str]:
    start = text.index(phrase) + skip
    return start, start + len(phrase) - skip, label


def test_the_writer_writes_iob2_and_counts_what_one_layer_cannot_hold(engine, tmp_path) -> None:
    text = "🚨 ICE arrested at least 44 people\nin Los Angeles on Tuesday."
    spans = [
        at(text, "ICE", "agency"),
        at(text, "at least 44 people", "figure"),
        at(text, "at least 44 people", "actor"),  # same range, another label
        at(text, "44", "figure"),  # nested
        at(text, "Los Angeles", "location"),
        at(text, "Angeles on", "location"),  # crossing
        at(text, "ICE", "agency", skip=1),  # "CE": not on token edges
        at(text, "sted at", "actor"),  # not on token edges
    ]
    fill(engine, [Doc(text, [(s, e, label, "ana", "manual") for s, e, label in spans])])
    summary = export_to(engine, tmp_path / "out.conll", "conll")
    content = (tmp_path / "out.conll").read_text(encoding="utf-8")
    check_layout(content)
    assert content == (
        "-DOCSTART- -X- -X- O\n\n"
        "🚨 O\nICE B-AGENCY\narrested O\nat B-ACTOR\nleast I-ACTOR\n44 I-ACTOR\npeople I-ACTOR\n\n"
        "in O\nLos B-LOCATION\nAngeles I-LOCATION\non O\nTuesday O\n. O\n\n"
    )
    assert summary.skipped_spans == {
        "not starting and ending at token edges (CoNLL tags whole tokens)": 2,
        "same range as a span with another label (BIO holds one layer)": 1,
        "nested inside a longer span (BIO holds one layer)": 1,
        "crossing another span (BIO holds one layer)": 1,
    }
    assert summary.spans_per_label == {"agency": 1, "actor": 1, "location": 1}
    again = open_store(tmp_path / "again.db")
    import_paths(again, [tmp_path / "out.conll"], "bo")
    assert texts_and_spans(again) == [
        (
            "🚨 ICE arrested at least 44 people\nin Los Angeles on Tuesday .",
            [("ICE", "agency"), ("at least 44 people", "actor"), ("Los Angeles", "location")],
        )
    ]
    again.dispose()


def test_a_span_across_a_line_break_keeps_its_sentence_whole(engine, tmp_path) -> None:
    fill(engine, [Doc("Los\nAngeles burns", [(0, 11, "location", "ana", "manual")])])
    export_to(engine, tmp_path / "out.conll", "conll")
    content = (tmp_path / "out.conll").read_text(encoding="utf-8")
    assert content.endswith("Los B-LOCATION\nAngeles I-LOCATION\nburns O\n\n")


TOKENS = ["ICE", "Karen", "Bass", "44", ",", "«", "»", "👍🏽", "Ça", "e\u0301tat", "Köln", "2025"]
LABELS = ["ACTOR", "AGENCY", "LOCATION", "FIGURE", "QUOTE"]


@st.composite
def conll_documents(draw) -> str:
    """One IOB2 document as the writer lays it out, tokens the tokenizer keeps whole."""
    out = ["-DOCSTART- -X- -X- O\n\n"]
    for _ in range(draw(st.integers(1, 3))):
        previous = "O"
        for _ in range(draw(st.integers(1, 6))):
            token = draw(st.sampled_from(TOKENS))
            kind = draw(st.sampled_from(["O", "B", "I"]))
            if kind == "I" and previous == "O":
                kind = "B"
            label = previous[2:] if kind == "I" else draw(st.sampled_from(LABELS))
            tag = "O" if kind == "O" else f"{kind}-{label}"
            out.append(f"{token} {tag}\n")
            previous = tag
        out.append("\n")
    return "".join(out)


def words(document: str) -> tuple[str, ...]:
    return tuple(line.split(" ")[0] for line in document.splitlines()[2:] if line)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents=st.lists(conll_documents(), min_size=1, max_size=3, unique_by=words))
def test_conll_import_export_is_byte_identical(documents: list[str]) -> None:
    content = "".join(documents)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "in.conll").write_text(content, encoding="utf-8")
        engine = open_store(folder / "a.db")
        import_paths(engine, [folder / "in.conll"], "ana", add_missing_labels=True)
        export_to(engine, folder / "out.conll", "conll")
        engine.dispose()
        assert (folder / "out.conll").read_text(encoding="utf-8") == content


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    text=st.lists(
        st.sampled_from(["ICE", " ", "\n", "Karen Bass", "e\u0301", "👍🏽", ","]), min_size=1
    )
    .map("".join)
    .filter(str.strip),
    cuts=st.lists(st.tuples(st.integers(0, 60), st.integers(1, 20), st.sampled_from(LABELS))),
)
def test_conll_export_import_export_is_byte_identical(text: str, cuts: list) -> None:
    spans = {
        (start, min(start + size, len(text)), label.lower(), "ana", "manual")
        for start, size, label in cuts
        if start < len(text)
    }
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        first = open_store(folder / "a.db")
        fill(first, [Doc(text, sorted(spans))])
        export_to(first, folder / "first.conll", "conll")
        first.dispose()
        check_layout((folder / "first.conll").read_text(encoding="utf-8"))
        second = open_store(folder / "b.db")
        import_paths(second, [folder / "first.conll"], "ana")
        export_to(second, folder / "second.conll", "conll")
        second.dispose()
        assert (folder / "second.conll").read_bytes() == (folder / "first.conll").read_bytes()
