"""No query reaches the network unless --allow-remote: enforced where queries execute.

A corpus of texts that rdflib (the guard) and pyoxigraph (the engine) read differently — comments
ended by other line ends, ``\\u`` escapes, SERVICE nested or SILENT — each sent to a real
``drivekg serve`` on 127.0.0.1 over GET, POST (application/sparql-query) and form POST, and run
through ``drivekg query -e``. A listener socket on 127.0.0.1 is the SERVICE target; what the tests
assert is that it receives no connection, not what error text comes back.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from drivekg.cli import main
from drivekg.errors import SandboxError
from drivekg.sparql import sandbox
from drivekg.sparql.pool import QueryFailed, QueryPool

from .webtools import Listener, running_server, web_build

# {U}: the listener's URL. Marked (*) where the old guard (rdflib only) let the SERVICE through.
CORPUS: dict[str, str] = {
    "comment ended by CR (*)": "SELECT * WHERE {{ # x\rSERVICE <{U}> {{ ?s ?p ?o }} #\n}}",
    "comment ended by CRLF": "SELECT * WHERE {{ # x\r\nSERVICE <{U}> {{ ?s ?p ?o }} }}",
    "comment ended by U+2028": "SELECT * WHERE {{ # x\u2028SERVICE <{U}> {{ ?s ?p ?o }} #\n}}",
    "comment ended by U+2029": "SELECT * WHERE {{ # x\u2029SERVICE <{U}> {{ ?s ?p ?o }} #\n}}",
    "comment ended by U+0085": "SELECT * WHERE {{ # x\u0085SERVICE <{U}> {{ ?s ?p ?o }} #\n}}",
    "comment ended by form feed": "SELECT * WHERE {{ # x\fSERVICE <{U}> {{ ?s ?p ?o }} #\n}}",
    "comment ended by vertical tab": "SELECT * WHERE {{ # x\vSERVICE <{U}> {{ ?s ?p ?o }} #\n}}",
    "CR inside a string, then a comment (*)":
        'SELECT * WHERE {{ BIND("# x" AS ?x) # y\rSERVICE <{U}> {{ ?s ?p ?o }} #\n}}',
    "\\u0022 ends a string for rdflib only (*)":
        'SELECT * WHERE {{ BIND("a\\u0022 AS ?x) #" AS ?y) SERVICE <{U}> {{ ?s ?p ?o }}\n}}',
    "\\u + 8 hex digits: one char for rdflib, four for pyoxigraph (*)":
        'SELECT * WHERE {{ BIND("a\\u00000022 AS ?x) #" AS ?y) SERVICE <{U}> {{ ?s ?p ?o }}\n}}',
    "\\U00000022 in a string (*)":
        'SELECT * WHERE {{ BIND("a\\U00000022 AS ?x) #" AS ?y) SERVICE <{U}> {{ ?s ?p ?o }}\n}}',
    "\\u0027 in a single-quoted string (*)":
        "SELECT * WHERE {{ BIND('a\\u0027 AS ?x) #' AS ?y) SERVICE <{U}> {{ ?s ?p ?o }}\n}}",
    "\\u0022 x3 in a long string (*)": 'SELECT * WHERE {{ BIND("""a\\u0022\\u0022\\u0022 AS ?x) '
                                       '#""" AS ?y) SERVICE <{U}> {{ ?s ?p ?o }}\n}}',
    "\\u escapes before a comment end": "SELECT * WHERE {{ # x \\u000D\\u000A1234 ?p ?o . "
                                        "SERVICE <{U}> {{ ?s ?p ?o }} #\n}}",
    "escaped keyword": "SELECT * WHERE {{ \\u0053ERVICE <{U}> {{ ?s ?p ?o }} }}",
    "escaped keyword, \\U": "SELECT * WHERE {{ SERV\\U00000049CE <{U}> {{ ?s ?p ?o }} }}",
    "escaped IRI": "SELECT * WHERE {{ SERVICE <{U_ESCAPED}> {{ ?s ?p ?o }} }}",
    "lower case": "select * where {{ service <{U}> {{ ?s ?p ?o }} }}",
    "plain SERVICE": "SELECT * WHERE {{ SERVICE <{U}> {{ ?s ?p ?o }} }}",
    "SERVICE SILENT": "SELECT * WHERE {{ SERVICE SILENT <{U}> {{ ?s ?p ?o }} }}",
    "SERVICE SILENT behind a CR (*)":
        "SELECT * WHERE {{ # x\rSERVICE SILENT <{U}> {{ ?s ?p ?o }} #\n}}",
    "in a subquery (*)": "SELECT * WHERE {{ {{ SELECT * WHERE {{ # x\rSERVICE <{U}> "
                         "{{ ?s ?p ?o }} #\n}} }} }}",
    "in FILTER EXISTS (*)": "SELECT * WHERE {{ ?a ?b ?c FILTER EXISTS {{ # x\rSERVICE <{U}> "
                            "{{ ?s ?p ?o }} #\n}} }} LIMIT 1",
    "in OPTIONAL (*)": "SELECT * WHERE {{ OPTIONAL {{ # x\rSERVICE <{U}> {{ ?s ?p ?o }} #\n}} }}",
    "in MINUS": "SELECT * WHERE {{ ?a ?b ?c MINUS {{ SERVICE <{U}> {{ ?a ?b ?c }} }} }} LIMIT 1",
    "nested SERVICE in SERVICE (*)": "SELECT * WHERE {{ # x\rSERVICE SILENT <{U}> {{ SERVICE "
                                     "<{U}> {{ ?s ?p ?o }} }} #\n}}",
    "ASK (*)": "ASK {{ # x\rSERVICE <{U}> {{ ?s ?p ?o }} #\n}}",
    "CONSTRUCT (*)": "CONSTRUCT {{ ?s ?p ?o }} WHERE {{ # x\rSERVICE <{U}> {{ ?s ?p ?o }} #\n}}",
    "DESCRIBE (*)": "DESCRIBE ?s WHERE {{ # x\rSERVICE <{U}> {{ ?s ?p ?o }} #\n}}",
    "SERVICE ?var from VALUES": "SELECT * WHERE {{ # x\rVALUES ?svc {{ <{U}> }} SERVICE ?svc "
                                "{{ ?s ?p ?o }} #\n}}",
    "SERVICE ?var from BIND": 'SELECT * WHERE {{ # x\rBIND(IRI("{U}") AS ?svc) SERVICE ?svc '
                              "{{ ?s ?p ?o }} #\n}}",
    "FROM behind a CR": "SELECT * # x\rFROM <{U}> #\nWHERE {{ ?s ?p ?o }}",
    "FROM NAMED behind a CR":
        "SELECT * # x\rFROM NAMED <{U}> #\nWHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
}


