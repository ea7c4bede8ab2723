"""Every IRI under the base dereferences: ``/id/{key}`` answers the document of ``{base}{key}``.

The document (``sparql.describe``: links both ways, labels of linked nodes, reifications, hash
IRIs, evidence) is built on demand from the backend, a page at a time, and cached with its
representations (each with a strong ETag and a gzip copy made once). Formats: every RDF format in
``formats.RDF_FORMATS`` — an entity document is one default graph of RDF 1.1 triples, valid in
each — and HTML: the static site's page where the build wrote one (page 1), else a page rendered
on demand by the site's own renderer (``outputs.site.render_page``, a pure function of a graph).
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Sequence

import pyoxigraph as ox
from rdflib import Graph, URIRef

from drivekg.formats import HTML, RDF_FORMATS, TURTLE, Format, to_rdflib, write
from drivekg.outputs.site import render_page
from drivekg.sparql.backend import Backend
from drivekg.sparql.describe import PAGE_SIZE, Description, describe
from drivekg.vocab import bind_prefixes
from drivekg.web.published import Published, Representation

__all__ = ["DOCUMENT_OFFERS", "Documents", "WILDCARD_ORDER"]

# what /id/{key} offers: HTML for people, every RDF format; a browser's */* gets HTML, an RDF
# client naming several formats equally gets N-Triples (valid Turtle, TriG, N-Quads and N3 too)
DOCUMENT_OFFERS: tuple[Format, ...] = (HTML, *RDF_FORMATS)
WILDCARD_ORDER: tuple[Format, ...] = (HTML, TURTLE, *(f for f in RDF_FORMATS if f is not TURTLE))


class _LRU(OrderedDict[tuple[str, int, str], Representation | Description]):
    def __init__(self, size: int) -> None:
        super().__init__()
        self.size = size

    def put(self, key: tuple[str, int, str], value: Representation | Description) -> None:
        self[key] = value
        self.move_to_end(key)
        while len(self) > self.size:
            self.popitem(last=False)


def _graph(triples: Sequence[ox.Triple]) -> Graph:
    graph = bind_prefixes(Graph())
    for t in triples:
        graph.add((to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object)))
    return graph


class Documents:
    """The documents of the IRIs under the base, and their representations, cached."""

    def __init__(self, backend: Backend, published: Published, *, page_size: int = PAGE_SIZE,
                 cache_entries: int = 4096) -> None:
        self.backend, self.pub, self.page_size = backend, published, page_size
        self._cache = _LRU(cache_entries)
        self._locks: dict[tuple[str, int], asyncio.Lock] = {}

    async def description(self, iri: str, page: int) -> Description:
        key = (iri, page, "")
        cached = self._cache.get(key)
        if isinstance(cached, Description):
            return cached
        lock = self._locks.setdefault((iri, page), asyncio.Lock())
        async with lock:  # many clients asking for one new document: it is built once
            cached = self._cache.get(key)
            if not isinstance(cached, Description):
                cached = await describe(self.backend, iri, page=page, page_size=self.page_size)
                self._cache.put(key, cached)
        self._locks.pop((iri, page), None)
        return cached

    async def representation(self, iri: str, page: int,
                             fmt: Format) -> tuple[Description, Representation] | None:
        """The document of ``iri`` (page ``page``) in ``fmt``; None when the graph never names
        ``iri`` or has no such page."""
        described = await self.description(iri, page)
        if not described.found:
            return None
        key = (iri, page, fmt.name)
        cached = self._cache.get(key)
        if isinstance(cached, Representation):
            return described, cached
        if fmt is HTML:
            static = self.pub.pages.get(iri[len(self.pub.base):]) if page == 1 else None
            if static is not None:
                return described, static
            body = await asyncio.to_thread(render_page, _graph(described.triples), self.pub.base,
                                           URIRef(iri))
        else:
            body = write(described.triples, fmt, first=iri)
        rep = Representation.of(body, fmt.content_type)
        self._cache.put(key, rep)
        return described, rep
