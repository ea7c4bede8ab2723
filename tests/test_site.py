"""The static site in out/site/: a page per entity, quotes behind facts, embedded schema.org JSON-LD
read back by extruct, per-entity data files, relative links only, VoID, determinism."""

from __future__ import annotations

import posixpath
import re
from pathlib import Path
from urllib.parse import urlsplit

import lxml.html
import pytest
from extruct.jsonld import JsonLdExtractor
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDF

from drivekg.outputs.publication import Publication
from drivekg.outputs.schemaorg import describe
from drivekg.outputs.site import SiteBuilder, entities, entity_path, home_entity, render_site
from drivekg.vocab import DKG, OA, PROV, SDO, VOID

from .webtools import jsonld_graph, web_build

CC_BY_SA = URIRef("https://creativecommons.org/licenses/by-sa/4.0/")


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return web_build(tmp_path_factory)


@pytest.fixture(scope="module")
def graph(out: Path) -> Graph:
    return Graph().parse(out / "graph.nt", format="nt")


@pytest.fixture(scope="module")
def base(drive_build: Publication) -> str:
    return drive_build.base


def page(out: Path, relative: str) -> lxml.html.HtmlElement:
    return lxml.html.fromstring((out / "site" / relative).read_bytes())


def test_every_entity_has_a_page_and_evidence_has_none(out: Path, graph: Graph, base: str) -> None:
    """One page per typed node (evidence excluded); nothing else under id/ is a page."""
    expected = {entity_path(base, e) for e in entities(graph, base)}
    pages = {p.relative_to(out / "site").as_posix() for p in (out / "site" / "id").rglob("*.html")}
    assert pages == expected
    assert not any("/evidence/" in p for p in pages)
    assert len(pages) > 50


def test_home_page_is_the_album(out: Path, drive_build: Publication) -> None:
    """index.html is the album's page, with its schema.org block."""
    doc = page(out, "index.html")
    assert doc.findtext(".//h1") == "Drive (Original Motion Picture Soundtrack)"
    data = JsonLdExtractor().extract((out / "site" / "index.html").read_text(encoding="utf-8"))
    assert [d["@type"] for d in data] == ["MusicAlbum"]
    assert data[0]["@id"] == drive_build.base + str(drive_build.album)


def test_each_fact_shows_the_quote_behind_it(out: Path, graph: Graph, base: str) -> None:
    """For every entity and every triple about it, the text of each passage that states it (by
    its statement node, or by the entity's dkg:statedIn) is on the page."""
    stated: dict[tuple[object, object, object], set[str]] = {}
    for st in graph.subjects(RDF.subject, None):
        key = tuple(graph.value(st, p) for p in (RDF.subject, RDF.predicate, RDF.object))
        for passage in graph.objects(st, PROV.wasDerivedFrom):
            exact = {str(q) for s in graph.objects(passage, OA.hasSelector)
                     for q in graph.objects(s, OA.exact)}
            stated.setdefault(key, set()).update(exact)
    checked = 0
    reports = set(graph.subjects(RDF.type, SDO.Article)) | set(
        graph.subjects(RDF.type, DKG.Conflict))  # about the article, not from it
    for node in entities(graph, base):
        if node in reports:
            continue
        doc = page(out, entity_path(base, node))
        quotes = {q.text_content() for q in doc.xpath("//blockquote[@class='evidence']/p")}
        whole = {str(q) for passage in graph.objects(node, DKG.statedIn)
                 for s in graph.objects(passage, OA.hasSelector)
                 for q in graph.objects(s, OA.exact)}
        for p, o in graph.predicate_objects(node):
            if p == DKG.statedIn:
                continue
            texts = stated.get((node, p, o), set()) | whole
            assert texts, (node, p, o)
            for text in texts:
                assert text in quotes, (node, p, o, text)
                checked += 1
    assert checked > 400


def test_each_quote_links_into_the_published_article(out: Path) -> None:
    """A quote's footer links to the article with a Text Fragment that names its text."""
    doc = page(out, "id/kavinsky.html")
    links = doc.xpath("//blockquote[@class='evidence']//footer/a/@href")
    assert links and all(
        h.startswith("https://en.wikipedia.org/wiki/Drive_(soundtrack)#:~:text=") for h in links
    )
    assert "Editor%20Mat%20Newman" in links[0]


def test_embedded_jsonld_read_by_extruct_is_the_schema_org_view(out: Path, graph: Graph,
                                                                  base: str) -> None:
    """What a crawler extracts from every page is, as RDF, exactly the schema.org view."""
    extractor = JsonLdExtractor()
    compared = 0
    for node in entities(graph, base):
        html = (out / "site" / entity_path(base, node)).read_text(encoding="utf-8")
        extracted = extractor.extract(html)
        view = describe(graph, node)
        if view is None:
            assert extracted == []
            continue
        assert len(extracted) == 1
        assert isomorphic(jsonld_graph(extracted[0]), jsonld_graph(view)), node
        compared += 1
    assert compared > 30


