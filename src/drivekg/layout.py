"""Where things are: the package's resources, every path of ``out/``, every URL path of the server.

The build side writes ``out/`` and the use side (query, publish, serve) reads it; this module is
the contract between them, so neither spells a file name or a URL path of its own::

    out/
      graph.ttl graph.jsonld graph.nt     the graph (RDF 1.1), one file per format in formats.py
      graph-rdf12.nt graph-rdf12.ttl      the RDF 1.2 edition (triple terms carry the evidence)
      context.jsonld                      the JSON-LD context the dumps use (inline, never fetched)
      validation.ttl  report.md           the SHACL report and the human build report
      void.ttl                            the VoID description of the dataset
      site/                               the static site (one page and RDF files per entity)
        index.html  id/{key}.html|.ttl|.jsonld|.nt  static/…

    server                                ``drivekg serve``
      /id/{key}                           an entity IRI {base}{key}, negotiated
      /id/{key}.{ext}                     one representation of it
      /sparql                             SPARQL 1.1 Protocol (read-only)
      /.well-known/void  /void.ttl        VoID
      /graph.ttl … /context.jsonld        the dumps
      /                                   the static site

Resources (``resources()``) ship inside the package as real files: ``data/`` (the bundled
article and its claims), ``queries/`` (bundled SPARQL), ``shapes/`` (SHACL), ``ontology/``,
``templates/`` and ``static/`` (the site).
"""

from __future__ import annotations

from importlib.resources import files
from importlib.resources.abc import Traversable

__all__ = [
    "CONTEXT",
    "DUMPS",
    "ENTITY_DIR",
    "ID_PATH",
    "MARKER",
    "REPORT",
    "SITE",
    "SITE_INDEX",
    "SPARQL_PATH",
    "VALIDATION",
    "VOID",
    "VOID_PATHS",
    "RDF12_STEM",
    "dump_name",
    "entity_file",
    "rdf12_dump_name",
    "resource",
]

# --------------------------------------------------------------------------- package resources


def resource(*parts: str) -> Traversable:
    """A file or folder shipped in ``drivekg/resources`` (``resource("queries", "awards.rq")``)."""
    path = files("drivekg") / "resources"
    for part in parts:
        path = path / part
    return path


DEFAULT_ARTICLE = ("data", "drive-soundtrack.txt")

# --------------------------------------------------------------------------- out/

GRAPH_STEM = "graph"
CONTEXT = "context.jsonld"
VALIDATION = "validation.ttl"
REPORT = "report.md"
VOID = "void.ttl"
SITE = "site"
SITE_INDEX = f"{SITE}/index.html"
ENTITY_DIR = f"{SITE}/id"
MARKER = f"{GRAPH_STEM}.ttl"  # a folder holding this is a drivekg output directory


def dump_name(extension: str) -> str:
    """``nt`` -> ``graph.nt``: the whole graph in one format."""
    return f"{GRAPH_STEM}.{extension}"


RDF12_STEM = "graph-rdf12"


def rdf12_dump_name(extension: str) -> str:
    """``nt`` -> ``graph-rdf12.nt``: the RDF 1.2 edition (``outputs.rdf12``) in one format."""
    return f"{RDF12_STEM}.{extension}"


def entity_file(key: str, extension: str) -> str:
    """The file of one representation of an entity, relative to ``out/``."""
    return f"{ENTITY_DIR}/{key}.{extension}"


# the dumps served at the server's root, by file name (filled from formats.FORMATS by users)
DUMPS = (dump_name("ttl"), dump_name("jsonld"), dump_name("nt"), CONTEXT)

# --------------------------------------------------------------------------- the server's URLs

ID_PATH = "/id/"  # {base}{key} is served at /id/{key}
SPARQL_PATH = "/sparql"
VOID_PATHS = ("/.well-known/void", "/void.ttl")
