"""Tables -> chart entries and award nominations (n-ary nodes, one per row).

A table's kind is read from its header: a first column ``Chart (years)`` with a position column is
a chart table; ``Award`` … ``Result`` is an awards table. Any other table is an error, never
skipped silently.

An awards table row is read as Wikidata reads a nomination: the Award column names the
organisation that confers the award (a ``schema:Organization``), the Category column an award
category it confers (``award/{organisation}/{category}``, a ``dkg:AwardCategory`` with
``dkg:conferredBy``), and the row itself a ``dkg:AwardNomination`` of the nominee for that
category at a dated ceremony, with its result.
"""

from __future__ import annotations

import re
from collections.abc import Generator, Iterator

from drivekg.errors import SourceError
from drivekg.facts.names import AGENT, THING, Names, typed
from drivekg.iris import slug
from drivekg.records import Article, Evidence, Fact, FilledRow, Lit, Ref, Table, Term
from drivekg.source.article import fill_down
from drivekg.source.values import parse_date, parse_position, parse_years
from drivekg.text import clip

CHART_KINDS = {"weekly": "dkg:WeeklyChart", "year-end": "dkg:YearEndChart"}
RESULTS = {
    "": "dkg:ResultUnknown",
    "won": "dkg:Won",
    "win": "dkg:Won",
    "nominated": "dkg:Nominated",
}
NOMINEE_COLUMNS = ("Recipients", "Recipient", "Recipient(s)", "Nominee", "Nominees", "Nominee(s)")
# An awards table spans Award, Date and Nominee over the categories of one award; a continuation
# row therefore holds the cells of these columns only.
AWARD_OWN_COLUMNS = ("Category", "Result")
_SONG = re.compile(r'^"(?P<title>[^"]+)" by (?P<artists>.+)$')
# Applied to the artists with white space folded to single spaces: "\s+and\s+" over a long run of
# spaces would try every start in the run (quadratic).
_ARTIST_SPLIT = re.compile(r" featuring | feat\. | and |, ?")


def build_tables(article: Article, names: Names, item: str | None) -> list[Fact]:
    """Every row of every table as facts; ``item`` is the album the article is about."""
    facts: list[Fact] = []
    for table in article.tables:
        header = table.header
        if header[0].startswith("Chart") and _position_column(table):
            facts.extend(_charts(article, table, names, item))
        elif "Award" in header and "Result" in header:
            facts.extend(_awards(article, table, names))
        else:
            raise SourceError(
                f"cannot tell what this table holds (header {clip(table.header_text)}); "
                "expected a chart table (Chart …, Peak position) "
                "or an awards table (Award … Result)",
                source=article.source,
                line=table.header_line,
            )
    return facts


def _position_column(table: Table) -> str | None:
    return next((h for h in table.header if h.casefold().endswith("position")), None)


def _charts(article: Article, table: Table, names: Names, item: str | None) -> Iterator[Fact]:
    def error(message: str, line: int) -> SourceError:
        return SourceError(message, source=article.source, line=line)

    if item is None:
        raise error("a chart table needs an infobox naming what is charted", table.header_line)
    position_column = _position_column(table)
    assert position_column is not None
    caption = (table.caption or "").casefold()
    kind = next((k for k in CHART_KINDS if caption.startswith(k)), None)
    try:
        years = parse_years(table.header[0])
    except ValueError as exc:
        raise error(str(exc), table.header_line) from exc
    header_ev = Evidence(table.header_line, table.header_text)
    caption_ev = Evidence(table.caption_line or table.header_line, table.caption or "")
    for row in table.rows:
        if row.continues is not None:
            raise error("a chart table row cannot continue the row above", row.line)
        chart_name, position_text = row.cells[0], row.cells[table.header.index(position_column)]
        ev = Evidence(row.line, row.text)
        try:
            position = parse_position(position_text)
        except ValueError as exc:
            raise error(str(exc), row.line) from exc
        chart, chart_facts = names.introduce(chart_name, ev, implied=("dkg:Chart",))
        period = "-".join(sorted({y.lexical for y in years})) if years else "unknown"
        key = f"chart-entry/{item}/{chart}/{kind or 'unknown'}/{period}"
        yield from chart_facts
        yield from typed(key, ("dkg:ChartEntry",), ev)
        yield Fact(key, "dkg:chartedItem", Ref(item), ev)
        yield Fact(key, "dkg:chart", Ref(chart), ev)
        yield Fact(key, "dkg:position", position, ev)
        if kind:
            yield Fact(key, "dkg:chartKind", Term(CHART_KINDS[kind]), caption_ev)
        if years:
            yield Fact(key, "dkg:periodStart", years[0], header_ev)
            yield Fact(key, "dkg:periodEnd", years[1], header_ev)


