"""The value every renderer takes: a built graph with what it was built from.

Renderers (``report``, ``void``, ``site``) take a ``Publication`` and a ``Validation`` and return
files; they never import the pipeline that calls them.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from rdflib import Graph

from drivekg.formats import FORMATS
from drivekg.layout import dump_name
from drivekg.records import Article, Conflict, Fact, NotRead, SourceInfo
from drivekg.serialize import serialize

__all__ = ["Publication"]


@dataclass(frozen=True)
class Publication:
    article: Article
    source: SourceInfo
    album: str | None
    facts: tuple[Fact, ...]
    conflicts: tuple[Conflict, ...]
    graph: Graph
    base: str
    not_read: tuple[NotRead, ...] = ()  # what the article says that the build did not read

    @property
    def lines_not_read(self) -> int:
        """How many lines of the article have something the build did not read."""
        return len({n.line for n in self.not_read})

    @cached_property
    def dumps(self) -> dict[str, bytes]:
        """The graph in every RDF format, serialized once for every renderer that writes it."""
        return {dump_name(fmt.extension): serialize(self.graph, fmt) for fmt in FORMATS}
