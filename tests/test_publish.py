"""drivekg publish: the graph goes into a real triplestore and answers the same there.

A real ``oxigraph serve`` is started for each test (free port, empty directory, stopped after);
answers read back through its SPARQL endpoint with SPARQLWrapper, a standard client.
"""

from __future__ import annotations

import base64
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from pyoxigraph import BlankNode, Literal, NamedNode, QuerySolutions
from SPARQLWrapper import JSON, POST, SPARQLWrapper

from drivekg.cli import main
from drivekg.errors import PublishError
from drivekg.sparql.query import bundled
from drivekg.sparql.store import execute, open_store
from drivekg.upload import count_triples, publish, query_endpoint_for

from .conftest import require_tool
from .webtools import free_port


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("publish") / "out"
    assert main(["build", "--out", str(out)]) == 0
    return out


@pytest.fixture(scope="module")
def graph_nt(out: Path) -> bytes:
    return (out / "graph.nt").read_bytes()


def oxigraph_program() -> str:
    """The oxigraph CLI: beside this Python (the venv's), else on PATH."""
    beside = Path(sys.executable).parent / "oxigraph"
    return str(beside) if beside.is_file() else require_tool("oxigraph")


class Server:
    def __init__(self, port: int) -> None:
        self.base = f"http://127.0.0.1:{port}"
        self.store = f"{self.base}/store"
        self.query = f"{self.base}/query"
        self.update = f"{self.base}/update"

    def select(self, query: str) -> dict[str, Any]:
        client = SPARQLWrapper(self.query)
        client.setQuery(query)
        client.setReturnFormat(JSON)
        client.setMethod(POST)
        result: dict[str, Any] = client.queryAndConvert()  # type: ignore[assignment]
        return result

    def count(self, graph: str | None = None) -> int:
        pattern = "?s ?p ?o" if graph is None else f"GRAPH <{graph}> {{ ?s ?p ?o }}"
        answer = self.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ {pattern} }}")
        return int(answer["results"]["bindings"][0]["n"]["value"])


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    """``oxigraph serve`` on a free port over an empty directory, until the test ends."""
    program = oxigraph_program()
    for _attempt in range(3):  # another process may take the port between probe and bind
        port = free_port()
        log = tmp_path / f"oxigraph-{port}.log"
        with (
            open(log, "wb") as log_file,
            subprocess.Popen(
                [
                    program,
                    "serve",
                    "--location",
                    str(tmp_path / f"db-{port}"),
                    "--bind",
                    f"127.0.0.1:{port}",
                ],
                stdout=log_file,
                stderr=subprocess.STDOUT,
            ) as process,
        ):
            try:
                if _wait_until_up(process, port):
                    yield Server(port)
                    return
            finally:
                process.terminate()
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
    pytest.fail(f"oxigraph serve did not start; see {log}:\n{log.read_text()}")


def _wait_until_up(process: subprocess.Popen[bytes], port: int) -> bool:
    deadline = time.monotonic() + 15
    with httpx.Client(timeout=1) as client:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                return False
            try:
                answer = client.get(f"http://127.0.0.1:{port}/query", params={"query": "ASK {}"})
                if answer.status_code == 200:
                    return True
            except httpx.TransportError:
                pass
            time.sleep(0.05)
    return False


def as_json_term(term: NamedNode | BlankNode | Literal) -> dict[str, str]:
    """A pyoxigraph term as SPARQL JSON results write it."""
    if isinstance(term, NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, BlankNode):
        return {"type": "bnode", "value": term.value}
    out = {"type": "literal", "value": term.value}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
        out["datatype"] = term.datatype.value
    return out


# --------------------------------------------------------------------------- a real store


def test_upload_then_every_bundled_query_answers_the_same(
    server: Server, out: Path, graph_nt: bytes
) -> None:
    """Uploaded into oxigraph serve, each bundled query answers as the embedded store does."""
    done = publish(graph_nt, endpoint=server.store)
    sent = count_triples(graph_nt)
    assert (done.method, done.sent, done.stored) == ("POST", sent, sent)
    assert done.url == f"{server.store}?default"
    assert done.query_endpoint == server.query
    assert server.count() == sent > 1000

    embedded = open_store(out)
    for query in bundled():
        local = execute(embedded, query.text)
        assert isinstance(local, QuerySolutions)
        names = [v.value for v in local.variables]
        expected = [{n: as_json_term(s[n]) for n in names if s[n] is not None} for s in local]
        remote = server.select(query.text)
        assert remote["head"]["vars"] == names, query.name
        assert remote["results"]["bindings"] == expected, query.name
        assert expected, query.name


