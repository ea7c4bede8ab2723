"""Helpers for the web tests: one build per session, a real `drivekg serve` on a free port,
and JSON-LD read as RDF without touching the network."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from pyld import jsonld
from rdflib import Graph

from drivekg.cli import main

SCHEMA_CONTEXTS = {"https://schema.org", "https://schema.org/", "http://schema.org",
                   "http://schema.org/"}


def web_build(factory: pytest.TempPathFactory, name: str = "web", *args: str) -> Path:
    """``drivekg build`` into a session-wide directory, once per session and name."""
    out = factory.getbasetemp() / f"{name}-build" / "out"
    if not (out / "site" / "index.html").exists():
        assert main(["build", *args, "--out", str(out)]) in (0, 1)
    return out


def local_loader(url: str, options: Any = None) -> dict[str, Any]:
    """A JSON-LD document loader that never fetches.

    It answers schema.org's context URL with a stand-in that maps terms into the https
    namespace the graph uses (the real context maps them to http://schema.org/ and adds
    coercions); any other URL is an error. Both sides of a comparison use the same stand-in.
    """
    if url in SCHEMA_CONTEXTS:
        return {"contextUrl": None, "documentUrl": url,
                "document": {"@context": {"@vocab": "https://schema.org/"}}}
    raise jsonld.JsonLdError(f"refusing to fetch {url}", "jsonld.LoadDocumentError",
                             code="loading document failed")


def jsonld_graph(data: Any) -> Graph:
    """A JSON-LD document as an rdflib Graph, through pyld with ``local_loader``."""
    nquads = jsonld.to_rdf(data, {"format": "application/n-quads",
                                  "documentLoader": local_loader})
    return Graph().parse(data=nquads, format="nt")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextlib.contextmanager
def running_server(
    out: Path, log: Path, *options: str
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """``drivekg serve`` in a subprocess on 127.0.0.1; yields (URL, process) once it answers."""
    port = free_port()
    with open(log, "wb") as log_file:
        process = subprocess.Popen(
            [sys.executable, "-m", "drivekg", "serve", "--out", str(out), "--host", "127.0.0.1",
             "--port", str(port), "--log-level", "warning", *options],
            stdout=log_file, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 60
            while True:
                if process.poll() is not None:
                    raise RuntimeError(f"drivekg serve exited: {log.read_text()}")
                with contextlib.suppress(httpx.TransportError):
                    if httpx.get(f"{url}/.well-known/void", timeout=2).status_code == 200:
                        break
                if time.monotonic() > deadline:
                    raise RuntimeError(f"drivekg serve did not answer: {log.read_text()}")
                time.sleep(0.1)
            yield url, process
        finally:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()


def children(pid: int) -> set[int]:
    """Process ids of ``pid``'s children (Linux /proc)."""
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        text = (task / "children").read_text()
        found |= {int(p) for p in text.split()}
    return found


def cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


class Listener:
    """A TCP listener on 127.0.0.1 that counts the connections it receives.

    Each connection gets a valid SPARQL JSON answer (one row), so that a query which does reach it
    succeeds and says so; ``connections`` is what a test asserts on, never an error text.
    """

    ANSWER = (b'{"head":{"vars":["s"]},"results":{"bindings":'
              b'[{"s":{"type":"uri","value":"http://listener.invalid/"}}]}}')

    def __init__(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.sock.settimeout(0.05)
        self.port: int = self.sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}/sparql"
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.connections += 1
            with conn:
                conn.settimeout(2)
                with contextlib.suppress(OSError):
                    conn.recv(65536)
                    conn.sendall(b"HTTP/1.1 200 OK\r\ncontent-type: application/sparql-results"
                                 b"+json\r\nconnection: close\r\ncontent-length: %d\r\n\r\n%s"
                                 % (len(self.ANSWER), self.ANSWER))

    def __enter__(self) -> Listener:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(5)
        self.sock.close()
