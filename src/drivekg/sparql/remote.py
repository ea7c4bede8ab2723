"""User queries answered by an external SPARQL 1.1 store (``drivekg serve --store URL``).

The external store runs the query, so the seccomp sandbox of the worker pool cannot protect it:
a ``SERVICE`` it follows leaves from *its* host. So every query is parsed by the guard
(``store.guard``, rdflib's parser) *before* it is sent, and refused if it is an update or asks for
remote data (``SERVICE``, ``FROM``); the texts where rdflib and the store's parser disagree are
why the store's own configuration must also forbid remote access (docs/serving.md says how for
Virtuoso and Oxigraph). The limits that can be held here are held here: the timeout (the request
is dropped; the store's own limit must stop its work), the answer cap (the answer is read as a
stream and dropped past ``max_answer``), the row cap (rows past ``max_rows`` are cut and
marked), per-client and total concurrency (429 and 503 with ``Retry-After``).

Relative IRIs resolve against the endpoint's URL (a ``BASE`` before the query) and the project
prefixes are predeclared (``PREFIX`` lines), as on the embedded store. Answers are read from
SPARQL JSON or N-Triples/Turtle and written again by drivekg (``formats``), so the same data
gives the same bytes from either store.
"""

from __future__ import annotations

import asyncio
import json
import time
from itertools import islice

import httpx
import pyoxigraph as ox

from drivekg.errors import (
    AnswerTooLarge,
    NotAcceptable,
    QueryTimeout,
    ServerBusy,
    StoreError,
    TooManyQueries,
)
from drivekg.formats import RDF_FORMATS, SPARQL_JSON, by_media_type, named, write
from drivekg.sparql.backend import RemoteBackend, read_results, term_json
from drivekg.sparql.pool import Answer, Limits
from drivekg.sparql.store import PREFIX_MAP, guard
from drivekg.sparql.worker import FORM_KIND

__all__ = ["RemoteQueries"]

_GRAPH_ACCEPT = "application/n-triples, text/plain;q=0.9, text/turtle;q=0.8"


class RemoteQueries:
    """Guarded, limited forwarding of user queries to an external store's query endpoint."""

    unavailable: str | None = None

    def __init__(self, backend: RemoteBackend, *, limits: Limits, base_iri: str,
                 concurrency: int = 3) -> None:
        self.backend, self.limits, self.base_iri = backend, limits, base_iri
        self._slots = asyncio.Semaphore(concurrency)
        self._in_flight: dict[str, int] = {}

    async def start(self) -> None:
        return None

    async def close(self) -> None:
        await self.backend.close()

    def prologue(self) -> str:
        prefixes = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIX_MAP.items())
        return f"BASE <{self.base_iri}>\n{prefixes}"

    async def run(self, query: str, media: dict[str, str | None], client: str = "") -> Answer:
        deadline = time.monotonic() + self.limits.timeout
        form = guard(query)  # updates, SERVICE, FROM: refused before anything is sent
        kind = FORM_KIND[form]
        name = media.get(kind)
        fmt = named(name, "rdf" if kind == "graph" else "results") if name else None
        if fmt is None:
            raise NotAcceptable(f"no acceptable format for a {form} answer")
        if self._in_flight.get(client, 0) >= self.limits.per_client:
            raise TooManyQueries(f"at most {self.limits.per_client} queries of one client run "
                                 "at once", retry_after=1)
        self._in_flight[client] = self._in_flight.get(client, 0) + 1
        try:
            try:
                await asyncio.wait_for(self._slots.acquire(), deadline - time.monotonic())
            except TimeoutError:
                raise ServerBusy("every connection to the SPARQL store is busy; try again",
                                 retry_after=1) from None
            try:
                return await asyncio.wait_for(self._ask(query, kind, fmt.name),
                                              max(deadline - time.monotonic(), 0.001))
            except TimeoutError:
                raise QueryTimeout(f"the query ran longer than {self.limits.timeout:g} s; the "
                                   "request to the store was dropped") from None
            finally:
                self._slots.release()
        finally:
            self._in_flight[client] -= 1
            if not self._in_flight[client]:
                del self._in_flight[client]

    async def _read(self, text: str, accept: str) -> tuple[str, bytes]:
        backend = self.backend
        try:
            request = backend.client.build_request(
                "POST", backend.endpoint, data=backend.form(text), headers={"Accept": accept})
            response = await backend.client.send(request, stream=True)
        except httpx.TransportError as exc:
            raise StoreError(f"cannot reach the SPARQL store {backend.endpoint}: {exc}") from exc
        try:
            if response.is_error:
                detail = " ".join((await response.aread())[:600].decode(errors="replace").split())
                raise StoreError(f"the SPARQL store answered HTTP {response.status_code}: "
                                 f"{detail[:300]}")
            chunks, size = [], 0
            async for chunk in response.aiter_raw():
                size += len(chunk)
                if size > self.limits.max_answer * 2:  # the store's answer, before rewriting
                    raise AnswerTooLarge(f"the answer is larger than {self.limits.max_answer} "
                                         "bytes (--max-answer)")
                chunks.append(chunk)
        finally:
            await response.aclose()
        return response.headers.get("content-type", ""), b"".join(chunks)

    async def _ask(self, query: str, kind: str, fmt_name: str) -> Answer:
        text = self.prologue() + query
        limits = self.limits
        if kind == "graph":
            ctype, body = await self._read(text, _GRAPH_ACCEPT)
            source = by_media_type(ctype, "rdf")
            if source not in RDF_FORMATS:
                raise StoreError(f"the SPARQL store answered a graph as {ctype!r}")
            try:
                quads = list(islice(ox.parse(body, format=source.ox), limits.max_rows + 1))
            except SyntaxError as exc:
                raise StoreError(f"the SPARQL store's answer is not valid {source.label}") from exc
            triples = [ox.Triple(q.subject, q.predicate, q.object) for q in quads]
            out = write(triples[:limits.max_rows], named(fmt_name, "rdf") or source)
            truncated = len(triples) > limits.max_rows
            form = "CONSTRUCT"
        else:
            _, body = await self._read(text, SPARQL_JSON.media_type)
            try:
                read = read_results(body)
            except (ValueError, KeyError, TypeError) as exc:
                raise StoreError("the SPARQL store did not answer with SPARQL JSON") from exc
            if isinstance(read, bool):
                data: dict[str, object] = {"head": {}, "boolean": read}
                truncated, form = False, "ASK"
            else:
                names, rows = read
                truncated, form = len(rows) > limits.max_rows, "SELECT"
                data = {"head": {"vars": names}, "results": {"bindings": [
                    {k: term_json(v) for k, v in row.items()} for row in rows[:limits.max_rows]]}}
            out = json.dumps(data, ensure_ascii=False).encode()
            fmt = named(fmt_name, "results")
            if fmt is not None and fmt is not SPARQL_JSON:
                parsed = ox.parse_query_results(out, format=ox.QueryResultsFormat.JSON)
                out = parsed.serialize(format=fmt.ox) or b""
        if len(out) > limits.max_answer:
            raise AnswerTooLarge(f"the answer is larger than {limits.max_answer} bytes "
                                 "(--max-answer)")
        media = (named(fmt_name, "rdf" if kind == "graph" else "results") or SPARQL_JSON)
        return Answer(media.media_type, out, truncated, form)
