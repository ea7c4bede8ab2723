"""The claims file: every quote is in the article, every mistake names its claims-file line."""

from __future__ import annotations

import re
import tomllib
from collections import defaultdict

import pytest

from drivekg.errors import SourceError
from drivekg.records import Article, Entity, Evidence, Fact, Lit, Ref, Term
from drivekg.source.claims import Claims, load_claims

SOURCE = "drive-soundtrack.claims.toml"
ITUNES = "chart-entry/drive-soundtrack/itunes-charts"

# Sentences of the Drive article, for the inline fixtures.
LEAD = (
    "Drive (Original Motion Picture Soundtrack) is the soundtrack album to the 2011 American film"
    " of the same name."
)
VINYL = "The album was released on vinyl on June 21, 2012, by Mondo."
JEWEL = "Refn chose Johnny Jewel of Desire and Chromatics to score the film."

ALBUM = f"""
[[entity]]
key = "drive-soundtrack"
type = "schema:MusicAlbum"
label = "Drive (Original Motion Picture Soundtrack)"
quote = '{LEAD}'
"""


def squash(text: str) -> str:
    return " ".join(text.split())


def load(text: str, article: Article) -> Claims:
    return load_claims(text, source=SOURCE, article=article)


def error(text: str, article: Article) -> SourceError:
    with pytest.raises(SourceError) as caught:
        load(text, article)
    return caught.value


def line_of(text: str, needle: str, occurrence: int = 1) -> int:
    """1-based line of the ``occurrence``-th line of ``text`` containing ``needle``."""
    hits = [n for n, line in enumerate(text.splitlines(), 1) if needle in line]
    return hits[occurrence - 1]


def claim(value: str, *, prop: str = "schema:datePublished", quote: str = VINYL) -> str:
    return f"""{ALBUM}
[[claim]]
subject = "drive-soundtrack"
property = "{prop}"
{value}
quote = '{quote}'
"""


def only_value(claims: Claims, prop: str) -> object:
    (value,) = [f.value for f in claims.facts if f.property == prop]
    return value


# --------------------------------------------------------------------------- the shipped file


def test_shipped_claims_load(claims_text: str, drive_article: Article) -> None:
    """The curated file loads against the shipped article and describes the article itself."""
    claims = load(claims_text, drive_article)
    assert claims.source is not None
    assert claims.source.key == "article/drive-soundtrack"
    assert claims.source.url == "https://en.wikipedia.org/wiki/Drive_(soundtrack)"
    assert len(claims.entities) > 50
    keys = [e.key for e in claims.entities]
    assert len(keys) == len(set(keys))


def test_every_quote_is_verbatim_in_the_article(claims_text: str, drive_text: str) -> None:
    """Checked without ``locate``: each quote is a substring of the raw article (spaces folded)."""
    article = squash(drive_text)
    data = tomllib.loads(claims_text)
    quotes = [t["quote"] for kind in ("entity", "claim") for t in data[kind]]
    assert len(quotes) > 100
    missing = [q for q in quotes if squash(q) not in article]
    assert missing == []


def test_evidence_is_the_sentence_on_its_line(claims_text: str, drive_article: Article) -> None:
    """Every fact's evidence text stands on the article line it names."""
    claims = load(claims_text, drive_article)
    for fact in claims.facts:
        line = squash(drive_article.lines[fact.evidence.line - 1])
        assert squash(fact.evidence.text) in line, fact


def test_every_entity_is_typed_and_named_with_evidence(
    claims_text: str, drive_article: Article
) -> None:
    """Each declared entity gets one rdf:type fact per type and a schema:name fact for its label."""
    claims = load(claims_text, drive_article)
    facts: dict[str, list[Fact]] = defaultdict(list)
    for fact in claims.facts:
        facts[fact.subject].append(fact)
    for entity in claims.entities:
        types = {f.value for f in facts[entity.key] if f.property == "rdf:type"}
        assert types == {Term(t) for t in entity.types}
        names = {f.value for f in facts[entity.key] if f.property == "schema:name"}
        assert names == ({Lit(entity.label)} if entity.label else set())


def test_the_itunes_contradiction_is_kept(claims_text: str, drive_article: Article) -> None:
    """Both sides of the iTunes contradiction (top vs number four) sit on one chart entry."""
    claims = load(claims_text, drive_article)
    positions = {
        (f.value, f.evidence.line)
        for f in claims.facts
        if f.subject == ITUNES and f.property == "dkg:position"
    }
    assert positions == {
        (Lit("1", "xsd:integer"), 15),
        (Lit("4", "xsd:integer"), 27),
    }


