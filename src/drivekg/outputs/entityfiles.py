"""Per-entity data files: an entity's triples plus the evidence nodes behind them.

The site writes a file per entity and format (``formats.FORMATS``). rdflib's serializers cost
about 10 ms per small graph, which for a hundred entities is most of the site's build time, so
these files are written by ``formats.write`` (pyoxigraph's writers, from terms rather than
through a ``Store``, which would rewrite ``xsd:positiveInteger`` as ``xsd:integer``; JSON-LD
compacted over the project context). Triples are sorted, so the same graph gives the same bytes.
Round trips are checked in ``tests/test_site.py``.
"""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox
from rdflib.term import Node

from drivekg.formats import Format, to_ox, write

__all__ = ["Triple", "dumps"]

Triple = tuple[Node, Node, Node]


def dumps(triples: Iterable[Triple], fmt: Format, *, first: Node | None = None) -> bytes:
    """``triples`` in ``fmt``, sorted (``first``'s triples first), deterministic."""
    terms = [ox.Triple(to_ox(s), to_ox(p), to_ox(o)) for s, p, o in triples]
    return write(terms, fmt, first=str(first) if first is not None else None)
