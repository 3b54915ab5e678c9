"""The string matcher after any sequence of span edits suggests exactly what a matcher built
afresh from the remaining spans would: updating after each edit loses nothing, and neither
does a scan of the text that looks again only where the edited texts occur."""

from __future__ import annotations

from collections import Counter
from itertools import pairwise

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from annotator.suggest.strings import StringMatcher

TEXT = (
    "Zoë Chen of the New York Times met Karen Bass in New York. 👍🏽 The New York Times "
    "said Karen Bass and ICE officials spoke; New Yorkers and Chen’s aides listened."
)
PIECES = [
    "Zoë Chen",
    "New York Times",
    "New York",
    "York Times",
    "Times said",
    "Karen Bass",
    "ICE",
    "York",
    "Chen",
    "Bass",
]
LABELS = ["actor", "agency", "location"]


class MatcherEdits(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.matcher = StringMatcher()
        self.scan = self.matcher.scan(TEXT)
        self.tagged: Counter = Counter()

    @rule(piece=st.sampled_from(PIECES), label=st.sampled_from(LABELS))
    def tag(self, piece: str, label: str) -> None:
        self.matcher.add(piece, label)
        self.tagged[(piece, label)] += 1

    @rule(piece=st.sampled_from(PIECES), label=st.sampled_from(LABELS))
    def untag(self, piece: str, label: str) -> None:
        self.matcher.remove(piece, label)
        if self.tagged[(piece, label)]:
            self.tagged[(piece, label)] -= 1

    @invariant()
    def same_as_a_fresh_matcher(self) -> None:
        fresh = StringMatcher()
        for (piece, label), times in self.tagged.items():
            if times:
                fresh.add(piece, label, times)
        suggestions = self.matcher.suggest(TEXT)
        assert suggestions == fresh.suggest(TEXT)
        assert self.scan.suggest() == suggestions  # looking again only where texts changed
        for s in suggestions:
            assert TEXT[s.start : s.end] in PIECES and 0 < s.score <= 1
            before = TEXT[s.start - 1] if s.start else " "
            after = TEXT[s.end] if s.end < len(TEXT) else " "
            assert not before.isalnum() and not after.isalnum()
        ranges = sorted({(s.start, s.end) for s in suggestions})
        assert all(a[1] <= b[0] for a, b in pairwise(ranges))


MatcherEdits.TestCase.settings = settings(max_examples=60, stateful_step_count=25, deadline=None)
test_string_matcher_edits = MatcherEdits.TestCase
