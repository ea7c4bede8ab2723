"""Fuzzing `drivekg validate` and `drivekg build`: Hypothesis strategies and the properties checked.

Shared by the short run in the test suite (tests/test_fuzz.py) and the long one (bench/fuzz.py).

- ``rdf_documents(fmt)``: RDF files to validate — real files mutated (the committed site's entity
  files, each in Turtle, N-Triples, JSON-LD and, converted by rdflib, RDF/XML) and small graphs
  generated term by term with odd lexical forms, datatypes and language tags, typed with the
  classes the shapes target. ``validate_problem`` says what is wrong with a run, or None: the run
  must exit 0 or 1 with a report, or exit 2 with one `drivekg: file:line: …` / `drivekg: file: …`
  line; never a traceback.
- ``build_problem``: a `drivekg build` must leave the previous out/ byte for byte as it was when it
  fails (exit 2, one `file:line` line), and never end in a traceback.

ARTICLE AND CLAIMS STRATEGIES (``article_texts``, ``claims_texts``): the article and claims parsers
are hardened on another branch (issue 11); until it is merged these are expected to find crashes
(tracebacks) in them. The out/-unchanged property does not depend on that branch.
"""

from __future__ import annotations

import io
import json
import signal
import traceback
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from hypothesis import strategies as st
from rdflib import Graph

from drivekg.cli import main

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "out" / "site" / "id"
NEON = Path(__file__).resolve().parent / "data" / "articles" / "neon-harbor.txt"
FORMATS = ("ttl", "nt", "jsonld", "rdf")

# --------------------------------------------------------------------------- running a case


class Hang(BaseException):
    """A case ran longer than its time limit (a BaseException: no `except Exception` hides it)."""


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    def expire(signum: int, frame: object) -> None:
        raise Hang(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@dataclass(frozen=True)
class Outcome:
    code: int | None
    out: str
    err: str
    traceback: str | None  # an exception escaped main(): what a user would see


def run_cli(argv: Sequence[str]) -> Outcome:
    """`drivekg ARGV` in this process, its output captured."""
    out, err = io.StringIO(), io.StringIO()
    code: int | None = None
    crash = None
    with redirect_stdout(out), redirect_stderr(err):
        try:
            code = main(list(argv))
        except Hang:
            raise
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 2
        except BaseException:
            crash = traceback.format_exc()
    return Outcome(code, out.getvalue(), err.getvalue(), crash)


def last_line(text: str) -> str:
    return text.strip().splitlines()[-1] if text.strip() else ""


def validate_problem(path: Path, outcome: Outcome) -> str | None:
    """What is wrong with how `drivekg validate PATH` ended, or None."""
    if outcome.traceback is not None:
        return f"traceback: {last_line(outcome.traceback)}"
    if outcome.code in (0, 1):
        verdict = "conforms" if outcome.code == 0 else "DOES NOT CONFORM"
        if not outcome.out.startswith(f"{path}: {verdict}"):
            return f"exit {outcome.code} without its report: {outcome.out[:200]!r}"
        if outcome.err:
            return f"exit {outcome.code} with noise on stderr: {outcome.err[:300]!r}"
        return None
    if outcome.code == 2:
        lines = outcome.err.splitlines()
        if outcome.out or len(lines) != 1 or not lines[0].startswith(f"drivekg: {path}:"):
            return f"exit 2 without one `file: …` line: {outcome.err[:300]!r}"
        return None
    return f"exit code {outcome.code}"


def tree(directory: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(directory)): p.read_bytes()
        for p in sorted(directory.rglob("*"))
        if p.is_file()
    }


def build_problem(
    sources: Sequence[Path], before: dict[str, bytes], out: Path, outcome: Outcome
) -> str | None:
    """What is wrong with how `drivekg build` ended (out/ held ``before``), or None."""
    if outcome.code != 0 and outcome.code != 1 and tree(out) != before:
        return "out/ changed by a build that failed"
    if outcome.traceback is not None:
        return f"traceback: {last_line(outcome.traceback)}"
    if outcome.code == 2:
        lines = outcome.err.splitlines()
        if len(lines) != 1 or not lines[0].startswith(tuple(f"drivekg: {s}:" for s in sources)):
            return f"exit 2 without one `file:line: …` line: {outcome.err[:300]!r}"
        return None
    if outcome.code in (0, 1):
        return None if (out / "graph.ttl").exists() else f"exit {outcome.code} but no graph.ttl"
    return f"exit code {outcome.code}"