def test_post_adds_and_replace_puts(server: Server, graph_nt: bytes) -> None:
    """POST keeps what the graph held; --replace (PUT) leaves exactly the graph sent."""
    sent = count_triples(graph_nt)
    publish(graph_nt, endpoint=server.store)
    extra = "<http://example.org/x> <http://example.org/p> <http://example.org/y>"
    httpx.post(server.update, data={"update": f"INSERT DATA {{ {extra} }}"}).raise_for_status()

    again = publish(graph_nt, endpoint=server.store)  # a second POST adds nothing new
    assert (again.sent, again.stored) == (sent, sent + 1)

    replaced = publish(graph_nt, endpoint=server.store, replace=True)
    assert (replaced.method, replaced.stored) == ("PUT", sent)
    assert server.select(f"ASK {{ {extra} }}")["boolean"] is False


def test_named_graph(server: Server, graph_nt: bytes) -> None:
    """--graph IRI writes that named graph (?graph=IRI) and counts it; the default stays empty."""
    graph = "https://w3id.org/drivekg/graph/drive-soundtrack"
    done = publish(graph_nt, endpoint=server.store, graph=graph, replace=True)
    sent = count_triples(graph_nt)
    assert (
        done.url
        == f"{server.store}?graph=https%3A%2F%2Fw3id.org%2Fdrivekg%2Fgraph%2Fdrive-soundtrack"
    )
    assert done.stored == sent == server.count(graph)
    assert server.count() == 0


