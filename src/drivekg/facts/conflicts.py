"""When the article states one thing twice: refinements merge, contradictions are reported.

For a property that can have only one value per subject (``FUNCTIONAL``), two statements either
agree, one refines the other (``June 2012`` and ``June 21, 2012``: the precise value is kept and
both sentences stay as its evidence), or contradict each other (``topped iTunes charts`` and
``number four on the sales charts``): then both facts stay in the graph, each with its evidence,
and a ``Conflict`` names them. Nothing is picked silently.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from drivekg.records import Conflict, Fact, Lit, Value

FUNCTIONAL = frozenset(
    {
        "schema:datePublished",
        "schema:duration",
        "schema:ratingValue",
        "schema:bestRating",
        "dkg:position",
        "dkg:ceremonyDate",
        "dkg:result",
        "dkg:recordingDate",
        "dkg:periodStart",
        "dkg:periodEnd",
        "dkg:chartKind",
    }
)
_DATES = ("xsd:date", "xsd:gYearMonth", "xsd:gYear")


def _coarser(value: Value) -> list[Lit]:
    """The less precise dates ``value`` refines: ``2012-06-21`` -> ``2012-06``, ``2012``."""
    if not isinstance(value, Lit) or value.datatype not in _DATES:
        return []
    parts = value.lexical.split("-")
    level = _DATES.index(value.datatype)
    return [
        Lit("-".join(parts[: len(_DATES) - coarse]), _DATES[coarse])
        for coarse in range(level + 1, len(_DATES))
        if len(parts) >= len(_DATES) - coarse
    ]


def reconcile(facts: Iterable[Fact]) -> tuple[list[Fact], list[Conflict]]:
    """Merge refinements into the most precise value; report what still disagrees.

    Linear in the facts: each value is compared with the few coarser dates it could refine, never
    with every other value of its group (a chart named on 10,000 rows has 10,000 positions).
    """
    groups: dict[tuple[str, str], list[Fact]] = defaultdict(list)
    result: list[Fact] = []
    for fact in facts:
        if fact.property in FUNCTIONAL:
            groups[(fact.subject, fact.property)].append(fact)
        else:
            result.append(fact)
    conflicts: list[Conflict] = []
    for (subject, prop), group in sorted(groups.items()):
        values = sorted({f.value for f in group}, key=repr)
        present = set(values)
        refined = {c for v in values for c in _coarser(v) if c in present}
        kept = [v for v in values if v not in refined]
        precise: dict[Value, Value] = {}  # a refined value -> the first kept value refining it
        for value in kept:
            for coarse in _coarser(value):
                precise.setdefault(coarse, value)
        merged = [
            fact
            if fact.value not in refined
            else Fact(fact.subject, fact.property, precise[fact.value], fact.evidence)
            for fact in group
        ]
        result.extend(merged)
        if len(kept) > 1:
            conflicts.append(Conflict(subject, prop, tuple(sorted(merged, key=fact_order))))
    return result, conflicts


def fact_order(fact: Fact) -> tuple[str, str, str, str, int, str]:
    """A total order over facts (their values are of mixed types)."""
    value = fact.value
    return (
        fact.subject,
        fact.property,
        type(value).__name__,
        repr(value),
        fact.evidence.line,
        fact.evidence.text,
    )
