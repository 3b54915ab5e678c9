"""Hostile files for every importer: each ends in an import or in an ``InputError`` naming the
file (and the line, for line formats), never another exception, and a refused import leaves
the database exactly as it was (same ``iterdump()``).

Every reader in the format registry is fuzzed, so a new format is covered when it registers.

Decision, tested below: a span may cut a combining sequence (``e`` + U+0301) or a run of
emoji joined by U+200D. Offsets are code points and the file's offsets are kept exactly as
given, so what other tools wrote comes back unchanged on export; refusing them would make
valid files from code-point tools unimportable. A surrogate pair cannot be cut: offsets count
code points, and a lone surrogate in the text itself (``"\\ud83d"`` in JSON, or its UTF-8
bytes in a .txt file) is refused as invalid text.
"""

from __future__ import annotations

import contextlib
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy.engine import Engine

from annotator import cli
from annotator.core.errors import InputError
from annotator.formats import brat
from annotator.formats.importing import import_paths
from annotator.formats.records import ReadOptions
from annotator.formats.registry import get_format, readable_formats, readable_suffixes
from annotator.store import open_store
from annotator.store.documents import document_summaries, get_document
from annotator.store.spans import document_spans
from tests.durability.figures import add, fuzz_settings
from tests.durability.harness import ROOT, dump


def reader_names() -> list[str]:
    """Every format with a reader, from the registry."""
    return sorted(fmt.name for fmt in readable_formats())


def suffix_of(name: str) -> str:
    return get_format(name).suffixes[0]


JSON_READERS = [name for name in reader_names() if suffix_of(name) in (".json", ".jsonl")]

SPECIAL_CHARACTERS = [
    "\x00",
    "\u0301",  # combining acute accent
    "\u200d",  # zero width joiner
    "😀",
    "👩‍👩‍👧",
    "\ufeff",
    "\r",
    "\n",
    "\u2028",
    "\t",
    "<b>",
    "e",
    " ",
]
TEXTS = st.lists(st.one_of(st.sampled_from(SPECIAL_CHARACTERS), st.characters()), max_size=40).map(
    "".join
)
HUGE_NUMBERS = [2**31, 2**63 - 1, -(2**63), 2**64, 10**30, -1, 0]
OFFSETS = st.one_of(
    st.integers(-3, 45),
    st.sampled_from(HUGE_NUMBERS),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.none(),
    st.text(max_size=3),
)
LABELS = st.one_of(
    st.sampled_from(["actor", "agency", "location", "figure", "quote", "ACTOR", " quote ", ""]),
    st.text(max_size=6),
    st.integers(),
    st.none(),
)
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), TEXTS)
JSON_VALUES = st.recursive(
    SCALARS,
    lambda children: st.one_of(
        st.lists(children, max_size=3), st.dictionaries(st.text(max_size=4), children, max_size=3)
    ),
    max_leaves=12,
)
SPAN_OBJECTS = st.fixed_dictionaries(
    {},
    optional={
        key: values
        for key, values in {
            "start": OFFSETS,
            "end": OFFSETS,
            "start_offset": OFFSETS,
            "end_offset": OFFSETS,
            "token_start": OFFSETS,
            "token_end": OFFSETS,
            "label": LABELS,
            "text": TEXTS,
            "annotator": TEXTS,
            "origin": st.sampled_from(["manual", "imported", "review", "bogus"]),
            "id": OFFSETS,
        }.items()
    },
)
SPAN_LISTS = st.lists(
    st.one_of(SPAN_OBJECTS, st.tuples(OFFSETS, OFFSETS, LABELS).map(list), JSON_VALUES),
    max_size=4,
)
TOKENS = st.lists(
    st.fixed_dictionaries(
        {},
        optional={"text": TEXTS, "start": OFFSETS, "end": OFFSETS, "id": OFFSETS, "ws": SCALARS},
    ),
    max_size=5,
)
LABEL_DECLARATIONS = st.lists(
    st.fixed_dictionaries(
        {"name": LABELS},
        optional={"color": st.sampled_from(["#aabbcc", "red", ""]), "hotkey": TEXTS},
    ),
    max_size=3,
)
RECORDS = st.fixed_dictionaries(
    {},
    optional={
        "text": st.one_of(TEXTS, TEXTS, TEXTS, JSON_VALUES),
        "spans": st.one_of(SPAN_LISTS, JSON_VALUES),
        "label": st.one_of(SPAN_LISTS, JSON_VALUES),
        "entities": st.one_of(SPAN_LISTS, JSON_VALUES),
        "tokens": st.one_of(TOKENS, JSON_VALUES),
        "meta": JSON_VALUES,
        "id": JSON_VALUES,
        "title": st.one_of(TEXTS, JSON_VALUES),
        "source": TEXTS,
        "sha256": st.one_of(st.text(max_size=64), st.just("0" * 64)),
        "type": st.sampled_from(["header", "document", "gold", "comment", 3]),
        "format": st.sampled_from(["annotator-native", "other"]),
        "version": st.one_of(st.integers(-1, 3), st.sampled_from(HUGE_NUMBERS)),
        "labels": st.one_of(LABEL_DECLARATIONS, JSON_VALUES),
        "annotators": st.one_of(st.lists(TEXTS, max_size=3), JSON_VALUES),
        "statuses": st.one_of(st.dictionaries(TEXTS, TEXTS, max_size=2), JSON_VALUES),
        "annotator": st.one_of(TEXTS, JSON_VALUES),
        "unknown field": JSON_VALUES,
    },
)


