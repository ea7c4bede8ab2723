"""Fairness of `drivekg serve`'s SPARQL endpoint: cheap-query latency while runaway queries run.

Starts `drivekg serve` on 127.0.0.1 (a free port), then measures one client sending cheap queries
one after another (an ASK and a small SELECT, alternately):

Each client connects from its own loopback address (127.0.0.2 for the cheap one, 127.0.0.10 and
up for the runaway ones), since the server tells clients apart by address.

1. baseline: nothing else running;
2. the same while --runaways clients each send runaway queries back to back (a four-way cross
   join counted, and an ORDER BY over a cross join that grows without bound, alternately), each
   waiting for its answer (a 503/429 is retried after 50 ms, ignoring Retry-After, as a careless
   client would). With --vary each runaway query text is new (a counter in a comment), so the
   server cannot route it to the slow lane by its text.

Prints p50 / p99 / max of the cheap queries in both phases, side by side, and what the runaway
queries got (status counts). Loopback only; every loop is bounded by --seconds.

    .venv/bin/python bench/sparql_fairness.py [--out out] [--runaways 2] [--seconds 20] [--vary]
"""

from __future__ import annotations

import argparse
import contextlib
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import httpx

CHEAP = ["ASK { ?album a schema:MusicAlbum }",
         "SELECT ?name WHERE { ?p a schema:Person ; schema:name ?name } ORDER BY ?name LIMIT 5"]
RUNAWAY = ["SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }",
           "SELECT ?a ?d WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?a ?d ?c ?f ?i"]


CHEAP_ADDRESS = "127.0.0.2"  # each client from its own loopback address, as distinct hosts are


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextlib.contextmanager
def server(out: Path, options: list[str]) -> Iterator[str]:
    port = free_port()
    log = Path(tempfile.mkdtemp(prefix="drivekg-fairness-")) / "serve.log"
    with open(log, "wb") as log_file:
        process = subprocess.Popen(
            [sys.executable, "-m", "drivekg", "serve", "--out", str(out), "--port", str(port),
             "--log-level", "warning", *options], stdout=log_file, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"drivekg serve did not start; see {log}")
            with contextlib.suppress(httpx.TransportError):
                if httpx.get(f"{url}/sparql", params={"query": "ASK {}"}).status_code == 200:
                    break
            time.sleep(0.1)
        yield url
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()


def cheap_latencies(url: str, count: int, until: float) -> tuple[list[float], Counter[int]]:
    """Milliseconds of each cheap query (sent one after another), and the statuses."""
    latencies, statuses = [], Counter[int]()
    with httpx.Client(base_url=url, timeout=60,
                      transport=httpx.HTTPTransport(local_address=CHEAP_ADDRESS)) as client:
        for i in range(count):
            if time.monotonic() > until:
                break
            started = time.perf_counter()
            r = client.get("/sparql", params={"query": CHEAP[i % 2]})
            latencies.append((time.perf_counter() - started) * 1000)
            statuses[r.status_code] += 1
            time.sleep(0.01)
    return latencies, statuses


def runaway_client(url: str, index: int, vary: bool, stop: threading.Event,
                   statuses: Counter[str]) -> None:
    transport = httpx.HTTPTransport(local_address=f"127.0.0.{10 + index}")
    with httpx.Client(base_url=url, timeout=120, transport=transport) as client:
        n = 0
        while not stop.is_set():
            query = RUNAWAY[(index + n) % 2] + (f" # {index}-{n}" if vary else "")
            n += 1
            r = client.get("/sparql", params={"query": query})
            title = r.json()["error"]["title"] if r.status_code >= 400 else "ok"
            statuses[f"{r.status_code} {title}"] += 1
            if r.status_code in (429, 503):
                stop.wait(0.05)


def summary(latencies: list[float]) -> str:
    if not latencies:
        return "no answers"
    ordered = sorted(latencies)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return (f"{len(ordered):5d}  {statistics.median(ordered):8.1f}  {p99:8.1f}  "
            f"{ordered[-1]:8.1f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default="out", type=Path)
    ap.add_argument("--runaways", type=int, default=2, help="runaway clients (default 2)")
    ap.add_argument("--queries", type=int, default=400, help="cheap queries per phase")
    ap.add_argument("--seconds", type=float, default=20.0, help="at most this long per phase")
    ap.add_argument("--vary", action="store_true", help="a new text for every runaway query")
    ap.add_argument("serve_options", nargs="*", help="options for drivekg serve (after --)")
    args = ap.parse_args()
    if not (args.out / "graph.nt").exists():
        raise SystemExit(f"{args.out}: no build; run `drivekg build --out {args.out}` first")
    with server(args.out, args.serve_options) as url:
        base, base_status = cheap_latencies(url, args.queries, time.monotonic() + args.seconds)
        stop, statuses = threading.Event(), Counter[str]()
        threads = [threading.Thread(target=runaway_client,
                                    args=(url, i, args.vary, stop, statuses), daemon=True)
                   for i in range(max(0, args.runaways))]
        for t in threads:
            t.start()
        time.sleep(1.0)  # let the runaway queries reach the workers
        loaded, load_status = cheap_latencies(url, args.queries, time.monotonic() + args.seconds)
        stop.set()
        for t in threads:
            t.join(30)
    print(f"cheap SPARQL queries, one client; {args.runaways} runaway client(s)"
          f"{' with varying texts' if args.vary else ''}; serve {' '.join(args.serve_options)}")
    print(f"{'phase':28}  {'n':>5}  {'p50 ms':>8}  {'p99 ms':>8}  {'max ms':>8}  statuses")
    print(f"{'baseline (no runaways)':28}  {summary(base)}  {dict(base_status)}")
    print(f"{f'with {args.runaways} runaway client(s)':28}  {summary(loaded)}  "
          f"{dict(load_status)}")
    print("runaway answers:", ", ".join(f"{k}: {v}" for k, v in sorted(statuses.items())))


if __name__ == "__main__":
    main()
