"""Names as the article writes them -> entity keys, and facts that introduce an entity."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from drivekg.iris import slug
from drivekg.records import Entity, Evidence, Fact, Lit, Term


class Names:
    """Resolves a name to the key of the declared entity with that label or alias.

    A name nobody declared gets ``slug(name)``: the same name gives the same key in every
    article, which is what lets several articles build into one graph.
    """

    def __init__(self, entities: Iterable[Entity]) -> None:
        self.entities = {e.key: e for e in entities}
        self._exact: dict[str, str] = {}
        self._folded: dict[str, str] = {}
        for entity in self.entities.values():
            for name in (entity.label, *entity.aliases):
                if name:
                    self._exact.setdefault(name, entity.key)
                    self._folded.setdefault(name.casefold(), entity.key)

    def key(self, name: str) -> str:
        return self._exact.get(name) or self._folded.get(name.casefold()) or slug(name)

    def declared(self, key: str) -> bool:
        return key in self.entities

    def introduce(
        self,
        name: str,
        evidence: Evidence,
        *,
        implied: Iterable[str] = (),
        fallback: Iterable[str] = (),
        alternates: Iterable[str] = (),
    ) -> tuple[str, list[Fact]]:
        """The key for ``name`` plus the facts a mention states.

        ``implied`` types follow from the role the name is written in (a "Label" is a record
        label); ``fallback`` are the types given only when nobody declared the name and the role
        implies nothing (``AGENT``: an agent, and for schema.org consumers a ``schema:Thing``):
        the graph does not guess whether it is a person or a band. ``alternates`` are other
        spellings the article gives for it (``schema:alternateName``).
        """
        key = self.key(name)
        if not self.declared(key):  # an alternate spelling may be what a claims file declares
            key = next((k for a in alternates if self.declared(k := self.key(a))), key)
        types = list(implied)
        if not types and not self.declared(key):
            types = list(fallback)
        facts = [Fact(key, "rdf:type", Term(t), evidence) for t in types]
        label = self.entities[key].label if self.declared(key) else name
        if label == name:
            facts.append(Fact(key, "schema:name", Lit(name), evidence))
        known = {label.casefold() if label else "", *(a.casefold() for a in self.aliases(key))}
        for alternate in alternates:
            if alternate.casefold() not in known | {name.casefold()}:
                facts.append(Fact(key, "schema:alternateName", Lit(alternate), evidence))
        return key, facts

    def aliases(self, key: str) -> tuple[str, ...]:
        return self.entities[key].aliases if self.declared(key) else ()

    def spellings(self) -> list[str]:
        """Every label and alias the claims file declares (names it knows whole)."""
        return sorted({n for e in self.entities.values() for n in (e.label, *e.aliases) if n})


def typed(key: str, types: Iterable[str], evidence: Evidence) -> Iterator[Fact]:
    for curie in types:
        yield Fact(key, "rdf:type", Term(curie), evidence)


# Types given to a name only because nobody said what it is: an agent (a name in an Artist or
# Producer role), or only a thing (a nominee). schema:Thing is the schema.org type every node a
# schema.org consumer can reach needs at least.
AGENT = ("prov:Agent", "schema:Thing")
THING = ("schema:Thing",)
FALLBACK_TYPES = ("prov:Agent", "schema:Thing")


def settle_types(facts: Iterable[Fact]) -> list[Fact]:
    """Drop the fallback types where the same thing got a more specific type elsewhere.

    "Cliff Martinez" in the infobox alone is only a ``prov:Agent`` (and a ``schema:Thing``); once
    a claim (or another row) says he is a ``schema:Person``, the fallbacks go.
    """
    facts = list(facts)
    types: dict[str, set[str]] = {}
    for fact in facts:
        if fact.property == "rdf:type" and isinstance(fact.value, Term):
            types.setdefault(fact.subject, set()).add(fact.value.iri)

    specific = {key for key, found in types.items() if found - set(FALLBACK_TYPES)}
    return [
        f
        for f in facts
        if not (
            f.property == "rdf:type"
            and isinstance(f.value, Term)
            and f.value.iri in FALLBACK_TYPES
            and f.subject in specific
        )
    ]
