"""No network by surprise: reading and validating RDF never fetches anything.

``drivekg validate`` reads with pyoxigraph, which has no HTTP client, after refusing remote JSON-LD
contexts by name (``rdfinput``); pySHACL runs with ``do_owl_imports=False``. As a second line,
inside ``no_network()`` an audit hook refuses every ``urllib.Request``, host name lookup and
socket connection made from Python before a socket is opened (rdflib, for one, follows remote
references with urllib). The hook is installed once and is inert outside the context manager
(other code in the process, such as a SPARQL client, is unaffected).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from drivekg.errors import DriveKGError

_blocked: ContextVar[bool] = ContextVar("drivekg_no_network", default=False)
_installed = False


class NetworkRefused(DriveKGError):
    """Something tried to fetch a URL while drivekg reads local data."""


_EVENTS = {"urllib.Request", "socket.getaddrinfo", "socket.gethostbyname", "socket.connect"}


def _hook(event: str, args: tuple[Any, ...]) -> None:
    if event in _EVENTS and _blocked.get():
        what = args[1] if event == "socket.connect" and len(args) > 1 else args[0] if args else "?"
        raise NetworkRefused(f"refusing to reach {what}: drivekg does not use the network here")


@contextmanager
def no_network() -> Iterator[None]:
    global _installed
    if not _installed:
        sys.addaudithook(_hook)
        _installed = True
    token = _blocked.set(True)
    try:
        yield
    finally:
        _blocked.reset(token)
