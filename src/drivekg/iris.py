"""Stable IRIs minted from keys: the same thing gets the same IRI in every build.

An IRI is ``{base}{key}``. Keys of things that exist outside one article (people, groups,
organisations, works, charts, awards) are plain slugs of their names, so an entity's IRI does not
depend on which article mentions it; n-ary nodes carry a kind prefix (``chart-entry/…``).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

from pyoxigraph import NamedNode
from rdflib import URIRef

DEFAULT_BASE = "https://w3id.org/drivekg/id/"

KEY_PATTERN = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*(/[a-z0-9]+(-[a-z0-9]+)*)*$")


def slug(text: str) -> str:
    """``"Critics' Choice Movie Awards"`` -> ``critics-choice-movie-awards``."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    ascii_text = ascii_text.replace("'", "").replace("’", "")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "x"


def check_base(base: str) -> str:
    """A base must be an absolute http(s) IRI ending in / or #."""
    if not re.match(r"^https?://[^\s<>\"{}|\\^`]+[/#]$", base):
        raise ValueError(f"base IRI must be an absolute http(s) IRI ending in '/' or '#': {base!r}")
    return base


def mint(base: str, key: str) -> URIRef:
    return URIRef(base + key)


def digest(*parts: str) -> str:
    """A short stable hash of the parts, for nodes identified by their content (evidence)."""
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:16]


def is_iri(text: str) -> bool:
    """``text`` is an absolute IRI that pyoxigraph accepts (safe to write as ``<text>``)."""
    try:
        NamedNode(text)
    except ValueError:
        return False
    return ":" in text


def publication_root(base: str) -> str:
    """``https://w3id.org/drivekg/id/`` -> ``https://w3id.org/drivekg/``; other bases stay."""
    return base[: -len("id/")] if base.endswith("/id/") else base
