"""``drivekg serve``: the built graph on the web, from one process (Starlette + uvicorn).

What it serves (``docs/serving.md`` has the details and the reasons):

- ``/id/{key}``: every entity IRI ``{base}{key}`` with the base rewritten to ``/id/`` on this
  server. HTML for browsers; Turtle, JSON-LD, N-Triples by ``Accept`` (or ``?format=``), with
  ``Vary: Accept``, an ETag per representation (304 on ``If-None-Match``) and ``Cache-Control``;
  406 when no offered type is acceptable. ``/id/{key}.html|.ttl|.jsonld|.nt`` are the files.
  The RDF keeps the *canonical* IRIs (``Link: <…>; rel="canonical"`` names the entity's).
- ``/sparql``: SPARQL 1.1 Protocol, read-only, in killable worker processes without network
  access (``querypool``, ``sparqlworker``, ``sandbox``).
- ``/.well-known/void`` (and ``/void.ttl``), the dumps, and the static site from ``out/site/``.
  VoID and the service description name the server by ``public_url`` (``--public-url``; default
  the address it listens on), never by the request's ``Host`` header.

Below the application (``httpguard``): deadlines for a request to arrive (slow clients are
dropped) and 505 for HTTP versions other than 1.0 and 1.1.

Every error is JSON: ``{"error": {"status": 404, "title": "Not Found", "detail": "…"}}``; no
stack trace ever reaches a client (it is logged).
"""

from __future__ import annotations

import contextlib
import logging
import socket
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from dataclasses import dataclass
from http import HTTPStatus
from pathlib import Path
from urllib.parse import parse_qs

from rdflib import Graph
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from drivekg.errors import DriveKGError
from drivekg.formats import BY_NAME
from drivekg.serialize import serialize
from drivekg.sparql.pool import Limits, QueryFailed, QueryPool
from drivekg.web.httpguard import DEFAULT_CACHE, HttpVersions, SecurityHeaders, guarded_protocol
from drivekg.web.negotiation import negotiate
from drivekg.web.protocol import (
    MAX_BODY,
    SPARQL_OFFERS,
    read_body,
    service_description,
    sparql_media,
)
from drivekg.web.published import (
    EXTENSIONS,
    HTML,
    Published,
    Representation,
    local_path,
    localize,
)

__all__ = ["Published", "ServeSettings", "create_app", "get_once", "listen", "local_path",
           "serve"]

log = logging.getLogger("drivekg.web.app")

CACHE = DEFAULT_CACHE

# Entity offers in order of preference (a browser's */* gets HTML); aliases map to a format.
ENTITY_OFFERS: dict[str, str] = {
    "text/html": "html",
    "application/xhtml+xml": "html",
    "text/turtle": "turtle",
    "application/ld+json": "jsonld",
    "application/n-triples": "nt",
    "application/json": "jsonld",
}
RDF_OFFERS: dict[str, str] = {k: v for k, v in ENTITY_OFFERS.items() if v != "html"}

_CHARSET = {"text/turtle", "text/csv", "text/tab-separated-values", HTML}


def content_type(media_type: str) -> str:
    return f"{media_type}; charset=utf-8" if media_type in _CHARSET else media_type


def problem(status: int, detail: str, *, title: str | None = None,
            headers: Mapping[str, str] | None = None) -> JSONResponse:
    """The one error shape."""
    title = title or HTTPStatus(status).phrase
    body = {"error": {"status": status, "title": title, "detail": detail}}
    return JSONResponse(body, status_code=status, headers=dict(headers or {}))


# --------------------------------------------------------------------------- helpers


def _not_modified(request: Request, etag: str) -> bool:
    header = request.headers.get("if-none-match")
    if not header:
        return False
    if header.strip() == "*":
        return True
    tags = {t.strip().removeprefix("W/") for t in header.split(",")}
    return etag in tags


