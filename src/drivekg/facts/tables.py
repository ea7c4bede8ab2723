"""Tables -> facts: chart entries and award nominations here, the other kinds in ``facts.kinds``.

A table's kind is recognised by its header, as ``conventions.toml`` spells each kind's columns
(``facts.rows.recognise``); its rows come lined up under their columns, continuation rows filled
down (``facts.rows.align``). A table of no kind the conventions know, and a row a builder cannot
read (no position, a result word the conventions do not list, an empty required cell), is
reported as not read, never dropped silently; a date that cannot be is an error.

An awards table row is read as Wikidata reads a nomination: the Award column names the
organisation that confers the award (a ``schema:Organization``), the Category column an award
category it confers (``award/{organisation}/{category}``, a ``dkg:AwardCategory`` with
``dkg:conferredBy``), and the row itself a ``dkg:AwardNomination`` of the nominee for that
category at a dated ceremony, with its result.
"""

from __future__ import annotations

import re

from drivekg.errors import SourceError
from drivekg.facts.kinds import KindFacts, build_kind
from drivekg.facts.names import AGENT, THING, Names, typed
from drivekg.facts.rows import Recognised, align, recognise
from drivekg.iris import slug
from drivekg.records import Article, Evidence, Fact, FilledRow, Lit, NotRead, Ref, Table, Term
from drivekg.source.conventions import Conventions, fold
from drivekg.source.grammar import BadValue, NotThisGrammar, Period, parse_when
from drivekg.source.lists import WrittenWhole
from drivekg.source.values import parse_position, parse_years
from drivekg.text import clip

__all__ = ["build_tables"]

_NO_POSITION = frozenset({"—", "–", "-", "x"})  # "did not chart"
_SONG = re.compile(r'^"(?P<title>[^"]+)" by (?P<artists>.+)$')
# Applied to the artists with white space folded to single spaces: "\s+and\s+" over a long run of
# spaces would try every start in the run (quadratic).
_ARTIST_SPLIT = re.compile(r" featuring | feat\. | and |, ?")


def build_tables(article: Article, names: Names, item: str | None, c: Conventions) -> KindFacts:
    """Every row of every table as facts, and what was not read; ``item`` is the album."""
    out = KindFacts()
    whole = WrittenWhole(article.lines)
    for table in article.tables:
        found = recognise(table, c)
        if found is None:
            reason = f"a table of no kind the conventions know (header {clip(table.header_text)})"
            out.not_read.extend(_lines(table, reason))
            continue
        if item is None and found.kind.key != "awards":
            reason = f"a {found.kind.key} table with no infobox naming the album"
            out.not_read.extend(_lines(table, reason))
            continue
        rows, skipped = align(table, found, c)
        out.not_read.extend(skipped)
        if found.kind.key == "chart":
            assert item is not None
            built = _Charts(article, table, found, c).build(rows, names, item)
        elif found.kind.key == "awards":
            built = _Awards(article, found, c).build(rows, names)
        else:
            assert item is not None
            built = build_kind(
                found, rows, album=item, names=names, c=c, source=article.source, whole=whole
            )
        out.facts.extend(built.facts)
        out.not_read.extend(built.not_read)
    return out


def _lines(table: Table, reason: str) -> list[NotRead]:
    lines = [NotRead(table.header_line, table.header_text, reason)]
    if table.caption is not None and table.caption_line is not None:
        lines.append(NotRead(table.caption_line, table.caption, reason))
    return lines + [NotRead(row.line, row.text, reason) for row in table.rows]


class _Charts:
    """A chart table: a row per chart, the position the album reached on it."""

    def __init__(self, article: Article, table: Table, found: Recognised, c: Conventions) -> None:
        self.source, self.table = article.source, table
        header = found.headers["chart"]
        try:
            self.years = parse_years(header)
        except ValueError as exc:
            raise SourceError(str(exc), source=article.source, line=table.header_line) from exc
        self.header_ev = Evidence(table.header_line, table.header_text)
        said = table.caption if table.caption is not None else table.section
        self.kind = next(
            (k.term for k in c.chart_kinds if any(fold(said).startswith(w) for w in k.words)),
            None,
        )
        self.kind_ev = (
            Evidence(table.caption_line, table.caption)
            if table.caption is not None and table.caption_line is not None
            else None
        )

    def build(self, rows: list[FilledRow], names: Names, item: str) -> KindFacts:
        out = KindFacts()
        period = "-".join(sorted({y.lexical for y in self.years})) if self.years else "unknown"
        kind_key = {"dkg:WeeklyChart": "weekly", "dkg:YearEndChart": "year-end"}
        for row in rows:
            chart_name, written = row.cells.get("chart", ""), row.cells.get("position", "")
            if not chart_name or written.strip().casefold() in _NO_POSITION or not written:
                out.not_read.append(NotRead(row.line, row.text, "a chart row with no position"))
                continue
            try:
                position = parse_position(written)
            except ValueError as exc:
                if written.strip().isdigit():  # a number that cannot be a position: an error
                    raise SourceError(str(exc), source=self.source, line=row.line) from exc
                out.not_read.append(NotRead(row.line, row.text, str(exc)))
                continue
            ev = Evidence(row.line, row.text)
            chart, chart_facts = names.introduce(chart_name, ev, implied=("dkg:Chart",))
            kind = kind_key.get(self.kind or "", self.kind or "unknown")
            key = f"chart-entry/{item}/{chart}/{slug(kind)}/{period}"
            out.facts.extend(chart_facts)
            out.facts.extend(typed(key, ("dkg:ChartEntry",), ev))
            out.facts.append(Fact(key, "dkg:chartedItem", Ref(item), ev))
            out.facts.append(Fact(key, "dkg:chart", Ref(chart), ev))
            out.facts.append(Fact(key, "dkg:position", position, ev))
            if self.kind is not None:
                kind_ev = self.kind_ev or Evidence(row.line, row.text)
                out.facts.append(Fact(key, "dkg:chartKind", Term(self.kind), kind_ev))
            if self.years:
                out.facts.append(Fact(key, "dkg:periodStart", self.years[0], self.header_ev))
                out.facts.append(Fact(key, "dkg:periodEnd", self.years[1], self.header_ev))
        return out


