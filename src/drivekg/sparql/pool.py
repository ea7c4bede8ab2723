"""SPARQL queries in worker processes that can be killed: a real timeout and a row cap.

pyoxigraph has no way to cancel a running query (``Store.query`` takes no timeout and the
evaluation runs in Rust), so a query that runs away (a cross join of the whole graph with itself,
``ORDER BY`` over it …) cannot be stopped inside the server process. Each query therefore runs in
one of a few long-lived worker processes, each holding its own copy of the store (the graph is
small). The server waits for the answer at most ``timeout`` seconds; past that it kills the
worker (SIGKILL: the query really stops, with its memory and CPU) and starts a fresh one in the
background. The worker also parses and guards the query (``store.guard``), so a query that is slow
to *parse* is stopped the same way.

The row cap: a SELECT answer stops after ``max_rows`` solutions (a CONSTRUCT/DESCRIBE answer after
``max_rows`` triples) and is marked truncated.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import multiprocessing
import signal
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from itertools import islice
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any

__all__ = ["Answer", "QueryFailed", "QueryPool", "QueryTimeout"]

FORM_KIND = {"SELECT": "solutions", "ASK": "boolean", "CONSTRUCT": "graph", "DESCRIBE": "graph"}


@dataclass(frozen=True)
class Answer:
    media_type: str
    body: bytes
    truncated: bool
    form: str


class QueryFailed(Exception):
    """The query was refused or failed; ``status`` is the HTTP status to answer with."""

    def __init__(self, status: int, title: str, detail: str) -> None:
        super().__init__(detail)
        self.status, self.title, self.detail = status, title, detail


class QueryTimeout(QueryFailed):
    pass


# --------------------------------------------------------------------------- in the worker


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


def _used_prefixes(triples: list[Any], prefixes: dict[str, str]) -> dict[str, str]:
    iris = set()
    for t in triples:
        for term in (t.subject, t.predicate, t.object):
            iris.add(getattr(term, "value", "") if not hasattr(term, "datatype")
                     else term.datatype.value)
    return {p: ns for p, ns in prefixes.items() if any(i.startswith(ns) for i in iris)}


def _run(store: Any, query: str, media: dict[str, str | None], max_rows: int) -> tuple[Any, ...]:
    """Guard, run and serialize one query: ("ok", media type, body, truncated, form) or an error."""
    from pyoxigraph import (
        QueryBoolean,
        QueryResultsFormat,
        QueryTriples,
        RdfFormat,
        parse_query_results,
    )
    from pyoxigraph import serialize as ox_serialize

    from drivekg.errors import QueryError
    from drivekg.sparql.store import PREFIX_MAP, execute

    graph_formats = {
        "text/turtle": RdfFormat.TURTLE, "application/ld+json": RdfFormat.JSON_LD,
        "application/n-triples": RdfFormat.N_TRIPLES, "application/rdf+xml": RdfFormat.RDF_XML,
    }
    table_formats = {
        "application/sparql-results+xml": QueryResultsFormat.XML,
        "text/csv": QueryResultsFormat.CSV,
        "text/tab-separated-values": QueryResultsFormat.TSV,
    }
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
    truncated = False
    if isinstance(results, QueryTriples):
        triples = list(islice(results, max_rows + 1))
        truncated = len(triples) > max_rows
        triples = sorted(triples[:max_rows], key=str)
        body = ox_serialize(triples, format=graph_formats[media_type],
                            prefixes=_used_prefixes(triples, PREFIX_MAP))
        return ("ok", media_type, body, truncated, form)
    if isinstance(results, QueryBoolean):
        data: dict[str, Any] = {"head": {}, "boolean": bool(results)}
    else:
        variables = [v.value for v in results.variables]
        bindings = []
        for solution in islice(results, max_rows + 1):
            bindings.append({
                name: _term_json(solution[name])
                for name in variables if solution[name] is not None
            })
        truncated = len(bindings) > max_rows
        data = {"head": {"vars": variables}, "results": {"bindings": bindings[:max_rows]}}
    body = json.dumps(data, ensure_ascii=False).encode()
    if media_type in table_formats:  # pyoxigraph writes the other formats from the JSON
        parsed = parse_query_results(body, format=QueryResultsFormat.JSON)
        body = parsed.serialize(format=table_formats[media_type])
    return ("ok", media_type, body, truncated, form)


def _worker(out_dir: str, conn: Connection) -> None:
    """A worker process: load the store once, then answer jobs until the pipe closes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the server, which stops us
    from drivekg.errors import DriveKGError
    from drivekg.sparql.store import guard, open_store

    try:
        store = open_store(Path(out_dir))
        guard("ASK {}")  # warm rdflib's SPARQL parser (about 30 ms) before the first real query
    except DriveKGError as exc:
        conn.send(("failed", str(exc)))
        return
    conn.send(("ready",))
    while True:
        try:
            query, media, max_rows = conn.recv()
        except (EOFError, OSError):
            return
        try:
            reply = _run(store, query, media, max_rows)
        except Exception as exc:  # a bug or an engine error: report it, keep serving
            reply = ("error", 500, "Query failed", f"{type(exc).__name__}: {exc}")
        conn.send(reply)


