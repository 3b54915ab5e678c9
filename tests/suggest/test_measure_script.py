"""The quality script reads CoNLL files as the shared task wrote them."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from pathlib import Path

from scripts.measure_suggesters import read_conll

ROOT = Path(__file__).resolve().parents[2]
CONLL = """-DOCSTART- -X- -X- O

EU NNP B-NP I-ORG
rejects VBZ B-VP O
German JJ B-NP I-MISC
call NN I-NP O
. . O O

Peter NNP B-NP I-PER
Blackburn NNP I-NP I-PER
visited VBD B-VP O
São NNP B-NP B-LOC
Paulo NNP I-NP I-LOC
Rio NNP I-NP B-LOC

-DOCSTART- -X- -X- O

Müller NNP B-NP S-PER
joined VBD B-VP O
Bank NNP B-NP B-ORG
of IN I-NP I-ORG
England NNP I-NP E-ORG
"""


def test_conll_documents_become_texts_with_spans(tmp_path: Path) -> None:
    path = tmp_path / "mini.conll"
    path.write_text(CONLL, encoding="utf-8")
    skipped: Counter = Counter()
    first, second = read_conll(path, skipped)
    assert first.text == "EU rejects German call .\nPeter Blackburn visited São Paulo Rio"
    assert [(first.text[s:e], label) for s, e, label in first.spans] == [
        ("EU", "agency"),
        ("Peter Blackburn", "actor"),
        ("São Paulo", "location"),
        ("Rio", "location"),
    ]
    assert [(second.text[s:e], label) for s, e, label in second.spans] == [
        ("Müller", "actor"),
        ("Bank of England", "agency"),
    ]
    assert skipped == Counter({"MISC": 1})


def test_the_script_prints_held_out_figures(tmp_path: Path) -> None:
    path = tmp_path / "mini.conll"
    path.write_text(CONLL * 8, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "scripts/measure_suggesters.py", str(path), "--suggesters", "strings"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("16 documents, 24 sentences")
    assert "strings:" in result.stdout and "F1" in result.stdout
