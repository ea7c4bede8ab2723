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

Then it answers jobs ``(query, media, max_rows, max_answer, base_iri)`` until its pipe closes;
``media`` maps each kind of answer (``solutions``, ``boolean``, ``graph``) to a ``formats``
name. An answer whose serialization would pass ``max_answer`` bytes is refused while it is
being built.
"""

from __future__ import annotations

import json
import os
import signal
from itertools import islice
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

__all__ = ["FORM_KIND", "SMALL_ANSWER", "worker"]

FORM_KIND = {"SELECT": "solutions", "ASK": "boolean", "CONSTRUCT": "graph", "DESCRIBE": "graph"}
SMALL_ANSWER = 64 << 10  # bytes: an answer up to this size comes back in one message


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


def _too_large(max_answer: int) -> Exception:
    from drivekg.errors import AnswerTooLarge

    return AnswerTooLarge(f"the answer is larger than {max_answer} bytes (--max-answer); "
                          "ask for fewer rows (LIMIT) or shorter values")


def _graph_answer(results: Any, fmt: Any, max_rows: int, max_answer: int) -> tuple[Any, ...]:
    from drivekg.formats import write

    triples, size = [], 0
    for triple in islice(results, max_rows + 1):
        size += len(str(triple))
        if size > max_answer:
            raise _too_large(max_answer)
        triples.append(triple)
    truncated = len(triples) > max_rows
    return write(triples[:max_rows], fmt), truncated


def _table_answer(results: Any, fmt: Any, max_rows: int, max_answer: int) -> tuple[Any, ...]:
    from pyoxigraph import QueryBoolean, QueryResultsFormat, parse_query_results

    from drivekg.formats import SPARQL_JSON
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
    if fmt is not SPARQL_JSON:  # pyoxigraph writes the other formats from the JSON
        parsed = parse_query_results(body, format=QueryResultsFormat.JSON)
        body = parsed.serialize(format=fmt.ox) or b""
    return body, truncated


def _run(store: Any, query: str, media: dict[str, str | None], max_rows: int,
         max_answer: int, base_iri: str | None) -> tuple[Any, ...]:
    """Guard, run and serialize one query: ("ok", media type, body, truncated, form), or
    ("error", the name of the ``errors`` class, its message): the server maps it to a status."""
    from pyoxigraph import QueryBoolean, QueryTriples

    from drivekg.errors import DriveKGError, NotAcceptable
    from drivekg.formats import named
    from drivekg.sparql.store import evaluation_errors, execute

    try:
        results = execute(store, query, base_iri=base_iri)
        form = (
            "ASK" if isinstance(results, QueryBoolean)
            else "CONSTRUCT" if isinstance(results, QueryTriples) else "SELECT"
        )
        kind = FORM_KIND[form]
        name = media.get(kind)
        fmt = named(name, "rdf" if kind == "graph" else "results") if name else None
        if fmt is None:
            raise NotAcceptable(f"no acceptable format for a {form} answer")
        with evaluation_errors():  # a SERVICE call meets the seccomp filter: RemoteRefused
            if isinstance(results, QueryTriples):
                body, truncated = _graph_answer(results, fmt, max_rows, max_answer)
            else:
                body, truncated = _table_answer(results, fmt, max_rows, max_answer)
        if len(body) > max_answer:
            raise _too_large(max_answer)
    except DriveKGError as exc:
        return ("error", type(exc).__name__, str(exc))
    return ("ok", fmt.media_type, body, truncated, form)


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
            query, media, max_rows, max_answer, base_iri = conn.recv()
        except (EOFError, OSError):
            return
        try:
            reply = _run(store, query, media, max_rows, max_answer, base_iri)
        except MemoryError:
            conn.send(("memory",))
            return  # the heap may be in any state: the server starts a fresh worker
        except Exception as exc:  # a bug or an engine error: report it, keep serving
            reply = ("error", "EngineCrashed", f"{type(exc).__name__}: {exc}")
        if reply[0] == "ok" and len(reply[2]) > SMALL_ANSWER:  # a head, then the raw body
            _, media_type, body, truncated, form = reply
            conn.send(("ok", media_type, len(body), truncated, form))
            conn.send_bytes(body)
        else:  # one message: fewer system calls for the many small answers
            conn.send(reply)
