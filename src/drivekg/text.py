"""Plain-text helpers for the readers: lines as editors count them, input values in messages."""

from __future__ import annotations

import re

__all__ = ["BOM", "clip", "non_ascii_digit", "split_lines"]

BOM = "\ufeff"  # a UTF-8 byte-order mark, as Notepad writes one: not part of the text
_LINE_END = re.compile(r"\r\n|\r|\n")


def split_lines(text: str) -> list[str]:
    """Lines as editors and ``grep -n`` count them: broken at LF, CRLF and CR only.

    ``str.splitlines`` also breaks at U+2028, form feed, vertical tab, U+0085 and others, which
    would put every later line number one off.
    """
    lines = _LINE_END.split(text)
    if lines and lines[-1] == "":
        lines.pop()  # the end of the last line, not a line of its own
    return lines


def line_at(text: str, offset: int) -> int:
    """The 1-based line (as ``split_lines`` counts) of a character offset."""
    head = text[:offset]
    return 1 + len(_LINE_END.findall(head))


def clip(text: str, width: int = 60) -> str:
    """``repr`` of a value from the input, cut short so that a message stays one readable line."""
    return repr(text if len(text) <= width else text[: width - 1] + "…")


def non_ascii_digit(text: str) -> str | None:
    """The first digit in ``text`` that is not 0-9 (an Arabic-Indic ``٢``, a superscript ``²``)."""
    return next((c for c in text if c.isdigit() and not c.isascii()), None)