def test_vinyl_dates_are_both_written(claims_text: str, drive_article: Article) -> None:
    """The vinyl's "June 2012" and "June 21, 2012" are both claimed (the build keeps the day)."""
    claims = load(claims_text, drive_article)
    dates = {
        f.value
        for f in claims.facts
        if f.subject == "release/drive-soundtrack/vinyl" and f.property == "schema:datePublished"
    }
    assert dates == {Lit("2012-06", "xsd:gYearMonth"), Lit("2012-06-21", "xsd:date")}


def test_nothing_invented(claims_text: str, drive_article: Article) -> None:
    """No award claimed as won, no external IDs, and unnamed or unexplained things stay so."""
    claims = load(claims_text, drive_article)
    assert "wikidata" not in claims_text.casefold()
    assert not {f.property for f in claims.facts} & {"schema:award", "schema:sameAs"}
    entities = {e.key: e for e in claims.entities}
    assert entities["refn"] == Entity("refn", ("schema:Person",), "Refn")
    assert entities["the-novel"].label is None  # never named: described, in the article's words
    described = {f.value for f in claims.facts if f.subject == "the-novel"}
    assert Lit("the novel") in described
    for artist in ("chvrches", "banks", "bastille", "sbtrkt", "college", "electric-youth"):
        # kind never stated: a music artist, and schema.org's MusicGroup ("can also be a solo
        # musician"), never a band or a person
        assert entities[artist].types == ("mo:MusicArtist", "schema:MusicGroup"), artist
    assert "college" in entities["college"].aliases


# --------------------------------------------------------------------------- quotes


def test_a_changed_quote_names_its_line(claims_text: str, drive_article: Article) -> None:
    """One word changed in a shipped quote: `file:LINE: quote not found …` at that quote's line."""
    original = "climbing as high as number four on the sales charts"
    changed = "climbing as high as number five on the sales charts"
    text = claims_text.replace(original, changed, 1)
    line = line_of(text, changed)
    assert text.splitlines()[line - 1].startswith("quote =")
    err = error(text, drive_article)
    data = tomllib.loads(text)
    quote = next(t["quote"] for t in data["entity"] + data["claim"] if changed in t["quote"])
    assert str(err) == f'{SOURCE}:{line}: quote not found in the article: "{quote}"'


def test_a_quote_may_fold_white_space(drive_article: Article) -> None:
    """A quote broken over lines still matches; the evidence is the article's own sentence."""
    text = ALBUM.replace(
        f"quote = '{LEAD}'",
        "quote = '''Drive (Original Motion Picture\n   Soundtrack) is the soundtrack album'''",
    )
    (fact, *_) = load(text, drive_article).facts
    assert fact.evidence == Evidence(13, LEAD)


def test_entity_quote_must_contain_label_or_alias(drive_article: Article) -> None:
    """An entity's quote that names neither its label nor an alias is rejected at the quote line."""
    text = f"""
[[entity]]
key = "cliff-martinez"
type = "schema:Person"
label = "Cliff Martinez"
aliases = ["Martinez"]
quote = '{JEWEL}'
"""
    err = error(text, drive_article)
    assert err.line == line_of(text, "quote =")
    assert "Cliff Martinez" in str(err)
    # an alias is enough
    ok = text.replace(JEWEL, "Most of its ethereal electronic-pop score was composed by Martinez.")
    (entity,) = load(ok, drive_article).entities
    assert entity.aliases == ("Martinez",)


# --------------------------------------------------------------------------- keys and prefixes


@pytest.mark.parametrize(
    "key", ["Cliff-Martinez", "cliff_martinez", "cliff--martinez", "release/", "/album", "a b"]
)
def test_bad_key(drive_article: Article, key: str) -> None:
    """A key that is not a lower-case slug is rejected at its line."""
    text = ALBUM.replace('key = "drive-soundtrack"', f'key = "{key}"')
    err = error(text, drive_article)
    assert str(err).startswith(f"{SOURCE}:{line_of(text, 'key =')}: bad key")


