"""``/sparql``: the SPARQL 1.1 Protocol (read-only), and a query editor for people.

* ``GET /sparql?query=…``, ``POST`` as a form (``query=…``) or as ``application/sparql-query``.
  Updates (an ``update`` parameter, an ``application/sparql-update`` body, ``INSERT``/``LOAD`` …
  in the query) and a client-chosen dataset (``default-graph-uri``, ``named-graph-uri``) are
  refused; the answer's format comes from ``?format=`` or ``Accept`` (``protocol.sparql_media``).
* ``GET /sparql`` without a query: a browser (``text/html``) gets the query editor (YASGUI from
  the package's vendor folder, the bundled queries as examples, the prefixes preloaded); other
  clients the SPARQL 1.1 Service Description.

Queries run in a ``runner``: the worker pool (``sparql.pool``) over the embedded store, or an
external store (``sparql.remote``). The embedded store is read-only for the server's life, so
answers are cached by query text and negotiated formats (``AnswerCache``): a repeated query costs
no worker. Errors are typed and answered by ``problems.error_response``.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from collections.abc import Callable
from functools import cached_property
from typing import Protocol
from urllib.parse import parse_qs, parse_qsl

import jinja2
import pyoxigraph as ox
from markupsafe import Markup
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from drivekg.errors import DriveKGError, NotAcceptable, UpdateRefused
from drivekg.formats import (
    HTML,
    RDF_FORMATS,
    RESULT_FORMATS,
    TURTLE,
    Format,
    by_media_type,
    to_ox,
    write,
)
from drivekg.layout import ASSETS_PATH, SPARQL_PATH, resource
from drivekg.sparql.pool import Answer, Limits
from drivekg.sparql.query import bundled
from drivekg.sparql.store import PREFIX_MAP
from drivekg.web.negotiation import choose
from drivekg.web.problems import error_response, problem
from drivekg.web.protocol import MAX_BODY, read_body, service_description, sparql_media

__all__ = ["AnswerCache", "CachedAnswers", "Runner", "SparqlEndpoint", "editor_installed"]

ASSETS = ASSETS_PATH
EDITOR_CSP = ("default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
              "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; "
              "base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
_SD_OFFERS: tuple[Format, ...] = (HTML, TURTLE, *(f for f in RDF_FORMATS if f is not TURTLE))


class Runner(Protocol):
    unavailable: str | None

    async def start(self) -> None: ...

    async def close(self) -> None: ...

    async def run(self, query: str, media: dict[str, str | None], client: str = "") -> Answer:
        ...


class AnswerCache:
    """Answers by (query text, negotiated formats), least recently used dropped first."""

    def __init__(self, entries: int = 2048, max_body: int = 1 << 20) -> None:
        self.entries, self.max_body = entries, max_body
        self._answers: OrderedDict[tuple[str, tuple[tuple[str, str | None], ...]], Answer] = (
            OrderedDict())

    @staticmethod
    def key(query: str, media: dict[str, str | None]
            ) -> tuple[str, tuple[tuple[str, str | None], ...]]:
        return query, tuple(sorted(media.items()))

    def get(self, query: str, media: dict[str, str | None]) -> Answer | None:
        key = self.key(query, media)
        answer = self._answers.get(key)
        if answer is not None:
            self._answers.move_to_end(key)
        return answer

    def put(self, query: str, media: dict[str, str | None], answer: Answer) -> None:
        if len(answer.body) > self.max_body:
            return
        self._answers[self.key(query, media)] = answer
        while len(self._answers) > self.entries:
            self._answers.popitem(last=False)


def editor_installed() -> bool:
    return resource("vendor", "yasgui", "yasgui.min.js").is_file()


class SparqlEndpoint:
    def __init__(self, runner: Callable[[], Runner], *, origin: str, limits: Limits,
                 triples: Callable[[], int], cache: AnswerCache | None) -> None:
        self._make_runner = runner
        self.runner: Runner | None = None
        self.origin, self.limits, self.triples, self.cache = origin, limits, triples, cache

    def get_runner(self) -> Runner:
        runner = self.runner
        if runner is None:
            runner = self.runner = self._make_runner()
        return runner

    async def handle(self, request: Request) -> Response:
        params = request.query_params
        queries = params.getlist("query")
        refused = [name for name in ("update", "using-graph-uri", "using-named-graph-uri")
                   if name in params]
        if request.method == "POST":
            ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
            try:
                body = await read_body(request)
            except ClientDisconnect:  # dropped (too slow, or gone): nobody to answer
                return problem(request, 400, "the client went away before its request body "
                               "arrived")
            if body is None:
                return problem(request, 413, f"a request body may hold at most {MAX_BODY} bytes")
            if ctype == "application/sparql-query":
                try:
                    queries = [*queries, body.decode("utf-8")]
                except UnicodeDecodeError:
                    return problem(request, 400, "the query is not UTF-8")
            elif ctype == "application/x-www-form-urlencoded":
                try:  # parsed here: Starlette's form parser needs python-multipart
                    form = parse_qs(body.decode("utf-8"), keep_blank_values=True,
                                    strict_parsing=False, errors="strict")
                except UnicodeDecodeError:
                    return problem(request, 400, "the form is not UTF-8")
                queries = [*queries, *form.get("query", [])]
                refused += [name for name in ("update", "using-graph-uri",
                                              "using-named-graph-uri") if name in form]
                if "default-graph-uri" in form or "named-graph-uri" in form:
                    refused.append("dataset")
            elif ctype == "application/sparql-update":
                refused.append("update")
            else:
                return problem(request, 415, "POST a query as application/sparql-query or as "
                               "the form field query (application/x-www-form-urlencoded)")
        if "dataset" in refused or "default-graph-uri" in params or "named-graph-uri" in params:
            return problem(request, 400, "refused: this endpoint queries its own graph only "
                           "(default-graph-uri and named-graph-uri are not supported)",
                           title="Query refused")
        if refused:
            return error_response(request, UpdateRefused(
                "this endpoint is read-only: SPARQL updates are refused"))
        if not queries:
            if request.method == "POST":
                return problem(request, 400, "no query given")
            return self.describe(request)
        if len(queries) > 1:
            return problem(request, 400, "give exactly one query")
        media = sparql_media(params.getlist("format") + params.getlist("output")
                             + params.getlist("results"), request.headers.get("accept"))
        if not any(media.values()):
            offered = sorted({m for f in (*RESULT_FORMATS, *RDF_FORMATS) for m in f.media_types})
            return error_response(request, NotAcceptable(
                f"available media types: {', '.join(offered)}"), {"Vary": "Accept"})
        return await self.answer(request, queries[0], media)

    async def answer(self, request: Request, query: str,
                     media: dict[str, str | None]) -> Response:
        answer = self.cache.get(query, media) if self.cache is not None else None
        if answer is None:
            client = request.client.host if request.client else ""
            try:
                answer = await self.get_runner().run(query, media, client)
            except DriveKGError as exc:
                return error_response(request, exc, {"Cache-Control": "no-store"})
            if self.cache is not None:
                self.cache.put(query, media, answer)
        headers = {"Vary": "Accept", "Cache-Control": "no-store"}
        if answer.truncated:
            headers["DriveKG-Truncated"] = f"max-rows={self.limits.max_rows}"
        fmt = by_media_type(answer.media_type)
        return Response(answer.body, headers=headers,
                        media_type=fmt.content_type if fmt else answer.media_type)

    def describe(self, request: Request) -> Response:
        """The editor for a browser, else the service description."""
        names = request.query_params.getlist("format")
        fmt = next((f for f in _SD_OFFERS for n in names if n.lower() in (f.name, *f.names)),
                   None) or choose(request.headers.get("accept"), _SD_OFFERS)
        if fmt is None:
            offered = ", ".join(m for f in _SD_OFFERS for m in f.media_types)
            return error_response(request, NotAcceptable(f"available media types: {offered}"),
                                  {"Vary": "Accept"})
        if fmt is HTML:
            return Response(self.editor_page, media_type=HTML.content_type,
                            headers={"Vary": "Accept", "Content-Security-Policy": EDITOR_CSP})
        sd = service_description(self.origin, triples=self.triples(), limits=self.limits)
        triples = [ox.Triple(to_ox(s), to_ox(p), to_ox(o)) for s, p, o in sd]
        return Response(write(triples, fmt, first=f"{self.origin}/sparql#service"),
                        media_type=fmt.content_type, headers={"Vary": "Accept"})

    @cached_property
    def editor_page(self) -> bytes:
        queries = bundled()
        prologue = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIX_MAP.items())
        start = (f"{prologue}\nSELECT ?album ?name WHERE {{\n  ?album a schema:MusicAlbum ;\n"
                 "         schema:name ?name .\n}\nLIMIT 10\n")
        config = {"endpoint": "/sparql", "prefixes": PREFIX_MAP, "start": start,
                  "examples": {q.name: q.text for q in queries}}
        text = json.dumps(config, ensure_ascii=False, sort_keys=True)
        text = text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
        env = jinja2.Environment(loader=jinja2.PackageLoader("drivekg", "resources/templates"),
                                 autoescape=True, undefined=jinja2.StrictUndefined,
                                 trim_blocks=True, lstrip_blocks=True)
        html = env.get_template("sparql.html").render(
            endpoint=f"{self.origin}/sparql", queries=queries, prefixes=sorted(PREFIX_MAP),
            timeout=f"{self.limits.timeout:g}", max_rows=self.limits.max_rows,
            config=Markup(text), editor=editor_installed(), assets=ASSETS)
        return html.encode()


class CachedAnswers:
    """Pure ASGI, outermost: a ``GET /sparql?query=…`` whose answer the cache holds is sent
    from here, before routing and the other middleware — the same bytes and headers the endpoint
    would send (``Vary``, ``Cache-Control: no-store``, ``X-Content-Type-Options``). Anything
    else — a miss, a request with ``Origin`` (CORS), one that accepts gzip for a body worth
    compressing, another parameter, another HTTP version — goes down the whole stack.

    ``lookup`` is also what the HTTP protocol calls (``httpguard``) to answer such a request as
    soon as its head is parsed, without starting an ASGI cycle at all."""

    _PARAMS = frozenset({"query", "format", "output", "results"})

    def __init__(self, app: ASGIApp, endpoint: SparqlEndpoint) -> None:
        self.app, self.endpoint = app, endpoint
        self._media: dict[tuple[str | None, tuple[str, ...]], dict[str, str | None]] = {}
        # (raw query string, Accept) -> the answer found for them: a repeated request is one
        # dictionary look-up (entries never change: the answers are of a read-only store)
        self._seen: OrderedDict[tuple[bytes, bytes | None],
                                tuple[list[tuple[bytes, bytes]], bytes]] = OrderedDict()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        found = None
        if scope["type"] == "http" and scope.get("http_version") in ("1.0", "1.1"):
            found = self.lookup(scope["method"], scope["path"], scope["query_string"],
                                scope["headers"])
        if found is None:
            await self.app(scope, receive, send)
            return
        headers, body = found
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    def lookup(self, method: str, path: str, query_string: bytes,
               headers: list[tuple[bytes, bytes]]
               ) -> tuple[list[tuple[bytes, bytes]], bytes] | None:
        """(headers, body) of the cached answer to this request, or None."""
        cache = self.endpoint.cache
        if cache is None or path != SPARQL_PATH or method != "GET" or not query_string:
            return None
        raw_accept: bytes | None = None
        for name, value in headers:
            if name == b"accept":
                raw_accept = value
            elif name in (b"origin", b"content-length", b"transfer-encoding") or (
                    name == b"accept-encoding" and b"gzip" in value):
                return None
        seen = self._seen.get((query_string, raw_accept))
        if seen is not None:
            return seen
        found = self._find(cache, query_string, raw_accept)
        if found is not None:
            self._seen[(query_string, raw_accept)] = found
            while len(self._seen) > cache.entries:
                self._seen.popitem(last=False)
        return found

    def _find(self, cache: AnswerCache, query_string: bytes, raw_accept: bytes | None
              ) -> tuple[list[tuple[bytes, bytes]], bytes] | None:
        accept = raw_accept.decode("latin-1") if raw_accept is not None else None
        pairs = parse_qsl(query_string.decode("latin-1"), keep_blank_values=True)
        if any(k not in self._PARAMS for k, _ in pairs):
            return None
        queries = [v for k, v in pairs if k == "query"]
        if len(queries) != 1:
            return None
        formats = tuple(v for k, v in pairs if k != "query")
        key = (accept, formats)
        media = self._media.get(key)
        if media is None:
            media = sparql_media(list(formats), accept)
            if len(self._media) < 1024:
                self._media[key] = media
        answer = cache.get(queries[0], media)
        if answer is None:
            return None
        fmt = by_media_type(answer.media_type)
        ctype = fmt.content_type if fmt else answer.media_type
        out = [(b"content-type", ctype.encode()), (b"content-length", b"%d" % len(answer.body)),
               (b"vary", b"Accept, Origin"), (b"cache-control", b"no-store"),
               (b"x-content-type-options", b"nosniff")]
        if answer.truncated:
            out.append((b"drivekg-truncated",
                        f"max-rows={self.endpoint.limits.max_rows}".encode()))
        return out, answer.body