class _Awards:
    """An awards table: a row per nomination."""

    def __init__(self, article: Article, found: Recognised, c: Conventions) -> None:
        self.source, self.found, self.c = article.source, found, c

    def build(self, rows: list[FilledRow], names: Names) -> KindFacts:
        out = KindFacts()
        for row in rows:
            skipped = self.row(row, names, out.facts)
            if skipped is not None:
                out.not_read.append(NotRead(row.line, row.text, skipped))
        return out

    def row(self, row: FilledRow, names: Names, facts: list[Fact]) -> str | None:
        """The facts of one row, or why it is not read."""
        cells = row.cells

        def evidence(*columns: str) -> Evidence:
            """The row; where a value was filled down from the row above, say from which line."""
            filled = {row.filled[c] for c in columns if c in row.filled}
            return Evidence(row.line, row.text, min(filled) if filled else None)

        for column in ("award", "date", "category", "nominee"):
            if not cells.get(column):
                return f"an awards row with no {self.found.headers[column]!r}"
        try:
            date = parse_when(cells["date"])
        except BadValue as exc:
            raise SourceError(str(exc), source=self.source, line=row.line) from exc
        except NotThisGrammar:
            return f"not a date: {clip(cells['date'])}"
        if isinstance(date, Period):
            return f"a ceremony date that is a period: {clip(cells['date'])}"
        result = "dkg:ResultUnknown"
        if cells.get("result"):
            found = self.c.results.get(fold(cells["result"]))
            if found is None:
                return f"a result the conventions do not list: {clip(cells['result'])}"
            result = found

        award_ev = evidence("award")
        conferrer, conferrer_facts = names.introduce(
            cells["award"], award_ev, implied=("schema:Organization",)
        )
        facts.extend(conferrer_facts)
        category = f"award/{conferrer}/{slug(cells['category'])}"
        category_ev = evidence("award", "category")
        facts.extend(typed(category, ("dkg:AwardCategory",), category_ev))
        facts.append(Fact(category, "schema:name", Lit(cells["category"]), evidence("category")))
        facts.append(Fact(category, "dkg:conferredBy", Ref(conferrer), category_ev))
        nominee_ev = evidence("nominee")
        nominee, nominee_facts = _nominee(cells["nominee"], names, nominee_ev)
        facts.extend(nominee_facts)
        key = f"nomination/{conferrer}/{date.lexical}/{slug(cells['category'])}/{nominee}"
        row_ev = Evidence(row.line, row.text)
        facts.extend(typed(key, ("dkg:AwardNomination",), row_ev))
        facts.append(Fact(key, "dkg:awardCategory", Ref(category), category_ev))
        facts.append(Fact(key, "dkg:ceremonyDate", date, evidence("date")))
        facts.append(Fact(key, "dkg:nominee", Ref(nominee), nominee_ev))
        facts.append(Fact(key, "dkg:result", Term(result), evidence("result")))
        if result == "dkg:Won":  # schema:award means an award won, and only then
            text = f"{cells['award']}: {cells['category']}"
            facts.append(Fact(nominee, "schema:award", Lit(text), row_ev))
        return None


def _nominee(text: str, names: Names, ev: Evidence) -> tuple[str, list[Fact]]:
    """The nominee as the cell names it: a song (``"Title"``, ``"Title" by Artist featuring
    Artist``) or a name; its key and the facts that introduce it."""
    if len(text) > 2 and text[0] == text[-1] == '"' and '"' not in text[1:-1]:
        return names.introduce(text[1:-1], ev, implied=("schema:MusicRecording",))  # a song
    song = _SONG.match(text)
    if not song:
        return names.introduce(text, ev, fallback=THING)
    key, facts = names.introduce(song["title"], ev, implied=("schema:MusicRecording",))
    for artist in _ARTIST_SPLIT.split(" ".join(song["artists"].split())):
        artist_key, artist_facts = names.introduce(artist, ev, fallback=AGENT)
        facts.extend(artist_facts)
        facts.append(Fact(key, "schema:byArtist", Ref(artist_key), ev))
    return key, facts
