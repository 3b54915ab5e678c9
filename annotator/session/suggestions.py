"""The open document's suggestions, without Qt: what the suggesters propose there, less what
the annotator has tagged or rejected, and the one current suggestion.

Two suggesters feed it: the string matcher, which follows every edit (each span added,
moved, relabelled or deleted adds or takes away one use of its text), and a trained model
whose suggestions for the open document are worked out once, off the window's thread (a
long article costs the tagger a tenth of a second): ``model_job`` says what to compute and
``set_model_suggestions`` takes the result in. Each is offered only while its held-out
F1 reaches ``threshold``. Suggestions are never stored: they become spans only when
accepted, and only rejections are remembered (per document, in the store).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace

from annotator.core.spans import Span
from annotator.suggest.base import Model, SpanKey, Suggestion
from annotator.suggest.live import STRINGS, Trained, uses
from annotator.suggest.registry import DEFAULT_SUGGESTER
from annotator.suggest.strings import StringMatcher, TextScan
from annotator.suggest.training import DEFAULT_THRESHOLD, TrainingRecord


@dataclass(frozen=True, slots=True)
class ModelJob:
    """A model's suggestions to work out for one document's text (``run`` in any thread)."""

    document_id: int
    model: Model
    text: str

    def run(self) -> tuple[ModelJob, list[Suggestion]]:
        return self, self.model.suggest(self.text)


@dataclass(frozen=True, slots=True)
class SuggesterState:
    """How one suggester stands, for the status bar."""

    name: str
    training: bool
    record: TrainingRecord | None
    threshold: float

    @property
    def offered(self) -> bool:
        return self.record is not None and self.record.offered(self.threshold)

    def describe(self) -> str:
        """A few words: training, ready with its F1, below the threshold, or why not."""
        record = self.record
        if self.training:
            return f"{self.name} training…"
        if record is None:
            return f"{self.name} not trained"
        if record.f1 is None:
            return f"{self.name}: too few documents"
        if self.offered:
            return f"{self.name} ready, F1 {record.f1:.2f}"
        return f"{self.name} F1 {record.f1:.2f} (below {self.threshold:.2f})"

    def details(self) -> str:
        """When and on what it was trained, and its held-out figures."""
        record = self.record
        if record is None:
            return f"{self.name}: not trained yet"
        figures = (
            f"held out {record.heldout_documents} documents: precision {record.precision:.2f},"
            f" recall {record.recall:.2f}, F1 {record.f1:.2f}"
            if record.f1 is not None and record.precision is not None and record.recall is not None
            else "no held-out documents yet"
        )
        verdict = "offered" if self.offered else f"not offered (threshold {self.threshold:.2f})"
        return (
            f"{self.name}: trained {record.trained} on {record.documents} documents"
            f" ({record.spans} spans); {figures}; {verdict}"
        )


class Suggestions:
    """The suggestions of one open document for one annotator."""

    def __init__(self, threshold: float = DEFAULT_THRESHOLD) -> None:
        self.threshold = threshold
        self.training = False
        self.suggester = DEFAULT_SUGGESTER
        self.trained: Trained | None = None
        self.document_id: int | None = None
        self.text = ""
        self.rejected: set[SpanKey] = set()
        self.current: SpanKey | None = None
        self._taken: Counter = Counter()  # ranges the annotator has tagged, and how often
        self._counted: Counter = Counter()  # the open document's uses the matcher holds
        self._scan: TextScan | None = None  # the matcher's matches in the open document
        self._model_items: list[Suggestion] | None = None  # None: not worked out yet
        self._model_asked = False
        self._items: list[Suggestion] | None = None  # worked out when next read

    # what feeds it

    @property
    def matcher(self) -> StringMatcher | None:
        return self.trained.matcher if self.trained is not None else None

    def install(self, trained: Trained, spans: Iterable[Span]) -> None:
        """Use what a training run produced; the matcher catches up with the open
        document's edits made since the run read it."""
        self.trained = trained
        self.training = False
        self._model_items, self._model_asked = None, False
        if self.document_id is not None:
            self._counted = Counter(trained.learnt.get(self.document_id, ()))
        self.sync(spans)

    def measured(self, annotator: str, record: TrainingRecord | None) -> bool:
        """The matcher's figures measured again (``live.measure_matcher``); False if they
        are for another annotator or nothing was trained meanwhile."""
        trained = self.trained
        if trained is None or trained.annotator != annotator or record is None:
            return False
        self.trained = replace(trained, strings_record=record)
        self.refresh()
        return True

    def states(self) -> list[SuggesterState]:
        trained = self.trained
        return [
            SuggesterState(
                STRINGS,
                self.training and trained is None,
                trained.strings_record if trained else None,
                self.threshold,
            ),
            SuggesterState(
                self.suggester,
                self.training,
                trained.model_record if trained else None,
                self.threshold,
            ),
        ]

    def describe(self) -> str:
        """One line for the status bar: each suggester's state."""
        return " · ".join(state.describe() for state in self.states())

    def details(self) -> str:
        """Each suggester's training record, a line each (the status bar's tooltip)."""
        return "\n".join(state.details() for state in self.states())

    # the open document

    def open(
        self, document_id: int, text: str, spans: Iterable[Span], rejected: set[SpanKey]
    ) -> None:
        spans = list(spans)
        self.document_id, self.text, self.rejected = document_id, text, set(rejected)
        self.current = None
        self._model_items, self._model_asked = None, False
        self._counted = uses(text, (s.key for s in spans))
        self.sync(spans)

    def sync(self, spans: Iterable[Span]) -> None:
        """The open document's spans are now ``spans``: the matcher counts the uses added
        and forgets those taken away."""
        spans = list(spans)
        now = uses(self.text, (s.key for s in spans))
        self._count(now - self._counted, self._counted - now)
        self._taken = Counter((s.start, s.end) for s in spans)
        self.refresh()

    def edit(self, gone: Iterable[Span], fresh: Iterable[Span]) -> None:
        """Spans ``gone`` left the open document and ``fresh`` came (a relabel or a move is
        both): the matcher follows, without reading every span again."""
        gone, fresh = list(gone), list(fresh)
        if not gone and not fresh:
            return
        removed = uses(self.text, (s.key for s in gone))
        added = uses(self.text, (s.key for s in fresh))
        self._count(added, removed)
        _adjust(self._taken, Counter((s.start, s.end) for s in fresh))
        _adjust(self._taken, Counter((s.start, s.end) for s in gone), -1)
        self.refresh()

    def _count(self, added: Counter, removed: Counter) -> None:
        _adjust(self._counted, added)
        _adjust(self._counted, removed, -1)
        matcher = self.matcher
        if matcher is None:
            return
        for (text, label), n in added.items():
            matcher.add(text, label, n)
        for (text, label), n in removed.items():
            for _ in range(n):
                matcher.remove(text, label)

    def refresh(self) -> None:
        """Work the suggestions out again (lazily: when they are next read)."""
        self._items = None

    @property
    def items(self) -> list[Suggestion]:
        """The suggestions offered, in span order."""
        if self._items is None:
            self._items = self._work_out()
            current = self.current
            if current is not None and not any(s[:3] == current for s in self._items):
                self.current = None
        return self._items

    def _work_out(self) -> list[Suggestion]:
        if self.document_id is None:
            return []
        strings, model = self.states()
        sources = []
        if strings.offered and self.matcher is not None:
            sources.append(self._matched(self.matcher))
        if model.offered:
            sources.append(self._model_suggestions())
        rejected, taken = self.rejected, self._taken
        kept = [
            s
            for found in sources
            for s in found
            if (s.start, s.end) not in taken and s[:3] not in rejected
        ]
        if len(sources) == 1:  # one suggester: its keys are distinct, in order
            return kept
        best: dict[SpanKey, Suggestion] = {}
        for s in kept:
            if s.key not in best or s.score > best[s.key].score:
                best[s.key] = s
        return sorted(best.values())

    def _matched(self, matcher: StringMatcher) -> list[Suggestion]:
        """The matcher's suggestions; after an edit it looks again only where the edited
        texts occur."""
        scan = self._scan
        if scan is None or scan.matcher is not matcher or scan.text is not self.text:
            scan = self._scan = matcher.scan(self.text)
        return scan.suggest()

    def _model_suggestions(self) -> list[Suggestion]:
        return self._model_items or []

    def model_job(self) -> ModelJob | None:
        """What the model has to work out for the open document, once per document and
        model (``None``: nothing, or it was asked for already)."""
        model: Model | None = self.trained.model if self.trained else None
        if model is None or self.document_id is None or self._model_asked:
            return None
        if self._model_items is not None or not self.states()[1].offered:
            return None
        self._model_asked = True
        return ModelJob(self.document_id, model, self.text)

    def set_model_suggestions(self, job: ModelJob, found: list[Suggestion]) -> bool:
        """Take in what ``job`` found; False if the document or the model changed since."""
        model = self.trained.model if self.trained else None
        if job.document_id != self.document_id or job.model is not model:
            return False
        self._model_items = found
        self.refresh()
        return True

    # the current suggestion

    @property
    def current_suggestion(self) -> Suggestion | None:
        return next((s for s in self.items if s.key == self.current), None)

    def select(self, key: SpanKey | None) -> None:
        """Make ``key`` current (one not offered, or ``None``: none)."""
        self.current = key if any(s.key == key for s in self.items) else None

    def step(self, delta: int) -> None:
        """Move to the next (``delta`` > 0) or previous suggestion, wrapping round."""
        keys = [s.key for s in self.items]
        current = self.current
        if not keys or current is None:
            self.current = (keys[0] if delta > 0 else keys[-1]) if keys else None
        elif delta > 0:
            self.current = next((k for k in keys if k > current), keys[0])
        else:
            self.current = next((k for k in reversed(keys) if k < current), keys[-1])

    def select_after(self, key: SpanKey) -> None:
        """Make the suggestion after ``key`` current (the first, past the last one)."""
        keys = [s.key for s in self.items]
        self.current = next((k for k in keys if k > key), keys[0] if keys else None)

    def at(self, offset: int) -> Suggestion | None:
        """The shortest suggestion covering character ``offset``."""
        covering = [s for s in self.items if s.start <= offset < s.end]
        return min(covering, key=lambda s: s.end - s.start, default=None)

    def of_label(self, label: str) -> list[SpanKey]:
        return [s.key for s in self.items if s.label == label]


def _adjust(counts: Counter, change: Counter, sign: int = 1) -> None:
    """Add (``sign`` 1) or take away ``change`` in place, dropping what reaches zero: an edit
    touches a few keys of a document's counts, which may hold thousands."""
    for key, n in change.items():
        left = counts[key] + sign * n
        if left > 0:
            counts[key] = left
        else:
            del counts[key]
