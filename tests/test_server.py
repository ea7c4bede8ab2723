"""`drivekg serve` for real: uvicorn in a subprocess on 127.0.0.1, spoken to by httpx and
SPARQLWrapper. Negotiation, caching headers, errors, SPARQL protocol, the row cap, and a runaway
query that the timeout really stops (its worker process is gone, the server still answers)."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF
from SPARQLWrapper import CSV, JSON, JSONLD, TSV, TURTLE, XML, SPARQLWrapper

from drivekg.vocab import VOID
from drivekg.web.negotiation import negotiate

from .webtools import children, cmdline, running_server, web_build

ALBUM = "https://w3id.org/drivekg/id/drive-soundtrack"
TIMEOUT, MAX_ROWS = 2.0, 50
SD = "http://www.w3.org/ns/sparql-service-description#"
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return web_build(tmp_path_factory)


@pytest.fixture(scope="module")
def server(out: Path, tmp_path_factory: pytest.TempPathFactory
           ) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    log = tmp_path_factory.mktemp("serve") / "serve.log"
    with running_server(out, log, "--timeout", str(TIMEOUT), "--max-rows", str(MAX_ROWS),
                        "--workers", "2") as running:
        yield running


@pytest.fixture(scope="module")
def url(server: tuple[str, subprocess.Popen[bytes]]) -> str:
    return server[0]


@pytest.fixture()
def client(url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=url, timeout=30) as c:
        yield c


def assert_error(response: httpx.Response, status: int) -> dict[str, object]:
    """The one error shape, and never a stack trace."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"status", "title", "detail"}
    assert body["error"]["status"] == status
    assert "Traceback" not in response.text and 'File "' not in response.text
    error: dict[str, object] = body["error"]
    return error


# --------------------------------------------------------------------------- negotiation (unit)


@pytest.mark.parametrize(("accept", "expected"), [
    (None, "text/html"),
    ("*/*", "text/html"),
    ("text/turtle", "text/turtle"),
    ("text/turtle;q=0.5, application/ld+json", "application/ld+json"),
    ("text/*;q=0.9, application/n-triples;q=0.8", "text/html"),
    ("text/html;q=0, */*;q=0.1", "text/turtle"),
    ("application/n-triples, */*;q=0.1", "application/n-triples"),
    ("text/*, text/html;q=0", "text/turtle"),
    ("application/xml", None),
    ("text/turtle;q=0", None),
    ("garbage, text/turtle;q=abc, application/ld+json;q=0.2", "application/ld+json"),
    ("TEXT/Turtle; charset=utf-8", "text/turtle"),
])
def test_negotiate(accept: str | None, expected: str | None) -> None:
    """q-values, specificity (text/html;q=0 beats */*), server order on ties, 406 as None."""
    offers = ["text/html", "text/turtle", "application/ld+json", "application/n-triples"]
    assert negotiate(accept, offers) == expected


# --------------------------------------------------------------------------- entities


@pytest.mark.parametrize(("accept", "media_type", "fmt"), [
    ("text/turtle", "text/turtle", "turtle"),
    ("application/ld+json", "application/ld+json", "json-ld"),
    ("application/n-triples", "application/n-triples", "nt"),
    ("text/turtle;q=0.2, application/n-triples;q=0.9", "application/n-triples", "nt"),
])
def test_entity_rdf_by_accept(client: httpx.Client, accept: str, media_type: str,
                              fmt: str) -> None:
    """The album IRI, rewritten to /id/, answers each RDF format with canonical IRIs inside."""
    r = client.get("/id/drive-soundtrack", headers={"Accept": accept})
    assert r.status_code == 200
    assert r.headers["content-type"].split(";")[0] == media_type
    assert "Accept" in r.headers["vary"]
    assert r.headers["link"] == f'<{ALBUM}>; rel="canonical"'
    g = Graph().parse(data=r.content, format=fmt)
    assert (URIRef(ALBUM), RDF.type, URIRef("https://schema.org/MusicAlbum")) in g
    assert not any(str(s).startswith("http://127.0.0.1") for s in g.subjects())


def test_entity_html_for_browsers(client: httpx.Client) -> None:
    """A browser's Accept gets the page, with a CSP and nosniff."""
    accept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    r = client.get("/id/cliff-martinez", headers={"Accept": accept})
    assert r.status_code == 200 and r.headers["content-type"] == "text/html; charset=utf-8"
    assert "<h1>Cliff Martinez</h1>" in r.text
    assert "script-src" not in r.headers["content-security-policy"]  # default-src 'none'
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["content-location"] == "/id/cliff-martinez.html"


