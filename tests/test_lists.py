"""Lists of names and of places (source/lists.py, source/places.py), by the bundled conventions."""

from __future__ import annotations

import pytest

from drivekg.source.conventions import load_conventions
from drivekg.source.lists import DEFAULT_SEPARATORS, NameRules, names_written_whole, split_names
from drivekg.source.places import Site, Unread, read_sites

C = load_conventions()


def rules(grammar: str) -> NameRules:
    return NameRules(
        DEFAULT_SEPARATORS[grammar], C.whole_names, C.same, C.link_suffixes, C.placeholders
    )


def names(value: str, grammar: str = "names", **kwargs: object) -> list[str]:
    return [i.name for i in split_names(value, rules(grammar), **kwargs)]  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("A, B; C", ["A", "B", "C"]),
        ("Trent Reznor and Atticus Ross", ["Trent Reznor", "Atticus Ross"]),
        ("Ann Lee & Bo Day", ["Ann Lee", "Bo Day"]),
        (
            "M83, Anthony Gonzalez, and Joseph Trapanese",
            ["M83", "Anthony Gonzalez", "Joseph Trapanese"],
        ),
        ("One , Two", ["One", "Two"]),
    ],
)
def test_separators_and_the_oxford_comma(value: str, expected: list[str]) -> None:
    """``,`` ``;`` ``and`` ``&`` separate names; ``, and`` is one separator, not a name "and X"."""
    assert names(value) == expected


def test_labels_split_at_a_slash() -> None:
    """``Nothing/Interscope/Atlantic`` is three labels."""
    assert names("Nothing/Interscope/Atlantic", "labels") == ["Nothing", "Interscope", "Atlantic"]


def test_a_parenthesis_with_commas_is_a_qualifier_of_one_name() -> None:
    """``Don Simpson (Executive producer, exec.)``: one name, its note kept apart."""
    [item] = split_names("Don Simpson (Executive producer, exec.)", rules("names"))
    assert (item.name, item.qualifier) == ("Don Simpson", "Executive producer, exec.")


@pytest.mark.parametrize(
    ("value", "grammar", "name", "alternates"),
    [
        ("Lakeshore Records, Lakeshore", "labels", "Lakeshore Records", ("Lakeshore",)),
        ("Pop music, pop", "concepts", "Pop music", ("pop",)),
        ("Ambient music, ambience", "concepts", "Ambient music", ("ambience",)),
        ("Richard Finch (musician), Richard Finch", "names", "Richard Finch", ()),
        ("Elisa (Italian singer), Elisa Toffoli", "names", "Elisa", ("Elisa Toffoli",)),
        ("Classical period (music), Period", "concepts", "Classical period", ("Period",)),
    ],
)
def test_a_link_target_and_its_display_text_are_one_thing(
    value: str, grammar: str, name: str, alternates: tuple[str, ...]
) -> None:
    """The flattened ``[[target|display]]`` pair is one item; the other spelling an alternate."""
    [item] = split_names(value, rules(grammar))
    assert (item.name, item.alternates) == (name, alternates)


def test_two_pairs_in_one_list() -> None:
    """``Arista Records, Arista, Bertelsmann Music Group, BMG``: two labels (BMG by initials)."""
    items = split_names("Arista Records, Arista, Bertelsmann Music Group, BMG", rules("labels"))
    assert [(i.name, i.alternates) for i in items] == [
        ("Arista Records", ("Arista",)),
        ("Bertelsmann Music Group", ("BMG",)),
    ]


def test_drive_genres_are_six() -> None:
    """The Drive article's nine genre spellings name six genres."""
    value = (
        "Film soundtrack, synthwave, Electronic music, electronic, Ambient music, ambience, "
        "atmospheric music, atmospheric, retro"
    )
    assert names(value, "concepts") == [
        "Film soundtrack",
        "synthwave",
        "Electronic music",
        "Ambient music",
        "atmospheric music",
        "retro",
    ]


def test_a_section_anchor_names_the_section() -> None:
    """``Jazz fusion#Jazz pop`` is the genre jazz pop."""
    assert names("Jazz fusion#Jazz pop", "concepts") == ["Jazz pop"]


def test_an_anchor_whose_target_holds_commas_ends_at_its_display() -> None:
    """``Page#Hall, Place (dates), Hall`` is one thing: the hall."""
    assert names("Big Studios#Hall One, Westham (1990–present), Hall One, Chapel", "places") == [
        "Hall One",
        "Chapel",
    ]


@pytest.mark.parametrize("value", ["various", "Various Artists", "various artists"])
def test_a_placeholder_is_marked_never_a_name(value: str) -> None:
    """``various artists`` in any case is a placeholder."""
    [item] = split_names(value, rules("names"))
    assert item.placeholder


def test_a_placeholder_beside_names() -> None:
    """``Hans Zimmer and various artists``: one name and a placeholder, not one entity."""
    items = split_names("Hans Zimmer and various artists", rules("names"))
    assert [(i.name, i.placeholder) for i in items] == [
        ("Hans Zimmer", False),
        ("various artists", True),
    ]


@pytest.mark.parametrize("value", ["Earth, Wind & Fire", "Crosby, Stills, Nash & Young"])
def test_a_name_of_the_conventions_list_stays_whole(value: str) -> None:
    """A band whose name holds separators is one name when the conventions list it."""
    assert names(value) == [value]


def test_a_name_the_claims_file_knows_stays_whole() -> None:
    """``known`` (labels and aliases of the claims file) keeps ``Salt, Pepper & Co`` whole."""
    assert names("Salt, Pepper & Co, Ann Lee", known=["Salt, Pepper & Co"]) == [
        "Salt, Pepper & Co",
        "Ann Lee",
    ]


