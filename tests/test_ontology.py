"""The ontology file and the Python vocabulary agree, and every borrowed term exists."""

from __future__ import annotations

from pyshacl.entrypoints import meta_validate
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, PROV, RDF, RDFS, SH, SKOS

from drivekg.graph.validate import load_ontology, load_shapes
from drivekg.outputs.publication import Publication
from drivekg.vocab import DKG, PQ, PR, PS, WD

from .vocabcheck import mo_terms, schema_terms, unknown_terms, used_terms

ONTOLOGY_IRI = URIRef("https://w3id.org/drivekg/ontology")
NS = str(DKG)
DECLARED_AS = {OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.NamedIndividual}


def vocab_terms() -> set[URIRef]:
    """Every term listed in ``drivekg.vocab.DKG``."""
    names = [n for n in DKG.__annotations__ if not n.startswith("_")]
    return {URIRef(NS + name) for name in names}


def declared_terms(graph: Graph) -> set[URIRef]:
    return {
        s
        for s, t in graph.subject_objects(RDF.type)
        if isinstance(s, URIRef) and s.startswith(NS) and t in DECLARED_AS
    }


def test_ontology_parses_with_a_header() -> None:
    """The ontology is Turtle with an owl:Ontology header: label, comment, version, licence."""
    graph = load_ontology()
    assert (ONTOLOGY_IRI, RDF.type, OWL.Ontology) in graph
    for prop in (RDFS.label, RDFS.comment, OWL.versionInfo, OWL.versionIRI):
        assert graph.value(ONTOLOGY_IRI, prop) is not None, prop
    assert graph.value(ONTOLOGY_IRI, URIRef("http://purl.org/dc/terms/license")) is not None


def test_no_owl_imports() -> None:
    """Neither the ontology nor the shapes import anything: nothing reaches out to the network."""
    assert not list(load_ontology().triples((None, OWL.imports, None)))
    assert not list(load_shapes().triples((None, OWL.imports, None)))


def test_every_vocab_term_is_declared() -> None:
    """Each term of vocab.DKG is declared in ontology/drivekg.ttl."""
    assert sorted(vocab_terms() - declared_terms(load_ontology())) == []


def test_every_declared_term_is_in_vocab() -> None:
    """The ontology declares no dkg: term that vocab.DKG lacks, and uses none either."""
    graph = load_ontology()
    used = {n for t in graph for n in t if isinstance(n, URIRef) and n.startswith(NS)}
    assert sorted((declared_terms(graph) | used) - vocab_terms()) == []


def test_every_term_has_an_english_label_and_comment() -> None:
    """Each dkg: term has exactly one rdfs:label and one rdfs:comment, in English."""
    graph = load_ontology()
    for term in sorted(vocab_terms()):
        for prop in (RDFS.label, RDFS.comment):
            values = list(graph.objects(term, prop))
            assert len(values) == 1, (term, prop, values)
            assert isinstance(values[0], Literal) and values[0].language == "en", (term, prop)


def test_terms_are_declared_once_by_kind() -> None:
    """A term is exactly one of class, object property, datatype property, individual."""
    graph = load_ontology()
    for term in sorted(vocab_terms()):
        kinds = {t for t in graph.objects(term, RDF.type) if t in DECLARED_AS}
        assert len(kinds) == 1, (term, kinds)


def test_closed_sets_are_enumerated() -> None:
    """AwardResult and ChartKind are owl:oneOf their individuals, each typed with its class."""
    graph = load_ontology()
    expected = {
        DKG.AwardResult: {DKG.Won, DKG.Nominated, DKG.ResultUnknown},
        DKG.ChartKind: {DKG.WeeklyChart, DKG.YearEndChart},
    }
    for cls, members in expected.items():
        one_of = graph.value(cls, OWL.oneOf)
        assert one_of is not None
        assert set(graph.items(one_of)) == members
        assert set(graph.subjects(RDF.type, cls)) == members


def test_wikidata_alignments() -> None:
    """Each dkg: term is aligned to the Wikidata property of the same direction and kind:
    statement values (ps:), qualifiers (pq:), direct claims of an item (wdt:)."""
    graph = load_ontology()
    expected = {
        DKG.awardCategory: PS.P1411,  # nomination (statement node) -> award: the statement value
        DKG.conferredBy: WD.P1027,  # award -> organisation: a claim on the award item
        DKG.ceremonyDate: PQ.P585,  # point in time: a qualifier
        DKG.forWork: PQ.P1686,  # for work: a qualifier
        DKG.position: PQ.P1352,  # ranking: a qualifier
        DKG.chart: PS.P2291,
        DKG.Won: WD.P166,
        DKG.retrieved: PR.P813,  # retrieved: a reference's value
    }
    for term, prop in expected.items():
        assert (term, SKOS.closeMatch, prop) in graph, term
    # P1411's subject is the nominee: nothing that starts at the nomination matches wdt:P1411
    assert (DKG.nominee, SKOS.closeMatch, WD.P1411) not in graph
    assert (DKG.AwardNomination, SKOS.closeMatch, WD.P1411) not in graph
    mapped = set(graph.objects(None, SKOS.closeMatch)) | set(graph.objects(None, SKOS.relatedMatch))
    assert {WD.P444, PQ.P447, PQ.P1683} <= mapped
    assert not {WD.P585, WD.P1686, WD.P1352, WD.P447} & mapped  # qualifiers are never wdt:


def test_prov_terms_exist() -> None:
    """Every PROV-O IRI the ontology and shapes use is a PROV-O term."""
    for graph in (load_ontology(), load_shapes()):
        for term in used_terms(graph, str(PROV)):
            assert PROV[term.removeprefix(str(PROV))] == term


def test_schema_and_mo_terms_in_ontology_exist() -> None:
    """Every schema.org and mo: term the ontology uses is defined (not pending) in the copies."""
    assert unknown_terms(load_ontology()) == []


def test_schema_and_mo_terms_in_shapes_exist() -> None:
    """Every schema.org and mo: term the shapes use is defined (and not pending) in the copies."""
    assert unknown_terms(load_shapes()) == []


def test_shapes_use_only_known_dkg_terms() -> None:
    """A typo such as dkg:postion in a shape would silently never match; none is there."""
    shapes = load_shapes()
    used = {n for t in shapes for n in t if isinstance(n, URIRef) and n.startswith(NS)}
    assert sorted(used - vocab_terms()) == []


def test_shapes_never_close_schema_classes() -> None:
    """Open world: no shape is sh:closed."""
    assert not list(load_shapes().triples((None, SH.closed, Literal(True))))


def test_vocabulary_copies_are_read() -> None:
    """The helpers see the vocabularies (a wrong path would make every check pass vacuously)."""
    assert URIRef("https://schema.org/MusicAlbum") in schema_terms()
    assert URIRef("http://purl.org/ontology/mo/Release") in mo_terms()
    assert len(schema_terms()) > 2000


def test_built_graph_uses_only_known_terms(drive_build: Publication) -> None:
    """The Drive graph uses only schema.org and mo: terms its vocabularies define, and dkg: terms
    of the ontology."""
    graph = drive_build.graph
    assert unknown_terms(graph) == []
    assert sorted(used_terms(graph, NS) - vocab_terms()) == []


def test_shapes_are_well_formed_shacl() -> None:
    """The shapes graph conforms to SHACL's own shapes (SHACL-SHACL); about 5 s."""
    conforms, _, text = meta_validate(load_shapes(), inference="none")
    assert conforms, text