@st.composite
def json_lines_files(draw: st.DrawFn) -> bytes:
    """Lines of JSON objects with the fields importers look for, holding hostile values;
    sometimes cut short, not an object, or not JSON at all."""
    lines = []
    for record in draw(st.lists(RECORDS, min_size=1, max_size=4)):
        line = json.dumps(record, ensure_ascii=draw(st.booleans()))
        damage = draw(st.sampled_from(["none"] * 6 + ["cut", "array", "garbage", "lone"]))
        if damage == "cut":
            line = line[: draw(st.integers(0, max(0, len(line) - 1)))]
        elif damage == "array":
            line = f"[{line}]"
        elif damage == "garbage":
            line = line + draw(st.sampled_from(["}", ",", "\x00", "\\", '"']))
        elif damage == "lone":
            line = line.replace("}", ', "text": "a\\ud83d b"}', 1)
        lines.append(line)
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    data = newline.join(lines).encode("utf-8", "surrogatepass")
    return (b"\xef\xbb\xbf" if draw(st.booleans()) else b"") + data


@pytest.fixture(scope="module")
def fuzz_db(tmp_path_factory: pytest.TempPathFactory) -> tuple[Engine, Path, Path]:
    folder = tmp_path_factory.mktemp("fuzz")
    db = folder / "fuzz.db"
    engine = open_store(db)
    yield engine, db, folder
    engine.dispose()


def files_named_by(path: Path) -> set[str]:
    """The files a refusal of ``path`` may name: the file itself and, for a brat pair, the
    other file of the pair (each problem names the file it is in)."""
    if path.suffix in (".txt", ".ann"):
        return {str(p) for p in brat.pair_of(path)}
    return {str(path)}


def import_outcome(
    engine: Engine,
    db: str | Path,
    path: Path,
    format_name: str | None,
    options: ReadOptions | None = None,
) -> str:
    """Import ``path``; a refusal must name the file and change nothing in the database."""
    before = dump(db)
    try:
        import_paths(engine, [path], annotator="fuzz", format_name=format_name, options=options)
    except InputError as exc:
        assert exc.problems
        for problem in exc.problems:
            assert problem.source in files_named_by(path), str(problem)
        assert dump(db) == before, "a refused import changed the database"
        add(**{"fuzz cases run": 1, "fuzz cases refused with file and line": 1})
        return "refused"
    add(**{"fuzz cases run": 1, "fuzz cases imported": 1})
    return "imported"


def write(folder: Path, data: bytes, suffix: str) -> Path:
    path = folder / f"hostile{suffix}"
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("format_name", reader_names())
@fuzz_settings()
@given(data=st.binary(max_size=3000), bom=st.booleans())
def test_random_bytes(fuzz_db, format_name: str, data: bytes, bom: bool) -> None:
    engine, db, folder = fuzz_db
    path = write(folder, (b"\xef\xbb\xbf" if bom else b"") + data, suffix_of(format_name))
    import_outcome(engine, db, path, format_name)


@pytest.mark.parametrize("format_name", JSON_READERS)
@fuzz_settings(quick=60, long=2000)
@given(data=json_lines_files())
def test_hostile_json_lines(fuzz_db, format_name: str, data: bytes) -> None:
    engine, db, folder = fuzz_db
    import_outcome(engine, db, write(folder, data, suffix_of(format_name)), format_name)


@pytest.mark.parametrize("suffix", sorted({".json", ".jsonl"} & readable_suffixes()))
@fuzz_settings()
@given(data=json_lines_files())
def test_hostile_json_lines_format_guessed(fuzz_db, suffix: str, data: bytes) -> None:
    engine, db, folder = fuzz_db
    import_outcome(engine, db, write(folder, data, suffix), None)


