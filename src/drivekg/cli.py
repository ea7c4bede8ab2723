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
from drivekg.errors import DriveKGError, TooLargeError
from drivekg.files import read_text
from drivekg.iris import DEFAULT_BASE, check_base, is_iri
from drivekg.layout import DEFAULT_ARTICLE, resource
from drivekg.serveargs import add_serve_arguments, public_url, store_url

# Each command imports what it needs when it runs: `drivekg query` should not pay for pySHACL.

EXIT_OK, EXIT_NONCONFORMING, EXIT_ERROR = 0, 1, 2

# The largest input `drivekg build` takes unless told otherwise: a fact is one statement with its
# evidence (about 9 triples), and the build's time and memory grow in proportion to the facts
# (bench/input_growth.py). The bundled Drive article states 417.
DEFAULT_MAX_FACTS = 100_000


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
            max_facts=args.max_facts or None,
        )
        if args.strict and result.not_read:
            for item in result.not_read:
                where = f"{shown(article_path)}:{item.line}"
                print(f"drivekg: {where}: not read: {item.reason}: {item.text!r}", file=sys.stderr)
            return EXIT_ERROR
        validation, outputs = render(result)
        write_tree(Path(args.out), outputs)
    except TooLargeError as exc:
        return fail(f"{exc} (--max-facts {exc.limit}; raise it, or 0 for no limit, to build it)")
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
    import logging

    from drivekg.errors import SourceError
    from drivekg.files import read_bytes
    from drivekg.graph.rdfinput import read_rdf
    from drivekg.graph.validate import validate
    from drivekg.offline import no_network

    # rdflib logs a warning with a traceback for each literal whose lexical form does not fit its
    # datatype; the SHACL report already names those (sh:datatype), so they are not repeated.
    logging.getLogger("rdflib.term").setLevel(logging.ERROR)
    worst = EXIT_OK
    for name in args.files:
        path = Path(name)
        try:
            data = read_bytes(path, limit=args.max_size, shown=name)
            with no_network():
                base = path.absolute().as_uri()
                graph = read_rdf(data, source=name, base=base, limit=args.max_size)
                result = validate(graph)
        except OSError as exc:
            return fail(f"{name}: {exc.strerror or exc}")
        except SourceError as exc:
            return fail(str(exc))
        except DriveKGError as exc:
            return fail(f"{name}: {exc}")
        if result.conforms:
            print(f"{name}: conforms ({len(graph)} triples)")
            continue
        worst = EXIT_NONCONFORMING
        print(f"{name}: DOES NOT CONFORM, {len(result.violations)} violation(s)")
        for focus, shape, path_text, message in result.violations:
            print(f"  {focus}  {path_text}  {message}  [{shape}]")
    return worst


def byte_size(text: str) -> int:
    """A size in bytes: a number, optionally followed by K, M or G (powers of 1024)."""
    units = {"": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30}
    number, unit = text.strip().upper().removesuffix("B"), ""
    if number[-1:] in units:
        number, unit = number[:-1], number[-1]
    if not number.isdigit() or int(number) < 1:
        raise argparse.ArgumentTypeError(f"a size is bytes, like 500K or 64M, not {text!r}")
    return int(number) * units[unit]


MAX_SIZE = "16M"


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
    """Run the query where it cannot reach the network (``sandbox.offline``) unless
    --allow-remote, and print its answer."""
    import shutil

    from pyoxigraph import QueryBoolean, QuerySolutions

    from drivekg.errors import RemoteRefused, SandboxError
    from drivekg.sparql.query import bundled, for_subject, render_table, resolve_subject
    from drivekg.sparql.sandbox import offline
    from drivekg.sparql.store import execute, guard, open_store, serialize_results

    if args.list:
        queries = bundled()
        width = max(len(q.name) for q in queries)
        return write_out("".join(f"{q.name:<{width}}  {q.description}\n" for q in queries))
    fmt, tty = args.format, sys.stdout.isatty()

    def answer() -> bytes:
        results = execute(store, text, allow_remote=args.allow_remote)
        if isinstance(results, QuerySolutions) and (fmt == "table" or (fmt is None and tty)):
            width = shutil.get_terminal_size().columns
            return render_table(results, max_width=width if tty else None).encode()
        if isinstance(results, QueryBoolean) and fmt in (None, "table", "csv", "tsv"):
            return b"true\n" if bool(results) else b"false\n"
        if isinstance(results, QuerySolutions | QueryBoolean):
            return serialize_results(results, fmt or "csv")[1]
        return serialize_results(results, fmt if fmt not in (None, "table") else "turtle")[1]

    try:
        text = query_text(args)
        store = open_store(Path(args.out))
        if args.subject is not None:
            text = for_subject(text, resolve_subject(store, args.subject))
        guard(text, allow_remote=args.allow_remote)  # refusals before any sandbox
        body = answer() if args.allow_remote else offline(answer)
    except RemoteRefused as exc:
        return fail(f"{exc} (--allow-remote permits it)")
    except SandboxError as exc:
        return fail(f"cannot run the query with network access blocked: {exc}; drivekg runs "
                    "queries only where they cannot reach the network (seccomp, Linux), or "
                    "with --allow-remote")
    except DriveKGError as exc:
        return fail(str(exc))
    return write_out(body)


