"""Inside a SPARQL worker process of ``drivekg serve``: limits first, then answer jobs.

A worker (started by ``querypool`` with ``multiprocessing``'s spawn) sets its limits before it
answers its first job, so that they hold for everything the query engine does:

1. no network: ``sandbox.deny_network(all_threads=True)`` (a seccomp filter; a SERVICE call fails
   with EPERM, whatever the query text looks like to the guard);
2. memory: ``RLIMIT_AS`` (address space) of ``max_memory`` bytes, set once the graph is loaded.
   pyoxigraph's allocator aborts the process when an allocation fails (SIGABRT), Python raises
   ``MemoryError``; either way the server answers "Query memory limit" and starts a fresh worker;
3. the slow lane's workers, once loaded, run at ``SCHED_IDLE`` priority: they only get a CPU
   nobody else wants.

Then it answers jobs ``(query, media, max_rows, max_answer)`` until its pipe closes. An answer
whose serialization would pass ``max_answer`` bytes is refused while it is being built.
"""

from __future__ import annotations

import json
import os
import signal
from itertools import islice
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

__all__ = ["FORM_KIND", "worker"]

FORM_KIND = {"SELECT": "solutions", "ASK": "boolean", "CONSTRUCT": "graph", "DESCRIBE": "graph"}


class AnswerTooLarge(Exception):
    pass


def _term_json(term: Any) -> dict[str, Any]:
    from pyoxigraph import BlankNode, Literal, NamedNode, Triple

    if isinstance(term, NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, Literal):
        out: dict[str, Any] = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
            out["datatype"] = term.datatype.value
        return out
    if isinstance(term, Triple):
        return {"type": "triple", "value": {
            "subject": _term_json(term.subject),
            "predicate": _term_json(term.predicate),
            "object": _term_json(term.object),
        }}
    raise TypeError(type(term))


def _size(term_json: dict[str, Any]) -> int:
    value = term_json["value"]
    return 40 + (len(value) if isinstance(value, str) else sum(map(_size, value.values())))


def _used_prefixes(triples: list[Any], prefixes: dict[str, str]) -> dict[str, str]:
    iris = set()
    for t in triples:
        for term in (t.subject, t.predicate, t.object):
            iris.add(getattr(term, "value", "") if not hasattr(term, "datatype")
                     else term.datatype.value)
    return {p: ns for p, ns in prefixes.items() if any(i.startswith(ns) for i in iris)}


def _too_large(max_answer: int) -> AnswerTooLarge:
    return AnswerTooLarge(f"the answer is larger than {max_answer} bytes (--max-answer); "
                          "ask for fewer rows (LIMIT) or shorter values")


def _graph_answer(results: Any, media_type: str, max_rows: int, max_answer: int) -> tuple[Any, ...]:
    from pyoxigraph import RdfFormat
    from pyoxigraph import serialize as ox_serialize

    from drivekg.sparql.store import PREFIX_MAP

    graph_formats = {
        "text/turtle": RdfFormat.TURTLE, "application/ld+json": RdfFormat.JSON_LD,
        "application/n-triples": RdfFormat.N_TRIPLES, "application/rdf+xml": RdfFormat.RDF_XML,
    }
    triples, size = [], 0
    for triple in islice(results, max_rows + 1):
        size += len(str(triple))
        if size > max_answer:
            raise _too_large(max_answer)
        triples.append(triple)
    truncated = len(triples) > max_rows
    triples = sorted(triples[:max_rows], key=str)
    body = ox_serialize(triples, format=graph_formats[media_type],
                        prefixes=_used_prefixes(triples, PREFIX_MAP)) or b""
    return body, truncated


