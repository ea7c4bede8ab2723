"""The static site is safe as plain files: a Content-Security-Policy in every page, and no link
with a scheme other than http(s), checked in headless Chromium on pages opened from disk."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from rdflib import Literal, URIRef

from drivekg.files import write_tree
from drivekg.outputs.publication import Publication
from drivekg.outputs.site import CONTENT_SECURITY_POLICY
from drivekg.pipeline import render
from drivekg.vocab import SDO

from .test_browser import Watched, browser  # noqa: F401 -- the Chromium fixture

HOSTILE = [  # each a valid IRI (the graph can hold it as a node)
    "javascript:alert(document.domain)",
    "JaVaScRiPt:alert(2)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCg1KTwvc2NyaXB0Pg==",
    "vbscript:msgbox(6)",
]
HOSTILE_TEXT = [*HOSTILE, " javascript:alert(3)", "java\tscript:alert(4)"]  # as literals


@pytest.fixture(scope="module")
def site(drive_build: Publication, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The Drive build written out, its pages as a browser opens them from disk."""
    out = tmp_path_factory.mktemp("safe-site") / "out"
    _, outputs = render(drive_build)
    write_tree(out, outputs)
    return out / "site"


@pytest.fixture(scope="module")
def hostile_site(drive_build: Publication, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The Drive graph with javascript:, data: and vbscript: URLs added where URLs go."""
    graph = drive_build.graph
    article = next(graph.subjects(SDO.url, None))
    album = URIRef(drive_build.base + "drive-soundtrack")
    added = [(article, SDO.url, URIRef(u)) for u in HOSTILE]
    added += [(album, SDO.sameAs, URIRef(u)) for u in HOSTILE]
    added += [(album, SDO.url, Literal(u)) for u in HOSTILE_TEXT]
    old_url = next(graph.objects(article, SDO.url))
    graph.remove((article, SDO.url, old_url))  # the hostile URLs are the only ones
    for triple in added:
        graph.add(triple)
    try:
        _, outputs = render(drive_build)
    finally:
        for triple in added:
            graph.remove(triple)
        graph.add((article, SDO.url, old_url))
    out = tmp_path_factory.mktemp("hostile-site") / "out"
    write_tree(out, outputs)
    return out / "site"


def pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def test_every_page_carries_the_policy_before_any_resource(site: Path) -> None:
    """Each page's <head> starts with the CSP <meta>, before the stylesheet and the JSON-LD."""
    meta = f'<meta http-equiv="Content-Security-Policy" content="{CONTENT_SECURITY_POLICY}">'
    assert len(pages(site)) > 50
    for page in pages(site):
        html = page.read_text(encoding="utf-8")
        assert html.index(meta) < html.index("<link") < html.index("</head>"), page


def test_no_hostile_url_is_written_as_a_link(hostile_site: Path) -> None:
    """No href or cite attribute in any page holds a scheme other than http(s)."""
    for page in pages(hostile_site):
        html = page.read_text(encoding="utf-8")
        for url in re.findall(r'(?:href|cite)="([^"]*)"', html):
            scheme = re.match(r"\s*([A-Za-z][A-Za-z0-9+.\s-]*):", url)
            assert scheme is None or scheme[1].lower() in ("http", "https"), (page, url)


@pytest.fixture()
def watched(browser: Any) -> Iterator[Watched]:  # noqa: F811 -- the imported fixture
    w = Watched(browser)
    try:
        yield w
    finally:
        w.close()


POLICY_ENFORCED = """() => {
  const s = document.createElement('script');
  s.textContent = 'window.__ran = true';
  document.head.append(s);
  return {
    policy: document.querySelector('meta[http-equiv="Content-Security-Policy"]')?.content,
    scriptRan: window.__ran === true,
    styled: getComputedStyle(document.body).fontFamily.includes('system-ui'),
  };
}"""


def test_chromium_enforces_the_policy_on_every_page(watched: Watched, site: Path) -> None:
    """Opened from disk, every page has the policy, keeps its stylesheet and runs no script."""
    page = watched.page
    violations: list[str] = []
    page.on("console", lambda m: "Content Security Policy" in m.text and violations.append(m.text))
    for path in pages(site):
        page.goto(path.as_uri(), wait_until="load")
        state = page.evaluate(POLICY_ENFORCED)
        want = {"policy": CONTENT_SECURITY_POLICY, "scriptRan": False, "styled": True}
        assert state == want, path
    # the one violation per page is the script injected above, nothing the page itself needs
    assert len(violations) == len(pages(site))
    assert all("inline script" in v for v in violations)


LINKS = """() => [...document.querySelectorAll('[href], [cite], [src]')].map(e => new URL(
  e.href?.baseVal ?? e.href ?? e.cite ?? e.src, document.baseURI).href)"""  # SVG: baseVal


def test_chromium_finds_no_link_it_would_run(watched: Watched, hostile_site: Path) -> None:
    """On the pages naming hostile URLs, every link Chromium resolves is http(s) or a local file,
    and clicking each hostile URL's text runs nothing."""
    page = watched.page
    for name in ("index.html", "id/article/drive-soundtrack.html"):
        page.goto((hostile_site / name).as_uri(), wait_until="load")
        urls = page.evaluate(LINKS)
        assert urls and all(u.split(":", 1)[0] in ("http", "https", "file") for u in urls), urls
        shown = page.locator("td", has_text=re.compile("(script|data):"))
        assert shown.count() >= 1
        for i in range(shown.count()):
            shown.nth(i).click()
        assert page.evaluate("typeof window.alert") == "function"
        assert watched.dialogs == []
        assert page.url == (hostile_site / name).as_uri()
