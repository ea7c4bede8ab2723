"""The article parser: generic for the format; what it cannot place it reports, line by line."""

from __future__ import annotations

import pytest

from drivekg.errors import SourceError
from drivekg.facts.rows import align, recognise
from drivekg.source.article import locate, parse_article
from drivekg.source.conventions import load_conventions

MINIMAL = """= Minimal (album) =

Minimal Album
- Type: studio
- Artist: Some Band

A lead sentence. Another one, with "a quote. That continues" inside it.

== Awards ==
| Award | Date of ceremony | Category | Recipients | Result | |
| Big Prize | May 1, 2020 | Best Album | Minimal Album | Won | |
| Second Category | | | | | |
"""


def parse(text: str):
    return parse_article(text, "a.txt")


def test_reads_title_infobox_sections_and_tables(drive_article):
    """The Drive article parses into its infobox, paragraphs and three tables."""
    article = drive_article
    assert article.title == "Drive (soundtrack)"
    assert article.infobox is not None
    assert article.infobox.name == "Drive (Original Motion Picture Soundtrack)"
    assert [f.key for f in article.infobox.fields] == [
        "Type",
        "Artist",
        "Released",
        "Recorded",
        "Genre",
        "Length",
        "Label",
        "Producer",
    ]
    assert {p.section for p in article.paragraphs} == {"", "Development", "Reception"}
    assert [len(t.rows) for t in article.tables] == [1, 4, 10]
    assert article.tables[1].caption and article.tables[1].caption.startswith("Year-end")


def test_trailing_empty_column_is_dropped(drive_article):
    """`| … | Result | |`: the unnamed last column disappears from header and rows."""
    awards = drive_article.tables[2]
    assert awards.header == ("Award", "Date of ceremony", "Category", "Recipients", "Result")
    assert all(len(row.cells) == 5 for row in awards.rows)


def test_sentences_keep_quotations_whole():
    """A full stop inside a quotation does not end the sentence."""
    article = parse(MINIMAL)
    sentences = [s.text for s in article.paragraphs[0].sentences]
    assert sentences == [
        "A lead sentence.",
        'Another one, with "a quote. That continues" inside it.',
    ]


def test_drive_sentences_split_after_closing_quote(drive_article):
    """The Boston Herald quote ends a sentence; the AllMusic one starts the next."""
    reception = [p for p in drive_article.paragraphs if p.line == 29][0]
    starts = [s.text[:20] for s in reception.sentences]
    assert starts == [
        "The album received p",
        "James Verniere of th",
        "AllMusic reviewer Ja",
        "Mayer Nissim of Digi",
        "She stated the album",
    ]


def test_continuation_row_is_marked_and_filled_down():
    """A collapsed-rowspan row keeps its own cells and takes the spanned ones from above."""
    article = parse(MINIMAL)
    table = article.tables[0]
    assert table.rows[1].continues == table.rows[0].line
    c = load_conventions()
    found = recognise(table, c)
    assert found is not None and found.kind.key == "awards"
    rows, skipped = align(table, found, c)
    assert not skipped
    assert rows[1].cells == {
        "award": "Big Prize",
        "date": "May 1, 2020",
        "category": "Second Category",
        "nominee": "Minimal Album",
        "result": "",
    }
    assert rows[1].filled == {"award": 11, "date": 11, "nominee": 11}


def test_drive_awards_last_row_is_a_category_of_the_row_above(drive_article):
    """ "Soundtrack Composer of the Year" is the World Soundtrack Academy's second category."""
    c = load_conventions()
    table = drive_article.tables[2]
    found = recognise(table, c)
    assert found is not None
    last = align(table, found, c)[0][-1]
    assert last.cells["award"] == "World Soundtrack Academy"
    assert last.cells["category"] == "Soundtrack Composer of the Year"
    assert last.cells["date"] == "October 20, 2012"
    assert last.filled["award"] == 58


