"""The conventions data file and its loader (source/conventions.py)."""

from __future__ import annotations

import pytest

from drivekg.errors import SourceError
from drivekg.source.conventions import load_conventions


def extended(text: str):  # type: ignore[no-untyped-def]
    return load_conventions(extra=[(text, "mine.toml")])


@pytest.mark.parametrize(
    ("word", "kind"),
    [
        ("soundtrack", "soundtrack"),
        ("Soundtrack album", "soundtrack"),
        ("film", "soundtrack"),
        ("Film score", "film-score"),
        ("STUDIO", "studio"),
        ("Live album", "live"),
        ("EP", "ep"),
        ("box set", "box-set"),
        ("greatest hits", "greatest-hits"),
        ("cover", "cover"),
        ("video", "video"),
        ("Mixtape", "mixtape"),
    ],
)
def test_album_types_in_any_case(word: str, kind: str) -> None:
    """Every Type value seen in real articles names a type, in any case, "album" or not."""
    found = load_conventions().album_type(word)
    assert found is not None and found.key == kind


def test_every_field_of_the_album_infobox_is_known() -> None:
    """Each field of Wikipedia's album infobox has a rule (keys compared without case)."""
    c = load_conventions()
    for key in (
        "Type",
        "Artist",
        "Released",
        "Recorded",
        "Venue",
        "Studio",
        "Genre",
        "Length",
        "Language",
        "Label",
        "Producer",
        "Chronology",
        "Prev Title",
        "Prev Year",
        "Next Title",
        "Next Year",
        "Misc",
        "Year",
        "Italic Title",
        "Longtype",
        "prev_title",
        "NEXT YEAR",
    ):
        assert c.field(key) is not None, key


def test_a_user_file_adds_a_field() -> None:
    """``[infobox.Composer]`` in a user file makes a new field readable, no code change."""
    c = extended('[infobox.Composer]\nreads = "names"\nproperty = "schema:contributor"\n')
    rule = c.field("composer")
    assert rule is not None and (rule.reads, rule.property) == ("names", "schema:contributor")


def test_a_user_file_replaces_an_entry() -> None:
    """An entry of the same name replaces the bundled one."""
    c = extended('[infobox.Misc]\nreads = "display"\n')
    rule = c.field("Misc")
    assert rule is not None and rule.reads == "display"


def test_a_user_file_adds_to_a_list() -> None:
    """A list under [names] or [places] is added to, not replaced."""
    c = extended('[names]\nwhole = ["Salt, Pepper & Co"]\n')
    assert "Salt, Pepper & Co" in c.whole_names and "Earth, Wind & Fire" in c.whole_names


def test_a_user_file_adds_an_album_type() -> None:
    """A new album type, its words and its schema.org production type."""
    c = extended(
        '[album_types.tribute]\nlabel = "tribute album"\nwords = ["tribute"]\n'
        'production = ["schema:StudioAlbum"]\n'
    )
    kind = c.album_type("Tribute album")
    assert kind is not None and kind.production == ("schema:StudioAlbum",)


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ('[infobx.Type]\nreads = "album-type"\n', 1),
        ('\n[infobox.Composer]\nreads = "persons"\nproperty = "schema:producer"\n', 2),
        ('[infobox.Composer]\nreads = "names"\nproperty = "schema:composr"\n', 3),
        ('[infobox.Composer]\nreads = "names"\n', 1),
        ('[formats]\n"cd" = "foo:CD"\n', 2),
        ("[tables.lyrics]\nrequired = []\n", 1),
        ("[names\n", 1),
    ],
)
def test_a_mistake_in_a_conventions_file_names_its_line(text: str, line: int) -> None:
    """Unknown table, grammar, term or prefix, a missing property, bad TOML: file:line."""
    with pytest.raises(SourceError) as caught:
        extended(text)
    assert (caught.value.source, caught.value.line) == ("mine.toml", line)
