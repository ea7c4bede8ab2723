"""Kill `drivekg build` (SIGKILL) at random moments: what out/ is then, and after the next build.

    .venv/bin/python bench/kill_bench.py [--trials N] [--old CHECKOUT] [--article FILE]

Each trial starts from out/ holding the "old" tree (built with another --base), starts a real
`drivekg build` of the "new" tree, kills it after a random delay (0.5 to 1.2 times one build's
duration, so that writing and swapping fall inside the window) and classifies out/: old, new,
missing or partial, and whether staging directories were left beside it. Then it runs the next
build to the end and looks again. With ``--old CHECKOUT`` the same is done with that checkout's
code (its ``src`` first on PYTHONPATH). Baseline (issue 11, the two-rename swap): ".out.new-*" left
behind in 4 of 20 killed builds and never cleaned up; killed between the two renames (reproduced
by delaying the first), out/ missing.
"""

from __future__ import annotations

import argparse
import collections
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

OLD_BASE, NEW_BASE = "http://old.example/id/", "http://new.example/id/"


def tree(directory: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(directory)): p.read_bytes()
        for p in sorted(directory.rglob("*"))
        if p.is_file()
    }


def state(out: Path, trees: dict[str, dict[str, bytes]]) -> str:
    if not out.exists():
        return "missing"
    now = tree(out)
    return next((name for name, t in trees.items() if now == t), "partial")


def litter(out: Path) -> int:
    return sum(1 for p in out.parent.iterdir() if p.name not in {out.name, f".{out.name}.lock"})


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--trials", type=int, default=100)
    options.add_argument("--old", type=Path, help="a checkout whose code to measure instead")
    options.add_argument("--article", help="article to build (default: the bundled one)")
    options.add_argument("--seed", type=int, default=11)
    args = options.parse_args()
    env = {k: v for k, v in os.environ.items() if k != "DRIVEKG_TEST_PAUSE"}
    if args.old:
        env["PYTHONPATH"] = str(args.old / "src")
    article = [args.article] if args.article else []

    def build(out: Path, base: str) -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            [sys.executable, "-m", "drivekg", "build", *article, "--out", str(out), "--base", base],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )

    chance = random.Random(args.seed)
    after_kill: collections.Counter[str] = collections.Counter()
    after_next: collections.Counter[str] = collections.Counter()
    littered = still_littered = 0
    with tempfile.TemporaryDirectory() as tmp:
        reference = {}
        for name, base in (("old", OLD_BASE), ("new", NEW_BASE)):
            out = Path(tmp) / f"ref-{name}" / "out"
            start = time.perf_counter()
            assert build(out, base).wait() == 0
            duration = time.perf_counter() - start
            reference[name] = tree(out)
        for trial in range(args.trials):
            out = Path(tmp) / f"trial-{trial}" / "out"
            shutil.copytree(Path(tmp) / "ref-old" / "out", out)
            process = build(out, NEW_BASE)
            time.sleep(chance.uniform(0.5, 1.2) * duration)
            process.send_signal(signal.SIGKILL)
            process.wait()
            after_kill[state(out, reference)] += 1
            littered += litter(out) > 0
            build(out, NEW_BASE).wait()
            after_next[state(out, reference)] += 1
            still_littered += litter(out) > 0
            shutil.rmtree(out.parent)
    print(f"code: {args.old or 'this checkout'}; {args.trials} builds killed at random moments, "
          f"{duration * 0.5:.1f}-{duration * 1.2:.1f} s after they started (one: {duration:.1f} s)")
    print(f"  out/ after the kill:       {dict(sorted(after_kill.items()))}")
    print(f"  staging left beside out/:  {littered} of {args.trials}")
    print(f"  out/ after the next build: {dict(sorted(after_next.items()))}")
    print(f"  still left after it:      {still_littered} of {args.trials}")
    print("baseline (issue 11): .out.new-* left in 4 of 20 killed builds, never cleaned up; "
          "out/ missing when killed between the two renames")


if __name__ == "__main__":
    main()