# --------------------------------------------------------------------------- publish


def cmd_publish(args: argparse.Namespace) -> int:
    from drivekg.upload import publish

    path = Path(args.out) / "graph.nt"
    user, password = os.environ.get("DRIVEKG_USER"), os.environ.get("DRIVEKG_PASSWORD")
    if (user is None) != (password is None):
        return fail("set both DRIVEKG_USER and DRIVEKG_PASSWORD to authenticate, or neither")
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
            auth_scheme=args.auth,
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


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise argparse.ArgumentTypeError(f"not a whole number from 0: {text!r}")
    return value


def cmd_serve(args: argparse.Namespace) -> int:
    """Serve OUT over HTTP, or answer one request in-process (--get): exit 0 for 2xx/3xx, else 1."""
    from drivekg.sparql.pool import Limits
    from drivekg.web.app import ServeSettings, get_once, listen, serve

    if not 1 <= args.port <= 65535:
        return fail(f"--port must be between 1 and 65535, not {args.port}")
    if min(args.timeout, args.fast_budget, args.header_timeout, args.body_timeout) <= 0:
        return fail("--timeout, --fast-budget, --header-timeout and --body-timeout must be > 0")
    if min(args.max_rows, args.workers, args.slow_workers) < 1 or args.max_memory < 128 << 20:
        return fail("--max-rows, --workers and --slow-workers must be >= 1, --max-memory >= 128M")
    limits = Limits(timeout=args.timeout, max_rows=args.max_rows, max_memory=args.max_memory,
                    max_answer=args.max_answer, fast_budget=args.fast_budget)
    try:
        sock = None
        if args.get is None:
            sock, url = listen(args.host, args.port)
        else:
            url = f"http://{f'[{args.host}]' if ':' in args.host else args.host}:{args.port}"
        public = public_url(args.public_url, url)
        store = store_url(args.store)
        if args.store_graph is not None and (store is None or not is_iri(args.store_graph)):
            raise ValueError("--store-graph must be an absolute IRI, and needs --store")
    except (DriveKGError, ValueError) as exc:
        if sock is not None:
            sock.close()
        return fail(str(exc))
    settings = ServeSettings(
        out_dir=Path(args.out), public_url=public, limits=limits, workers=args.workers,
        slow_workers=args.slow_workers, header_timeout=args.header_timeout,
        body_timeout=args.body_timeout, prestart=args.get is None, store=store,
        store_graph=args.store_graph,
        on_ready=None if sock is None else lambda: print(
            f"serving {args.out}/ at {url}/ (public URL {public}/; SPARQL at {public}/sparql); "
            "Ctrl-C stops", flush=True),
    )
    try:
        if sock is not None:
            serve(settings, sock, log_level=args.log_level)
            return EXIT_OK
        status, headers, body = get_once(settings, args.get, dict(args.header))
    except DriveKGError as exc:
        return fail(str(exc))
    head = "".join([f"HTTP/1.1 {status}\n", *(f"{n}: {v}\n" for n, v in headers), "\n"])
    write_out(head.encode() + body if args.include else body)
    return EXIT_OK if 200 <= status < 400 else EXIT_NONCONFORMING


# --------------------------------------------------------------------------- plumbing


def fail(message: str) -> int:
    """Say what went wrong on one line of stderr; exit code 2."""
    print(f"drivekg: {' '.join(message.splitlines())}", file=sys.stderr)
    return EXIT_ERROR