def test_format_parameter_overrides_accept(client: httpx.Client) -> None:
    """?format=nt wins over Accept; an unknown ?format= is 406."""
    r = client.get("/id/drive-soundtrack?format=nt", headers={"Accept": "text/html"})
    assert r.headers["content-type"] == "application/n-triples"
    assert_error(client.get("/id/drive-soundtrack?format=rdfxml"), 406)


def test_not_acceptable(client: httpx.Client) -> None:
    """An Accept the server cannot meet is 406 with the error body listing what it can give."""
    response = client.get("/id/drive-soundtrack", headers={"Accept": "image/png"})
    error = assert_error(response, 406)
    assert "text/turtle" in str(error["detail"])
    assert "Accept" in response.headers["vary"]  # the answer depends on Accept


def test_etag_and_304(client: httpx.Client) -> None:
    """Each representation has its own ETag; If-None-Match gives 304 with no body."""
    ttl = client.get("/id/drive-soundtrack", headers={"Accept": "text/turtle"})
    nt = client.get("/id/drive-soundtrack", headers={"Accept": "application/n-triples"})
    assert ttl.headers["etag"] != nt.headers["etag"]
    assert "max-age" in ttl.headers["cache-control"]
    again = client.get("/id/drive-soundtrack", headers={
        "Accept": "text/turtle", "If-None-Match": ttl.headers["etag"]})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["etag"] == ttl.headers["etag"]
    other = client.get("/id/drive-soundtrack", headers={
        "Accept": "application/n-triples", "If-None-Match": ttl.headers["etag"]})
    assert other.status_code == 200


def test_files_beside_the_iri(client: httpx.Client, out: Path) -> None:
    """/id/KEY.ttl is the file the site holds, byte for byte, without negotiation."""
    r = client.get("/id/release/drive-soundtrack/vinyl.ttl", headers={"Accept": "text/html"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/turtle")
    assert r.content == (out / "site" / "id" / "release" / "drive-soundtrack" / "vinyl.ttl"
                         ).read_bytes()


def test_unknown_things_are_404_json(client: httpx.Client) -> None:
    """An unknown entity, an unknown path and an evidence-less key all answer the JSON 404."""
    assert_error(client.get("/id/no-such-entity"), 404)
    assert_error(client.get("/nothing/here"), 404)
    assert_error(client.get("/id/evidence/0000000000000000"), 404)


def test_wrong_method_is_405_json(client: httpx.Client) -> None:
    assert_error(client.post("/id/drive-soundtrack", content=b"x"), 405)


def test_home_static_and_dumps(client: httpx.Client, out: Path) -> None:
    """/ is the album page; the stylesheet and the dumps are served as built."""
    home = client.get("/")
    assert home.status_code == 200
    assert "<h1>Drive (Original Motion Picture Soundtrack)</h1>" in home.text
    assert client.get("/static/style.css").status_code == 200
    dump = client.get("/graph.ttl")
    assert dump.headers["content-type"].startswith("text/turtle")
    assert dump.content == (out / "graph.ttl").read_bytes()
    assert client.get("/graph.nt").headers["content-type"] == "application/n-triples"


def test_void_points_at_this_server(client: httpx.Client, url: str) -> None:
    """/.well-known/void: locations are this server's, identifiers stay canonical."""
    r = client.get("/.well-known/void", headers={"Accept": "text/turtle"})
    g = Graph().parse(data=r.content, format="turtle")
    ds = next(g.subjects(RDF.type, VOID.Dataset))
    assert set(g.objects(ds, VOID.dataDump)) == {
        URIRef(f"{url}/graph.{ext}") for ext in ("ttl", "jsonld", "nt")}
    assert g.value(ds, VOID.sparqlEndpoint) == URIRef(f"{url}/sparql")
    assert str(g.value(ds, VOID.uriSpace)) == "https://w3id.org/drivekg/id/"
    assert g.value(ds, VOID.rootResource) == URIRef(ALBUM)


def test_cors(client: httpx.Client) -> None:
    """Any origin may read; a preflight for a SPARQL POST is allowed."""
    r = client.get("/id/drive-soundtrack", headers={"Origin": "https://example.org"})
    assert r.headers["access-control-allow-origin"] == "*"
    pre = client.options("/sparql", headers={
        "Origin": "https://example.org", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type"})
    assert pre.status_code == 200 and "POST" in pre.headers["access-control-allow-methods"]


# --------------------------------------------------------------------------- SPARQL


def wrapper(url: str, query: str, fmt: str, method: str = "GET") -> SPARQLWrapper:
    sparql = SPARQLWrapper(f"{url}/sparql")
    sparql.setQuery(query)
    sparql.setReturnFormat(fmt)
    sparql.setMethod(method)
    sparql.setTimeout(30)
    return sparql


def test_sparqlwrapper_select_json(url: str) -> None:
    """SPARQLWrapper's SELECT (GET, JSON) sees the album's name."""
    q = f"SELECT ?name WHERE {{ <{ALBUM}> schema:name ?name }}"
    result = wrapper(url, q, JSON).queryAndConvert()
    assert isinstance(result, dict)
    names = [b["name"]["value"] for b in result["results"]["bindings"]]
    assert names == ["Drive (Original Motion Picture Soundtrack)"]


def test_sparqlwrapper_post_xml_csv_tsv(url: str) -> None:
    """POSTed as a form; XML, CSV and TSV answers come back in their media types."""
    q = "SELECT ?p WHERE { ?p a schema:Person } ORDER BY ?p LIMIT 3"
    for fmt, media in ((XML, "application/sparql-results+xml"), (CSV, "text/csv"),
                       (TSV, "text/tab-separated-values")):
        response = wrapper(url, q, fmt, "POST").query()
        try:
            assert response.info()["content-type"].split(";")[0] == media
            body = response.response.read().decode()
        finally:
            response.response.close()
        assert body.count("https://w3id.org/drivekg/id/") == 3


def test_sparqlwrapper_ask_and_construct(url: str) -> None:
    """ASK is a boolean; CONSTRUCT comes back as Turtle or JSON-LD that rdflib reads."""
    ask = wrapper(url, f"ASK {{ <{ALBUM}> a schema:MusicAlbum }}", JSON).queryAndConvert()
    assert isinstance(ask, dict) and ask["boolean"] is True
    q = f"CONSTRUCT {{ <{ALBUM}> schema:name ?n }} WHERE {{ <{ALBUM}> schema:name ?n }}"
    turtle = wrapper(url, q, TURTLE).queryAndConvert()  # SPARQLWrapper hands Turtle back as bytes
    assert isinstance(turtle, bytes) and len(Graph().parse(data=turtle, format="turtle")) == 1
    g = wrapper(url, q, JSONLD).queryAndConvert()
    assert isinstance(g, Graph) and len(g) == 1


def test_post_sparql_query_body(client: httpx.Client) -> None:
    """POST application/sparql-query works too; DESCRIBE gives the entity's triples."""
    r = client.post("/sparql", content=f"DESCRIBE <{ALBUM}>".encode(),
                    headers={"Content-Type": "application/sparql-query",
                             "Accept": "application/n-triples"})
    assert r.status_code == 200, r.text
    assert len(Graph().parse(data=r.text, format="nt")) > 10


def test_service_description(client: httpx.Client, url: str) -> None:
    """GET /sparql without a query describes the service (SPARQL 1.1 Service Description)."""
    r = client.get("/sparql", headers={"Accept": "text/turtle"})
    g = Graph().parse(data=r.content, format="turtle")
    service = next(g.subjects(RDF.type, URIRef(SD + "Service")))
    assert g.value(service, URIRef(SD + "endpoint")) == URIRef(f"{url}/sparql")
    assert g.value(service, URIRef(SD + "supportedLanguage")) == URIRef(SD + "SPARQL11Query")


@pytest.mark.parametrize("request_kwargs", [
    {"params": {"query": "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }"}},
    {"params": {"query": "SELECT * FROM <http://example.org/data> WHERE { ?s ?p ?o }"}},
    {"params": {"query": "INSERT DATA { <http://e/a> <http://e/b> <http://e/c> }"}},
    {"params": {"query": "LOAD <http://example.org/data.ttl>"}},
    {"params": {"query": "SELEKT * WHERE { ?s ?p ?o }"}},
    {"data": {"update": "LOAD <http://example.org/data.ttl>"}},
    {"content": b"DROP ALL", "headers": {"Content-Type": "application/sparql-update"}},
    {"params": {"query": "SELECT * { ?s ?p ?o }", "default-graph-uri": "http://example.org/g"}},
])
def test_refused_with_400(client: httpx.Client, request_kwargs: dict[str, object]) -> None:
    """SERVICE, remote FROM, updates (LOAD included) and bad syntax: 400 in the error shape."""
    method = "GET" if set(request_kwargs) == {"params"} else "POST"
    assert_error(client.request(method, "/sparql", **request_kwargs), 400)  # type: ignore[arg-type]


def test_sparql_406_and_415(client: httpx.Client) -> None:
    q = quote("SELECT * { ?s ?p ?o } LIMIT 1")
    assert_error(client.get(f"/sparql?query={q}", headers={"Accept": "image/png"}), 406)
    assert_error(client.get(f"/sparql?query={quote('ASK {}')}", headers={"Accept": "text/csv"}),
                 406)
    assert_error(client.post("/sparql", content=b"x", headers={"Content-Type": "text/plain"}), 415)


def test_oversized_body_is_413_json(client: httpx.Client) -> None:
    """A POST body over 1 MB is refused in the error shape, without being read to the end."""
    r = client.post("/sparql", content=b"#" * 2_000_000,
                    headers={"Content-Type": "application/sparql-query"})
    assert_error(r, 413)


def test_head_has_headers_and_no_body(client: httpx.Client) -> None:
    r = client.head("/id/cliff-martinez", headers={"Accept": "text/turtle"})
    assert r.status_code == 200 and r.content == b"" and int(r.headers["content-length"]) > 0


def test_row_cap(client: httpx.Client) -> None:
    """An answer stops at --max-rows and says so in a header."""
    r = client.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o }"},
                   headers={"Accept": "application/sparql-results+json"})
    assert r.status_code == 200
    assert len(r.json()["results"]["bindings"]) == MAX_ROWS
    assert r.headers["drivekg-truncated"] == f"max-rows={MAX_ROWS}"
    small = client.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 3"})
    assert "drivekg-truncated" not in small.headers


def sparql_workers(pid: int) -> set[int]:
    return {c for c in children(pid) if "spawn_main" in cmdline(c)}


def test_runaway_query_is_stopped_and_the_server_goes_on(
    client: httpx.Client, server: tuple[str, subprocess.Popen[bytes]]
) -> None:
    """A four-way cross join is stopped at the timeout: 503, the worker processes that ran it
    killed (the fast-lane one at the budget, the slow-lane one at the timeout), fresh ones
    started, and queries answered straight after."""
    pid = server[1].pid
    before = sparql_workers(pid)
    assert len(before) == 3  # two fast, one slow
    started = time.monotonic()
    r = client.get("/sparql", params={"query": RUNAWAY})
    elapsed = time.monotonic() - started
    error = assert_error(r, 503)
    assert error["title"] == "Query timeout"
    assert TIMEOUT <= elapsed < TIMEOUT + 3, elapsed
    quick = client.get("/sparql", params={"query": "ASK { ?s ?p ?o }"})
    assert quick.status_code == 200 and quick.json()["boolean"] is True
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        after = sparql_workers(pid)
        if len(after) == 3 and len(before - after) == 2:
            break
        time.sleep(0.1)
    killed = before - after
    assert len(killed) == 2 and not any(Path(f"/proc/{p}").exists() for p in killed)
    assert len(after) == 3
    for _ in range(4):  # both workers answer, the fresh one included
        ok = client.get("/sparql", params={"query": f"ASK {{ <{ALBUM}> ?p ?o }}"})
        assert ok.status_code == 200


def test_entity_pages_answer_while_a_query_runs_away(client: httpx.Client, url: str) -> None:
    """The runaway query occupies a worker process, not the server: pages still answer quickly."""
    with httpx.Client(base_url=url, timeout=30) as other:
        import threading

        result: dict[str, httpx.Response] = {}
        thread = threading.Thread(
            target=lambda: result.update(r=other.get("/sparql", params={"query": RUNAWAY})))
        thread.start()
        time.sleep(0.3)
        started = time.monotonic()
        page = client.get("/id/cliff-martinez", headers={"Accept": "text/turtle"})
        assert page.status_code == 200 and time.monotonic() - started < 1.0
        thread.join(30)
        assert result["r"].status_code == 503


# --------------------------------------------------------------------------- serve --get


def serve_get(out: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "drivekg", "serve", "--out", str(out),
                           "--get", *args], capture_output=True, timeout=120, check=False)


def test_get_in_process_turtle(out: Path) -> None:
    """`serve --get IRI -H 'Accept: text/turtle'` prints the Turtle and exits 0."""
    done = serve_get(out, ALBUM, "-H", "Accept: text/turtle")
    assert done.returncode == 0, done.stderr
    g = Graph().parse(data=done.stdout, format="turtle")
    assert (URIRef(ALBUM), None, None) in g


def test_get_exit_codes_and_include(out: Path) -> None:
    """404 exits 1 and prints the JSON error; -i prints the status line and headers first."""
    missing = serve_get(out, "/id/nope")
    assert missing.returncode == 1
    assert json.loads(missing.stdout)["error"]["status"] == 404
    shown = serve_get(out, "/sparql?query=ASK%7B%7D", "-i")
    assert shown.returncode == 0
    head, _, body = shown.stdout.partition(b"\n\n")
    assert head.startswith(b"HTTP/1.1 200")
    assert json.loads(body)["boolean"] is True


def test_serve_without_a_build_fails_cleanly(tmp_path: Path) -> None:
    """No build in --out: exit 2 with one line saying what to do."""
    done = serve_get(tmp_path, "/")
    assert done.returncode == 2
    assert b"drivekg build" in done.stderr and b"Traceback" not in done.stderr


def test_busy_port_fails_cleanly(out: Path) -> None:
    """A port already taken: exit 2 with one line, before any worker starts."""
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run([sys.executable, "-m", "drivekg", "serve", "--out", str(out),
                               "--port", str(port)], capture_output=True, timeout=60, check=False)
    assert done.returncode == 2
    assert done.stderr.decode().strip() == (
        f"drivekg: cannot listen on 127.0.0.1:{port}: Address already in use")


# --------------------------------------------------------------------------- issue 11 (server)


@pytest.mark.parametrize("path", ["/.well-known/void", "/sparql"])
def test_host_header_is_not_reflected(client: httpx.Client, url: str, path: str) -> None:
    """VoID and the service description name the server, never the request's Host header."""
    r = client.get(path, headers={"Host": "evil.example", "Accept": "text/turtle"})
    assert r.status_code == 200
    assert b"evil.example" not in r.content and f"{url}/sparql".encode() in r.content


def test_public_url_names_the_server(out: Path) -> None:
    """--public-url is what VoID and the service description name."""
    for path in ("/.well-known/void", "/sparql"):
        done = serve_get(out, path, "-H", "Accept: application/n-triples",
                         "--public-url", "https://kg.example.org/")
        assert done.returncode == 0, done.stderr
        assert b"<https://kg.example.org/sparql>" in done.stdout
        assert b"127.0.0.1" not in done.stdout


def test_bad_public_url_fails_cleanly(out: Path) -> None:
    """A --public-url that is not an http(s) URL: exit 2, one line."""
    done = serve_get(out, "/", "--public-url", "kg.example.org")
    assert done.returncode == 2 and done.stderr.count(b"\n") == 1
    assert b"--public-url" in done.stderr


def test_serve_says_where_it_listens(server: tuple[str, subprocess.Popen[bytes]],
                                     tmp_path_factory: pytest.TempPathFactory) -> None:
    """`drivekg serve` prints the URL it listens on."""
    url = server[0]
    logs = list(tmp_path_factory.getbasetemp().glob("serve*/serve.log"))
    assert any(f" at {url}/ " in log.read_text() for log in logs)


@pytest.mark.parametrize("port", ["99999", "0", "-1", "65536"])
def test_port_out_of_range_fails_cleanly(out: Path, port: str) -> None:
    """A port outside 1-65535: exit 2, one line, nothing listens."""
    done = subprocess.run([sys.executable, "-m", "drivekg", "serve", "--out", str(out),
                           "--port", port], capture_output=True, timeout=60, check=False)
    assert done.returncode == 2
    assert done.stderr.decode() == (
        f"drivekg: --port must be between 1 and 65535, not {port}\n")


def test_unknown_http_version_is_505(url: str) -> None:
    """An HTTP/9.9 request line is answered 505 in the error shape, not served."""
    import socket

    port = int(url.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(b"GET /id/cliff-martinez HTTP/9.9\r\nHost: x\r\n\r\n")
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 505 ")
    assert json.loads(body)["error"]["status"] == 505


def first_line_then_close(argv: list[str]) -> subprocess.CompletedProcess[bytes]:
    """Run ``argv``, read one line of its output and close the pipe, as `| head -1` does."""
    process = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stdout is not None and process.stderr is not None
    line = process.stdout.readline()
    process.stdout.close()
    with process.stderr:
        stderr = process.stderr.read()
    process.wait(120)
    return subprocess.CompletedProcess(argv, process.returncode, line, stderr)


@pytest.mark.parametrize("argv", [
    ["serve", "--get", "/graph.nt", "-i"],
    ["serve", "--get", "/graph.nt"],
    ["query", "-e", "SELECT * WHERE { ?s ?p ?o }", "--format", "csv"],
])
def test_broken_pipe_ends_quietly(out: Path, argv: list[str]) -> None:
    """`drivekg … | head -1`: exit 0, nothing on stderr."""
    done = first_line_then_close([sys.executable, "-m", "drivekg", *argv, "--out", str(out)])
    assert done.stdout
    assert (done.returncode, done.stderr) == (0, b"")
