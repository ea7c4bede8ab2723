"""Shared fixtures: the bundled article, one build of it, paths to test data."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from drivekg.cli import claims_beside, default_article
from drivekg.iris import DEFAULT_BASE
from drivekg.outputs.publication import Publication
from drivekg.pipeline import build
from drivekg.records import Article
from drivekg.source.article import parse_article

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
ARTICLE = default_article()
CLAIMS = claims_beside(ARTICLE)


def require_tool(name: str) -> str:
    """The path of an external program; skip without it, except where every tool is required."""
    path = shutil.which(name)
    if path is None:
        if os.environ.get("DRIVEKG_REQUIRE_TOOLS"):
            pytest.fail(f"{name} is required (DRIVEKG_REQUIRE_TOOLS is set) but not installed")
        pytest.skip(f"{name} is not installed")
    return path


@pytest.fixture(scope="session")
def drive_text() -> str:
    return ARTICLE.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def claims_text() -> str:
    return CLAIMS.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def drive_article(drive_text: str) -> Article:
    return parse_article(drive_text, "drive-soundtrack.txt")


@pytest.fixture(scope="session")
def drive_build(drive_text: str, claims_text: str) -> Publication:
    return build(
        drive_text,
        article_source="drive-soundtrack.txt",
        claims_text=claims_text,
        claims_source="drive-soundtrack.claims.toml",
        base=DEFAULT_BASE,
    )
