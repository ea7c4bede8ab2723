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
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from drivekg.cli import claims_beside, default_article
from drivekg.files import write_tree
from drivekg.graph.validate import validate
from drivekg.iris import DEFAULT_BASE
from drivekg.pipeline import RENDERERS, build
from drivekg.source.article import parse_article
from drivekg.source.claims import load_claims


def main(runs: int) -> None:
    article_path = default_article()
    text = article_path.read_text()
    claims = claims_beside(article_path).read_text()
    stages: dict[str, list[float]] = {}

    @contextmanager
    def clock(name: str) -> Iterator[None]:
        start = time.perf_counter()
        yield
        stages.setdefault(name, []).append(time.perf_counter() - start)

    for _ in range(runs):
        with clock("parse article"):
            article = parse_article(text, "a.txt")
        with clock("load + check claims"):
            load_claims(claims, source="c.toml", article=article)
        with clock("build graph (all of the above + builders)"):
            b = build(text, article_source="a.txt", claims_text=claims, base=DEFAULT_BASE)
        with clock("SHACL validation"):
            v = validate(b.graph)
        outputs: dict[str, bytes] = {}
        for renderer in RENDERERS:
            with clock(f"render {getattr(renderer, '__name__', renderer)}"):
                outputs.update(renderer(b, v))
        with tempfile.TemporaryDirectory() as tmp, clock("write the output tree"):
            write_tree(Path(tmp) / "out", outputs)

    with tempfile.TemporaryDirectory() as tmp:
        whole = []
        for _ in range(max(1, runs // 2)):
            start = time.perf_counter()
            subprocess.run(
                [sys.executable, "-m", "drivekg", "build", "--out", f"{tmp}/out"],
                check=True,
                capture_output=True,
            )
            whole.append(time.perf_counter() - start)

    print(f"drivekg build, median of {runs} runs ({len(b.graph)} triples)")
    print(f"{'stage':<45} {'seconds':>8}")
    for name, values in stages.items():
        print(f"{name:<45} {statistics.median(values):>8.3f}")
    print(f"{'baseline: `drivekg build` in a fresh process':<45} {statistics.median(whole):>8.3f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
