"""The claims file: the facts an article states only in prose, each with its verbatim sentence.

``load_claims`` reads the TOML file described in ``docs/claims.md`` into ``Entity`` declarations and
``Fact`` s. Every quote is looked up in the article and every mistake is a ``SourceError`` naming
the claims-file line. tomllib reports no line for a value, so ``_layout`` finds the lines in the
raw text: the N-th ``[[claim]]`` header is the N-th claim, and a field's line is the line of its
``name =`` inside that block.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field

from drivekg.errors import SourceError
from drivekg.iris import KEY_PATTERN, slug
from drivekg.records import Article, Entity, Evidence, Fact, Lit, Ref, SourceInfo, Term, Value
from drivekg.source.article import locate
from drivekg.vocab import DKG, OWL, PROV, RDF, RDFS, SDO, SKOS, XSD, expand_curie

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
    return re.fullmatch(r"\d{4}-\d{2}-\d{2}", text) is not None


def _matches(pattern: str) -> Callable[[str], bool]:
    return lambda text: re.fullmatch(pattern, text) is not None


# The datatypes a claim may give (``datatype = "xsd:…"``), each with a check of the lexical form.
_LEXICAL: dict[str, Callable[[str], bool]] = {
    "xsd:string": lambda text: True,
    "xsd:anyURI": _matches(r"\S+"),
    "xsd:integer": _matches(r"[+-]?\d+"),
    "xsd:decimal": _matches(r"[+-]?(\d+(\.\d*)?|\.\d+)"),
    "xsd:date": _is_date,
    "xsd:gYearMonth": _matches(r"\d{4}-(0[1-9]|1[0-2])"),
    "xsd:gYear": _matches(r"\d{4}"),
    "xsd:duration": _matches(
        r"-?P(?=\d|T\d)(\d+Y)?(\d+M)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?"
    ),
}

# Closed vocabularies: a CURIE in one of these namespaces must name a term it defines, so a typo
# such as schema:recordlabel is an error instead of a new IRI. (mo: is open: rdflib has no list.)
_CLOSED = (SDO, DKG, PROV, RDF, RDFS, XSD, OWL, SKOS)

# table -> (required fields, optional fields)
_FIELDS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "article": (frozenset(), frozenset({"title", "url", "license", "revision", "retrieved"})),
    "entity": (frozenset({"key", "type", "quote"}), frozenset({"label", "aliases"})),
    "claim": (
        frozenset({"subject", "property", "quote"}),
        frozenset({"object", "value", "datatype"}),
    ),
}


def load_claims(text: str, *, source: str, article: Article) -> Claims:
    """Read a claims file; raises ``SourceError`` ("claims.toml:LINE: what is wrong")."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message, line = _toml_error(exc, text)
        raise SourceError(f"invalid TOML: {message}", source=source, line=line) from exc
    layout = _layout(text)
    root = layout["root"][0]
    for name in data:
        if name not in _FIELDS:
            blocks = layout.get(name)
            where = root.keys.get(name) or (blocks[0].line if blocks else None)
            known = ", ".join(_written(t) for t in _FIELDS)
            raise SourceError(f"unknown table {name!r} (known: {known})", source=source, line=where)

    reader = _Reader(source, article)
    info = None
    if "article" in data:
        (table,) = reader.tables(data, layout, "article")
        info = reader.source_info(table)
    entities = [reader.entity(table) for table in reader.tables(data, layout, "entity")]
    for table in reader.tables(data, layout, "claim"):
        reader.claim(table)
    return Claims(info, tuple(entities), tuple(reader.facts), tuple(reader.references))


def _written(kind: str) -> str:
    return "[article]" if kind == "article" else f"[[{kind}]]"


def _squash(text: str) -> str:
    """White space folded, as quotes are matched."""
    return " ".join(text.split())


# --------------------------------------------------------------------------- reading the tables


@dataclass(frozen=True)
class _Block:
    """Where one table of the file is written: its header line and the line of each field."""

    kind: str
    line: int
    keys: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class _Table:
    kind: str
    fields: Mapping[str, object]
    block: _Block

    def line(self, name: str | None = None) -> int:
        return self.block.keys.get(name, self.block.line) if name else self.block.line