def test_bad_key_in_a_claim_object(drive_article: Article) -> None:
    """An object that is neither a slug nor a CURIE is rejected at the object line."""
    text = claim('object = ["drive-film", "Drive Film"]', prop="schema:isBasedOn", quote=LEAD)
    err = error(text, drive_article)
    assert err.line == line_of(text, "object =")
    assert "'Drive Film'" in str(err)


def test_duplicate_key(drive_article: Article) -> None:
    """A key declared twice is rejected at the second declaration, naming the first."""
    text = ALBUM + ALBUM
    err = error(text, drive_article)
    first, second = line_of(text, "key =", 1), line_of(text, "key =", 2)
    assert err.line == second
    assert f"first declared on line {first}" in str(err)


@pytest.mark.parametrize(
    ("old", "new", "needle"),
    [
        ('type = "schema:MusicAlbum"', 'type = "sdo:MusicAlbum"', "type ="),
        ('type = "schema:MusicAlbum"', 'type = ["mo:Release", "foo:Bar"]', "type ="),
        ('type = "schema:MusicAlbum"', 'type = "schema:MusicAlbumm"', "type ="),
    ],
)
def test_unknown_prefix_or_term_in_a_type(
    drive_article: Article, old: str, new: str, needle: str
) -> None:
    """An unknown prefix, or a term its closed vocabulary lacks, is rejected at its line."""
    text = ALBUM.replace(old, new)
    assert error(text, drive_article).line == line_of(text, needle)


def test_unknown_prefix_in_property_and_object(drive_article: Article) -> None:
    """Property and CURIE objects are checked too, each at its own line."""
    text = claim('object = "schema:VinylFormat"', prop="music:format")
    err = error(text, drive_article)
    assert err.line == line_of(text, "property =")
    assert str(err).split(": ", 1)[1].startswith("unknown prefix in 'music:format' (known: dkg,")
    text = claim('object = "sdo:VinylFormat"', prop="schema:musicReleaseFormat")
    assert error(text, drive_article).line == line_of(text, "object =")


def test_claims_record_references_with_lines(drive_article: Article) -> None:
    """Subject and object keys are handed on with their lines; CURIE objects become Terms."""
    text = claim(
        'object = ["drive-film", "schema:SoundtrackAlbum"]', prop="schema:isBasedOn", quote=LEAD
    )
    claims = load(text, drive_article)
    assert claims.references == (
        ("drive-soundtrack", line_of(text, "subject =")),
        ("drive-film", line_of(text, "object =")),
    )
    values = [f.value for f in claims.facts if f.property == "schema:isBasedOn"]
    assert values == [Ref("drive-film"), Term("schema:SoundtrackAlbum")]


# --------------------------------------------------------------------------- TOML and fields


def test_toml_syntax_error_names_its_line(drive_article: Article) -> None:
    """tomllib's "(at line N, column M)" becomes file:N."""
    text = ALBUM + '\n[[claim]]\nsubject = "drive-soundtrack\n'
    err = error(text, drive_article)
    assert err.line == line_of(text, 'subject = "drive-soundtrack')
    assert str(err).startswith(f"{SOURCE}:{err.line}: invalid TOML: ")
    assert "(at line" not in str(err)


def test_toml_error_at_end_of_document(drive_article: Article) -> None:
    """An error tomllib places "at end of document" is reported at the last line."""
    text = ALBUM + "\n[[claim]]\nquote = '''never closed\n\n"
    err = error(text, drive_article)
    assert err.line == len(text.splitlines())


def test_unknown_field(drive_article: Article) -> None:
    text = ALBUM.replace("label =", 'lable = "x"\nlabel =')
    err = error(text, drive_article)
    assert err.line == line_of(text, "lable =")
    assert "unknown field 'lable' in [[entity]]" in str(err)


def test_missing_field(drive_article: Article) -> None:
    """A missing required field is reported at the table's header."""
    text = claim('object = "drive-film"', prop="schema:isBasedOn").replace(
        'subject = "drive-soundtrack"\n', ""
    )
    err = error(text, drive_article)
    assert err.line == line_of(text, "[[claim]]")
    assert "[[claim]] has no 'subject'" in str(err)


def test_unknown_table(drive_article: Article) -> None:
    text = ALBUM + '\n[[claims]]\nsubject = "x"\n'
    assert error(text, drive_article).line == line_of(text, "[[claims]]")


def test_object_and_value_exclude_each_other(drive_article: Article) -> None:
    text = claim('object = "drive-film"\nvalue = "x"')
    assert "either an 'object' or a 'value'" in str(error(text, drive_article))


