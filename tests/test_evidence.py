"""Evidence: every fact points at the passages of the article that state it, each passage stored
once with Web Annotation selectors and a Text Fragment link that finds it; both editions load into
real stores and still conform; the RDF 1.2 edition answers "where does the article say this?".

The Text Fragment check is written here from the specification's matching rules
(https://wicg.github.io/scroll-to-text-fragment/: case-insensitive, word-bounded, each term inside
one block, the range from the first textStart to the first textEnd after it, context terms
adjacent), over a reading of the article text that does not use the code under test.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from urllib.parse import unquote

import httpx
import pytest
from pyoxigraph import QuerySolutions, RdfFormat, Store, serialize
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD

from drivekg.cli import main
from drivekg.graph.validate import validate
from drivekg.sparql.query import bundled_query, rows
from drivekg.sparql.store import execute, open_store
from drivekg.vocab import DKG, OA, PREFIXES, PROV, SDO, SKOS

from .conftest import ARTICLE, ROOT
from .test_publish import Server, server  # noqa: F401  (the oxigraph serve fixture)

ID = "https://w3id.org/drivekg/id/"
TEXT = ARTICLE.read_text(encoding="utf-8")
MODEL = (ROOT / "docs" / "model.md").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("evidence") / "out"
    assert main(["build", "--out", str(out)]) == 0
    return out


@pytest.fixture(scope="module")
def graph(out: Path) -> Graph:
    return Graph().parse(out / "graph.nt", format="nt")


def passages(graph: Graph) -> dict[URIRef, tuple[str, int, int]]:
    """Each passage: its exact text, start and end."""
    found = {}
    for passage in set(graph.subjects(OA.hasSelector, None)):
        assert isinstance(passage, URIRef)
        selectors = list(graph.objects(passage, OA.hasSelector))
        exact = next(str(o) for s in selectors for o in graph.objects(s, OA.exact))
        start = next(int(o) for s in selectors for o in graph.objects(s, OA.start))  # type: ignore[call-overload]
        end = next(int(o) for s in selectors for o in graph.objects(s, OA.end))  # type: ignore[call-overload]
        found[passage] = (exact, start, end)
    return found


def docs_query(title: str) -> str:
    """The ```sparql block of docs/model.md whose first line is ``# {title}``."""
    for block in re.findall(r"```sparql\n(.*?)```", MODEL, re.S):
        if block.startswith(f"# {title}\n"):
            return str(block)
    raise AssertionError(f"docs/model.md has no query '# {title}'")


# --------------------------------------------------------------------------- passages


def test_each_passage_selects_its_text_in_the_pinned_article(graph: Graph) -> None:
    """oa:exact is the article's text between oa:start and oa:end, and the article resource
    pins that text by its SHA-256."""
    found = passages(graph)
    assert len(found) > 60
    for exact, start, end in found.values():
        assert TEXT[start:end] == exact
    article = URIRef(f"{ID}article/drive-soundtrack")
    assert graph.value(article, DKG.sha256) == Literal(
        hashlib.sha256(ARTICLE.read_bytes()).hexdigest()
    )
    assert graph.value(article, DKG.retrieved) == Literal("2026-11-25", datatype=XSD.date)


def test_no_passage_text_is_stored_twice(graph: Graph) -> None:
    """Passages never overlap, and no text of the article is stored in two of them."""
    spans = sorted((start, end) for _, start, end in passages(graph).values())
    assert all(spans[i][1] <= spans[i + 1][0] for i in range(len(spans) - 1))
    texts = [exact for exact, _, _ in passages(graph).values()]
    assert len(texts) == len(set(texts))


def test_prefix_and_suffix_only_where_the_quote_occurs_twice(graph: Graph) -> None:
    """A quote selector has oa:prefix/oa:suffix exactly when its text is not unique, and then
    prefix + exact + suffix occurs once."""
    for passage, (exact, start, _) in passages(graph).items():
        quote = URIRef(f"{passage}#quote")
        prefix, suffix = graph.value(quote, OA.prefix), graph.value(quote, OA.suffix)
        if TEXT.count(exact) == 1:
            assert prefix is None and suffix is None, passage
        else:
            assert prefix is not None and suffix is not None, passage
            assert TEXT.count(f"{prefix}{exact}{suffix}") == 1
            assert TEXT[start - len(prefix) : start] == str(prefix)


def test_passage_iris_stay_when_other_text_moves() -> None:
    """A sentence added to the lead moves every later passage's offsets, not its IRI."""
    from drivekg.pipeline import build

    claims = (ARTICLE.parent / "drive-soundtrack.claims.toml").read_text(encoding="utf-8")
    first = build(TEXT, article_source="a.txt", claims_text=claims, base=ID).graph
    edited = TEXT.replace(
        "The soundtrack also received several awards and nominations.",
        "The soundtrack also received several awards and nominations. An extra sentence.",
    )
    second = build(edited, article_source="a.txt", claims_text=claims, base=ID).graph
    before, after = passages(first), passages(second)
    assert set(before) == set(after)
    moved = [p for p in before if before[p][1] != after[p][1]]
    assert len(moved) > 30 and all(after[p][1] == before[p][1] + 19 for p in moved)


# --------------------------------------------------------------------------- Text Fragments


def _blocks(text: str) -> list[tuple[int, str]]:
    """The article as it renders: (offset, text) of each block (a heading, an infobox key or
    value, a paragraph line, a caption, a table cell), in order."""
    blocks = []
    at = 0
    for raw in text.splitlines(keepends=True):
        line = raw.rstrip("\r\n")
        parts: list[str]
        if re.match(r"^\s*=+.*=+\s*$", line):
            parts = [line.strip().strip("=").strip()]
        elif field := re.match(r"^- ([^:]+):\s*(.*)$", line):
            parts = [field[1].strip(), field[2].strip()]
        elif caption := re.match(r"^\s+- (.+?)\*\*$", line):
            parts = [caption[1].strip()]
        elif line.startswith("|"):
            parts = [cell.strip() for cell in line.strip()[1:-1].split("|")]
        else:
            parts = [line.strip()]
        column = 0
        for part in parts:
            if part:
                column = line.index(part, column)
                blocks.append((at + column, part))
                column += len(part)
        at += len(raw)
    return blocks


def _find(blocks: list[tuple[int, str]], term: str) -> list[tuple[int, int, int]]:
    """(start, end, block index) of each word-bounded, case-insensitive match of ``term``."""
    found = []
    lowered = term.lower()
    for i, (offset, text) in enumerate(blocks):
        low = text.lower()
        at = low.find(lowered)
        while at >= 0:
            end = at + len(term)
            before = low[at - 1] if at else " "
            after = low[end] if end < len(low) else " "
            if not (before.isalnum() and term[0].isalnum()) and not (
                after.isalnum() and term[-1].isalnum()
            ):
                found.append((offset + at, offset + end, i))
            at = low.find(lowered, at + 1)
    return found


def _adjacent(blocks: list[tuple[int, str]], left: tuple[int, int, int],
              right: tuple[int, int, int]) -> bool:
    """Only white space, or one block boundary, between the end of left and the start of right."""
    (_, left_end, i), (right_start, _, j) = left, right
    if i == j:
        return left_end <= right_start and not TEXT[left_end:right_start].strip()
    block_i_end = blocks[i][0] + len(blocks[i][1])
    return j == i + 1 and left_end == block_i_end and right_start == blocks[j][0]


def fragment_matches(url: str) -> list[tuple[int, int]]:
    """Every range of the article the link's text directive selects."""
    directive = url.split("#:~:text=", 1)[1]
    parts = directive.split(",")
    prefix = unquote(parts.pop(0)[:-1]) if parts[0].endswith("-") else None
    suffix = unquote(parts.pop()[1:]) if parts[-1].startswith("-") else None
    start = unquote(parts[0])
    end = unquote(parts[1]) if len(parts) > 1 else None
    blocks = _blocks(TEXT)
    ranges = set()
    for s in _find(blocks, start):
        if prefix and not any(_adjacent(blocks, p, s) for p in _find(blocks, prefix)):
            continue
        last = s
        if end:
            later = [e for e in _find(blocks, end) if e[0] >= s[1]]
            if not later:
                continue
            last = min(later)
        if suffix and not any(_adjacent(blocks, last, x) for x in _find(blocks, suffix)):
            continue
        ranges.add((s[0], last[1]))
    return sorted(ranges)


def test_each_text_fragment_finds_exactly_its_passage(graph: Graph) -> None:
    """Each passage's link matches the article once (with its prefix-/-suffix context where it
    has one), inside the passage: a browser highlights the passage and nothing else."""
    found = passages(graph)
    for passage, (exact, start, end) in found.items():
        link = graph.value(passage, SDO.url)
        assert link is not None and str(link).startswith(
            "https://en.wikipedia.org/wiki/Drive_(soundtrack)#:~:text="
        )
        ranges = fragment_matches(str(link))
        assert len(ranges) == 1, (exact, str(link), ranges)
        assert start <= ranges[0][0] < ranges[0][1] <= end, (exact, str(link))


def test_the_fragment_check_can_fail() -> None:
    """The matcher behind the test above finds a word the article writes many times many times."""
    assert len(fragment_matches("https://x/#:~:text=soundtrack")) > 10
    assert fragment_matches("https://x/#:~:text=Released-,September%2019%2C%202011") == [
        (TEXT.index("September 19, 2011"), TEXT.index("September 19, 2011") + 18)
    ]


# --------------------------------------------------------------------------- links


def test_every_fact_points_at_the_passages_that_state_it(graph: Graph) -> None:
    """Each triple of the data has a statement node or a subject stated in passages, and each
    of those passages says something the fact is made of (a name, a value or a cell of it)."""
    found = passages(graph)
    statements = {
        (graph.value(st, RDF.subject), graph.value(st, RDF.predicate), graph.value(st, RDF.object)):
        set(graph.objects(st, PROV.wasDerivedFrom))
        for st in graph.subjects(RDF.subject, None)
    }
    skip = set(found) | {URIRef(f"{p}#{s}") for p in found for s in ("quote", "position")}
    skip |= set(graph.subjects(RDF.subject, None)) | set(graph.subjects(RDF.type, DKG.Conflict))
    skip.add(URIRef(f"{ID}article/drive-soundtrack"))
    checked = 0
    for s, p, o in graph:
        if s in skip or p == DKG.statedIn:
            continue
        cited = statements.get((s, p, o)) or set(graph.objects(s, DKG.statedIn))
        assert cited and cited <= set(found), (s, p, o)
        assert not (statements.get((s, p, o)) and (s, DKG.statedIn, None) in graph)
        checked += 1
    assert checked > 400


def test_a_table_row_is_cited_once_by_its_row_node(graph: Graph) -> None:
    """A nomination cites its row (dkg:statedIn) once; no statement node repeats it per cell."""
    row = "| Satellite Awards | December 18, 2011 | Best Original Score | Cliff Martinez | | |"
    passage = next(p for p, (exact, _, _) in passages(graph).items() if exact == row)
    nomination = URIRef(
        f"{ID}nomination/satellite-awards/2011-12-18/best-original-score/cliff-martinez")
    assert passage in set(graph.objects(nomination, DKG.statedIn))
    assert not list(graph.subjects(RDF.subject, nomination))  # no statement node per cell


def test_a_continuation_row_cites_the_row_it_continues(graph: Graph) -> None:
    """The last awards row (line 59) takes its organisation, date and nominee from line 58:
    its nomination and its award category cite both rows."""
    found = passages(graph)
    row58 = next(p for p, (e, _, _) in found.items() if e.startswith("| World Soundtrack"))
    row59 = next(p for p, (e, _, _) in found.items() if e.startswith("| Soundtrack Composer"))
    for node in (
        f"{ID}nomination/world-soundtrack-academy/2012-10-20/soundtrack-composer-of-the-year/"
        "cliff-martinez",
        f"{ID}award/world-soundtrack-academy/soundtrack-composer-of-the-year",
    ):
        cited = set(graph.objects(URIRef(node), DKG.statedIn))
        assert {row58, row59} <= cited, node


def test_conflicting_values_each_name_their_passage(graph: Graph) -> None:
    """The iTunes conflict names two passages; each states one of the two positions."""
    conflict = next(graph.subjects(RDF.type, DKG.Conflict))
    named = set(graph.objects(conflict, DKG.conflictingEvidence))
    entry = graph.value(conflict, DKG.conflictSubject)
    by_passage = {
        passage: graph.value(st, RDF.object)
        for st in graph.subjects(RDF.subject, entry)
        if graph.value(st, RDF.predicate) == DKG.position
        for passage in graph.objects(st, PROV.wasDerivedFrom)
    }
    assert set(by_passage) == named
    assert sorted(int(v) for v in by_passage.values()) == [1, 4]  # type: ignore[call-overload]


# --------------------------------------------------------------------------- stores


def test_no_datatype_a_store_would_rewrite(graph: Graph) -> None:
    """No xsd:positiveInteger (or another integer subtype) anywhere: Oxigraph keeps them as
    xsd:integer, and the graph would then fail its own shapes."""
    rewritten = {XSD.positiveInteger, XSD.nonNegativeInteger, XSD.negativeInteger,
                 XSD.nonPositiveInteger, XSD.long, XSD.int, XSD.short, XSD.byte}
    assert {o.datatype for o in graph.objects() if isinstance(o, Literal)} & rewritten == set()


@pytest.mark.parametrize(
    ("name", "fmt"),
    [("graph.nt", RdfFormat.N_TRIPLES), ("graph.ttl", RdfFormat.TURTLE),
     ("graph.jsonld", RdfFormat.JSON_LD)],
)
def test_dump_conforms_after_a_round_trip_through_pyoxigraph(
    out: Path, graph: Graph, name: str, fmt: RdfFormat
) -> None:
    """Loaded into pyoxigraph and dumped again, each dump is the same graph and conforms."""
    store = Store()
    store.load((out / name).read_bytes(), format=fmt)
    dumped = serialize(store, format=RdfFormat.N_TRIPLES)
    assert dumped is not None
    back = Graph().parse(data=dumped, format="nt")
    assert set(back) == set(graph)
    result = validate(back)
    assert result.conforms, result.text


@pytest.mark.parametrize(
    ("name", "media_type"),
    [("graph.nt", "application/n-triples"), ("graph.ttl", "text/turtle"),
     ("graph.jsonld", "application/ld+json")],
)
def test_dump_conforms_after_a_round_trip_through_oxigraph_server(
    server: Server, out: Path, graph: Graph, name: str, media_type: str  # noqa: F811
) -> None:
    """Put into a running `oxigraph serve` and read back, each dump is the same graph and
    conforms to the shapes."""
    put = httpx.put(f"{server.store}?default", content=(out / name).read_bytes(),
                    headers={"Content-Type": media_type}, timeout=30)
    assert put.status_code in (200, 201, 204), put.text
    got = httpx.get(f"{server.store}?default", headers={"Accept": "application/n-triples"},
                    timeout=30)
    assert got.status_code == 200
    back = Graph().parse(data=got.text, format="nt")
    assert set(back) == set(graph)
    result = validate(back)
    assert result.conforms, result.text


# --------------------------------------------------------------------------- RDF 1.2


@pytest.fixture(scope="module")
def store12(out: Path) -> Store:
    store = Store()
    store.load((out / "graph-rdf12.nt").read_bytes(), format=RdfFormat.N_TRIPLES)
    return store


def test_rdf12_edition_reifies_every_fact_with_its_passages(
    store12: Store, graph: Graph
) -> None:
    """In the RDF 1.2 edition every triple of the data is reified by a passage, and there is no
    statement node and no dkg:statedIn: one pattern finds the evidence of any fact."""
    unreified = store12.query(
        """SELECT ?s ?p ?o WHERE {
             ?s ?p ?o .
             FILTER NOT EXISTS { ?passage rdf:reifies <<( ?s ?p ?o )>> }
             FILTER NOT EXISTS { ?s oa:hasSelector ?x }            # a passage
             FILTER NOT EXISTS { ?y oa:hasSelector ?s }            # a selector
             FILTER NOT EXISTS { ?s a dkg:Conflict }
             FILTER(?p != rdf:reifies && ?s != <https://w3id.org/drivekg/id/article/drive-soundtrack>)
           }""",
        prefixes={"rdf": str(RDF), "oa": str(OA), "dkg": str(DKG)},
    )
    assert isinstance(unreified, QuerySolutions)
    assert list(unreified) == []
    assert not bool(store12.query("ASK { { ?st rdf:subject ?s } UNION { ?n dkg:statedIn ?p } }",
                                  prefixes={"rdf": str(RDF), "dkg": str(DKG)}))
    reified = store12.query(
        "SELECT (COUNT(*) AS ?n) WHERE { ?passage rdf:reifies <<( ?s ?p ?o )>> }",
        prefixes={"rdf": str(RDF)})
    assert isinstance(reified, QuerySolutions)
    assert int(next(iter(reified))["n"].value) > 400  # type: ignore[union-attr]


def test_rdf12_edition_names_each_facts_own_passage(store12: Store) -> None:
    """Where the RDF 1.1 edition cites a nomination's row and the lead sentence for the whole
    node, the RDF 1.2 edition reifies the work it is for with the lead sentence alone."""
    answer = store12.query(
        """SELECT ?quote WHERE {
             ?passage rdf:reifies <<( ?n dkg:forWork ?w )>> ; oa:hasSelector/oa:exact ?quote .
             FILTER(?n = <https://w3id.org/drivekg/id/nomination/satellite-awards/2011-12-18/best-original-score/cliff-martinez>)
           }""",
        prefixes={"rdf": str(RDF), "oa": str(OA), "dkg": str(DKG)},
    )
    assert isinstance(answer, QuerySolutions)
    assert [s["quote"].value for s in answer] == [  # type: ignore[union-attr]
        "The soundtrack also received several awards and nominations."
    ]


def test_rdf12_turtle_and_ntriples_are_one_graph(out: Path, store12: Store) -> None:
    """graph-rdf12.ttl and graph-rdf12.nt hold the same triples."""
    other = Store()
    other.load((out / "graph-rdf12.ttl").read_bytes(), format=RdfFormat.TURTLE)
    assert set(map(str, other)) == set(map(str, store12))


def test_rdf12_edition_answers_where_the_article_says_it(out: Path, store12: Store) -> None:
    """The docs' RDF 1.2 evidence query over graph-rdf12.nt answers what the RDF 1.1 query of the
    docs answers over graph.nt: the sentence that says Jewel is in Desire, and its link."""
    query12 = docs_query("evidence, RDF 1.2 edition (graph-rdf12.nt)")
    query11 = docs_query("evidence, RDF 1.1 edition (graph.nt)")
    answer12 = store12.query(query12)
    answer11 = execute(open_store(out), query11)
    assert isinstance(answer12, QuerySolutions) and isinstance(answer11, QuerySolutions)
    rows12, rows11 = rows(answer12)[1], rows(answer11)[1]
    assert rows12 == rows11 == [(
        "Refn chose Johnny Jewel of Desire and Chromatics to score the film.",
        "https://en.wikipedia.org/wiki/Drive_(soundtrack)#:~:text=Refn%20chose%20Johnny,"
        "score%20the%20film",
    )]


def test_both_editions_cite_every_fact(out: Path, store12: Store) -> None:
    """Without its VALUES line the RDF 1.2 query lists every fact the bundled evidence query
    lists over the RDF 1.1 edition, each with passages among the ones cited there (a fact of a
    node cited as a whole may name fewer, its own)."""
    query12 = docs_query("evidence, RDF 1.2 edition (graph-rdf12.nt)")
    query12 = re.sub(r"\n  VALUES .*\n", "\n", query12).replace(
        "SELECT ?quote ?link", "SELECT ?s ?p ?o ?quote")
    answer12 = store12.query(query12)
    answer11 = execute(open_store(out), bundled_query("evidence").text)
    assert isinstance(answer12, QuerySolutions) and isinstance(answer11, QuerySolutions)
    rows12 = set(rows(answer12)[1])
    rows11 = {row[:4] for row in rows(answer11)[1]}
    assert len(rows11) > 400
    assert rows12 <= rows11
    assert {row[:3] for row in rows12} == {row[:3] for row in rows11}


# --------------------------------------------------------------------------- dates


def test_the_mixed_precision_date_query_of_the_docs(out: Path) -> None:
    """Editions from 2012 on, whatever the precision: the vinyl (a day, line 27) and the
    anniversary edition (a month, line 31); the CD of 2011 is not one."""
    answer = execute(open_store(out), docs_query(
        "dates of mixed precision: editions published in 2012 or later"))
    assert isinstance(answer, QuerySolutions)
    assert rows(answer)[1] == [
        (f"{ID}release/drive-soundtrack/vinyl", "2012-06-21"),
        (f"{ID}release/drive-soundtrack/anniversary", "2016-09"),
    ]


def test_a_typed_date_filter_drops_the_coarser_dates(out: Path) -> None:
    """Why the docs compare text: an xsd:date comparison silently drops the 2016-09 edition."""
    query = (
        "SELECT ?release WHERE { ?release a schema:MusicRelease ; schema:datePublished ?d . "
        'FILTER(?d >= "2012-01-01"^^xsd:date) }'
    )
    answer = execute(open_store(out), query)
    assert isinstance(answer, QuerySolutions)
    assert [r[0] for r in rows(answer)[1]] == [f"{ID}release/drive-soundtrack/vinyl"]


def test_language_tags_are_on_the_article_words_only(graph: Graph) -> None:
    """Names, descriptions, genres' labels and a review's words are @en; quotes, hashes and a
    letter grade are not tagged."""
    english = {SDO.name, SDO.description, SKOS.prefLabel, SKOS.altLabel, SDO.reviewBody}
    for s, p, o in graph:
        if p in english:
            assert isinstance(o, Literal) and o.language == "en", (s, p, o)
        elif p in (OA.exact, DKG.sha256, SDO.ratingValue, SDO.inLanguage):
            assert isinstance(o, Literal) and o.language is None, (s, p, o)


def test_readme_shows_the_tested_queries_and_real_triples(graph: Graph) -> None:
    """The README's two evidence queries are the ones tested above (from docs/model.md), and its
    Turtle example is triples of the graph."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for title in ("evidence, RDF 1.1 edition (graph.nt)",
                  "evidence, RDF 1.2 edition (graph-rdf12.nt)"):
        assert f"```sparql\n{docs_query(title)}```" in readme, title
    turtle = re.search(r"```turtle\n(.*?)```", readme, re.S)
    assert turtle is not None
    prefixes = "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in PREFIXES.items())
    example = Graph().parse(data=prefixes + turtle.group(1), format="turtle")
    assert len(example) > 10 and set(example) <= set(graph)


def test_the_docs_examples_are_triples_of_the_graph(graph: Graph) -> None:
    """Every Turtle example of docs/model.md is triples of the built graph."""
    prefixes = "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in PREFIXES.items())
    blocks = re.findall(r"```turtle\n(.*?)```", MODEL, re.S)
    assert len(blocks) >= 4
    for block in blocks:
        example = Graph().parse(data=prefixes + block, format="turtle")
        assert set(example) <= set(graph), block[:80]
