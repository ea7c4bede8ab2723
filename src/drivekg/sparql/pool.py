"""SPARQL for ``drivekg serve`` in worker processes that can be killed: two lanes, hard limits.

pyoxigraph cannot cancel a running query (``Store.query`` takes no timeout and the evaluation
runs in Rust), so every query runs in a long-lived worker process (``sparqlworker``: no network,
a memory cap, its own copy of the graph) that the server SIGKILLs when the query has run too long.

Fairness: a query that runs away must not keep cheap queries waiting, so there are two lanes.

* The **fast lane** (``workers`` processes, normal priority): every query starts here with a short
  budget (``fast_budget``, default 0.5 s). Almost every query finishes well within it.
* Past the budget the fast worker is killed (a fresh one starts at once) and the query is run
  again, from the start, in the **slow lane** (``slow_workers`` processes at ``SCHED_IDLE``
  priority: they get a CPU only when nothing else wants it) until the timeout.
* Admission, per client (an IP address: behind a proxy, every client is one): a client with a
  query in the slow lane gets **429** with ``Retry-After`` for any other query until it ends, and
  so does one with ``per_client`` queries in flight. A client whose query ran past the budget
  (or past the memory cap) is *penalized* for ``timeout`` seconds: its queries skip the fast lane,
  and so does the text of that query, whoever sends it. A client sending runaway queries back to
  back so costs the fast lane one budget per ``timeout``, however it varies the text. When every
  slow worker is busy the answer is **503** at once, with ``Retry-After`` (when the earliest of
  their queries will have been stopped).

Limits, each answered in the one JSON error shape: ``timeout`` (503 "Query timeout", counted from
the request's arrival, waiting for a worker included: no answer is ever sent after it),
``max_memory`` per worker (500 "Query memory limit"), ``max_answer`` bytes (500 "Answer too
large") and ``max_rows`` (the answer is truncated and marked).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import math
import multiprocessing
import signal
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any

from drivekg.sparql.worker import worker

__all__ = ["Answer", "Limits", "QueryFailed", "QueryPool", "QueryTimeout"]


@dataclass(frozen=True)
class Answer:
    media_type: str
    body: bytes
    truncated: bool
    form: str


@dataclass(frozen=True)
class Limits:
    timeout: float = 10.0
    max_rows: int = 10_000
    max_memory: int = 1 << 30  # bytes of address space per worker
    max_answer: int = 32 << 20  # bytes of one serialized answer
    fast_budget: float = 0.5  # seconds in the fast lane before a query moves to the slow lane
    per_client: int = 16  # queries of one client in flight at once


class QueryFailed(Exception):
    """The query was refused or failed; ``status`` is the HTTP status to answer with."""

    def __init__(self, status: int, title: str, detail: str, *,
                 retry_after: int | None = None) -> None:
        super().__init__(detail)
        self.status, self.title, self.detail = status, title, detail
        self.retry_after = retry_after


class QueryTimeout(QueryFailed):
    pass


@dataclass(eq=False)  # hashed by identity: one per process
class _Handle:
    process: BaseProcess
    conn: Connection
    busy_until: float = 0.0


@dataclass(eq=False)
class _Lane:
    name: str
    size: int
    idle_priority: bool
    idle: asyncio.Queue[_Handle] = field(default_factory=asyncio.Queue)
    all: set[_Handle] = field(default_factory=set)
    starting: int = 0


_OVER_BUDGET = object()


class QueryPool:
    """The two lanes of worker processes; ``run`` answers one query within the limits."""

    def __init__(self, out_dir: Path, *, workers: int = 2, slow_workers: int = 1,
                 limits: Limits | None = None) -> None:
        self.out_dir, self.limits = out_dir, limits or Limits()
        self._sizes = (workers, slow_workers)
        self._ctx = multiprocessing.get_context("spawn")  # no fork of a threaded server
        self._threads = ThreadPoolExecutor(max_workers=workers + slow_workers + 2,
                                           thread_name_prefix="sparql")
        self.fast: _Lane | None = None
        self.slow: _Lane | None = None
        self._starting: set[asyncio.Future[None]] = set()
        self._closed = False
        self.unavailable: str | None = None  # why SPARQL cannot run here (no sandbox)
        self._in_flight: dict[str, int] = {}
        self._in_slow: set[str] = set()
        self._penalized: dict[str, float] = {}  # client or query digest -> until (monotonic)
        self.killed = 0  # workers stopped for running too long (for tests and logs)

    # -- worker lifecycle (blocking parts run in threads)

    def _spawn_blocking(self, idle_priority: bool) -> _Handle:
        parent, child = self._ctx.Pipe(duplex=True)
        process = self._ctx.Process(
            target=worker, args=(str(self.out_dir), child, self.limits.max_memory, idle_priority),
            name="drivekg-sparql", daemon=True,
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
            raise RuntimeError(f"the SPARQL worker could not start: {hello[1]}")
        return handle

    @staticmethod
    def _kill_blocking(handle: _Handle) -> int | None:
        with contextlib.suppress(Exception):
            handle.process.kill()
        handle.process.join(10)
        code = handle.process.exitcode
        with contextlib.suppress(Exception):
            handle.process.close()
        handle.conn.close()
        return code

    async def _add_worker(self, lane: _Lane) -> None:
        loop = asyncio.get_running_loop()
        lane.starting += 1
        try:
            handle = await loop.run_in_executor(self._threads, self._spawn_blocking,
                                                lane.idle_priority)
        finally:
            lane.starting -= 1
        if self._closed:
            await loop.run_in_executor(self._threads, self._kill_blocking, handle)
            return
        lane.all.add(handle)
        lane.idle.put_nowait(handle)

    def _replace_later(self, lane: _Lane) -> None:
        if self._closed:
            return
        task = asyncio.ensure_future(self._add_worker(lane))
        self._starting.add(task)
        task.add_done_callback(self._starting.discard)

    async def _retire(self, lane: _Lane, handle: _Handle) -> int | None:
        lane.all.discard(handle)
        loop = asyncio.get_running_loop()
        code = await loop.run_in_executor(self._threads, self._kill_blocking, handle)
        self._replace_later(lane)
        return code

    async def start(self) -> None:
        """Start both lanes' workers and wait until each has loaded the graph."""
        if self.fast is not None or self.unavailable is not None:
            return
        from drivekg.sparql.sandbox import unavailable

        self.unavailable = unavailable()
        if self.unavailable is not None:
            return
        self.fast = _Lane("fast", self._sizes[0], idle_priority=False)
        self.slow = _Lane("slow", self._sizes[1], idle_priority=True)
        await asyncio.gather(*(self._add_worker(lane) for lane in (self.fast, self.slow)
                               for _ in range(lane.size)))

    async def close(self) -> None:
        self._closed = True
        for task in list(self._starting):
            with contextlib.suppress(BaseException):
                await task
        loop = asyncio.get_running_loop()
        for lane in (self.fast, self.slow):
            for handle in list(lane.all if lane else ()):
                await loop.run_in_executor(self._threads, self._kill_blocking, handle)
        self._threads.shutdown(wait=True)

    # -- admission

    def _is_penalized(self, *keys: str) -> bool:
        now = time.monotonic()
        return any(self._penalized.get(key, 0.0) > now for key in keys)

    def _penalize(self, *keys: str) -> None:
        now = time.monotonic()
        if len(self._penalized) > 4096:
            self._penalized = {k: t for k, t in self._penalized.items() if t > now}
        for key in keys:
            self._penalized[key] = now + self.limits.timeout

    def _retry_after(self, lane: _Lane) -> int:
        ends = [h.busy_until for h in lane.all if h.busy_until]
        return max(1, math.ceil(min(ends, default=time.monotonic() + 1) - time.monotonic()))

    # -- one query

    @staticmethod
    def _exchange(handle: _Handle, job: tuple[Any, ...], wait: float) -> tuple[Any, ...] | None:
        try:
            handle.conn.send(job)
            if not handle.conn.poll(max(wait, 0.0)):
                return None
            reply: tuple[Any, ...] = handle.conn.recv()
        except (EOFError, OSError):  # the worker died (out of memory, killed from outside)
            return ("crashed",)
        return reply

    async def _ask(self, lane: _Lane, handle: _Handle, query: str, media: dict[str, str | None],
                   until: float, deadline: float, client: str) -> Answer | object:
        """Run the query on ``handle`` until ``until``; past it, ``_OVER_BUDGET`` or a timeout."""
        limits = self.limits
        job = (query, media, limits.max_rows, limits.max_answer)
        handle.busy_until = deadline
        loop = asyncio.get_running_loop()
        reply = await loop.run_in_executor(self._threads, self._exchange, handle, job,
                                           until - time.monotonic())
        handle.busy_until = 0.0
        if reply is None or reply[0] in ("crashed", "memory"):
            code = await self._retire(lane, handle)
            if reply is None and until < deadline:
                return _OVER_BUDGET
            if reply is None:
                self.killed += 1
                raise QueryTimeout(503, "Query timeout", f"the query ran longer than "
                                   f"{limits.timeout:g} s and was stopped")
            if reply[0] == "memory" or code == -signal.SIGABRT:
                self._penalize(_digest(query), "client " + client)
                raise QueryFailed(500, "Query memory limit", "the query needed more than "
                                  f"{limits.max_memory >> 20} MB (--max-memory) and was stopped")
            raise QueryFailed(500, "Query failed", "the query engine stopped unexpectedly")
        lane.idle.put_nowait(handle)
        if time.monotonic() > deadline:  # the answer came, but too late to be sent
            raise QueryTimeout(503, "Query timeout",
                               f"the query ran longer than {limits.timeout:g} s")
        if reply[0] == "error":
            raise QueryFailed(reply[1], reply[2], reply[3])
        _, media_type, body, truncated, form = reply
        return Answer(media_type, body, truncated, form)

    async def run(self, query: str, media: dict[str, str | None], client: str = "") -> Answer:
        """Run ``query``; ``media`` maps "solutions"/"boolean"/"graph" to the negotiated type."""
        deadline = time.monotonic() + self.limits.timeout
        await self.start()
        if self.unavailable is not None:
            raise QueryFailed(503, "SPARQL unavailable", "queries cannot run here without "
                              f"network access being blocked: {self.unavailable}")
        if self._in_flight.get(client, 0) >= self.limits.per_client:
            raise QueryFailed(429, "Too many queries", f"at most {self.limits.per_client} "
                              "queries of one client run at once", retry_after=1)
        self._in_flight[client] = self._in_flight.get(client, 0) + 1
        try:
            return await self._route(query, media, client, deadline)
        finally:
            self._in_flight[client] -= 1
            if not self._in_flight[client]:
                del self._in_flight[client]

    async def _route(self, query: str, media: dict[str, str | None], client: str,
                     deadline: float) -> Answer:
        assert self.fast is not None and self.slow is not None
        digest = _digest(query)
        if client in self._in_slow:
            raise QueryFailed(429, "Too many slow queries", "this client already has a query "
                              "in the slow lane; one at a time", retry_after=self._retry_after(
                                  self.slow))
        if not self._is_penalized(digest, "client " + client):
            handle = await self._acquire(self.fast, deadline)
            until = min(deadline, time.monotonic() + self.limits.fast_budget)
            answer = await self._ask(self.fast, handle, query, media, until, deadline, client)
            if isinstance(answer, Answer):
                return answer
            self._penalize(digest, "client " + client)
        return await self._slow(query, media, client, digest, deadline)

    async def _acquire(self, lane: _Lane, deadline: float) -> _Handle:
        try:
            return await asyncio.wait_for(lane.idle.get(), deadline - time.monotonic())
        except TimeoutError:
            raise QueryFailed(503, "Busy", "every SPARQL worker is busy; try again",
                              retry_after=1) from None

    async def _slow(self, query: str, media: dict[str, str | None], client: str, digest: str,
                    deadline: float) -> Answer:
        assert self.slow is not None
        if client in self._in_slow:  # it sent another one while this one was in the fast lane
            raise QueryFailed(429, "Too many slow queries", "this client already has a query "
                              "in the slow lane; one at a time", retry_after=self._retry_after(
                                  self.slow))
        if self.slow.idle.empty() and not self.slow.starting:
            raise QueryFailed(503, "Busy", "every slow-lane SPARQL worker is busy with a long "
                              "query; try again later", retry_after=self._retry_after(self.slow))
        self._in_slow.add(client)
        try:
            handle = await self._acquire(self.slow, deadline)
        except QueryFailed:
            self._in_slow.discard(client)
            raise
        started = time.monotonic()
        try:
            answer = await self._ask(self.slow, handle, query, media, deadline, deadline, client)
        finally:
            self._in_slow.discard(client)
            if time.monotonic() - started > self.limits.fast_budget:
                self._penalize(digest, "client " + client)  # still slow: not in the fast lane
        assert isinstance(answer, Answer)
        return answer


def _digest(query: str) -> str:
    return hashlib.sha256(query.encode("utf-8", "replace")).hexdigest()
