"""The long fuzzing run: `drivekg validate` and `drivekg build` on many mutated inputs, in-process.

    .venv/bin/python bench/fuzz.py [--cases 100000] [--only TARGET ...] [--seconds 10]

Targets and their share of the cases: validate-ttl, validate-nt, validate-jsonld, validate-rdf
(19 % each: the CLI on a mutated or generated file; it must exit 0/1 with a report or exit 2 with
one `file: …` line, and print nothing else), article and claims (10 % each: the pipeline on a
mutated article or claims file; it must build or raise SourceError with a line), build (4 %: the
CLI on both; a failed build must leave out/ byte for byte as it was). Prints cases run, tracebacks
and hangs (a case over --seconds) per target; the first few findings of each kind are written to a
directory it names. The article and claims targets are expected to find crashes until the
hardening branch of the parsers (issue 11) is merged. Strategies: tests/fuzzing.py.
"""

from __future__ import annotations

import argparse
import collections
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.fuzzing import (  # noqa: E402
    NEON,
    Hang,
    article_texts,
    build_problem,
    claims_texts,
    last_line,
    rdf_documents,
    run_cli,
    time_limit,
    tree,
    validate_problem,
)

from drivekg.errors import SourceError  # noqa: E402
from drivekg.iris import DEFAULT_BASE  # noqa: E402
from drivekg.pipeline import build  # noqa: E402

SHARES = {
    "validate-ttl": 0.19, "validate-nt": 0.19, "validate-jsonld": 0.19, "validate-rdf": 0.19,
    "article": 0.1, "claims": 0.1, "build": 0.04,
}


class Tally:
    def __init__(self, findings: Path) -> None:
        self.cases: collections.Counter[str] = collections.Counter()
        self.outcomes: collections.Counter[tuple[str, str]] = collections.Counter()
        self.kinds: dict[tuple[str, str], int] = collections.Counter()
        self.examples: dict[tuple[str, str], list[str]] = collections.defaultdict(list)
        self.findings = findings

    def record(
        self, target: str, outcome: str, problem: str | None, inputs: dict[str, bytes]
    ) -> None:
        self.cases[target] += 1
        self.outcomes[(target, outcome)] += 1
        if problem is None:
            return
        kind = "hang" if problem.startswith("hang") else (
            "traceback" if problem.startswith("traceback") else "other")
        key = (target, problem if kind != "other" else problem[:80])
        self.kinds[(target, kind)] += 1
        if len(self.examples[key]) < 1 and len(self.examples) < 200:
            folder = self.findings / f"{target}-{len(self.examples)}"
            folder.mkdir(parents=True)
            for name, data in inputs.items():
                (folder / name).write_bytes(data)
            (folder / "problem.txt").write_text(problem + "\n")
            self.examples[key].append(str(folder))


def run_target(target: str, cases: int, tally: Tally, work: Path, seconds: float) -> None:
    fuzz = settings(
        max_examples=cases, deadline=None, database=None, phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    out = work / "out"
    if target.startswith("validate-"):
        fmt = target.removeprefix("validate-")
        path = work / f"case.{fmt}"

        @fuzz
        @given(document=rdf_documents(fmt))
        def case(document: bytes) -> None:
            path.write_bytes(document)
            try:
                with time_limit(seconds):
                    outcome = run_cli(["validate", str(path)])
                problem = validate_problem(path, outcome)
                code = str(outcome.code) if outcome.traceback is None else "traceback"

            except Hang as exc:
                problem, code = f"hang: {exc}", "hang"
            tally.record(target, code, problem, {path.name: document})

    elif target in ("article", "claims"):
        article_text = NEON.read_text(encoding="utf-8")

        @fuzz
        @given(text=article_texts() if target == "article" else claims_texts())
        def case(text: bytes) -> None:
            try:
                decoded = text.decode("utf-8")
            except UnicodeDecodeError:
                tally.record(target, "not utf-8", None, {})
                return
            problem, code = None, "built"
            try:
                with time_limit(seconds):
                    build(
                        decoded if target == "article" else article_text,
                        article_source="a.txt",
                        claims_text=decoded if target == "claims" else None,
                        claims_source="c.toml",
                        base=DEFAULT_BASE,
                    )
            except SourceError as exc:
                code = "SourceError"
                if exc.line is None:
                    problem = f"SourceError without a line: {exc}"
            except Hang as exc:
                problem, code = f"hang: {exc}", "hang"
            except Exception as exc:  # what a user would see as a traceback
                problem, code = f"traceback: {type(exc).__name__}: {exc}", "traceback"
            tally.record(target, code, problem, {f"{target}.txt": text})

    else:
        sources = (work / "article.txt", work / "article.claims.toml")
        assert run_cli(["build", str(NEON), "--no-claims", "--out", str(out)]).code == 0

        @fuzz
        @given(article=article_texts(), claims=st.none() | claims_texts())
        def case(article: bytes, claims: bytes | None) -> None:
            sources[0].write_bytes(article)
            sources[1].unlink(missing_ok=True)
            if claims is not None:
                sources[1].write_bytes(claims)
            before = tree(out)
            try:
                with time_limit(seconds * 3):
                    outcome = run_cli(["build", str(sources[0]), "--out", str(out)])
                problem = build_problem(sources, before, out, outcome)
                code = str(outcome.code) if outcome.traceback is None else "traceback"
            except Hang as exc:
                problem, code = f"hang: {exc}", "hang"
            inputs = {"article.txt": article, **({"claims.toml": claims} if claims else {})}
            tally.record(target, code, problem, inputs)

    runner: Callable[[], None] = case
    runner()


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--cases", type=int, default=100_000, help="cases in all (default 100000)")
    options.add_argument("--only", nargs="+", choices=sorted(SHARES), help="run only these targets")
    options.add_argument("--seconds", type=float, default=10.0, help="a case longer is a hang")
    args = options.parse_args()
    targets = args.only or list(SHARES)
    total = sum(SHARES[t] for t in targets)
    work = Path(tempfile.mkdtemp(prefix="drivekg-fuzz-"))
    tally = Tally(work / "findings")
    started = time.perf_counter()
    for target in targets:
        cases = max(1, round(args.cases * SHARES[target] / total))
        begun = time.perf_counter()
        run_target(target, cases, tally, work, args.seconds)
        spent = time.perf_counter() - begun
        outcomes = ", ".join(
            f"{o} {n}" for (t, o), n in sorted(tally.outcomes.items()) if t == target
        )
        print(f"{target:<16} {tally.cases[target]:>7} cases in {spent:6.0f} s  "
              f"tracebacks {tally.kinds[(target, 'traceback')]}, "
              f"hangs {tally.kinds[(target, 'hang')]}, "

              f"other {tally.kinds[(target, 'other')]}  ({outcomes})", flush=True)
    print(f"{sum(tally.cases.values())} cases in {time.perf_counter() - started:.0f} s; "
          f"tracebacks {sum(n for (_, k), n in tally.kinds.items() if k == 'traceback')}, "
          f"hangs {sum(n for (_, k), n in tally.kinds.items() if k == 'hang')}, "
          f"other findings {sum(n for (_, k), n in tally.kinds.items() if k == 'other')}")
    for (target, problem), folders in sorted(tally.examples.items()):
        print(f"  {target}: {last_line(problem)[:150]}  [{folders[0]}]")


if __name__ == "__main__":
    main()
