"""Each SHACL shape accepts a small conforming fixture and fires on a fixture that breaks it.

Fixtures are hand-written Turtle in ``tests/data/shapes/``: ``<Shape>.ok.ttl`` must conform to
every shape, ``<Shape>.bad.ttl`` must break that shape and no other. Both are read together with
``_base.ttl`` (the source article and a few conforming entities to link to). Assertions are on
``sh:sourceShape``, never on message text. A bad fixture must also make every property shape of
its node shape fire, so no rule goes untested.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, SH

from drivekg.graph.validate import SHAPES, Validation, load_shapes, validate
from drivekg.layout import DEFAULT_ARTICLE, resource

FIXTURES = Path(__file__).parent / "data" / "shapes"
DKG = "https://w3id.org/drivekg/ontology#"
OA = Namespace("http://www.w3.org/ns/oa#")
SCHEMA = "https://schema.org/"

_shapes = load_shapes()
# Shapes that apply to data: the ones with a target. (Value shapes such as AgentRef are reached
# through sh:node from a property shape, which is then the sh:sourceShape of the result.)
TARGETED = sorted(
    {
        s
        for p in (SH.targetClass, SH.targetSubjectsOf, SH.targetNode, SH.targetObjectsOf)
        for s in _shapes.subjects(p, None)
        if isinstance(s, URIRef) and (s, RDF.type, SH.NodeShape) in _shapes
    }
)
# The Single…Shapes are tested with the template below; every other targeted shape by files.
SINGLE = [s for s in TARGETED if str(s).startswith(SHAPES + "Single")]
FILE_TESTED = [s for s in TARGETED if s not in SINGLE]


def local(shape: URIRef) -> str:
    return str(shape).removeprefix(SHAPES)


def family(shape: URIRef) -> set[URIRef]:
    """A node shape and its property shapes: what a failure of this shape reports.

    Its property shapes are those it links with sh:property, and those that target its class
    themselves.
    """
    linked = set(_shapes.objects(shape, SH.property))
    for cls in _shapes.objects(shape, SH.targetClass):
        linked |= {
            p
            for p in _shapes.subjects(SH.targetClass, cls)
            if (p, RDF.type, SH.PropertyShape) in _shapes
        }
    return {shape, *(p for p in linked if isinstance(p, URIRef))}


def fixture(*names: str) -> Graph:
    graph = Graph().parse(FIXTURES / "_base.ttl")
    for name in names:
        graph.parse(FIXTURES / name)
    return graph


def source_shapes(validation: Validation) -> set[URIRef]:
    """The sh:sourceShape of every top-level result (not of the sh:detail results in them)."""
    report = validation.report
    return {
        URIRef(str(shape))
        for node in report.subjects(RDF.type, SH.ValidationReport)
        for result in report.objects(node, SH.result)
        for shape in report.objects(result, SH.sourceShape)
    }


def test_base_fixture_conforms() -> None:
    """The shared base fixture conforms on its own."""
    result = validate(fixture())
    assert result.conforms, result.text


def test_fixture_passages_select_the_article() -> None:
    """Every passage of the fixtures quotes the article's text between its start and end."""
    text = resource(*DEFAULT_ARTICLE).read_text(encoding="utf-8")
    checked = 0
    for path in sorted(FIXTURES.glob("*.ttl")):
        graph = Graph().parse(path)
        for passage in set(graph.subjects(OA.hasSelector, None)):
            selectors = set(graph.objects(passage, OA.hasSelector))
            exact = {str(graph.value(s, OA.exact)) for s in selectors if graph.value(s, OA.exact)}
            starts = [graph.value(s, OA.start) for s in selectors if graph.value(s, OA.start)]
            ends = [graph.value(s, OA.end) for s in selectors if graph.value(s, OA.end)]
            if len(exact) == 1 and len(starts) == 1 and len(ends) == 1:
                assert text[int(starts[0]) : int(ends[0])] == exact.pop(), (path.name, passage)
                checked += 1
    assert checked > 30


