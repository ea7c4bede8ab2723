"""The bytes of an RDF file from anywhere -> an rdflib Graph: linear time, bounded, no network.

rdflib's own parsers are not fit for files from elsewhere (measured, issue 11): its RDF/XML parser
expands nested XML entities without bound (a 1 KB "billion laughs" file spun for over 120 s) and
its N-Triples parser is superlinear in the length of a literal (4 MB: 69 s). So ``read_rdf``
parses with pyoxigraph (Rust; the same 4 MB literal in milliseconds) and copies its triples into
an rdflib Graph for pySHACL. pyoxigraph has weak spots of its own, closed here before it sees the
bytes:

- RDF/XML: pyoxigraph expands internal entities without a limit, and its time grows with the
  square of the element depth. So expat (the standard library's) reads the document first: its
  billion-laughs protection refuses more than 100-fold amplification once past 8 MiB, the text
  and attributes after entity expansion must fit in ``limit`` bytes, and elements may nest at most
  ``MAX_DEPTH`` deep. Neither expat (no external-entity handler is set; parameter entities are
  never parsed) nor pyoxigraph reads an external entity or DTD.
- JSON-LD: pyoxigraph overflows its stack (the process dies) past some thousands of levels of
  nesting, and it answers a remote ``@context`` with an error about a missing callback. So the
  document is first read with ``json`` (at most ``MAX_DEPTH`` deep), and any ``@context`` or
  ``@import`` that names a document (remote or local) is refused by name. Nothing is fetched.

Triples in named graphs (TriG, N-Quads) are validated together with the default graph. RDF 1.2
triple terms and directional language strings are refused: an rdflib Graph cannot hold them.
"""

from __future__ import annotations

import codecs
import json
import pyexpat
import re
import warnings
from collections.abc import Iterable, Iterator
from pathlib import PurePath
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from drivekg.errors import SourceError

__all__ = ["MAX_DEPTH", "read_rdf", "rdf_format"]

MAX_DEPTH = 100  # XML elements or JSON arrays and objects nested in one another
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"

_BY_EXTENSION = {
    "ttl": ox.RdfFormat.TURTLE,
    "turtle": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "nq": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG,
    "n3": ox.RdfFormat.N3,
    "jsonld": ox.RdfFormat.JSON_LD,
    "json-ld": ox.RdfFormat.JSON_LD,
    "json": ox.RdfFormat.JSON_LD,
    "rdf": ox.RdfFormat.RDF_XML,
    "owl": ox.RdfFormat.RDF_XML,
    "xml": ox.RdfFormat.RDF_XML,
}


def rdf_format(name: str) -> ox.RdfFormat:
    """The format a file name's extension says; Turtle when it says none we read."""
    return _BY_EXTENSION.get(PurePath(name).suffix[1:].lower(), ox.RdfFormat.TURTLE)


def read_rdf(data: bytes, *, source: str, base: str, limit: int) -> Graph:
    """Parse ``data`` (named ``source`` in errors; relative IRIs against ``base``).

    Raises ``SourceError`` (with a line where one is known) for anything it cannot read.
    """
    fmt = rdf_format(source)
    if fmt not in (ox.RdfFormat.RDF_XML, ox.RdfFormat.JSON_LD):
        data = data.removeprefix(codecs.BOM_UTF8)  # as editors on Windows write (expat, json: ok)
    if fmt == ox.RdfFormat.RDF_XML:
        _check_xml(data, source, limit)
    elif fmt == ox.RdfFormat.JSON_LD:
        _check_json(data, source)
    graph = Graph()
    try:
        with warnings.catch_warnings():
            # rdflib warns of each literal whose lexical form does not fit its datatype (a weird
            # boolean, say); the SHACL report names those (sh:datatype), nothing is printed here.
            warnings.filterwarnings("ignore", category=UserWarning, module="rdflib.term")
            quads = ox.parse(data, fmt, base_iri=base)
            graph.addN((s, p, o, graph) for s, p, o in _triples(quads))
    except SyntaxError as exc:
        raise SourceError(_message(exc), source=source, line=exc.lineno) from exc
    except ValueError as exc:
        raise SourceError(f"cannot be read as RDF: {exc}", source=source) from exc
    except _Unsupported as exc:
        raise SourceError(str(exc), source=source) from exc
    return graph


