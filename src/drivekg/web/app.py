"""``drivekg serve``: the built graph on the web, from one process (Starlette + uvicorn).

What it serves (``docs/serving.md`` has the details and the reasons):

- ``/id/{key}``: every IRI ``{base}{key}`` that is a subject or an object in the graph, with the
  base rewritten to ``/id/`` on this server: its document (``documents``: links both ways, labels,
  reifications, evidence; paged) in HTML and every RDF format by ``Accept`` or ``?format=``, with
  ``Vary: Accept``, an ETag per representation (304 on ``If-None-Match``), gzip, and
  ``Link: <IRI>; rel="canonical"`` (the RDF keeps the *canonical* IRIs). ``/id/{key}.{ext}`` is
  one representation; ``/id/{key}/`` redirects to ``/id/{key}``.
- ``/ontology``: the ontology namespace, documented in HTML, and its RDF.
- ``/sparql``: SPARQL 1.1 Protocol, read-only (``endpoint``), and a query editor for browsers.
- ``/.well-known/void`` (and ``/void.ttl``), the dumps, and the static site from ``out/site/``.
  VoID and the service description name the server by ``public_url`` (``--public-url``; default
  the address it listens on), never by the request's ``Host`` header.

The graph is read from the embedded store (``graph.nt`` in process; queries in sandboxed worker
processes) or, with ``store``, from an external SPARQL 1.1 store. Below the application
(``httpguard``): deadlines for a request to arrive, and 505 for HTTP versions but 1.0 and 1.1.

Errors are typed and mapped to a status in one place (``problems``); a browser gets an HTML error
page, any other client ``{"error": {"status", "title", "detail"}}``; no stack trace ever reaches a
client (it is logged).
"""

from __future__ import annotations

import contextlib
import logging
import socket
from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass
from http import HTTPStatus
from pathlib import Path

import pyoxigraph as ox
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp

from drivekg.errors import DriveKGError, StoreError
from drivekg.formats import HTML, RDF_FORMATS, TURTLE, Format, by_extension, named, to_ox, write
from drivekg.layout import (
    ID_PATH,
    ONTOLOGY_PATH,
    SITE,
    SPARQL_PATH,
    VOID_PATHS,
    resource,
)
from drivekg.sparql.backend import Backend, EmbeddedBackend, RemoteBackend
from drivekg.sparql.pool import Limits, QueryPool
from drivekg.web.documents import DOCUMENT_OFFERS, WILDCARD_ORDER, Documents
from drivekg.web.endpoint import ASSETS, AnswerCache, CachedAnswers, Runner, SparqlEndpoint
from drivekg.web.httpguard import DEFAULT_CACHE, HttpVersions, SecurityHeaders, guarded_protocol
from drivekg.web.negotiation import choose
from drivekg.web.ontology import Ontology
from drivekg.web.problems import error_response, problem
from drivekg.web.protocol import MAX_BODY
from drivekg.web.published import ONTOLOGY, Published, Representation, local_path, localize

__all__ = ["Published", "ServeSettings", "create_app", "get_once", "listen", "local_path",
           "serve"]

log = logging.getLogger("drivekg.web.app")

CACHE = DEFAULT_CACHE
_RDF_WILDCARD = (TURTLE, *(f for f in RDF_FORMATS if f is not TURTLE))
_ASSETS = {"editor.js": ("editor", "editor.js"),
           "yasgui/yasgui.min.js": ("vendor", "yasgui", "yasgui.min.js"),
           "yasgui/yasgui.min.css": ("vendor", "yasgui", "yasgui.min.css")}
_GZIP_FROM = 500  # bytes: smaller answers are sent as they are


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
    store: str | None = None  # an external SPARQL 1.1 query endpoint instead of the embedded one
    store_graph: str | None = None  # the graph the data is in there (default: its default graph)
    page_size: int = 500  # links per page of a document
    cache_answers: bool = True  # cache SPARQL answers (embedded store only: it cannot change)


# --------------------------------------------------------------------------- helpers


def _matches(header: str, *etags: str) -> bool:
    if header.strip() == "*":
        return True
    tags = {t.strip().removeprefix("W/") for t in header.split(",")}
    return any(etag in tags for etag in etags)


def send(request: Request, rep: Representation, headers: Mapping[str, str]) -> Response:
    """A representation with its ETag, caching headers and gzip (made once) when accepted;
    304 when ``If-None-Match`` names it (in either encoding)."""
    out = {"Cache-Control": CACHE, **headers}
    gzipped = "gzip" in request.headers.get("accept-encoding", "") and len(rep.body) >= _GZIP_FROM
    if len(rep.body) >= _GZIP_FROM:
        out["Vary"] = ", ".join(filter(None, (out.get("Vary"), "Accept-Encoding")))
    out["ETag"] = rep.gzip_etag if gzipped else rep.etag
    condition = request.headers.get("if-none-match")
    if condition and _matches(condition, rep.etag, rep.gzip_etag):
        return Response(status_code=304, headers=out)
    if gzipped:
        out["Content-Encoding"] = "gzip"
        return Response(rep.gzipped, media_type=rep.media_type, headers=out)
    return Response(rep.body, media_type=rep.media_type, headers=out)