@fuzz_settings(quick=60, long=2000)
@given(text=TEXTS, encoding=st.sampled_from(["utf-8", "utf-16", "latin-1", "surrogates"]))
def test_hostile_text_files(fuzz_db, text: str, encoding: str) -> None:
    engine, db, folder = fuzz_db
    if encoding == "surrogates":
        data = (text + "\ud83d").encode("utf-8", "surrogatepass")
    else:
        data = text.encode(encoding, "replace")
    path = write(folder, data, ".txt")
    if import_outcome(engine, db, path, "txt") == "imported":
        stored = [s for s in document_summaries(engine) if s.title][-1]
        assert get_document(engine, stored.id).text


BRAT_IDS = st.sampled_from(
    ["T1", "T2", "T10", "#1", "R1", "E1", "A1", "M1", "N1", "*", "X1", "", "T"]
)
BRAT_NUMBERS = st.one_of(
    st.integers(-2, 45).map(str),
    st.sampled_from(["", "99999999999999999999", "\u0661\u0662", "3;4", " "]),
    st.text(max_size=3),
)


@st.composite
def brat_lines(draw: st.DrawFn) -> str:
    """One ``.ann`` line from brat's grammar, with hostile ids, offsets, labels and texts."""
    ident = draw(BRAT_IDS)
    kind = draw(st.sampled_from(["span", "fragments", "note", "other"]))
    if kind == "span":
        data = f"{draw(LABELS.map(str))} {draw(BRAT_NUMBERS)} {draw(BRAT_NUMBERS)}"
    elif kind == "fragments":
        pairs = draw(st.lists(st.tuples(BRAT_NUMBERS, BRAT_NUMBERS), min_size=1, max_size=3))
        data = f"{draw(LABELS.map(str))} " + ";".join(f"{a} {b}" for a, b in pairs)
    elif kind == "note":
        data = f"{draw(st.sampled_from(['AnnotatorNotes', 'Other']))} {draw(BRAT_IDS)}"
    else:
        data = draw(TEXTS)
    parts = [ident, data] + ([draw(TEXTS)] if draw(st.booleans()) else [])
    return "\t".join(parts)


@fuzz_settings(quick=60, long=2000)
@given(
    text=TEXTS,
    lines=st.lists(brat_lines(), max_size=6),
    newline=st.sampled_from(["\n", "\r\n"]),
    skip=st.booleans(),
)
def test_hostile_brat_pairs(fuzz_db, text: str, lines: list[str], newline: str, skip: bool) -> None:
    engine, db, folder = fuzz_db
    pair = folder / "brat"
    pair.mkdir(exist_ok=True)
    (pair / "doc.txt").write_bytes(text.encode("utf-8", "surrogatepass"))
    (pair / "doc.ann").write_bytes(newline.join(lines).encode("utf-8", "surrogatepass"))
    options = ReadOptions(skip_unsupported=skip)
    import_outcome(engine, db, pair / "doc.ann", None, options)


def cli_import(db: Path, path: Path) -> tuple[int, str]:
    """``annotator import`` in this process: an exception escaping it is a traceback."""
    stderr = io.StringIO()
    with contextlib.redirect_stderr(stderr), contextlib.redirect_stdout(io.StringIO()):
        status = cli.main(["--db", str(db), "import", str(path)])
    return status, stderr.getvalue()


@fuzz_settings(quick=30, long=600)
@given(
    data=st.one_of(json_lines_files(), st.binary(max_size=500)),
    suffix=st.sampled_from(sorted(readable_suffixes())),
)
def test_command_line_import_never_shows_a_traceback(fuzz_db, data: bytes, suffix: str) -> None:
    _, db, folder = fuzz_db
    path = write(folder, data, suffix)
    status, stderr = cli_import(db, path)
    assert status in (0, 1)
    if status == 1:
        assert any(stderr.startswith(f"annotator: {name}") for name in files_named_by(path))
    add(**{"fuzz cases run": 1, "fuzz cases through the command line": 1})


def spans_file(folder: Path, text: str, spans: list) -> Path:
    path = folder / "case.jsonl"
    path.write_text(json.dumps({"text": text, "spans": spans}) + "\n", encoding="utf-8")
    return path


def test_a_span_may_cut_a_combining_sequence(
    engine: Engine, database: str | Path, tmp_path
) -> None:
    text = "Cafe\u0301 Zo\u0308e 👩‍👩‍👧 opens"
    cuts = [
        {"start": 0, "end": 4, "label": "location"},
        {"start": 7, "end": 9, "label": "actor"},
        {"start": 11, "end": 13, "label": "figure"},
    ]
    path = spans_file(tmp_path, text, cuts)
    assert import_outcome(engine, database, path, None) == "imported"
    document_id = document_summaries(engine)[0].id
    stored = document_spans(engine, document_id)
    assert [(s.start, s.end, s.label) for s in stored] == [
        (c["start"], c["end"], c["label"]) for c in cuts
    ]
    assert get_document(engine, document_id).text == text


