"""``dc.lost`` (what a conversion's ``[dropped]`` warning names) gives the fields that differ
between a record and its projection, without building the projection."""

from __future__ import annotations

import pytest
from hypothesis import given
from pydantic import ValidationError

from archmeta.formats import dc, get_format
from archmeta.model import ArchivalDate, ArchivalRecord, Language
from tests.strategies import records

FLAVOURS = ("oai_dc", "dcterms")


def differing(record: ArchivalRecord, flavour: str) -> list[str]:
    projected = dc.project(record, flavour)
    return [n for n in ArchivalRecord.model_fields if getattr(record, n) != getattr(projected, n)]


@pytest.mark.parametrize("flavour", FLAVOURS)
@given(record=records())
def test_lost_is_what_the_projection_changes(flavour: str, record: ArchivalRecord) -> None:
    assert dc.lost(record, flavour) == differing(record, flavour)
    assert get_format(flavour).lost(record) == differing(record, flavour)


CHANGED = [
    dict(identifiers=["http://a.org/b", "c"], url="ftp://x"),
    dict(identifier="http://a.org", identifiers=["http://b.org"]),
    dict(summary="a\nb", notes=["c"]),
    dict(translators=["t"], collections=["c"], citation="c", contents=["x"], body=["p"]),
    dict(languages=[Language(name="zh"), Language(name="Xyz", code="en")]),
    dict(languages=[Language(name="Chinese", code="zh"), Language(name="English", code="en-US")]),
    dict(date=ArchivalDate(text="1962", edtf="1963")),
    dict(date=ArchivalDate(text="gibberish", edtf="1962")),
    dict(date=ArchivalDate(text="April 30, 1962", edtf="1962-04-30")),
    dict(date=ArchivalDate(text="undated")),
]


@pytest.mark.parametrize("flavour", FLAVOURS)
@pytest.mark.parametrize("fields", CHANGED)
def test_lost_on_values_each_flavour_changes(flavour: str, fields: dict[str, object]) -> None:
    record = ArchivalRecord(title="T", **fields)  # type: ignore[arg-type]
    assert dc.lost(record, flavour) == differing(record, flavour)


@pytest.mark.parametrize(
    "fields",
    [
        # Translators join the contributors past the model's limit of a list.
        dict(contributors=["a"] * 6000, translators=["b"] * 6000),
        # The identifier and a URL that is no web address join the identifiers past the limit.
        dict(identifier="x", url="ftp://a.org/x", identifiers=[str(n) for n in range(10_000)]),
        # The first web address among the identifiers becomes a URL the model refuses.
        dict(identifiers=["http://a\x7fb", "c"]),
    ],
)
def test_a_projection_the_model_refuses_fails_as_project_does(fields: dict[str, object]) -> None:
    record = ArchivalRecord(title="T", **fields)  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        dc.project(record, "oai_dc")
    with pytest.raises(ValidationError):
        dc.lost(record, "oai_dc")
