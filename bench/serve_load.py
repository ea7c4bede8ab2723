"""A short load run of `drivekg serve`: a bounded number of requests from a few concurrent clients.

Starts `drivekg serve` on 127.0.0.1 (a free port), waits until it answers, then sends --requests
requests (entity IRIs with content negotiation, and SPARQL queries) from --concurrency clients
(httpx, asyncio), stops after --max-seconds at the latest, stops the server, and prints
requests/s and latency percentiles, overall and per kind of request. Loopback only.

Baseline: the same SPARQL requests against Oxigraph's own server (`oxigraph serve-read-only`,
from the `oxigraph` package) holding the same graph.nt — what a user would run without drivekg.

    .venv/bin/python bench/serve_load.py [--out out] [--requests 2000] [--concurrency 8]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import httpx

MAX_REQUESTS = 20_000
ACCEPTS = ["text/html", "text/turtle", "application/ld+json", "application/n-triples"]
QUERIES = {
    "sparql-select": "SELECT ?p ?name WHERE { ?p a schema:Person ; schema:name ?name } "
                     "ORDER BY ?name",
    "sparql-ask": "ASK { ?album a schema:MusicAlbum }",
    "sparql-construct": "CONSTRUCT { ?s schema:name ?n } WHERE { ?s a schema:MusicRelease ; "
                        "schema:releaseOf/schema:name ?n }",
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def plan(out: Path, count: int) -> list[tuple[str, str, dict[str, str]]]:
    """(kind, path, headers) for each request: 60 % entities, 40 % SPARQL, in a fixed order."""
    site = out / "site" / "id"
    keys = sorted(p.relative_to(site).as_posix()[:-4] for p in site.rglob("*.ttl"))
    if not keys:
        raise SystemExit(f"{out}: no site; run `drivekg build --out {out}` first")
    requests = []
    names = list(QUERIES)
    for i in range(count):
        if i % 10 < 6:
            accept = ACCEPTS[i % len(ACCEPTS)]
            kind = f"entity {accept}"
            requests.append((kind, f"/id/{keys[(i * 7) % len(keys)]}", {"Accept": accept}))
        else:
            name = names[i % len(names)]
            query = httpx.QueryParams({"query": QUERIES[name]})
            requests.append((name, f"/sparql?{query}", {}))
    return requests


async def run(url: str, requests: list[tuple[str, str, dict[str, str]]], concurrency: int,
              max_seconds: float) -> tuple[dict[str, list[float]], dict[str, int], float]:
    latencies: dict[str, list[float]] = defaultdict(list)
    failures: dict[str, int] = defaultdict(int)
    queue: asyncio.Queue[tuple[str, str, dict[str, str]]] = asyncio.Queue()
    for item in requests:
        queue.put_nowait(item)
    deadline = time.monotonic() + max_seconds

    async def client() -> None:
        async with httpx.AsyncClient(base_url=url, timeout=30) as http:
            while not queue.empty() and time.monotonic() < deadline:
                kind, path, headers = queue.get_nowait()
                started = time.perf_counter()
                response = await http.get(path, headers=headers)
                await response.aread()
                latencies[kind].append(time.perf_counter() - started)
                if response.status_code != 200:
                    failures[f"{kind} -> {response.status_code}"] += 1

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(concurrency)))
    return latencies, failures, time.perf_counter() - started


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def report(latencies: dict[str, list[float]], failures: dict[str, int], elapsed: float,
           concurrency: int) -> None:
    every = [v for values in latencies.values() for v in values]
    print(f"{len(every)} requests, {concurrency} concurrent clients, {elapsed:.2f} s: "
          f"{len(every) / elapsed:.0f} requests/s")
    print(f"{'kind':<34} {'n':>5} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    rows = sorted(latencies.items()) + [("all", every)]
    for kind, values in rows:
        print(f"{kind:<34} {len(values):>5} {statistics.median(values) * 1000:>8.1f} "
              f"{percentile(values, 95) * 1000:>8.1f} {max(values) * 1000:>8.1f}")
    if failures:
        print("non-200 answers:", dict(failures))


PREFIXES = (
    "PREFIX schema: <https://schema.org/>\n"
)


@contextlib.contextmanager
def running(command: list[str], probe: str) -> Iterator[None]:
    """Start a server, wait until ``probe`` answers 200, stop it afterwards."""
    with tempfile.TemporaryFile() as log:
        server = subprocess.Popen(
            command, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        try:
            deadline = time.monotonic() + 60
            while True:
                if server.poll() is not None:
                    log.seek(0)
                    raise SystemExit(f"{command[0]} exited:\n{log.read().decode()}")
                with contextlib.suppress(httpx.TransportError):
                    if httpx.get(probe, timeout=2).status_code == 200:
                        break
                if time.monotonic() > deadline:
                    raise SystemExit(f"{command[0]} did not answer within 60 s")
                time.sleep(0.1)
            yield
        finally:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


def oxigraph_baseline(out: Path, count: int, concurrency: int, max_seconds: float) -> None:
    """The SPARQL part of the plan, sent to `oxigraph serve-read-only` over the same graph."""
    beside = Path(sys.executable).parent / "oxigraph"
    binary = str(beside) if beside.is_file() else shutil.which("oxigraph")
    if binary is None:
        print("\nbaseline skipped: no `oxigraph` server installed (pip install oxigraph)")
        return
    sparql = []
    for i in range(count):
        if i % 10 >= 6:
            name = list(QUERIES)[i % len(QUERIES)]
            query = httpx.QueryParams({"query": PREFIXES + QUERIES[name]})
            sparql.append((name, f"/query?{query}", {"Accept": "application/sparql-results+json"
                                                      if "CONSTRUCT" not in QUERIES[name]
                                                      else "text/turtle"}))
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory() as location:
        subprocess.run([binary, "load", "--location", location, "--file",
                        str(out / "graph.nt")], check=True, capture_output=True)
        with running([binary, "serve-read-only", "--location", location, "--bind",
                      f"127.0.0.1:{port}"], f"{url}/query?query=ASK%7B%7D"):
            asyncio.run(run(url, sparql[:concurrency * 5], concurrency, 30))  # warm up
            latencies, failures, elapsed = asyncio.run(run(url, sparql, concurrency, max_seconds))
    print("\nbaseline: the same SPARQL requests to `oxigraph serve-read-only`")
    report(latencies, failures, elapsed, concurrency)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="out", help="a build's output directory (default: out)")
    parser.add_argument("--requests", type=int, default=2000, help="requests (default 2000)")
    parser.add_argument("--concurrency", type=int, default=8, help="concurrent clients (default 8)")
    parser.add_argument("--max-seconds", type=float, default=60, help="stop after (default 60)")
    parser.add_argument("--workers", type=int, default=2, help="server SPARQL workers (default 2)")
    args = parser.parse_args()
    count = max(1, min(args.requests, MAX_REQUESTS))
    concurrency = max(1, min(args.concurrency, 64))
    requests = plan(Path(args.out), count)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    command = [sys.executable, "-m", "drivekg", "serve", "--out", args.out, "--host", "127.0.0.1",
               "--port", str(port), "--log-level", "warning", "--workers", str(args.workers)]
    with running(command, f"{url}/.well-known/void"):
        asyncio.run(run(url, requests[:concurrency * 5], concurrency, 30))  # warm up
        latencies, failures, elapsed = asyncio.run(
            run(url, requests, concurrency, args.max_seconds))
    print("drivekg serve")
    report(latencies, failures, elapsed, concurrency)
    oxigraph_baseline(Path(args.out), count, concurrency, args.max_seconds)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