def test_locate_returns_the_whole_sentence(drive_article):
    """A quote fragment is located and widened to the sentence that contains it."""
    evidence = locate(drive_article, "climbing as high as number four")
    assert evidence is not None
    assert evidence.line == 27
    assert evidence.text.startswith("Prior to that, owing to viral reviews")
    assert evidence.text.endswith("on the sales charts.")
    assert locate(drive_article, "climbing as high as number five") is None


def test_no_title_line_is_an_error() -> None:
    """Text that is not an article at all is `file:line: what is wrong`."""
    with pytest.raises(SourceError) as info:
        parse("No title\n")
    assert str(info.value).startswith("a.txt:1: ") and "title line" in str(info.value)


@pytest.mark.parametrize(
    ("text", "line", "reason"),
    [
        ("= T =\n\nBox\n- Type soundtrack\n", 4, "not '- Key: value'"),
        ("= T =\n\nText.\n\n| A | B |\n| 1 | 2 | 3 |\n", 6, "more cells than its header"),
        ("= T =\n\nText.\n\n| A | B |\n| 1 | 2\n", 6, "does not end with '|'"),
        ("= T =\n\nText.\n\n  - Caption**\n\nMore text.\n", 5, "caption with no table"),
        ("= T =\n\nBox\n- A: 1\n- A: 2\n", 5, "given twice"),
        ("= T =\n\nText.\n\n==Legacy (cu\n", 5, "heading cut short"),
        ("= T =\n\nText.\n\n| A | B |\n", 5, "no rows under it"),
    ],
)
def test_a_line_it_cannot_place_is_reported_with_its_line(
    text: str, line: int, reason: str
) -> None:
    """A line the parser cannot place is a not-read record with its line; nothing is raised."""
    article = parse(text)
    assert (line, True) in [(n.line, reason in n.reason) for n in article.not_read]


def test_bullets_nested_and_numbered_lines_are_items_and_prose() -> None:
    """``- x``, ``  - y`` and ``1. z`` are list items with their depth and number, and prose
    paragraphs of one sentence each (a claims file can quote them)."""
    article = parse("= T =\n\n== Notes ==\n- First: a note.\n  - Under it.\n1. One. Two.\n")
    assert [(i.line, i.depth, i.number, i.text) for i in article.items] == [
        (4, 0, None, "First: a note."),
        (5, 1, None, "Under it."),
        (6, 0, 1, "One. Two."),
    ]
    assert [[s.text for s in p.sentences] for p in article.paragraphs] == [
        ["- First: a note."],
        ["- Under it."],
        ["1. One. Two."],
    ]
    assert not article.not_read


@pytest.mark.parametrize(
    "heading", ["==Background==", "== Background ==", "===Recording===", "==== Strings ===="]
)
def test_headings_with_or_without_spaces_at_levels_two_to_four(heading: str) -> None:
    """A heading names the section of the text under it, whatever its level or spacing."""
    article = parse(f"= T =\n\n{heading}\nText.\n")
    assert article.paragraphs[0].section == heading.strip("= ")


def test_a_paragraph_over_several_lines_is_one() -> None:
    """Consecutive text lines are one paragraph, its sentences on their own lines."""
    article = parse("= T =\n\nOne sentence\ngoes on. Another.\n")
    [paragraph] = article.paragraphs
    assert paragraph.text == "One sentence goes on. Another."


def test_a_flattened_title_row_is_the_caption() -> None:
    """``| Awards | | |`` above the header is the table's title, not a row."""
    article = parse("= T =\n\nText.\n\n| Awards | | |\n| Award | Result | |\n| A | Won | |\n")
    [table] = article.tables
    assert (table.caption, table.caption_line) == ("Awards", 5)
    assert table.header == ("Award", "Result")
    assert [r.cells for r in table.rows] == [("A", "Won")]


def test_a_row_that_leaves_off_its_last_cells_is_padded() -> None:
    """A row with fewer cells than the header reads the missing ones as empty."""
    article = parse("= T =\n\nText.\n\n| A | B | C |\n| 1 |\n")
    assert article.tables[0].rows[0].cells == ("1", "", "")
