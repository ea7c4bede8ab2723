"""Realistic synthetic album articles for the scale benchmarks.

    .venv/bin/python bench/synth.py N DIR [--seed S]

writes ``DIR/synth-00001.txt`` … in the article format drivekg reads, with the shapes real
English Wikipedia album articles have (a title line, an infobox, a lead, sections, chart and award
tables, continuation rows) and with people, labels, songs, charts and award bodies shared between
articles at realistic rates: a few hub labels release many albums (Zipf), composers score a handful
of films each, award bodies and charts recur across the corpus, and song titles sometimes repeat
in unrelated albums (two songs called "Hammer" are two songs).

Every name is invented from syllables; no real article text is used. The same N and seed give the
same bytes.
"""

from __future__ import annotations

import argparse
import random
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path


def words(text: str) -> list[str]:
    return text.split()


SYLLABLES = words(
    "ka ri mo sa len dra vel tor mi na bel cor an sel dur ion ves par lu ri ta gor fen mar "
    "quen ros tal vin zar bor ell hal jun kes lom nor pim rav sil tum ul wen yar"
)
WORDS = words(
    "Night Harbor Glass Engine Velvet Static Neon River Silent Ember Hollow Signal Paper Iron "
    "Summer Winter Crimson Distant Golden Lunar Broken Electric Quiet Wild Last First Midnight "
    "Ocean Desert Mirror Shadow Light Drive Fire Rain Ghost Heart Machine Highway Dream Echo"
)
GENRES = (
    ("Electronic music", "electronic"),
    ("Ambient music", "ambient"),
    ("Film score", None),
    ("Synthwave", None),
    ("Pop music", "pop"),
    ("Rock music", "rock"),
    ("Jazz", None),
    ("Hip hop music", "hip hop"),
    ("Soul music", "soul"),
    ("Classical music", "classical"),
    ("Drone music", "drone"),
    ("Industrial music", "industrial"),
    ("Country music", "country"),
)
TYPES = ("soundtrack", "Soundtrack", "film", "Film score", "studio", "compilation", "live")
MONTHS = words(
    "January February March April May June July August September October November December"
)
CATEGORIES = (
    "Best Original Score",
    "Best Score",
    "Best Song from a Movie",
    "Best Soundtrack Album",
    "Best Music",
    "Composer of the Year",
    "Best Compilation Soundtrack",
)


def name(rng: random.Random, parts: int = 2) -> str:
    return " ".join(
        "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()
        for _ in range(parts)
    )


def zipf_pick(rng: random.Random, pool: Sequence[str], s: float = 1.1) -> str:
    """Rank r is picked with weight 1/r^s: a few hubs, a long tail."""
    weights = [1 / (rank**s) for rank in range(1, len(pool) + 1)]
    return rng.choices(pool, weights=weights, k=1)[0]


@dataclass
class Pools:
    composers: list[str]
    performers: list[str]
    labels: list[str]
    awards: list[str]
    charts: list[str]
    song_titles: list[str]


