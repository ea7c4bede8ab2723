"""Where the server reads the graph from: the embedded store or an external SPARQL 1.1 store.

The server asks a backend two kinds of things:

* its own SELECT queries (``select``), written by ``describe`` to build entity documents: run in
  process on the embedded pyoxigraph store (loaded from ``graph.nt``), or sent to an external
  store's query endpoint (``drivekg serve --store URL``) as an HTTP POST form;
* user queries, which never run here: the embedded backend's go to the worker pool
  (``pool``: sandboxed, killable), an external store's to ``remote.RemoteQueries``.

Answers from an external store come back as SPARQL JSON and are read into pyoxigraph terms by
``read_results`` (it also takes Virtuoso's older ``typed-literal`` term type), so both backends
give the same terms for the same data.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Protocol

import httpx
import pyoxigraph as ox

from drivekg.errors import StoreError
from drivekg.sparql.store import GRAPH_FILE, PREFIX_MAP, open_store

__all__ = ["Backend", "EmbeddedBackend", "RemoteBackend", "Row", "read_results", "term_json"]

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple
Row = dict[str, Term]
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


class Backend(Protocol):
    """A read-only SPARQL store the server builds entity documents from."""

    label: str  # for logs and errors: "the embedded store" or the endpoint URL

    async def select(self, query: str) -> list[Row]: ...

    def restore(self, triple: ox.Triple) -> ox.Triple: ...

    async def close(self) -> None: ...


class EmbeddedBackend:
    """The build's ``graph.nt`` in an in-memory pyoxigraph store inside the server process.

    Only the server's own queries run here (in a thread, so a large page does not hold up the
    event loop); user queries go to the sandboxed worker pool.

    pyoxigraph's ``Store`` keeps literals in a canonical form (``"05"^^xsd:positiveInteger`` is
    stored as ``"5"^^xsd:integer``); documents must say what the graph says, so the literals it
    changed are remembered at load and ``restore`` gives their triples back as written.
    """

    label = "the embedded store"

    def __init__(self, store: ox.Store,
                 written: Mapping[tuple[Term, Term, Term], Term] | None = None) -> None:
        self.store = store
        self.written = dict(written or {})

    @classmethod
    def open(cls, out_dir: Path) -> EmbeddedBackend:
        store = open_store(out_dir)
        missing: dict[tuple[Any, Any], list[ox.Literal]] = {}
        for triple in ox.parse(path=out_dir / GRAPH_FILE, format=ox.RdfFormat.N_TRIPLES):
            o = triple.object
            if isinstance(o, ox.Literal) and not o.language and o.datatype.value not in (
                    _XSD_STRING, _RDF_LANG_STRING):
                missing.setdefault((triple.subject, triple.predicate), []).append(o)
        written: dict[tuple[Term, Term, Term], Term] = {}
        for (s, p), originals in missing.items():
            kept = {q.object for q in store.quads_for_pattern(s, p, None)}
            for original in originals:
                if original in kept:
                    continue
                same = [c for c in kept if isinstance(c, ox.Literal)
                        and _number(c.value) == _number(original.value)]
                if same:
                    written[(s, p, same[0])] = original
        return cls(store, written)

    def restore(self, triple: ox.Triple) -> ox.Triple:
        original = self.written.get((triple.subject, triple.predicate, triple.object))
        return triple if original is None else ox.Triple(triple.subject, triple.predicate,
                                                         original)

    def select_now(self, query: str) -> list[Row]:
        results = self.store.query(query, prefixes=PREFIX_MAP)
        assert isinstance(results, ox.QuerySolutions), query
        names = [v.value for v in results.variables]
        return [{name: solution[name] for name in names if solution[name] is not None}
                for solution in results]

    async def select(self, query: str) -> list[Row]:
        return await asyncio.to_thread(self.select_now, query)

    async def close(self) -> None:
        return None


def _number(text: str) -> Decimal | str:
    try:
        return Decimal(text)
    except InvalidOperation:
        return text


def _term(data: Mapping[str, Any]) -> Term:
    kind, value = data.get("type"), data.get("value")
    if kind == "uri" and isinstance(value, str):
        return ox.NamedNode(value)
    if kind == "bnode" and isinstance(value, str):
        return ox.BlankNode(value)
    if kind in ("literal", "typed-literal") and isinstance(value, str):
        lang = data.get("xml:lang") or data.get("lang")
        if lang:
            return ox.Literal(value, language=str(lang))
        datatype = data.get("datatype")
        if datatype and datatype not in (_XSD_STRING, _RDF_LANG_STRING):
            return ox.Literal(value, datatype=ox.NamedNode(str(datatype)))
        return ox.Literal(value)
    if kind == "triple" and isinstance(value, Mapping):
        return ox.Triple(_term(value["subject"]), _term(value["predicate"]),  # type: ignore[arg-type]
                         _term(value["object"]))
    raise ValueError(f"not a SPARQL JSON term: {dict(data)!r}")


def read_results(body: bytes) -> tuple[list[str], list[Row]] | bool:
    """SPARQL JSON results: (variables, rows), or the boolean of an ASK."""
    data = json.loads(body)
    if "boolean" in data:
        return bool(data["boolean"])
    names = [str(v) for v in data["head"].get("vars", [])]
    rows = [{name: _term(value) for name, value in binding.items()}
            for binding in data["results"]["bindings"]]
    return names, rows


def term_json(term: Term) -> dict[str, Any]:
    """A term as SPARQL 1.1 JSON results write it."""
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out: dict[str, Any] = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != _XSD_STRING:
            out["datatype"] = term.datatype.value
        return out
    return {"type": "triple", "value": {"subject": term_json(term.subject),
                                        "predicate": term_json(term.predicate),
                                        "object": term_json(term.object)}}


class RemoteBackend:
    """An external SPARQL 1.1 store's query endpoint (``drivekg serve --store URL``)."""

    def __init__(self, endpoint: str, *, graph: str | None = None, timeout: float = 30.0,
                 transport: httpx.AsyncBaseTransport | None = None) -> None:
        self.label = self.endpoint = endpoint
        self.graph = graph  # the graph the data is in (default-graph-uri); None: the default
        self.client = httpx.AsyncClient(timeout=timeout, transport=transport,
                                        follow_redirects=False)

    def form(self, query: str) -> dict[str, str]:
        """The form fields of a query: the text, and the graph to query when one is set."""
        return {"query": query, **({"default-graph-uri": self.graph} if self.graph else {})}

    async def post(self, query: str, accept: str) -> httpx.Response:
        """POST ``query`` as a form; errors and unreachable stores are ``StoreError``."""
        try:
            response = await self.client.post(self.endpoint, data=self.form(query),
                                              headers={"Accept": accept})
        except httpx.TimeoutException as exc:
            raise StoreError(f"{self.endpoint} did not answer in time") from exc
        except httpx.TransportError as exc:
            raise StoreError(f"cannot reach the SPARQL store {self.endpoint}: {exc}") from exc
        if response.is_error or response.is_redirect:
            text = " ".join(response.text.split())[:300]
            raise StoreError(f"the SPARQL store {self.endpoint} answered HTTP "
                             f"{response.status_code}: {text}")
        return response

    async def select(self, query: str) -> list[Row]:
        prologue = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIX_MAP.items())
        response = await self.post(prologue + query, "application/sparql-results+json")
        try:
            read = read_results(response.content)
        except (ValueError, KeyError, TypeError) as exc:
            raise StoreError(f"{self.endpoint} did not answer with SPARQL JSON results") from exc
        if isinstance(read, bool):
            raise StoreError(f"{self.endpoint} answered a SELECT with a boolean")
        return read[1]

    def restore(self, triple: ox.Triple) -> ox.Triple:
        return triple

    async def close(self) -> None:
        await self.client.aclose()