def _send(request: Request, rep: Representation, headers: dict[str, str]) -> Response:
    headers = {"ETag": rep.etag, "Cache-Control": CACHE, **headers}
    if _not_modified(request, rep.etag):
        return Response(status_code=304, headers=headers)
    return Response(rep.body, media_type=content_type(rep.media_type), headers=headers)


def _rdf_response(request: Request, graph: Graph, offers: Mapping[str, str]) -> Response:
    fmt = _choose(request, offers)
    if fmt is None:
        return _not_acceptable(offers)
    chosen = BY_NAME[fmt]
    rep = Representation.of(serialize(graph, chosen), chosen.media_type)
    return _send(request, rep, {"Vary": "Accept"})


def _choose(request: Request, offers: Mapping[str, str]) -> str | None:
    """The format name to send: ``?format=`` when given, else negotiated from ``Accept``."""
    asked = request.query_params.get("format")
    if asked is not None:
        name = "html" if asked == "html" else (BY_NAME[asked].name if asked in BY_NAME else None)
        return name if name in offers.values() else None
    media = negotiate(request.headers.get("accept"), list(offers))
    return offers[media] if media else None


def _not_acceptable(offers: Mapping[str, str]) -> JSONResponse:
    available = ", ".join(dict.fromkeys(offers))
    return problem(406, f"available media types: {available} (or ?format= "
                        f"{', '.join(dict.fromkeys(offers.values()))})",
                   headers={"Vary": "Accept"})


# --------------------------------------------------------------------------- endpoints


@dataclass(frozen=True)
class ServeSettings:
    out_dir: Path
    public_url: str = "http://127.0.0.1:8000"  # where clients reach this server (VoID, SD)
    limits: Limits = Limits()
    workers: int = 2  # fast-lane SPARQL workers
    slow_workers: int = 1  # slow-lane SPARQL workers
    header_timeout: float = 10.0  # seconds for a request head to arrive
    body_timeout: float = 30.0  # seconds for a request body to arrive
    prestart: bool = True  # start the query workers with the server (False: on the first query)
    on_ready: Callable[[], None] | None = None  # called once the server can answer


