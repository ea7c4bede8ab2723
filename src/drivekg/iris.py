"""Stable IRIs minted from keys: the same thing gets the same IRI in every build.

An IRI is ``{base}{key}``. Keys of things that exist outside one article (people, groups,
organisations, works, charts, awards) are plain slugs of their names, so an entity's IRI does not
depend on which article mentions it; n-ary nodes carry a kind prefix (``chart-entry/…``).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from urllib.parse import urlsplit

from pyoxigraph import NamedNode
from rdflib import URIRef

from drivekg.text import clip

DEFAULT_BASE = "https://w3id.org/drivekg/id/"

# Use with fullmatch: "$" would also accept a key ending in a newline.
KEY_PATTERN = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*(/[a-z0-9]+(-[a-z0-9]+)*)*")

# Key prefixes the graph mints itself (``article/{slug}``, ``passage/{article}/{hash}``,
# ``statement/{hash}``, ``conflict/{hash}``; ``evidence/`` from earlier builds): a claims file may
# not declare or name a key under them.
RESERVED_KEYS = ("article", "passage", "statement", "evidence", "conflict")

_WEB_SCHEMES = ("http", "https")
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")  # as a browser reads a URL's scheme
_NOT_IN_URLS = frozenset('<>"{}|\\^`')


def slug(text: str) -> str:
    """``"Critics' Choice Movie Awards"`` -> ``critics-choice-movie-awards``."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    ascii_text = ascii_text.replace("'", "").replace("’", "")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "x"


def check_base(base: str) -> str:
    """A base must be an absolute http(s) IRI ending in / or #."""
    if not re.fullmatch(r"https?://[^\s<>\"{}|\\^`]+[/#]", base):
        raise ValueError(f"base IRI must be an absolute http(s) IRI ending in '/' or '#': {base!r}")
    return base


def check_url(text: str) -> str:
    """``text`` if it is an absolute http(s) URL with a host; ValueError says what is wrong."""
    scheme, colon, _ = text.partition(":")
    if not colon or scheme.lower() not in _WEB_SCHEMES:
        raise ValueError(f"{clip(text)} is not an http or https URL")
    bad = next((c for c in text if c in _NOT_IN_URLS or c.isspace() or not c.isprintable()), None)
    if bad is not None:
        raise ValueError(f"{clip(text)} holds {bad!r}, which a URL may not hold")
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 -- raises ValueError for a port that is not a number
    except ValueError:
        raise ValueError(f"{clip(text)} is not a well-formed URL") from None
    if not parts.hostname:
        raise ValueError(f"{clip(text)} names no host")
    return text


def safe_href(url: str) -> str | None:
    """``url`` if a page may link to it, else None: a relative reference or an http(s) URL.

    Never ``javascript:``, ``data:`` or any other scheme. A browser drops tabs and newlines from a
    URL and trims spaces and control characters around it before it reads the scheme
    (``java\tscript:`` is ``javascript:``), so a URL holding any of them is refused outright.
    """
    if not url or any(c in _NOT_IN_URLS or c.isspace() or not c.isprintable() for c in url):
        return None
    if not _SCHEME.match(url):
        return url  # relative: a page of this site
    try:
        return check_url(url)
    except ValueError:
        return None


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
