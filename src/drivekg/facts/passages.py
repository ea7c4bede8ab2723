"""Evidence -> passages: each sentence, table row and infobox line of an article once.

A ``Passage`` is where a reader finds a fact: its character offsets in the article text (what a
W3C Web Annotation ``TextPositionSelector`` counts), its exact text (a ``TextQuoteSelector``, with
prefix and suffix only when the text occurs twice), and a Text Fragment directive
(https://wicg.github.io/scroll-to-text-fragment/) that highlights it in the published page.

A fact's ``Evidence`` is a sentence span (a claim's quote may cover several sentences: one passage
each), a table row (and, for a filled-down cell, the row the value came from), an infobox line, a
caption or a table header. Passages never overlap, so no text is stored twice.

The fragment is computed against how the article renders: an infobox line is two blocks (key and
value), a table cell is a block, a paragraph line is a block. Browsers match a directive
case-insensitively, word-bounded, each term inside one block, and take the first match; the
directive chosen here has exactly one match in the article, inside the passage, so the first match
is the passage. Long sentences use the ``textStart,textEnd`` form with a few words on each side.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from urllib.parse import quote

from drivekg.iris import digest
from drivekg.records import Article, Evidence, Passage
from drivekg.source.article import field_of, heading_of, title_of

__all__ = ["Passages", "directive_url"]

_LINE_END = re.compile(r"\r\n|\r|\n")
_LONG = 8  # a term of more words than this is shortened to its first and last words
_MOST_WORDS = 12  # a shortened term keeps at most this many words at each end
_CONTEXT = 8  # TextQuoteSelector prefix/suffix grow by this many characters until unique


@dataclass(frozen=True)
class _Block:
    start: int
    end: int


@dataclass(frozen=True)
class _Unit:
    """A citable part of the article and the blocks it renders as."""

    start: int
    end: int
    line: int
    blocks: tuple[_Block, ...]
    kind: str  # sentence, row, field, text
    continues: int | None = None


class Passages:
    """The passages of one article; ``of(evidence)`` names those a fact cites."""

    def __init__(self, article: Article, source_key: str) -> None:
        self.article = article
        self.text = article.text
        self.prefix_key = "passage/" + source_key.removeprefix("article/")
        # where each line starts; lines end at LF, CRLF or CR only, as the parser counts them
        self._offsets = [0, *(m.end() for m in _LINE_END.finditer(self.text))]
        self._blocks: list[_Block] = []
        self._units: dict[tuple[int, str], _Unit] = {}
        self._rows: dict[int, _Unit] = {}
        self._sentences: dict[int, list[tuple[int, str, _Unit]]] = {}  # paragraph line -> run
        self._index()
        self._blocks.sort(key=lambda b: b.start)
        self._position = {id(block): i for i, block in enumerate(self._blocks)}
        self._made: dict[_Unit, Passage] = {}

    # ------------------------------------------------------------------ the article's parts

    def _span(self, line: int, part: str, after: int = 0) -> tuple[int, int]:
        """Offsets of ``part`` on ``line`` (1-based), searching from column ``after``."""
        raw = self.article.lines[line - 1]
        column = raw.index(part, after)
        start = self._offsets[line - 1] + column
        return start, start + len(part)

    def _block(self, start: int, end: int) -> _Block:
        block = _Block(start, end)
        self._blocks.append(block)
        return block

    def _add(self, line: int, text: str, unit: _Unit) -> None:
        self._units.setdefault((line, text), unit)

    def _index(self) -> None:
        article = self.article
        for number, raw in enumerate(article.lines, 1):
            heading = heading_of(raw.strip()) or title_of(raw)
            if heading:
                self._block(*self._span(number, heading))
        if article.infobox is not None:
            box = article.infobox
            start, end = self._span(box.line, box.name)
            self._add(
                box.line, box.name, _Unit(start, end, box.line, (self._block(start, end),), "text")
            )
            for field in box.fields:
                parts = field_of(article.lines[field.line - 1].strip())
                assert parts is not None  # the parser read this line as a field
                key = self._block(*self._span(field.line, parts[0]))
                value = self._block(
                    *self._span(field.line, parts[1], key.end - self._offsets[field.line - 1])
                )
                start, end = self._span(field.line, field.text)
                self._add(
                    field.line, field.text, _Unit(start, end, field.line, (key, value), "field")
                )
        for paragraph in article.paragraphs:
            run: list[tuple[int, str, _Unit]] = []
            columns: dict[int, int] = {}
            lines = sorted({s.line for s in paragraph.sentences})
            for number in lines:
                self._block(*self._span(number, article.lines[number - 1].strip()))
            for sentence in paragraph.sentences:
                start, end = self._span(sentence.line, sentence.text, columns.get(sentence.line, 0))
                columns[sentence.line] = end - self._offsets[sentence.line - 1]
                line_block = self._line_block(sentence.line)
                unit = _Unit(start, end, sentence.line, (line_block,), "sentence")
                self._add(sentence.line, sentence.text, unit)
                run.append((sentence.line, sentence.text, unit))
            self._sentences[paragraph.line] = run
        for table in article.tables:
            if table.caption is not None and table.caption_line is not None:
                start, end = self._span(table.caption_line, table.caption)
                unit = _Unit(start, end, table.caption_line, (self._block(start, end),), "text")
                self._add(table.caption_line, table.caption, unit)
            header = self._row_unit(table.header_line, table.header_text, None)
            self._add(table.header_line, table.header_text, header)
            for row in table.rows:
                unit = self._row_unit(row.line, row.text, row.continues)
                self._add(row.line, row.text, unit)
                self._rows[row.line] = unit

    def _line_block(self, line: int) -> _Block:
        start = self._offsets[line - 1]
        end = start + len(self.article.lines[line - 1])
        return next(b for b in self._blocks if start <= b.start and b.end <= end)

    def _row_unit(self, line: int, text: str, continues: int | None) -> _Unit:
        start, end = self._span(line, text)
        blocks = []
        at = start + 1  # after the opening "|"
        for cell in text[1:-1].split("|"):
            stripped = cell.strip()
            if stripped:
                cell_start = at + cell.index(stripped)
                blocks.append(self._block(cell_start, cell_start + len(stripped)))
            at += len(cell) + 1
        return _Unit(start, end, line, tuple(blocks), "row", continues)

    # ------------------------------------------------------------------ evidence -> passages

    def of(self, evidence: Evidence) -> tuple[Passage, ...]:
        """The passages a fact's evidence names (one per sentence, row or line)."""
        unit = self._units.get((evidence.line, evidence.text))
        units = [unit] if unit is not None else self._sentence_run(evidence)
        if evidence.filled_from is not None:
            units.append(self._rows[evidence.filled_from])
        return tuple(self._passage(u) for u in units)

    def _sentence_run(self, evidence: Evidence) -> list[_Unit]:
        """The sentences a multi-sentence span covers, in order."""
        for run in self._sentences.values():
            for i, (line, text, _) in enumerate(run):
                if line != evidence.line or not evidence.text.startswith(text):
                    continue
                joined = ""
                for j in range(i, len(run)):
                    joined = f"{joined} {run[j][1]}" if joined else run[j][1]
                    if joined == evidence.text:
                        return [u for _, _, u in run[i : j + 1]]
        raise ValueError(f"no passage of the article is {evidence.text!r} (line {evidence.line})")

    def _passage(self, unit: _Unit) -> Passage:
        if unit not in self._made:
            exact = self.text[unit.start : unit.end]
            twins = sorted(
                u.start for u in set(self._units.values()) if self.text[u.start : u.end] == exact
            )
            key = f"{self.prefix_key}/{digest(exact, str(twins.index(unit.start)))}"
            prefix, suffix = self._context(unit) if self.text.count(exact) > 1 else (None, None)
            self._made[unit] = Passage(
                start=unit.start,
                end=unit.end,
                line=unit.line,
                exact=exact,
                key=key,
                fragment=self._fragment(unit),
                prefix=prefix,
                suffix=suffix,
                continues=unit.continues,
            )
        return self._made[unit]

    def _context(self, unit: _Unit) -> tuple[str, str]:
        """TextQuoteSelector prefix and suffix: the shortest that make the quote unique."""
        size = _CONTEXT
        while True:
            before = self.text[max(0, unit.start - size) : unit.start]
            after = self.text[unit.end : unit.end + size]
            if self.text.count(before + self.text[unit.start : unit.end] + after) == 1 or (
                unit.start - size <= 0 and unit.end + size >= len(self.text)
            ):
                return before, after
            size += _CONTEXT

    # ------------------------------------------------------------------ Text Fragments

    def _fragment(self, unit: _Unit) -> str:
        """A ``text=`` directive whose only match in the article lies in the passage."""
        candidates = list(self._candidates(unit))
        for parts in candidates:
            ranges = self._matches(*parts)
            if len(ranges) == 1 and unit.start <= ranges[0][0] and ranges[0][1] <= unit.end:
                return _directive(*parts)
        return _directive(*candidates[0])  # several matches: the first may still be right

    def _candidates(self, unit: _Unit) -> list[tuple[str | None, str, str | None, str | None]]:
        text = self.text
        blocks = unit.blocks
        found: list[tuple[str | None, str, str | None, str | None]] = []
        if unit.kind == "field":
            key, value = (text[b.start : b.end] for b in blocks)
            for start, end in _shortened(value):
                found += [(None, start, end, None), (key, start, end, None)]
            return found
        if unit.kind == "sentence":
            spans = _shortened(_trimmed(text[unit.start : unit.end]))
        elif unit.kind == "row":
            first, last = (text[b.start : b.end] for b in (blocks[0], blocks[-1]))
            spans = [(first, _trimmed(last) if len(blocks) > 1 else None)]
        else:
            spans = _shortened(_trimmed(text[unit.start : unit.end]))
        before, after = self._neighbours(unit)
        for context in ((None, None), (before, None), (None, after), (before, after)):
            found += [(context[0], start, end, context[1]) for start, end in spans]
        return found

    def _neighbours(self, unit: _Unit) -> tuple[str | None, str | None]:
        """Up to three words before and after the unit, from its own or the next block."""
        index = self._position[id(unit.blocks[0])]
        first, last = unit.blocks[0], unit.blocks[-1]
        before_text = (
            self.text[first.start : unit.start]
            if unit.start > first.start
            else (
                self.text[self._blocks[index - 1].start : self._blocks[index - 1].end]
                if index > 0
                else ""
            )
        )
        after_index = self._position[id(last)]
        after_text = (
            self.text[unit.end : last.end]
            if unit.end < last.end
            else (
                self.text[self._blocks[after_index + 1].start : self._blocks[after_index + 1].end]
                if after_index + 1 < len(self._blocks)
                else ""
            )
        )
        before = " ".join(_words(before_text)[-3:]) or None
        after = " ".join(_words(after_text)[:3]) or None
        return before, after

    def _occurrences(self, term: str) -> list[tuple[int, int, _Block]]:
        pattern = re.compile(
            (r"(?<!\w)" if term[:1].isalnum() else "")
            + re.escape(term)
            + (r"(?!\w)" if term[-1:].isalnum() else ""),
            re.IGNORECASE,
        )
        found = []
        for block in self._blocks:
            for match in pattern.finditer(self.text, block.start, block.end):
                found.append((match.start(), match.end(), block))
        return found

    def _matches(
        self, prefix: str | None, start: str, end: str | None, suffix: str | None
    ) -> list[tuple[int, int]]:
        """Every range the directive selects (spec semantics, simplified to blocks).

        Each term's occurrences are found once; prefix and suffix adjacency is a set lookup and
        the end term's next occurrence a binary search, so the cost stays linear in the text.
        """
        ranges = set()
        ends = self._occurrences(end) if end else []
        end_starts = [e[0] for e in ends]  # sorted: occurrences come in text order
        before = self._touching(self._occurrences(prefix), after=True) if prefix else None
        after = self._touching(self._occurrences(suffix), after=False) if suffix else None
        for s_start, s_end, block in self._occurrences(start):
            if before is not None and not self._touches(before, s_start, block, left=True):
                continue
            r_end, r_block = s_end, block
            if end:
                at = bisect_left(end_starts, s_end)
                if at == len(ends):
                    continue
                _, r_end, r_block = ends[at]
            if after is not None and not self._touches(after, r_end, r_block, left=False):
                continue
            ranges.add((s_start, r_end))
        return sorted(ranges)

    def _touching(
        self, found: list[tuple[int, int, _Block]], *, after: bool
    ) -> tuple[set[int], set[int]]:
        """Where a neighbour term may meet another: its end (prefix) or start (suffix) offsets,
        and the blocks it reaches the end (prefix) or start (suffix) of with only white space."""
        offsets: set[int] = set()
        blocks: set[int] = set()
        for m_start, m_end, block in found:
            offsets.add(m_end if after else m_start)
            rest = self.text[m_end : block.end] if after else self.text[block.start : m_start]
            if not rest.strip():
                blocks.add(self._position[id(block)])
        return offsets, blocks

    def _touches(
        self, neighbour: tuple[set[int], set[int]], at: int, block: _Block, *, left: bool
    ) -> bool:
        """Only white space (or a block boundary) between ``at`` and a neighbour term."""
        offsets, blocks = neighbour
        text = self.text
        if left:
            q = at
            while q > block.start and text[q - 1].isspace():
                q -= 1
            if q > block.start:
                return q in offsets
            return self._position[id(block)] - 1 in blocks
        q = at
        while q < block.end and text[q].isspace():
            q += 1
        if q < block.end:
            return q in offsets
        return self._position[id(block)] + 1 in blocks