def test_every_targeted_shape_has_fixtures() -> None:
    """No targeted shape without an ok and a bad fixture (Single…Shapes use the template)."""
    missing = [
        f"{local(s)}.{kind}.ttl"
        for s in FILE_TESTED
        for kind in ("ok", "bad")
        if not (FIXTURES / f"{local(s)}.{kind}.ttl").exists()
    ]
    assert missing == []
    assert {local(s) for s in SINGLE} >= {"SinglePositionShape", "SingleDatePublishedShape"}


@pytest.mark.parametrize("shape", FILE_TESTED, ids=local)
def test_ok_fixture_conforms(shape: URIRef) -> None:
    """The shape's conforming fixture conforms to every shape."""
    result = validate(fixture(f"{local(shape)}.ok.ttl"))
    assert result.conforms, result.text


@pytest.mark.parametrize("shape", FILE_TESTED, ids=local)
def test_bad_fixture_breaks_exactly_that_shape(shape: URIRef) -> None:
    """The shape's bad fixture breaks that shape and no other."""
    result = validate(fixture(f"{local(shape)}.bad.ttl"))
    assert not result.conforms
    assert source_shapes(result) <= family(shape), result.text


@pytest.mark.parametrize("shape", FILE_TESTED, ids=local)
def test_bad_fixture_fires_every_rule_of_the_shape(shape: URIRef) -> None:
    """Every property shape of the node shape (and its own constraints) fires in the bad fixture."""
    result = validate(fixture(f"{local(shape)}.bad.ttl"))
    own_constraints = {p for p, _ in _shapes.predicate_objects(shape)} - {
        RDF.type,
        SH.name,
        SH.message,
        SH.property,
        SH.targetClass,
        URIRef("http://www.w3.org/2000/01/rdf-schema#seeAlso"),
        SH.targetSubjectsOf,
        URIRef("http://www.w3.org/2000/01/rdf-schema#comment"),
    }
    expected = family(shape) if own_constraints else family(shape) - {shape}
    assert source_shapes(result) == expected, result.text


# ------------------------------------------------------------------ one value, or a conflict

SINGLE_VALUES: dict[str, tuple[str, str]] = {
    "SingleDatePublishedShape": ('"2012-06-21"^^xsd:date', '"2012-06-22"^^xsd:date'),
    "SingleDurationShape": ('"PT1H10M18S"^^xsd:duration', '"PT57M16S"^^xsd:duration'),
    "SingleRatingValueShape": ("4", "5"),
    "SingleBestRatingShape": ("5", "10"),
    "SinglePositionShape": ("1", "4"),
    "SingleCeremonyDateShape": ('"2011-12-19"^^xsd:date', '"2011-12-18"^^xsd:date'),
    "SingleResultShape": ("dkg:Won", "dkg:Nominated"),
    "SingleRecordingDateShape": ('"2010"^^xsd:gYear', '"2011"^^xsd:gYear'),
    "SinglePeriodStartShape": ('"2011"^^xsd:gYear', '"2012"^^xsd:gYear'),
    "SinglePeriodEndShape": ('"2011"^^xsd:gYear', '"2012"^^xsd:gYear'),
    "SingleChartKindShape": ("dkg:WeeklyChart", "dkg:YearEndChart"),
}

PREFIXES = """
@prefix dkg: <https://w3id.org/drivekg/ontology#> .
@prefix ex: <https://w3id.org/drivekg/id/> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix schema: <https://schema.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""

# An untyped node, so that no class shape applies: only the Single…Shape of the property does.
TWO_VALUES = (
    PREFIXES
    + """
ex:thing {prop} {first}, {second} .
"""
)

CONFLICT = """
ex:conflict a dkg:Conflict ;
    dkg:conflictSubject ex:thing ; dkg:conflictProperty {reported} ;
    dkg:conflictingEvidence ex:passage-l15-1, ex:passage-l27-1 ;
    rdfs:comment "The article gives two values."@en .
ex:st-first rdf:subject ex:thing ; rdf:predicate {reported} ; rdf:object {first} ;
    prov:wasDerivedFrom ex:passage-l15-1 .
ex:st-second rdf:subject ex:thing ; rdf:predicate {reported} ; rdf:object {second} ;
    prov:wasDerivedFrom ex:passage-l27-1 .
