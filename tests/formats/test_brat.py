"""brat standoff: folders of .txt + .ann pairs read byte-exact, written back to the layout
brat documents (https://brat.nlplab.org/standoff.html), and round trips."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotator.core.errors import InputError
from annotator.formats.importing import import_paths
from annotator.formats.records import ReadOptions
from annotator.store import open_store
from annotator.store.documents import document_summaries, get_document
from annotator.store.labels import get_schema
from annotator.store.notes import document_notes, span_notes
from annotator.store.spans import document_spans
from tests.engines import dump
from tests.formats.helpers import Doc, export_to, fill

# A news text as brat users keep it: CRLF line ends, non-ASCII, emoji before spans, a final
# newline, and spans that nest, overlap and cross a line break (brat: two fragments).
NEWS = (
    "🚨 Redadas en Los Ángeles\r\n"
    "ICE arrestó a «al menos 44 personas» en Paramount 👍🏽.\r\n"
    "Karen Bass dijo: “No nos iremos”.\r\n"
)
NEWS_ANN = """\
T1\tLocation 13 24\tLos Ángeles
T2\tAgency 26 29\tICE
T3\tFigure 41 61\tal menos 44 personas
T4\tActor 41 61\tal menos 44 personas
T5\tLocation 66 75\tParamount
T6\tActor 81 91\tKaren Bass
T7\tQuote 98 113\t“No nos iremos”
T8\tLocation 13 24;26 29\tLos Ángeles ICE
#1\tAnnotatorNotes T3\tcount from the LA Times
#2\tAnnotatorNotes T8\tthe office spans two lines
"""
PLAIN = "Der Bürgermeister von Köln traf Vertreter der EU.\n"
PLAIN_ANN = "T1\tActor 4 17\tBürgermeister\nT2\tLocation 22 26\tKöln\nT3\tAgency 46 48\tEU\n"


def brat_folder(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "news-001.txt").write_bytes(NEWS.encode())
    (folder / "news-001.ann").write_bytes(NEWS_ANN.encode())
    (folder / "news-002.txt").write_bytes(PLAIN.encode())
    (folder / "news-002.ann").write_bytes(PLAIN_ANN.encode())
    (folder / "annotation.conf").write_text("[entities]\nActor\nAgency\n", encoding="utf-8")
    return folder


def stored(engine, title_start: str) -> tuple[str, list[tuple[str, str, str]]]:
    summary = next(s for s in document_summaries(engine) if s.title.startswith(title_start))
    text = get_document(engine, summary.id).text
    spans = [
        (text[s.start : s.end], s.label, s.annotator) for s in document_spans(engine, summary.id)
    ]
    return text, spans


def quoted(ann: str) -> list[tuple[str, str]]:
    """``(text, label)`` of each T line, as the file quotes it (fragments joined by ' ')."""
    out = []
    for line in ann.splitlines():
        if line.startswith("T"):
            _, data, text = line.split("\t")
            out.append((text, data.split(" ")[0].lower()))
    return out


def test_a_brat_folder_imports_each_pair_once_byte_exact(engine, tmp_path) -> None:
    folder = brat_folder(tmp_path / "corpus")
    summary = import_paths(engine, [folder], annotator="ana", add_missing_labels=True)
    assert summary.files == 2
    assert summary.documents_added == 2
    text, spans = stored(engine, "🚨")
    assert text == NEWS
    expected = [
        (t.replace("Ángeles ICE", "Ángeles\r\nICE"), label) for t, label in quoted(NEWS_ANN)
    ]
    assert sorted((t, label) for t, label, _ in spans) == sorted(expected)
    assert {who for _, _, who in spans} == {"ana"}
    text, spans = stored(engine, "Der")
    assert text == PLAIN
    assert sorted((t, label) for t, label, _ in spans) == sorted(quoted(PLAIN_ANN))


def test_annotator_notes_land_on_their_spans(engine, tmp_path) -> None:
    import_paths(engine, [brat_folder(tmp_path / "c")], annotator="ana", add_missing_labels=True)
    doc_id = next(s.id for s in document_summaries(engine) if s.title.startswith("🚨"))
    text = get_document(engine, doc_id).text
    on = {}
    for span in document_spans(engine, doc_id):
        for note in span_notes(engine, span.id):
            on[(text[span.start : span.end], span.label)] = (note.text, note.annotator)
    assert on == {
        ("al menos 44 personas", "figure"): ("count from the LA Times", "ana"),
        ("Los Ángeles\r\nICE", "location"): ("the office spans two lines", "ana"),
    }


@pytest.mark.parametrize("name", ["news-002.txt", "news-002.ann"])
def test_the_pair_can_be_named_by_either_file(engine, tmp_path, name) -> None:
    folder = brat_folder(tmp_path / "c")
    summary = import_paths(engine, [folder / name], annotator="ana", add_missing_labels=True)
    assert summary.documents_added == 1
    assert stored(engine, "Der")[0] == PLAIN


def test_naming_both_files_of_a_pair_reads_it_once(engine, tmp_path) -> None:
    folder = brat_folder(tmp_path / "c")
    paths = [folder / "news-002.txt", folder / "news-002.ann"]
    summary = import_paths(engine, paths, annotator="ana", add_missing_labels=True)
    assert (summary.files, summary.documents_read) == (1, 1)


def test_a_txt_without_ann_is_still_a_plain_article(engine, tmp_path) -> None:
    (tmp_path / "lone.txt").write_text("date 2025-06-07\nA plain article.\n", encoding="utf-8")
    import_paths(engine, [tmp_path / "lone.txt"], annotator="ana")
    assert get_document(engine, 1).text == "A plain article."


UNSUPPORTED_LINES = [
    ("E1\tArrest:T1 Agent:T2", "events"),
    ("A1\tNegation T1", "attributes"),
    ("M1\tSpeculation T1", "attributes"),
    ("N1\tReference T1 Wikipedia:534366\tKöln", "normalisations"),
    ("*\tEquiv T1 T2", "equivalences"),
    ("T9\tActor 0 3;4 17\tDer Bürgermeister", "discontinuous"),
    ("#9\tAnnotatorNotes R1\ton a relation", "notes"),
]


@pytest.mark.parametrize(("line", "kind"), UNSUPPORTED_LINES)
def test_unsupported_lines_are_refused_with_file_and_line(
    engine, database, tmp_path, line, kind
) -> None:
    folder = brat_folder(tmp_path / "c")
    ann = folder / "news-002.ann"
    ann.write_text(PLAIN_ANN + line + "\n", encoding="utf-8")
    before = dump(database)
    with pytest.raises(InputError) as caught:
        import_paths(engine, [folder], annotator="ana", add_missing_labels=True)
    [problem] = caught.value.problems
    assert (problem.source, problem.line) == (str(ann), 4)
    assert kind in problem.reason and "--skip-unsupported" in problem.reason
    assert dump(database) == before


def test_relations_link_spans_and_bad_ones_are_named(engine, database, tmp_path) -> None:
    folder = brat_folder(tmp_path / "c")
    ann = folder / "news-002.ann"
    ann.write_text(PLAIN_ANN + "R1\tLocated Arg1:T1 Arg2:T2\n", encoding="utf-8")
    summary = import_paths(engine, [folder], annotator="ana", add_missing_labels=True)
    assert summary.links_added == 1 and "located (relation)" in summary.labels_added
    assert get_schema(engine).relations["located"].children == ("location",)
    before = dump(database)
    for line, reason in (
        ("R2\tLocated Arg1:T1 Arg2:T7", "R2: T7 is not defined in this file"),
        ("R2\tLocated T1 T2", "a relation is 'TYPE Arg1:T1 Arg2:T2'"),
    ):
        ann.write_text(PLAIN_ANN + line + "\n", encoding="utf-8")
        with pytest.raises(InputError, match=reason):
            import_paths(engine, [folder], annotator="bo", add_missing_labels=True)
        assert dump(database) == before


def test_skip_unsupported_imports_the_rest_and_counts_each_kind(engine, tmp_path) -> None:
    folder = brat_folder(tmp_path / "c")
    lines = "\n".join(line for line, _ in UNSUPPORTED_LINES)
    (folder / "news-002.ann").write_text(PLAIN_ANN + lines + "\n", encoding="utf-8")
    options = ReadOptions(skip_unsupported=True)
    summary = import_paths(engine, [folder], "ana", add_missing_labels=True, options=options)
    assert summary.spans_added == 3 + 8
    assert summary.not_read == {
        "brat events (E lines)": 1,
        "brat attributes (A lines)": 1,
        "brat attributes (M lines)": 1,
        "brat normalisations (N lines)": 1,
        "brat equivalences (* lines)": 1,
        "brat discontinuous spans (T lines with fragments)": 1,
        "brat notes not on a kept span (# lines)": 1,
    }
    assert sorted(t for t, _, _ in stored(engine, "Der")[1]) == ["Bürgermeister", "EU", "Köln"]


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("T4\tActor 0 3\tThe", "differs from the text"),
        ("T4\tActor 40 60\tVertreter", "past the end of the text"),
        ("T4\tActor zero 3\tDer", "expected 'Label START END'"),
        ("T4\t 0 3\tDer", "label is empty"),
        ("X4\tActor 0 3\tDer", "not a brat annotation id"),
        ("#4\tAnnotatorNotes T7\tmissing", "T7 is not defined"),
        ("T1\tActor 0 3\tDer", "T1 is defined twice"),
    ],
)
def test_bad_lines_are_refused_with_file_and_line(engine, tmp_path, line, reason) -> None:
    folder = brat_folder(tmp_path / "c")
    ann = folder / "news-002.ann"
    ann.write_text(PLAIN_ANN + line + "\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        import_paths(engine, [folder], annotator="ana", add_missing_labels=True)
    [problem] = caught.value.problems
    assert (problem.source, problem.line) == (str(ann), 4)
    assert reason in problem.reason


def test_a_missing_text_file_is_named(engine, tmp_path) -> None:
    (tmp_path / "orphan.ann").write_text(PLAIN_ANN, encoding="utf-8")
    with pytest.raises(InputError, match=r"orphan\.txt is missing"):
        import_paths(engine, [tmp_path], annotator="ana")


def test_offsets_counting_crlf_as_one_character_are_placed_on_the_exact_text(
    engine, tmp_path
) -> None:
    """brat reads texts with universal newlines, so its own files on CRLF texts count each
    CRLF as one character; the text is still stored byte-exact."""
    text = "Line one.\r\nICE in Köln.\r\n"
    (tmp_path / "d.txt").write_bytes(text.encode())
    (tmp_path / "d.ann").write_text("T1\tAgency 10 13\tICE\nT2\tLocation 17 21\tKöln\n")
    import_paths(engine, [tmp_path], annotator="ana", add_missing_labels=True)
    assert stored(engine, "Line")[0] == text
    assert sorted(t for t, _, _ in stored(engine, "Line")[1]) == ["ICE", "Köln"]


ANN_LINE = re.compile(
    r"T[0-9]+\t[a-z][a-z0-9_-]* [0-9]+ [0-9]+(;[0-9]+ [0-9]+)*\t[^\n]*"
    r"|#[0-9]+\tAnnotatorNotes T[0-9]+\t[^\n]*"
)


def test_the_writer_makes_a_folder_brat_opens_and_it_reads_back(engine, tmp_path) -> None:
    import_paths(engine, [brat_folder(tmp_path / "in")], "ana", add_missing_labels=True)
    summary = export_to(engine, tmp_path / "out", "brat")
    out = tmp_path / "out"
    assert summary.files == [out]
    assert sorted(p.name for p in out.iterdir()) == [
        "annotation.conf",
        "news-001.ann",
        "news-001.txt",
        "news-002.ann",
        "news-002.txt",
        "visual.conf",
    ]
    configuration = (out / "annotation.conf").read_text(encoding="utf-8")
    entities = configuration.split("[entities]\n")[1].split("\n\n")[0].split("\n")
    assert {"actor", "agency", "location", "figure", "quote"} <= set(entities)
    assert "<OVERLAP>\tArg1:<ENTITY>, Arg2:<ENTITY>, <OVL-TYPE>:<ANY>\n" in configuration
    drawing = (out / "visual.conf").read_text(encoding="utf-8").split("[drawing]\n")[1]
    assert all(re.fullmatch(r"[a-z]+\tbgColor:#[0-9a-f]{6}", line) for line in drawing.splitlines())
    assert (out / "news-001.txt").read_bytes() == NEWS.encode()
    ann = (out / "news-001.ann").read_text(encoding="utf-8")
    assert all(ANN_LINE.fullmatch(line) for line in ann.splitlines()), ann
    assert "\tlocation 13 24;26 29\tLos Ángeles ICE\n" in ann
    assert "#1\tAnnotatorNotes T5\tcount from the LA Times\n" in ann
    assert "\nT5\tfigure 41 61\tal menos 44 personas\n" in ann
    assert "#2\tAnnotatorNotes T2\tthe office spans two lines\n" in ann
    assert sorted(quoted(ann)) == sorted(quoted(NEWS_ANN))
    again = open_store(tmp_path / "again.db")
    import_paths(again, [out], "bo")
    assert stored(again, "🚨")[1] == [(t, label, "bo") for t, label, _ in stored(engine, "🚨")[1]]
    assert len(document_notes(again, 1) + document_notes(again, 2)) == 2
    again.dispose()


def test_the_writer_counts_what_brat_cannot_hold(engine, tmp_path) -> None:
    (doc_id,) = fill(
        engine,
        [
            Doc(
                "ICE\n\nKöln heute",
                [(3, 9, "location", "ana", "manual"), (0, 3, "agency", "ana", "manual")],
            )
        ],
    )
    from annotator.store.notes import add_note

    add_note(engine, doc_id, "ana", "a note on the document")
    summary = export_to(engine, tmp_path / "out", "brat")
    assert summary.skipped_spans == {
        "starting or ending with a line break (brat lines cannot hold it)": 1,
        "notes on a whole document (brat notes belong to a span)": 1,
    }
    assert (tmp_path / "out" / f"document-{doc_id}.ann").read_text() == "T1\tagency 0 3\tICE\n"


def test_an_existing_folder_is_not_overwritten(engine, tmp_path) -> None:
    fill(engine, [Doc("ICE", [(0, 3, "agency", "ana", "manual")])])
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "keep.txt").write_text("mine")
    with pytest.raises(InputError, match="already exists"):
        export_to(engine, tmp_path / "out", "brat")
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["keep.txt"]


PIECES = st.sampled_from(
    [
        "ICE",
        " ",
        "\r\n",
        "\n",
        "\n\n",
        "Karen Bass",
        "«44»",
        "👍🏽",
        "👨‍👩‍👧",
        "e\u0301",
        "Ça",
        "\t",
        ";",
    ]
)
TEXT = st.lists(
    st.one_of(PIECES, st.text(st.characters(exclude_categories=("Cs",)), max_size=3)),
    min_size=1,
    max_size=10,
).map("".join)


@st.composite
def brat_documents(draw) -> Doc:
    text = draw(TEXT.filter(str.strip))
    spans = set()
    for _ in range(draw(st.integers(0, 6))):
        start = draw(st.integers(0, len(text) - 1))
        end = draw(st.integers(start + 1, len(text)))
        if text[start] not in "\r\n" and text[end - 1] not in "\r\n":
            label = draw(st.sampled_from(["actor", "agency", "location", "figure", "quote"]))
            spans.add((start, end, label, "ana", "manual"))
    return Doc(text, sorted(spans), statuses={"ana": "done"})


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(docs=st.lists(brat_documents(), min_size=1, max_size=4, unique_by=lambda d: d.text))
def test_brat_export_import_export_is_byte_identical(docs: list[Doc]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        first_store = open_store(folder / "first.db")
        ids = fill(first_store, docs)
        export_to(first_store, folder / "first", "brat")
        first_store.dispose()
        second_store = open_store(folder / "second.db")
        import_paths(second_store, [folder / "first"], annotator="ana")
        export_to(second_store, folder / "second", "brat")
        second = {p.name: p.read_bytes() for p in (folder / "second").iterdir()}
        for doc, doc_id in zip(docs, ids, strict=True):
            name = f"document-{doc_id}"
            assert (folder / "first" / f"{name}.txt").read_bytes() == doc.text.encode()
            assert second[f"{name}.txt"] == doc.text.encode()
            assert second[f"{name}.ann"] == (folder / "first" / f"{name}.ann").read_bytes()
        summaries = document_summaries(second_store)
        got = sorted(
            (get_document(second_store, s.id).text, (sp.start, sp.end, sp.label))
            for s in summaries
            for sp in document_spans(second_store, s.id)
        )
        assert got == sorted((d.text, s[:3]) for d in docs for s in d.spans)
        second_store.dispose()


def test_pairs_with_one_name_in_two_folders_get_distinct_names(engine, tmp_path) -> None:
    for folder, name, text in (("a", "x", "ICE in Köln.\n"), ("b", "X", "ICE in Bonn.\n")):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / f"{name}.txt").write_text(text, encoding="utf-8")
        (tmp_path / folder / f"{name}.ann").write_text("T1\tAgency 0 3\tICE\n", encoding="utf-8")
    import_paths(engine, [tmp_path / "a", tmp_path / "b"], "ana")
    export_to(engine, tmp_path / "out", "brat")
    names = sorted(p.name for p in (tmp_path / "out").glob("*.txt"))
    assert names == ["X-2.txt", "x.txt"]
    assert (tmp_path / "out" / "X-2.txt").read_text(encoding="utf-8") == "ICE in Bonn.\n"