# --------------------------------------------------------------------------- mutation


OPERATIONS = ["insert", "insert", "replace", "cut", "double", "repeat"]


@st.composite
def mutated(draw: st.DrawFn, seeds: Sequence[bytes], tokens: Sequence[bytes]) -> bytes:
    """A seed with up to 8 edits: tokens or bytes inserted, spans cut, doubled or repeated."""
    data = bytearray(draw(st.sampled_from(seeds)))
    piece = st.one_of(
        st.sampled_from(tokens),
        st.binary(min_size=1, max_size=6),
        st.text(min_size=1, max_size=4).map(lambda t: t.encode("utf-8", "surrogatepass")),
    )
    for _ in range(draw(st.integers(1, 8))):
        at = draw(st.integers(0, len(data)))
        span = draw(st.integers(0, 24))
        operation = draw(st.sampled_from(OPERATIONS))
        if operation == "insert":
            data[at:at] = draw(piece)
        elif operation == "replace":
            data[at : at + span] = draw(piece)
        elif operation == "cut":
            del data[at : at + span]
        elif operation == "double":
            data[at:at] = data[at : at + span]
        else:
            data[at:at] = draw(st.sampled_from(tokens)) * draw(st.integers(2, 400))
    return bytes(data)


# --------------------------------------------------------------------------- RDF seeds and tokens

SEED_ENTITIES = ("mondo", "desire", "french-albums-snep", "a-real-hero")


def _seeds(fmt: str) -> list[bytes]:
    if fmt == "rdf":
        found = []
        for name in SEED_ENTITIES[:2]:
            graph = Graph().parse(SITE / f"{name}.ttl")
            found.append(graph.serialize(format="pretty-xml", encoding="utf-8"))
            found.append(graph.serialize(format="xml", encoding="utf-8"))
        return found + [HAND_RDFXML]
    return [(SITE / f"{name}.{fmt}").read_bytes() for name in SEED_ENTITIES] + [HAND[fmt]]


HAND = {
    "ttl": b"""@prefix s: <https://schema.org/> .
@prefix dkg: <https://w3id.org/drivekg/ontology#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@base <https://w3id.org/drivekg/id/> .
<x> a s:MusicAlbum , s:Thing ; s:name "X"@en, '''long
text''' ; s:duration "PT44M10S"^^xsd:duration ; s:byArtist [ a s:Person ; s:name "A" ] ;
  dkg:position 7 ; s:ratingValue 4.5 ; s:bestRating 1e1 ; s:about ( <a> <b> _:c ) .
_:c s:name "c" .
""",
    "nt": b"<https://w3id.org/drivekg/id/x> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "
    b"<https://schema.org/Person> .\n"
    b'<https://w3id.org/drivekg/id/x> <https://schema.org/name> "Ada \\u00e9 \\"q\\""@en-GB .\n'
    b'_:b0 <https://w3id.org/drivekg/ontology#position> "7"'
    b"^^<http://www.w3.org/2001/XMLSchema#positiveInteger> .\n",
    "jsonld": b"""{"@context": {"s": "https://schema.org/", "@vocab": "https://schema.org/",
  "xsd": "http://www.w3.org/2001/XMLSchema#", "name": {"@id": "s:name", "@language": "en"},
  "date": {"@id": "s:datePublished", "@type": "xsd:date"},
  "by": {"@id": "s:byArtist", "@container": "@list"}},
 "@graph": [{"@id": "https://w3id.org/drivekg/id/x", "@type": "MusicAlbum", "name": "X",
   "date": "2011-09-19", "by": [{"@id": "_:a"}, {"@type": "Person", "name": "B"}],
   "@reverse": {"s:member": {"@id": "https://w3id.org/drivekg/id/g"}},
   "s:duration": {"@value": "PT1M", "@type": "xsd:duration"}}]}
""",
}
HAND_RDFXML = b"""<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE rdf:RDF [<!ENTITY s "https://schema.org/"> <!ENTITY xsd "http://www.w3.org/2001/XMLSchema#">]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:s="&s;"
    xml:base="https://w3id.org/drivekg/id/">
  <s:MusicAlbum rdf:about="x" s:name="X">
    <s:byArtist rdf:parseType="Resource"><s:name xml:lang="en">A</s:name></s:byArtist>
    <s:about rdf:parseType="Collection"><rdf:Description rdf:about="a"/></s:about>
    <s:duration rdf:datatype="&xsd;duration">PT1M</s:duration>
    <s:text rdf:parseType="Literal"><b>bold</b></s:text>
    <s:member rdf:nodeID="n1"/>
  </s:MusicAlbum>
  <rdf:Bag rdf:ID="bag"><rdf:li>one</rdf:li></rdf:Bag>
</rdf:RDF>
"""