# --------------------------------------------------------------------------- in the server


@dataclass(eq=False)  # hashed by identity: one per process
class _Handle:
    process: BaseProcess
    conn: Connection


class QueryPool:
    """A few worker processes; ``run`` answers one query within ``timeout`` seconds or kills it."""

    def __init__(self, out_dir: Path, *, size: int = 2, timeout: float = 10.0,
                 max_rows: int = 10_000) -> None:
        self.out_dir, self.size, self.timeout, self.max_rows = out_dir, size, timeout, max_rows
        self._ctx = multiprocessing.get_context("spawn")  # no fork of a threaded server
        self._threads = ThreadPoolExecutor(max_workers=size + 2, thread_name_prefix="sparql")
        self._idle: asyncio.Queue[_Handle] | None = None
        self._all: set[_Handle] = set()
        self._starting: set[asyncio.Future[None]] = set()
        self._closed = False
        self.killed = 0  # workers stopped for running too long (for tests and logs)

    # -- worker lifecycle (blocking parts run in threads)

    def _spawn_blocking(self) -> _Handle:
        parent, child = self._ctx.Pipe(duplex=True)
        process = self._ctx.Process(
            target=_worker, args=(str(self.out_dir), child), name="drivekg-sparql", daemon=True
        )
        process.start()
        child.close()
        handle = _Handle(process, parent)
        try:
            if not parent.poll(60):
                raise RuntimeError("the SPARQL worker did not start within 60 s")
            hello = parent.recv()
        except BaseException:
            self._kill_blocking(handle)
            raise
        if hello[0] != "ready":
            self._kill_blocking(handle)
            raise RuntimeError(f"the SPARQL worker could not load the graph: {hello[1]}")
        return handle

    @staticmethod
    def _kill_blocking(handle: _Handle) -> None:
        with contextlib.suppress(Exception):
            handle.process.kill()
        handle.process.join(10)
        with contextlib.suppress(Exception):
            handle.process.close()
        handle.conn.close()

    async def _add_worker(self) -> None:
        loop = asyncio.get_running_loop()
        handle = await loop.run_in_executor(self._threads, self._spawn_blocking)
        if self._closed:
            await loop.run_in_executor(self._threads, self._kill_blocking, handle)
            return
        self._all.add(handle)
        assert self._idle is not None
        self._idle.put_nowait(handle)

    def _replace_later(self) -> None:
        if self._closed:
            return
        task = asyncio.ensure_future(self._add_worker())
        self._starting.add(task)
        task.add_done_callback(self._starting.discard)

    async def start(self) -> None:
        """Start the workers and wait until each has loaded the graph."""
        if self._idle is not None:
            return
        self._idle = asyncio.Queue()
        await asyncio.gather(*(self._add_worker() for _ in range(self.size)))

    async def close(self) -> None:
        self._closed = True
        for task in list(self._starting):
            with contextlib.suppress(BaseException):
                await task
        loop = asyncio.get_running_loop()
        for handle in list(self._all):
            await loop.run_in_executor(self._threads, self._kill_blocking, handle)
        self._all.clear()
        self._threads.shutdown(wait=True)

    # -- one query

    @staticmethod
    def _exchange(handle: _Handle, job: tuple[Any, ...], timeout: float) -> tuple[Any, ...] | None:
        handle.conn.send(job)
        if not handle.conn.poll(timeout):
            return None
        reply: tuple[Any, ...] = handle.conn.recv()
        return reply

    async def run(self, query: str, media: dict[str, str | None]) -> Answer:
        """Run ``query``; ``media`` maps "solutions"/"boolean"/"graph" to the negotiated type."""
        if self._idle is None:
            await self.start()
        assert self._idle is not None
        try:
            handle = await asyncio.wait_for(self._idle.get(), self.timeout)
        except TimeoutError:
            raise QueryFailed(503, "Busy", "every SPARQL worker is busy; try again") from None
        loop = asyncio.get_running_loop()
        reply: tuple[Any, ...] | None
        try:
            reply = await loop.run_in_executor(
                self._threads, self._exchange, handle, (query, media, self.max_rows), self.timeout
            )
        except (EOFError, OSError):  # the worker died (out of memory, killed from outside)
            reply = ("crashed",)
        if reply is None or reply[0] == "crashed":
            self._all.discard(handle)
            await loop.run_in_executor(self._threads, self._kill_blocking, handle)
            self._replace_later()
            if reply is None:
                self.killed += 1
                raise QueryTimeout(
                    503, "Query timeout",
                    f"the query ran longer than {self.timeout:g} s and was stopped",
                )
            raise QueryFailed(500, "Query failed", "the query engine stopped unexpectedly")
        self._idle.put_nowait(handle)
        if reply[0] == "error":
            raise QueryFailed(reply[1], reply[2], reply[3])
        _, media_type, body, truncated, form = reply
        return Answer(media_type, body, truncated, form)
