"""The article parser: generic for the format, strict about what it cannot read."""

from __future__ import annotations

import pytest

from drivekg.errors import SourceError
from drivekg.source.article import fill_down, locate, parse_article, split_items

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
    rows = fill_down(table, ("Category", "Result"), source="a.txt")
    assert rows[1].cells == {
        "Award": "Big Prize",
        "Date of ceremony": "May 1, 2020",
        "Category": "Second Category",
        "Recipients": "Minimal Album",
        "Result": "",
    }
    assert rows[1].filled == {"Award": 11, "Date of ceremony": 11, "Recipients": 11}


def test_drive_awards_last_row_is_a_category_of_the_row_above(drive_article):
    """ "Soundtrack Composer of the Year" is the World Soundtrack Academy's second category."""
    rows = fill_down(drive_article.tables[2], ("Category", "Result"), source="x")
    last = rows[-1]
    assert last.cells["Award"] == "World Soundtrack Academy"
    assert last.cells["Category"] == "Soundtrack Composer of the Year"
    assert last.cells["Date of ceremony"] == "October 20, 2012"
    assert last.filled["Award"] == 58


@pytest.mark.parametrize(
    ("value", "items"),
    [
        ("57:16 (standard), 78:02 (deluxe)", [("57:16", "standard"), ("78:02", "deluxe")]),
        ("September 19, 2011", [("September 19, 2011", None)]),
        ("A, B (x, y), C", [("A", None), ("B", "x, y"), ("C", None)]),
    ],
)
def test_split_items(value: str, items: list[tuple[str, str | None]]) -> None:
    """Commas separate items, except inside parentheses and in dates."""
    assert split_items(value) == items


def test_locate_returns_the_whole_sentence(drive_article):
    """A quote fragment is located and widened to the sentence that contains it."""
    evidence = locate(drive_article, "climbing as high as number four")
    assert evidence is not None
    assert evidence.line == 27
    assert evidence.text.startswith("Prior to that, owing to viral reviews")
    assert evidence.text.endswith("on the sales charts.")
    assert locate(drive_article, "climbing as high as number five") is None


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("No title\n", 1, "title line"),
        ("= T =\n\nBox\n- Type soundtrack\n", 4, "not '- Key: value'"),
        ("= T =\n\nText.\n\n| A | B |\n| 1 | 2 | 3 |\n", 6, "3 cells, expected 2"),
        ("= T =\n\nText.\n\n| A | B |\n| 1 | 2\n", 6, "start and end with '|'"),
        ("= T =\n\n== S ==\nText.\n- stray item\n", 5, "cannot read this line"),
        ("= T =\n\nText.\n\n  - Caption**\n\nMore text.\n", 5, "caption must be followed"),
        ("= T =\n\nBox\n- A: 1\n- A: 2\n", 5, "given twice"),
    ],
)
def test_unreadable_input_names_file_and_line(text: str, line: int, message: str) -> None:
    """Anything the parser cannot read is `file:line: what is wrong`, never a crash."""
    with pytest.raises(SourceError) as info:
        parse(text)
    assert str(info.value).startswith(f"a.txt:{line}: ")
    assert message in str(info.value)