def test_cli_publish(
    server: Server, out: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """drivekg publish prints what it sent and what the store counted."""
    monkeypatch.delenv("DRIVEKG_USER", raising=False)
    monkeypatch.delenv("DRIVEKG_PASSWORD", raising=False)
    code = main(["publish", "--endpoint", server.store, "--out", str(out), "--replace"])
    printed = capsys.readouterr()
    sent = count_triples((out / "graph.nt").read_bytes())
    assert code == 0, printed.err
    assert f"PUT -> HTTP 204, {sent} triples sent" in printed.out
    assert f"{sent} triples in the default graph, counted at {server.query}" in printed.out


def test_a_refusal_carries_the_servers_message(server: Server) -> None:
    """A 4xx is a PublishError with the status and the server's own words (here: a parse error)."""
    with pytest.raises(
        PublishError, match=r"refused the upload: HTTP 400 Bad Request: .+"
    ) as caught:
        publish(b"<http://example.org/a> <http://example.org/b> .\n", endpoint=server.store)
    assert "Parser error at line 1" in str(caught.value)


def test_a_missing_endpoint_path_is_refused(server: Server, graph_nt: bytes) -> None:
    """An endpoint URL the server does not serve is refused with its HTTP status."""
    with pytest.raises(PublishError, match=r"HTTP 404"):
        publish(graph_nt, endpoint=f"{server.base}/no-such-store", query_endpoint=server.query)


# --------------------------------------------------------------------------- no store at all


def test_unreachable_endpoint(
    out: Path, graph_nt: bytes, capsys: pytest.CaptureFixture[str]
) -> None:
    """Nothing listening: a PublishError saying so, and exit 2 from the command line."""
    endpoint = f"http://127.0.0.1:{free_port()}/store"
    with pytest.raises(PublishError, match=r"cannot reach http://127\.0\.0\.1:\d+/store\?default"):
        publish(graph_nt, endpoint=endpoint, timeout=5)
    assert main(["publish", "--endpoint", endpoint, "--out", str(out)]) == 2
    assert "drivekg: cannot reach" in capsys.readouterr().err


def test_missing_build(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Publishing a directory with no graph.nt says to build first."""
    assert main(["publish", "--endpoint", "http://127.0.0.1:1/store", "--out", str(tmp_path)]) == 2
    assert "build the graph first" in capsys.readouterr().err


def mock(handler: Any) -> httpx.MockTransport:
    return httpx.MockTransport(handler)


def counting(stored: int, seen: list[httpx.Request]) -> httpx.MockTransport:
    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if request.url.path.endswith("/query"):
            body = {
                "head": {"vars": ["n"]},
                "results": {"bindings": [{"n": {"type": "literal", "value": str(stored)}}]},
            }
            return httpx.Response(200, json=body)
        return httpx.Response(204)

    return mock(handle)


def test_server_error_message() -> None:
    """A 5xx is a PublishError carrying the server's message."""

    def handle(request: httpx.Request) -> httpx.Response:
        return httpx.Response(503, text="<h1>Store is read-only during backup</h1>")

    with pytest.raises(
        PublishError, match=r"HTTP 503 Service Unavailable: .*read-only during backup"
    ):
        publish(
            b"<a:a> <a:b> <a:c> .\n", endpoint="http://store.test/store", transport=mock(handle)
        )


def test_count_mismatch_after_replace_is_an_error() -> None:
    """After a PUT the graph must hold exactly the triples sent."""
    data = b"<a:a> <a:b> <a:c> .\n<a:a> <a:b> <a:d> .\n"
    with pytest.raises(PublishError, match="counts 1 triples in it; 2 were sent"):
        publish(data, endpoint="http://store.test/store", replace=True, transport=counting(1, []))
    with pytest.raises(PublishError, match="fewer than the 2 sent"):
        publish(data, endpoint="http://store.test/store", transport=counting(1, []))
    assert publish(data, endpoint="http://store.test/store", transport=counting(5, [])).stored == 5


def test_requests_follow_the_graph_store_protocol() -> None:
    """PUT/POST with N-Triples, ?default or ?graph=, basic auth on both requests."""
    seen: list[httpx.Request] = []
    data = b"<a:a> <a:b> <a:c> .\n"
    publish(
        data,
        endpoint="http://store.test/ds/data",
        graph="urn:g",
        replace=True,
        auth=("ann", "s3cret"),
        transport=counting(1, seen),
    )
    upload, count = seen
    assert (upload.method, str(upload.url)) == ("PUT", "http://store.test/ds/data?graph=urn%3Ag")
    assert upload.headers["Content-Type"] == "application/n-triples"
    assert upload.content == data
    assert (count.method, str(count.url)) == ("POST", "http://store.test/ds/query")
    assert "GRAPH+%3Curn%3Ag%3E" in count.content.decode()
    assert count.headers["Accept"] == "application/sparql-results+json"
    token = "Basic " + base64.b64encode(b"ann:s3cret").decode()
    assert upload.headers["Authorization"] == count.headers["Authorization"] == token


def test_cli_reads_credentials_from_the_environment(
    out: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """DRIVEKG_USER and DRIVEKG_PASSWORD become basic auth; one without the other is an error."""
    calls: list[dict[str, Any]] = []

    def fake_publish(data: bytes, **kwargs: Any) -> Any:
        calls.append(kwargs)
        raise PublishError("stop here")

    monkeypatch.setattr("drivekg.upload.publish", fake_publish)
    monkeypatch.setenv("DRIVEKG_USER", "ann")
    monkeypatch.setenv("DRIVEKG_PASSWORD", "s3cret")
    assert main(["publish", "--endpoint", "http://store.test/store", "--out", str(out)]) == 2
    assert calls[0]["auth"] == ("ann", "s3cret")
    monkeypatch.delenv("DRIVEKG_PASSWORD")
    assert main(["publish", "--endpoint", "http://store.test/store", "--out", str(out)]) == 2
    assert "set both DRIVEKG_USER and DRIVEKG_PASSWORD" in capsys.readouterr().err
    assert len(calls) == 1


@pytest.mark.parametrize(
    ("endpoint", "query"),
    [
        ("http://localhost:7878/store", "http://localhost:7878/query"),  # Oxigraph
        ("http://localhost:3030/ds/data", "http://localhost:3030/ds/query"),  # Fuseki
        ("http://localhost:3030/ds", "http://localhost:3030/ds"),  # Fuseki, dataset URL
        (
            "http://localhost:7200/repositories/drive/rdf-graphs/service",  # GraphDB, RDF4J
            "http://localhost:7200/repositories/drive",
        ),
        ("http://localhost:8890/sparql-graph-crud", "http://localhost:8890/sparql"),  # Virtuoso
        ("http://localhost:8890/sparql-graph-crud-auth", "http://localhost:8890/sparql"),
        ("https://example.org/store/?x=1", "https://example.org/query"),
    ],
)
def test_query_endpoint_rule(endpoint: str, query: str) -> None:
    """The documented rule derives each store's query endpoint from its Graph Store endpoint."""
    assert query_endpoint_for(endpoint) == query


@pytest.mark.parametrize("endpoint", ["ftp://example.org/store", "store", "http:///store"])
def test_endpoint_must_be_http(endpoint: str) -> None:
    """A non-http(s) endpoint is refused before any request."""
    with pytest.raises(PublishError, match="http"):
        publish(b"", endpoint=endpoint)


def test_graph_must_be_an_iri() -> None:
    """--graph must be an IRI (it is written into the count query)."""
    with pytest.raises(PublishError, match="absolute IRI"):
        publish(b"", endpoint="http://store.test/store", graph="not an iri> } DROP ALL {")


def test_non_json_count_answer_is_explained() -> None:
    """A query endpoint that is not one (an HTML page) gets a hint to pass --query-endpoint."""

    def handle(request: httpx.Request) -> httpx.Response:
        if request.method == "POST" and "query" in request.url.path:
            return httpx.Response(200, text="<html>welcome</html>")
        return httpx.Response(201)

    with pytest.raises(PublishError, match="--query-endpoint"):
        publish(
            b"<a:a> <a:b> <a:c> .\n", endpoint="http://store.test/store", transport=mock(handle)
        )


def test_count_triples() -> None:
    """Counting N-Triples skips blank lines and comments."""
    assert count_triples(b'# c\n<a:a> <a:b> <a:c> .\n\n<a:a> <a:b> "#" .\n') == 2
