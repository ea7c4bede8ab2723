"""The build report (``report.md``): what the graph holds, what is unknown, what disagrees, and
how much of each edition of the dumps is evidence."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import TYPE_CHECKING

from rdflib import URIRef

from drivekg.graph.labels import curie
from drivekg.outputs.rdf12 import REIFIES, edition12
from drivekg.vocab import DKG, OA, RDF

__all__ = ["KINDS", "class_counts", "render_report", "triple_kinds"]

KINDS = ("data", "passages", "links", "conflicts")

if TYPE_CHECKING:
    from drivekg.graph.validate import Validation
    from drivekg.outputs.publication import Publication


def class_counts(build: Publication) -> list[tuple[str, int]]:
    counts = Counter(curie(o) for o in build.graph.objects(None, RDF.type))
    return sorted(counts.items())


def triple_kinds(triples: Iterable[tuple[str, str, str]]) -> Counter[str]:
    """Triples by kind, terms given as strings (an IRI as itself):

    - ``passages``: the passages and their selectors (the article's text, stored once);
    - ``links``: what ties a fact to its passages (statement nodes, ``dkg:statedIn``,
      ``rdf:reifies``);
    - ``conflicts``: the ``dkg:Conflict`` nodes;
    - ``data``: everything else: what the article says, and the article itself.
    """
    triples = list(triples)
    selectors = {o for _, p, o in triples if p == str(OA.hasSelector)}
    passages = {s for s, p, _ in triples if p == str(OA.hasSelector)} | selectors
    statements = {s for s, p, _ in triples if p == str(RDF.subject)}
    conflicts = {s for s, p, o in triples if p == str(RDF.type) and o == str(DKG.Conflict)}
    links = {str(DKG.statedIn), REIFIES.value}
    counts: Counter[str] = Counter({kind: 0 for kind in KINDS})
    for s, p, _ in triples:
        if p in links or s in statements:  # a passage reifying a fact (RDF 1.2) is a link
            counts["links"] += 1
        elif s in passages:
            counts["passages"] += 1
        elif s in conflicts:
            counts["conflicts"] += 1
        else:
            counts["data"] += 1
    return counts


def evidence_share(counts: Counter[str]) -> float:
    """Passages and links, as a share of all triples."""
    total = sum(counts.values())
    return (counts["passages"] + counts["links"]) / total if total else 0.0


def _text(term: object) -> str:
    """A pyoxigraph term as a string: an IRI as itself, a literal as its value."""
    value = getattr(term, "value", None)
    return value if isinstance(value, str) else str(term)


def edition_counts(build: Publication) -> dict[str, Counter[str]]:
    """Triples by kind in the RDF 1.1 edition and in the RDF 1.2 edition."""
    rdf11 = triple_kinds((str(s), str(p), str(o)) for s, p, o in build.graph)
    rdf12 = triple_kinds((_text(t.subject), _text(t.predicate), _text(t.object))
                         for t in edition12(build))
    return {"RDF 1.1 (graph.nt)": rdf11, "RDF 1.2 (graph-rdf12.nt)": rdf12}


def render_report(build: Publication, validation: Validation) -> str:
    g = build.graph
    base = build.base
    entities = {s for s in g.subjects(RDF.type, None) if isinstance(s, URIRef)}
    passages = set(g.subjects(OA.hasSelector, None))
    statements = set(g.subjects(RDF.subject, None))
    lines = [
        f"# Publication report: {build.source.title}",
        "",
        f"- source: `{build.article.source.rsplit('/', 1)[-1]}`"
        + (f" ({build.source.url})" if build.source.url else ""),
        f"- base IRI: `{base}`",
        f"- triples: {len(g)}",
        f"- typed nodes: {len(entities)}",
        f"- facts with evidence: {len(build.facts)}; passages of the article cited: "
        f"{len(passages)}; statement nodes: {len(statements)}",
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
    lines += [
        "",
        "## Evidence",
        "",
        "Triples by kind: data (what the article says, and the article itself), passages (each",
        "cited sentence, table row or infobox line once, with its selectors), links (from facts",
        "to passages), conflicts.",
        "",
        "| edition | data | passages | links | conflicts | total | evidence |",
        "|---|---|---|---|---|---|---|",
    ]
    for edition, counts in edition_counts(build).items():
        cells = " | ".join(str(counts[kind]) for kind in KINDS)
        total = sum(counts.values())
        lines.append(f"| {edition} | {cells} | {total} | {evidence_share(counts):.0%} |")
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
