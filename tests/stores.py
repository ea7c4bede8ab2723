"""External SPARQL stores for the tests, each started on 127.0.0.1 with a temporary database and
stopped afterwards: `oxigraph serve` (the venv's binary) and Debian's Virtuoso (`virtuoso-t`)."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx

from .conftest import require_tool
from .webtools import free_port

VIRTUOSO_INI = """\
[Database]
DatabaseFile = {root}/virtuoso.db
ErrorLogFile = {root}/virtuoso.log
LockFile = {root}/virtuoso.lck
TransactionFile = {root}/virtuoso.trx
xa_persistent_file = {root}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {root}/virtuoso-temp.db
TransactionFile = {root}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{isql}
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
DirsAllowed = ., {root}
CaseMode = 2

[HTTPServer]
ServerPort = 127.0.0.1:{http}
ServerRoot = {root}
MaxClientConnections = 8
ServerThreads = 8
EnabledDavVSP = 0

[SPARQL]
ResultSetMaxRows = 100000
MaxQueryExecutionTime = 60
"""


@dataclass(frozen=True)
class Store:
    name: str
    base: str  # http://127.0.0.1:PORT
    query: str  # the SPARQL query endpoint
    graph_store: str  # the Graph Store Protocol endpoint drivekg publish writes to


def _wait(process: subprocess.Popen[bytes], url: str, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    with httpx.Client(timeout=2) as client:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                return False
            with contextlib.suppress(httpx.TransportError):
                if client.get(url, params={"query": "ASK {}"}).status_code == 200:
                    return True
            time.sleep(0.1)
    return False


@contextlib.contextmanager
def oxigraph(root: Path) -> Iterator[Store]:
    """`oxigraph serve` over an empty database in ``root``."""
    beside = Path(sys.executable).parent / "oxigraph"
    program = str(beside) if beside.is_file() else require_tool("oxigraph")
    port = free_port()
    with open(root / "oxigraph.log", "wb") as log, subprocess.Popen(
            [program, "serve", "--location", str(root / "oxigraph-db"), "--bind",
             f"127.0.0.1:{port}"], stdout=log, stderr=subprocess.STDOUT) as process:
        try:
            base = f"http://127.0.0.1:{port}"
            if not _wait(process, f"{base}/query", 20):
                raise RuntimeError(f"oxigraph serve did not start: {(root / 'oxigraph.log')}")
            yield Store("oxigraph", base, f"{base}/query", f"{base}/store")
        finally:
            process.terminate()
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@contextlib.contextmanager
def virtuoso(root: Path) -> Iterator[Store]:
    """Debian's Virtuoso (virtuoso-opensource-7-bin) over a fresh database in ``root``; it
    ignores SIGTERM while busy, so it is stopped with SIGKILL (the database is temporary)."""
    program = require_tool("virtuoso-t")
    http, isql = free_port(), free_port()
    ini = root / "virtuoso.ini"
    ini.write_text(VIRTUOSO_INI.format(root=root, http=http, isql=isql))
    with open(root / "virtuoso.out", "wb") as log, subprocess.Popen(
            [program, "+configfile", str(ini), "+foreground"], cwd=root, stdout=log,
            stderr=subprocess.STDOUT, start_new_session=True) as process:
        try:
            base = f"http://127.0.0.1:{http}"
            if not _wait(process, f"{base}/sparql", 90):
                raise RuntimeError(f"virtuoso did not start: {root / 'virtuoso.log'}")
            yield Store("virtuoso", base, f"{base}/sparql", f"{base}/sparql-graph-crud-auth")
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.kill(process.pid, signal.SIGKILL)
            process.wait(30)