def test_lines_ignore_look_alikes_inside_multiline_strings(drive_article: Article) -> None:
    """A "[[claim]]" or "quote =" line inside a multi-line string does not shift line numbers."""
    text = (
        '[article]\ntitle = """A\n[[claim]]\nquote = x\n"""\n'
        + ALBUM
        + claim('value = "x"', prop="schema:description", quote="not in the article")[len(ALBUM) :]
    )
    err = error(text, drive_article)
    assert err.line == line_of(text, "quote = 'not in the article'")


def test_article_table_is_optional(drive_article: Article) -> None:
    """Without [article] there is no SourceInfo; a title alone gives the article's key."""
    assert load(ALBUM, drive_article).source is None
    claims = load('[article]\ntitle = "Drive (soundtrack)"\n' + ALBUM, drive_article)
    assert claims.source is not None
    assert (claims.source.key, claims.source.url) == ("article/drive-soundtrack", None)


# --------------------------------------------------------------------------- values


@pytest.mark.parametrize(
    ("value", "prop", "expected"),
    [
        ('value = "A"', "schema:ratingValue", Lit("A")),
        ("value = 4", "schema:ratingValue", Lit("4", "xsd:integer")),
        ("value = 30", "dkg:position", Lit("30", "xsd:integer")),
        ("value = 2012-06-21", "schema:datePublished", Lit("2012-06-21", "xsd:date")),
        (
            'value = "2012-06"\ndatatype = "xsd:gYearMonth"',
            "schema:datePublished",
            Lit("2012-06", "xsd:gYearMonth"),
        ),
        ('value = 2011\ndatatype = "xsd:gYear"', "schema:datePublished", Lit("2011", "xsd:gYear")),
    ],
)
def test_value_datatypes(drive_article: Article, value: str, prop: str, expected: Lit) -> None:
    """str -> xsd:string, int -> xsd:integer (a chart position too), date -> xsd:date."""
    assert only_value(load(claim(value, prop=prop), drive_article), prop) == expected


@pytest.mark.parametrize(
    ("value", "prop", "message"),
    [
        ("value = true", "schema:datePublished", "not bool"),
        ("value = 4.5", "schema:ratingValue", "not float"),
        ("value = 2012-06-21T10:00:00", "schema:datePublished", "not datetime"),
        ("value = [1, 2]", "schema:ratingValue", "not list"),
        ("value = 0", "dkg:position", "'0' is too small for dkg:position (at least 1)"),
        ('value = "2012-13"\ndatatype = "xsd:gYearMonth"', "schema:datePublished", "not a valid"),
        ('value = "2012-02-30"\ndatatype = "xsd:date"', "schema:datePublished", "not a valid"),
        ('value = 2012-06-21\ndatatype = "xsd:gYear"', "schema:datePublished", "not a valid"),
    ],
)
def test_bad_values_name_the_value_line(
    drive_article: Article, value: str, prop: str, message: str
) -> None:
    """Booleans, floats, date-times, lists and ill-formed lexical forms are refused at `value =`."""
    text = claim(value, prop=prop)
    err = error(text, drive_article)
    assert err.line == line_of(text, "value =")
    assert message in str(err)


def test_unsupported_datatype(drive_article: Article) -> None:
    text = claim('value = "x"\ndatatype = "xsd:hexBinary"', prop="schema:description")
    err = error(text, drive_article)
    assert err.line == line_of(text, "datatype =")
    assert re.search(r"unsupported datatype 'xsd:hexBinary' \(known: .*xsd:gYearMonth", str(err))


def test_datatype_without_value(drive_article: Article) -> None:
    text = claim('object = "drive-film"\ndatatype = "xsd:date"', prop="schema:isBasedOn")
    assert error(text, drive_article).line == line_of(text, "datatype =")


def test_text_values_are_verbatim(claims_text: str, drive_article: Article) -> None:
    """A review body or description is the article's own words, found in its evidence sentence."""
    claims = load(claims_text, drive_article)
    texts = [
        f
        for f in claims.facts
        if f.property in {"schema:reviewBody", "schema:description"} and isinstance(f.value, Lit)
    ]
    assert texts
    for fact in texts:
        assert isinstance(fact.value, Lit)
        assert squash(fact.value.lexical) in squash(fact.evidence.text), fact
