"""How `drivekg build` grows with its input: a generated chart table of N rows, N = 300 … 10,000.

    .venv/bin/python bench/input_growth.py [N …] [--stages]

Each size is built by `drivekg build` in a fresh process; the figures are that process's CPU
seconds (user + system: steady on a shared machine, unlike wall time, which is shown beside them).
The growth exponent k between two sizes is log(t2/t1) / log(n2/n1): 1 is linear. Baselines: the
CPU seconds of the same builds at commit 34525ad (before the input hardening of issue 11, measured
the same way), and the wall times issue 11 reported.
With --stages, each size is also timed stage by stage in-process (CPU seconds), to find the
stage that grows faster than the input.
"""

from __future__ import annotations

import json
import math
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SIZES = [300, 1_000, 3_000, 10_000]
BASELINE_CPU = {300: 5.3, 1_000: 22.8, 3_000: 89.8}  # CPU s at 34525ad; 10,000 not run
BASELINE_WALL = {300: 7.5, 1_000: 32.0, 3_000: 136.0}  # issue 11; 30,000 rows did not finish


def article(rows: int) -> str:
    """An album with one weekly chart table of ``rows`` distinct charts (positions 1-200)."""
    table = "\n".join(f"| Generated Albums Chart {i} | {i % 200 + 1} |" for i in range(rows))
    return f"""= Generated (album) =

Generated Album
- Type: studio
- Artist: Some Band
- Released: March 4, 2019

Generated Album is an album made for a benchmark.

== Charts ==

  - Weekly chart performance for Generated Album**

| Chart (2019) | Peak position |
{table}
"""


def whole_build(rows: int, tmp: Path) -> tuple[float, float]:
    """(wall, CPU) seconds of `drivekg build` on the generated article, in a fresh process."""
    path = tmp / f"chart-{rows}.txt"
    path.write_text(article(rows), encoding="utf-8")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "drivekg", "build", str(path), "--out", str(tmp / f"out-{rows}"),
         "--max-facts", str(20 * rows + 1_000)],
        check=True, capture_output=True,
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def stages(rows: int) -> dict[str, float]:
    """CPU seconds of each build stage, in this process (run through --one in a fresh one)."""
    from drivekg.files import write_tree
    from drivekg.graph.validate import validate
    from drivekg.iris import DEFAULT_BASE
    from drivekg.pipeline import RENDERERS, build

    text = article(rows)
    found: dict[str, float] = {}

    def clock(name: str, start: float) -> None:
        found[name] = time.process_time() - start

    start = time.process_time()
    b = build(text, article_source="a.txt", base=DEFAULT_BASE)
    clock("parse + build graph", start)
    start = time.process_time()
    v = validate(b.graph)
    clock("SHACL validation", start)
    outputs: dict[str, bytes] = {}
    start = time.process_time()
    _ = b.dumps
    clock("serialize the dumps", start)
    for renderer in RENDERERS:
        start = time.process_time()
        outputs.update(renderer(b, v))
        clock(f"render {getattr(renderer, '__name__', renderer)}", start)
    with tempfile.TemporaryDirectory() as tmp:
        start = time.process_time()
        write_tree(Path(tmp) / "out", outputs)
        clock("write the output tree", start)
    found["triples"] = len(b.graph)
    return found


def exponent(n1: int, t1: float, n2: int, t2: float) -> str:
    return f"{math.log(t2 / t1) / math.log(n2 / n1):.2f}"


def main(argv: list[str]) -> None:
    if argv[:1] == ["--one"]:
        print(json.dumps(stages(int(argv[1]))))
        return
    sizes = [int(a) for a in argv if a.isdigit()] or SIZES
    with tempfile.TemporaryDirectory() as tmp:
        results = {n: whole_build(n, Path(tmp)) for n in sizes}
    print("drivekg build of a generated chart table (CPU = user + system of the build process)")
    print(f"{'rows':>7} {'wall s':>8} {'CPU s':>8} {'CPU ms/row':>11} {'k':>6}"
          f" | before: {'CPU s':>6} {'ms/row':>7} {'k':>5} {'wall s':>7} {'k':>5}")
    previous: tuple[int, float] | None = None
    for n in sizes:
        wall, cpu = results[n]
        k = exponent(previous[0], previous[1], n, cpu) if previous else ""
        before = []
        for old in (BASELINE_CPU, BASELINE_WALL):
            prior = [m for m in old if m < n]
            if n in old:
                old_k = exponent(max(prior), old[max(prior)], n, old[n]) if prior else ""
                before += [f"{old[n]:.1f}", old_k]
            else:
                before += ["—", ""]
        per_row = f"{1000 * BASELINE_CPU[n] / n:.2f}" if n in BASELINE_CPU else "—"
        old_cpu, old_k, old_wall, old_wall_k = before
        print(f"{n:>7} {wall:>8.1f} {cpu:>8.1f} {1000 * cpu / n:>11.2f} {k:>6}"
              f" |         {old_cpu:>6} {per_row:>7} {old_k:>5} {old_wall:>7} {old_wall_k:>5}")
        previous = (n, cpu)
    if "--stages" in argv:
        print("\nstage CPU seconds (in-process)")
        per = {
            n: json.loads(subprocess.run([sys.executable, __file__, "--one", str(n)], check=True,
                                         capture_output=True, text=True).stdout)
            for n in sizes
        }
        names = [k for k in per[sizes[0]] if k != "triples"]
        print(f"{'stage':<28}" + "".join(f"{n:>9}" for n in sizes) + f"{'k':>7}")
        for name in names:
            k = exponent(sizes[0], per[sizes[0]][name], sizes[-1], per[sizes[-1]][name])
            print(f"{name:<28}" + "".join(f"{per[n][name]:>9.2f}" for n in sizes) + f"{k:>7}")
        print(f"{'triples':<28}" + "".join(f"{int(per[n]['triples']):>9}" for n in sizes))


if __name__ == "__main__":
    main(sys.argv[1:])
