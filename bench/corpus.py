"""Build every article of a folder as a user would, and print what each build gave.

    .venv/bin/python bench/corpus.py DIR [--strict] [--conventions FILE]

For each ``DIR/*.txt`` (in name order): ``drivekg build FILE --out TMP`` run in this process
(its claims file beside it is used when there is one), then one row: the article, the exit code
(0 built and conforms, 1 built but does not conform, 2 refused), the triples written, the lines
of the article the build did not read (the report's "Not read" section), and the build's wall
time. Then the totals: articles, built, lines not read (median, max), time per article.

Baseline: the bundled Drive article (with its claims file), built the same way.

The folder's text is not copied anywhere: each build writes to a temporary directory that is
removed afterwards.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import re
import statistics
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from drivekg.cli import default_article, main

_NOT_READ = re.compile(r"^  ([0-9]+) line\(s\) not read", re.MULTILINE)


@dataclass(frozen=True)
class Row:
    article: str
    code: int
    triples: int | None
    not_read: int | None
    seconds: float
    note: str


def build_one(path: Path, extra: list[str]) -> Row:
    with tempfile.TemporaryDirectory() as tmp:
        out, err = io.StringIO(), io.StringIO()
        started = time.perf_counter()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(["build", str(path), "--out", f"{tmp}/out", *extra])
        seconds = time.perf_counter() - started
        dump = Path(tmp) / "out" / "graph.nt"
        triples = sum(1 for _ in dump.open(encoding="utf-8")) if code != 2 else None
    found = _NOT_READ.search(out.getvalue())
    note = err.getvalue().strip().splitlines()[0] if code == 2 and err.getvalue().strip() else ""
    if code == 1:
        note = "does not conform (see its report.md)"
    not_read = int(found[1]) if found else None
    return Row(path.name, code, triples, not_read, seconds, note.removeprefix("drivekg: "))


def _cell(value: object) -> str:
    return "-" if value is None else str(value)


def main_(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("dir", type=Path)
    parser.add_argument("--strict", action="store_true", help="build with --strict")
    parser.add_argument("--conventions", action="append", default=[], metavar="FILE")
    args = parser.parse_args(argv)
    extra = ["--strict"] if args.strict else []
    for name in args.conventions:
        extra += ["--conventions", name]
    paths = sorted(args.dir.glob("*.txt"))
    if not paths:
        parser.error(f"no *.txt in {args.dir}")

    baseline = build_one(default_article(), [])
    rows = [build_one(path, extra) for path in paths]

    width = max(len(r.article) for r in rows)
    print(f"{'article':<{width}}  exit  triples  not read  seconds  note")
    for r in rows:
        print(
            f"{r.article:<{width}}  {r.code:>4}  {_cell(r.triples):>7}  {_cell(r.not_read):>8}  "
            f"{r.seconds:>7.2f}  {r.note}"
        )
    built = [r for r in rows if r.code == 0]
    counts = [r.not_read for r in rows if r.not_read is not None]
    times = [r.seconds for r in rows]
    print()
    print(f"articles: {len(rows)}")
    print(
        f"built: {len(built)} (exit 0), {sum(r.code == 1 for r in rows)} not conforming "
        f"(exit 1), {sum(r.code == 2 for r in rows)} refused (exit 2)"
    )
    if counts:
        print(
            f"lines not read per article: median {statistics.median(counts):g}, "
            f"max {max(counts)}, total {sum(counts)}"
        )
    print(
        f"time per article: median {statistics.median(times):.2f} s, "
        f"mean {statistics.mean(times):.2f} s, total {sum(times):.1f} s"
    )
    print(
        f"baseline: the bundled Drive article with its claims: exit {baseline.code}, "
        f"{_cell(baseline.triples)} triples, {baseline.seconds:.2f} s"
    )
    return 0 if len(built) == len(rows) else 1


if __name__ == "__main__":
    raise SystemExit(main_())