class Endpoints:
    def __init__(self, published: Published, settings: ServeSettings) -> None:
        self.pub, self.settings = published, settings
        self.pool: QueryPool | None = None
        self.origin = settings.public_url.rstrip("/")
        self._void = localize(published.void, published.root, self.origin + "/")

    # -- entities

    async def entity(self, request: Request) -> Response:
        key: str = request.path_params["key"]
        stem, dot, ext = key.rpartition(".")
        if dot and ext in EXTENSIONS and stem in self.pub.entities:
            rep = self.pub.entities[stem].get(EXTENSIONS[ext])
            if rep is None:
                return problem(404, f"no {ext} file for {stem}")
            return _send(request, rep, {"Link": self._canonical(stem)})
        reps = self.pub.entities.get(key)
        if reps is None:
            return problem(404, f"no entity {self.pub.base}{key} in this graph")
        offers = {m: n for m, n in ENTITY_OFFERS.items() if n in reps}
        fmt = _choose(request, offers)
        if fmt is None:
            return _not_acceptable(offers)
        ext = next(e for e, n in EXTENSIONS.items() if n == fmt)
        return _send(request, reps[fmt], {
            "Vary": "Accept",
            "Content-Location": f"/id/{key}.{ext}",
            "Link": self._canonical(key),
        })

    def _canonical(self, key: str) -> str:
        return f'<{self.pub.base}{key}>; rel="canonical"'

    # -- VoID, dumps

    async def void(self, request: Request) -> Response:
        return _rdf_response(request, self._void, RDF_OFFERS)

    async def dump(self, request: Request) -> Response:
        name = request.url.path.lstrip("/")
        rep = self.pub.dumps.get(name)
        if rep is None:
            return problem(404, f"no {name} in this build")
        return _send(request, rep, {})

    # -- SPARQL

    async def sparql(self, request: Request) -> Response:
        params = request.query_params
        queries = params.getlist("query")
        refused = [name for name in ("update", "using-graph-uri", "using-named-graph-uri")
                   if name in params]
        if request.method == "POST":
            ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
            try:
                body = await read_body(request)
            except ClientDisconnect:  # dropped (too slow, or gone): nobody to answer
                return problem(400, "the client went away before its request body arrived")
            if body is None:
                return problem(413, f"a request body may hold at most {MAX_BODY} bytes")
            if ctype == "application/sparql-query":
                try:
                    queries = [*queries, body.decode("utf-8")]
                except UnicodeDecodeError:
                    return problem(400, "the query is not UTF-8")
            elif ctype == "application/x-www-form-urlencoded":
                try:  # parsed here: Starlette's form parser needs python-multipart
                    form = parse_qs(body.decode("utf-8"), keep_blank_values=True,
                                    strict_parsing=False, errors="strict")
                except UnicodeDecodeError:
                    return problem(400, "the form is not UTF-8")
                queries = [*queries, *form.get("query", [])]
                refused += [name for name in ("update",) if name in form]
            elif ctype == "application/sparql-update":
                refused.append("update")
            else:
                return problem(415, "POST a query as application/sparql-query or as the form "
                                    "field query (application/x-www-form-urlencoded)")
        if refused:
            return problem(400, "this endpoint is read-only: SPARQL updates are refused",
                           title="Update refused")
        if not queries:
            if request.method == "POST":
                return problem(400, "no query given")
            sd = service_description(self.origin, triples=self.pub.triples(),
                                     limits=self.settings.limits)
            return _rdf_response(request, sd, RDF_OFFERS)
        if len(queries) > 1:
            return problem(400, "give exactly one query")
        if "default-graph-uri" in params or "named-graph-uri" in params:
            return problem(400, "refused: this endpoint queries its own graph only "
                                "(default-graph-uri and named-graph-uri are not supported)",
                           title="Query refused")
        media = sparql_media(request.query_params.getlist("format"),
                            request.headers.get("accept"))
        if not any(media.values()):
            offered = sorted({m for offers in SPARQL_OFFERS.values() for m in offers})
            return problem(406, f"available media types: {', '.join(offered)}",
                           headers={"Vary": "Accept"})
        if self.pool is None:
            self.pool = self._new_pool()
        client = request.client.host if request.client else ""
        try:
            answer = await self.pool.run(queries[0], media, client)
        except QueryFailed as exc:
            retry = {"Retry-After": str(exc.retry_after)} if exc.retry_after else {}
            return problem(exc.status, exc.detail, title=exc.title,
                           headers={"Cache-Control": "no-store", **retry})
        headers = {"Vary": "Accept", "Cache-Control": "no-store"}
        if answer.truncated:
            headers["DriveKG-Truncated"] = f"max-rows={self.settings.limits.max_rows}"
        return Response(answer.body, media_type=content_type(answer.media_type), headers=headers)

    def _new_pool(self) -> QueryPool:
        s = self.settings
        return QueryPool(s.out_dir, workers=s.workers, slow_workers=s.slow_workers,
                         limits=s.limits)

    @contextlib.asynccontextmanager
    async def lifespan(self, app: Starlette) -> AsyncIterator[None]:
        if self.settings.prestart:
            self.pool = self._new_pool()
            await self.pool.start()
            if self.pool.unavailable:
                log.warning("SPARQL queries are refused (503): %s", self.pool.unavailable)
        if self.settings.on_ready is not None:
            self.settings.on_ready()
        try:
            yield
        finally:
            if self.pool is not None:
                await self.pool.close()


# --------------------------------------------------------------------------- the app


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    phrase = HTTPStatus(exc.status_code).phrase
    detail = exc.detail if exc.detail and exc.detail != phrase else {
        404: f"nothing at {request.url.path}",
        405: f"{request.method} is not allowed on {request.url.path}",
        413: f"the request body is larger than {MAX_BODY} bytes",
    }.get(exc.status_code, phrase)
    return problem(exc.status_code, str(detail), headers=exc.headers)