def _awards(article: Article, table: Table, names: Names) -> Iterator[Fact]:
    def error(message: str, line: int) -> SourceError:
        return SourceError(message, source=article.source, line=line)

    header = table.header
    date_column = next((h for h in header if h.startswith("Date")), None)
    nominee_column = next((h for h in header if h in NOMINEE_COLUMNS), None)
    if date_column is None or nominee_column is None or "Category" not in header:
        raise error(
            "an awards table needs Award, Date…, Category, Recipients (or Nominee) and Result",
            table.header_line,
        )
    for row in fill_down(table, AWARD_OWN_COLUMNS, source=article.source):

        def evidence(*columns: str, row: FilledRow = row) -> Evidence:
            """The row; where a value was filled down from the row above, say from which line."""
            filled = {row.filled[c] for c in columns if c in row.filled}
            return Evidence(row.line, row.text, min(filled) if filled else None)

        cells = row.cells
        for column in ("Award", date_column, "Category", nominee_column):
            if not cells[column]:
                raise error(f"awards table row has an empty {column!r} cell", row.line)
        try:
            date = parse_date(cells[date_column])
        except ValueError as exc:
            raise error(str(exc), row.line) from exc
        result = RESULTS.get(cells["Result"].casefold())
        if result is None:
            known = ", ".join(repr(r) for r in RESULTS if r)
            message = f"unknown result {clip(cells['Result'])} (known: {known}, or empty)"
            raise error(message, row.line)

        award_ev = evidence("Award")
        conferrer, conferrer_facts = names.introduce(
            cells["Award"], award_ev, implied=("schema:Organization",)
        )
        yield from conferrer_facts
        category = f"award/{conferrer}/{slug(cells['Category'])}"
        category_ev = evidence("Award", "Category")
        yield from typed(category, ("dkg:AwardCategory",), category_ev)
        yield Fact(category, "schema:name", Lit(cells["Category"]), evidence("Category"))
        yield Fact(category, "dkg:conferredBy", Ref(conferrer), category_ev)
        nominee_ev = evidence(nominee_column)
        nominee = yield from _nominee(cells[nominee_column], names, nominee_ev)
        key = f"nomination/{conferrer}/{date.lexical}/{slug(cells['Category'])}/{nominee}"
        row_ev = Evidence(row.line, row.text)
        yield from typed(key, ("dkg:AwardNomination",), row_ev)
        yield Fact(key, "dkg:awardCategory", Ref(category), evidence("Award", "Category"))
        yield Fact(key, "dkg:ceremonyDate", date, evidence(date_column))
        yield Fact(key, "dkg:nominee", Ref(nominee), nominee_ev)
        yield Fact(key, "dkg:result", Term(result), evidence("Result"))
        if result == "dkg:Won":  # schema:award means an award won, and only then
            text = f"{cells['Award']}: {cells['Category']}"
            yield Fact(nominee, "schema:award", Lit(text), row_ev)


def _nominee(text: str, names: Names, ev: Evidence) -> Generator[Fact, None, str]:
    """The nominee as the cell names it: a song (``"Title" by Artist featuring Artist``) or a name.

    Returns the nominee's key (through ``yield from``).
    """
    song = _SONG.match(text)
    if not song:
        key, facts = names.introduce(text, ev, fallback=THING)
        yield from facts
        return key
    key, facts = names.introduce(song["title"], ev, implied=("schema:MusicRecording",))
    yield from facts
    for artist in _ARTIST_SPLIT.split(" ".join(song["artists"].split())):
        artist_key, artist_facts = names.introduce(artist, ev, fallback=AGENT)
        yield from artist_facts
        yield Fact(key, "schema:byArtist", Ref(artist_key), ev)
    return key
