"""Lists of names as an infobox writes them -> one ``NameItem`` per thing named.

The text format flattens a Wikipedia link ``[[Lakeshore Records|Lakeshore]]`` into its target and
its display text side by side (``Lakeshore Records, Lakeshore``); this module puts such pairs back
together (one thing, the other spelling kept as an alternate name), and otherwise splits at the
separators of the field:

- ``,`` ``;`` ``/`` `` and `` `` & `` (each field says which; docs/conventions.md), the Oxford
  comma (``A, B, and C``) counted once; nothing inside parentheses or double quotes separates;
- a name that contains a separator stays whole when the conventions' names list or the claims
  file knows it, or when it is made of one-word parts and the article writes it whole elsewhere
  (``Earth, Wind & Fire``);
- a link target with a section anchor (``Jazz fusion#Jazz pop``) names the section's subject;
- a placeholder (``various artists``) is marked, never a name;
- ``"Song" produced by Name`` credits the name for that song only (``scope``).

Pure text in, records out; linear in the length of the value.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass

__all__ = [
    "DEFAULT_SEPARATORS",
    "NameItem",
    "NameRules",
    "display_of",
    "WrittenWhole",
    "names_written_whole",
    "split_names",
]

DEFAULT_SEPARATORS: dict[str, frozenset[str]] = {
    "names": frozenset({",", ";", "and", "&"}),
    "labels": frozenset({",", ";", "/"}),
    "concepts": frozenset({",", ";", "/"}),
    "places": frozenset({",", ";", "and", "&"}),
}


@dataclass(frozen=True)
class NameItem:
    name: str  # the thing's name: a link target without its disambiguator, or the text
    text: str  # the item as written (every piece it was made of)
    alternates: tuple[str, ...] = ()  # other spellings the list gives for it
    qualifier: str | None = None  # a final parenthesis that is not a disambiguator
    placeholder: bool = False  # "various artists": stands for names it does not give
    scope: str | None = None  # '"Song" produced by Name': the song the credit is for
    canonical: str | None = None  # the conventions' name for it, when they group its spellings


@dataclass(frozen=True)
class NameRules:
    separators: frozenset[str]
    whole: tuple[str, ...] = ()  # names that contain a separator
    same: tuple[tuple[str, ...], ...] = ()  # spellings of one thing, the first its canonical
    link_suffixes: tuple[str, ...] = ()  # folded words a display text may leave off
    placeholders: frozenset[str] = frozenset()  # folded


# ------------------------------------------------------------------------------------ splitting

_SEPARATORS = (  # (text, kind), longest first at each position
    (", and ", "and"),
    (", & ", "and"),
    (" , ", ","),
    (", ", ","),
    (",", ","),
    (" ; ", ";"),
    ("; ", ";"),
    (";", ";"),
    (" / ", "/"),
    ("/", "/"),
    (" and ", "and"),
    (" & ", "&"),
)


_OXFORD = (", and ", ", & ")


@dataclass(frozen=True)
class _Piece:
    separator: str  # the separator text before it ("" for the first)
    kind: str  # its kind ("" for the first)
    text: str


def _protected(value: str, whole: Iterable[str]) -> dict[int, int]:
    """Spans (start -> end) of ``value`` that are a whole name (case ignored), bounded by
    separators or the ends; longer names first, no two spans overlapping."""
    folded = value.casefold()
    taken = bytearray(len(folded))
    spans: dict[int, int] = {}
    for name in sorted({w for w in whole if w}, key=len, reverse=True):
        wanted = name.casefold()
        at = folded.find(wanted)
        while at >= 0:
            end = at + len(wanted)
            bounded = (at == 0 or folded[at - 1] in " ,;/") and (
                end == len(folded) or folded[end] in " ,;/"
            )
            if bounded and not any(taken[at:end]):
                taken[at:end] = b"\x01" * (end - at)
                spans[at] = end
            at = folded.find(wanted, end if bounded else at + 1)
    return spans


def _pieces(value: str, separators: frozenset[str], whole: Iterable[str]) -> list[_Piece]:
    spans = _protected(value, whole)
    pieces: list[_Piece] = []
    depth, quoted, start, at = 0, False, 0, 0
    separator, kind = "", ""
    while at < len(value):
        if at in spans:
            at = spans[at]
            continue
        char = value[at]
        if char == '"':
            quoted = not quoted
        elif char == "(" and not quoted:
            depth += 1
        elif char == ")" and not quoted:
            depth = max(0, depth - 1)
        elif depth == 0 and not quoted and char in " ,;/":
            found = next(
                ((t, k) for t, k in _SEPARATORS if value.startswith(t, at) and k in separators),
                None,
            )
            if found is not None:
                pieces.append(_Piece(separator, kind, value[start:at].strip()))
                separator, kind = found
                at += len(separator)
                start = at
                continue
        at += 1
    pieces.append(_Piece(separator, kind, value[start:].strip()))
    return [p for p in pieces if p.text]


def _written_whole(pieces: list[_Piece], whole: Collection[str]) -> list[_Piece]:
    """Join runs of one-word pieces (``Earth``, ``Wind``, ``Fire``) that make a name of
    ``whole`` (names the article writes whole elsewhere: ``names_written_whole``)."""
    if not whole:
        return pieces
    result: list[_Piece] = []
    at = 0
    while at < len(pieces):
        joined = None
        for end in range(min(len(pieces), at + 6), at + 1, -1):
            run = pieces[at:end]
            if any(" " in p.text for p in run) or not any(p.kind == "," for p in run[1:]):
                continue
            if any(p.kind not in {",", "&", "and"} or p.separator in _OXFORD for p in run[1:]):
                continue
            text = run[0].text + "".join(p.separator + p.text for p in run[1:])
            if text in whole:
                joined = _Piece(pieces[at].separator, pieces[at].kind, text)
                at = end
                break
        if joined is None:
            joined = pieces[at]
            at += 1
        result.append(joined)
    return result


_WORD = r"[A-Z][\w'.-]*"
_WHOLE = re.compile(rf"(?<!\w){_WORD}(?:, {_WORD}){{1,4}},? (?:&|and) {_WORD}(?!\w)")


def names_written_whole(text: str) -> set[str]:
    """Names of one-word parts joined by commas and a final ``&``/``and`` (``Earth, Wind & Fire``)
    that ``text`` writes on their own: not after a comma, ``&`` or ``and``, and not followed by
    more of a list (``, Other`` or ``and Other``)."""
    found: set[str] = set()
    for match in _WHOLE.finditer(text):
        before = text[max(0, match.start() - 4) : match.start()]
        after = text[match.end() : match.end() + 6]
        if before.endswith((", ", "& ", "and ")) or after.startswith((", ", " and ", " & ", ",")):
            continue
        found.add(match.group())
    return found


class WrittenWhole:
    """The names each line of an article writes whole (``names_written_whole``), found once."""

    def __init__(self, lines: Iterable[str]) -> None:
        self.by_line = [
            (n, found) for n, line in enumerate(lines, 1) if (found := names_written_whole(line))
        ]

    def elsewhere(self, line: int) -> set[str]:
        """The names written whole on every line but ``line`` (the list being split)."""
        return {name for n, found in self.by_line if n != line for name in found}


# ----------------------------------------------------------------------- link target / display

_DISAMBIGUATOR = re.compile(r"(?P<base>[^()]*[^()\s]) \((?P<note>[^()]+)\)")


def _base(target: str) -> str:
    match = _DISAMBIGUATOR.fullmatch(target)
    return match["base"] if match else target


def _initials(text: str) -> str:
    return "".join(w[0] for w in text.split() if w[:1].isupper())


def display_of(display: str, target: str, rules: NameRules) -> bool:
    """``display`` is how the article shows a link to ``target`` (``Lakeshore`` of ``Lakeshore
    Records``, ``ambience`` of ``Ambient music`` by the conventions' list)."""
    shown, page = display.casefold(), target.casefold()
    if "#" in page:
        page = page.split("#", 1)[1].strip()
    if shown == page:
        return True
    if _DISAMBIGUATOR.fullmatch(target):
        base = _base(target).casefold()
        if shown == base or shown.startswith(base + " ") or f" {shown} " in f" {base} ":
            return True
    if any(page == f"{shown} {suffix}" for suffix in rules.link_suffixes):
        return True
    rest = target[len(display) + 1 :] if page.startswith(shown + " ") else ""
    if " " in display.strip() and rest[:1].isupper() and " " not in rest:
        return True  # "Warner Bros. Studios Burbank, Warner Bros. Studios": a place left off
    if display.isupper() and len(display) > 1 and _initials(target) == display:
        return True
    return any(
        shown in (s.casefold() for s in group) and page in (s.casefold() for s in group)
        for group in rules.same
    )


def _group(spellings: Sequence[str], rules: NameRules) -> tuple[str, ...] | None:
    """The conventions' group of spellings that holds one of ``spellings``."""
    folded = {s.casefold() for s in spellings}
    return next((g for g in rules.same if folded & {s.casefold() for s in g}), None)


# -------------------------------------------------------------------------------------- items

_SCOPED = re.compile(
    r'"(?P<scope>[^"]+)" (?:produced|written|composed|performed|arranged) by (?P<name>.+)'
)


def split_names(
    value: str,
    rules: NameRules,
    *,
    elsewhere: Collection[str] = frozenset(),
    known: Sequence[str] = (),
) -> list[NameItem]:
    """The things a list names, in order; ``elsewhere`` the names the rest of the article writes
    whole (``names_written_whole``), ``known`` the names a claims file declares."""
    value = " ".join(value.split())
    whole = [*rules.whole, *(k for k in known if any(c in k for c in ",;/&") or " and " in k)]
    pieces = _written_whole(_pieces(value, rules.separators, whole), elsewhere)
    items: list[NameItem] = []
    at = 0
    while at < len(pieces):
        piece = pieces[at]
        end = _pair_end(pieces, at, rules)
        shown = pieces[at + 1 : end]
        if "#" in piece.text:  # what lies between an anchor and its display is its target's
            shown = shown[-1:]
        items.append(_item(piece.text, [p.text for p in shown], rules))
        at = end
    return items


def _pair_end(pieces: list[_Piece], at: int, rules: NameRules) -> int:
    """The index after the pieces that belong to the link starting at ``at``."""
    target = pieces[at].text
    if "#" in target:  # a section anchor whose target may run over commas: look for its display
        anchor = target.split("#", 1)[1]
        for ahead in range(at + 1, min(len(pieces), at + 4)):
            if pieces[ahead].text.casefold() == anchor.casefold():
                return ahead + 1
        return at + 1
    end = at + 1
    while (
        end < len(pieces)
        and pieces[end].kind == ","
        and display_of(pieces[end].text, target, rules)
    ):
        end += 1
    return end


def _item(target: str, displays: list[str], rules: NameRules) -> NameItem:
    text = ", ".join([target, *displays])
    if scoped := _SCOPED.fullmatch(target):
        return NameItem(scoped["name"].strip(), text, scope=scoped["scope"])
    qualifier = None
    name = target
    if "#" in name:
        name = name.split("#", 1)[1].strip()
    elif displays and _DISAMBIGUATOR.fullmatch(name):
        name = _base(name)  # a link target's "(musician)" is not a qualifier
    elif match := _DISAMBIGUATOR.fullmatch(name):
        name, qualifier = match["base"], match["note"].strip()
    spellings = [name, *displays]
    canonical = None
    if group := _group(spellings, rules):  # the written spelling the group ranks first names it
        canonical = group[0]
        rank = [s.casefold() for s in group]
        name = min(
            spellings,
            key=lambda s: rank.index(s.casefold()) if s.casefold() in rank else len(rank),
        )
    alternates: list[str] = []
    for spelling in spellings:
        if spelling.casefold() != name.casefold() and spelling.casefold() not in (
            a.casefold() for a in alternates
        ):
            alternates.append(spelling)
    placeholder = name.casefold() in rules.placeholders
    return NameItem(name, text, tuple(alternates), qualifier, placeholder, canonical=canonical)
