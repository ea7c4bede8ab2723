"""`drivekg validate` on hostile files: one long literal (1, 4, 16 MB) and a billion-laughs bomb.

    .venv/bin/python bench/validate_bench.py [--old CHECKOUT] [--timeout S]

Each file is validated by `drivekg validate` in a fresh process, as a user runs it. Baseline: the
figures measured before the fix (issue 11; rdflib's own parsers), or, with ``--old CHECKOUT``,
the same files validated by another checkout's code (its ``src`` first on PYTHONPATH), each
stopped after ``--timeout`` seconds.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
ISSUE = {  # measured before the fix, as reported in issue 11
    ("nt", 1): "6.9 s",
    ("nt", 4): "69 s",
    ("nt", 16): "> 200 s",
    ("ttl", 16): "2.1 s",
    ("rdf", 0): "> 120 s (100% CPU)",
}


def laughs() -> str:
    entities = "\n".join(
        f' <!ENTITY lol{i} "{(f"&lol{i - 1};" if i > 1 else "&lol;") * 10}">' for i in range(1, 10)
    )
    return (
        f'<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [\n <!ENTITY lol "lol">\n{entities}\n]>\n'
        f'<rdf:RDF xmlns:rdf="{RDF}" xmlns:s="https://schema.org/">\n'
        '  <rdf:Description rdf:about="urn:x:a"><s:name>&lol9;</s:name></rdf:Description>\n'
        "</rdf:RDF>\n"
    )


def timed(path: Path, src: Path | None, timeout: float) -> str:
    env = dict(os.environ)
    if src is not None:
        env["PYTHONPATH"] = str(src / "src")
    start = time.perf_counter()
    try:
        result = subprocess.run(
            [sys.executable, "-m", "drivekg", "validate", str(path)],
            capture_output=True, text=True, timeout=timeout, env=env, check=False,
        )
    except subprocess.TimeoutExpired:
        return f"> {timeout:.0f} s (stopped)"
    return f"{time.perf_counter() - start:.2f} s (exit {result.returncode})"


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--old", type=Path, help="a checkout to measure as the baseline")
    options.add_argument("--timeout", type=float, default=300.0, help="seconds per old run")
    args = options.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        cases = []
        for size in (1, 4, 16):
            literal = "a" * (size * 1_000_000)
            for suffix in ("nt", "ttl"):
                path = Path(tmp) / f"literal-{size}mb.{suffix}"
                path.write_text(f'<urn:x:a> <https://schema.org/name> "{literal}" .\n')
                cases.append((suffix, size, f"{size} MB literal, {suffix}", path))
        bomb = Path(tmp) / "laughs.rdf"
        bomb.write_text(laughs())
        cases.append(("rdf", 0, f"billion laughs, {bomb.stat().st_size} B RDF/XML", bomb))
        baseline = f"old: {args.old}" if args.old else "before (issue 11)"
        print(f"{'file':<32} {'now':>18}   {baseline}")
        for suffix, size, what, path in cases:
            now = timed(path, None, 600)
            if args.old:
                old = timed(path, args.old, args.timeout)
            else:
                old = ISSUE.get((suffix, size), "-")

            print(f"{what:<32} {now:>18}   {old}", flush=True)


if __name__ == "__main__":
    main()