def _table_answer(results: Any, media_type: str, max_rows: int, max_answer: int) -> tuple[Any, ...]:
    from pyoxigraph import QueryBoolean, QueryResultsFormat, parse_query_results

    table_formats = {
        "application/sparql-results+xml": QueryResultsFormat.XML,
        "text/csv": QueryResultsFormat.CSV,
        "text/tab-separated-values": QueryResultsFormat.TSV,
    }
    truncated = False
    if isinstance(results, QueryBoolean):
        data: dict[str, Any] = {"head": {}, "boolean": bool(results)}
    else:
        variables = [v.value for v in results.variables]
        bindings, size = [], 0
        for solution in islice(results, max_rows + 1):
            row = {name: _term_json(solution[name])
                   for name in variables if solution[name] is not None}
            size += 2 + sum(len(k) + _size(v) for k, v in row.items())
            if size > max_answer:
                raise _too_large(max_answer)
            bindings.append(row)
        truncated = len(bindings) > max_rows
        data = {"head": {"vars": variables}, "results": {"bindings": bindings[:max_rows]}}
    body = json.dumps(data, ensure_ascii=False).encode()
    if media_type in table_formats:  # pyoxigraph writes the other formats from the JSON
        parsed = parse_query_results(body, format=QueryResultsFormat.JSON)
        body = parsed.serialize(format=table_formats[media_type]) or b""
    return body, truncated


def _run(store: Any, query: str, media: dict[str, str | None], max_rows: int,
         max_answer: int) -> tuple[Any, ...]:
    """Guard, run and serialize one query: ("ok", media type, body, truncated, form) or an error."""
    from pyoxigraph import QueryBoolean, QueryTriples

    from drivekg.errors import QueryError, RemoteRefused
    from drivekg.sparql.store import evaluation_errors, execute

    try:
        results = execute(store, query)
    except QueryError as exc:
        title = "Malformed query" if str(exc).startswith("not a valid") else "Query refused"
        return ("error", 400, title, str(exc))
    form = (
        "ASK" if isinstance(results, QueryBoolean)
        else "CONSTRUCT" if isinstance(results, QueryTriples) else "SELECT"
    )
    media_type = media.get(FORM_KIND[form])
    if media_type is None:
        return ("error", 406, "Not Acceptable", f"no acceptable format for a {form} answer")
    try:
        with evaluation_errors():  # a SERVICE call meets the seccomp filter: RemoteRefused
            if isinstance(results, QueryTriples):
                body, truncated = _graph_answer(results, media_type, max_rows, max_answer)
            else:
                body, truncated = _table_answer(results, media_type, max_rows, max_answer)
    except AnswerTooLarge as exc:
        return ("error", 500, "Answer too large", str(exc))
    except RemoteRefused as exc:
        return ("error", 400, "Query refused", str(exc))
    except QueryError as exc:  # the engine could not evaluate it (an unbound SERVICE name, …)
        return ("error", 400, "Query failed", str(exc))
    if len(body) > max_answer:
        return ("error", 500, "Answer too large", str(_too_large(max_answer)))
    return ("ok", media_type, body, truncated, form)


def worker(out_dir: str, conn: Connection, max_memory: int, idle: bool) -> None:
    """A worker process: limits, the store, then one job after another until the pipe closes."""
    import resource

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the server, which stops us
    os.environ["RUST_BACKTRACE"] = "0"  # an allocation failure: one line on stderr, no backtrace
    from drivekg.errors import DriveKGError
    from drivekg.sparql.sandbox import deny_network

    try:
        deny_network(all_threads=True)
        from drivekg.sparql.store import guard, open_store

        store = open_store(Path(out_dir))
        guard("ASK {}")  # warm rdflib's SPARQL parser (about 30 ms) before the first real query
        resource.setrlimit(resource.RLIMIT_AS, (max_memory, max_memory))
        if idle:  # only now: at SCHED_IDLE on a busy machine, loading could take minutes
            os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
    except (DriveKGError, OSError) as exc:
        conn.send(("failed", str(exc)))
        return
    conn.send(("ready",))
    while True:
        try:
            query, media, max_rows, max_answer = conn.recv()
        except (EOFError, OSError):
            return
        try:
            reply = _run(store, query, media, max_rows, max_answer)
        except MemoryError:
            conn.send(("memory",))
            return  # the heap may be in any state: the server starts a fresh worker
        except Exception as exc:  # a bug or an engine error: report it, keep serving
            reply = ("error", 500, "Query failed", f"{type(exc).__name__}: {exc}")
        conn.send(reply)
