"""Corpus search against a plain Python scan of every text: the index must never lose a hit,
and offsets must be exact code points, whatever the script, case or emoji."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from annotator.core.documents import Document
from annotator.core.search import BadQuery, TextQuery
from annotator.core.spans import Span
from annotator.store import open_store
from annotator.store.documents import add_documents
from annotator.store.search import SearchFilter, count_hits, iter_hits, search_page
from annotator.store.spans import add_span
from annotator.store.status import Status, set_status

# Cased letters whose folding differs between SQLite's index and Python (i, İ, ı, the
# Cyrillic and Georgian variants), accents, emoji (outside the BMP), quotes and spaces.
ALPHABET = "aAbBiIİıkKKsSſéÉüÜßẞσςΣвВᲀდᲓ😀🚨中’“ \n-."
WORDS = ["Karen", "Bass", "ICE", "Zürich", "İstanbul", "Straße", "ВОДА", "🚨", "ab", "a-b"]


def _texts() -> st.SearchStrategy[list[str]]:
    piece = st.one_of(st.sampled_from(WORDS), st.text(ALPHABET, min_size=1, max_size=6))
    text = st.lists(piece, min_size=1, max_size=12).map(" ".join)
    return st.lists(text, min_size=1, max_size=6, unique=True)


def _needles(texts: list[str]) -> st.SearchStrategy[str]:
    cut = st.sampled_from(texts).flatmap(
        lambda t: st.tuples(st.integers(0, len(t)), st.integers(1, 6)).map(
            lambda ab: t[ab[0] : ab[0] + ab[1]]
        )
    )
    return st.one_of(cut.filter(bool), st.sampled_from(WORDS), st.text(ALPHABET, min_size=1))


def _scan(texts: list[str], pattern: re.Pattern[str]) -> list[tuple[int, int, int]]:
    return [
        (doc, m.start(), m.end())
        for doc, text in enumerate(texts)
        for m in pattern.finditer(text)
        if m.end() > m.start()
    ]


@pytest.fixture(scope="module")
def shared_engine(tmp_path_factory):
    engine = open_store(tmp_path_factory.mktemp("search") / "corpus.db")
    yield engine
    engine.dispose()


def _load(engine, texts: list[str]) -> dict[int, int]:
    """Replace the corpus with ``texts`` (the index follows deletions); id -> position."""
    with engine.begin() as connection:
        connection.exec_driver_sql("DELETE FROM document")
    ids = add_documents(engine, [Document(text=t, title=f"t{i}") for i, t in enumerate(texts)]).ids
    return {doc: i for i, doc in enumerate(ids)}


def _places(hits, position: dict[int, int]) -> list[tuple[int, int, int]]:
    return [(position[h.document_id], h.start, h.end) for h in hits]


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data(), texts=_texts(), case=st.booleans(), word=st.booleans())
def test_hits_equal_a_python_scan_of_every_text(shared_engine, data, texts, case, word):
    engine = shared_engine
    position = _load(engine, texts)
    needle = data.draw(_needles(texts))
    flags = 0 if case else re.IGNORECASE
    body = re.escape(needle)
    if word:
        body = rf"(?<!\w)(?:{body})(?!\w)"
    expected = _scan(texts, re.compile(body, flags))
    query = TextQuery(needle, case=case, word=word)
    hits = list(iter_hits(engine, query))
    assert _places(hits, position) == expected
    for hit in hits:
        text = texts[position[hit.document_id]]
        assert hit.text == text[hit.start : hit.end]
        assert hit.left + hit.text + hit.right in text
    assert count_hits(engine, query) == len(expected)
    if case and not word:
        plain = [
            (doc, i, i + len(needle))
            for doc, text in enumerate(texts)
            for i in _find_all(text, needle)
        ]
        assert _places(hits, position) == plain


def _find_all(text: str, needle: str) -> list[int]:
    found, i = [], text.find(needle)
    while i >= 0:
        found.append(i)
        i = text.find(needle, i + len(needle))
    return found


@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    texts=_texts(),
    pattern=st.sampled_from(
        [r"Kar\w+", r"(?i:straße)|ВОДА", r"\d+", r"🚨\s*\w", r"ab?c*", r"Bass(?= )", r"a|ab"]
    ),
    word=st.booleans(),
)
def test_regex_hits_equal_a_python_scan(shared_engine, texts, pattern, word):
    position = _load(shared_engine, texts)
    hits = list(iter_hits(shared_engine, TextQuery(pattern, regex=True, word=word)))
    full = rf"(?<!\w)(?:{pattern})(?!\w)" if word else pattern
    assert _places(hits, position) == _scan(texts, re.compile(full, re.IGNORECASE))


TEXTS = [
    "Karen Bass met ICE agents in Zürich 🚨. Later Karen Bass left.",
    "KAREN BASS spoke; karenbass is a handle, not a name.",
    "Nobody named here. Straße and STRASSE.",
]


@pytest.fixture
def corpus(engine):
    ids = add_documents(
        engine,
        [
            Document(text=t, title=f"Article {i}", meta={"date": f"2025-06-0{i + 1}"})
            for i, t in enumerate(TEXTS)
        ],
    ).ids
    add_span(engine, ids[0], "ana", Span(0, 10, "actor"))
    add_span(engine, ids[0], "ben", Span(0, 14, "agency"))
    add_span(engine, ids[1], "ben", Span(0, 10, "actor"))
    set_status(engine, ids[1], "ben", Status.DONE)
    return ids


def test_hits_show_context_and_the_labels_covering_them(engine, corpus) -> None:
    hits = search_page(engine, TextQuery("karen bass"), context=8)
    assert [(h.document_id, h.start, h.end, h.text) for h in hits] == [
        (corpus[0], 0, 10, "Karen Bass"),
        (corpus[0], 45, 55, "Karen Bass"),
        (corpus[1], 0, 10, "KAREN BASS"),
    ]
    assert hits[0].labels == ("actor", "agency")
    assert hits[1].labels == () and hits[1].left == ". Later " and hits[1].right == " left."
    assert hits[2].title == "Article 1" and hits[2].date == "2025-06-02"
    ana = search_page(engine, TextQuery("karen bass"), SearchFilter(annotator="ana"))
    assert [h.labels for h in ana] == [("actor",), (), ()]


def test_filters_by_label_annotator_status_and_date(engine, corpus) -> None:
    query = TextQuery("karen bass")

    def found(**filters) -> list[tuple[int, int]]:
        return [(h.document_id, h.start) for h in iter_hits(engine, query, SearchFilter(**filters))]

    assert found(labels=("agency",)) == [(corpus[0], 0)]
    assert found(labels=("actor",), annotator="ben") == [(corpus[1], 0)]
    assert found(statuses=("done",), annotator="ben") == [(corpus[1], 0)]
    assert found(statuses=("new",), annotator="ben") == []  # doc 1 is in progress: ben has spans
    assert found(date_from="2025-06-02") == [(corpus[1], 0)]
    assert found(date_to="2025-06-01") == [(corpus[0], 0), (corpus[0], 45)]
    assert count_hits(engine, query, SearchFilter(labels=("actor",))) == 2


def test_whole_word_case_and_paging(engine, corpus) -> None:
    assert count_hits(engine, TextQuery("karen")) == 4
    assert count_hits(engine, TextQuery("karen", word=True)) == 3
    assert count_hits(engine, TextQuery("Karen", case=True)) == 2
    assert count_hits(engine, TextQuery("ß")) == 1  # short queries scan every text
    pages = [search_page(engine, TextQuery("a"), offset=o, limit=5) for o in range(0, 40, 5)]
    joined = [(h.document_id, h.start) for page in pages for h in page]
    assert joined == [(h.document_id, h.start) for h in iter_hits(engine, TextQuery("a"))]


def test_whole_word_regex_keeps_its_global_flags(engine, corpus) -> None:
    query = TextQuery("(?i)KAREN BASS|later", regex=True, word=True, case=True)
    assert [h.text for h in iter_hits(engine, query)] == [
        "Karen Bass",
        "Later",
        "Karen Bass",
        "KAREN BASS",
    ]


@pytest.mark.parametrize("pattern", ["(unclosed", "*", "a{2,1}", "(?P<x>a)(?P<x>b)"])
def test_a_bad_regex_is_a_one_line_message(engine, corpus, pattern) -> None:
    with pytest.raises(BadQuery) as raised:
        search_page(engine, TextQuery(pattern, regex=True))
    assert "\n" not in str(raised.value) and "regular expression" in str(raised.value)


def test_unknown_label_or_annotator_is_named(engine, corpus) -> None:
    with pytest.raises(Exception, match="no label 'person'"):
        search_page(engine, TextQuery("Bass"), SearchFilter(labels=("person",)))
    with pytest.raises(Exception, match="no annotator 'zoe'"):
        search_page(engine, TextQuery("Bass"), SearchFilter(annotator="zoe"))


def _index_is_sound(engine) -> None:
    """SQLite's check of its FTS5 index (PostgreSQL keeps its own indexes in step)."""
    if engine.dialect.name != "sqlite":
        return
    with engine.begin() as connection:
        check = connection.exec_driver_sql(
            "INSERT INTO document_text_index(document_text_index, rank) "
            "VALUES ('integrity-check', 1)"
        )
        check.close()


