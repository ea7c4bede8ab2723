"""Where things are written in a TOML file, which tomllib does not say.

``layout`` reads the raw text once, left to right, and finds every table header and the line of
each ``name =`` under it (outside strings, arrays and inline tables): the N-th ``[[claim]]`` header
is the N-th claim, and a field's line is the line of its ``name =`` inside that block. A dotted or
quoted key (``foo.bar = 1``, ``"quote" = …``) counts under its first part. On the way it bounds
how deep arrays and inline tables nest (tomllib recurses once per level: 5,000 levels would
overflow Python's stack). Lines are counted as editors count them (``text.split_lines``).

The scan jumps from one character that matters (a quote, a bracket, ``#``, a backslash) to the
next with one regex search, so it is linear in the file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from drivekg.text import split_lines

__all__ = ["MAX_DEPTH", "Block", "Layout", "NestingError", "error_line", "layout"]

MAX_DEPTH = 8  # arrays and inline tables inside each other; a claims file needs 1


@dataclass(frozen=True)
class Block:
    """One table of the file: its header line and the line of each field (first part of a key)."""

    kind: str
    line: int
    keys: dict[str, int] = field(default_factory=dict)


Layout = dict[str, list[Block]]  # table kind -> its blocks in file order; "root" = top level


class NestingError(ValueError):
    def __init__(self, line: int) -> None:
        super().__init__(f"values nested more than {MAX_DEPTH} deep (arrays or inline tables)")
        self.line = line


_PART = r"""(?:[A-Za-z0-9_-]+|"(?:[^"\\]|\\.)*"|'[^']*')"""
_DOTTED = rf"\s*(?P<name>{_PART})\s*(?:\.\s*{_PART}\s*)*"
_HEADER = re.compile(rf"\s*\[\[?{_DOTTED}\]")
_KEY = re.compile(rf"{_DOTTED}=")
# what matters next: in code, in a "basic" string, in a 'literal' string
_NEXT = {
    None: re.compile(r"""["'#\[\]{}]"""),
    '"': re.compile(r'["\\]'),
    '"""': re.compile(r'["\\]'),
    "'": re.compile(r"'"),
    "'''": re.compile(r"'"),
}


def _name(part: str) -> str:
    return part[1:-1] if part[:1] in "\"'" else part


def layout(text: str) -> Layout:
    """Every table header and the line of each ``name =`` under it; NestingError if too deep."""
    current = Block("root", 1)
    found: Layout = {"root": [current]}
    open_: str | None = None  # the string delimiter open at the start of the line
    depth = 0
    for number, line in enumerate(split_lines(text), 1):
        if open_ is None and depth == 0:
            if header := _HEADER.match(line):
                current = Block(_name(header["name"]), number)
                found.setdefault(current.kind, []).append(current)
                continue
            if key := _KEY.match(line):
                current.keys.setdefault(_name(key["name"]), number)
        open_, depth = _scan(line, open_, depth, number)
    return found


def _scan(line: str, open_: str | None, depth: int, number: int) -> tuple[str | None, int]:
    """The string still open and the nesting depth at the end of ``line``."""
    at = 0
    while (match := _NEXT[open_].search(line, at)) is not None:
        char, at = match[0], match.end()
        if open_ is None:
            if char == "#":
                break
            if char in "\"'":
                triple = char * 3
                open_ = triple if line.startswith(triple, at - 1) else char
                at += len(open_) - 1
            elif char in "[{":
                depth += 1
                if depth > MAX_DEPTH:
                    raise NestingError(number)
            else:
                depth = max(0, depth - 1)
        elif char == "\\":
            at += 1  # the escaped character
        elif len(open_) == 1:
            open_ = None
        elif line.startswith(open_, at - 1):
            at += 2
            while at < len(line) and line[at] == open_[0] and at - match.start() < 5:
                at += 1  # up to two quotes just inside the closing delimiter
            open_ = None
    if open_ is not None and len(open_) == 1:
        open_ = None  # a one-line string does not continue (tomllib reports it)
    return open_, depth


def error_line(text: str, line: int, column: int) -> int:
    """tomllib's (line, column), counted in LF only, as a line counted as editors count them."""
    offset = 0
    for _ in range(line - 1):
        found = text.find("\n", offset)
        if found < 0:
            break
        offset = found + 1
    offset += column - 1
    return len(split_lines(text[:offset] + "x"))  # the line the offset is on