def test_data_files_hold_the_entity_triples_and_their_evidence(out: Path, graph: Graph,
                                                               base: str) -> None:
    """Each entity's .ttl, .jsonld and .nt parse to the same graph: its triples plus evidence."""
    builder = SiteBuilder(graph, base, None)
    for node in entities(graph, base)[::7]:
        expected = Graph()
        for triple in builder.subgraph(node):
            expected.add(triple)
        assert (node, None, None) in expected
        for ext, fmt in (("ttl", "turtle"), ("jsonld", "json-ld"), ("nt", "nt")):
            path = out / "site" / entity_path(base, node, ext)
            parsed = Graph().parse(path, format=fmt)
            assert isomorphic(parsed, expected), (path, len(parsed), len(expected))


def test_alternate_links_name_the_data_files(out: Path, graph: Graph, base: str) -> None:
    """<link rel=alternate> for Turtle, JSON-LD and N-Triples, each resolving to a file."""
    node = entities(graph, base)[0]
    path = entity_path(base, node)
    links = page(out, path).xpath("//link[@rel='alternate']")
    assert {link.get("type") for link in links} == {
        "text/turtle", "application/ld+json", "application/n-triples"}
    for link in links:
        target = posixpath.normpath(posixpath.join(posixpath.dirname(path), link.get("href")))
        assert (out / "site" / target).is_file()


def test_links_are_relative_and_resolve(out: Path) -> None:
    """Every local href/src on every page is relative (works under a sub-path) and exists."""
    site = out / "site"
    checked = 0
    for html in site.rglob("*.html"):
        here = html.relative_to(site).parent.as_posix()
        doc = lxml.html.fromstring(html.read_bytes())
        for element, _attribute, link, _ in doc.iterlinks():
            if element.tag == "blockquote" or urlsplit(link).scheme in ("http", "https"):
                continue
            assert not link.startswith("/"), (html, link)
            target = posixpath.normpath(posixpath.join(here, urlsplit(link).path))
            assert (site / target).is_file(), (html, link)
            checked += 1
    assert checked > 1000


def test_no_scripts_no_remote_resources(out: Path) -> None:
    """The only <script> is the JSON-LD data block; nothing is loaded from another host."""
    for html in (out / "site").rglob("*.html"):
        doc = lxml.html.fromstring(html.read_bytes())
        for script in doc.iter("script"):
            assert script.get("type") == "application/ld+json" and script.get("src") is None
        for element in doc.xpath("//*[@src]|//link[@href]"):
            assert not urlsplit(element.get("src") or element.get("href")).scheme


def test_charts_and_awards_tables_on_the_home_page(out: Path, graph: Graph) -> None:
    """The home page tabulates every chart position and every nomination, with its quote."""
    doc = page(out, "index.html")
    charts = doc.xpath("//table[@class='charts']/tbody/tr")
    awards = doc.xpath("//table[@class='awards']/tbody/tr")
    # one row per stated position: the iTunes entry has two (the article disagrees with itself)
    entries = set(graph.subjects(RDF.type, DKG.ChartEntry))
    positions = {(e, p) for e in entries for p in graph.objects(e, DKG.position)}
    assert len(charts) == len(positions) == 10
    assert len(awards) == len(set(graph.subjects(RDF.type, DKG.AwardNomination)))
    irish = [r for r in charts if "Irish Compilation Albums" in r.text_content()]
    assert irish and "weekly chart" in irish[0].text_content()
    assert "| Irish Compilation Albums (IRMA) | 2 |" in irish[0].text_content()
    assert all("result unknown" in r.text_content() for r in awards)


def test_person_page_lists_their_nominations(out: Path, base: str) -> None:
    """Cliff Martinez's page has the nominations that name him, and links back to the album."""
    doc = page(out, entity_path(base, URIRef(base + "cliff-martinez")))
    rows = doc.xpath("//table[@class='awards']/tbody/tr")
    assert len(rows) >= 8
    hrefs = {a.get("href") for a in doc.iter("a")}
    assert "drive-soundtrack.html" in hrefs


def test_neighbourhood_picture_is_inline_svg(out: Path, graph: Graph, base: str,
                                             drive_build: Publication) -> None:
    """The album page draws its neighbours as inline SVG with links to their pages."""
    doc = page(out, "index.html")
    svgs = doc.xpath("//*[local-name()='svg']")
    assert len(svgs) == 1
    links = svgs[0].xpath(".//*[local-name()='a']/@href")
    assert "id/cliff-martinez.html" in links
    assert len(svgs[0].xpath(".//*[local-name()='polyline']")) == len(links)


