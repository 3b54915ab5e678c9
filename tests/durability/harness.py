"""Running store work in child processes, killing them, and checking what the database kept.

The checks read the database with the standard ``sqlite3`` module rather than the store, so
a store bug cannot hide itself from them.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Sequence
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

from tests import engines

ROOT = Path(__file__).resolve().parents[2]

SpanState = dict[int, tuple[int, int, str]]


def spawn(args: Sequence[str], log: Path, env: dict[str, str] | None = None) -> subprocess.Popen:
    """Start ``python args...`` from the repository root with stdout going to ``log``."""
    with log.open("wb") as out:
        return subprocess.Popen(
            [sys.executable, *args],
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.PIPE,
            env={**os.environ, **(env or {})},
        )


def spawn_child(args: Sequence[str], log: Path) -> subprocess.Popen:
    return spawn(["-m", "tests.durability.child", *map(str, args)], log)


def wait_for_line(process: subprocess.Popen, log: Path, prefix: str, timeout: float = 60) -> None:
    """Block until ``log`` holds a line starting with ``prefix`` (or the child has exited)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(line.startswith(prefix) for line in log.read_text().splitlines()):
            return
        if process.poll() is not None:
            raise AssertionError(f"child exited early: {process.stderr.read().decode()}")
        time.sleep(0.005)
    raise AssertionError(f"no {prefix!r} line from the child within {timeout} s")


def kill(process: subprocess.Popen) -> None:
    """SIGKILL: no cleanup, no atexit, no rollback; exactly a crash."""
    process.send_signal(signal.SIGKILL)
    process.wait()
    process.stderr.close()


@dataclass
class Log:
    """What a child said: acknowledged edits, and the edit it was making when it died."""

    acks: list[dict] = field(default_factory=list)
    pending: dict | None = None

    @property
    def edits(self) -> int:
        """Acknowledged edits that changed something (a duplicate add changes nothing)."""
        return sum(ack["op"] != "none" for ack in self.acks)

    @classmethod
    def read(cls, path: Path) -> Log:
        log = cls()
        for line in path.read_text().splitlines():
            kind, _, payload = line.partition(" ")
            if kind == "intent":
                log.pending = json.loads(payload)
            elif kind == "ack":
                log.acks.append(json.loads(payload))
                log.pending = None
            elif kind == "refused":
                log.pending = None
        return log


def apply(state: SpanState, edit: dict) -> SpanState:
    state = dict(state)
    if edit["op"] in ("add", "update"):
        state[edit["id"]] = (edit["start"], edit["end"], edit["label"])
    elif edit["op"] == "delete":
        state.pop(edit["id"])
    return state


def matches(before: SpanState, log: Log, found: SpanState) -> bool:
    """True if ``found`` is ``before`` with every acknowledged edit applied, plus perhaps the
    one edit in flight when the child died (committed or not: it was never acknowledged)."""
    expected = before
    for edit in log.acks:
        expected = apply(expected, edit)
    if found == expected:
        return True
    pending = log.pending
    if pending is None:
        return False
    if pending["op"] == "add":
        extra = set(found) - set(expected)
        return (
            len(extra) == 1
            and found[extra.pop()] == (pending["start"], pending["end"], pending["label"])
            and {k: v for k, v in found.items() if k in expected} == expected
        )
    return pending["id"] in expected and found == apply(expected, pending)


def spans_in(db: str | Path) -> SpanState:
    rows = engines.rows(
        db,
        'SELECT span.id, span.start, span."end", label.name FROM span '
        "JOIN label ON label.id = span.label_id",
    )
    return {row[0]: (row[1], row[2], row[3]) for row in rows}


def integrity(db: str | Path) -> str:
    """SQLite's check of its file; a PostgreSQL server keeps its own files whole, and its
    constraints are checked on every write, so there it is "ok" by construction."""
    if "://" in str(db):
        return "ok"
    with closing(sqlite3.connect(db)) as connection:
        return "; ".join(row[0] for row in connection.execute("PRAGMA integrity_check"))


def count_rows(db: str | Path, table: str) -> int:
    return engines.rows(db, f'SELECT count(*) FROM "{table}"')[0][0]


def dump(db: str | Path) -> list[str]:
    """Every statement that rebuilds the database: equal dumps, equal databases."""
    return engines.dump(db)
