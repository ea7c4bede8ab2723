"""Slow clients against a real `drivekg serve`: 200 connections trickling their headers or their
bodies one byte at a time are dropped after the deadlines, and a normal request is answered
quickly while they hang on."""

from __future__ import annotations

import errno
import socket
import statistics
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from .webtools import running_server, web_build

HEADER_TIMEOUT = BODY_TIMEOUT = 2.0
SLOW = 200


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return web_build(tmp_path_factory)


@pytest.fixture(scope="module")
def server(out: Path, tmp_path_factory: pytest.TempPathFactory
           ) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    log = tmp_path_factory.mktemp("slow") / "serve.log"
    with running_server(out, log, "--header-timeout", str(HEADER_TIMEOUT),
                        "--body-timeout", str(BODY_TIMEOUT)) as running:
        yield running


class Trickler:
    """SLOW sockets: half send a request head one header line at a time, half a complete head
    and then a body one byte at a time, every 0.2 s, until told to stop or dropped."""

    def __init__(self, port: int) -> None:
        self.socks: list[socket.socket] = []
        self.dropped: set[int] = set()
        self.stop = threading.Event()
        for i in range(SLOW):
            sock = socket.create_connection(("127.0.0.1", port))
            if i % 2:
                sock.sendall(b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/"
                             b"sparql-query\r\nContent-Length: 100000\r\n\r\nASK")
            else:
                sock.sendall(b"GET /id/cliff-martinez HTTP/1.1\r\nHost: x\r\n")
            sock.setblocking(False)
            self.socks.append(sock)
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self) -> None:
        while not self.stop.wait(0.2):
            for i, sock in enumerate(self.socks):
                if i in self.dropped:
                    continue
                try:
                    sock.send(b" " if i % 2 else b"X-Slow: 1\r\n")
                except OSError:
                    self.dropped.add(i)

    def closed_by_server(self, i: int) -> bool:
        """The server closed this connection (EOF after any 408 answer, or a reset)."""
        sock = self.socks[i]
        try:
            while True:
                data = sock.recv(65536)
                if not data:
                    return True
        except BlockingIOError:
            return i in self.dropped
        except OSError as exc:
            return exc.errno in (errno.ECONNRESET, errno.EPIPE)

    def close(self) -> None:
        self.stop.set()
        self.thread.join(5)
        for sock in self.socks:
            sock.close()


def test_slow_clients_do_not_hold_the_server(server: tuple[str, subprocess.Popen[bytes]]
                                             ) -> None:
    """With 200 trickling connections open, normal requests are answered within 100 ms; after
    the deadlines every trickling connection has been closed by the server."""
    url = server[0]
    port = int(url.rsplit(":", 1)[1])
    trickler = Trickler(port)
    try:
        time.sleep(0.5)
        timings = []
        with httpx.Client(base_url=url, timeout=10) as client:
            for _ in range(7):
                started = time.monotonic()
                r = client.get("/id/cliff-martinez", headers={"Accept": "text/turtle"})
                timings.append(time.monotonic() - started)
                assert r.status_code == 200
        assert not any(trickler.closed_by_server(i) for i in range(SLOW)), "dropped too early"
        assert statistics.median(timings) < 0.1, timings
        time.sleep(max(HEADER_TIMEOUT, BODY_TIMEOUT) + 1.5)
        open_still = [i for i in range(SLOW) if not trickler.closed_by_server(i)]
        assert open_still == []
    finally:
        trickler.close()


def test_idle_connection_gets_408_in_the_error_shape(server: tuple[str, subprocess.Popen[bytes]]
                                                     ) -> None:
    """A connection that sends nothing is answered 408 (JSON) and closed after the deadline."""
    port = int(server[0].rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.settimeout(HEADER_TIMEOUT + 5)
        started = time.monotonic()
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
        elapsed = time.monotonic() - started
    assert data.startswith(b"HTTP/1.1 408 ") and b'"status": 408' in data
    assert HEADER_TIMEOUT - 0.2 < elapsed < HEADER_TIMEOUT + 2
