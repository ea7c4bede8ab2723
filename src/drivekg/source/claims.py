"""The claims file: the facts an article states only in prose, each with its verbatim sentence.

``load_claims`` reads the TOML file described in ``docs/claims.md`` into ``Entity`` declarations and
``Fact`` s. Every quote is looked up in the article and every mistake is a ``SourceError`` naming
the claims-file line (``tomllines`` finds the lines: tomllib reports none for a value). Nothing
from the file reaches the graph unchecked: keys, CURIEs (against the vocabularies' term lists in
``terms``), URLs (http and https only), and every literal against its datatype, within bounds.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from drivekg.errors import SourceError
from drivekg.iris import KEY_PATTERN, RESERVED_KEYS, check_url, slug
from drivekg.records import Article, Entity, Evidence, Fact, Lit, Ref, SourceInfo, Term, Value
from drivekg.source.article import Prose
from drivekg.source.terms import Kind, TermError, check_term
from drivekg.source.tomllines import Block, Layout, NestingError, error_line, layout
from drivekg.source.values import parse_position
from drivekg.text import BOM, clip, non_ascii_digit, split_lines

__all__ = ["INTEGER_MINIMUM", "INTEGER_RANGES", "Claims", "load_claims"]


@dataclass(frozen=True)
class Claims:
    """What a claims file declares and states, ready to join the infobox and table facts."""

    source: SourceInfo | None  # from [article]; None when the file has no [article] table
    entities: tuple[Entity, ...]
    facts: tuple[Fact, ...]  # every claim, plus each entity's rdf:type and schema:name facts
    references: tuple[tuple[str, int], ...]  # (key a claim uses as subject/object, its line)


# An integer value of these properties gets another datatype than xsd:integer. (None today: stores
# such as Oxigraph keep no narrower integer type, so a chart position is an xsd:integer from 1.)
INTEGER_RANGES: dict[str, str] = {}
# The smallest integer these properties take (the shapes say the same with sh:minInclusive).
INTEGER_MINIMUM: dict[str, int] = {"dkg:position": 1}


def _is_date(text: str) -> bool:
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text) is not None


def _matches(pattern: str) -> Callable[[str], bool]:
    return lambda text: re.fullmatch(pattern, text) is not None


def _year_then(pattern: str) -> Callable[[str], bool]:
    """A lexical form that starts with a four-digit year from 0001."""
    return lambda text: re.fullmatch(pattern, text) is not None and text[:4] != "0000"


_N = "[0-9]{1,6}"  # a number in a duration: six digits at most (rdflib overflows on 40)
_INTEGER = "[0-9]{1,18}"  # fits in 64 bits, as TOML integers do

# The datatypes a claim may give (``datatype = "xsd:…"``), each with a check of the lexical form.
# Digits are ASCII only ([0-9], never \d, which also matches other scripts' digits).
_LEXICAL: dict[str, Callable[[str], bool]] = {
    "xsd:string": lambda text: True,
    "xsd:anyURI": _matches(r"\S+"),
    "xsd:integer": _matches(rf"[+-]?{_INTEGER}"),
    "xsd:decimal": _matches(r"[+-]?([0-9]{1,30}(\.[0-9]{0,30})?|\.[0-9]{1,30})"),
    "xsd:date": _is_date,
    "xsd:gYearMonth": _year_then(r"[0-9]{4}-(0[1-9]|1[0-2])"),
    "xsd:gYear": _year_then(r"[0-9]{4}"),
    "xsd:duration": _matches(
        rf"-?P(?=[0-9]|T[0-9])({_N}Y)?({_N}M)?({_N}D)?"
        rf"(T(?=[0-9])({_N}H)?({_N}M)?({_N}(\.[0-9]{{1,9}})?S)?)?"
    ),
}

# table -> (required fields, optional fields)
_FIELDS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "article": (frozenset(), frozenset({"title", "url", "license", "revision", "retrieved"})),
    "entity": (frozenset({"key", "type", "quote"}), frozenset({"label", "aliases", "occurrence"})),
    "claim": (
        frozenset({"subject", "property", "quote"}),
        frozenset({"object", "value", "datatype", "occurrence"}),
    ),
}


def load_claims(text: str, *, source: str, article: Article) -> Claims:
    """Read a claims file; raises ``SourceError`` ("claims.toml:LINE: what is wrong")."""
    text = text.removeprefix(BOM)
    try:
        written = layout(text)  # first: it refuses nesting tomllib would recurse too deep into
        data = tomllib.loads(text)
    except NestingError as exc:
        raise SourceError(str(exc), source=source, line=exc.line) from None
    except tomllib.TOMLDecodeError as exc:
        message, line = _toml_error(exc, text)
        raise SourceError(f"invalid TOML: {message}", source=source, line=line) from None
    root = written["root"][0]
    for name in data:
        if name not in _FIELDS:
            blocks = written.get(name)
            at = root.keys.get(name) or (blocks[0].line if blocks else None)
            known = ", ".join(_written(t) for t in _FIELDS)
            message = f"unknown table {clip(name)} (known: {known})"
            raise SourceError(message, source=source, line=at)

    reader = _Reader(source, article)
    info = None
    if "article" in data:
        (table,) = reader.tables(data, written, "article")
        info = reader.source_info(table)
    entities = [reader.entity(table) for table in reader.tables(data, written, "entity")]
    for table in reader.tables(data, written, "claim"):
        reader.claim(table)
    return Claims(info, tuple(entities), tuple(reader.facts), tuple(reader.references))


def _written(kind: str) -> str:
    return "[article]" if kind == "article" else f"[[{kind}]]"


def _squash(text: str) -> str:
    """White space folded, as quotes are matched."""
    return " ".join(text.split())


# --------------------------------------------------------------------------- reading the tables


@dataclass(frozen=True)
class _Table:
    kind: str
    fields: Mapping[str, object]
    block: Block

    def line(self, name: str | None = None) -> int:
        return self.block.keys.get(name, self.block.line) if name else self.block.line


class _Reader:
    """Turns the tables of one file into records; remembers keys and the facts stated so far."""

    def __init__(self, source: str, article: Article) -> None:
        self.source, self.article = source, article
        self.facts: list[Fact] = []
        self.references: list[tuple[str, int]] = []
        self.declared: dict[str, int] = {}  # entity key -> line of its key =
        self.prose = Prose(article)

    def error(self, message: str, line: int | None) -> SourceError:
        return SourceError(message, source=self.source, line=line)

    def tables(self, data: Mapping[str, object], layout: Layout, kind: str) -> list[_Table]:
        """The tables of one kind, each paired with the block it was written in."""
        value = data.get(kind, [])
        blocks = layout.get(kind, [])
        items = [value] if kind == "article" else value
        if (
            not isinstance(items, list)
            or not all(isinstance(i, dict) for i in items)
            or len(blocks) != len(items)  # written inline: entity = [{...}]
        ):
            line = blocks[0].line if blocks else layout["root"][0].keys.get(kind)
            raise self.error(f"write each {kind} as a {_written(kind)} table of its own", line)
        tables = [_Table(kind, item, block) for item, block in zip(items, blocks, strict=True)]
        for table in tables:
            self.check_fields(table)
        return tables

    def check_fields(self, table: _Table) -> None:
        required, optional = _FIELDS[table.kind]
        for name in table.fields:
            if name not in required | optional:
                known = ", ".join(sorted(required | optional))
                message = f"unknown field {clip(name)} in {_written(table.kind)} (known: {known})"
                raise self.error(message, table.line(name))
        missing = sorted(required - set(table.fields))
        if missing:
            raise self.error(f"{_written(table.kind)} has no {missing[0]!r}", table.line())

    def text(self, table: _Table, name: str) -> str:
        value = table.fields[name]
        if not isinstance(value, str) or not value.strip():
            raise self.error(f"{name!r} must be a non-empty string", table.line(name))
        return value

    def texts(self, table: _Table, name: str) -> tuple[str, ...]:
        """A string, or a non-empty list of strings."""
        value = table.fields.get(name, [])
        values = [value] if isinstance(value, str) else value
        if (
            not isinstance(values, list)
            or not all(isinstance(v, str) and v.strip() for v in values)
            or (name in table.fields and not values)
        ):
            message = f"{name!r} must be a non-empty string or a list of them"
            raise self.error(message, table.line(name))
        return tuple(values)

    def key(self, key: str, line: int) -> str:
        if not KEY_PATTERN.fullmatch(key):
            message = (
                f"bad key {clip(key)}: keys are lower-case slugs, optionally with '/' segments "
                "(cliff-martinez, release/drive-soundtrack/vinyl)"
            )
            raise self.error(message, line)
        kind = key.partition("/")[0]
        if "/" in key and kind in RESERVED_KEYS:
            message = f"bad key {clip(key)}: {kind}/… keys are minted by the graph itself"
            raise self.error(message, line)
        return key

    def curie(self, curie: str, line: int, kind: Kind | None = None) -> str:
        try:
            return check_term(curie, kind)
        except TermError as exc:
            raise self.error(str(exc), line) from None

    def evidence(self, table: _Table) -> Evidence:
        """The sentences holding the quote; a quote the article has twice must say which one."""
        quote = self.text(table, "quote")
        occurrence = table.fields.get("occurrence")
        if occurrence is not None and (
            not isinstance(occurrence, int) or isinstance(occurrence, bool) or occurrence < 1
        ):
            raise self.error("'occurrence' must be a whole number from 1", table.line("occurrence"))
        wanted = occurrence or 1
        found = self.prose.find(quote, max(wanted, 2))
        if not found:
            shown = _squash(quote)
            shown = shown if len(shown) <= 300 else shown[:299] + "…"
            message = f'quote not found in the article: "{shown}"'
            raise self.error(message, table.line("quote"))
        if occurrence is None and len(found) > 1:
            count = self.prose.count(quote)
            message = (
                f"the quote occurs {count} times in the article (lines {found[0].line}, "
                f"{found[1].line}…): say which with occurrence = 1 to {count}"
            )
            raise self.error(message, table.line("quote"))
        if len(found) < wanted:
            count = self.prose.count(quote)
            message = f"occurrence = {wanted}, but the quote occurs {count} time(s) in the article"
            raise self.error(message, table.line("occurrence"))
        return found[wanted - 1]

    def url(self, table: _Table, name: str) -> str:
        try:
            return check_url(self.text(table, name))
        except ValueError as exc:
            raise self.error(f"{name!r}: {exc}", table.line(name)) from None

    # -- the three kinds of table

    def source_info(self, table: _Table) -> SourceInfo:
        title = self.text(table, "title") if "title" in table.fields else self.article.title
        url, license_ = (
            self.url(table, name) if name in table.fields else None for name in ("url", "license")
        )
        revision = self.text(table, "revision") if "revision" in table.fields else None
        retrieved = None
        if "retrieved" in table.fields:
            value = table.fields["retrieved"]
            if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
                message = "'retrieved' must be a date (retrieved = 2024-05-01)"
                raise self.error(message, table.line("retrieved"))
            retrieved = value.isoformat()
        return SourceInfo(
            key=f"article/{slug(title)}",
            title=title,
            url=url,
            license=license_,
            revision=revision,
            retrieved=retrieved,
        )

    def entity(self, table: _Table) -> Entity:
        key = self.key(self.text(table, "key"), table.line("key"))
        if key in self.declared:
            message = f"duplicate key {clip(key)} (first declared on line {self.declared[key]})"
            raise self.error(message, table.line("key"))
        self.declared[key] = table.line("key")
        types = tuple(
            self.curie(t, table.line("type"), Kind.CLASS) for t in self.texts(table, "type")
        )
        label = self.text(table, "label") if "label" in table.fields else None
        aliases = self.texts(table, "aliases")
        evidence = self.evidence(table)
        names = [n for n in (label, *aliases) if n]
        quote = _squash(self.text(table, "quote"))
        if names and not any(_squash(n) in quote for n in names):
            written = " or ".join(repr(n) for n in names)
            message = f"the entity's quote does not contain {clip(written)}"
            raise self.error(message, table.line("quote"))
        self.facts.extend(Fact(key, "rdf:type", Term(t), evidence) for t in types)
        if label:
            self.facts.append(Fact(key, "schema:name", Lit(label), evidence))
        return Entity(key, types, label, aliases)

    def claim(self, table: _Table) -> None:
        subject = self.key(self.text(table, "subject"), table.line("subject"))
        prop = self.curie(self.text(table, "property"), table.line("property"), Kind.PROPERTY)
        if ("object" in table.fields) == ("value" in table.fields):
            raise self.error(
                "a claim needs either an 'object' or a 'value' (not both)", table.line()
            )
        if "datatype" in table.fields and "value" not in table.fields:
            raise self.error("'datatype' goes with a 'value'", table.line("datatype"))
        evidence = self.evidence(table)
        self.references.append((subject, table.line("subject")))
        values: list[Value] = []
        if "object" in table.fields:
            line = table.line("object")
            for item in self.texts(table, "object"):
                if ":" in item:
                    values.append(Term(self.curie(item, line)))
                else:
                    values.append(Ref(self.key(item, line)))
                    self.references.append((item, line))
        else:
            values.append(self.literal(table, prop))
        self.facts.extend(Fact(subject, prop, value, evidence) for value in values)

    def literal(self, table: _Table, prop: str) -> Lit:
        raw = table.fields["value"]
        line = table.line("value")
        if isinstance(raw, str):
            lexical, datatype = raw, "xsd:string"
        elif isinstance(raw, int) and not isinstance(raw, bool):
            lexical, datatype = str(raw), INTEGER_RANGES.get(prop, "xsd:integer")
        elif isinstance(raw, dt.date) and not isinstance(raw, dt.datetime):
            lexical, datatype = raw.isoformat(), "xsd:date"
        else:
            message = f"'value' must be a string, an integer or a date, not {type(raw).__name__}"
            raise self.error(message, line)
        if "datatype" in table.fields:
            datatype = self.text(table, "datatype")
            if datatype not in _LEXICAL:
                known = ", ".join(sorted(_LEXICAL))
                message = f"unsupported datatype {clip(datatype)} (known: {known})"
                raise self.error(message, table.line("datatype"))
        if datatype != "xsd:string" and (digit := non_ascii_digit(lexical)) is not None:
            raise self.error(f"{clip(lexical)} has the digit {digit!r}: write digits as 0-9", line)
        if not _LEXICAL[datatype](lexical):
            raise self.error(f"{clip(lexical)} is not a valid {datatype} (or out of range)", line)
        least = INTEGER_MINIMUM.get(prop)
        if least is not None and datatype == "xsd:integer" and int(lexical) < least:
            raise self.error(f"{lexical!r} is too small for {prop} (at least {least})", line)
        if prop == "dkg:position":
            try:
                parse_position(lexical.lstrip("+"))
            except ValueError as exc:
                raise self.error(str(exc), line) from None
        return Lit(lexical, datatype)


def _toml_error(exc: tomllib.TOMLDecodeError, text: str) -> tuple[str, int]:
    """tomllib's message without its position, and the line ("at end of document": the last)."""
    message = str(exc)
    if match := re.search(r" \(at line ([0-9]+), column ([0-9]+)\)$", message):
        return message[: match.start()], error_line(text, int(match[1]), int(match[2]))
    return message.removesuffix(" (at end of document)"), max(1, len(split_lines(text)))
