"""The built graph in an embedded SPARQL store, and the rules a query must follow to run on it.

``open_store`` loads ``graph.nt`` into an in-memory pyoxigraph ``Store`` (no server, nothing
written). ``guard`` gives early, friendly refusals: it parses the query with rdflib's SPARQL
parser and walks the algebra, so a ``SERVICE`` inside ``FILTER EXISTS`` or a subquery is found
while the word SERVICE in a comment or a string literal is not mistaken for one. The guard is
**not** what keeps queries off the network: rdflib and pyoxigraph (which runs the query) read
some texts differently (a comment ending at a bare CR, ``\u0022`` inside a string), so a query
can look harmless to one and call SERVICE in the other. What does keep them off is ``sandbox``:
queries execute where the kernel refuses network sockets (``drivekg query`` through
``sandbox.offline``, the server's workers through ``sandbox.deny_network``); an attempt surfaces
here as ``RemoteRefused``. The guard refuses

* updates (``INSERT``, ``DELETE``, ``LOAD``, ``CLEAR``, …): querying is read-only, always;
* remote data (``SERVICE``, ``FROM``, ``FROM NAMED``), unless ``allow_remote``: any ``FROM`` IRI
  counts as remote, since some engines (rdflib among them) fetch it from the web;
* anything that does not parse, with the parser's line and column.

The project prefixes (``schema:``, ``dkg:``, ``prov:`` …, see ``vocab.PREFIXES``) are predeclared
for every query; a query may redeclare them. ``execute`` runs a guarded query and
``serialize_results`` writes its answer in a standard SPARQL results or RDF format.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from pyoxigraph import (
    QueryBoolean,
    QueryResultsFormat,
    QuerySolutions,
    QueryTriples,
    RdfFormat,
    Store,
)
from pyoxigraph import serialize as ox_serialize
from rdflib.plugins.sparql.algebra import translateQuery, traverse
from rdflib.plugins.sparql.parser import parseQuery, parseUpdate
from rdflib.plugins.sparql.parserutils import CompValue

from drivekg.errors import QueryError, RemoteRefused
from drivekg.vocab import PREFIXES

__all__ = [
    "GRAPH_FORMATS",
    "PREFIX_MAP",
    "QUERY_FORMS",
    "SOLUTION_FORMATS",
    "QueryInfo",
    "Results",
    "evaluation_errors",
    "execute",
    "guard",
    "inspect_query",
    "load_store",
    "open_store",
    "serialize_results",
]

GRAPH_FILE = "graph.nt"
QUERY_FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
PREFIX_MAP: dict[str, str] = {prefix: str(ns) for prefix, ns in sorted(PREFIXES.items())}

# name -> (media type, pyoxigraph format). SELECT and ASK answers; CONSTRUCT/DESCRIBE answers.
SOLUTION_FORMATS: dict[str, tuple[str, QueryResultsFormat]] = {
    "csv": ("text/csv", QueryResultsFormat.CSV),
    "tsv": ("text/tab-separated-values", QueryResultsFormat.TSV),
    "json": ("application/sparql-results+json", QueryResultsFormat.JSON),
    "xml": ("application/sparql-results+xml", QueryResultsFormat.XML),
}
GRAPH_FORMATS: dict[str, tuple[str, RdfFormat]] = {
    "turtle": ("text/turtle", RdfFormat.TURTLE),
    "nt": ("application/n-triples", RdfFormat.N_TRIPLES),
    "jsonld": ("application/ld+json", RdfFormat.JSON_LD),
}

Results = QuerySolutions | QueryBoolean | QueryTriples

# rdflib's names for the parts of a query or an update that reach beyond the local graph
_FORMS = {
    "SelectQuery": "SELECT",
    "AskQuery": "ASK",
    "ConstructQuery": "CONSTRUCT",
    "DescribeQuery": "DESCRIBE",
}
_UPDATES = {
    "Load": "LOAD",
    "Clear": "CLEAR",
    "Drop": "DROP",
    "Create": "CREATE",
    "Add": "ADD",
    "Move": "MOVE",
    "Copy": "COPY",
    "InsertData": "INSERT DATA",
    "DeleteData": "DELETE DATA",
    "DeleteWhere": "DELETE WHERE",
    "Modify": "INSERT/DELETE … WHERE",
}


# --------------------------------------------------------------------------- the store


def load_store(data: bytes, *, source: str = GRAPH_FILE) -> Store:
    """An in-memory store holding the N-Triples ``data`` in its default graph."""
    store = Store()
    try:
        store.load(input=data, format=RdfFormat.N_TRIPLES)
    except SyntaxError as exc:
        raise QueryError(f"{source}: not valid N-Triples: {exc}") from exc
    return store


def open_store(out_dir: Path) -> Store:
    """The graph a build wrote to ``out_dir`` (its ``graph.nt``), in an in-memory store."""
    path = out_dir / GRAPH_FILE
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise QueryError(
            f"{out_dir}: no {GRAPH_FILE} here; "
            f"build the graph first (drivekg build --out {out_dir})"
        ) from None
    except OSError as exc:
        raise QueryError(f"{path}: cannot be read: {exc.strerror or exc}") from exc
    return load_store(data, source=str(path))


# --------------------------------------------------------------------------- the guard


@dataclass(frozen=True)
class QueryInfo:
    """What a query is, as far as running it safely needs to know."""

    form: str  # SELECT, ASK, CONSTRUCT or DESCRIBE
    variables: tuple[str, ...]  # projected variables of a SELECT (empty for the other forms)
    remote: tuple[str, ...]  # what reaches beyond the local graph, e.g. "SERVICE <http://…>"
    trailing_values: bool  # the query ends in its own VALUES block


def _nodes(tree: Any) -> Iterator[CompValue]:
    found: list[CompValue] = []

    def visit(node: Any) -> None:
        if isinstance(node, CompValue):
            found.append(node)

    traverse(tree, visitPre=visit)
    return iter(found)


def _field(node: CompValue, name: str) -> Any:
    """A field of an rdflib parse node, or None (``CompValue.get`` returns the *name* if absent)."""
    return dict.get(node, name)


def _syntax_message(exc: Exception) -> str:
    line, col, msg = (getattr(exc, name, None) for name in ("lineno", "col", "msg"))
    if line is not None and col is not None:
        return f"line {line}, column {col}: {msg or exc}"
    return str(exc)


@lru_cache(maxsize=256)
def inspect_query(query: str) -> QueryInfo:
    """Parse ``query`` (refusing updates and syntax errors) and say what it does.

    rdflib's parser takes 20-400 ms per query, so answers are cached by query text (a server
    answering the bundled queries parses each once).
    """
    try:
        parsed = parseQuery(query)
    except Exception as query_exc:  # pyparsing's ParseException, among others
        try:
            update = parseUpdate(query)
        except Exception:
            update = None
        if update is None or not update.request:  # "" parses as an empty update
            raise QueryError(
                f"not a valid SPARQL query: {_syntax_message(query_exc)}"
            ) from query_exc
        ops = sorted({_UPDATES.get(op.name, op.name) for op in update.request})
        raise QueryError(
            f"refused: {', '.join(ops)} would change the graph; "
            "queries are read-only (SELECT, ASK, CONSTRUCT or DESCRIBE)"
        ) from None
    try:
        translated = translateQuery(parsed, initNs=PREFIX_MAP)
    except Exception as exc:  # unknown prefix, a variable projected twice, …
        raise QueryError(f"not a valid SPARQL query: {exc}") from exc
    algebra = translated.algebra
    form = _FORMS.get(algebra.name)
    if form is None:
        raise QueryError(f"not a query form drivekg runs: {algebra.name}")
    remote: list[str] = []
    for clause in _field(algebra, "datasetClause") or ():
        for key, keyword in (("default", "FROM"), ("named", "FROM NAMED")):
            if _field(clause, key) is not None:
                remote.append(f"{keyword} <{clause[key]}>")
    for node in _nodes(algebra):
        if node.name == "ServiceGraphPattern":
            remote.append(f"SERVICE {node['term'].n3()}")
    variables = tuple(str(v) for v in _field(algebra, "PV") or ()) if form == "SELECT" else ()
    return QueryInfo(
        form=form,
        variables=variables,
        remote=tuple(dict.fromkeys(remote)),
        trailing_values=_field(parsed[1], "valuesClause") is not None,
    )


def guard(query: str, *, allow_remote: bool = False) -> str:
    """The query's form (SELECT/ASK/CONSTRUCT/DESCRIBE); ``QueryError`` if it may not run."""
    info = inspect_query(query)
    if info.remote and not allow_remote:
        raise RemoteRefused(
            f"refused: the query asks for remote data ({', '.join(info.remote)}); "
            "drivekg queries only the local graph"
        )
    return info.form