COMMON = [
    b"\n", b"\r\n", b"\t", b" ", b"\x00", b"\xff", b"\xef\xbb\xbf", b"\xed\xa0\x80",
    "\u2028".encode(), "é".encode(), "\U0001f3b5".encode(), b"\\", b"\\u0000", b"\\uD800",
    b"\\U0010FFFF", b"\\U00110000",
    b"http://127.0.0.1:1/x", b"https://w3id.org/drivekg/id/x", b"file:///etc/passwd", b"2012-13-45",
    b"-1", b"0", b"1e999", b"99999999999999999999999999999", b"NaN", b"INF", b"P1Y2M", b"--",
]
TOKENS = {
    "ttl": COMMON + [
        b"@prefix", b"@base", b"PREFIX", b"BASE", b"VERSION", b"<", b">", b'"', b'"""', b"'",
        b"'''",
        b";", b",", b".", b"[", b"]", b"(", b")", b"_:b0", b"_:", b"^^", b"^^xsd:integer",
        b"^^xsd:date", b"^^<http://www.w3.org/2001/XMLSchema#gYear>", b"@en", b"@en--ltr", b"#",
        b" a ", b"true", b"1.5e3", b".5", b"+1", b"s:", b":", b"<<", b">>", b"<<(", b")>>", b"{|",
        b"|}", b"~", b"<urn:x:a>", b"<>", b"<#a>", b"<../a>", b"schema:MusicAlbum", b"s:Person",
        b"dkg:ChartEntry", b"rdf:type", b'"2012-13-45"^^xsd:date', b'"-1"^^xsd:positiveInteger',
        b'"abc"^^xsd:integer', b'"1' + b"0" * 5000 + b'"^^xsd:integer', b'"x"^^xsd:duration',
    ],
    "jsonld": COMMON + [
        b"{", b"}", b"[", b"]", b",", b":", b'"', b'"@context"', b'"@id"', b'"@type"', b'"@value"',
        b'"@language"', b'"@list"', b'"@set"', b'"@graph"', b'"@reverse"', b'"@vocab"', b'"@base"',
        b'"@index"', b'"@nest"', b'"@container"', b'"@json"', b'"@included"', b'"@version"', b"1.1",
        b'"@direction"', b'"rtl"', b'"@protected"', b'"@propagate"', b'"@import"', b"null", b"true",
        b"1e400", b"-0", b'"_:b0"', b'"s:name"', b'"http://127.0.0.1:1/ctx"', b'"xsd:integer"',
        b'{"@value": "x", "@type": "xsd:date"}', b'{"@list": [', b'{"@context": {"@vocab": "',
    ],
    "rdf": COMMON + [
        b"<", b">", b"</", b"/>", b"<rdf:Description>", b"</rdf:Description>", b' rdf:about="x"',
        b' rdf:resource="urn:x:b"', b' rdf:nodeID="n1"', b' rdf:ID="i"',
        b' rdf:parseType="Literal"',
        b' rdf:parseType="Resource"', b' rdf:parseType="Collection"', b' rdf:about=""',
        b' rdf:datatype="http://www.w3.org/2001/XMLSchema#integer"', b' xml:lang="en"',
        b' xml:base="http://x/"', b"<rdf:li>", b"</rdf:li>", b"<rdf:Bag>", b"<s:name>",
        b"</s:name>", b"&amp;", b"&#0;", b"&#x10FFFF;", b"&s;", b"&lol;",
        b'<!DOCTYPE rdf:RDF [<!ENTITY lol "lol">]>',
        b'<!ENTITY e "&e;">', b'<!ENTITY x SYSTEM "http://127.0.0.1:1/x">', b"<![CDATA[", b"]]>",
        b"<?pi x?>", b"<!-- c -->", b'<?xml version="1.0" encoding="ISO-8859-1"?>', b"xmlns:s=",
        b' xmlns=""', b"rdf:", b"<rdf:RDF>", b"</rdf:RDF>", b"<s:MusicAlbum>", b"</s:MusicAlbum>",
    ],
}
TOKENS["nt"] = [t for t in TOKENS["ttl"] if not t.startswith((b"@prefix", b"PREFIX", b"s:"))]