def _chosen(request: Request, offers: tuple[Format, ...],
            wildcard: tuple[Format, ...]) -> Format | None:
    """``?format=`` when given (a name of HTML or an RDF format), else negotiated."""
    asked = request.query_params.get("format")
    if asked is not None:
        fmt = HTML if asked.strip().lower() == HTML.name else named(asked, "rdf")
        return fmt if fmt in offers else None
    return choose(request.headers.get("accept"), offers, wildcard)


def _not_acceptable(request: Request, offers: tuple[Format, ...]) -> Response:
    types = ", ".join(f.media_type for f in offers)
    names = ", ".join(f.name for f in offers)
    return problem(request, 406, f"available media types: {types} (or ?format= {names})",
                   headers={"Vary": "Accept"})


# --------------------------------------------------------------------------- endpoints


class Endpoints:
    def __init__(self, published: Published, settings: ServeSettings) -> None:
        self.pub, self.settings = published, settings
        self.origin = settings.public_url.rstrip("/")
        self.backend: Backend = (
            RemoteBackend(settings.store, graph=settings.store_graph,
                          timeout=settings.limits.timeout)
            if settings.store else EmbeddedBackend.open(settings.out_dir))
        self.documents = Documents(self.backend, published, page_size=settings.page_size)
        self.ontology = Ontology()
        self._void = localize(published.void, published.root, self.origin + "/")
        self._void_reps: dict[str, Representation] = {}
        self._assets: dict[str, Representation] = {}
        cache = AnswerCache() if settings.cache_answers and not settings.store else None
        self.sparql = SparqlEndpoint(self._new_runner, origin=self.origin,
                                     limits=settings.limits, triples=published.triples,
                                     cache=cache)

    def _new_runner(self) -> Runner:
        s = self.settings
        endpoint = f"{self.origin}/sparql"
        if isinstance(self.backend, RemoteBackend):
            from drivekg.sparql.remote import RemoteQueries

            return RemoteQueries(self.backend, limits=s.limits, base_iri=endpoint,
                                 concurrency=s.workers + s.slow_workers)
        return QueryPool(s.out_dir, workers=s.workers, slow_workers=s.slow_workers,
                         limits=s.limits, base_iri=endpoint)

    # -- IRIs under the base

    async def resource(self, request: Request) -> Response:
        key: str = request.path_params["key"]
        query = f"?{request.url.query}" if request.url.query else ""
        if key.endswith("/") and key.strip("/"):
            return RedirectResponse(f"{ID_PATH}{key.rstrip('/')}{query}", status_code=301)
        stem, dot, ext = key.rpartition(".")
        fixed = by_extension(ext) if dot and stem and "/" not in ext else None
        key = stem if fixed else key
        page_text = request.query_params.get("page", "1")
        if not page_text.isdigit() or int(page_text) < 1:
            return problem(request, 400, f"?page= is a page number from 1, not {page_text!r}")
        page = int(page_text)
        fmt = fixed or _chosen(request, DOCUMENT_OFFERS, WILDCARD_ORDER)
        if fmt is None:
            return _not_acceptable(request, DOCUMENT_OFFERS)
        iri = self.pub.base + key
        try:
            ox.NamedNode(iri)
            found = await self.documents.representation(iri, page, fmt)
        except ValueError:
            found = None
        except StoreError as exc:
            return error_response(request, exc)
        if found is None:
            detail = (f"{iri} has no page {page}" if page > 1 else
                      f"nothing in this graph is named {iri}")
            return problem(request, 404, detail)
        described, rep = found
        links = [f'<{iri}>; rel="canonical"']
        here = f"{ID_PATH}{key}" + (f".{fmt.extension}" if fixed else "")
        other = "&".join(f"{k}={v}" for k, v in request.query_params.multi_items()
                         if k != "page")
        for rel, number in (("next", page + 1 if described.has_next else 0),
                            ("prev", page - 1), ("first", 1 if page > 1 else 0)):
            if number >= 1:
                params = "&".join(filter(None, (other, f"page={number}" if number > 1 else "")))
                links.append(f'<{here}{"?" + params if params else ""}>; rel="{rel}"')
        headers = {"Link": ", ".join(links)}
        if not fixed:
            headers["Vary"] = "Accept"
            headers["Content-Location"] = (f"{ID_PATH}{key}.{fmt.extension}"
                                           + (f"?page={page}" if page > 1 else ""))
        return send(request, rep, headers)

    # -- the ontology

    async def ontology_page(self, request: Request) -> Response:
        ext = request.path_params.get("ext")
        fmt = by_extension(ext) if ext else _chosen(request, DOCUMENT_OFFERS, WILDCARD_ORDER)
        if fmt is None:
            if ext:
                return problem(request, 404, f"no /ontology.{ext}")
            return _not_acceptable(request, DOCUMENT_OFFERS)
        rep = self.ontology.page if fmt is HTML else self.ontology.rdf(fmt)
        headers = {"Link": f'<{ONTOLOGY}>; rel="canonical"'}
        if not ext:
            headers |= {"Vary": "Accept", "Content-Location": f"{ONTOLOGY_PATH}.{fmt.extension}"}
        return send(request, rep, headers)

    # -- VoID, dumps, assets

    async def void(self, request: Request) -> Response:
        fmt = _chosen(request, RDF_FORMATS, _RDF_WILDCARD)
        if fmt is None:
            return _not_acceptable(request, RDF_FORMATS)
        if fmt.name not in self._void_reps:
            triples = [ox.Triple(to_ox(s), to_ox(p), to_ox(o)) for s, p, o in self._void]
            self._void_reps[fmt.name] = Representation.of(write(triples, fmt), fmt.content_type)
        return send(request, self._void_reps[fmt.name], {"Vary": "Accept"})

    async def dump(self, request: Request) -> Response:
        name = request.url.path.lstrip("/")
        rep = self.pub.dumps.get(name)
        if rep is None:
            return problem(request, 404, f"no {name} in this build")
        return send(request, rep, {})

    async def asset(self, request: Request) -> Response:
        name = request.path_params["name"]
        parts = _ASSETS.get(name)
        path = resource(*parts) if parts else None
        if path is None or not path.is_file():
            return problem(request, 404, f"no asset {name} (the query editor is fetched by "
                           "scripts/setup.sh)" if parts else f"no asset {name}")
        if name not in self._assets:
            media = "text/javascript; charset=utf-8" if name.endswith(".js") else (
                "text/css; charset=utf-8")
            self._assets[name] = Representation.of(path.read_bytes(), media)
        return send(request, self._assets[name], {})

    @contextlib.asynccontextmanager
    async def lifespan(self, app: Starlette) -> AsyncIterator[None]:
        if self.settings.prestart:
            runner = self.sparql.get_runner()
            await runner.start()
            if runner.unavailable:
                log.warning("SPARQL queries are refused (503): %s", runner.unavailable)
        if self.settings.on_ready is not None:
            self.settings.on_ready()
        try:
            yield
        finally:
            if self.sparql.runner is not None:
                await self.sparql.runner.close()
            await self.backend.close()