"""


def single_case(shape: URIRef, *, conflict_on: str | None, values: int = 2) -> Validation:
    first, second = SINGLE_VALUES[local(shape)]
    prop = next(iter(_shapes.objects(shape, SH.targetSubjectsOf)))
    curie = _curie(prop)
    text = TWO_VALUES.format(prop=curie, first=first, second=second if values == 2 else first)
    if conflict_on is not None:
        text += CONFLICT.format(reported=conflict_on, first=first, second=second)
    graph = fixture()
    graph.parse(data=text, format="turtle")
    return validate(graph)


def _curie(iri: object) -> str:
    text = str(iri)
    for prefix, ns in (("schema", SCHEMA), ("dkg", DKG)):
        if text.startswith(ns):
            return f"{prefix}:{text.removeprefix(ns)}"
    raise AssertionError(text)


def test_every_single_shape_has_values() -> None:
    """The template knows two values for every Single…Shape."""
    assert {local(s) for s in SINGLE} == set(SINGLE_VALUES)


@pytest.mark.parametrize("shape", SINGLE, ids=local)
def test_single_value_conforms(shape: URIRef) -> None:
    """One value of a functional property conforms."""
    result = single_case(shape, conflict_on=None, values=1)
    assert result.conforms, result.text


@pytest.mark.parametrize("shape", SINGLE, ids=local)
def test_two_values_with_a_conflict_conform(shape: URIRef) -> None:
    """Two values conform when a dkg:Conflict on that subject and property reports them."""
    prop = _curie(next(iter(_shapes.objects(shape, SH.targetSubjectsOf))))
    result = single_case(shape, conflict_on=prop)
    assert result.conforms, result.text


@pytest.mark.parametrize("shape", SINGLE, ids=local)
def test_two_values_without_a_conflict_break_the_shape(shape: URIRef) -> None:
    """Two values with no conflict break exactly the Single…Shape."""
    result = single_case(shape, conflict_on=None)
    assert source_shapes(result) == {shape}, result.text


def test_a_conflict_on_another_property_does_not_count() -> None:
    """The conflict must name the property: one about schema:name does not excuse two positions."""
    shape = URIRef(SHAPES + "SinglePositionShape")
    result = single_case(shape, conflict_on="schema:name")
    assert shape in source_shapes(result)


# ------------------------------------------------------------------ the validation result


def test_violations_are_sorted_and_name_shape_and_path() -> None:
    """Violations come sorted, each with focus node, shape IRI, path and a message."""
    result = validate(fixture("MusicReleaseShape.bad.ttl"))
    assert list(result.violations) == sorted(result.violations)
    release = URIRef("https://w3id.org/drivekg/id/bad-release")
    paths = {v.path for v in result.violations if v.focus == release}
    assert URIRef(SCHEMA + "recordLabel") in paths
    assert all(isinstance(v.shape, URIRef) and v.message for v in result.violations)


def test_inverse_and_alternative_paths_are_written_as_sparql() -> None:
    """The evidence rule's path reads <dkg:statedIn>|(^<rdf:subject>)."""
    result = validate(fixture("AwardCategoryShape.bad.ttl"))
    expected = f"<{DKG}statedIn>|(^<{RDF.subject}>)"
    assert expected in {v.path for v in result.violations}


def test_report_is_deterministic() -> None:
    """Validating the same graph twice gives the same report bytes and the same text."""
    first = validate(fixture("MusicAlbumShape.bad.ttl"))
    second = validate(fixture("MusicAlbumShape.bad.ttl"))
    assert first.text == second.text
    assert first.report.serialize(format="turtle") == second.report.serialize(format="turtle")


def test_does_not_conform_is_a_result() -> None:
    """A graph that does not conform returns a result with the report; nothing is raised."""
    result = validate(fixture("ChartEntryShape.bad.ttl"))
    assert result.conforms is False
    assert (None, SH.conforms, Literal(False)) in result.report
    assert "Conforms: False" in result.text


def test_validation_does_not_change_the_data() -> None:
    """pyshacl runs without inference: the data graph keeps exactly its triples."""
    graph = fixture("ReviewShape.ok.ttl")
    before = set(graph)
    validate(graph)
    assert set(graph) == before