# --------------------------------------------------------------------------- generated graphs

SCHEMA, DKG = "https://schema.org/", "https://w3id.org/drivekg/ontology#"
XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
CLASSES = [SCHEMA + c for c in ("MusicAlbum", "Person", "MusicRelease", "Review", "Rating",
                                "Organization", "MusicRecording", "Movie", "Thing")] + [
    DKG + c for c in ("ChartEntry", "Chart", "AwardNomination", "Evidence", "Conflict")]
PROPERTIES = [SCHEMA + p for p in ("name", "datePublished", "duration", "ratingValue",
                                   "bestRating", "byArtist", "publisher", "member", "author",
                                   "alternateName")] + [
    DKG + p for p in ("position", "line", "periodStart", "periodEnd", "ceremonyDate", "result",
                      "chartKind", "recordingDate")]
DATATYPES = [XSD + d for d in ("string", "integer", "positiveInteger", "nonNegativeInteger", "date",
                               "gYear", "gYearMonth", "decimal", "double", "duration", "boolean",
                               "dateTime", "anyURI")] + ["urn:x:unknown-datatype"]
LEXICAL = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["1", "-1", "0", "+7", "1.5", "1e3", "NaN", "INF", "2011-09-19", "2012-13-45",
                     "2011", "-0001", "2011-02", "P1Y2M3DT4H", "PT44M10S", "true", "yes",
                     "1" * 5000, "9" * 40, " 7 ", "0x1F", "2011-09-19T25:00:00Z"]),
)
SUBJECTS = st.sampled_from(["https://w3id.org/drivekg/id/x", "https://w3id.org/drivekg/id/y",
                            "_:b0", "_:b1"])


Triples = list[tuple[str, str, tuple[str, str | None, str | None]]]


@st.composite
def graphs(draw: st.DrawFn) -> Triples:
    """Triples (subject, predicate, object); an object is (value, datatype, language) or (IRI,)."""
    triples = []
    for _ in range(draw(st.integers(1, 8))):
        subject = draw(SUBJECTS)
        if draw(st.booleans()):
            triples.append((subject, RDF_TYPE, (draw(st.sampled_from(CLASSES)), None, None)))
        predicate = draw(st.sampled_from(PROPERTIES))
        if draw(st.integers(0, 4)) == 0:
            triples.append((subject, predicate, (draw(SUBJECTS), None, None)))
            continue
        language = draw(st.sampled_from([None, None, "en", "en-GB", "x-private", "i-klingon"]))
        datatype = None if language else draw(st.sampled_from([None, *DATATYPES]))
        triples.append((subject, predicate, (draw(LEXICAL), datatype or "", language)))
    return triples


def _node(term: str) -> str:
    return term if term.startswith("_:") else f"<{term}>"


