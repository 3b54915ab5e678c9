"""Where annotators differ on links, for review: per quote (a link's head) and relation type,
which speakers (children) each annotator linked it to.

A link disagreement is a quote some annotator linked where the annotators of the document
did not all link it to the same speakers: another speaker, or no link at all (an annotator
without that quote, or with the quote but no link, has no version). As for spans, what one
annotator alone has is never agreed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from annotator.core.agreement import SpanKey as Key
from annotator.core.link_agreement import LinkKey


@dataclass(frozen=True, slots=True)
class LinkDisagreement:
    """``versions``: each annotator of the document with the speakers they linked ``head``
    to by ``label`` (an empty tuple: no link), in span order."""

    head: Key
    label: str
    versions: dict[str, tuple[Key, ...]]

    @property
    def start(self) -> int:
        return self.head[0]

    @property
    def end(self) -> int:
        return self.head[1]

    @property
    def at(self) -> tuple[Key, str]:
        """What identifies it on its document: the quote and the relation type."""
        return self.head, self.label

    def sources(self, child: Key) -> tuple[str, ...]:
        """The annotators who linked the quote to ``child``: a gold link's provenance."""
        return tuple(name for name, children in self.versions.items() if child in children)


def link_disagreements(
    annotators: Iterable[str], links: Mapping[str, Iterable[LinkKey]]
) -> list[LinkDisagreement]:
    """The link disagreements among ``annotators`` (everyone with a layer on the document,
    even an empty one), whose links are ``links``, in the order of their quotes."""
    names = list(annotators)
    linked: dict[tuple[Key, str], dict[str, set[Key]]] = {}
    for name in names:
        for head, child, label in links.get(name, ()):
            linked.setdefault((head, label), {}).setdefault(name, set()).add(child)
    found = []
    for (head, label), by_name in sorted(linked.items()):
        versions = {name: tuple(sorted(by_name.get(name, ()))) for name in names}
        if len(names) < 2 or len(set(versions.values())) > 1:
            found.append(LinkDisagreement(head, label, versions))
    return found
