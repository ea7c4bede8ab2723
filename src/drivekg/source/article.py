"""Article text -> ``Article`` record. Generic for this format, not for one article.

The format::

    = Title =

    Infobox name
    - Key: value, value (qualifier), value
    Lead paragraph. Sentences.

    == Section ==
    Paragraph.

      - Optional table caption**

    | Header | Header | |
    | cell | cell | |

Anything the parser cannot read raises ``SourceError`` ("article.txt:LINE: what is wrong").
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Sequence

from drivekg.errors import SourceError
from drivekg.records import (
    Article,
    Evidence,
    FilledRow,
    Infobox,
    InfoboxField,
    Paragraph,
    Row,
    Sentence,
    Table,
)
from drivekg.text import BOM, clip, split_lines

_YEAR_FOLLOWS = re.compile(r"\s*\d{4}\b")  # \d, not [0-9]: a date with other digits stays one
# item, so parse_date can say what is wrong with it

# A sentence ends at . ! or ? (optionally closing a quotation) before white space and a capital
# letter or an opening quote -- unless the full stop ends a known abbreviation, or we are inside
# a quotation (the critic's "... The Drive soundtrack is" must stay one sentence).
_ABBREVIATIONS = ("St.", "Mr.", "Mrs.", "Ms.", "Dr.", "Jr.", "Sr.", "vs.", "D.C.", "U.S.", "No.")
_BOUNDARY = re.compile(r"[.!?][\"”’)]?(?=\s+[\"“A-Z0-9])")

# Every line of the parser is read by hand or by a regex that cannot backtrack over its input
# (no lazy or greedy run followed by something the run could also match): parsing is linear in
# the length of each line, whatever the line holds (tests/test_robustness.py feeds 10^5-character
# lines of every kind).


def title_of(line: str) -> str | None:
    """``= Title =`` -> ``Title``; None for anything else (``== Heading ==`` included)."""
    text = line.strip()
    if len(text) < 3 or text[0] != "=" or text[-1] != "=":
        return None
    title = text[1:-1].strip()
    return title if title and title[0] != "=" else None


def heading_of(line: str) -> str | None:
    """``== Section ==`` (two to six ``=`` on each side, the same number) -> ``Section``."""
    lead = len(line) - len(line.lstrip("="))
    for level in range(min(lead, 6), 1, -1):
        if len(line) > 2 * level and line.endswith("=" * level):
            title = line[level:-level].strip()
            if title:
                return title
    return None


def caption_of(line: str) -> str | None:
    """``  - Caption**`` (indented) -> ``Caption``."""
    if not line[:1].isspace():
        return None
    text = line.lstrip()
    if not text.startswith("- ") or not text.endswith("**") or len(text) < 5:
        return None
    return text[2:-2].strip()


def field_of(line: str) -> tuple[str, str] | None:
    """``- Key: value`` -> (key, value); None when there is no key or no colon."""
    key, colon, value = line[2:].partition(":")
    if not line.startswith("- ") or not colon or not key:
        return None
    return key.strip(), value.strip()


def parse_article(text: str, source: str) -> Article:
    """Read the whole article; the first problem found is raised with its line."""
    return _Parser(text, source).parse()


class _Parser:
    def __init__(self, text: str, source: str) -> None:
        self.text, self.source = text, source
        self.lines = tuple(split_lines(text.removeprefix(BOM)))
        self.pos = 0  # index into lines

    def error(self, message: str, line: int | None = None) -> SourceError:
        return SourceError(message, source=self.source, line=line or self.pos + 1)

    # -- top level

    def parse(self) -> Article:
        title = self.title()
        infobox = self.infobox()
        section = ""
        paragraphs: list[Paragraph] = []
        tables: list[Table] = []
        while self.pos < len(self.lines):
            line = self.lines[self.pos]
            if not line.strip():
                self.pos += 1
            elif (heading := heading_of(line)) is not None:
                section = heading
                self.pos += 1
            elif caption_of(line) is not None or line.startswith("|"):
                tables.append(self.table(section))
            elif line.startswith("- ") or line.startswith("="):
                raise self.error(f"cannot read this line here: {clip(line.strip())}")
            else:
                paragraphs.append(self.paragraph(section))
        return Article(
            source=self.source,
            title=title,
            text=self.text,
            lines=self.lines,
            infobox=infobox,
            paragraphs=tuple(paragraphs),
            tables=tuple(tables),
        )

    def title(self) -> str:
        first = self.lines[0] if self.lines else ""
        title = title_of(first)
        if title is None:
            raise self.error("the article must start with a title line '= Title ='", line=1)
        self.pos = 1
        return title

    def skip_blank(self) -> None:
        while self.pos < len(self.lines) and not self.lines[self.pos].strip():
            self.pos += 1

    # -- infobox: a name line directly followed by "- Key: value" lines

    def infobox(self) -> Infobox | None:
        self.skip_blank()
        start = self.pos
        if start + 1 >= len(self.lines) or not self.lines[start + 1].startswith("- "):
            return None
        name = self.lines[start].strip()
        fields: list[InfoboxField] = []
        self.pos = start + 1
        while self.pos < len(self.lines) and self.lines[self.pos].startswith("- "):
            raw = self.lines[self.pos]
            key_value = field_of(raw)
            if key_value is None or not key_value[1]:
                raise self.error(f"infobox line is not '- Key: value': {clip(raw.strip())}")
            fields.append(InfoboxField(*key_value, self.pos + 1, raw.strip()))
            self.pos += 1
        seen: dict[str, int] = {}
        for field_ in fields:
            if field_.key in seen:
                raise self.error(
                    f"infobox field {clip(field_.key)} given twice "
                    f"(first on line {seen[field_.key]})",
                    line=field_.line,
                )
            seen[field_.key] = field_.line
        return Infobox(name=name, line=start + 1, fields=tuple(fields))

    # -- paragraphs: consecutive text lines

    def paragraph(self, section: str) -> Paragraph:
        start = self.pos
        parts: list[tuple[int, str]] = []
        while self.pos < len(self.lines):
            line = self.lines[self.pos]
            if not line.strip() or line.startswith(("|", "- ", "=")):
                break
            if caption_of(line) is not None:
                break
            parts.append((self.pos + 1, line.strip()))
            self.pos += 1
        text = " ".join(part for _, part in parts)
        return Paragraph(section, start + 1, text, tuple(_sentences(parts)))

    # -- tables

    def table(self, section: str) -> Table:
        caption_line: int | None = None
        if (caption := caption_of(self.lines[self.pos])) is not None:
            caption_line = self.pos + 1
            self.pos += 1
            self.skip_blank()
            if self.pos >= len(self.lines) or not self.lines[self.pos].startswith("|"):
                raise self.error("a table caption must be followed by a table", line=caption_line)
        header_line = self.pos + 1
        header_text = self.lines[self.pos].strip()
        header = self.cells(header_text)
        if any(not h for h in header[:-1]) or not header[0]:
            raise self.error("a table header needs a name for every column but the last")
        if len(set(header)) != len(header):
            raise self.error("a table header names the same column twice")
        self.pos += 1
        raw_rows: list[Row] = []
        while self.pos < len(self.lines) and self.lines[self.pos].startswith("|"):
            text = self.lines[self.pos].strip()
            cells = self.cells(text)
            if len(cells) != len(header):
                raise self.error(f"table row has {len(cells)} cells, expected {len(header)}")
            raw_rows.append(Row(self.pos + 1, text, cells))
            self.pos += 1
        if not raw_rows:
            raise self.error("a table needs at least one row under its header", line=header_line)
        if not header[-1]:  # the trailing empty column: nothing may be written in it
            for row in raw_rows:
                if row.cells[-1]:
                    raise self.error("a cell under an unnamed column is not empty", line=row.line)
            header = header[:-1]
            raw_rows = [Row(r.line, r.text, r.cells[:-1]) for r in raw_rows]
        rows = tuple(_mark_continuations(raw_rows))
        return Table(section, caption, caption_line, header, header_line, header_text, rows)

    def cells(self, text: str) -> tuple[str, ...]:
        if not (text.startswith("|") and text.endswith("|")) or len(text) < 2:
            raise self.error("a table row must start and end with '|'")
        return tuple(cell.strip() for cell in text[1:-1].split("|"))


def _mark_continuations(rows: Sequence[Row]) -> Iterable[Row]:
    """A row filling fewer than half the cells of the row above continues it (collapsed rowspan)."""
    previous: Row | None = None
    for row in rows:
        filled = sum(1 for cell in row.cells if cell)
        if previous is not None and filled > 0 and 2 * filled < sum(1 for c in previous.cells if c):
            row = Row(row.line, row.text, row.cells, continues=previous.line)
        yield row
        previous = row if row.continues is None else previous


def fill_down(table: Table, own_columns: Sequence[str], *, source: str) -> list[FilledRow]:
    """Resolve every row to a full header -> value mapping.

    A continuation row holds, in order, the cells of the columns that were *not* spanned
    (``own_columns``, a property of the kind of table); every other column is filled down from the
    row it continues, and ``FilledRow.filled`` records where each filled value came from so the
    evidence can show it.
    """
    by_line: dict[int, FilledRow] = {}
    result: list[FilledRow] = []
    own = [c for c in table.header if c in own_columns]
    for row in table.rows:
        if row.continues is None:
            filled = FilledRow(row.line, row.text, dict(zip(table.header, row.cells, strict=True)))
        else:
            above = by_line[row.continues]
            cells = dict(above.cells)
            given = list(row.cells)
            for column in own:
                cells[column] = given.pop(0) if given else ""
            if any(given):
                raise SourceError(
                    f"continuation row has more cells than the columns {own} it can hold",
                    source=source,
                    line=row.line,
                )
            sources = {c: above.filled.get(c, above.line) for c in table.header if c not in own}
            filled = FilledRow(row.line, row.text, cells, sources)
        by_line[row.line] = filled
        result.append(filled)
    return result


def _sentences(parts: Sequence[tuple[int, str]]) -> Iterable[Sentence]:
    for line, text in parts:
        start = 0
        quotes = 0  # straight double quotes since the sentence started; odd: inside a quotation
        counted = 0
        for match in _BOUNDARY.finditer(text):
            quotes += text.count('"', counted, match.end())
            counted = match.end()
            if quotes % 2 == 1 or text.endswith(_ABBREVIATIONS, 0, match.start() + 1):
                continue
            end = match.end()
            yield Sentence(text[start:end].strip(), line)
            start, quotes = end, 0
        if text[start:].strip():
            yield Sentence(text[start:].strip(), line)


def _normalize(text: str) -> str:
    return " ".join(text.split())


class Prose:
    """The article's paragraphs with white space folded, to find quotes in (built once).

    A quote is found verbatim inside one paragraph (white space inside it may be any run of
    spaces); its evidence is the span of whole sentences that contains it. Occurrences are
    counted left to right through the article and do not overlap (as "find next" counts them).
    """

    def __init__(self, article: Article) -> None:
        self.paragraphs: list[tuple[str, list[int], list[Sentence]]] = []
        for paragraph in article.paragraphs:
            pieces, ends = [], []
            length = -1
            for sentence in paragraph.sentences:
                piece = _normalize(sentence.text)
                pieces.append(piece)
                length += 1 + len(piece)
                ends.append(length)
            self.paragraphs.append((" ".join(pieces), ends, list(paragraph.sentences)))

    def count(self, quote: str) -> int:
        wanted = _normalize(quote)
        return sum(text.count(wanted) for text, _, _ in self.paragraphs) if wanted else 0

    def find(self, quote: str, limit: int) -> list[Evidence]:
        """The first ``limit`` occurrences of ``quote``, each as the sentences that contain it."""
        wanted = _normalize(quote)
        found: list[Evidence] = []
        if not wanted:
            return found
        for text, ends, sentences in self.paragraphs:
            at = text.find(wanted)
            while at >= 0 and len(found) < limit:
                end = at + len(wanted)
                first = bisect.bisect_right(ends, at)  # the sentence the quote starts in
                last = bisect.bisect_left(ends, end)  # ... and the one it ends in
                covering = sentences[first : last + 1]
                found.append(Evidence(covering[0].line, " ".join(s.text for s in covering)))
                at = text.find(wanted, end)
            if len(found) >= limit:
                break
        return found


def locate(article: Article, quote: str) -> Evidence | None:
    """The sentence span of the prose that contains the first occurrence of ``quote``."""
    found = Prose(article).find(quote, 1)
    return found[0] if found else None


def split_items(value: str) -> list[tuple[str, str | None]]:
    """``57:16 (standard), 78:02 (deluxe)`` -> [("57:16", "standard"), ("78:02", "deluxe")].

    Commas inside parentheses, and the comma of a date ("September 19, 2011"), do not split.
    """
    items: list[str] = []
    depth, start = 0, 0
    for at, char in enumerate(value):
        if char in "()":
            depth += 1 if char == "(" else -1
        elif char == "," and depth == 0 and not _YEAR_FOLLOWS.match(value, at + 1):
            items.append(value[start:at])
            start = at + 1
    items.append(value[start:])
    result: list[tuple[str, str | None]] = []
    for item in (i.strip() for i in items):
        if not item:
            continue
        result.append(_qualified(item))
    return result


def _qualified(item: str) -> tuple[str, str | None]:
    """``78:02 (deluxe)`` -> ("78:02", "deluxe"): a last parenthesis with no parenthesis inside."""
    if item.endswith(")"):
        opening = item.rfind("(")
        value, qualifier = item[:opening].rstrip(), item[opening + 1 : -1]
        if opening >= 0 and value and ")" not in qualifier:
            return value, qualifier.strip()
    return item, None
