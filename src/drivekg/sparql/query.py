"""The bundled competency queries, narrowing a query to one subject, and a table for people.

A bundled query is a ``.rq`` file in ``drivekg/queries/`` whose first line is
``# description: what it answers``. Each is standalone SPARQL 1.1 (it declares its own
prefixes), so the same text runs in the embedded store, in rdflib, and in any triplestore.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from pyoxigraph import BlankNode, Literal, NamedNode, QuerySolutions, Store
from rdflib.namespace import SDO

from drivekg.errors import QueryError
from drivekg.iris import is_iri
from drivekg.layout import resource
from drivekg.sparql.store import PREFIX_MAP, evaluation_errors, inspect_query

__all__ = [
    "BundledQuery",
    "bundled",
    "bundled_query",
    "cell",
    "for_subject",
    "render_table",
    "resolve_subject",
    "rows",
]

_DESCRIPTION = re.compile(r"^#\s*description:?\s*(?P<text>.+?)\s*$")
SUBJECT = "subject"  # the variable --subject narrows


@dataclass(frozen=True)
class BundledQuery:
    name: str
    description: str
    text: str


def _read(name: str) -> BundledQuery:
    text = resource("queries", f"{name}.rq").read_text(encoding="utf-8")
    first = text.splitlines()[0] if text else ""
    match = _DESCRIPTION.match(first)
    if match is None:
        raise QueryError(f"queries/{name}.rq: the first line must be '# description: …'")
    return BundledQuery(name, match["text"], text)


def bundled() -> list[BundledQuery]:
    """Every bundled query, by name."""
    folder = resource("queries")
    names = sorted(p.name[:-3] for p in folder.iterdir() if p.name.endswith(".rq"))
    return [_read(name) for name in names]


def bundled_query(name: str) -> BundledQuery:
    known = {q.name: q for q in bundled()}
    if name not in known:
        raise QueryError(f"no bundled query named {name!r} (known: {', '.join(sorted(known))})")
    return known[name]


# --------------------------------------------------------------------------- --subject


def resolve_subject(store: Store, subject: str) -> list[str]:
    """The IRIs ``subject`` names: itself if it is an IRI, else everything with that schema:name.

    A name is matched exactly, or else ignoring case; no SPARQL is written from it.
    """
    text = subject.strip()
    if text.startswith("<") and text.endswith(">"):
        text = text[1:-1]
    if "://" in text or text.startswith("urn:"):
        if not is_iri(text):
            raise QueryError(f"--subject: not a valid IRI: {subject!r}")
        return [text]
    named: dict[str, set[str]] = {}
    for quad in store.quads_for_pattern(None, NamedNode(str(SDO.name)), None):
        if isinstance(quad.subject, NamedNode) and isinstance(quad.object, Literal):
            named.setdefault(quad.object.value, set()).add(quad.subject.value)
    found = named.get(text) or set().union(
        *(iris for name, iris in named.items() if name.casefold() == text.casefold())
    )
    if not found:
        raise QueryError(f"--subject: nothing in the graph is named {subject!r}")
    return sorted(found)


def for_subject(query: str, iris: Sequence[str]) -> str:
    """``query`` narrowed to rows whose ``?subject`` is one of ``iris``.

    Appends a trailing ``VALUES ?subject { <iri> … }`` block (SPARQL 1.1 §10.2.2, joined with the
    query's pattern before projection). Every IRI is checked by pyoxigraph's IRI parser, which
    refuses ``>``, spaces and quotes, so nothing but IRIs can reach the query text.
    """
    info = inspect_query(query)
    if info.form != "SELECT" or SUBJECT not in info.variables:
        raise QueryError("--subject needs a SELECT query with a ?subject column")
    if info.trailing_values:
        raise QueryError("--subject cannot narrow a query that ends in its own VALUES block")
    terms = []
    for iri in iris:
        if not is_iri(iri):
            raise QueryError(f"--subject: not a valid IRI: {iri!r}")
        terms.append(str(NamedNode(iri)))
    # a new line first: the query may end inside a comment
    return f"{query.rstrip()}\nVALUES ?{SUBJECT} {{ {' '.join(terms)} }}\n"


# --------------------------------------------------------------------------- plain values


def cell(term: NamedNode | BlankNode | Literal | object | None) -> str:
    """A term as the SPARQL CSV format writes it: IRI, lexical form, or empty when unbound."""
    if term is None:
        return ""
    if isinstance(term, NamedNode | Literal):
        return term.value
    if isinstance(term, BlankNode):
        return f"_:{term.value}"
    return str(term)


def rows(results: QuerySolutions) -> tuple[list[str], list[tuple[str, ...]]]:
    """Column names and rows of plain values (as in the CSV format)."""
    names = [v.value for v in results.variables]
    with evaluation_errors():
        return names, [tuple(cell(solution[name]) for name in names) for solution in results]


def _compact(value: str) -> str:
    for prefix, namespace in PREFIX_MAP.items():
        if value.startswith(namespace) and re.fullmatch(r"[\w.-]+", value[len(namespace) :]):
            return f"{prefix}:{value[len(namespace) :]}"
    return value


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _clip(text: str, width: int) -> str:
    if _width(text) <= width:
        return text
    out, used = "", 0
    for char in text:
        if used + _width(char) > width - 1:
            break
        out, used = out + char, used + _width(char)
    return out + "…"


def render_table(results: QuerySolutions, *, max_width: int | None = None) -> str:
    """An aligned text table for people: vocabulary IRIs as CURIEs, unbound cells empty.

    With ``max_width`` (a terminal's width) the widest columns are clipped, marked ``…``, until
    the table fits; the csv, tsv and json formats are never clipped.
    """
    names = [v.value for v in results.variables]
    with evaluation_errors():
        body = [
            [_compact(cell(t)) if isinstance(t, NamedNode) else cell(t) for t in solution]
            for solution in results
        ]
    body = [[" ".join(value.split()) for value in row] for row in body]  # one line per row
    widths = [max(_width(c) for c in column) for column in zip(names, *body, strict=True)]
    if max_width is not None:
        _fit(widths, [_width(n) for n in names], max_width - 2 * (len(names) - 1))
    lines = [_line(names, widths), "  ".join("-" * w for w in widths)]
    lines += [_line(row, widths) for row in body]
    footer = f"({len(body)} row{'s' if len(body) != 1 else ''})"
    return "\n".join(line.rstrip() for line in lines) + "\n" + footer + "\n"


def _fit(widths: list[int], minimums: Iterable[int], room: int) -> None:
    floors = [max(m, 8) for m in minimums]
    while sum(widths) > room:
        i = max(range(len(widths)), key=lambda j: widths[j] - floors[j])
        if widths[i] <= floors[i]:
            return
        widths[i] -= 1


def _line(values: Sequence[str], widths: Sequence[int]) -> str:
    cells = [_clip(v, w) for v, w in zip(values, widths, strict=True)]
    return "  ".join(c + " " * (w - _width(c)) for c, w in zip(cells, widths, strict=True))
