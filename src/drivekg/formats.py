"""One table of the RDF formats drivekg writes and serves."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Format:
    name: str  # as in --format / ?format=
    media_type: str
    extension: str
    rdflib: str  # rdflib's format name


TURTLE = Format("turtle", "text/turtle", "ttl", "turtle")
JSONLD = Format("jsonld", "application/ld+json", "jsonld", "json-ld")
NTRIPLES = Format("nt", "application/n-triples", "nt", "nt")

FORMATS = (TURTLE, JSONLD, NTRIPLES)
BY_NAME = {f.name: f for f in FORMATS} | {"ttl": TURTLE, "json-ld": JSONLD, "ntriples": NTRIPLES}
BY_MEDIA_TYPE = {f.media_type: f for f in FORMATS}
