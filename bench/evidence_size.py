"""How much of the Drive graph is evidence: triples by kind, per edition, before and after.

    .venv/bin/python bench/evidence_size.py

Kinds (``outputs.report.triple_kinds``): *data* (what the article says, and the article itself),
*passages* (each cited sentence, table row or infobox line, with its selectors and link),
*links* (what ties a fact to its passages), *conflicts*.

Baseline: the graph as it was before passages (commit 4766876, one RDF 1.1 reification node of
eight triples per fact and place, the quote inline), read from git when this runs in the
repository. Then the two editions this build writes, and, for the trade-off, designs measured
on the same facts but not chosen:

- every fact its own statement node (RDF 1.1 reification, no ``dkg:statedIn``);
- RDF 1.2 keeping the RDF 1.1 edition's ``dkg:statedIn`` links, reifying only the facts that
  have a statement node there (fewer triples, but two patterns to query and a node's passages
  instead of each fact's);
- one link per node and passage (imprecise: says which passages describe a node, not which
  states which fact);
- the last with lean passages (no position selector, no Text Fragment link): what reaching
  50 % costs.
"""

from __future__ import annotations

import subprocess
from collections import Counter, defaultdict
from pathlib import Path

from drivekg.cli import claims_beside, default_article
from drivekg.facts.passages import Passages
from drivekg.graph.assemble import GraphBuilder
from drivekg.iris import DEFAULT_BASE
from drivekg.outputs.report import KINDS, edition_counts, evidence_share
from drivekg.pipeline import build
from drivekg.vocab import DKG, PROV, RDF

BASELINE_COMMIT = "4766876"
RECORDED_BASELINE = Counter(data=379, passages=0, links=3342, conflicts=0)  # if git is missing


def baseline() -> tuple[Counter[str], str]:
    """The old graph.nt by kind: its dkg:Evidence nodes were passages and links in one."""
    root = Path(__file__).resolve().parent.parent
    try:
        nt = subprocess.run(
            ["git", "show", f"{BASELINE_COMMIT}:out/graph.nt"],
            cwd=root, capture_output=True, check=True, text=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return RECORDED_BASELINE, "recorded"
    triples = [line.split(" ", 2) for line in nt.splitlines() if line.strip()]
    evidence = {s for s, p, o in triples if o.startswith(f"<{DKG}Evidence>")}
    conflicts = {s for s, p, o in triples if o.startswith(f"<{DKG}Conflict>")}
    counts: Counter[str] = Counter({kind: 0 for kind in KINDS})
    for s, _, _ in triples:
        kind = "links" if s in evidence else "conflicts" if s in conflicts else "data"
        counts[kind] += 1
    return counts, f"git {BASELINE_COMMIT}"


def row(name: str, counts: Counter[str]) -> str:
    cells = "".join(f"{counts[kind]:>10}" for kind in KINDS)
    return f"{name:<52}{cells}{sum(counts.values()):>8}{evidence_share(counts):>10.1%}"


def main() -> None:
    article_path = default_article()
    text = article_path.read_text(encoding="utf-8")
    claims = claims_beside(article_path).read_text(encoding="utf-8")
    built = build(text, article_source="a.txt", claims_text=claims, base=DEFAULT_BASE)
    editions = edition_counts(built)
    rdf11 = editions["RDF 1.1 (graph.nt)"]

    # per fact (triple) the passages that state it, and per node the passages of its facts
    builder = GraphBuilder(DEFAULT_BASE, built.source, built.article)
    passages = Passages(built.article, built.source.key)
    per_fact: dict[object, set[str]] = defaultdict(set)
    per_node: dict[object, set[str]] = defaultdict(set)
    all_passages: dict[str, object] = {}
    for fact in built.facts:
        triple = builder.triple(fact)
        for passage in passages.of(fact.evidence):
            per_fact[triple].add(passage.key)
            per_node[triple[0]].add(passage.key)
            all_passages[passage.key] = passage
    same = Counter(data=rdf11["data"], passages=rdf11["passages"], conflicts=rdf11["conflicts"])
    every_statement = same + Counter(links=sum(3 + len(p) for p in per_fact.values()))
    graph = built.graph
    stated_in = len(list(graph.triples((None, DKG.statedIn, None))))
    derived = sum(
        len(list(graph.objects(st, PROV.wasDerivedFrom)))
        for st in set(graph.subjects(RDF.subject, None))
    )
    mixed12 = same + Counter(links=stated_in + derived)
    per_node_links = same + Counter(links=sum(len(p) for p in per_node.values()))
    lean = per_node_links - Counter(passages=rdf11["passages"]) + Counter(
        passages=4 * len(all_passages)  # hasSource, hasSelector, the quote's type and exact
    )

    before, where = baseline()
    print(f"Drive graph: {len(built.facts)} facts, {len(all_passages)} passages cited")
    print(f"{'':<52}" + "".join(f"{kind:>10}" for kind in KINDS) + f"{'total':>8}{'evidence':>10}")
    print(row(f"before ({where}), a node per fact and place", before))
    print(row("after, RDF 1.1 edition (graph.nt)", rdf11))
    print(row("after, RDF 1.2 edition (graph-rdf12.nt)", editions["RDF 1.2 (graph-rdf12.nt)"]))
    print("not chosen, on the same facts:")
    print(row("  RDF 1.1, a statement node for every fact", every_statement))
    print(row("  RDF 1.2, keeping dkg:statedIn for whole nodes", mixed12))
    print(row("  one link per node and passage (not per fact)", per_node_links))
    print(row("  the same, passages without position and link", lean))
    # sanity: the per-fact figures count every data triple but the article's own
    assert len(per_fact) == rdf11["data"] - len(list(built.graph.predicate_objects(
        builder.article)))


if __name__ == "__main__":
    main()