def test_index_follows_documents_in_and_out(engine, corpus) -> None:
    """A text written past the store (raw SQL) waits to be indexed and is still found; the
    next store write indexes it; a deleted one leaves the index at once."""
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM document WHERE id = :id"), {"id": corpus[0]})
        connection.execute(
            text(
                "INSERT INTO document (title, text, length, sha256, source, meta, created) "
                "SELECT 'copied', 'Karen Bass, copied in', 21, 'x', '', '{}', created "
                "FROM document WHERE id = :id"
            ),
            {"id": corpus[1]},
        )
        connection.execute(
            text("UPDATE document SET text = 'KAREN BASS, edited' WHERE id = :id"),
            {"id": corpus[2]},
        )
    found = [(h.document_id, h.text) for h in iter_hits(engine, TextQuery("karen bass"))]
    copied = corpus[2] + 1
    both = [(corpus[1], "KAREN BASS"), (corpus[2], "KAREN BASS"), (copied, "Karen Bass")]
    assert found == both
    add_documents(engine, [Document(text="Nothing to see", title="t")])
    _index_is_sound(engine)
    if engine.dialect.name == "sqlite":
        with engine.connect() as connection:
            waiting = connection.exec_driver_sql("SELECT count(*) FROM document_text_pending")
            assert waiting.scalar_one() == 0
    found = [(h.document_id, h.text) for h in iter_hits(engine, TextQuery("karen bass"))]
    assert found == both
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM document WHERE id = :id"), {"id": corpus[2]})
    _index_is_sound(engine)
    found = [(h.document_id, h.text) for h in iter_hits(engine, TextQuery("karen bass"))]
    assert found == [both[0], both[2]]


