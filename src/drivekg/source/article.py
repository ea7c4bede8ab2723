"""Article text -> ``Article`` record. Generic for this format, not for one article.

The format::

    = Title =

    Infobox name
    - Key: value, value (qualifier), value
    Lead paragraph. Sentences.

    == Section ==
    Paragraph, possibly over several lines.
    - A bullet
      - A nested bullet
    1. A numbered line

      - Optional table caption**

    | Optional title row | | |
    | Header | Header | |
    | cell | cell | |

Headings have two to six ``=`` on each side, with or without spaces inside. A line the parser
cannot place (a heading cut short, a table row that is not one) is a ``NotRead`` record of the
article, listed in the build report; only what is not an article at all (no title line) raises
``SourceError`` ("article.txt:LINE: what is wrong").
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Sequence

from drivekg.errors import SourceError
from drivekg.records import (
    Article,
    Evidence,
    Infobox,
    InfoboxField,
    ListItem,
    NotRead,
    Paragraph,
    Row,
    Sentence,
    Table,
)
from drivekg.text import BOM, split_lines

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


def item_of(line: str) -> tuple[int, int | None, str] | None:
    """``- text`` / ``  - text`` (a bullet, nested by its indent) or ``1. text`` (numbered) ->
    (depth, number or None, text); None for any other line (a table caption included)."""
    text = line.lstrip(" ")
    depth = (len(line) - len(text)) // 2
    if text.startswith("- ") and text[2:].strip():
        return None if caption_of(line) is not None else (depth, None, text[2:].strip())
    digits = len(text) - len(text.lstrip("0123456789"))
    if 0 < digits <= 4 and text[digits : digits + 2] == ". " and text[digits + 2 :].strip():
        return depth, int(text[:digits]), text[digits + 2 :].strip()
    return None


def parse_article(text: str, source: str) -> Article:
    """Read the whole article; the first problem found is raised with its line."""
    return _Parser(text, source).parse()


class _Parser:
    def __init__(self, text: str, source: str) -> None:
        self.text, self.source = text, source
        self.lines = tuple(split_lines(text.removeprefix(BOM)))
        self.pos = 0  # index into lines
        self.not_read: list[NotRead] = []
        self.items: list[ListItem] = []

    def skip(self, reason: str, line: int | None = None) -> None:
        """Leave a line unread, saying why (and go on)."""
        number = line or self.pos + 1
        self.not_read.append(NotRead(number, self.lines[number - 1].strip(), reason))

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
            elif (heading := heading_of(line.strip())) is not None:
                section = heading
                self.pos += 1
            elif line.startswith("="):
                self.skip("a heading cut short, or a title line inside the article")
                self.pos += 1
            elif caption_of(line) is not None or line.startswith("|"):
                if (table := self.table(section)) is not None:
                    tables.append(table)
            elif (item := item_of(line)) is not None:
                paragraphs.append(self.item(section, *item))
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
            items=tuple(self.items),
            not_read=tuple(self.not_read),
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
        if heading_of(name) is not None or name.startswith(("|", "- ", "=")):
            return None  # a heading or a table before a list: the article has no infobox
        fields: list[InfoboxField] = []
        self.pos = start + 1
        seen: dict[str, int] = {}
        while self.pos < len(self.lines) and self.lines[self.pos].startswith("- "):
            raw = self.lines[self.pos]
            key_value = field_of(raw)
            if key_value is None or not key_value[1]:
                self.skip("an infobox line that is not '- Key: value'")
            elif key_value[0] in seen:
                self.skip(f"an infobox field given twice (first on line {seen[key_value[0]]})")
            else:
                seen[key_value[0]] = self.pos + 1
                fields.append(InfoboxField(*key_value, self.pos + 1, raw.strip()))
            self.pos += 1
        return Infobox(name=name, line=start + 1, fields=tuple(fields))

    # -- paragraphs: consecutive text lines

    def paragraph(self, section: str) -> Paragraph:
        start = self.pos
        parts: list[tuple[int, str]] = []
        while self.pos < len(self.lines):
            line = self.lines[self.pos]
            if not line.strip() or line.startswith(("|", "- ", "=")):
                break
            if caption_of(line) is not None or item_of(line) is not None:
                break
            parts.append((self.pos + 1, line.strip()))
            self.pos += 1
        text = " ".join(part for _, part in parts)
        return Paragraph(section, start + 1, text, tuple(_sentences(parts)))

    # -- list items: a line each, a paragraph of one sentence (quotable as prose)

    def item(self, section: str, depth: int, number: int | None, text: str) -> Paragraph:
        line = self.lines[self.pos].strip()
        self.items.append(ListItem(section, self.pos + 1, depth, number, text))
        self.pos += 1
        return Paragraph(section, self.pos, line, (Sentence(line, self.pos),))

    # -- tables

    def table(self, section: str) -> Table | None:
        """A table (None when there is none to read, its lines then reported as not read).

        The text format keeps a table's shape loosely: a title flattened into a first row of one
        cell (``| Awards | | |``) is the caption; a trailing column with no name, and cells a row
        leaves off at its end, are empty; a row with more written cells than the header has
        columns, or that is not a row, is not read.
        """
        caption_line: int | None = None
        if (caption := caption_of(self.lines[self.pos])) is not None:
            caption_line = self.pos + 1
            self.pos += 1
            self.skip_blank()
            if self.pos >= len(self.lines) or not self.lines[self.pos].startswith("|"):
                self.skip("a table caption with no table after it", line=caption_line)
                return None
        written: list[tuple[int, str, tuple[str, ...]]] = []
        while self.pos < len(self.lines) and self.lines[self.pos].startswith("|"):
            text = self.lines[self.pos].strip()
            if len(text) < 2 or not text.endswith("|"):
                self.skip("a table row that does not end with '|'")
            else:
                cells = tuple(c.strip() for c in text[1:-1].split("|"))
                written.append((self.pos + 1, text, cells))
            self.pos += 1
        if written and len(written) > 1 and _title_row(written[0][2], written[1][2]):
            line, _, cells = written.pop(0)
            if caption is None:
                caption, caption_line = cells[0], line
            else:
                self.skip("a title row under the table's caption", line=line)
        if not written:
            return None
        header_line, header_text, header = written[0]
        while header and not header[-1]:  # a trailing column with no name
            header = header[:-1]
        if len(written) == 1 or not header:
            self.skip("a table header with no rows under it", line=header_line)
            return None
        raw_rows: list[Row] = []
        for line, text, cells in written[1:]:
            if any(cells[len(header) :]):
                self.skip("a table row with more cells than its header has columns", line=line)
                continue
            cells = (cells + ("",) * len(header))[: len(header)]
            raw_rows.append(Row(line, text, cells))
        rows = tuple(_mark_continuations(raw_rows))
        return Table(section, caption, caption_line, header, header_line, header_text, rows)


def _title_row(first: tuple[str, ...], second: tuple[str, ...]) -> bool:
    """A row of one written cell, first, above a row of several: a flattened table title."""
    return bool(first[0]) and not any(first[1:]) and sum(1 for c in second if c) > 1


def _mark_continuations(rows: Sequence[Row]) -> Iterable[Row]:
    """A row whose written cells all come first, at least two fewer than the row above has,
    continues that row (a collapsed rowspan: its cells were shifted left). ``facts.rows`` lines
    its cells up under their columns."""
    previous: Row | None = None
    for row in rows:
        filled = sum(1 for cell in row.cells if cell)
        shifted = filled > 0 and not any(row.cells[filled:])
        if previous is not None and shifted and filled + 2 <= sum(1 for c in previous.cells if c):
            row = Row(row.line, row.text, row.cells, continues=previous.line)
        yield row
        previous = row if row.continues is None else previous


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
