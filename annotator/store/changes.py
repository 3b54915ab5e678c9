"""What a store command changed: the one description every view refreshes from."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Change:
    """Ids touched by a command. Views refresh only what is named here."""

    documents: frozenset[int] = field(default_factory=frozenset)
    spans: frozenset[int] = field(default_factory=frozenset)
    statuses: frozenset[int] = field(default_factory=frozenset)
    notes: frozenset[int] = field(default_factory=frozenset)
    links: frozenset[int] = field(default_factory=frozenset)
    labels: bool = False
    annotators: bool = False
    document_list: bool = False

    def __or__(self, other: Change) -> Change:
        return Change(
            documents=self.documents | other.documents,
            spans=self.spans | other.spans,
            statuses=self.statuses | other.statuses,
            notes=self.notes | other.notes,
            links=self.links | other.links,
            labels=self.labels or other.labels,
            annotators=self.annotators or other.annotators,
            document_list=self.document_list or other.document_list,
        )

    def __bool__(self) -> bool:
        return bool(
            self.documents
            or self.spans
            or self.statuses
            or self.notes
            or self.links
            or self.labels
            or self.annotators
            or self.document_list
        )