class _Unsupported(Exception):
    pass


def _triples(quads: Iterable[ox.Quad]) -> Iterator[tuple[Node, Node, Node]]:
    for quad in quads:
        yield _term(quad.subject), URIRef(quad.predicate.value), _term(quad.object)


def _term(term: Any) -> Node:
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.direction is not None:
            raise _Unsupported(f"directional language strings (RDF 1.2) are not supported: {term}")
        if term.language is not None:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        return Literal(term.value, datatype=None if datatype == XSD_STRING else URIRef(datatype))
    raise _Unsupported(f"triple terms (RDF 1.2) are not supported: {term}")


_LOCATION = re.compile(r"^Parser error (?:at|between) [^:]*: ")


def _message(exc: SyntaxError) -> str:
    """pyoxigraph's message without the location it also gives as attributes."""
    text = _LOCATION.sub("", str(exc.msg))
    return f"{text} (column {exc.offset})" if exc.lineno and exc.offset else text


# --------------------------------------------------------------------------- RDF/XML


class _Refused(Exception):
    pass


def _check_xml(data: bytes, source: str, limit: int) -> None:
    """Well-formed XML whose expanded text fits in ``limit`` and that nests at most MAX_DEPTH."""
    parser = pyexpat.ParserCreate()
    parser.SetParamEntityParsing(pyexpat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.buffer_text = True
    parser.buffer_size = 1 << 16
    depth = size = 0

    def grow(amount: int) -> None:
        nonlocal size
        size += amount
        if size > limit:
            raise _Refused(f"its text with XML entities expanded is over {limit:,} bytes")

    def start(name: str, attributes: dict[str, str]) -> None:
        nonlocal depth
        depth += 1
        if depth > MAX_DEPTH:
            raise _Refused(f"XML elements nested more than {MAX_DEPTH} deep")
        grow(len(name) + sum(len(k) + len(v) for k, v in attributes.items()))

    def end(name: str) -> None:
        nonlocal depth
        depth -= 1

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = lambda text: grow(len(text))
    try:
        parser.Parse(data, True)
    except pyexpat.ExpatError as exc:
        message = pyexpat.ErrorString(exc.code) or "not well-formed XML"
        raise SourceError(
            f"{message} (column {exc.offset + 1})", source=source, line=exc.lineno
        ) from None
    except _Refused as exc:
        raise SourceError(str(exc), source=source, line=parser.CurrentLineNumber) from None
    except (LookupError, ValueError) as exc:  # the XML declaration names an encoding Python lacks
        raise SourceError(f"cannot be read as XML: {exc}", source=source, line=1) from None



# --------------------------------------------------------------------------- JSON-LD


def _check_json(data: bytes, source: str) -> None:
    """JSON nested at most MAX_DEPTH deep whose contexts are all inline."""
    try:
        document = json.loads(data)
    except json.JSONDecodeError as exc:
        raise SourceError(f"not JSON: {exc.msg}", source=source, line=exc.lineno) from None
    except UnicodeDecodeError as exc:
        raise SourceError(f"not UTF-8 text: {exc.reason}", source=source) from None
    except RecursionError:
        raise SourceError(f"JSON nested more than {MAX_DEPTH} deep", source=source) from None
    stack: list[tuple[Any, int]] = [(document, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise SourceError(f"JSON nested more than {MAX_DEPTH} deep", source=source)
        if isinstance(value, dict):
            for key in ("@context", "@import"):
                for context in value[key] if isinstance(value.get(key), list) else [value.get(key)]:
                    if isinstance(context, str):
                        raise SourceError(
                            f"refusing to load the JSON-LD {key} {context!r}: "
                            "drivekg reads no remote or separate contexts",
                            source=source,
                        )
            stack.extend((v, depth + 1) for v in value.values())
        elif isinstance(value, list):
            stack.extend((v, depth + 1) for v in value)
