"""Training a suggester for use, with the figures that decide whether it is offered.

``train_and_measure`` is one plain function of its examples (no global state), so the app
can run it in a worker thread or process and swap the result in when it is ready. It trains
once on the training part to score the held-out part, then once on everything for use.
Suggestions are offered only while the held-out F1 reaches the threshold (a setting).
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from hashlib import sha256
from pathlib import Path
from urllib.parse import quote

import platformdirs

from annotator.core.errors import AnnotatorError
from annotator.settings import APP_NAME, SUGGESTION_THRESHOLD
from annotator.suggest.base import Example, Model
from annotator.suggest.evaluation import score_model, split_heldout
from annotator.suggest.registry import SuggesterKind, get_suggester

DEFAULT_THRESHOLD = SUGGESTION_THRESHOLD
RECORD = "training.json"


@dataclass(frozen=True, slots=True)
class TrainingRecord:
    """When and on what a stored model was trained, and how it scored held out."""

    suggester: str
    source: str
    fingerprint: str
    trained: str
    documents: int
    spans: int
    heldout_documents: int
    precision: float | None
    recall: float | None
    f1: float | None

    def offered(self, threshold: float = DEFAULT_THRESHOLD) -> bool:
        """True if the held-out F1 reaches ``threshold`` (never when it could not be
        measured: no held-out documents yet)."""
        return self.f1 is not None and self.f1 >= threshold

    def state(self, threshold: float = DEFAULT_THRESHOLD) -> str:
        """A status-bar line: ready with its F1, or why it is held back."""
        if self.f1 is None:
            return f"{self.suggester}: too few documents to measure ({self.documents})"
        verdict = "ready" if self.offered(threshold) else f"below {threshold:.2f}"
        return f"{self.suggester}: {verdict}, held-out F1 {self.f1:.2f}"


def fingerprint(examples: Sequence[Example]) -> str:
    """A hash of the texts and spans learnt from: the same data gives the same model."""
    digest = sha256()
    for example in examples:
        digest.update(example.sha256.encode())
        digest.update(repr(example.spans).encode())
    return digest.hexdigest()


def train_and_measure(
    examples: Sequence[Example], kind: SuggesterKind, source: str
) -> tuple[Model, TrainingRecord]:
    """A model trained on all ``examples`` and its record with held-out figures."""
    train, heldout = split_heldout(examples)
    figures = None
    if train and heldout:
        figures = score_model(kind.train(train), heldout).overall
    model = kind.train(examples)
    record = TrainingRecord(
        suggester=kind.name,
        source=source,
        fingerprint=fingerprint(examples),
        trained=datetime.now(UTC).isoformat(timespec="seconds"),
        documents=len(examples),
        spans=sum(len(example.spans) for example in examples),
        heldout_documents=len(heldout),
        precision=None if figures is None else round(figures.precision, 4),
        recall=None if figures is None else round(figures.recall, 4),
        f1=None if figures is None else round(figures.f1, 4),
    )
    return model, record


def models_folder(db: str | Path) -> Path:
    """Where models trained on ``db`` live: the user's data folder, one folder per database
    (its name and a hash of its full path), so two databases never share a model."""
    where = str(Path(db).expanduser().resolve()) if "://" not in str(db) else str(db)
    key = f"{Path(where).stem}-{sha256(where.encode()).hexdigest()[:12]}"
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)) / "suggesters" / key


def model_folder(db: str | Path, source: str, suggester: str) -> Path:
    return models_folder(db) / quote(source, safe="") / suggester


def write_trained(folder: Path, model: Model, record: TrainingRecord) -> None:
    """Write the model and its record into a new ``folder`` (``swap_in`` puts it in use)."""
    folder.mkdir(parents=True)
    model.save(folder)
    (folder / RECORD).write_text(json.dumps(asdict(record), indent=2), encoding="utf-8")


def swap_in(written: Path, folder: Path) -> None:
    """Put the model ``written`` (by ``write_trained``) in ``folder``'s place: what was
    there is replaced only once everything is written."""
    old = folder.with_name(f".{folder.name}.{os.getpid()}.old")
    shutil.rmtree(old, ignore_errors=True)
    if folder.exists():
        folder.rename(old)
    written.rename(folder)
    shutil.rmtree(old, ignore_errors=True)


def partial_folder(folder: Path) -> Path:
    """Where a model for ``folder`` is written before ``swap_in`` (left over: removed)."""
    partial = folder.with_name(f".{folder.name}.{os.getpid()}.partial")
    shutil.rmtree(partial, ignore_errors=True)
    return partial


def save_trained(folder: Path, model: Model, record: TrainingRecord) -> None:
    """Write the model and its record into ``folder``, replacing what was there only once
    everything is written."""
    partial = partial_folder(folder)
    try:
        write_trained(partial, model, record)
        swap_in(partial, folder)
    except OSError as exc:
        shutil.rmtree(partial, ignore_errors=True)
        raise AnnotatorError(f"{folder}: cannot store the trained model ({exc.strerror})") from exc


def load_trained(folder: Path) -> tuple[Model, TrainingRecord] | None:
    """The model stored in ``folder`` and its record; ``None`` if there is none or it was
    written by another version (it is then trained again)."""
    try:
        record = TrainingRecord(**json.loads((folder / RECORD).read_text(encoding="utf-8")))
        return get_suggester(record.suggester).load(folder), record
    except (OSError, ValueError, TypeError, KeyError, AnnotatorError):
        return None


def trained_model(
    db: str | Path, examples: Sequence[Example], kind: SuggesterKind, source: str
) -> tuple[Model, TrainingRecord]:
    """The stored model when it was trained on exactly ``examples``; else train, store and
    return a new one."""
    folder = model_folder(db, source, kind.name)
    stored = load_trained(folder)
    if stored is not None and stored[1].fingerprint == fingerprint(examples):
        return stored
    model, record = train_and_measure(examples, kind, source)
    save_trained(folder, model, record)
    return model, record
