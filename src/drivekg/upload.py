"""Upload the graph into any triplestore with the SPARQL 1.1 Graph Store HTTP Protocol.

``publish`` sends ``graph.nt`` (``application/n-triples``) to ``{endpoint}?default`` or
``{endpoint}?graph={iri}``: ``PUT`` replaces what the graph held, ``POST`` adds to it. It then
counts the triples in that graph through the store's SPARQL query endpoint: after a ``PUT`` the
count must equal the number of triples sent, after a ``POST`` it must be at least that.

The query endpoint is derived from the Graph Store endpoint when not given (``QUERY_ENDPOINTS``):

==============================================  ==============================================
Graph Store endpoint (path ends with)           query endpoint
==============================================  ==============================================
``/store`` (Oxigraph)                            ``/query``
``/data`` (Fuseki: ``/ds/data``)                 ``/query`` (``/ds/query``)
``/rdf-graphs/service`` (GraphDB, RDF4J)         the repository (``/repositories/ID``)
``/sparql-graph-crud``, ``…-crud-auth`` (Virtuoso)  ``/sparql``
anything else (Fuseki: ``/ds``)                  the same URL
==============================================  ==============================================
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass

import httpx

from drivekg.errors import PublishError
from drivekg.iris import is_iri

__all__ = ["QUERY_ENDPOINTS", "Published", "count_triples", "publish", "query_endpoint_for"]

MEDIA_TYPE = "application/n-triples"
QUERY_ENDPOINTS: tuple[tuple[str, str], ...] = (
    ("/rdf-graphs/service", ""),
    ("/sparql-graph-crud-auth", "/sparql"),
    ("/sparql-graph-crud", "/sparql"),
    ("/store", "/query"),
    ("/data", "/query"),
)


@dataclass(frozen=True)
class Published:
    """What an upload did, for the command line to report."""

    url: str  # the Graph Store request URL (with ?default or ?graph=)
    method: str  # PUT or POST
    status: int
    sent: int  # triples uploaded
    stored: int  # triples the graph holds afterwards, counted through the query endpoint
    query_endpoint: str
    seconds: float


def count_triples(data: bytes) -> int:
    """Triples in an N-Triples document (one per line; blank lines and comments skipped)."""
    return sum(
        1 for line in data.splitlines() if line.strip() and not line.lstrip().startswith(b"#")
    )


def _check_url(url: str, what: str) -> httpx.URL:
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL as exc:
        raise PublishError(f"{what} is not a valid URL: {url!r} ({exc})") from exc
    if parsed.scheme not in ("http", "https") or not parsed.host:
        raise PublishError(f"{what} must be an http(s) URL: {url!r}")
    return parsed


def query_endpoint_for(endpoint: str) -> str:
    """The SPARQL query endpoint beside a Graph Store endpoint (see the module docstring)."""
    url = _check_url(endpoint, "the endpoint")
    path = url.path.rstrip("/")
    for suffix, replacement in QUERY_ENDPOINTS:
        if path.endswith(suffix):
            path = path[: -len(suffix)] + replacement
            break
    return str(url.copy_with(path=path or "/", query=None, fragment=None))


def _target(endpoint: str, graph: str | None) -> httpx.URL:
    url = _check_url(endpoint, "the endpoint")
    if graph is None:
        return url.copy_with(query=(url.query + b"&" if url.query else b"") + b"default")
    if not is_iri(graph):
        raise PublishError(f"--graph must be an absolute IRI: {graph!r}")
    return url.copy_add_param("graph", graph)


def _server_message(response: httpx.Response) -> str:
    text = " ".join(response.text.split())
    return (text[:300] + "…") if len(text) > 300 else text


def _refused(what: str, url: str, response: httpx.Response) -> PublishError:
    message = _server_message(response)
    return PublishError(
        f"{url} refused the {what}: HTTP {response.status_code} {response.reason_phrase}"
        + (f": {message}" if message else "")
    )


def _count(client: httpx.Client, query_endpoint: str, graph: str | None) -> int:
    pattern = "?s ?p ?o" if graph is None else f"GRAPH <{graph}> {{ ?s ?p ?o }}"
    query = f"SELECT (COUNT(*) AS ?n) WHERE {{ {pattern} }}"
    try:
        response = client.post(
            query_endpoint,
            data={"query": query},
            headers={"Accept": "application/sparql-results+json"},
        )
    except httpx.TransportError as exc:
        raise PublishError(f"cannot reach the query endpoint {query_endpoint}: {exc}") from exc
    if response.is_error:
        raise _refused("count query", query_endpoint, response)
    try:
        bindings = json.loads(response.content)["results"]["bindings"]
        return int(bindings[0]["n"]["value"])
    except (ValueError, KeyError, IndexError, TypeError) as exc:
        raise PublishError(
            f"{query_endpoint} did not answer the count query with SPARQL JSON results "
            f"(is it a SPARQL query endpoint? pass --query-endpoint): {_server_message(response)}"
        ) from exc


def publish(
    data: bytes,
    *,
    endpoint: str,
    graph: str | None = None,
    replace: bool = False,
    query_endpoint: str | None = None,
    auth: tuple[str, str] | None = None,
    auth_scheme: str = "basic",
    timeout: float = 60.0,
    transport: httpx.BaseTransport | None = None,
) -> Published:
    """Upload N-Triples ``data`` into ``graph`` (None: the default graph) and check the count.

    ``auth`` is sent with HTTP ``basic`` or ``digest`` authentication (``auth_scheme``;
    Virtuoso's authenticated Graph Store endpoint asks for digest)."""
    started = time.perf_counter()
    target = _target(endpoint, graph)
    counter = query_endpoint or query_endpoint_for(endpoint)
    _check_url(counter, "the query endpoint")
    method = "PUT" if replace else "POST"
    sent = count_triples(data)
    if auth_scheme not in ("basic", "digest"):
        raise PublishError(f"--auth is basic or digest, not {auth_scheme!r}")
    credentials: httpx.Auth | None = None
    if auth:
        credentials = httpx.DigestAuth(*auth) if auth_scheme == "digest" else httpx.BasicAuth(*auth)
    with httpx.Client(
        auth=credentials,
        timeout=timeout,
        transport=transport,
        follow_redirects=False,
    ) as client:
        try:
            response = client.request(
                method, target, content=data, headers={"Content-Type": MEDIA_TYPE}
            )
        except httpx.TransportError as exc:
            raise PublishError(f"cannot reach {target}: {exc}") from exc
        if response.is_error or response.is_redirect:
            raise _refused("upload", str(target), response)
        stored = _count(client, counter, graph)
    where = f"graph <{graph}>" if graph else "the default graph"
    if replace and stored != sent:
        raise PublishError(
            f"after replacing {where}, {counter} counts {stored} triples in it; {sent} were sent"
        )
    if stored < sent:
        raise PublishError(
            f"after adding to {where}, {counter} counts {stored} triples in it, "
            f"fewer than the {sent} sent"
        )
    return Published(
        url=str(target),
        method=method,
        status=response.status_code,
        sent=sent,
        stored=stored,
        query_endpoint=counter,
        seconds=time.perf_counter() - started,
    )