def test_a_name_the_article_writes_whole_elsewhere_stays_whole() -> None:
    """One-word parts that the prose writes as one name (not in a list) are one name."""
    prose = names_written_whole("The album features Alpha, Beta & Gamma on two tracks.")
    assert names("Alpha, Beta & Gamma, Ann Lee", elsewhere=prose) == [
        "Alpha, Beta & Gamma",
        "Ann Lee",
    ]


def test_a_list_in_the_prose_does_not_join_names() -> None:
    """The prose listing ``Alpha, Beta & Gamma and others`` is a list there too: split."""
    prose = names_written_whole("It features Alpha, Beta & Gamma and others.")
    assert names("Alpha, Beta & Gamma", elsewhere=prose) == ["Alpha", "Beta", "Gamma"]


def test_a_credit_for_one_song() -> None:
    """``"Song" produced by Name``: the name, scoped to the song."""
    [item] = split_names('"Heart (Title Theme)" produced by Sam Dorf', rules("names"))
    assert (item.name, item.scope) == ("Sam Dorf", "Heart (Title Theme)")


def test_the_conventions_name_a_group_of_spellings() -> None:
    """``Hip-hop`` keeps its spelling; the conventions' group gives its canonical name."""
    [item] = split_names("Hip-hop", rules("concepts"))
    assert (item.name, item.canonical) == ("Hip-hop", "Hip hop music")


def test_the_spelling_the_group_ranks_first_names_the_pair() -> None:
    """``1940s in jazz, contemporary jazz``: the genre is contemporary jazz, as written."""
    [item] = split_names("1940s in jazz, contemporary jazz", rules("concepts"))
    assert (item.name, item.alternates) == ("contemporary jazz", ("1940s in jazz",))


# ------------------------------------------------------------------------------------- places


def sites(value: str) -> list[Site | Unread]:
    return read_sites(value, C)


def test_a_studio_followed_by_city_and_state() -> None:
    """``Stax, Memphis, Tennessee``: the studio Stax in Memphis, Tennessee."""
    assert sites("Stax, Memphis, Tennessee") == [
        Site("Stax", "Stax, Memphis, Tennessee", place="Memphis, Tennessee")
    ]


def test_a_studio_followed_by_an_unlisted_city_and_a_state() -> None:
    """A city the list lacks is a place when it stands between a studio and a state."""
    [site] = sites("Bluebird Stage, Fairhope, Alabama")
    assert isinstance(site, Site) and (site.name, site.place) == (
        "Bluebird Stage",
        "Fairhope, Alabama",
    )


def test_a_studio_followed_by_a_state_only() -> None:
    """``Sony Scoring Stage, California``: the state is the place, the first item the studio."""
    [site] = sites("Sony Scoring Stage, California")
    assert isinstance(site, Site) and (site.name, site.place) == (
        "Sony Scoring Stage",
        "California",
    )


def test_places_in_parentheses_and_after_in() -> None:
    """``Gang (Paris), Classick in Chicago``: each studio with its place."""
    found = [
        (s.name, s.place) for s in sites("Gang (Paris), Classick in Chicago") if isinstance(s, Site)
    ]
    assert found == [("Gang", "Paris"), ("Classick", "Chicago")]


def test_a_bare_place() -> None:
    """``London`` alone is a place, not a studio."""
    assert sites("London") == [Site("London", "London", bare=True)]


def test_track_scopes_are_not_part_of_the_studio_name() -> None:
    """``Tracks 1–10 at Sound Stage Studios`` names Sound Stage Studios."""
    [site] = sites("Tracks 1–10 at Sound Stage Studios")
    assert isinstance(site, Site) and site.name == "Sound Stage Studios"


def test_a_span_of_years_in_parentheses_is_not_a_place() -> None:
    """``Hall (1991–present)``: the hall, and the parenthesis reported as not read."""
    found = sites("Hall (1991–present)")
    assert isinstance(found[0], Site) and found[0].place is None
    assert isinstance(found[1], Unread) and found[1].text == "(1991–present)"


def test_a_place_repeated_after_its_studio_is_one_place() -> None:
    """``Studios, Burbank, California, Burbank, California`` gives Burbank once."""
    found = sites("Warner Stage, Burbank, California, Burbank, California")
    assert found == [
        Site("Warner Stage", "Warner Stage, Burbank, California", place="Burbank, California")
    ]


def test_lists_are_read_in_linear_time() -> None:
    """Long values of every list shape are split at once, not after a quadratic search."""
    import time

    started = time.perf_counter()
    for value in (
        "Ab, " * 30_000,
        "Earth, Wind & Fire, " * 5_000,
        "Lakeshore Records, Lakeshore, " * 5_000,
        "(" * 50_000,
        "A#B, " * 20_000,
    ):
        split_names(value, rules("names"), elsewhere=names_written_whole(value))
        read_sites(value, C)
    assert time.perf_counter() - started < 20  # a generous guard: it takes well under a second


def test_a_display_text_that_leaves_off_a_last_capitalised_word() -> None:
    """``Harbor Lane Studios Burbank, Harbor Lane Studios``: one studio, two spellings."""
    [item] = split_names("Harbor Lane Studios Burbank, Harbor Lane Studios", rules("places"))
    assert (item.name, item.alternates) == ("Harbor Lane Studios Burbank", ("Harbor Lane Studios",))


def test_a_genre_and_a_shorter_genre_are_two() -> None:
    """``Pop rock, pop`` is two genres: the display rule needs a capitalised word left off."""
    assert names("Pop rock, pop", "concepts") == ["Pop rock", "pop"]