class _Reader:
    """Turns the tables of one file into records; remembers keys and the facts stated so far."""

    def __init__(self, source: str, article: Article) -> None:
        self.source, self.article = source, article
        self.facts: list[Fact] = []
        self.references: list[tuple[str, int]] = []
        self.declared: dict[str, int] = {}  # entity key -> line of its key =

    def error(self, message: str, line: int | None) -> SourceError:
        return SourceError(message, source=self.source, line=line)

    def tables(self, data: Mapping[str, object], layout: _Layout, kind: str) -> list[_Table]:
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
                message = f"unknown field {name!r} in {_written(table.kind)} (known: {known})"
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
        if not KEY_PATTERN.match(key):
            message = (
                f"bad key {key!r}: keys are lower-case slugs, optionally with '/' segments "
                "(cliff-martinez, release/drive-soundtrack/vinyl)"
            )
            raise self.error(message, line)
        return key

    def curie(self, curie: str, line: int) -> str:
        try:
            iri = expand_curie(curie)
        except KeyError:
            raise self.error(f"unknown prefix in {curie!r}", line) from None
        for namespace in _CLOSED:
            if iri.startswith(str(namespace._NS)) and iri not in namespace:
                raise self.error(f"{curie!r} is not a term of its vocabulary", line)
        return curie

    def evidence(self, table: _Table) -> Evidence:
        quote = self.text(table, "quote")
        found = locate(self.article, quote)
        if found is None:
            message = f'quote not found in the article: "{_squash(quote)}"'
            raise self.error(message, table.line("quote"))
        return found

    # -- the three kinds of table

    def source_info(self, table: _Table) -> SourceInfo:
        title = self.text(table, "title") if "title" in table.fields else self.article.title
        url, license_, revision = (
            self.text(table, name) if name in table.fields else None
            for name in ("url", "license", "revision")
        )
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
            message = f"duplicate key {key!r} (first declared on line {self.declared[key]})"
            raise self.error(message, table.line("key"))
        self.declared[key] = table.line("key")
        types = tuple(self.curie(t, table.line("type")) for t in self.texts(table, "type"))
        label = self.text(table, "label") if "label" in table.fields else None
        aliases = self.texts(table, "aliases")
        evidence = self.evidence(table)
        names = [n for n in (label, *aliases) if n]
        quote = _squash(self.text(table, "quote"))
        if names and not any(_squash(n) in quote for n in names):
            written = " or ".join(repr(n) for n in names)
            raise self.error(f"the entity's quote does not contain {written}", table.line("quote"))
        self.facts.extend(Fact(key, "rdf:type", Term(t), evidence) for t in types)
        if label:
            self.facts.append(Fact(key, "schema:name", Lit(label), evidence))
        return Entity(key, types, label, aliases)

    def claim(self, table: _Table) -> None:
        subject = self.key(self.text(table, "subject"), table.line("subject"))
        prop = self.curie(self.text(table, "property"), table.line("property"))
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
        if isinstance(raw, str):
            lexical, datatype = raw, "xsd:string"
        elif isinstance(raw, int) and not isinstance(raw, bool):
            lexical, datatype = str(raw), INTEGER_RANGES.get(prop, "xsd:integer")
        elif isinstance(raw, dt.date) and not isinstance(raw, dt.datetime):
            lexical, datatype = raw.isoformat(), "xsd:date"
        else:
            message = f"'value' must be a string, an integer or a date, not {type(raw).__name__}"
            raise self.error(message, table.line("value"))
        if "datatype" in table.fields:
            datatype = self.text(table, "datatype")
            if datatype not in _LEXICAL:
                known = ", ".join(sorted(_LEXICAL))
                message = f"unsupported datatype {datatype!r} (known: {known})"
                raise self.error(message, table.line("datatype"))
        if not _LEXICAL[datatype](lexical):
            raise self.error(f"{lexical!r} is not a valid {datatype}", table.line("value"))
        least = INTEGER_MINIMUM.get(prop)
        if least is not None and datatype == "xsd:integer" and int(lexical) < least:
            message = f"{lexical!r} is too small for {prop} (at least {least})"
            raise self.error(message, table.line("value"))
        return Lit(lexical, datatype)


# --------------------------------------------------------------------------- lines in the raw text

_Layout = dict[str, list[_Block]]  # table kind -> its blocks in file order; "root" = top level
_HEADER = re.compile(r"\s*\[\[?\s*([A-Za-z0-9_-]+)\s*\]")
_KEY = re.compile(r"\s*([A-Za-z0-9_-]+)\s*=")
_DELIMITERS = ('"""', "'''", '"', "'")


def _layout(text: str) -> _Layout:
    """Every table header and the line of each ``name =`` under it (outside strings)."""
    current = _Block("root", 1)
    layout: _Layout = {"root": [current]}
    for number, line in _code_lines(text):
        if header := _HEADER.match(line):
            current = _Block(header[1], number)
            layout.setdefault(current.kind, []).append(current)
        elif key := _KEY.match(line):
            current.keys.setdefault(key[1], number)
    return layout


def _code_lines(text: str) -> Iterator[tuple[int, str]]:
    """The (1-based) lines that do not start inside a multi-line string."""
    open_: str | None = None
    for number, line in enumerate(text.splitlines(), 1):
        if open_ is None:
            yield number, line
        open_ = _string_after(line, open_)


def _string_after(line: str, open_: str | None) -> str | None:
    """The multi-line string still open at the end of ``line`` (given the one open at its start)."""
    at = 0
    while at < len(line):
        if open_ is None:
            if line[at] == "#":
                return None
            open_ = next((d for d in _DELIMITERS if line.startswith(d, at)), None)
            at += len(open_) if open_ else 1
        elif open_[0] == '"' and line[at] == "\\":
            at += 2
        elif line.startswith(open_, at):
            at += len(open_)
            open_ = None
        else:
            at += 1
    return open_ if open_ in ('"""', "'''") else None


def _toml_error(exc: tomllib.TOMLDecodeError, text: str) -> tuple[str, int]:
    """tomllib's message without its position, and the line ("at end of document": the last)."""
    message = str(exc)
    if match := re.search(r"\s*\(at line (\d+), column \d+\)$", message):
        return message[: match.start()], int(match[1])
    message = re.sub(r"\s*\(at end of document\)$", "", message)
    return message, max(1, len(text.splitlines()))
