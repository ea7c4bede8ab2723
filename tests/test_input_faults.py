"""Bad input the build used to accept, or crash on: each is now `file:line: message`, exit 2.

Every case here failed on the code before issue 11: a traceback and exit 1, a wrong line, or a
graph built from input that should have been refused.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from drivekg.cli import main
from drivekg.errors import SourceError
from drivekg.iris import DEFAULT_BASE
from drivekg.pipeline import build
from drivekg.records import Article
from drivekg.source.claims import load_claims

from .conftest import ARTICLE, CLAIMS

SOURCE = "c.toml"
LEAD = (
    "Drive (Original Motion Picture Soundtrack) is the soundtrack album to the 2011 American film"
    " of the same name."
)
ALBUM = f"""[[entity]]
key = "drive-soundtrack"
type = "schema:MusicAlbum"
label = "Drive (Original Motion Picture Soundtrack)"
quote = '{LEAD}'
"""
MARTINEZ = """
[[entity]]
key = "cliff-martinez"
type = "schema:Person"
label = "Cliff Martinez"
quote = "Cliff Martinez"
"""


def claims_error(text: str, article: Article) -> SourceError:
    with pytest.raises(SourceError) as caught:
        load_claims(text, source=SOURCE, article=article)
    return caught.value


def line_of(text: str, needle: str) -> int:
    """The line of ``needle`` as editors count lines (LF, CRLF or CR)."""
    return text[: text.index(needle)].replace("\r\n", "\n").replace("\r", "\n").count("\n") + 1


def run_build(tmp_path: Path, capsys: pytest.CaptureFixture[str], article: str,
              claims: str | None) -> tuple[int, str]:
    """`drivekg build` on the texts given, into a previous out/; returns (exit code, stderr)."""
    a = tmp_path / "a.txt"
    a.write_text(article, encoding="utf-8", newline="")
    args = ["build", str(a), "--out", str(tmp_path / "out")]
    if claims is None:
        args.append("--no-claims")
    else:
        (tmp_path / "c.toml").write_text(claims, encoding="utf-8", newline="")
        args += ["--claims", str(tmp_path / "c.toml")]
    out = tmp_path / "out"
    out.mkdir(exist_ok=True)
    (out / "graph.ttl").write_text("previous\n")
    code = main(args)
    assert (out / "graph.ttl").read_text() == "previous\n" or code != 2
    return code, capsys.readouterr().err


DRIVE = ARTICLE.read_text(encoding="utf-8")
DRIVE_CLAIMS = CLAIMS.read_text(encoding="utf-8")


# --------------------------------------------------------------------------- claims: the CLI


@pytest.mark.parametrize(
    ("old", "new", "needle"),
    [
        ('url = "https://en.wikipedia.org/wiki/Drive_(soundtrack)"', 'url = "not a url"', "url ="),
        ('url = "https://en.wikipedia.org/wiki/Drive_(soundtrack)"',
         'url = "javascript:alert(document.domain)"', "url ="),
        ('license = "https://creativecommons.org/licenses/by-sa/4.0/"',
         'license = "https://creative commons.org/"', "license ="),
        ('type = "schema:Book"', 'type = "mo:Music Artist"', 'type = "mo:Music Artist"'),
        ('key = "the-novel"', 'key = "the-novel\\n"', 'key = "the-novel\\n"'),
        ('key = "the-novel"', 'key = "evidence/the-novel"', 'key = "evidence/the-novel"'),
    ],
    ids=["not-a-url", "javascript-url", "space-in-url", "open-prefix-term", "key-newline",
         "reserved-key"],
)
def test_bad_claims_are_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], old: str, new: str, needle: str
) -> None:
    """Each used to crash (traceback, exit 1) or build: now one `file:line:` line, exit 2."""
    assert old in DRIVE_CLAIMS
    text = DRIVE_CLAIMS.replace(old, new, 1)
    code, err = run_build(tmp_path, capsys, DRIVE, text)
    assert code == 2
    assert err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith(f"drivekg: {tmp_path / 'c.toml'}:{line_of(text, needle)}: "), err


def test_nesting_5000_deep_is_refused_at_its_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A value nested 5,000 deep is one line (was a RecursionError with 3,000 lines of stderr)."""
    text = DRIVE_CLAIMS.replace("[article]", "deep = " + "[" * 5000 + "]" * 5000 + "\n[article]")
    code, err = run_build(tmp_path, capsys, DRIVE, text)
    assert code == 2 and err.count("\n") == 1
    assert f"c.toml:{line_of(text, 'deep =')}: values nested more than 8 deep" in err


