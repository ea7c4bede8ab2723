"""The command line: the only module that reads argv and the environment, prints, or exits.

Exit codes (as pySHACL): 0 ok, 1 ran but the graph does not conform, 2 could not run.
"""

from __future__ import annotations

import argparse
import os
import sys
import textwrap
import time
from collections.abc import Sequence
from pathlib import Path

from drivekg import __version__
from drivekg.errors import DriveKGError
from drivekg.files import read_text
from drivekg.iris import DEFAULT_BASE, check_base
from drivekg.layout import DEFAULT_ARTICLE, resource

# Each command imports what it needs when it runs: `drivekg query` should not pay for pySHACL.

EXIT_OK, EXIT_NONCONFORMING, EXIT_ERROR = 0, 1, 2


def default_article() -> Path:
    return Path(str(resource(*DEFAULT_ARTICLE)))


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
    from drivekg.files import write_tree
    from drivekg.outputs.report import class_counts
    from drivekg.pipeline import build, render

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
        article_text = read_text(article_path, shown=shown(article_path))
        claims_text = read_text(claims_path, shown=shown(claims_path)) if claims_path else None
        conventions = [
            (read_text(Path(name), shown=shown(Path(name))), shown(Path(name)))
            for name in args.conventions
        ]
    except OSError as exc:
        return fail(f"{exc.filename}: {exc.strerror}")
    except DriveKGError as exc:
        return fail(str(exc))
    try:
        result = build(
            article_text,
            article_source=shown(article_path),
            claims_text=claims_text,
            claims_source=shown(claims_path) if claims_path else "",
            conventions=conventions,
            base=base,
        )
        if args.strict and result.not_read:
            for item in result.not_read:
                where = f"{shown(article_path)}:{item.line}"
                print(f"drivekg: {where}: not read: {item.reason}: {item.text!r}", file=sys.stderr)
            return EXIT_ERROR
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
    print(
        f"  {result.lines_not_read} line(s) not read"
        + (f" (listed in {args.out}/report.md)" if result.not_read else "")
    )
    counts = ", ".join(f"{name}\N{NO-BREAK SPACE}{count}" for name, count in class_counts(result))
    wrapped = textwrap.fill(counts, width=96, initial_indent="  ", subsequent_indent="    ")
    print(wrapped.replace("\N{NO-BREAK SPACE}", " "))
    if validation.conforms:
        print("  conforms to the SHACL shapes")
        return EXIT_OK
    violations = len(validation.violations)
    print(f"  DOES NOT CONFORM: {violations} violation(s); see {args.out}/report.md")
    return EXIT_NONCONFORMING


# --------------------------------------------------------------------------- validate


def cmd_validate(args: argparse.Namespace) -> int:
    from rdflib import Graph
    from rdflib.util import guess_format

    from drivekg.graph.validate import validate
    from drivekg.offline import NetworkRefused, no_network

    worst = EXIT_OK
    for name in args.files:
        graph = Graph()
        try:
            with no_network():
                graph.parse(name, format=guess_format(name) or "turtle")
        except FileNotFoundError:
            return fail(f"{name}: no such file")
        except NetworkRefused as exc:
            return fail(f"{name}: {exc}")
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


# --------------------------------------------------------------------------- query


def query_text(args: argparse.Namespace) -> str:
    """The query to run: inline (-e), a .rq file, or a bundled query's name."""
    from drivekg.errors import QueryError
    from drivekg.sparql.query import bundled_query

    if args.execute is not None:
        if args.query:
            raise QueryError("give a query name or file, or -e TEXT, not both")
        return str(args.execute)
    if not args.query:
        raise QueryError("which query? a bundled name (drivekg query --list), a .rq file, or -e")
    name = str(args.query)
    if name.endswith((".rq", ".sparql")) or os.sep in name:
        try:
            return read_text(Path(name))
        except OSError as exc:
            raise QueryError(f"{name}: {exc.strerror or exc}") from exc
    return bundled_query(name).text


def cmd_query(args: argparse.Namespace) -> int:
    import shutil

    from pyoxigraph import QueryBoolean, QuerySolutions

    from drivekg.errors import QueryError
    from drivekg.sparql.query import bundled, for_subject, render_table, resolve_subject
    from drivekg.sparql.store import execute, open_store, serialize_results

    if args.list:
        queries = bundled()
        width = max(len(q.name) for q in queries)
        for q in queries:
            print(f"{q.name:<{width}}  {q.description}")
        return EXIT_OK
    try:
        text = query_text(args)
        store = open_store(Path(args.out))
        if args.subject is not None:
            text = for_subject(text, resolve_subject(store, args.subject))
        try:
            results = execute(store, text, allow_remote=args.allow_remote)
        except QueryError as exc:
            if "remote data" in str(exc):
                raise QueryError(f"{exc} (--allow-remote permits it)") from exc
            raise
        fmt = args.format
        tty = sys.stdout.isatty()
        if isinstance(results, QuerySolutions) and (fmt == "table" or (fmt is None and tty)):
            width = shutil.get_terminal_size().columns
            body = render_table(results, max_width=width if tty else None).encode()
        elif isinstance(results, QueryBoolean) and fmt in (None, "table", "csv", "tsv"):
            body = b"true\n" if bool(results) else b"false\n"
        elif isinstance(results, QuerySolutions | QueryBoolean):
            _, body = serialize_results(results, fmt or "csv")
        else:  # a graph: Turtle unless another RDF format is asked for
            _, body = serialize_results(results, fmt if fmt not in (None, "table") else "turtle")
    except DriveKGError as exc:
        return fail(str(exc))
    try:
        sys.stdout.buffer.write(body)
        sys.stdout.flush()
    except BrokenPipeError:  # `drivekg query … | head`
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return EXIT_OK


# --------------------------------------------------------------------------- publish


def cmd_publish(args: argparse.Namespace) -> int:
    from drivekg.upload import publish

    path = Path(args.out) / "graph.nt"
    user, password = os.environ.get("DRIVEKG_USER"), os.environ.get("DRIVEKG_PASSWORD")
    if (user is None) != (password is None):
        return fail("set both DRIVEKG_USER and DRIVEKG_PASSWORD for basic auth, or neither")
    try:
        data = path.read_bytes()
    except OSError as exc:
        return fail(f"{shown(path)}: {exc.strerror or exc}; build the graph first (drivekg build)")
    try:
        done = publish(
            data,
            endpoint=args.endpoint,
            graph=args.graph,
            replace=args.replace,
            query_endpoint=args.query_endpoint,
            auth=(user, password) if user is not None and password is not None else None,
            timeout=args.timeout,
        )
    except DriveKGError as exc:
        return fail(str(exc))
    verb = "replaced" if args.replace else "added to"
    where = f"graph <{args.graph}>" if args.graph else "the default graph"
    print(f"published {shown(path)}: {verb} {where} at {done.url}")
    print(f"  {done.method} -> HTTP {done.status}, {done.sent} triples sent, {done.seconds:.2f} s")
    print(f"  {done.stored} triples in {where}, counted at {done.query_endpoint}")
    return EXIT_OK


# --------------------------------------------------------------------------- serve


def _header(text: str) -> tuple[str, str]:
    name, colon, value = text.partition(":")
    if not colon or not name.strip():
        raise argparse.ArgumentTypeError(f"a header is 'Name: value', not {text!r}")
    return name.strip(), value.strip()


def cmd_serve(args: argparse.Namespace) -> int:
    """Serve OUT over HTTP, or answer one request in-process (--get): exit 0 for 2xx/3xx, else 1."""
    from drivekg.web.app import ServeSettings, get_once, serve

    if args.timeout <= 0 or args.max_rows < 1 or args.workers < 1:
        return fail("--timeout must be > 0, --max-rows and --workers >= 1")
    settings = ServeSettings(
        out_dir=Path(args.out),
        timeout=args.timeout,
        max_rows=args.max_rows,
        workers=args.workers,
        prestart=args.get is None,
    )
    try:
        if args.get is None:
            serve(settings, host=args.host, port=args.port, log_level=args.log_level)
            return EXIT_OK
        origin = f"http://{args.host}:{args.port}"
        status, headers, body = get_once(settings, args.get, dict(args.header), origin=origin)
    except DriveKGError as exc:
        return fail(str(exc))
    if args.include:
        print(f"HTTP/1.1 {status}")
        for name, value in headers:
            print(f"{name}: {value}")
        print()
    sys.stdout.flush()
    try:
        sys.stdout.buffer.write(body)
        sys.stdout.flush()
    except BrokenPipeError:  # `drivekg serve --get … | head`
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return EXIT_OK if 200 <= status < 400 else EXIT_NONCONFORMING


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

    b = sub.add_parser("build", help="build the graph, its report and its site into a directory")
    b.add_argument("article", nargs="?", help="article text (default: the bundled Drive article)")
    b.add_argument("--claims", help="claims file (default: ARTICLE's .claims.toml, when present)")
    b.add_argument("--no-claims", action="store_true", help="build from infobox and tables only")
    b.add_argument(
        "--conventions",
        action="append",
        default=[],
        metavar="FILE",
        help="conventions read on top of the bundled ones (repeatable; docs/conventions.md)",
    )
    b.add_argument(
        "--strict",
        action="store_true",
        help="refuse to build (exit 2) while any line of the article is not read",
    )
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

    q = sub.add_parser(
        "query",
        help="run SPARQL over the built graph in an embedded store (no server)",
        description="Run a read-only SPARQL query over OUT/graph.nt in an embedded store. "
        "The project prefixes (schema:, dkg:, prov:, …) are predeclared. SERVICE, FROM and "
        "FROM NAMED are refused unless --allow-remote; updates always are.",
    )
    q.add_argument("query", nargs="?", metavar="NAME|FILE", help="a bundled query or a .rq file")
    q.add_argument("-e", "--execute", metavar="SPARQL", help="query text instead of NAME|FILE")
    q.add_argument("--list", action="store_true", help="list the bundled queries and exit")
    q.add_argument(
        "--format",
        choices=["table", "csv", "tsv", "json", "xml", "turtle", "nt", "jsonld"],
        help="SELECT: table (default on a terminal), csv (default otherwise), tsv, json, xml; "
        "ASK: true/false, or json/xml; CONSTRUCT/DESCRIBE: turtle (default), nt, jsonld",
    )
    q.add_argument("--out", default="out", help="the build's output directory (default: out)")
    q.add_argument(
        "--subject", metavar="IRI|NAME", help="only rows whose ?subject is this IRI or is named so"
    )
    q.add_argument(
        "--allow-remote", action="store_true", help="allow SERVICE, FROM and FROM NAMED"
    )
    q.set_defaults(run=cmd_query)

    p = sub.add_parser(
        "publish",
        help="upload graph.nt to a triplestore (SPARQL 1.1 Graph Store Protocol)",
        description="Upload OUT/graph.nt with the Graph Store HTTP Protocol (POST adds, "
        "--replace PUTs), then count the graph's triples through the query endpoint. "
        "Basic auth from DRIVEKG_USER and DRIVEKG_PASSWORD.",
    )
    p.add_argument("--endpoint", required=True, help="Graph Store endpoint, e.g. http://host/store")
    p.add_argument("--out", default="out", help="the build's output directory (default: out)")
    p.add_argument("--graph", metavar="IRI", help="named graph to write (default: default graph)")
    p.add_argument("--replace", action="store_true", help="replace the graph's content (PUT)")
    p.add_argument(
        "--query-endpoint",
        metavar="URL",
        help="SPARQL query endpoint for the count check (default: derived from --endpoint, "
        "see docs/triplestores.md)",
    )
    p.add_argument("--timeout", type=float, default=60.0, help="seconds per request (default 60)")
    p.set_defaults(run=cmd_publish)

    srv = sub.add_parser(
        "serve",
        help="serve the built graph: entity pages and data, SPARQL, VoID (or answer one --get)",
        description="Serve OUT on HTTP: each entity IRI {base}KEY at /id/KEY (HTML, Turtle, "
        "JSON-LD, N-Triples by Accept), a read-only SPARQL endpoint at /sparql, VoID at "
        "/.well-known/void, the dumps and the static site. With --get PATH, answer that one "
        "GET in-process, print the body and exit: 0 for a 2xx/3xx answer, 1 otherwise, 2 if "
        "it could not run. See docs/serving.md.",
    )
    srv.add_argument("--out", default="out", help="the build's output directory (default: out)")
    srv.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    srv.add_argument("--port", type=int, default=8000, help="port to listen on (default 8000)")
    srv.add_argument(
        "--timeout", type=float, default=10.0,
        help="seconds a SPARQL query may run before it is stopped (default 10)",
    )
    srv.add_argument(
        "--max-rows", type=int, default=10_000,
        help="most rows (or triples) in one SPARQL answer (default 10000)",
    )
    srv.add_argument(
        "--workers", type=int, default=2, help="SPARQL worker processes (default 2)"
    )
    srv.add_argument(
        "--log-level", default="info", choices=["critical", "error", "warning", "info", "debug"],
        help="server log level (default info: one line per request)",
    )
    srv.add_argument("--get", metavar="PATH", help="answer GET PATH (or an entity IRI) and exit")
    srv.add_argument(
        "-H", "--header", action="append", type=_header, default=[], metavar="'NAME: VALUE'",
        help="a request header for --get (repeatable), e.g. -H 'Accept: text/turtle'",
    )
    srv.add_argument(
        "-i", "--include", action="store_true", help="with --get, print the status and headers"
    )
    srv.set_defaults(run=cmd_serve)
    return top


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    code: int = args.run(args)
    return code


def entry() -> None:
    sys.exit(main())