def _words(text: str) -> list[str]:
    return text.split()


def _trimmed(text: str) -> str:
    """Without closing punctuation: the live page may follow it with a reference mark."""
    return text.rstrip(".,;:!?") or text


def _shortened(text: str) -> list[tuple[str, str | None]]:
    """The whole text, else its first and last k words (k = 3, 4, … 12)."""
    words = text.split()
    if len(words) <= _LONG:
        return [(text, None)]
    spans: list[tuple[str, str | None]] = [  # a handful of lengths: linear in the text
        (" ".join(words[:k]), " ".join(words[-k:]))
        for k in range(3, min(len(words) // 2, _MOST_WORDS) + 1)
    ]
    return [*spans, (text, None)]


def _encode(term: str) -> str:
    """Percent-encoded as the Text Fragments syntax requires (``-``, ``,`` and ``&`` too)."""
    return quote(term, safe="").replace("-", "%2D")


def _directive(prefix: str | None, start: str, end: str | None, suffix: str | None) -> str:
    parts = ([f"{_encode(prefix)}-"] if prefix else []) + [_encode(start)]
    parts += [_encode(end)] if end else []
    parts += [f"-{_encode(suffix)}"] if suffix else []
    return "text=" + ",".join(parts)


def directive_url(url: str, fragment: str) -> str:
    """The article URL with a text directive (any fragment of the URL itself is dropped)."""
    return f"{url.split('#', 1)[0]}#:~:{fragment}"
