"""Parsing citations and credits."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from archmeta.citation import parse_citation, parse_funders
from archmeta.model import LINE_PATTERN

PUB = "History and Public Policy Program Digital Archive"


@pytest.mark.parametrize(
    ("citation", "date", "source", "translators"),
    [
        (
            f'"A cable," April 30, 1962, {PUB}, PRC FMA 118-01154-05, 28. '
            "Translated by Charles Kraus.",
            "April 30, 1962",
            "PRC FMA 118-01154-05, 28",
            ["Charles Kraus"],
        ),
        (
            f'"A letter," 1962, {PUB}, RGANI, f. 5, op. 30, d. 335. '
            "Translated by Gary Goldberg and Sergey S. Radchenko.",
            "1962",
            "RGANI, f. 5, op. 30, d. 335",
            ["Gary Goldberg", "Sergey S. Radchenko"],
        ),
        (
            f'"A report," March 1962, {PUB}, Fond 1. Translated for NKIDP by Kevin Shepard.',
            "March 1962",
            "Fond 1",
            ["Kevin Shepard"],
        ),
        (
            f'"A note," 1955, {PUB}, Fond 2. Obtained and translated by Ana Lalaj, Christian '
            "Ostermann, and Ryan Gage.",
            "1955",
            "Fond 2",
            ["Ana Lalaj", "Christian Ostermann", "Ryan Gage"],
        ),
        (f'"No translator," 1955, {PUB}, Fond 3.', "1955", "Fond 3", []),
    ],
)
def test_parse_citation(citation, date, source, translators):
    parts = parse_citation(citation, date)
    assert parts.publisher == PUB
    assert parts.source == source
    assert parts.translators == translators
    assert parts.title is not None


def test_citation_without_known_shape_gives_nothing_not_an_error():
    parts = parse_citation("Some free-form reference", None)
    assert parts.publisher is None and parts.translators == []


@pytest.mark.parametrize(
    ("credits", "funders"),
    [
        (
            "This document was made possible with support from the MacArthur Foundation and the "
            "Henry Luce Foundation.",
            ["MacArthur Foundation", "Henry Luce Foundation"],
        ),
        (
            "Made possible with support from the Bill and Melinda Gates Foundation.",
            ["Bill and Melinda Gates Foundation"],
        ),
        (
            "Funded by the Korea Foundation, the Smith Richardson Foundation, and Unesco.",
            ["Korea Foundation", "Smith Richardson Foundation", "Unesco"],
        ),
        ("No funder is named here.", []),
    ],
)
def test_parse_funders(credits, funders):
    assert parse_funders(credits) == funders


_CASES = Path(__file__).parent / "fixtures" / "values" / "citations"


@pytest.mark.parametrize("path", sorted(_CASES.glob("*.json")), ids=lambda p: p.stem)
def test_citation_cases(path: Path) -> None:
    """One realistic citation per file: "translators" is required; "publisher" and "source"
    are checked when the file gives them. A new case is a new file."""
    case = json.loads(path.read_text(encoding="utf-8"))
    parts = parse_citation(case["citation"], case.get("date"))
    assert parts.translators == case["translators"]
    for key in ("publisher", "source"):
        if key in case:
            assert getattr(parts, key) == case[key]


def test_the_example_record_keeps_its_translator() -> None:
    from archmeta.formats import text

    record = text.load(Path(__file__).parent.parent / "examples" / "wilson-118189.txt")
    assert record.translators == ["Charles Kraus"]


def _seconds(function: Callable[[str], object], value: str) -> float:
    best = float("inf")
    for _ in range(7):
        started = time.process_time()
        function(value)
        best = min(best, time.process_time() - started)
    return best


@pytest.mark.parametrize(
    "unit",
    [
        "translated for ",  # 8,000 of these took 26 s
        "Translated by A. ",
        "translation of the ",
        "with support from ",
        "A, B and ",
        "Fond 1. ",
    ],
)
def test_parsing_grows_linearly(unit: str) -> None:
    def parse(value: str) -> object:
        return parse_citation(value, None), parse_funders(value)

    small, large = unit * 2_000, unit * 16_000
    ratio = _seconds(parse, large) / max(_seconds(parse, small), 1e-6)
    assert ratio < 20, ratio


_PIECES = st.sampled_from(
    ["Translated", "translated", "translation", " by ", " and ", " edited", " for ", ", ", ". ",
     "(", ")", ";", "Charles Kraus", "B.", "the", "Archive", "1962", "\t", "  ", "é", "中文", "&"]
)  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(st.lists(_PIECES, max_size=14).map("".join))
def test_what_is_read_from_a_citation_is_always_a_line(citation: str) -> None:
    """The text reader stores what is read here in Line fields: it must never break the model."""
    line = re.compile(LINE_PATTERN)
    parts = parse_citation(citation, None)
    for value in [*parts.translators, parts.publisher, parts.source, parts.title]:
        assert value is None or line.search(value), value
    for funder in parse_funders(citation):
        assert line.search(funder), funder
