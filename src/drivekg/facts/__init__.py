"""Builders: article parts -> ``Entity`` records and ``Fact`` s with evidence. No RDF, no Drive.

Each builder is generic for the article format; what it knows is the format's conventions
(infobox field names, chart and award table layouts), never one article's facts.
"""

from drivekg.facts.infobox import build_infobox
from drivekg.facts.names import Names, settle_types
from drivekg.facts.tables import build_tables

__all__ = ["Names", "build_infobox", "build_tables", "settle_types"]
