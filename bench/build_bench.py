"""Where `drivekg build` spends its time, stage by stage (median of N runs, in-process).

    .venv/bin/python bench/build_bench.py [N]

Baseline: the whole build as a user runs it (`drivekg build` in a fresh process, import included).
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from drivekg.article import parse_article
from drivekg.claims import load_claims
from drivekg.cli import claims_beside, default_article
from drivekg.files import write_tree
from drivekg.iris import DEFAULT_BASE
from drivekg.pipeline import RENDERERS, build
from drivekg.validate import validate


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def main(runs: int) -> None:
    article_path = default_article()
    text = article_path.read_text()
    claims = claims_beside(article_path).read_text()
    stages: dict[str, list[float]] = {}

    def record(name: str, seconds: float) -> None:
        stages.setdefault(name, []).append(seconds)

    for _ in range(runs):
        t, article = timed(lambda: parse_article(text, "a.txt"))
        record("parse article", t)
        t, _ = timed(lambda: load_claims(claims, source="c.toml", article=article))
        record("load + check claims", t)
        t, b = timed(
            lambda: build(text, article_source="a.txt", claims_text=claims, base=DEFAULT_BASE)
        )
        record("build graph (all of the above + builders)", t)
        t, v = timed(lambda: validate(b.graph))
        record("SHACL validation", t)
        outputs: dict[str, bytes] = {}
        for renderer in RENDERERS:
            t, files = timed(lambda renderer=renderer: renderer(b, v))
            record(f"render {getattr(renderer, '__name__', renderer)}", t)
            outputs.update(files)
        with tempfile.TemporaryDirectory() as tmp:
            t, _ = timed(lambda: write_tree(Path(tmp) / "out", outputs))
        record(f"write {len(outputs)} files", t)

    with tempfile.TemporaryDirectory() as tmp:
        whole = []
        for _ in range(max(1, runs // 2)):
            t, _ = timed(
                lambda: subprocess.run(
                    [sys.executable, "-m", "drivekg", "build", "--out", f"{tmp}/out"],
                    check=True,
                    capture_output=True,
                )
            )
            whole.append(t)

    print(f"drivekg build, median of {runs} runs ({len(b.graph)} triples)")
    print(f"{'stage':<45} {'seconds':>8}")
    for name, values in stages.items():
        print(f"{name:<45} {statistics.median(values):>8.3f}")
    print(f"{'baseline: `drivekg build` in a fresh process':<45} {statistics.median(whole):>8.3f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