async def _server_error(request: Request, exc: Exception) -> Response:
    log.error("error answering %s %s", request.method, request.url.path, exc_info=exc)
    return problem(500, "the server could not answer this request; the error has been logged")


def create_app(settings: ServeSettings, published: Published | None = None) -> Starlette:
    pub = published or Published.load(settings.out_dir)
    ep = Endpoints(pub, settings)
    routes: Sequence[Route | Mount] = [
        Route("/id/{key:path}", ep.entity, methods=["GET"]),
        Route("/sparql", ep.sparql, methods=["GET", "POST"]),
        Route("/.well-known/void", ep.void, methods=["GET"]),
        Route("/void.ttl", ep.void, methods=["GET"]),
        *(Route(f"/{name}", ep.dump, methods=["GET"]) for name in
          ("graph.ttl", "graph.jsonld", "graph.nt", "context.jsonld")),
        Mount("/", StaticFiles(directory=settings.out_dir / "site", html=True)),
    ]
    middleware = [
        Middleware(HttpVersions),
        Middleware(SecurityHeaders),
        Middleware(
            CORSMiddleware, allow_origins=["*"], allow_methods=["GET", "HEAD", "POST", "OPTIONS"],
            allow_headers=["Accept", "Content-Type", "If-None-Match"],
            expose_headers=["ETag", "Content-Location", "Link", "Vary", "DriveKG-Truncated",
                            "Retry-After"],
            max_age=600,
        ),
    ]
    app = Starlette(
        routes=list(routes), middleware=middleware, lifespan=ep.lifespan,
        exception_handlers={HTTPException: _http_error, Exception: _server_error},
    )
    app.state.endpoints = ep
    return app


def get_once(settings: ServeSettings, target: str,
             headers: Mapping[str, str]) -> tuple[int, list[tuple[str, str]], bytes]:
    """Answer one GET in-process through httpx's ASGI transport (no socket): ``serve --get``.

    The request is addressed to ``settings.public_url``; the app's lifespan runs around it, so
    SPARQL workers start and stop with it.
    """
    import asyncio

    import httpx

    origin = settings.public_url.rstrip("/")
    pub = Published.load(settings.out_dir)
    path = local_path(pub, target)
    if path.startswith(origin):
        path = path[len(origin):] or "/"
    app = create_app(settings, pub)

    async def once() -> httpx.Response:
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
            async with httpx.AsyncClient(transport=transport, base_url=origin) as client:
                response = await client.get(path, headers=dict(headers))
                await response.aread()
                return response

    response = asyncio.run(once())
    return response.status_code, list(response.headers.multi_items()), response.content


def listen(host: str, port: int) -> tuple[socket.socket, str]:
    """A socket listening on ``host:port`` and its URL (``http://host:port``).

    Bound here, before the server and its workers start, so a busy port or a bad address is a
    ``DriveKGError`` (one line, exit 2), not an exit from inside uvicorn.
    """
    if not 1 <= port <= 65535:
        raise DriveKGError(f"--port must be between 1 and 65535, not {port}")
    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM)[0]
        sock = socket.socket(family, kind, proto)
    except OSError as exc:
        raise DriveKGError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from exc
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(2048)
    except OSError as exc:
        sock.close()
        raise DriveKGError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from exc
    bound_host, bound_port = sock.getsockname()[:2]
    shown = f"[{bound_host}]" if ":" in bound_host else bound_host
    return sock, f"http://{shown}:{bound_port}"


def serve(settings: ServeSettings, sock: socket.socket, *, log_level: str = "info") -> None:
    """Serve on ``sock`` until interrupted (uvicorn handles SIGINT/SIGTERM gracefully)."""
    import uvicorn

    app = create_app(settings)
    protocol = guarded_protocol(settings.header_timeout, settings.body_timeout)
    with sock:
        config = uvicorn.Config(app, log_level=log_level, http=protocol, server_header=False,
                                timeout_graceful_shutdown=5, lifespan="on")
        uvicorn.Server(config).run(sockets=[sock])
