"""`/sparql` in headless Chromium (Playwright, the system's /usr/bin/chromium) is a query editor:
a bundled query runs in it and its rows show, with nothing fetched from anywhere but the server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest

from drivekg.web.endpoint import editor_installed

from .conftest import require_tool
from .test_browser import ARGS
from .webtools import running_server, web_build

pytestmark = pytest.mark.slow  # a server and Chromium


@pytest.fixture(scope="module")
def url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    out: Path = web_build(tmp_path_factory)
    log = tmp_path_factory.mktemp("editor") / "serve.log"
    with running_server(out, log, "--workers", "1", "--slow-workers", "1") as (base, _):
        yield base


@pytest.fixture(scope="module")
def page(url: str) -> Iterator[tuple[Any, list[str], list[str]]]:
    chromium = require_tool("chromium")
    if not editor_installed():
        pytest.fail("the query editor is not installed: run scripts/setup.sh (it fetches "
                    "@zazuko/yasgui from the npm registry)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=ARGS)
        try:
            page = browser.new_page()
            problems: list[str] = []
            elsewhere: list[str] = []
            page.on("console", lambda m: m.type in ("error", "warning")
                    and problems.append(f"console {m.type}: {m.text}"))
            page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
            page.on("requestfailed", lambda r: problems.append(f"failed: {r.url}"))
            page.on("request", lambda r: urlsplit(r.url).netloc != urlsplit(url).netloc
                    and not r.url.startswith("data:") and elsewhere.append(r.url))
            page.goto(f"{url}/sparql", wait_until="load")
            yield page, problems, elsewhere
        finally:
            browser.close()


def test_a_bundled_query_runs_in_the_editor(page: tuple[Any, list[str], list[str]]) -> None:
    """Clicking the 'awards' example puts it in the editor; running it shows its ten rows."""
    tab, problems, elsewhere = page
    tab.click("button[data-example=awards]")
    editor = tab.locator(".CodeMirror")
    assert "dkg:AwardNomination" in editor.inner_text()
    tab.click(".yasqe_queryButton")
    rows = tab.locator(".yasr table tbody tr")
    rows.nth(9).wait_for(timeout=15_000)
    assert rows.count() == 10
    assert "Satellite Awards" in tab.locator(".yasr table").inner_text()
    assert problems == [] and elsewhere == []


def test_the_editor_starts_with_the_project_prefixes(
        page: tuple[Any, list[str], list[str]]) -> None:
    """The first query in the editor declares the project prefixes it uses, so it runs as
    written anywhere."""
    tab, problems, _ = page
    tab.reload(wait_until="load")
    text = tab.locator(".CodeMirror").inner_text()
    assert "PREFIX schema: <https://schema.org/>" in text
    assert problems == []


@pytest.mark.parametrize("path", ["/", "/id/release/drive-soundtrack/vinyl", "/ontology",
                                  "/id/article/drive-soundtrack"])
def test_every_kind_of_page_links_to_the_editor(url: str, path: str) -> None:
    """The home page, an entity's page, the ontology's and a page rendered on demand each have
    a link in their header that leads to /sparql."""
    import re

    import httpx

    with httpx.Client(base_url=url) as client:
        r = client.get(path, headers={"Accept": "text/html"})
    assert r.status_code == 200
    header = r.text.split("<main>")[0]
    targets = {urljoin(f"{url}{path}", href) for href in re.findall(r'href="([^"]+)"', header)}
    assert f"{url}/sparql" in targets
