"""Parsing citations and credits."""

from __future__ import annotations

import pytest

from archmeta.citation import parse_citation, parse_funders

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
