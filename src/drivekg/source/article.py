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

_TITLE = re.compile(r"^=\s*(?P<title>[^=].*?)\s*=$")
_HEADING = re.compile(r"^(?P<level>={2,6})\s*(?P<title>.+?)\s*(?P=level)$")
_FIELD = re.compile(r"^- (?P<key>[^:]+?):\s*(?P<value>.*)$")
_CAPTION = re.compile(r"^\s+- (?P<caption>.+?)\*\*$")
_YEAR_FOLLOWS = re.compile(r"\s*\d{4}\b")
_QUALIFIED = re.compile(r"^(?P<value>.*?)\s*\((?P<qualifier>[^()]*)\)$")

# A sentence ends at . ! or ? (optionally closing a quotation) before white space and a capital
# letter or an opening quote -- unless the full stop ends a known abbreviation, or we are inside
# a quotation (the critic's "... The Drive soundtrack is" must stay one sentence).
_ABBREVIATIONS = ("St.", "Mr.", "Mrs.", "Ms.", "Dr.", "Jr.", "Sr.", "vs.", "D.C.", "U.S.", "No.")
_BOUNDARY = re.compile(r"[.!?][\"”’)]?(?=\s+[\"“A-Z0-9])")


def parse_article(text: str, source: str) -> Article:
    """Read the whole article; the first problem found is raised with its line."""
    return _Parser(text, source).parse()


class _Parser:
    def __init__(self, text: str, source: str) -> None:
        self.text, self.source = text, source
        self.lines = tuple(text.splitlines())
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
            elif heading := _HEADING.match(line):
                section = heading["title"]
                self.pos += 1
            elif _CAPTION.match(line) or line.startswith("|"):
                tables.append(self.table(section))
            elif line.startswith("- ") or line.startswith("="):
                raise self.error(f"cannot read this line here: {line.strip()[:60]!r}")
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
        match = _TITLE.match(first.strip())
        if not match or _HEADING.match(first.strip()):
            raise self.error("the article must start with a title line '= Title ='", line=1)
        self.pos = 1
        return match["title"]

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
            match = _FIELD.match(raw.rstrip())
            if not match or not match["value"].strip():
                raise self.error(f"infobox line is not '- Key: value': {raw.strip()!r}")
            fields.append(
                InfoboxField(
                    match["key"].strip(), match["value"].strip(), self.pos + 1, raw.strip()
                )
            )
            self.pos += 1
        seen: dict[str, int] = {}
        for field_ in fields:
            if field_.key in seen:
                raise self.error(
                    f"infobox field {field_.key!r} given twice (first on line {seen[field_.key]})",
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
            if not line.strip() or line.startswith(("|", "- ", "=")) or _CAPTION.match(line):
                break
            parts.append((self.pos + 1, line.strip()))
            self.pos += 1
        text = " ".join(part for _, part in parts)
        return Paragraph(section, start + 1, text, tuple(_sentences(parts)))

    # -- tables

    def table(self, section: str) -> Table:
        caption = caption_line = None
        if match := _CAPTION.match(self.lines[self.pos]):
            caption, caption_line = match["caption"].strip(), self.pos + 1
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
        quoted = False
        for match in _BOUNDARY.finditer(text):
            # inside an open quotation (odd number of straight double quotes so far) no boundary
            quoted = text.count('"', start, match.end()) % 2 == 1
            if quoted or text[: match.start() + 1].endswith(_ABBREVIATIONS):
                continue
            end = match.end()
            yield Sentence(text[start:end].strip(), line)
            start = end
        if text[start:].strip():
            yield Sentence(text[start:].strip(), line)


def _normalize(text: str) -> str:
    return " ".join(text.split())


def locate(article: Article, quote: str) -> Evidence | None:
    """The sentence span of the prose that contains ``quote`` verbatim (white space folded)."""
    wanted = _normalize(quote)
    if not wanted:
        return None
    for paragraph in article.paragraphs:
        offset = 0
        spans: list[tuple[int, int, Sentence]] = []
        text = ""
        for sentence in paragraph.sentences:
            piece = _normalize(sentence.text)
            start = offset + (1 if text else 0)
            text = f"{text} {piece}" if text else piece
            spans.append((start, start + len(piece), sentence))
            offset = len(text)
        at = text.find(wanted)
        if at < 0:
            continue
        end = at + len(wanted)
        covering = [s for (a, b, s) in spans if a < end and b > at]
        return Evidence(line=covering[0].line, text=" ".join(s.text for s in covering))
    return None


def split_items(value: str) -> list[tuple[str, str | None]]:
    """``57:16 (standard), 78:02 (deluxe)`` -> [("57:16", "standard"), ("78:02", "deluxe")].

    Commas inside parentheses, and the comma of a date ("September 19, 2011"), do not split.
    """
    items: list[str] = []
    depth, current = 0, ""
    for at, char in enumerate(value):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == "," and depth == 0 and not _YEAR_FOLLOWS.match(value, at + 1):
            items.append(current)
            current = ""
        else:
            current += char
    items.append(current)
    result: list[tuple[str, str | None]] = []
    for item in (i.strip() for i in items):
        if not item:
            continue
        match = _QUALIFIED.match(item)
        if match and match["value"]:
            result.append((match["value"], match["qualifier"].strip()))
        else:
            result.append((item, None))
    return result