def _string(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a valid N-Triples string


def serialize(triples: Triples, fmt: str) -> bytes:
    """The triples in ``fmt``, written by hand (odd lexical forms stay as they are)."""
    if fmt in ("nt", "ttl"):
        lines = []
        for s, p, (value, datatype, language) in triples:
            if datatype is None and language is None:
                obj = _node(value)
            else:
                obj = _string(value) + (f"@{language}" if language else "") + (
                    f"^^<{datatype}>" if datatype else "")
            lines.append(f"{_node(s)} <{p}> {obj} .\n")
        return "".join(lines).encode("utf-8", "surrogatepass")
    if fmt == "jsonld":
        nodes = []
        for s, p, (value, datatype, language) in triples:
            obj: object = {"@id": value} if datatype is None and language is None else (
                {"@value": value, **({"@type": datatype} if datatype else {}),
                 **({"@language": language} if language else {})})
            nodes.append({"@id": s, p: obj})
        return json.dumps({"@graph": nodes}).encode()
    parts = ['<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
             f'xmlns:s="{SCHEMA}" xmlns:dkg="{DKG}">']
    for s, p, (value, datatype, language) in triples:
        about = (f"rdf:nodeID={quoteattr(s[2:])}" if s.startswith("_:")
                 else f"rdf:about={quoteattr(s)}")
        if p == RDF_TYPE:
            name = "rdf:type"
        elif p.startswith(SCHEMA):
            name = "s:" + p.removeprefix(SCHEMA)
        else:
            name = "dkg:" + p.removeprefix(DKG)
        if datatype is None and language is None:
            ref = (f"rdf:nodeID={quoteattr(value[2:])}" if value.startswith("_:")
                   else f"rdf:resource={quoteattr(value)}")
            parts.append(f"<rdf:Description {about}><{name} {ref}/></rdf:Description>")
        else:
            extra = (f" xml:lang={quoteattr(language)}" if language else "") + (
                f" rdf:datatype={quoteattr(datatype)}" if datatype else "")
            parts.append(f"<rdf:Description {about}><{name}{extra}>{escape(value)}</{name}>"
                         "</rdf:Description>")
    parts.append("</rdf:RDF>")
    return "\n".join(parts).encode("utf-8", "surrogatepass")


def rdf_documents(fmt: str) -> st.SearchStrategy[bytes]:
    """Files to validate in ``fmt``: mutated real files, or generated graphs (mutated or not)."""
    seeds = _seeds(fmt)
    generated = graphs().map(lambda triples: serialize(triples, fmt))
    return st.one_of(
        mutated(seeds, TOKENS[fmt]),
        generated,
        generated.flatmap(lambda doc: mutated([doc], TOKENS[fmt])),
    )


# --------------------------------------------------------------------------- ARTICLE AND CLAIMS
# Expected to find crashes in the article/claims parsers until the hardening branch is merged.

ARTICLE_TOKENS = [
    b"= ", b" =", b"== ", b" ==", b"=== x ===", b"- ", b": ", b"- Released: ", b"- Length: ",
    b"- Label: ", b"- Genre: ", b"- Producer: ", b"| ", b" |", b"| a | b |", b"|", b"||", b"**",
    b"  - caption**", b"(deluxe)", b"(", b")", b",", b"March 4, 2019", b"February 30, 2019",
    b"2019", b"0", b"99:99", b"1:02:35", b"-1", b"Won", b"Nominated", b'"', b"\n", b"\t", b"\r",
    b"\x00", b"\xff", "é".encode(), "\u2028".encode(), b"Chart (2019)", b"Peak position",
    b"| Award | Date of ceremony | Category | Recipients | Result |", b"featuring", b" by ",
]
CLAIMS_SEED = b"""[article]
title = "Neon Harbor (score)"
url = "https://example.org/wiki/Neon_Harbor"
license = "https://creativecommons.org/licenses/by-sa/4.0/"

[[entity]]
key = "neon-harbor-film"
type = "schema:Movie"
label = "Neon Harbor"
quote = "Neon Harbor (Original Score) is the score album of a fictional 2019 film"

[[claim]]
subject = "neon-harbor-original-score"
property = "schema:isBasedOn"
object = "neon-harbor-film"
quote = "is the score album of a fictional 2019 film"

[[claim]]
subject = "neon-harbor-film"
property = "schema:datePublished"
value = 2019
datatype = "xsd:gYear"
quote = "a fictional 2019 film"
"""
CLAIMS_TOKENS = [
    b"[[claim]]", b"[[entity]]", b"[article]", b"subject = ", b"property = ", b"object = ",
    b"value = ", b"datatype = ", b"quote = ", b"key = ", b"type = ", b"label = ", b"aliases = ",
    b'"', b"'''", b'"""', b"=", b"[", b"]", b"{", b"}", b",", b"1979-05-27",
    b"1979-05-27T07:32:00Z",

    b"07:32:00", b"nan", b"inf", b"-1", b"0x1F", b"true", b'"schema:name"', b'"xsd:date"',
    b'"unknown:thing"', b'"release/neon-harbor-original-score"', b'["a", "b"]', b"\n", b"#",
    b'"Neon Harbor"', b'"Ada Brightwater"', b"\x00", b"\xff", "é".encode(), b"\\u0000",
]


def article_texts() -> st.SearchStrategy[bytes]:
    """The test article with edits (expected to find crashes until the parsers are hardened)."""
    return mutated([NEON.read_bytes()], ARTICLE_TOKENS)


def claims_texts() -> st.SearchStrategy[bytes]:
    """A claims file for the test article with edits (expected to find crashes, see above)."""
    return mutated([CLAIMS_SEED], CLAIMS_TOKENS)
