"""Composes the steps: article text (+ claims) -> records -> graph -> validation -> output files.

Takes values, not paths: the CLI reads files, ``files`` writes them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from drivekg.errors import TooLargeError
from drivekg.facts.extract import extract
from drivekg.formats import TURTLE
from drivekg.graph.assemble import build_graph
from drivekg.graph.validate import Validation, validate
from drivekg.layout import CONTEXT, REPORT, VALIDATION
from drivekg.outputs.publication import Publication
from drivekg.outputs.rdf12 import render_rdf12
from drivekg.outputs.report import render_report
from drivekg.outputs.site import render_site
from drivekg.outputs.void import render_void
from drivekg.serialize import context, dumps_json, serialize
from drivekg.source.conventions import load_conventions


def build(
    article_text: str,
    *,
    article_source: str,
    claims_text: str | None = None,
    claims_source: str = "claims.toml",
    conventions: Sequence[tuple[str, str]] = (),
    base: str,
    max_facts: int | None = None,
) -> Publication:
    """Extract the article's facts and assemble them into a graph under ``base``.

    ``conventions`` are (text, source) of conventions files read on top of the bundled one.
    ``max_facts`` bounds the size of a build: past it, ``TooLargeError`` is raised before the
    graph is made (the graph, its validation and its site all grow with the number of facts).
    """
    ex = extract(
        article_text,
        article_source=article_source,
        claims_text=claims_text,
        claims_source=claims_source,
        conventions=load_conventions(extra=conventions),
    )
    if max_facts is not None and len(ex.facts) > max_facts:
        sources = article_source + (f" + {claims_source}" if claims_text is not None else "")
        message = f"states {len(ex.facts):,} facts, more than the {max_facts:,} a build may hold"
        raise TooLargeError(message, source=sources, count=len(ex.facts), limit=max_facts)
    graph = build_graph(
        ex.facts, ex.conflicts, base=base, source=ex.source, article=ex.article, about=ex.album
    )
    return Publication(
        ex.article, ex.source, ex.album, ex.facts, ex.conflicts, graph, base, ex.not_read
    )


# Output files. A renderer takes the build and its validation and returns the files it writes
# (path relative to the output directory -> bytes); later steps (the site) add their own.
Renderer = Callable[[Publication, Validation], dict[str, bytes]]


def _dumps(b: Publication, v: Validation) -> dict[str, bytes]:
    return {
        **b.dumps,
        CONTEXT: dumps_json(context()),
        VALIDATION: serialize(v.report, TURTLE),
        REPORT: render_report(b, v).encode(),
    }


RENDERERS: list[Renderer] = [_dumps, render_rdf12, render_void, render_site]


def render(b: Publication) -> tuple[Validation, dict[str, bytes]]:
    """Validate and render every output file in memory (nothing is written here)."""
    validation = validate(b.graph)
    outputs: dict[str, bytes] = {}
    for renderer in RENDERERS:
        for name, data in renderer(b, validation).items():
            if name in outputs:
                raise ValueError(f"two renderers write {name}")
            outputs[name] = data
    return validation, outputs
