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
from drivekg.records import Article, Conflict, Fact, SourceInfo
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

    @cached_property
    def dumps(self) -> dict[str, bytes]:
        """The graph in every RDF format, serialized once for every renderer that writes it."""
        return {dump_name(fmt.extension): serialize(self.graph, fmt) for fmt in FORMATS}
