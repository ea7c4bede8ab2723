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


def _refines(precise: Value, coarse: Value) -> bool:
    """``2012-06-21`` (xsd:date) refines ``2012-06`` (xsd:gYearMonth)."""
    return (
        isinstance(precise, Lit)
        and isinstance(coarse, Lit)
        and precise.datatype in _DATES
        and coarse.datatype in _DATES
        and _DATES.index(precise.datatype) < _DATES.index(coarse.datatype)
        and precise.lexical.startswith(coarse.lexical + "-")
    )


def reconcile(facts: Iterable[Fact]) -> tuple[list[Fact], list[Conflict]]:
    """Merge refinements into the most precise value; report what still disagrees."""
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
        kept = [v for v in values if not any(_refines(other, v) for other in values)]
        merged = []
        for fact in group:
            if fact.value not in kept:
                precise = next(v for v in kept if _refines(v, fact.value))
                fact = Fact(fact.subject, fact.property, precise, fact.evidence)
            merged.append(fact)
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