def test_nul_characters_are_kept_or_refused_by_name(
    engine: Engine, database: str | Path, tmp_path: Path, backend: str
) -> None:
    """SQLite keeps a NUL character; PostgreSQL's text cannot hold one, so the import is
    refused naming the file and line, and nothing is written."""
    text = "before\x00after and more"
    path = spans_file(tmp_path, text, [{"start": 7, "end": 12, "label": "actor"}])
    if backend == "postgresql":
        assert import_outcome(engine, database, path, None) == "refused"
        with pytest.raises(InputError, match=f"{path}:1: .*NUL character"):
            import_paths(engine, [path], annotator="fuzz")
        return
    assert import_outcome(engine, database, path, None) == "imported"
    assert get_document(engine, document_summaries(engine)[0].id).text == text


@pytest.mark.parametrize(
    ("start", "end"),
    [(-1, 3), (0, 2**63 - 1), (-(2**63), 2), (0, 2**64), (10**30, 10**30 + 1), (2, 2), (3, 1)],
)
def test_offsets_outside_the_text_are_refused_with_the_line(
    engine: Engine, database: str | Path, tmp_path: Path, start: int, end: int
) -> None:
    path = spans_file(tmp_path, "short text", [{"start": start, "end": end, "label": "actor"}])
    before = dump(database)
    with pytest.raises(InputError) as caught:
        import_paths(engine, [path], annotator="me")
    assert [(p.source, p.line) for p in caught.value.problems] == [(str(path), 1)]
    assert dump(database) == before


def test_a_lone_surrogate_is_refused_with_the_line(
    engine: Engine, database: str | Path, tmp_path: Path
) -> None:
    path = tmp_path / "lone.jsonl"
    path.write_text('{"text": "fine"}\n{"text": "half \\ud83d of an emoji"}\n', encoding="utf-8")
    before = dump(database)
    with pytest.raises(InputError) as caught:
        import_paths(engine, [path], annotator="me")
    assert [(p.source, p.line) for p in caught.value.problems] == [(str(path), 2)]
    assert dump(database) == before


def deeply_nested(depth: int) -> str:
    return '{"text": "deep", "meta": ' + '{"a": ' * depth + "1" + "}" * depth + "}"


@pytest.mark.parametrize("format_name", JSON_READERS)
@pytest.mark.parametrize(
    "line", [deeply_nested(65), deeply_nested(1000), deeply_nested(5000), "[" * 100_000]
)
def test_deeply_nested_json_is_refused_with_the_line(
    engine: Engine, database: str | Path, tmp_path: Path, format_name: str, line: str
) -> None:
    path = write(tmp_path, (line + "\n").encode(), suffix_of(format_name))
    assert import_outcome(engine, database, path, format_name) == "refused"


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "annotator", *args], cwd=ROOT, capture_output=True, text=True
    )


def test_a_50_megabyte_line(engine: Engine, database: str | Path, tmp_path: Path) -> None:
    """One huge article on one line, as JSON and as a .txt file: imported whole, and the
    command line says so without a traceback."""
    words = ("word " * 10_000_000)[: 50 * 1024 * 1024]
    huge_json = spans_file(tmp_path, words, [{"start": 0, "end": 4, "label": "actor"}])
    assert huge_json.stat().st_size > 50_000_000
    huge_text = write(tmp_path, ("x" + words).encode(), ".txt")
    engine.dispose()
    result = run_cli("--db", str(database), "import", str(huge_json), str(huge_text))
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    lengths = sorted(s.length for s in document_summaries(engine))
    assert lengths == [len(words), len(words) + 1]


@pytest.mark.parametrize(
    "content",
    [
        b"\x00" * 100,
        b"\xff\xfe\x00\x00garbage",
        deeply_nested(1000).encode(),
        b'{"text": "a", "spans": [{"start": 99999999999999999999999, "end": 1, "label": "x"}]}',
        b'{"text": "x \\ud800"}',
    ],
)
@pytest.mark.parametrize("suffix", [".txt", ".jsonl"])
def test_the_command_line_says_what_is_wrong_in_one_place(
    db_path: Path, tmp_path: Path, content: bytes, suffix: str
) -> None:
    path = write(tmp_path, content, suffix)
    status, stderr = cli_import(db_path, path)
    assert status in (0, 1)
    if status:
        assert stderr.startswith(f"annotator: {path}")


def test_the_command_line_process_shows_no_traceback(db_path: Path, tmp_path: Path) -> None:
    path = write(tmp_path, deeply_nested(1000).encode() + b"\n" + b"\xff" * 10, ".jsonl")
    result = run_cli("--db", str(db_path), "import", str(path))
    assert result.returncode == 1
    assert result.stderr.splitlines()[0].startswith(f"annotator: {path}:1: nested more than")
    assert "Traceback" not in result.stderr
