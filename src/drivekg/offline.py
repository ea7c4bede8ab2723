"""No network by surprise: reading RDF never fetches anything.

rdflib follows a JSON-LD document's remote ``@context`` (and other remote references) with
urllib. Inside ``no_network()`` an audit hook refuses every ``urllib.Request`` before a socket is
opened, so ``drivekg validate`` on a file that names a remote context fails with a clear message
instead of reaching out. The hook is installed once and is inert outside the context manager
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


def _hook(event: str, args: tuple[Any, ...]) -> None:
    if event == "urllib.Request" and _blocked.get():
        url = args[0] if args else "?"
        raise NetworkRefused(f"refusing to fetch {url}: drivekg does not reach out to the network")


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