def test_void_describes_the_dataset(out: Path, graph: Graph) -> None:
    """void.ttl: triples, entities, classes, dumps, endpoint, licence and source article."""
    void = Graph().parse(out / "void.ttl", format="turtle")
    ds = next(void.subjects(RDF.type, VOID.Dataset))
    assert int(void.value(ds, VOID.triples)) == len(graph)  # type: ignore[arg-type]
    assert int(void.value(ds, VOID.classes)) == len(set(graph.objects(None, RDF.type)))  # type: ignore[arg-type]
    assert int(void.value(ds, VOID.entities)) > 100  # type: ignore[arg-type]
    assert void.value(ds, URIRef("http://purl.org/dc/terms/license")) == CC_BY_SA
    assert void.value(ds, URIRef("http://purl.org/dc/terms/source")) == URIRef(
        "https://en.wikipedia.org/wiki/Drive_(soundtrack)")
    dumps = {str(d).rsplit("/", 1)[1] for d in void.objects(ds, VOID.dataDump)}
    assert dumps == {"graph.ttl", "graph.jsonld", "graph.nt"}
    assert str(void.value(ds, VOID.sparqlEndpoint)).endswith("/sparql")
    assert void.value(ds, VOID.uriSpace) == Literal("https://w3id.org/drivekg/id/")
    parts = list(void.objects(ds, VOID.classPartition))
    assert len(parts) == len(set(graph.objects(None, RDF.type)))
    album = [p for p in parts if void.value(p, VOID["class"]) == SDO.MusicAlbum]
    assert album and int(void.value(album[0], VOID.entities)) >= 1  # type: ignore[arg-type]


def test_site_is_deterministic(drive_build: Publication) -> None:
    """Two renderings of the same build give the same bytes (no timestamps, no set order)."""
    first = render_site(drive_build, None)  # type: ignore[arg-type]
    second = render_site(drive_build, None)  # type: ignore[arg-type]
    assert first == second
    assert not any(re.search(rb"20\d\d-\d\d-\d\dT\d\d:", data) for data in first.values())


def test_home_entity_falls_back_to_what_the_article_is_about(drive_build: Publication) -> None:
    """Without a build's album key the home page is the article's schema:about."""
    g = drive_build.graph
    assert home_entity(g, drive_build.base, None) == URIRef(drive_build.base + "drive-soundtrack")


def test_hostile_label_is_escaped_everywhere(tmp_path: Path) -> None:
    """A name holding </script><script>… is text in HTML and \\u003c-escaped in the JSON-LD."""
    from drivekg.cli import main

    article = tmp_path / "evil.txt"
    article.write_text(EVIL_ARTICLE, encoding="utf-8")
    assert main(["build", str(article), "--out", str(tmp_path / "out")]) == 0
    html = (tmp_path / "out" / "site" / "index.html").read_text(encoding="utf-8")
    assert "<script>window" not in html and "<b>Album" not in html
    block = html.split('<script type="application/ld+json">', 1)[1].split("</script>", 1)[0]
    assert "\\u003c/script\\u003e\\u003cscript\\u003ewindow.pwned=1" in block
    assert html.count("<script") == 1
    doc = lxml.html.fromstring(html)
    assert doc.findtext(".//h1") == EVIL_NAME
    [data] = JsonLdExtractor().extract(html)
    assert data["name"] == {"@value": EVIL_NAME, "@language": "en"}


EVIL_NAME = "Evil </script><script>window.pwned=1</script> & <b>Album</b>"
EVIL_ARTICLE = f"""= Evil (score) =

{EVIL_NAME}
- Type: soundtrack
- Artist: Ada </script><script>alert(1)</script> Brightwater
- Released: March 4, 2019
- Label: Tidewater Records

{EVIL_NAME} is an album written as a test fixture.
"""


def test_filled_down_row_quotes_the_row_it_continues(out: Path) -> None:
    """The awards table's continuation row (line 59) is quoted once with the row it continues
    (line 58), and says that it continues it."""
    doc = page(
        out,
        "id/nomination/world-soundtrack-academy/2012-10-20/soundtrack-composer-of-the-year/"
        "cliff-martinez.html",
    )
    quotes = doc.xpath("//section[h2='Facts']/blockquote[@class='evidence']")
    footers = {" ".join(q.xpath("./p//text()")): " ".join(q.xpath(".//footer//text()"))
               for q in quotes}
    row58 = next(t for t in footers if t.startswith("| World Soundtrack Academy"))
    row59 = next(t for t in footers if t.startswith("| Soundtrack Composer of the Year"))
    assert "article line 58" in footers[row58] and "continues" not in footers[row58]
    assert "article line 59" in footers[row59] and "continues line 58" in footers[row59]
    assert not doc.xpath("//table[@class='facts']//blockquote")  # not repeated per fact


def test_both_itunes_peaks_show_on_the_home_page(out: Path) -> None:
    """The article's two iTunes positions are two chart rows, each with its own sentence."""
    doc = page(out, "index.html")
    rows = [
        [" ".join(td.text_content().split()) for td in tr.xpath("./td")]
        for tr in doc.xpath("//table[.//th[.='chart']]//tbody/tr")
    ]
    itunes = [r for r in rows if r[0] == "iTunes charts"]
    assert sorted(r[3] for r in itunes) == ["1", "4"]
    assert any("topped iTunes charts" in r[5] for r in itunes if r[3] == "1")
    assert any("as high as number four" in r[5] for r in itunes if r[3] == "4")