# --------------------------------------------------------------------------- running


def execute(store: Store, query: str, *, allow_remote: bool = False) -> Results:
    """Guard ``query``, then run it over ``store`` with the project prefixes predeclared."""
    guard(query, allow_remote=allow_remote)
    try:
        with evaluation_errors():
            results: Results = store.query(query, prefixes=PREFIX_MAP)
    except SyntaxError as exc:  # rdflib accepted what oxigraph does not
        raise QueryError(f"not a valid SPARQL query: {exc}") from exc
    return results


def serialize_results(results: Results, fmt: str) -> tuple[str, bytes]:
    """``(media type, body)`` of an answer in a standard format.

    SELECT and ASK answers: ``csv``, ``tsv``, ``json``, ``xml`` (SPARQL 1.1 results formats).
    CONSTRUCT and DESCRIBE answers: ``turtle``, ``nt``, ``jsonld``, with the project prefixes and
    the triples sorted, so the same answer gives the same bytes.
    """
    if isinstance(results, QueryTriples):
        if fmt not in GRAPH_FORMATS:
            raise QueryError(
                f"a CONSTRUCT or DESCRIBE answer is a graph; formats: {', '.join(GRAPH_FORMATS)}"
            )
        media_type, rdf_format = GRAPH_FORMATS[fmt]
        with evaluation_errors():
            triples = sorted(results, key=str)
        used = {p: ns for p, ns in PREFIX_MAP.items() if any(ns in str(t) for t in triples)}
        return media_type, ox_serialize(triples, format=rdf_format, prefixes=used) or b""
    if fmt not in SOLUTION_FORMATS:
        raise QueryError(
            f"a SELECT or ASK answer is a table; formats: {', '.join(SOLUTION_FORMATS)}"
        )
    media_type, results_format = SOLUTION_FORMATS[fmt]
    with evaluation_errors():
        return media_type, results.serialize(format=results_format) or b""


NETWORK_REFUSED = ("refused: the query tried to reach the network (SERVICE); "
                   "drivekg queries only the local graph")


@contextmanager
def evaluation_errors() -> Iterator[None]:
    """Answers are computed as they are read: a SERVICE call, and its failure, surface here.

    Under the sandbox a network socket fails with EPERM (``PermissionError``): ``RemoteRefused``.
    """
    try:
        yield
    except PermissionError as exc:
        raise RemoteRefused(NETWORK_REFUSED) from exc
    except (OSError, RuntimeError) as exc:  # a SERVICE that failed (remote access allowed),
        raise QueryError(f"the query failed: {exc}") from exc  # or the engine gave up
