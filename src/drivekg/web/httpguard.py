"""What ``drivekg serve`` refuses below the application: slow clients and unknown HTTP versions.

**Slow clients.** uvicorn has ``timeout_keep_alive`` (idle time between requests, reset by every
byte received) but nothing that bounds how long a request takes to *arrive*, so a client that
trickles its headers or its body one byte at a time keeps a connection open as long as it likes
(slowloris); ASGI middleware cannot help, it runs only once the head is parsed. h11 and httptools
have no timers of their own. ``guarded_protocol`` therefore subclasses uvicorn's httptools
protocol (the default; or its h11 protocol) with two deadlines, set from the parser's view of the
client's side of the connection:

* the request head must be complete ``header_timeout`` seconds after the connection was opened,
  or after the previous response was sent (keep-alive); else the answer is 408 in the JSON error
  shape and the connection is closed;
* the body must be complete ``body_timeout`` seconds after the head; else the connection is
  closed (the application sees the client disconnect).

While the application works on a request no deadline runs (SPARQL has its own timeout).

**Headers on every answer** (``SecurityHeaders``): nosniff, a strict CSP on HTML (unless the
answer brings its own: the query editor runs the scripts it serves), and a default
``Cache-Control``.

**HTTP versions.** h11 accepts any ``HTTP/d.d`` request line; ``HttpVersions`` answers anything but
HTTP/1.0 and 1.1 with 505.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import urllib.parse
from collections.abc import Callable
from typing import Any

import h11
import httptools
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from uvicorn.protocols.http.h11_impl import H11Protocol
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

__all__ = ["HttpVersions", "SecurityHeaders", "guarded_protocol"]

DEFAULT_CACHE = "public, max-age=300"

log = logging.getLogger("drivekg.web.app")


def _error_bytes(status: int, title: str, detail: str) -> bytes:
    return json.dumps({"error": {"status": status, "title": title, "detail": detail}}).encode()


def _raw_error(status: int, reason: bytes, title: str, detail: str) -> bytes:
    body = _error_bytes(status, title, detail)
    return (b"HTTP/1.1 %d %s\r\ncontent-type: application/json\r\nconnection: close\r\n"
            b"content-length: %d\r\n\r\n%s" % (status, reason, len(body), body))


class _Deadlines:
    """The two deadlines, for either protocol: ``_set_phase("head" | "body" | None)`` starts
    the phase's timer (cancelling the previous one); past it the connection is closed, after a
    408 when the head is late and nothing has been answered yet (``_may_answer``)."""

    header_timeout = 10.0
    body_timeout = 30.0
    _phase: str | None = None
    _timer: asyncio.TimerHandle | None = None
    transport: asyncio.Transport
    loop: asyncio.AbstractEventLoop
    client: Any

    def _may_answer(self) -> bool:
        return True

    def _set_phase(self, phase: str | None) -> None:
        if phase == self._phase:
            return
        self._phase = phase
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if phase is not None and not self.transport.is_closing():
            seconds = self.header_timeout if phase == "head" else self.body_timeout
            self._timer = self.loop.call_later(seconds, self._expire, phase, seconds)

    def _expire(self, phase: str, seconds: float) -> None:
        self._timer = None
        if self.transport.is_closing():
            return
        log.info("closing a connection from %s: the request %s took longer than %g s",
                 self.client, phase, seconds)
        if phase == "head" and self._may_answer():
            self.transport.write(_raw_error(408, b"Request Timeout", "Request Timeout",
                                            f"the request head was not received within "
                                            f"{seconds:g} s"))
        self.transport.close()


class _GuardedH11Protocol(_Deadlines, H11Protocol):
    def _may_answer(self) -> bool:
        return self.conn.our_state is h11.IDLE

    def _sync_phase(self) -> None:
        state = self.conn.their_state
        self._set_phase("head" if state is h11.IDLE else "body" if state is h11.SEND_BODY
                        else None)

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._sync_phase()

    def handle_events(self) -> None:
        super().handle_events()
        self._sync_phase()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self._sync_phase()

    def connection_lost(self, exc: Exception | None) -> None:
        self._set_phase(None)
        super().connection_lost(exc)


# (method, path, query string, headers) -> (headers, body) of a 200 answer, or None
Responder = Callable[[str, str, bytes, list[tuple[bytes, bytes]]],
                     tuple[list[tuple[bytes, bytes]], bytes] | None]
_REQUEST_LINE = re.compile(rb"^[!-~]+ [!-~]+ HTTP/(\d+)\.(\d+)\r?$")


class _GuardedHttpToolsProtocol(_Deadlines, HttpToolsProtocol):
    """The same two deadlines over uvicorn's httptools protocol (llhttp: about twice h11's
    requests per second). Phases follow the parser's callbacks: the head runs from the
    connection (or the previous answer, when no pipelined request waits) to
    ``on_headers_complete``, the body from there to ``on_message_complete``. A request line
    llhttp refuses is answered in the JSON error shape: 505 when it names an HTTP version other
    than 1.0 and 1.1 (read from the line itself), else 400."""

    responder: Responder | None = None  # answers some requests from their head alone

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._line = b""  # the start of the request being read, up to its first line
        self._answered = False  # the current request was answered by the responder

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._set_phase("head")

    def data_received(self, data: bytes) -> None:
        if self._phase == "head" and b"\n" not in self._line:
            self._line = (self._line + data)[:8192]
        super().data_received(data)

    def send_400_response(self, msg: str) -> None:
        line = _REQUEST_LINE.match(self._line.split(b"\n", 1)[0])
        if line and (int(line[1]), int(line[2])) not in ((1, 0), (1, 1)):
            version = f"{int(line[1])}.{int(line[2])}"
            answer = _raw_error(505, b"HTTP Version Not Supported", "HTTP Version Not Supported",
                                f"HTTP/{version} is not supported; use HTTP/1.1")
        else:
            answer = _raw_error(400, b"Bad Request", "Bad Request",
                                "the request is not valid HTTP/1.1")
        self._set_phase(None)
        self.transport.write(answer)
        self.transport.close()

    def on_headers_complete(self) -> None:
        self._line = b""
        self._answered = False
        if self.responder is not None and self._respond_at_once(self.responder):
            return
        super().on_headers_complete()
        self._set_phase("body")

    def _respond_at_once(self, responder: Responder) -> bool:
        """Answer from the head alone when ``responder`` can and no earlier answer is pending."""
        if self.cycle is not None and not self.cycle.response_complete or self.pipeline:
            return False
        version = self.parser.get_http_version()
        if version not in ("1.0", "1.1"):
            return False
        method = self.parser.get_method().decode("ascii", "replace")
        parsed = httptools.parse_url(self.url)
        path = urllib.parse.unquote(parsed.path.decode("ascii", "replace"))
        found = responder(method, path, parsed.query or b"", self.headers)
        if found is None:
            return False
        headers, body = found
        keep_alive = version == "1.1" and self.parser.should_keep_alive()
        head = [b"HTTP/1.1 200 OK\r\n"]
        for name, value in [*self.server_state.default_headers, *headers]:
            head += [name, b": ", value, b"\r\n"]
        if not keep_alive:
            head.append(b"connection: close\r\n")
        head.append(b"\r\n")
        self.transport.write(b"".join(head) + (b"" if method == "HEAD" else body))
        self._answered = True
        self.server_state.total_requests += 1
        if self.access_log:
            client = f"{self.client[0]}:{self.client[1]}" if self.client else "-"
            self.access_logger.info('%s - "%s %s HTTP/%s" %d', client, method,
                                    self.url.decode("ascii", "replace"), version, 200)
        if not keep_alive:
            self.transport.close()
        self._set_phase(None)
        return True

    def on_body(self, body: bytes) -> None:
        if not self._answered:
            super().on_body(body)

    def on_message_complete(self) -> None:
        if self._answered:
            self._answered = False
            self._set_phase(None if self.transport.is_closing() else "head")
            return
        super().on_message_complete()
        self._set_phase(None)

    def on_response_complete(self) -> None:
        super().on_response_complete()
        waiting = self.cycle is not None and not self.cycle.response_complete
        self._set_phase(None if waiting or self.transport.is_closing() else "head")

    def connection_lost(self, exc: Exception | None) -> None:
        self._set_phase(None)
        super().connection_lost(exc)


def guarded_protocol(header_timeout: float, body_timeout: float, impl: str = "httptools",
                     responder: Responder | None = None
                     ) -> type[H11Protocol | HttpToolsProtocol]:
    """uvicorn's httptools (default) or h11 protocol with these two deadlines (pass it as
    ``uvicorn.Config(http=…)``); with httptools, ``responder`` may answer a GET from its head
    alone (the server's cached SPARQL answers) without starting an ASGI cycle."""
    base: type[H11Protocol | HttpToolsProtocol] = (
        _GuardedHttpToolsProtocol if impl == "httptools" else _GuardedH11Protocol)
    return type(f"Guarded{base.__name__.removeprefix('_Guarded')}", (base,),
                {"header_timeout": header_timeout, "body_timeout": body_timeout,
                 "responder": staticmethod(responder) if responder else None})


class HttpVersions:
    """Pure ASGI middleware: 505 for any HTTP version but 1.0 and 1.1."""

    SUPPORTED = frozenset({"1.0", "1.1"})

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        version = scope.get("http_version", "1.1")
        if scope["type"] != "http" or version in self.SUPPORTED:
            await self.app(scope, receive, send)
            return
        body = _error_bytes(505, "HTTP Version Not Supported",
                            f"HTTP/{version} is not supported; use HTTP/1.1")
        await send({"type": "http.response.start", "status": 505, "headers": [
            (b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
            (b"connection", b"close")]})
        await send({"type": "http.response.body", "body": body})


class SecurityHeaders:
    """Pure ASGI middleware: nosniff everywhere, a strict CSP on HTML, a default Cache-Control."""

    CSP = ("default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; "
           "form-action 'none'; frame-ancestors 'none'")

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {k.lower() for k, _ in headers}
                headers.append((b"x-content-type-options", b"nosniff"))
                ctype = next((v for k, v in headers if k.lower() == b"content-type"), b"")
                if ctype.startswith(b"text/html") and b"content-security-policy" not in names:
                    headers.append((b"content-security-policy", self.CSP.encode()))
                if b"cache-control" not in names and message.get("status", 200) < 400:
                    headers.append((b"cache-control", DEFAULT_CACHE.encode()))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)
