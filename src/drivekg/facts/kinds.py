"""Tables of the kinds album articles carry besides charts and awards: certifications, release
history and track listings (``conventions.toml`` says how each is recognised).

- a certifications row (Region, Certification, Certified units/sales) is a ``dkg:Certification``
  of the album: where, which level, how many units;
- a release-history row (Region, Date, Label, Format, Catalogue) is an edition of the album per
  format it lists, released in that region on that date;
- a track-listing row (No., Title, Writer(s), Performer(s), Length) is a track (``facts.tracks``).

Rows come lined up by ``facts.rows.align``; a cell a builder cannot read is reported as not read,
a date that cannot be is an error.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from drivekg.errors import SourceError
from drivekg.facts.names import Names, typed
from drivekg.facts.rows import Recognised
from drivekg.facts.tracks import Listed, track_facts
from drivekg.iris import slug
from drivekg.records import Evidence, Fact, FilledRow, Lit, NotRead, Ref, Term
from drivekg.source.conventions import Conventions, fold
from drivekg.source.grammar import BadValue, NotThisGrammar, Period, parse_length, parse_when
from drivekg.source.lists import DEFAULT_SEPARATORS, NameRules, WrittenWhole, split_names
from drivekg.source.tracks import Track

__all__ = ["KindFacts", "build_kind"]

RELEASE_TYPES = ("schema:MusicRelease", "mo:Release")
LABEL_TYPES = ("schema:Organization", "mo:Label")
_UNITS = re.compile(r"(?P<number>[0-9]{1,3}(?:[,. ][0-9]{3})*|[0-9]+)(?:[*^†‡]+)?")


@dataclass
class KindFacts:
    facts: list[Fact] = field(default_factory=list)
    not_read: list[NotRead] = field(default_factory=list)


def build_kind(
    found: Recognised,
    rows: list[FilledRow],
    *,
    album: str,
    names: Names,
    c: Conventions,
    source: str,
    whole: WrittenWhole | None = None,
) -> KindFacts:
    """The facts of the rows of one table of kind certifications, release-history or
    track-listing."""
    builder = _Kind(found, album, names, c, source)
    builder.whole = whole
    handler = {
        "certifications": builder.certification,
        "release-history": builder.release,
    }.get(found.kind.key)
    if found.kind.key == "track-listing":
        builder.tracks(rows)
    else:
        assert handler is not None, found.kind.key
        for row in rows:
            handler(row)
    return builder.out


class _Kind:
    def __init__(
        self, found: Recognised, album: str, names: Names, c: Conventions, source: str
    ) -> None:
        self.found, self.album, self.names, self.c, self.source = found, album, names, c, source
        self.out = KindFacts()
        self.whole: WrittenWhole | None = None

    def evidence(self, row: FilledRow, *columns: str) -> Evidence:
        filled = {row.filled[c] for c in columns if c in row.filled}
        return Evidence(row.line, row.text, min(filled) if filled else None)

    def skip(self, row: FilledRow, text: str, reason: str) -> None:
        self.out.not_read.append(NotRead(row.line, text, reason))

    def rules(self, grammar: str) -> NameRules:
        c = self.c
        return NameRules(
            DEFAULT_SEPARATORS[grammar], c.whole_names, c.same, c.link_suffixes, c.placeholders
        )

    # -- certifications

    def certification(self, row: FilledRow) -> None:
        region, level = row.cells.get("region", ""), row.cells.get("certification", "")
        if not region or not level:
            self.skip(row, row.text, "a certification row needs a region and a certification")
            return
        key = f"certification/{self.album}/{slug(region)}/{slug(level)}"
        ev = self.evidence(row, "region", "certification")
        facts = self.out.facts
        facts.extend(typed(key, ("dkg:Certification",), Evidence(row.line, row.text)))
        facts.append(Fact(key, "dkg:certifiedItem", Ref(self.album), Evidence(row.line, row.text)))
        facts.append(Fact(key, "dkg:region", Lit(region), self.evidence(row, "region")))
        facts.append(Fact(key, "dkg:certification", Lit(level), ev))
        units = row.cells.get("units", "")
        if units and units not in "—–-":
            match = _UNITS.fullmatch(units.strip())
            if match is None:
                self.skip(row, units, "certified units that are not a number")
            else:
                number = re.sub(r"[^0-9]", "", match["number"])
                units_ev = self.evidence(row, "units")
                facts.append(Fact(key, "dkg:certifiedUnits", Lit(number, "xsd:integer"), units_ev))

    # -- release history

    def release(self, row: FilledRow) -> None:
        region, date_text = row.cells.get("region", ""), row.cells.get("date", "")
        if not date_text:
            self.skip(row, row.text, "a release-history row needs a date")
            return
        try:
            when = parse_when(date_text)
        except BadValue as exc:
            raise SourceError(str(exc), source=self.source, line=row.line) from exc
        except NotThisGrammar:
            self.skip(row, date_text, "not a release date")
            return
        if isinstance(when, Period):
            self.skip(row, date_text, "a release date that is a period")
            return
        formats: list[tuple[str, str | None]] = []
        for item in split_names(row.cells.get("format", ""), self.rules("labels")):
            term = self.c.formats.get(fold(item.name))
            if term is None:
                self.skip(row, item.text, "a format the conventions do not list")
            formats.append((item.name, term))
        edition = row.cells.get("edition", "")
        stem = "/".join(slug(p) for p in (region, when.lexical, edition) if p)
        ev = Evidence(row.line, row.text)
        for name, term in formats or [("", None)]:
            key = f"release/{self.album}/{stem}" + (f"/{slug(name)}" if name else "")
            facts = self.out.facts
            facts.extend(typed(key, RELEASE_TYPES, ev))
            facts.append(Fact(key, "schema:releaseOf", Ref(self.album), ev))
            facts.append(Fact(self.album, "schema:albumRelease", Ref(key), ev))
            facts.append(Fact(key, "schema:datePublished", when, self.evidence(row, "date")))
            if region:
                facts.append(Fact(key, "dkg:region", Lit(region), self.evidence(row, "region")))
            if term is not None:
                facts.append(Fact(key, "schema:musicReleaseFormat", Term(term), ev))
            if edition:
                facts.append(Fact(key, "schema:name", Lit(edition), ev))
            catalogue = row.cells.get("catalogue", "")
            if catalogue and catalogue not in "—–-":
                facts.append(Fact(key, "schema:catalogNumber", Lit(catalogue), ev))
            self.labels(row, key)

    def labels(self, row: FilledRow, release: str) -> None:
        ev = self.evidence(row, "label")
        around = self.whole.elsewhere(row.line) if self.whole is not None else set()
        for item in split_names(row.cells.get("label", ""), self.rules("labels"), elsewhere=around):
            if item.placeholder:
                continue
            key, facts = self.names.introduce(
                item.name, ev, implied=LABEL_TYPES, alternates=item.alternates
            )
            self.out.facts.extend(facts)
            self.out.facts.append(Fact(release, "schema:recordLabel", Ref(key), ev))

    # -- track listings

    def tracks(self, rows: list[FilledRow]) -> None:
        listed: list[Listed] = []
        for row in rows:
            number, title = row.cells.get("number", ""), row.cells.get("title", "")
            digits = number.strip().rstrip(".")
            if not digits.isdigit() or not title or int(digits) < 1:
                self.skip(row, row.text, "a track-listing row needs a number and a title")
                continue
            length = None
            if row.cells.get("length"):
                try:
                    length = parse_length(row.cells["length"])
                except BadValue as exc:
                    raise SourceError(str(exc), source=self.source, line=row.line) from exc
                except NotThisGrammar:
                    self.skip(row, row.cells["length"], "not a length")
            track = Track(
                title.strip().strip('"“”').strip(),
                length,
                performers=row.cells.get("performer") or None,
                writers=row.cells.get("writer") or None,
            )
            listed.append(Listed(int(digits), track, Evidence(row.line, row.text)))
        facts, skipped = track_facts(self.album, listed, self.names, self.c, self.whole)
        self.out.facts.extend(facts)
        self.out.not_read.extend(skipped)
