"""An edit the window showed as saved survives the process being killed outright."""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
from pathlib import Path

from annotator.core.documents import Document
from annotator.store import open_store
from annotator.store.documents import add_documents
from annotator.store.spans import document_spans

ROOT = Path(__file__).resolve().parents[2]


def test_sigkill_after_saved_loses_nothing(db_path: Path) -> None:
    text = "ICE arrested at least 44 people in Paramount."
    engine = open_store(db_path)
    (doc,) = add_documents(engine, [Document(text=text, title="Raid")]).ids
    engine.dispose()
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.ui.edit_then_wait", str(db_path), "0", "3"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    try:
        ready, _, _ = select.select([child.stdout], [], [], 60)
        assert ready, "the child never showed the edit as saved"
        assert child.stdout.readline().strip() == "saved"
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(10)
    assert child.returncode == -signal.SIGKILL
    engine = open_store(db_path)
    spans = document_spans(engine, doc, "alice")
    engine.dispose()
    assert [(s.start, s.end, s.label) for s in spans] == [(0, 3, "actor")]
