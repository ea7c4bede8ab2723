"""The command line: the only module that reads argv and the environment, prints, or exits.

Exit codes (as pySHACL): 0 ok, 1 ran but the graph does not conform, 2 could not run.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Sequence
from importlib.resources import files as package_files
from pathlib import Path

from rdflib import Graph
from rdflib.util import guess_format

from . import __version__
from .errors import DriveKGError
from .files import read_text, write_tree
from .iris import DEFAULT_BASE, check_base
from .pipeline import build, render
from .report import class_counts
from .validate import validate

EXIT_OK, EXIT_NONCONFORMING, EXIT_ERROR = 0, 1, 2


def default_article() -> Path:
    return Path(str(package_files("drivekg") / "data" / "drive-soundtrack.txt"))


def shown(path: Path) -> str:
    """A path as a person would type it: relative to the working directory when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def claims_beside(article: Path) -> Path:
    return article.with_name(article.stem + ".claims.toml")


# --------------------------------------------------------------------------- build


def cmd_build(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    article_path = Path(args.article) if args.article else default_article()
    claims_path: Path | None = Path(args.claims) if args.claims else claims_beside(article_path)
    if args.no_claims or (not args.claims and not claims_beside(article_path).exists()):
        claims_path = None
    try:
        base = check_base(args.base)
    except ValueError as exc:
        return fail(str(exc))
    try:
        article_text = read_text(article_path)
        claims_text = read_text(claims_path) if claims_path else None
    except OSError as exc:
        return fail(f"{exc.filename}: {exc.strerror}")
    try:
        result = build(
            article_text,
            article_source=shown(article_path),
            claims_text=claims_text,
            claims_source=shown(claims_path) if claims_path else "",
            base=base,
        )
        validation, outputs = render(result)
        write_tree(Path(args.out), outputs)
    except DriveKGError as exc:
        return fail(str(exc))
    g = result.graph
    print(
        f"built {args.out}/ from {shown(article_path)}"
        + (f" + {shown(claims_path)}" if claims_path else "")
    )
    print(
        f"  {len(g)} triples, {len(result.facts)} facts with evidence, "
        f"{len(result.conflicts)} conflict(s), {time.perf_counter() - started:.1f} s"
    )
    print("  " + ", ".join(f"{name} {count}" for name, count in class_counts(result)))
    if validation.conforms:
        print("  conforms to the SHACL shapes")
        return EXIT_OK
    print(f"  DOES NOT CONFORM: {len(validation.violations)} violation(s); see {args.out}/report.md")
    return EXIT_NONCONFORMING


# --------------------------------------------------------------------------- validate


def cmd_validate(args: argparse.Namespace) -> int:
    worst = EXIT_OK
    for name in args.files:
        graph = Graph()
        try:
            graph.parse(name, format=guess_format(name) or "turtle")
        except FileNotFoundError:
            return fail(f"{name}: no such file")
        except Exception as exc:  # rdflib raises many kinds; the message is what matters
            return fail(f"{name}: cannot be read as RDF: {exc}")
        result = validate(graph)
        if result.conforms:
            print(f"{name}: conforms ({len(graph)} triples)")
            continue
        worst = EXIT_NONCONFORMING
        print(f"{name}: DOES NOT CONFORM, {len(result.violations)} violation(s)")
        for focus, shape, path, message in result.violations:
            print(f"  {focus}  {path}  {message}  [{shape}]")
    return worst


# --------------------------------------------------------------------------- plumbing


def fail(message: str) -> int:
    print(f"drivekg: {message}", file=sys.stderr)
    return EXIT_ERROR


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog="drivekg",
        description="Build, query and publish the Drive soundtrack knowledge graph.",
    )
    top.add_argument("--version", action="version", version=f"drivekg {__version__}")
    sub = top.add_subparsers(dest="command", required=True, metavar="COMMAND")

    b = sub.add_parser("build", help="build the graph, its validation report and site into a directory")
    b.add_argument("article", nargs="?", help="article text (default: the bundled Drive article)")
    b.add_argument("--claims", help="claims file (default: ARTICLE's .claims.toml, when present)")
    b.add_argument("--no-claims", action="store_true", help="build from infobox and tables only")
    b.add_argument("--out", default="out", help="output directory (default: out)")
    b.add_argument(
        "--base",
        default=os.environ.get("DRIVEKG_BASE", DEFAULT_BASE),
        help=f"base IRI of every minted IRI (default: {DEFAULT_BASE}, or $DRIVEKG_BASE)",
    )
    b.set_defaults(run=cmd_build)

    v = sub.add_parser("validate", help="validate RDF files against the shapes")
    v.add_argument("files", nargs="+", metavar="FILE", help="Turtle, N-Triples, JSON-LD, RDF/XML")
    v.set_defaults(run=cmd_validate)
    return top


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    code: int = args.run(args)
    return code


def entry() -> None:
    sys.exit(main())
