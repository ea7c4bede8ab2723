"""The build report (``report.md``): what the graph holds, what is unknown, what disagrees."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from rdflib import URIRef

from drivekg.graph.labels import curie
from drivekg.vocab import DKG, RDF

if TYPE_CHECKING:
    from drivekg.graph.validate import Validation
    from drivekg.outputs.publication import Publication


def class_counts(build: Publication) -> list[tuple[str, int]]:
    counts = Counter(curie(o) for o in build.graph.objects(None, RDF.type))
    return sorted(counts.items())


def render_report(build: Publication, validation: Validation) -> str:
    g = build.graph
    base = build.base
    entities = {s for s in g.subjects(RDF.type, None) if isinstance(s, URIRef)}
    evidence = set(g.subjects(RDF.type, DKG.Evidence))
    lines = [
        f"# Publication report: {build.source.title}",
        "",
        f"- source: `{build.article.source.rsplit('/', 1)[-1]}`"
        + (f" ({build.source.url})" if build.source.url else ""),
        f"- base IRI: `{base}`",
        f"- triples: {len(g)}",
        f"- typed nodes: {len(entities)} ({len(entities - evidence)} described things, "
        f"{len(evidence)} evidence nodes)",
        f"- facts with evidence: {len(build.facts)}",
        f"- validation: {'conforms' if validation.conforms else 'DOES NOT CONFORM'}"
        f" ({len(validation.violations)} violations)",
        "",
        "## Nodes per class",
        "",
        "| class | nodes |",
        "|---|---|",
        *(f"| `{name}` | {count} |" for name, count in class_counts(build)),
        "",
        "## Unknowns",
        "",
        "What the article leaves open is stated as unknown, never guessed.",
        "",
    ]
    entries = set(g.subjects(RDF.type, DKG.ChartEntry))
    unknowns = {
        "nominations whose result the article does not give": set(
            g.subjects(DKG.result, DKG.ResultUnknown)
        ),
        "chart entries whose kind (weekly or year-end) is not stated": {
            s for s in entries if (s, DKG.chartKind, None) not in g
        },
        "chart entries whose period is not stated": {
            s for s in entries if (s, DKG.periodStart, None) not in g
        },
    }
    for what, nodes in unknowns.items():
        lines.append(f"- {what}: {len(nodes)}")
        lines += sorted(f"  - `{str(node)[len(base) :]}`" for node in nodes)
    lines += ["", "## Conflicts", ""]
    if not build.conflicts:
        lines.append("None: the article never states one thing in two incompatible ways.")
    for conflict in build.conflicts:
        lines.append(f"- `{conflict.subject}` `{conflict.property}`:")
        for fact in conflict.facts:
            value = getattr(fact.value, "lexical", None) or getattr(fact.value, "key", "")
            lines.append(f'  - {value} — line {fact.evidence.line}: "{fact.evidence.text}"')
    lines += ["", "## Not read", ""]
    lines += _not_read(build)
    lines += ["", "## Validation", ""]
    if validation.conforms:
        lines.append("The graph conforms to the SHACL shapes shipped with drivekg.")
    else:
        lines.append("| focus node | shape | path | message |")
        lines.append("|---|---|---|---|")
        for focus, shape, path, message in validation.violations:
            lines.append(f"| `{curie(focus)}` | `{curie(shape)}` | `{curie(path)}` | {message} |")
    return "\n".join(lines) + "\n"


def _not_read(build: Publication) -> list[str]:
    """What the article says that the build did not turn into facts, line by line, and why."""
    article = build.article
    prose = [p for p in article.paragraphs if p.text]
    quoted = {f.evidence.line for f in build.facts}
    prose_lines = sorted({s.line for p in prose for s in p.sentences})
    lines = [
        f"{build.lines_not_read} line(s) of `{article.source.rsplit('/', 1)[-1]}` hold something "
        "the build did not read; `drivekg build --strict` refuses to build while there is any.",
        "",
    ]
    if build.not_read:
        lines += ["| line | text | why |", "|---|---|---|"]
        for item in build.not_read:
            text = _cell(item.text)
            reason = " ".join(item.reason.split()).replace("|", "\\|")
            lines.append(f"| {item.line} | {text} | {reason} |")
        lines.append("")
    said = [n for n in prose_lines if n in quoted]
    lines.append(
        f"Prose: {len(prose_lines)} line(s) of paragraphs and lists, read as text to quote; facts "
        f"come from prose only through a claims file, which quotes {len(said)} of them."
    )
    return lines


def _cell(text: str, width: int = 120) -> str:
    text = " ".join(text.split()).replace("|", "\\|")
    return f"`{text}`" if len(text) <= width else f"`{text[: width - 1]}…`"