def pools(rng: random.Random, n: int) -> Pools:
    return Pools(
        composers=[name(rng) for _ in range(max(5, n // 4))],
        performers=[name(rng, rng.choice((1, 2))) for _ in range(max(10, n // 2))],
        labels=[f"{name(rng, 1)} Records" for _ in range(max(3, n // 15))],
        awards=[f"{name(rng, 1)} Film Critics Association" for _ in range(30)]
        + [f"{name(rng, 1)} Music Awards" for _ in range(10)],
        charts=[f"{name(rng, 1)}n Albums ({name(rng, 1).upper()[:5]})" for _ in range(40)],
        song_titles=[" ".join(rng.sample(WORDS, rng.choice((1, 2)))) for _ in range(max(50, n))],
    )


def date(rng: random.Random, year: int) -> str:
    day = rng.randint(1, 28)
    return f"{MONTHS[rng.randrange(12)]} {day}, {year}"


def length(rng: random.Random) -> str:
    return f"{rng.randint(30, 80)}:{rng.randint(0, 59):02d}"


def article(rng: random.Random, p: Pools, number: int) -> str:
    film = " ".join(rng.sample(WORDS, rng.choice((1, 2, 3))))
    year = rng.randint(1975, 2024)
    title = f"{film} (soundtrack)"
    album = f"{film} (Original Motion Picture Soundtrack)"
    composer = zipf_pick(rng, p.composers, 0.8)
    label = zipf_pick(rng, p.labels)
    second_label = zipf_pick(rng, p.labels) if rng.random() < 0.2 else None
    genres = rng.sample(GENRES, rng.randint(1, 4))
    genre_items: list[str] = []
    for target, shown in genres:
        genre_items.append(target)
        if shown and rng.random() < 0.5:  # the link target, then its display text
            genre_items.append(shown)
    producers = [composer] + ([zipf_pick(rng, p.performers)] if rng.random() < 0.3 else [])
    released = date(rng, year)
    lines = [
        f"= {title} =",
        "",
        album,
        f"- Type: {rng.choice(TYPES)}",
        f"- Artist: {composer}",
        f"- Released: {released}",
        f"- Recorded: {year if rng.random() < 0.7 else year - 1}",
        f"- Genre: {', '.join(genre_items)}",
        f"- Length: {length(rng)}",
        f"- Label: {label}" + (f", {second_label}" if second_label else ""),
        f"- Producer: {', '.join(producers)}",
        "",
        f"{album} is the soundtrack album to the {year} film {film}. "
        f"The score was composed by {composer} and released by {label} on {released}. "
        "The album received mixed reviews.",
        "",
        "== Development ==",
    ]
    songs = []
    for _ in range(rng.randint(2, 6)):
        song = zipf_pick(rng, p.song_titles, 0.5)
        performer = zipf_pick(rng, p.performers)
        songs.append((song, performer))
        lines.append(
            f'The film features "{song}" by {performer}, which plays during one of its '
            f"{rng.choice(['opening', 'closing', 'central', 'quiet'])} scenes."
        )
    lines.append("")
    if rng.random() < 0.7:
        lines += ["== Charts ==", ""]
        weekly = rng.sample(p.charts, rng.randint(1, 6))
        lines += [f"  - Weekly chart performance for {album}**", ""]
        lines.append(f"| Chart ({year}) | Peak position |")
        lines += [f"| {chart} | {rng.randint(1, 200)} |" for chart in weekly]
        lines.append("")
        if rng.random() < 0.4:
            year_end = rng.sample(p.charts, rng.randint(1, 4))
            lines += [f"  - Year-end chart performance for {album}**", ""]
            lines.append(f"| Chart ({year}) | Position |")
            lines += [f"| {chart} | {rng.randint(1, 200)} |" for chart in year_end]
            lines.append("")
    if rng.random() < 0.6:
        lines += ["== Awards and nominations ==", ""]
        lines.append("| Award | Date of ceremony | Category | Recipients | Result | |")
        for award in rng.sample(p.awards, rng.randint(1, 8)):
            nominee = rng.choice([composer, film, f'"{songs[0][0]}" by {songs[0][1]}'])
            result = rng.choice(["Won", "Nominated", ""])
            lines.append(
                f"| {award} | {date(rng, year + 1)} | {rng.choice(CATEGORIES)} | {nominee} "
                f"| {result} | |"
            )
            if rng.random() < 0.15:  # a collapsed rowspan: the row continues the one above
                lines.append(f"| {rng.choice(CATEGORIES)} | {rng.choice(['Won', ''])} | | | | |")
        lines.append("")
    return "\n".join(lines) + "\n"


def generate(n: int, seed: int = 2011) -> dict[str, str]:
    """``n`` articles by file name; the same ``n`` and ``seed`` give the same texts."""
    rng = random.Random(seed)
    p = pools(rng, n)
    return {f"synth-{i:05d}.txt": article(rng, p, i) for i in range(1, n + 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int)
    parser.add_argument("dir", type=Path)
    parser.add_argument("--seed", type=int, default=2011)
    args = parser.parse_args()
    args.dir.mkdir(parents=True, exist_ok=True)
    for file, text in generate(args.n, args.seed).items():
        (args.dir / file).write_text(text, encoding="utf-8")
    print(f"wrote {args.n} articles to {args.dir}")


if __name__ == "__main__":
    main()