def test_dotted_unknown_key_names_its_line(drive_article: Article) -> None:
    """`foo.bar = 1` is an unknown table reported at its line (was reported with no line)."""
    text = ALBUM + "\nfoo.bar = 1\n"
    text = "foo.bar = 1\n" + ALBUM
    err = claims_error(text, drive_article)
    assert (err.line, str(err)) == (1, f"{SOURCE}:1: unknown table 'foo' (known: [article], "
                                       "[[entity]], [[claim]])")


def test_quoted_field_name_names_its_line(drive_article: Article) -> None:
    """A field written as a quoted key (`"lable" = …`) is still found at its line."""
    text = ALBUM.replace("label =", '"lable" = "x"\nlabel =')
    assert claims_error(text, drive_article).line == line_of(text, '"lable"')


def test_claims_with_a_byte_order_mark_load(drive_article: Article) -> None:
    """A UTF-8 BOM before the first table is not an error (was "invalid TOML")."""
    claims = load_claims("\ufeff" + ALBUM, source=SOURCE, article=drive_article)
    assert [e.key for e in claims.entities] == ["drive-soundtrack"]


def test_claims_lines_are_counted_at_line_ends_only(drive_article: Article) -> None:
    """A U+2028, U+2029 or U+0085 inside a string does not shift the lines of later errors."""
    text = ('[article]\ntitle = "Drive\u2028(sound\x85track)\u2029"\n' + ALBUM
            + '\n[[claim]]\nsubject = "drive-soundtrack"\nproperty = "schema:nmae"\n'
            + 'value = "x"\nquote = "x"\n')
    err = claims_error(text, drive_article)
    assert err.line == line_of(text, "property =") == 11


def test_toml_error_at_the_end_counts_line_ends_only(drive_article: Article) -> None:
    """An error "at end of document" is on the last line as editors count (not str.splitlines)."""
    text = '[article]\ntitle = """a\u2028b\u2029c\x85d\n'
    assert claims_error(text, drive_article).line == 2


# --------------------------------------------------------------------------- claims: terms


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("type", "schema:name", "'schema:name' is a property, not a class"),
        ("type", "mo:MusicArtists", "'mo:MusicArtists' is not a term of its vocabulary"),
        ("type", "oa:Annotatoin", "'oa:Annotatoin' is not a term of its vocabulary"),
        ("type", "dkg:chart", "'dkg:chart' is a property, not a class"),
        ("type", "wdt:Q42", "'wdt:Q42' is not a term of its vocabulary"),
    ],
)
def test_every_prefix_is_checked_against_its_vocabulary(
    drive_article: Article, field: str, value: str, message: str
) -> None:
    """mo:, oa:, wdt: were open (anything went); and a type must be a class."""
    text = ALBUM.replace('type = "schema:MusicAlbum"', f'{field} = "{value}"')
    err = claims_error(text, drive_article)
    assert err.line == line_of(text, f"{field} =")
    assert message in str(err)


def test_a_property_must_be_a_property(drive_article: Article) -> None:
    """`property = "schema:Person"` (a class) is refused at its line."""
    text = ALBUM + f"""
[[claim]]
subject = "drive-soundtrack"
property = "schema:Person"
value = "x"
quote = '{LEAD}'
"""
    err = claims_error(text, drive_article)
    assert err.line == line_of(text, "property =")
    assert "'schema:Person' is a class, not a property" in str(err)


# --------------------------------------------------------------------------- claims: keys


@pytest.mark.parametrize("key", ["article/drive-soundtrack", "conflict/x", "evidence/0a1b"])
def test_reserved_key_prefixes_are_refused(drive_article: Article, key: str) -> None:
    """Keys under what the graph mints itself (evidence/, conflict/, article/) are refused."""
    text = ALBUM.replace('key = "drive-soundtrack"', f'key = "{key}"')
    err = claims_error(text, drive_article)
    assert err.line == line_of(text, "key =")
    assert "minted by the graph itself" in str(err)