@pytest.mark.parametrize(
    ("needle", "case"),
    [("karen bass", False), ("KAREN", True), ("Straße", True), ("sk", False), ("i", False)],
)
@pytest.mark.sqlite_only(
    reason="SQLite counts in SQL; its texts hold a NUL, which PostgreSQL refuses"
)
def test_counts_in_sql_agree_with_re_on_folding_characters(engine, needle, case) -> None:
    """The count that SQLite makes for plain queries, on the characters ``re`` folds to
    ASCII letters (long s, Kelvin sign, dotted and dotless i), a NUL and emoji."""
    texts = [
        "Karen Baſs and KAREN BASS 🚨 karen bass",
        "\u212aaren Bass\x00 Karen bass; İsk ıSK \u212a",
        "Straße STRASSE straße 😀 no name",
        "nothing here",
    ]
    ids = add_documents(engine, [Document(text=t, title=f"t{i}") for i, t in enumerate(texts)]).ids
    set_status(engine, ids[1], "ana", Status.DONE)
    pattern = re.compile(re.escape(needle), 0 if case else re.IGNORECASE)
    query = TextQuery(needle, case=case)
    assert count_hits(engine, query) == sum(len(pattern.findall(t)) for t in texts)
    done = count_hits(engine, query, SearchFilter(statuses=("done",), annotator="ana"))
    assert done == len(pattern.findall(texts[1]))
    assert count_hits(engine, query) == len(list(iter_hits(engine, query)))


def test_counts_stay_exact_as_texts_with_folding_characters_come_and_go(engine) -> None:
    """A text holding a character ``re`` folds to an ASCII letter (long s, Kelvin sign,
    dotted and dotless i) is counted as ``re`` counts it from the moment it is stored, and
    no longer once deleted, on a corpus counted mostly in SQL."""
    plain = [f"Karen Bass {i} visited; karen BASS left" for i in range(30)]
    add_documents(engine, [Document(text=t, title=f"p{i}") for i, t in enumerate(plain)])
    texts = list(plain)
    queries = [
        TextQuery("karen bass"),
        TextQuery("SK"),
        TextQuery("is"),
        TextQuery("Bass", case=True),
    ]

    def expected(query: TextQuery) -> int:
        pattern = re.compile(re.escape(query.text), 0 if query.case else re.IGNORECASE)
        return sum(len(pattern.findall(t)) for t in texts)

    assert [count_hits(engine, q) for q in queries] == [expected(q) for q in queries]
    folding = ["Karen Baſs, \u212aAREN BASS and İs ıs", "ſ\u212a İı \u212aaren ba\u017f\u017f"]
    ids = add_documents(
        engine, [Document(text=t, title=f"f{i}") for i, t in enumerate(folding)]
    ).ids
    texts += folding
    assert [count_hits(engine, q) for q in queries] == [expected(q) for q in queries]
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM document WHERE id = :id"), {"id": ids[0]})
    texts.remove(folding[0])
    assert [count_hits(engine, q) for q in queries] == [expected(q) for q in queries]