def write_out(data: str | bytes) -> int:
    """Write to stdout; a reader that stops early (``| head``) ends it quietly: exit 0."""
    try:
        sys.stdout.flush()
        sys.stdout.buffer.write(data.encode() if isinstance(data, str) else data)
        sys.stdout.flush()
    except BrokenPipeError:  # Python would complain again at exit: point stdout at /dev/null
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return EXIT_OK


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
        "--max-facts", type=_count, default=DEFAULT_MAX_FACTS, metavar="N",
        help=f"refuse an input stating more than N facts (default {DEFAULT_MAX_FACTS}, about "
        f"{DEFAULT_MAX_FACTS // 9:,} chart rows; 0: no limit)",
    )
    b.add_argument(
        "--base",
        default=os.environ.get("DRIVEKG_BASE", DEFAULT_BASE),
        help=f"base IRI of every minted IRI (default: {DEFAULT_BASE}, or $DRIVEKG_BASE)",
    )
    b.set_defaults(run=cmd_build)

    v = sub.add_parser(
        "validate",
        help="validate RDF files against the shapes",
        description="Validate each FILE against the shapes: exit 0 if all conform, 1 if one does "
        "not, 2 at the first file that cannot be read. The format is the file name's extension's "
        "(.ttl, .nt, .nq, .trig, .n3, .jsonld/.json, .rdf/.owl/.xml; Turtle otherwise). Nothing is "
        "fetched: a remote JSON-LD @context is refused, owl:imports and XML external entities are "
        "not followed.",
    )
    v.add_argument("files", nargs="+", metavar="FILE", help="Turtle, N-Triples, JSON-LD, RDF/XML")
    v.add_argument(
        "--max-size", type=byte_size, default=byte_size(MAX_SIZE), metavar="SIZE",
        help=f"refuse a larger file, or RDF/XML larger with its entities expanded "
        f"(default {MAX_SIZE}; K, M, G are powers of 1024)",
    )
    v.set_defaults(run=cmd_validate)

    q = sub.add_parser(
        "query",
        help="run SPARQL over the built graph in an embedded store (no server)",
        description="Run a read-only SPARQL query over OUT/graph.nt in an embedded store. "
        "The project prefixes (schema:, dkg:, prov:, …) are predeclared. The query runs where it "
        "cannot open network connections (seccomp); SERVICE, FROM and FROM NAMED are refused "
        "unless --allow-remote; updates (LOAD included) always are.",
    )
    q.add_argument("query", nargs="?", metavar="NAME|FILE", help="a bundled query or a .rq file")
    q.add_argument("-e", "--execute", metavar="SPARQL", help="query text instead of NAME|FILE")
    q.add_argument("--list", action="store_true", help="list the bundled queries and exit")
    q.add_argument(
        "--format",
        choices=["table", "csv", "tsv", "json", "xml", "turtle", "nt", "jsonld", "rdfxml", "trig",
                 "nquads", "n3"],
        help="SELECT: table (default on a terminal), csv (default otherwise), tsv, json, xml; "
        "ASK: true/false, or json/xml; CONSTRUCT/DESCRIBE: turtle (default), nt, jsonld, "
        "rdfxml (or xml), trig, nquads, n3",
    )
    q.add_argument("--out", default="out", help="the build's output directory (default: out)")
    q.add_argument(
        "--subject", metavar="IRI|NAME", help="only rows whose ?subject is this IRI or is named so"
    )
    q.add_argument(
        "--allow-remote", action="store_true",
        help="allow SERVICE, FROM and FROM NAMED, and run the query with network access"
    )
    q.set_defaults(run=cmd_query)

    p = sub.add_parser(
        "publish",
        help="upload graph.nt to a triplestore (SPARQL 1.1 Graph Store Protocol)",
        description="Upload OUT/graph.nt with the Graph Store HTTP Protocol (POST adds, "
        "--replace PUTs), then count the graph's triples through the query endpoint. "
        "Credentials from DRIVEKG_USER and DRIVEKG_PASSWORD (--auth basic or digest).",
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
    p.add_argument("--auth", choices=["basic", "digest"], default="basic",
                   help="HTTP authentication for DRIVEKG_USER/DRIVEKG_PASSWORD: basic (default) "
                   "or digest (Virtuoso's /sparql-graph-crud-auth)")
    p.add_argument("--timeout", type=float, default=60.0, help="seconds per request (default 60)")
    p.set_defaults(run=cmd_publish)

    srv = sub.add_parser(
        "serve",
        help="serve the built graph: entity pages and data, SPARQL, VoID (or answer one --get)",
        description="Serve OUT on HTTP: every IRI {base}KEY of the graph at /id/KEY (HTML and "
        "seven RDF formats by Accept or ?format=), the ontology at /ontology, a read-only SPARQL "
        "endpoint and query editor at /sparql, VoID at /.well-known/void, the dumps and the "
        "static site; with --store, read from an external SPARQL store. It prints the URL it "
        "listens on. "
        "With --get PATH, answer that one "
        "GET in-process, print the body and exit: 0 for a 2xx/3xx answer, 1 otherwise, 2 if "
        "it could not run. See docs/serving.md.",
    )
    add_serve_arguments(srv)
    srv.set_defaults(run=cmd_serve)
    return top


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    pause = os.environ.get("DRIVEKG_TEST_PAUSE")  # POINT:FILE, for tests of killed builds only
    if pause:
        from .files import pause_at

        point, _, marker = pause.partition(":")
        try:
            pause_at(point, Path(marker))
        except ValueError as exc:
            return fail(f"DRIVEKG_TEST_PAUSE: {exc}")
    code: int = args.run(args)
    return code


def entry() -> None:
    """The ``drivekg`` program: ``main`` with the ways a Unix program may be stopped handled.

    When the reader of our output goes away (``drivekg build | head -1``), the next write raises
    BrokenPipeError: every command stops there quietly with exit code 0, like other Unix tools,
    and stdout is pointed at /dev/null so the interpreter's own flush at exit stays quiet too.
    Ctrl-C exits 130 without a traceback.
    """
    try:
        code = main()
        sys.stdout.flush()  # a pipe is block-buffered: most output is written only here
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        code = EXIT_OK
    except KeyboardInterrupt:
        code = 130
    sys.exit(code)