def test_reserved_key_as_a_claim_subject_is_refused(drive_article: Article) -> None:
    """A claim cannot add to an evidence node either (it used to merge into one)."""
    text = ALBUM + f"""
[[claim]]
subject = "evidence/0123456789abcdef"
property = "schema:description"
value = "x"
quote = '{LEAD}'
"""
    assert claims_error(text, drive_article).line == line_of(text, "subject =")


def test_key_must_match_whole(drive_article: Article) -> None:
    """A key ending in a newline is refused (the pattern's $ accepted a final newline)."""
    text = ALBUM.replace('key = "drive-soundtrack"', 'key = "drive-soundtrack\\n"')
    err = claims_error(text, drive_article)
    assert err.line == line_of(text, "key =")
    assert "bad key" in str(err)


# --------------------------------------------------------------------------- claims: quotes


def test_a_quote_found_twice_must_say_which(drive_article: Article) -> None:
    """'Cliff Martinez' is in three sentences: without `occurrence` it is an error (was: first)."""
    text = ALBUM + MARTINEZ
    err = claims_error(text, drive_article)
    assert err.line == line_of(text, 'quote = "Cliff Martinez"')
    assert "occurs 3 times in the article (lines 13, 22…): say which with occurrence = 1 to 3" \
        in str(err)


def test_occurrence_picks_the_sentence(drive_article: Article) -> None:
    """`occurrence = 2` binds the quote to the second sentence that has it (line 22)."""
    text = ALBUM + MARTINEZ + "occurrence = 2\n"
    claims = load_claims(text, source=SOURCE, article=drive_article)
    (fact,) = [f for f in claims.facts if (f.subject, f.property) == ("cliff-martinez", "rdf:type")]
    assert fact.evidence.line == 22
    assert fact.evidence.text in drive_article.lines[21]


@pytest.mark.parametrize(("value", "message"), [
    ("4", "occurrence = 4, but the quote occurs 3 time(s)"),
    ("0", "'occurrence' must be a whole number from 1"),
    ('"2"', "'occurrence' must be a whole number from 1"),
])
def test_bad_occurrence_names_its_line(drive_article: Article, value: str, message: str) -> None:
    """An occurrence past the last one, or not a number from 1, is refused at its line."""
    text = ALBUM + MARTINEZ + f"occurrence = {value}\n"
    err = claims_error(text, drive_article)
    assert err.line == line_of(text, "occurrence =")
    assert message in str(err)


# --------------------------------------------------------------------------- claims: values


@pytest.mark.parametrize(
    ("value", "prop", "message"),
    [
        ('value = "٢٠١١"\ndatatype = "xsd:gYear"', "schema:datePublished", "write digits as 0-9"),
        ('value = "0000"\ndatatype = "xsd:gYear"', "schema:datePublished", "not a valid xsd:gYear"),
        ('value = "0000-01"\ndatatype = "xsd:gYearMonth"', "schema:datePublished",
         "not a valid"),
        ('value = "PT' + "9" * 40 + 'M"\ndatatype = "xsd:duration"', "schema:duration",
         "not a valid xsd:duration"),
        ("value = " + "9" * 40, "schema:ratingValue", "not a valid xsd:integer"),
        ("value = 100000", "dkg:position", "a whole number from 1 to 99999"),
    ],
    ids=["arabic-indic-year", "year-0000", "year-month-0000", "duration-40-digits",
         "integer-40-digits", "position-100000"],
)
def test_values_out_of_range_are_refused(
    drive_article: Article, value: str, prop: str, message: str
) -> None:
    """Digits are ASCII and every number is bounded (a 40-digit duration overflowed rdflib)."""
    text = ALBUM + f"""
[[claim]]
subject = "drive-soundtrack"
property = "{prop}"
{value}
quote = '{LEAD}'
"""
    err = claims_error(text, drive_article)
    assert err.line == line_of(text, "value =")
    assert message in str(err)