def texts(listener: Listener) -> dict[str, str]:
    escaped = listener.url.replace(":", "\\u003A", 1)
    return {name: q.format(U=listener.url, U_ESCAPED=escaped) for name, q in CORPUS.items()}


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return web_build(tmp_path_factory)


@pytest.fixture(scope="module")
def url(out: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    log = tmp_path_factory.mktemp("sandbox") / "serve.log"
    with running_server(out, log, "--timeout", "10") as (address, _):
        yield address


@pytest.fixture()
def listener() -> Iterator[Listener]:
    with Listener() as it:
        yield it


def test_corpus_is_large_and_covers_the_known_bypasses() -> None:
    """The corpus holds the line ends, escapes and nestings the issue names."""
    assert len(CORPUS) >= 30
    assert sum("(*)" in name for name in CORPUS) >= 15


@pytest.mark.parametrize("how", ["GET", "POST", "form POST"])
def test_no_corpus_query_reaches_the_network_over_http(url: str, listener: Listener,
                                                       how: str) -> None:
    """Every corpus text, sent to a real server: the listener receives no connection."""
    with httpx.Client(base_url=url, timeout=30) as client:
        for name, query in texts(listener).items():
            if how == "GET":
                r = client.get("/sparql", params={"query": query})
            elif how == "POST":
                r = client.post("/sparql", content=query.encode(),
                                headers={"Content-Type": "application/sparql-query"})
            else:
                r = client.post("/sparql", data={"query": query})
            assert r.status_code < 500, (name, r.text)
            assert listener.connections == 0, name


def test_no_corpus_query_reaches_the_network_from_the_cli(
        out: Path, listener: Listener, capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    """Every corpus text through `drivekg query -e`: no connection, and never exit 0 with the
    listener's row."""
    for name, query in texts(listener).items():
        main(["query", "-e", query, "--out", str(out), "--format", "json"])
        assert b"listener.invalid" not in capsysbinary.readouterr().out, name
        assert listener.connections == 0, name


def test_the_reproducer_from_the_issue_through_the_real_command(out: Path,
                                                                 listener: Listener) -> None:
    """The bare-CR reproducer in a separate `drivekg query` process: refused, no connection."""
    query = texts(listener)["comment ended by CR (*)"]
    done = subprocess.run([sys.executable, "-m", "drivekg", "query", "-e", query, "--out",
                           str(out)], capture_output=True, timeout=120, check=False)
    assert done.returncode == 2 and listener.connections == 0
    assert done.stderr.count(b"\n") == 1 and b"Traceback" not in done.stderr


def test_allow_remote_really_connects(out: Path, listener: Listener,
                                      capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    """The listener works: with --allow-remote the same text does reach it (so 0 above means
    something)."""
    query = texts(listener)["comment ended by CR (*)"]
    code = main(["query", "-e", query, "--out", str(out), "--allow-remote", "--format", "json"])
    assert code == 0 and listener.connections == 1
    assert b"listener.invalid" in capsysbinary.readouterr().out


@pytest.mark.parametrize("clause", ["FROM <{U}>", "FROM NAMED <{U}>"])
def test_from_is_not_fetched_by_the_engine(out: Path, listener: Listener, clause: str,
                                           capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    """pyoxigraph takes FROM as a graph name, never a URL to fetch, even unsandboxed."""
    query = f"SELECT * {clause.format(U=listener.url)} WHERE {{ ?s ?p ?o }}"
    assert main(["query", "-e", query, "--out", str(out), "--allow-remote"]) == 0
    assert listener.connections == 0


@pytest.mark.parametrize("clause", ["FROM <{U}>", "FROM NAMED <{U}>"])
def test_from_stays_refused(out: Path, listener: Listener, clause: str,
                            capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    """FROM and FROM NAMED are still refused without --allow-remote, with the hint."""
    query = f"SELECT * {clause.format(U=listener.url)} WHERE {{ ?s ?p ?o }}"
    assert main(["query", "-e", query, "--out", str(out)]) == 2
    err = capsysbinary.readouterr().err.decode()
    assert "refused: the query asks for remote data" in err and "--allow-remote" in err


# --------------------------------------------------------------------------- the filter itself


def in_offline_thread(fn: Callable[[], object]) -> object:
    return sandbox.offline(fn)


@pytest.mark.parametrize("family", [socket.AF_INET, socket.AF_INET6])
def test_offline_thread_cannot_open_network_sockets(family: socket.AddressFamily) -> None:
    """Inside `offline`, an IPv4 or IPv6 socket fails with EPERM."""
    with pytest.raises(PermissionError):
        in_offline_thread(lambda: socket.socket(family, socket.SOCK_STREAM))


def test_offline_thread_keeps_unix_sockets_and_the_caller_its_network() -> None:
    """AF_UNIX still works inside (the worker pipe); the calling thread is not filtered."""
    pair = in_offline_thread(lambda: socket.socketpair(socket.AF_UNIX))
    assert isinstance(pair, tuple)
    for end in pair:
        end.close()
    socket.socket(socket.AF_INET, socket.SOCK_STREAM).close()


def test_offline_runs_in_another_thread() -> None:
    """The filter lands on a fresh thread, never on the caller's."""
    assert in_offline_thread(threading.get_ident) != threading.get_ident()


def refuse_seccomp() -> object:
    raise SandboxError("seccomp exists only on Linux (this is testos)")


def test_without_seccomp_the_cli_refuses(out: Path, monkeypatch: pytest.MonkeyPatch,
                                         capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    """Where the sandbox cannot be set up, `drivekg query` refuses (exit 2, one line) rather
    than run unguarded."""
    monkeypatch.setattr(sandbox, "_seccomp", refuse_seccomp)
    assert main(["query", "awards", "--out", str(out)]) == 2
    err = capsysbinary.readouterr().err.decode()
    assert err.count("\n") == 1 and "this is testos" in err and "--allow-remote" in err


def test_without_seccomp_the_server_refuses_queries(out: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """Where the sandbox cannot be set up, the query pool starts no worker and answers 503."""
    import asyncio

    monkeypatch.setattr(sandbox, "_seccomp", refuse_seccomp)
    pool = QueryPool(out)

    async def ask() -> QueryFailed:
        try:
            await pool.run("ASK {}", {"boolean": "application/sparql-results+json"})
        except QueryFailed as exc:
            return exc
        finally:
            await pool.close()
        raise AssertionError("the query ran")

    failed = asyncio.run(ask())
    assert failed.status == 503 and "this is testos" in failed.detail
    assert pool.fast is None
