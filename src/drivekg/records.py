"""Plain records between the parsing steps and the RDF step. No RDF here.

Every builder turns article parts or curated claims into the same two things: ``Entity``
declarations and ``Fact`` s, each fact carrying the ``Evidence`` (verbatim article text and its
line) that states it. ``facts.passages`` resolves evidence to ``Passage`` s (each sentence, table
row and infobox line of the article once, with its character offsets); one mechanism turns all of
them into triples (``drivekg.graph.assemble``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

# --------------------------------------------------------------------------- the parsed article


@dataclass(frozen=True)
class Sentence:
    text: str
    line: int


@dataclass(frozen=True)
class Paragraph:
    section: str  # "" for the lead
    line: int
    text: str
    sentences: tuple[Sentence, ...]


@dataclass(frozen=True)
class InfoboxField:
    key: str
    value: str
    line: int
    text: str  # the whole line, verbatim


@dataclass(frozen=True)
class Infobox:
    name: str
    line: int
    fields: tuple[InfoboxField, ...]


@dataclass(frozen=True)
class Row:
    """A table row as written: one string per column ("" for an empty cell).

    ``continues`` is the line of the row above when this row continues it (a collapsed rowspan:
    it holds only the cells that were not spanned, in column order); see ``article.fill_down``.
    """

    line: int
    text: str  # the row, verbatim
    cells: tuple[str, ...]
    continues: int | None = None


@dataclass(frozen=True)
class FilledRow:
    """A row with every column resolved; ``filled`` names the columns taken from an earlier row."""

    line: int
    text: str
    cells: dict[str, str]  # header -> cell text
    filled: dict[str, int] = field(default_factory=dict)  # header -> line the value came from


@dataclass(frozen=True)
class Table:
    section: str
    caption: str | None
    caption_line: int | None
    header: tuple[str, ...]
    header_line: int
    header_text: str
    rows: tuple[Row, ...]


@dataclass(frozen=True, order=True)
class NotRead:
    """A line of the article, or a part of one, that the build does not turn into facts, and why.

    Listed under "Not read" in ``report.md``; ``drivekg build --strict`` makes each an error.
    """

    line: int
    text: str  # the line or the part of it, verbatim
    reason: str


@dataclass(frozen=True)
class ListItem:
    """A bulleted (``- text``, indented for nesting) or numbered (``1. text``) line of the body."""

    section: str
    line: int
    depth: int  # 0 for a top-level item, 1 for an item indented under it, ...
    number: int | None  # the number of a numbered item
    text: str  # without the bullet or number


@dataclass(frozen=True)
class Article:
    source: str  # file name, for messages
    title: str
    text: str  # the whole article, verbatim
    lines: tuple[str, ...]
    infobox: Infobox | None
    paragraphs: tuple[Paragraph, ...]
    tables: tuple[Table, ...]
    items: tuple[ListItem, ...] = ()  # bulleted and numbered lines (also in paragraphs, as prose)
    not_read: tuple[NotRead, ...] = ()  # lines the parser could not place


# --------------------------------------------------------------------------- facts with evidence


@dataclass(frozen=True, order=True)
class Evidence:
    """Where the article states a fact: verbatim text (sentence span, table row, infobox line).

    A sentence span may cover several sentences; ``facts.passages`` splits it into one passage per
    sentence. ``filled_from`` is the line of the row a filled-down cell comes from: the fact then
    cites that row as well.
    """

    line: int
    text: str
    filled_from: int | None = None  # a collapsed-rowspan row: the line its missing cells came from


@dataclass(frozen=True, order=True)
class Ref:
    """A reference to an entity by its key (the IRI is minted later from the base)."""

    key: str


@dataclass(frozen=True, order=True)
class Term:
    """A fixed vocabulary IRI, written as a CURIE (``schema:CDFormat``) or a full IRI."""

    iri: str


@dataclass(frozen=True, order=True)
class Lit:
    """A literal; ``datatype`` is a CURIE (``xsd:date``)."""

    lexical: str
    datatype: str = "xsd:string"


Value = Ref | Term | Lit


@dataclass(frozen=True, order=True)
class Fact:
    subject: str  # entity key
    property: str  # CURIE
    value: Value
    evidence: Evidence


@dataclass(frozen=True)
class Entity:
    """A thing the graph describes: a key, its classes, the name the article writes."""

    key: str
    types: tuple[str, ...]  # CURIEs
    label: str | None = None
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Conflict:
    """The article gives incompatible values for one functional property of one subject."""

    subject: str
    property: str
    facts: tuple[Fact, ...]


@dataclass(frozen=True)
class SourceInfo:
    """The article as a published document (from the claims file, when there is one).

    ``revision`` is the identifier of the published revision the text was taken from, when known;
    ``retrieved`` the ISO date it was taken (a curated value: never the build time).
    """

    key: str
    title: str
    url: str | None = None
    license: str | None = None
    revision: str | None = None
    retrieved: str | None = None


@dataclass(frozen=True, order=True)
class Passage:
    """One cited unit of the article: a sentence, a table row, an infobox line, a caption.

    ``start``/``end`` are code point offsets into ``Article.text`` (end exclusive), as W3C Web
    Annotation's TextPositionSelector counts them; ``exact`` is ``text[start:end]``. ``prefix`` and
    ``suffix`` are set only when ``exact`` occurs more than once in the article (the
    TextQuoteSelector then needs them). ``fragment`` is a Text Fragment directive
    (``text=…``) that highlights the passage in the published article; ``continues`` is the line
    of the row a table row continues (a collapsed rowspan), else None.
    """

    start: int
    end: int
    line: int
    exact: str
    key: str  # passage/{article}/{hash of the text}: stable when other text moves
    fragment: str
    prefix: str | None = None
    suffix: str | None = None
    continues: int | None = None