# --------------------------------------------------------------------------- the article


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("- Released: September 19, 2011", "- Released: 2011-13", "no such month"),
        ("- Released: September 19, 2011", "- Released: 2011-00", "no such month"),
        ("- Released: September 19, 2011", "- Released: September 19, ٢٠١١",
         "write digits as 0-9"),
        ("- Released: September 19, 2011", "- Released: 0000", "year 0000"),
        ("- Length: 70:18", "- Length: " + "7" * 40 + ":18", "not a length"),
        ("| Irish Compilation Albums (IRMA) | 2 |", "| Irish Compilation Albums (IRMA) | ٢ |",
         "write digits as 0-9"),
        ("| Irish Compilation Albums (IRMA) | 2 |", "| Irish Compilation Albums (IRMA) | 300000 |",
         "1 to 99999"),
        ("| Chart (2011–2012) |", "| Chart (٢٠١١–2012) |", "write digits as 0-9"),
    ],
    ids=["month-13", "month-00", "arabic-indic-year", "year-0000", "length-40",
         "arabic-indic-position", "position-300000", "arabic-indic-header"],
)
def test_impossible_article_values_are_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], old: str, new: str, message: str
) -> None:
    """Values that built (2011-13 showed as "December 2011") or crashed now name their line."""
    assert old in DRIVE, old
    text = DRIVE.replace(old, new, 1)
    code, err = run_build(tmp_path, capsys, text, DRIVE_CLAIMS)
    assert code == 2 and err.count("\n") == 1, err
    assert err.startswith(f"drivekg: {tmp_path / 'a.txt'}:{line_of(text, new)}: "), err
    assert message in err


def test_article_with_a_byte_order_mark_builds() -> None:
    """A BOM before `= Title =` is not part of the title (it was "must start with a title")."""
    b = build("\ufeff" + DRIVE, article_source="a.txt", claims_text=DRIVE_CLAIMS,
              base=DEFAULT_BASE)
    plain = build(DRIVE, article_source="a.txt", claims_text=DRIVE_CLAIMS, base=DEFAULT_BASE)
    assert b.article.title == "Drive (soundtrack)"
    assert b.facts == plain.facts  # the same facts, on the same lines


ODD_BREAKS = ["\u2028", "\x0c", "\x0b", "\x1c", "\x1d", "\x1e", "\x85", "\u2029"]


def test_evidence_lines_agree_with_grep(tmp_path: Path) -> None:
    """With U+2028, form feeds and the like inside lines, dkg:line is the line `grep -n` gives."""
    grep = shutil.which("grep")
    assert grep is not None
    lines = DRIVE.split("\n")
    for i, line in enumerate(lines):  # an odd break inside every prose line
        if len(line) > 40 and line[0].isalpha() and " " in line[20:]:
            at = line.index(" ", 20)
            lines[i] = line[:at] + " " + ODD_BREAKS[i % len(ODD_BREAKS)] + line[at:]
    text = "\n".join(lines)
    (tmp_path / "a.txt").write_text(text, encoding="utf-8", newline="")
    b = build(text, article_source="a.txt", base=DEFAULT_BASE)
    checked = 0
    places = {(f.evidence.line, f.evidence.text) for f in b.facts}  # the lines passages record
    for line, quoted in sorted(places):
        needle = quoted[-25:].strip()
        if not needle.isprintable():
            continue
        found = subprocess.run([grep, "-n", "-F", "--", needle, str(tmp_path / "a.txt")],
                               capture_output=True, check=True).stdout.decode()
        numbers = {int(hit.split(":", 1)[0]) for hit in found.splitlines()}
        assert line in numbers, (needle, line, numbers)
        checked += 1
    assert checked > 20


@pytest.mark.parametrize("end", ["\r\n", "\r"])
def test_crlf_and_cr_line_ends_count_as_one(end: str) -> None:
    """CRLF or CR line ends, and a U+2028 inside the lead, give the LF original's evidence lines."""
    want = build(DRIVE, article_source="a.txt", base=DEFAULT_BASE)
    odd = DRIVE.replace("soundtrack album to", "soundtrack\u2028album to", 1)
    got = build(odd.replace("\n", end), article_source="a.txt", base=DEFAULT_BASE)
    assert sorted(f.evidence.line for f in got.facts) == sorted(f.evidence.line for f in want.facts)


def test_term_lists_are_what_the_script_generates() -> None:
    """data/terms.txt is exactly scripts/vocab_terms.py's output from the vocabulary copies."""
    root = Path(__file__).resolve().parent.parent
    done = subprocess.run(
        [sys.executable, str(root / "scripts" / "vocab_terms.py"), "--check"],
        capture_output=True, text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr
