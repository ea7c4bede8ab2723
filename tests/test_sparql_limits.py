"""Bounded SPARQL on a real `drivekg serve`: the memory cap, the answer-size cap, the timeout that
no answer outlives, and the fast and slow lanes that keep cheap queries answered while runaway
queries run. Clients connect from distinct loopback addresses, as distinct hosts would."""

from __future__ import annotations

import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from .webtools import children, cmdline, running_server, web_build

TIMEOUT = 3.0
CROSS_JOIN_ORDERED = "SELECT ?a ?d WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?a ?d ?c ?f"
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
CHEAP = "ASK { ?s a <https://schema.org/MusicAlbum> }"


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return web_build(tmp_path_factory)


@pytest.fixture(scope="module")
def server(out: Path, tmp_path_factory: pytest.TempPathFactory
           ) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    log = tmp_path_factory.mktemp("limits") / "serve.log"
    with running_server(out, log, "--timeout", str(TIMEOUT), "--max-memory", "256M",
                        "--max-answer", "200K", "--max-rows", "100000", "--workers", "2",
                        "--slow-workers", "2") as running:
        yield running


def settle(process: subprocess.Popen[bytes]) -> None:
    """Wait until the four workers (two per lane) of earlier tests' kills are back and loaded."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        workers = [c for c in children(process.pid) if "spawn_main" in cmdline(c)]
        if len(workers) == 4:
            break
        time.sleep(0.1)
    time.sleep(2.0)  # a worker loads the graph in about half a second


def client_from(url: str, host: int) -> httpx.Client:
    """A client whose connections come from 127.0.0.``host``."""
    transport = httpx.HTTPTransport(local_address=f"127.0.0.{host}")
    return httpx.Client(base_url=url, timeout=60, transport=transport)


def error_of(r: httpx.Response, status: int) -> dict[str, object]:
    assert r.status_code == status, r.text
    body = r.json()
    assert set(body) == {"error"} and set(body["error"]) == {"status", "title", "detail"}
    error: dict[str, object] = body["error"]
    return error


def test_memory_cap_stops_a_growing_query(server: tuple[str, subprocess.Popen[bytes]]) -> None:
    """ORDER BY over a cross join (2.4 GB in 5 s before) is stopped at --max-memory: 500
    "Query memory limit", well before the timeout."""
    with client_from(server[0], 21) as client:
        started = time.monotonic()
        r = client.get("/sparql", params={"query": CROSS_JOIN_ORDERED})
        elapsed = time.monotonic() - started
    error = error_of(r, 500)
    assert error["title"] == "Query memory limit" and "256 MB" in str(error["detail"])
    assert elapsed < TIMEOUT


def test_answer_size_cap(server: tuple[str, subprocess.Popen[bytes]]) -> None:
    """An answer larger than --max-answer is refused with 500 "Answer too large"."""
    with client_from(server[0], 22) as client:
        r = client.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o }"})
        small = client.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 100"})
    error = error_of(r, 500)
    assert error["title"] == "Answer too large" and "204800 bytes" in str(error["detail"])
    assert small.status_code == 200


def test_graph_answer_size_cap(server: tuple[str, subprocess.Popen[bytes]]) -> None:
    """The cap holds for CONSTRUCT answers too."""
    with client_from(server[0], 23) as client:
        r = client.get("/sparql", params={"query": "CONSTRUCT WHERE { ?s ?p ?o }"})
    assert error_of(r, 500)["title"] == "Answer too large"


def test_no_answer_after_the_timeout(server: tuple[str, subprocess.Popen[bytes]]) -> None:
    """A runaway query is answered 503 at the timeout (fast lane and slow lane together), never
    later."""
    with client_from(server[0], 24) as client:
        started = time.monotonic()
        r = client.get("/sparql", params={"query": RUNAWAY + " # timeout"})
        elapsed = time.monotonic() - started
    assert error_of(r, 503)["title"] == "Query timeout"
    assert TIMEOUT - 0.1 <= elapsed < TIMEOUT + 1.0, elapsed


def test_cheap_query_answers_while_two_runaway_queries_run(
        server: tuple[str, subprocess.Popen[bytes]]) -> None:
    """With two runaway queries in flight (two clients), a third client's cheap queries are
    answered, each within a generous second."""
    url = server[0]
    settle(server[1])
    results: list[httpx.Response] = []

    def runaway(host: int) -> None:
        with client_from(url, host) as c:
            results.append(c.get("/sparql", params={"query": f"{RUNAWAY} # {host}"}))

    threads = [threading.Thread(target=runaway, args=(h,)) for h in (31, 32)]
    for t in threads:
        t.start()
    time.sleep(1.0)  # both are past the fast budget, in the slow lane
    with client_from(url, 33) as cheap:
        for _ in range(5):
            started = time.monotonic()
            r = cheap.get("/sparql", params={"query": CHEAP})
            assert r.status_code == 200 and r.json()["boolean"] is True
            assert time.monotonic() - started < 1.0
    for t in threads:
        t.join(30)
    assert [r.status_code for r in results] == [503, 503]


def test_a_client_with_a_slow_query_waits_its_turn(
        server: tuple[str, subprocess.Popen[bytes]]) -> None:
    """While its runaway query is in the slow lane, the same client's next query gets 429 with
    Retry-After; another client is served."""
    url = server[0]
    done: list[httpx.Response] = []
    with client_from(url, 41) as first, client_from(url, 41) as again:
        thread = threading.Thread(target=lambda: done.append(
            first.get("/sparql", params={"query": RUNAWAY + " # 41"})))
        thread.start()
        time.sleep(1.0)
        r = again.get("/sparql", params={"query": CHEAP})
        thread.join(30)
    assert error_of(r, 429)["title"] == "Too many slow queries"
    assert int(r.headers["retry-after"]) >= 1
    with client_from(url, 42) as other:
        assert other.get("/sparql", params={"query": CHEAP}).status_code == 200


def test_full_slow_lane_is_503_with_retry_after(
        server: tuple[str, subprocess.Popen[bytes]]) -> None:
    """Three runaway clients, two slow workers: the third is told 503 Busy with Retry-After."""
    url = server[0]
    settle(server[1])
    results: list[httpx.Response] = []

    def runaway(host: int, delay: float) -> None:
        time.sleep(delay)
        with client_from(url, host) as c:
            results.append(c.get("/sparql", params={"query": f"{RUNAWAY} # {host}"}))

    threads = [threading.Thread(target=runaway, args=(h, d))
               for h, d in ((51, 0.0), (52, 0.0), (53, 1.2))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    busy = [r for r in results if r.status_code == 503 and r.json()["error"]["title"] == "Busy"]
    assert len(busy) == 1 and int(busy[0].headers["retry-after"]) >= 1
