"""Headless Chromium (Playwright, the system's /usr/bin/chromium) on the served site and on a
hostile build opened from disk: no console errors, links work, injected markup stays text."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .conftest import require_tool
from .test_site import EVIL_ARTICLE, EVIL_NAME
from .webtools import running_server, web_build

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    chromium = require_tool("chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium, args=ARGS)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture(scope="module")
def url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    out = web_build(tmp_path_factory)
    log = tmp_path_factory.mktemp("browser-serve") / "serve.log"
    with running_server(out, log, "--workers", "1") as (base, _process):
        yield base


class Watched:
    """A page with every console message, page error, failed request and dialog recorded."""

    def __init__(self, browser: Any) -> None:
        self.context = browser.new_context()
        self.page = self.context.new_page()
        self.problems: list[str] = []
        self.dialogs: list[str] = []
        self.page.on("console", lambda m: m.type in ("error", "warning")
                     and self.problems.append(f"console {m.type}: {m.text}"))
        self.page.on("pageerror", lambda e: self.problems.append(f"page error: {e}"))
        self.page.on("requestfailed", lambda r: self.problems.append(f"failed: {r.url}"))
        self.page.on("response", lambda r: r.status >= 400
                     and self.problems.append(f"HTTP {r.status}: {r.url}"))

        def on_dialog(dialog: Any) -> None:
            self.dialogs.append(dialog.message)
            dialog.dismiss()

        self.page.on("dialog", on_dialog)

    def close(self) -> None:
        self.context.close()


@pytest.fixture()
def watched(browser: Any) -> Iterator[Watched]:
    w = Watched(browser)
    try:
        yield w
    finally:
        w.close()


def test_album_page_loads_cleanly_and_links_to_a_person(watched: Watched, url: str) -> None:
    """The home page renders with no console error; following 'by artist' opens Cliff Martinez."""
    page = watched.page
    page.goto(f"{url}/", wait_until="load")
    assert page.locator("h1").inner_text() == "Drive (Original Motion Picture Soundtrack)"
    assert page.locator("svg a").count() > 5  # the neighbourhood picture, with links
    row = page.locator("table.facts tr", has=page.locator("th", has_text="by artist"))
    row.locator("a").first.click()
    page.wait_for_load_state("load")
    assert page.url == f"{url}/id/cliff-martinez.html"
    assert page.locator("h1").inner_text() == "Cliff Martinez"
    assert page.locator("table.awards tbody tr").count() >= 8
    assert watched.problems == []


def test_entity_iri_in_a_browser_is_the_page(watched: Watched, url: str) -> None:
    """An entity IRI (rewritten to /id/) opened in a browser gets HTML that renders cleanly."""
    page = watched.page
    response = page.goto(f"{url}/id/release/drive-soundtrack/vinyl", wait_until="load")
    assert response is not None and response.headers["content-type"].startswith("text/html")
    assert page.locator("blockquote.evidence").count() > 0
    assert watched.problems == []


def test_hostile_label_stays_inert_text(watched: Watched, tmp_path: Path) -> None:
    """A label holding </script><script>… runs nothing and shows as written (page from disk)."""
    from drivekg.cli import main

    article = tmp_path / "evil.txt"
    article.write_text(EVIL_ARTICLE, encoding="utf-8")
    assert main(["build", str(article), "--out", str(tmp_path / "out")]) == 0
    page = watched.page
    page.goto((tmp_path / "out" / "site" / "index.html").as_uri(), wait_until="load")
    assert page.evaluate("typeof window.pwned") == "undefined"
    assert watched.dialogs == []
    assert page.locator("h1").inner_text() == EVIL_NAME
    assert page.locator("script").count() == 1  # the JSON-LD block, nothing injected
    assert page.locator("h1 b").count() == 0
    ld = page.locator("script[type='application/ld+json']").text_content()
    assert ld is not None and EVIL_NAME.replace("<", "\\u003c").replace(">", "\\u003e").replace(
        "&", "\\u0026") in ld
    artist = page.locator("table.facts a", has_text="Ada")
    artist.first.click()
    page.wait_for_load_state("load")
    assert page.evaluate("typeof window.pwned") == "undefined" and watched.dialogs == []
    assert "</script><script>alert(1)</script>" in page.locator("h1").inner_text()
    assert watched.problems == []