# --------------------------------------------------------------------------- the app


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    phrase = HTTPStatus(exc.status_code).phrase
    detail = exc.detail if exc.detail and exc.detail != phrase else {
        404: f"nothing at {request.url.path}",
        405: f"{request.method} is not allowed on {request.url.path}",
        413: f"the request body is larger than {MAX_BODY} bytes",
    }.get(exc.status_code, phrase)
    return problem(request, exc.status_code, str(detail), headers=exc.headers)


async def _server_error(request: Request, exc: Exception) -> Response:
    if isinstance(exc, DriveKGError):
        return error_response(request, exc)
    log.error("error answering %s %s", request.method, request.url.path, exc_info=exc)
    return problem(request, 500, "the server could not answer this request; the error has "
                   "been logged")


def create_app(settings: ServeSettings, published: Published | None = None) -> Starlette:
    pub = published or Published.load(settings.out_dir)
    ep = Endpoints(pub, settings)
    routes: list[Route | Mount] = [
        Route(ID_PATH + "{key:path}", ep.resource, methods=["GET"]),
        Route(ONTOLOGY_PATH, ep.ontology_page, methods=["GET"]),
        Route(ONTOLOGY_PATH + ".{ext}", ep.ontology_page, methods=["GET"]),
        Route(SPARQL_PATH, ep.sparql.handle, methods=["GET", "POST"]),
        *(Route(path, ep.void, methods=["GET"]) for path in VOID_PATHS),
        Route(ASSETS + "{name:path}", ep.asset, methods=["GET"]),
        *(Route(f"/{name}", ep.dump, methods=["GET"]) for name in pub.dumps),
        Mount("/", StaticFiles(directory=settings.out_dir / SITE, html=True)),
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
        Middleware(GZipMiddleware, minimum_size=_GZIP_FROM, compresslevel=6),
    ]
    app = Starlette(
        routes=routes, middleware=middleware, lifespan=ep.lifespan,
        exception_handlers={HTTPException: _http_error, Exception: _server_error},
    )
    app.state.endpoints = ep
    return app


def asgi_app(app: Starlette) -> ASGIApp:
    """The application as served: cached SPARQL answers are sent before routing."""
    endpoints: Endpoints = app.state.endpoints
    return CachedAnswers(app, endpoints.sparql)


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
    served = CachedAnswers(app, app.state.endpoints.sparql)
    protocol = guarded_protocol(settings.header_timeout, settings.body_timeout,
                                responder=served.lookup)
    with sock:
        # asyncio's own loop: here it answers more requests per second than uvloop
        config = uvicorn.Config(served, log_level=log_level, http=protocol,
                                loop="asyncio", server_header=False,
                                timeout_graceful_shutdown=5, lifespan="on")
        uvicorn.Server(config).run(sockets=[sock])
