"""Builders: article parts -> ``Entity`` records and ``Fact`` s with evidence. No RDF, no Drive.

Each builder is generic for the article format; what it knows about Wikipedia's album
conventions (infobox fields, value shapes, table kinds and their columns) it reads from
``resources/data/conventions.toml``, never one article's facts.
"""

from drivekg.facts.album import build_album
from drivekg.facts.names import Names, settle_types
from drivekg.facts.tables import build_tables

__all__ = ["Names", "build_album", "build_tables", "settle_types"]
