"""An rdflib graph whose namespace manager stays linear in the number of IRIs."""

from __future__ import annotations

from typing import Any

from rdflib import Graph, URIRef
from rdflib.namespace import NamespaceManager

from drivekg.vocab import bind_prefixes

__all__ = ["new_graph"]


class _Namespaces(NamespaceManager):
    """rdflib's namespace manager, without its quadratic cost on the graph's own IRIs.

    rdflib files the namespace of every IRI it shortens in a trie whose levels it scans one key
    at a time, so each new ``…/chart-entry/album/chart/weekly/`` costs time in proportion to all
    the earlier ones: serializing 3,000 chart rows as Turtle took longer than the rest of the
    build. An IRI under no bound namespace is never shortened (the serializers ask with
    ``generate=False`` for subjects and objects and write such an IRI in full; ``n3()`` writes it
    in angle brackets), so the answer is given here without touching the trie; everything else
    is rdflib's own path, and the output is byte for byte rdflib's.
    """

    def __init__(self, graph: Graph) -> None:
        self._bound: tuple[str, ...] | None = None  # set before rdflib binds its defaults
        super().__init__(graph)

    def bind(self, prefix: str | None, namespace: Any, *args: Any, **kwargs: Any) -> None:
        super().bind(prefix, namespace, *args, **kwargs)
        self._bound = None

    def _unbound(self, uri: str) -> bool:
        """No bound namespace starts ``uri``: rdflib would write it in full."""
        if self._bound is None:
            self._bound = tuple(str(ns) for _, ns in self.namespaces())
        return not str(uri).startswith(self._bound)  # str: URIRef.startswith takes no tuple

    def compute_qname(self, uri: str, generate: bool = True) -> tuple[str, URIRef, str]:
        if not generate and self._unbound(uri):
            raise KeyError(f"no known prefix for {uri} and generate=False")
        return super().compute_qname(uri, generate)

    def normalizeUri(self, rdfTerm: str) -> str:  # noqa: N802, N803 -- rdflib's names
        if isinstance(rdfTerm, URIRef) and self._unbound(rdfTerm):
            return f"<{rdfTerm}>"
        return super().normalizeUri(rdfTerm)


def new_graph() -> Graph:
    """An empty graph with the project's prefixes bound."""
    graph = Graph()
    graph.namespace_manager = _Namespaces(graph)
    return bind_prefixes(graph)
