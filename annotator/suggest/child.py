"""Training a suggester in a child process, so that the window's interpreter never waits.

``python-crfsuite`` holds the interpreter's lock while it trains, tens of milliseconds at a
time, so a training thread stalls the window that long, again and again. A child process
does not: it gets plain data (the examples, the suggester's name), writes the model and its
record into a folder of its own and says it is done; the parent swaps the folder in and
loads the model (a few milliseconds). ``cancel``, from any thread, stops the child and the
wait for it, so closing a window never waits for a training to end.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import shutil
import threading
from collections.abc import Sequence
from multiprocessing.connection import Connection, wait
from multiprocessing.context import ForkServerContext, SpawnContext
from multiprocessing.process import BaseProcess
from pathlib import Path

from annotator.core.errors import AnnotatorError
from annotator.suggest.base import Example, Model
from annotator.suggest.registry import SuggesterKind, get_suggester
from annotator.suggest.training import (
    TrainingRecord,
    load_trained,
    partial_folder,
    swap_in,
    train_and_measure,
    write_trained,
)


class TrainingCancelled(AnnotatorError):
    """The training was stopped before it ended (its window closed)."""


def _not_stored(folder: Path, exc: OSError) -> str:
    return f"{folder}: cannot store the trained model ({exc.strerror or exc})"


def train_into(
    examples: list[Example], suggester: str, source: str, folder: str, pipe: Connection
) -> None:
    """The child's work: train and measure ``suggester``, write it into ``folder`` and
    answer ``("done", "")``, or ``("error", words)``."""
    try:
        model, record = train_and_measure(examples, get_suggester(suggester), source)
        write_trained(Path(folder), model, record)
        pipe.send(("done", ""))
    except AnnotatorError as exc:
        pipe.send(("error", str(exc)))
    except OSError as exc:
        pipe.send(("error", _not_stored(Path(folder), exc)))
    except Exception as exc:  # the parent shows it in words; the child ends either way
        pipe.send(("error", f"{type(exc).__name__}: {exc}"))
    finally:
        pipe.close()


class ChildTraining:
    """Trains and stores suggesters in child processes, one at a time, until cancelled.

    Called as ``fit(examples, kind, source, folder)`` (what ``train_window_suggesters``
    takes), it blocks the calling thread, not the interpreter, until the child answers.
    """

    target = staticmethod(train_into)

    def __init__(self, context: ForkServerContext | SpawnContext | None = None) -> None:
        self._context = context or multiprocessing.get_context("spawn")
        self._lock = threading.Lock()
        self._process: BaseProcess | None = None
        self._cancelled = False

    @property
    def pid(self) -> int | None:
        """The training child's process id while one runs."""
        with self._lock:
            return self._process.pid if self._process is not None else None

    def __call__(
        self, examples: Sequence[Example], kind: SuggesterKind, source: str, folder: Path
    ) -> tuple[Model, TrainingRecord]:
        partial = partial_folder(folder)
        try:
            partial.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise AnnotatorError(_not_stored(folder, exc)) from exc
        receiver, sender = self._context.Pipe(duplex=False)
        args = (list(examples), kind.name, source, str(partial), sender)
        process = self._context.Process(target=self.target, args=args, daemon=True)
        try:
            with self._lock:
                if self._cancelled:
                    raise TrainingCancelled("training cancelled")
                process.start()
                self._process = process
            sender.close()
            answer = self._answer(receiver, process)
        finally:
            receiver.close()
            with self._lock:
                self._process = None
        if self._cancelled or answer[0] != "done":
            shutil.rmtree(partial, ignore_errors=True)
            if self._cancelled:
                raise TrainingCancelled("training cancelled")
            raise AnnotatorError(answer[1])
        try:
            swap_in(partial, folder)
        except OSError as exc:
            shutil.rmtree(partial, ignore_errors=True)
            raise AnnotatorError(_not_stored(folder, exc)) from exc
        loaded = load_trained(folder)
        if loaded is None:
            raise AnnotatorError(f"{folder}: the trained model cannot be read")
        return loaded

    @staticmethod
    def _answer(receiver: Connection, process: BaseProcess) -> tuple[str, str]:
        """What the child said, once it said it or ended (stopped or crashed)."""
        wait([receiver, process.sentinel])
        answer = ("error", "the training stopped without an answer")
        if receiver.poll():
            with contextlib.suppress(EOFError):
                answer = receiver.recv()
        process.join()
        return answer

    def cancel(self) -> None:
        """Stop the training that runs (its caller gets ``TrainingCancelled``) and refuse
        later ones."""
        with self._lock:
            self._cancelled = True
            process = self._process
        if process is not None and process.is_alive():
            process.terminate()
