"""Deterministic synthetic archival records, built as archmeta objects.

The same ``(count, seed, paragraphs)`` gives the same records on any machine. Records follow the
Digital Archive layout of the seed (``shared/seeds/wilson-118189.txt``): every date form the
archive writes (full, partial, year, range, circa, undated), one to three original languages,
zero to two translators named in the citation, funders named in the credits, and bodies of
3-30 paragraphs carrying the editors' bracket marks (``[...]``, ``[illegible]``, ``[sic]``,
supplied words). Each record is written with archmeta's text writer and read back, so the
fields archmeta derives from the citation and credits (publisher, source, translators, funders)
are filled exactly as archmeta fills them for real input.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from . import subject

MONTHS = [
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
]  # fmt: skip
KINDS = [
    "Cable", "Telegram", "Memorandum of Conversation", "Record of Conversation", "Letter",
    "Report", "Minutes of Meeting", "Information Note", "Diary Entry", "Speech",
]  # fmt: skip
SENDERS = [
    "the Chinese Foreign Ministry", "the Soviet Embassy in Beijing", "Zhou Enlai",
    "the Hungarian Embassy in Pyongyang", "Władysław Gomułka", "the GDR Ministry for State "
    "Security", "Nicolae Ceaușescu", "the Czechoslovak Foreign Ministry", "Lê Duẩn",
    "the Polish Embassy in Hanoi", "János Kádár", "the Korean Workers' Party CC",
]  # fmt: skip
TOPICS = [
    "the Border Question", "Economic & Technical Aid", "the Withdrawal of Specialists",
    "the 'Hundred Flowers' Campaign", "Grain Deliveries", "the Armistice Talks",
    "the \"Open Letter\" of the CPSU", "Frontier Incidents on the Ussuri River",
    "Preparations for the Geneva Conference", "the Situation in the Taiwan Strait",
]  # fmt: skip
LANGUAGES = [
    "Chinese", "Russian", "German", "Hungarian", "Polish", "Romanian", "Korean",
    "Vietnamese", "Czech", "Bulgarian", "French", "Mongolian", "Albanian", "Spanish",
]  # fmt: skip
TRANSLATORS = [
    "Charles Kraus", "Gary Goldberg", "Sergey Radchenko", "Balázs Szalontai",
    "Jakub Tyszkiewicz", "Mircea Munteanu", "Nguyễn Thị Hương", "Oldřich Tůma",
]  # fmt: skip
FUNDERS = [
    "MacArthur Foundation", "Henry Luce Foundation", "Leon Levy Foundation",
    "Korea Foundation", "Carnegie Corporation of New York",
]  # fmt: skip
ARCHIVES = ["PRC FMA", "AVPRF f.", "MOL, XIX-J-1-j Korea,", "AAN, KC PZPR, XI A/", "SAPMO-BArch"]
CONTENTS = ["Original Scan", "Transcript", "Original Language Transcription"]
MARKS = [
    "[...]", "[...]", "[illegible]", "[illegible]", "[sic]", "[April]", "[the Soviet Union]",
    "[Zhou Enlai]", "[1962]", "[Note: handwritten in the margin]",
]  # fmt: skip
WORDS = (
    "the of and to in a that for on with was as by comrade delegation government party "
    "embassy ambassador minister question situation relations cooperation agreement meeting "
    "conversation proposal fraternal struggle peace border troops aid economic military "
    "technical specialists negotiations position statement central committee secretary "
    "premier informed stated stressed noted expressed regarding necessary important serious "
    "immediately further however therefore conference plenum resolution report telegram "
    "Moscow Beijing Pyongyang Hanoi Warsaw Budapest Berlin Prague Havana Geneva grain steel "
    "machinery credits delivery shipment intelligence security incident protest reply émigrés "
    "revisionist unity percent tons rubles yuan"
).split()

# Date forms with their share of records; "undated" is written as the word itself.
DATE_FORMS = [
    ("full", 50), ("day-first", 5), ("month", 12), ("year", 10), ("range", 8), ("circa", 8),
    ("decade", 3), ("undated", 4),
]  # fmt: skip


@dataclass(frozen=True)
class CorpusSpec:
    """What to generate: how many records, from which seed, with how many body paragraphs."""

    count: int
    seed: int = 1962
    paragraphs: tuple[int, int] = (3, 30)


def written_date(rng: random.Random) -> str:
    """One date as the archive writes it, in a form drawn by the shares in DATE_FORMS."""
    form = rng.choices([f for f, _ in DATE_FORMS], weights=[w for _, w in DATE_FORMS])[0]
    year, month, day = rng.randint(1945, 1991), rng.randint(1, 12), rng.randint(1, 28)
    name = MONTHS[month - 1]
    return {
        "full": f"{name} {day}, {year}",
        "day-first": f"{day} {name} {year}",
        "month": f"{name} {year}" if rng.random() < 0.7 else f"{name}, {year}",
        "year": str(year),
        "range": f"{year}-{min(year + rng.randint(1, 5), 1991)}",
        "circa": rng.choice(["c. ", "circa ", "ca. "]) + str(year),
        "decade": f"{year // 10 * 10}s",
        "undated": "undated",
    }[form]


def _sentence(rng: random.Random) -> str:
    words = rng.choices(WORDS, k=rng.randint(6, 26))
    if rng.random() < 0.35:  # about a third of sentences carry an editorial mark
        words.insert(rng.randrange(len(words) + 1), rng.choice(MARKS))
    sentence = " ".join(words)
    return sentence[0].upper() + sentence[1:] + rng.choice("....;?")


def _paragraph(rng: random.Random) -> str:
    return " ".join(_sentence(rng) for _ in range(min(1 + int(rng.expovariate(0.4)), 12)))


def _citation(title: str, date: str, source: str, translators: list[str]) -> str:
    cited = f'"{title}," {date}, History and Public Policy Program Digital Archive, {source}.'
    return cited + (f" Translated by {' and '.join(translators)}." if translators else "")


def build(number: int, rng: random.Random, paragraphs: tuple[int, int]) -> subject.ArchivalRecord:
    """One record as an archmeta object (not yet canonical: see :func:`generate`)."""
    identifier = str(100000 + number)
    date = written_date(rng)
    sender, topic = rng.choice(SENDERS), rng.choice(TOPICS)
    title = f"{rng.choice(KINDS)} from {sender[0].upper() + sender[1:]}, '{topic}'"
    source = f"{rng.choice(ARCHIVES)} {rng.randint(1, 700)}-{rng.randint(0, 2000):05d}, {number}"
    translators = rng.sample(TRANSLATORS, rng.choices((0, 1, 2), weights=(3, 6, 1))[0])
    funders = rng.sample(FUNDERS, rng.randint(1, 2))
    languages = rng.sample(LANGUAGES, rng.choices((1, 2, 3), weights=(7, 2, 1))[0])
    low, high = paragraphs
    # publisher, source, translators and funders are what archmeta derives from the citation
    # and the credits: given the same values, the text writer needs no override sections.
    return subject.ArchivalRecord(
        url=f"http://digitalarchive.wilsoncenter.org/document/{identifier}",
        date=subject.make_date(date),
        title=title,
        citation=_citation(title, date, source, translators),
        publisher="History and Public Policy Program Digital Archive",
        source=source,
        translators=translators,
        funders=funders,
        summary=" ".join(_sentence(rng) for _ in range(rng.randint(1, 4))),
        credits="This document was made possible with support from the "
        + " and the ".join(funders)
        + ".",
        original_languages=[subject.make_language(name) for name in languages],
        contents=["English Translation", *rng.sample(CONTENTS, rng.randint(0, 2))],
        body=[_paragraph(rng) for _ in range(rng.randint(low, high))],
    )


def generate(spec: CorpusSpec) -> list[subject.ArchivalRecord]:
    """``spec.count`` canonical records: built, written as text by archmeta and read back."""
    rng = random.Random(spec.seed)
    records = []
    for number in range(spec.count):
        built = build(number, rng, spec.paragraphs)
        records.append(subject.READERS["text"](subject.WRITERS["text"](built)))
    return records


def describe(records: list[subject.ArchivalRecord]) -> str:
    """One line on the corpus' size, for the report header."""
    if not records:
        return "0 records"
    paragraphs = sum(len(r.body) for r in records) / len(records)
    chars = sum(len(p) for r in records for p in r.body) / len(records)
    return f"{len(records)} records, {paragraphs:.1f} body paragraphs, {chars:.0f} body chars each"
