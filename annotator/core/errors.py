"""Errors that describe bad input in words a user can act on."""

from __future__ import annotations

from dataclasses import dataclass


class AnnotatorError(Exception):
    """A failure caused by input or environment, reported without a traceback."""


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with the input, located as precisely as we can."""

    reason: str
    source: str | None = None
    line: int | None = None

    def __str__(self) -> str:
        where = self.source or ""
        if self.line is not None:
            where = f"{where}:{self.line}" if where else f"line {self.line}"
        return f"{where}: {self.reason}" if where else self.reason


class InvalidSpan(AnnotatorError, ValueError):
    """A span that breaks an invariant (offsets outside the text, unknown label, ...)."""


class InputError(AnnotatorError):
    """Input that cannot be imported; carries every problem found (file, line, reason)."""

    MAX_LISTED = 5

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = list(problems)
        super().__init__(self.summary())

    def summary(self) -> str:
        shown = [str(p) for p in self.problems[: self.MAX_LISTED]]
        more = len(self.problems) - len(shown)
        if more > 0:
            shown.append(f"... and {more} more problem{'s' if more > 1 else ''}")
        return "\n".join(shown)


class StoreError(AnnotatorError):
    """The database cannot be used as asked (locked, read-only, newer schema, not a database)."""
