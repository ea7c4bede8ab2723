"""SPARQL throughput of `drivekg serve` beside `oxigraph serve-read-only`, measured with wrk.

Both servers on 127.0.0.1 over the same data (out/graph.nt, loaded into a temporary Oxigraph
database with `oxigraph load`) answer the same cheap SELECTs from wrk (Debian's `wrk`), 50
connections, --seconds each, in two workloads:

* repeated: the same SELECT every time (drivekg answers it from its answer cache, keyed by the
  query text and the negotiated format: legitimate for a read-only store);
* varied: a new text every request (a counter in a comment; ten entities in turn), so every
  query runs in a SPARQL worker process.

Runs alternate between the servers (--rounds times) since the machine is shared; prints every
run's requests/s, p50 and p99 latency and non-2xx answers, then the medians and drivekg's
throughput as a fraction of Oxigraph's. drivekg runs with --log-level warning (no access log),
as Oxigraph writes none. Loopback only; every run is bounded by --seconds.

    .venv/bin/python bench/sparql_bench.py [--out out] [--seconds 8] [--rounds 3]
"""

from __future__ import annotations

import argparse
import contextlib
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import httpx

REPEATED = ("SELECT ?name WHERE { <https://w3id.org/drivekg/id/drive-soundtrack> "
            "<https://schema.org/name> ?name }")
KEYS = ["drive-soundtrack", "cliff-martinez", "drive-film", "kavinsky", "college",
        "electric-youth", "desire", "lakeshore-records", "mondo", "nicolas-winding-refn"]
LUA_KEYS = ", ".join(f'"{k}"' for k in KEYS)
VARIED_LUA = """
local keys = {KEYS_HERE}
local n = 0
local function enc(s)
  return (s:gsub("[^%w%-_%.~]",
                 function(c) return string.format("%%%02X", string.byte(c)) end))
end
request = function()
  n = n + 1
  local key = keys[(n % #keys) + 1]
  local q = "SELECT ?p ?o WHERE { <https://w3id.org/drivekg/id/" .. key .. "> ?p ?o } LIMIT 5 # "
            .. n .. " " .. math.random(1, 1000000000)
  return wrk.format("GET", wrk.path .. "?query=" .. enc(q),
                    {["Accept"] = "application/sparql-results+json"})
end
""".replace("KEYS_HERE", LUA_KEYS)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def wait_until_up(url: str, process: subprocess.Popen[bytes], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the server at {url} exited")
        with contextlib.suppress(httpx.TransportError):
            if httpx.get(url, params={"query": "ASK {}"}, timeout=2).status_code == 200:
                return
        time.sleep(0.2)
    raise SystemExit(f"the server at {url} did not answer")


@contextlib.contextmanager
def started(argv: list[str], url: str, log: Path) -> Iterator[str]:
    with open(log, "wb") as log_file:
        process = subprocess.Popen(argv, stdout=log_file, stderr=subprocess.STDOUT)
        try:
            wait_until_up(url, process)
            yield url
        finally:
            process.terminate()
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def wrk(url: str, seconds: float, script: Path | None) -> dict[str, float]:
    argv = ["wrk", "-t2", "-c50", f"-d{seconds:g}s", "--latency",
            "-H", "Accept: application/sparql-results+json"]
    if script is not None:
        argv += ["-s", str(script)]
    text = subprocess.run([*argv, url], capture_output=True, text=True, check=True).stdout

    def ms(label: str) -> float:
        match = re.search(rf"^\s*{label}%\s+([\d.]+)(us|ms|s)\s*$", text, re.M)
        assert match, text
        return float(match[1]) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[match[2]]

    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text)[1])  # type: ignore[index]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    return {"rps": rps, "p50": ms("50"), "p99": ms("99"), "errors": int(errors[1]) if errors
            else 0}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", default="out")
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is needed (Debian: apt-get install wrk)")
    oxigraph = str(Path(sys.executable).parent / "oxigraph")
    graph = Path(args.out) / "graph.nt"
    tmp = Path(tempfile.mkdtemp(prefix="drivekg-sparql-bench-"))
    subprocess.run([oxigraph, "load", "--location", str(tmp / "db"), "--file", str(graph)],
                   check=True, capture_output=True)
    script = tmp / "varied.lua"
    script.write_text(VARIED_LUA)
    ox_port, dk_port = free_port(), free_port()
    ox_url, dk_url = f"http://127.0.0.1:{ox_port}/query", f"http://127.0.0.1:{dk_port}/sparql"
    results: dict[tuple[str, str], list[dict[str, float]]] = {}
    with started([oxigraph, "serve-read-only", "--location", str(tmp / "db"), "--bind",
                  f"127.0.0.1:{ox_port}"], ox_url, tmp / "oxigraph.log"), \
         started([sys.executable, "-m", "drivekg", "serve", "--out", args.out, "--port",
                  str(dk_port), "--log-level", "warning"], dk_url, tmp / "drivekg.log"):
        repeated = f"?query={quote(REPEATED)}"
        for url in (ox_url, dk_url):  # warm up: the first answer fills drivekg's cache
            httpx.get(url + repeated, headers={"Accept": "application/sparql-results+json"})
        for _ in range(args.rounds):
            for server, url in (("oxigraph", ox_url), ("drivekg", dk_url)):
                for workload, target, lua in (("repeated", url + repeated, None),
                                              ("varied", url, script)):
                    run = wrk(target, args.seconds, lua)
                    results.setdefault((server, workload), []).append(run)
                    print(f"{server:9} {workload:9} {run['rps']:9.0f} req/s  p50 "
                          f"{run['p50']:7.2f} ms  p99 {run['p99']:7.2f} ms  non-2xx "
                          f"{run['errors']:.0f}", flush=True)
    print("\nmedian of the runs (50 connections, wrk -t2)")
    print(f"{'workload':10} {'oxigraph req/s':>15} {'drivekg req/s':>14} {'ratio':>7} "
          f"{'drivekg p99 ms':>15}")
    for workload in ("repeated", "varied"):
        ox = statistics.median(r["rps"] for r in results[("oxigraph", workload)])
        dk = statistics.median(r["rps"] for r in results[("drivekg", workload)])
        p99 = statistics.median(r["p99"] for r in results[("drivekg", workload)])
        print(f"{workload:10} {ox:15.0f} {dk:14.0f} {dk / ox:7.2f} {p99:15.2f}")
    shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
