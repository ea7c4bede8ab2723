"""What ``drivekg serve`` refuses below the application: slow clients and unknown HTTP versions.

**Slow clients.** uvicorn has ``timeout_keep_alive`` (idle time between requests, reset by every
byte received) but nothing that bounds how long a request takes to *arrive*, so a client that
trickles its headers or its body one byte at a time keeps a connection open as long as it likes
(slowloris); ASGI middleware cannot help, it runs only once the head is parsed. h11 and httptools
have no timers of their own. ``guarded_protocol`` therefore subclasses uvicorn's h11 protocol with
two deadlines, set from h11's view of the client's side of the connection:

* the request head must be complete ``header_timeout`` seconds after the connection was opened,
  or after the previous response was sent (keep-alive); else the answer is 408 in the JSON error
  shape and the connection is closed;
* the body must be complete ``body_timeout`` seconds after the head; else the connection is
  closed (the application sees the client disconnect).

While the application works on a request no deadline runs (SPARQL has its own timeout).

**Headers on every answer** (``SecurityHeaders``): nosniff, a strict CSP on HTML, and a default
``Cache-Control``.

**HTTP versions.** h11 accepts any ``HTTP/d.d`` request line; ``HttpVersions`` answers anything but
HTTP/1.0 and 1.1 with 505.
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

import h11
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from uvicorn.protocols.http.h11_impl import H11Protocol

__all__ = ["HttpVersions", "SecurityHeaders", "guarded_protocol"]

DEFAULT_CACHE = "public, max-age=300"

log = logging.getLogger("drivekg.web.app")


def _error_bytes(status: int, title: str, detail: str) -> bytes:
    return json.dumps({"error": {"status": status, "title": title, "detail": detail}}).encode()


class _GuardedH11Protocol(H11Protocol):
    header_timeout = 10.0
    body_timeout = 30.0

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._phase: str | None = None
        self._timer: asyncio.TimerHandle | None = None

    def _sync_phase(self) -> None:
        state = self.conn.their_state
        phase = "head" if state is h11.IDLE else "body" if state is h11.SEND_BODY else None
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
        if phase == "head" and self.conn.our_state is h11.IDLE:
            body = _error_bytes(408, "Request Timeout",
                                f"the request head was not received within {seconds:g} s")
            self.transport.write(
                b"HTTP/1.1 408 Request Timeout\r\ncontent-type: application/json\r\n"
                b"connection: close\r\ncontent-length: %d\r\n\r\n%s" % (len(body), body))
        self.transport.close()

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
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        super().connection_lost(exc)


def guarded_protocol(header_timeout: float, body_timeout: float) -> type[H11Protocol]:
    """uvicorn's h11 protocol with these two deadlines (pass it as ``uvicorn.Config(http=…)``)."""
    return type("GuardedH11Protocol", (_GuardedH11Protocol,),
                {"header_timeout": header_timeout, "body_timeout": body_timeout})


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
                if ctype.startswith(b"text/html"):
                    headers.append((b"content-security-policy", self.CSP.encode()))
                if b"cache-control" not in names and message.get("status", 200) < 400:
                    headers.append((b"cache-control", DEFAULT_CACHE.encode()))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)
