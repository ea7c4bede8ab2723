"""A table's kind and its rows lined up under their columns, by the conventions.

``recognise`` finds the table kind of ``conventions.toml`` whose required columns the header
names (each column has its spellings: "Recipient(s) and nominee(s)", "Nominee", "Work").

``align`` gives every row a value per column. The text format drops rowspans: a row that
continues the one above holds only its own cells, shifted to the left (``| Best Score | Won | |
| |``). Such a row is lined up by what each column can hold (a result word only under Result, a
date only under a date column, text not under either), preferring the columns a continuation row
gives (those the kind does not fill down), then the columns furthest right; the columns it leaves
empty that the kind fills down (``fill``: Award, Date, Nominee) take the value of the row above,
and the evidence says from which line. A row that cannot be lined up is reported as not read.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass

from drivekg.records import FilledRow, NotRead, Row, Table
from drivekg.source.conventions import Column, Conventions, TableKind, fold
from drivekg.source.grammar import BadValue, NotThisGrammar, parse_length, parse_when

__all__ = ["Recognised", "align", "recognise"]

MAX_CELLS = 6  # a continuation row with more cells than this is not lined up (combinations)


@dataclass(frozen=True)
class Recognised:
    kind: TableKind
    headers: dict[str, str]  # column key -> the header cell as written

    def column(self, key: str) -> Column:
        return next(c for c in self.kind.columns if c.key == key)


_TRAILING_PARENTHESIS = re.compile(r" ?\([^()]*\)$")


def _spelled(header: str) -> set[str]:
    folded = fold(header)
    return {folded, fold(_TRAILING_PARENTHESIS.sub("", header))}


def recognise(table: Table, c: Conventions) -> Recognised | None:
    """The kind whose required columns the header names (most columns named wins)."""
    best: Recognised | None = None
    for kind in c.tables:
        headers: dict[str, str] = {}
        for header in table.header:
            spellings = _spelled(header)
            column = next(
                (
                    col
                    for col in kind.columns
                    if col.key not in headers and spellings & set(col.names)
                ),
                None,
            )
            if column is not None:
                headers[column.key] = header
        if all(r in headers for r in kind.required) and (
            best is None or len(headers) > len(best.headers)
        ):
            best = Recognised(kind, headers)
    return best


# --------------------------------------------------------------------------- what a cell holds


def _is_date(text: str) -> bool:
    try:
        parse_when(text)
    except (NotThisGrammar, BadValue):
        return False
    return True


def _is_number(text: str) -> bool:
    return bool(re.fullmatch(r"[0-9][0-9,. ]*[*^†‡]*|—|–|-", text))


def _is_length(text: str) -> bool:
    try:
        parse_length(text)
    except (NotThisGrammar, BadValue):
        return False
    return True


def _fits(c: Conventions) -> dict[str, Callable[[str], bool]]:
    results = set(c.results)

    def text(cell: str) -> bool:
        return fold(cell) not in results and not _is_date(cell)

    return {
        "text": text,
        "names": text,
        "date": _is_date,
        "year": lambda cell: bool(re.fullmatch(r"[0-9]{4}", cell)),
        "number": _is_number,
        "result": lambda cell: fold(cell) in results,
        "length": _is_length,
    }


# ------------------------------------------------------------------------------------- aligning


def _shifted(row: Row) -> tuple[str, ...] | None:
    """The cells of a row whose filled cells all come first (a shifted row), else None."""
    filled = [cell for cell in row.cells if cell]
    if not filled or any(row.cells[len(filled) :]) or len(filled) == len(row.cells):
        return None
    return tuple(filled)


def align(table: Table, found: Recognised, c: Conventions) -> tuple[list[FilledRow], list[NotRead]]:
    """Every row with a value per column key; rows that cannot be lined up as not read."""
    fits = _fits(c)
    keys = {header: key for key, header in found.headers.items()}
    order = [keys.get(h) for h in table.header]  # column key of each position (None: unknown)
    kind = found.kind
    rows: list[FilledRow] = []
    skipped: list[NotRead] = []
    above: FilledRow | None = None
    for row in table.rows:
        for header, key, cell in zip(table.header, order, row.cells, strict=False):
            if key is None and cell:  # a column the kind does not read: say so, cell by cell
                reason = f"a cell under {header!r}, a column {kind.key} tables are not read for"
                skipped.append(NotRead(row.line, cell, reason))
        as_written = {k: cell for k, cell in zip(order, row.cells, strict=False) if k is not None}
        shifted = _shifted(row)
        complete = all(
            as_written.get(k) or found.column(k).holds == "result" for k in kind.required
        )
        if complete or above is None or shifted is None:
            filled = FilledRow(row.line, row.text, as_written)
            rows.append(filled)
            above = filled
            continue
        placed = _place(shifted, [k for k in order if k is not None], found, fits)
        if placed is None:
            reason = "a row that continues the one above, whose cells fit no column order"
            skipped.append(NotRead(row.line, row.text, reason))
            continue
        cells: dict[str, str] = {}
        sources: dict[str, int] = {}
        for key in (k for k in order if k is not None):
            if key in placed:
                cells[key] = placed[key]
            elif key in kind.fill:
                cells[key] = above.cells.get(key, "")
                sources[key] = above.filled.get(key, above.line)
            else:
                cells[key] = ""
        rows.append(FilledRow(row.line, row.text, cells, sources))
    return rows, skipped


def _place(
    cells: tuple[str, ...],
    columns: list[str],
    found: Recognised,
    fits: dict[str, Callable[[str], bool]],
) -> dict[str, str] | None:
    """Cells to columns, in order, each where it fits; most cells outside the filled-down
    columns first, then the rightmost columns (what a row loses to rowspans is on its left)."""
    if len(cells) > MAX_CELLS or len(cells) > len(columns):
        return None
    best: tuple[tuple[int, tuple[int, ...]], tuple[int, ...]] | None = None
    for chosen in itertools.combinations(range(len(columns)), len(cells)):
        if not all(
            fits[found.column(columns[i]).holds](cell)
            for i, cell in zip(chosen, cells, strict=True)
        ):
            continue
        own = sum(1 for i in chosen if columns[i] not in found.kind.fill)
        score = (-own, tuple(-i for i in chosen))  # then the rightmost: rowspans are on the left
        if best is None or score < best[0]:
            best = (score, chosen)
    if best is None:
        return None
    return {columns[i]: cell for i, cell in zip(best[1], cells, strict=True)}
