"""Every namespace and every own term the graph uses.

``DKG`` is a closed ``DefinedNamespace``: a typo such as ``DKG.postion`` raises at import time
instead of silently minting a new IRI. ``tests/test_ontology.py`` checks that this list and
``resources/ontology/drivekg.ttl`` agree term for term.
"""

from __future__ import annotations

from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import OWL, PROV, RDF, RDFS, SDO, SKOS, XSD, DefinedNamespace

__all__ = [
    "DKG",
    "MO",
    "OA",
    "P",
    "PQ",
    "PR",
    "PS",
    "OWL",
    "PREFIXES",
    "PROV",
    "RDF",
    "RDFS",
    "SDO",
    "SKOS",
    "VOID",
    "WD",
    "XSD",
    "bind_prefixes",
]

MO = Namespace("http://purl.org/ontology/mo/")
OA = Namespace("http://www.w3.org/ns/oa#")
WD = Namespace("http://www.wikidata.org/prop/direct/")  # wdt: a statement's truthy direct claim
P = Namespace("http://www.wikidata.org/prop/")  # p: subject -> statement node
PS = Namespace("http://www.wikidata.org/prop/statement/")  # ps: statement node -> its value
PQ = Namespace("http://www.wikidata.org/prop/qualifier/")  # pq: statement node -> a qualifier
PR = Namespace("http://www.wikidata.org/prop/reference/")  # pr: reference node -> a value
VOID = Namespace("http://rdfs.org/ns/void#")


class DKG(DefinedNamespace):
    """The drivekg ontology: only what schema.org cannot say."""

    _NS = Namespace("https://w3id.org/drivekg/ontology#")
    _fail = True

    # classes
    AwardCategory: URIRef  # an award category ("Best Original Score"), conferred by an organisation
    AwardNomination: URIRef  # n-ary: nominee, award category, ceremony date, work, result
    AwardResult: URIRef  # closed set: Won, Nominated, ResultUnknown
    Chart: URIRef  # a record chart
    ChartEntry: URIRef  # n-ary: charted item, chart, kind, period, position
    ChartKind: URIRef  # closed set: WeeklyChart, YearEndChart
    Conflict: URIRef  # the article states one thing in two incompatible ways

    # individuals
    Won: URIRef
    Nominated: URIRef
    ResultUnknown: URIRef
    WeeklyChart: URIRef
    YearEndChart: URIRef

    # awards
    nominee: URIRef
    awardCategory: URIRef
    conferredBy: URIRef
    ceremonyDate: URIRef
    forWork: URIRef
    result: URIRef

    # charts
    chart: URIRef
    chartedItem: URIRef
    chartKind: URIRef
    position: URIRef
    periodStart: URIRef
    periodEnd: URIRef

    # prose facts with no schema.org term
    recordingDate: URIRef  # infobox "Recorded"
    formerComposer: URIRef  # hired to score a film, then replaced
    styleReference: URIRef  # whose style a film's composer was hired to imitate
    composedFor: URIRef  # the film a work was composed for, used there or not
    usedIn: URIRef  # a recording used in a film or broadcast
    highlightedTrack: URIRef  # a track a review singles out
    marketedBy: URIRef  # who marketed an edition ("a vinyl edition ..., marketed by Mondo")

    # album conventions (resources/data/conventions.toml)
    albumType: URIRef  # infobox "Type" as a concept (album-type/soundtrack)
    chronology: URIRef  # infobox "Chronology": the series the previous/next albums belong to
    follows: URIRef  # infobox "Prev Title": this album follows that one
    followedBy: URIRef  # infobox "Next Title"
    variousFor: URIRef  # "various artists" in place of names: the property they stand for
    region: URIRef  # where an edition was released or a certification given, as written

    # certifications (a certifications table)
    Certification: URIRef  # n-ary: an item certified at a level in a region, for so many units
    certifiedItem: URIRef
    certification: URIRef  # the level, as written ("Gold", "2× Platinum")
    certifiedUnits: URIRef

    # evidence, the source, conflicts
    statedIn: URIRef  # node -> the passages that state all of its triples
    sha256: URIRef  # the SHA-256 of the article text the build read
    retrieved: URIRef  # the date that text was retrieved from its URL
    conflictSubject: URIRef
    conflictProperty: URIRef
    conflictingEvidence: URIRef


PREFIXES: dict[str, Namespace] = {
    prefix: Namespace(str(ns))
    for prefix, ns in {
        "schema": SDO,
        "dkg": DKG,
        "mo": MO,
        "prov": PROV,
        "oa": OA,
        "rdf": RDF,
        "rdfs": RDFS,
        "owl": OWL,
        "skos": SKOS,
        "xsd": XSD,
        "wdt": WD,
    }.items()
}


def bind_prefixes(graph: Graph) -> Graph:
    """Bind the project's prefixes (and only them) so every serialization spells them the same."""
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True, replace=True)
    return graph


def expand_curie(curie: str) -> URIRef:
    """``schema:name`` -> full IRI; a KeyError names an unknown prefix."""
    prefix, _, local = curie.partition(":")
    if not local or prefix not in PREFIXES:
        raise KeyError(curie)
    return URIRef(str(PREFIXES[prefix]) + local)
