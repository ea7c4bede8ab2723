"""The options of ``drivekg serve`` and their value types (``cli`` builds the parser with them)."""

from __future__ import annotations

import argparse
from urllib.parse import urlsplit

__all__ = ["add_serve_arguments", "header", "public_url", "size"]


def header(text: str) -> tuple[str, str]:
    name, colon, value = text.partition(":")
    if not colon or not name.strip():
        raise argparse.ArgumentTypeError(f"a header is 'Name: value', not {text!r}")
    return name.strip(), value.strip()


def size(text: str) -> int:
    """``512M``, ``1G``, ``65536``: a size in bytes (K, M, G are powers of 1024)."""
    units = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}
    scale = units.get(text[-1:].upper(), 1)
    digits = text[:-1] if scale > 1 else text
    if not digits.isdigit() or int(digits) < 1:
        raise argparse.ArgumentTypeError(f"a size is a number of bytes, or with K, M or G: "
                                         f"{text!r}")
    return int(digits) * scale


def public_url(text: str | None, default: str) -> str:
    if text is None:
        return default
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise ValueError(f"--public-url must be an http(s) URL like https://example.org, "
                         f"not {text!r}")
    return text.rstrip("/")


def add_serve_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", default="out", help="the build's output directory (default: out)")
    parser.add_argument("--host", default="127.0.0.1",
                        help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8000, help="port, 1-65535 (default 8000)")
    parser.add_argument("--public-url", metavar="URL", help="the server's URL as clients reach it, "
                     "named in VoID and the service description (default: where it listens)")
    parser.add_argument("--timeout", type=float, default=10.0,
                     help="seconds a SPARQL query may take before it is stopped (default 10)")
    parser.add_argument("--max-rows", type=int, default=10_000,
                     help="most rows (or triples) in one SPARQL answer (default 10000)")
    parser.add_argument("--max-memory", type=size, default="1G", metavar="SIZE",
                     help="address space of one SPARQL worker, e.g. 512M (default 1G)")
    parser.add_argument("--max-answer", type=size, default="32M", metavar="SIZE",
                     help="largest SPARQL answer in bytes, e.g. 8M (default 32M)")
    parser.add_argument("--workers", type=int, default=2,
                     help="fast-lane SPARQL worker processes (default 2)")
    parser.add_argument("--slow-workers", type=int, default=1,
                     help="slow-lane SPARQL worker processes, for queries past the fast "
                     "budget (default 1)")
    parser.add_argument("--fast-budget", type=float, default=0.5, metavar="S",
                     help="seconds a query may run in the fast lane (default 0.5)")
    parser.add_argument("--header-timeout", type=float, default=10.0, metavar="S",
                     help="seconds for a request's head to arrive (default 10)")
    parser.add_argument("--body-timeout", type=float, default=30.0, metavar="S",
                     help="seconds for a request's body to arrive (default 30)")
    parser.add_argument(
        "--log-level", default="info", choices=["critical", "error", "warning", "info", "debug"],
        help="server log level (default info: one line per request)",
    )
    parser.add_argument("--get", metavar="PATH", help="answer GET PATH (or an entity IRI) and exit")
    parser.add_argument(
        "-H", "--header", action="append", type=header, default=[], metavar="'NAME: VALUE'",
        help="a request header for --get (repeatable), e.g. -H 'Accept: text/turtle'",
    )
    parser.add_argument(
        "-i", "--include", action="store_true", help="with --get, print the status and headers"
    )
