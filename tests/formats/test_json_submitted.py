"""JSON as people really submit it: a list around the record, a date as a plain string,
misspelt members. Each message says what to write instead, and says it once."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from archmeta.validation import validate

SUBMITTED = Path(__file__).parent.parent / "fixtures" / "json" / "submitted"
EXPECTED = json.loads((SUBMITTED / "expected.json").read_text(encoding="utf-8"))


def test_every_fixture_has_an_expectation() -> None:
    assert sorted(EXPECTED) == sorted(
        p.name for p in SUBMITTED.glob("*.json") if p.stem != "expected"
    )


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_submitted_json_says_what_to_write(name: str) -> None:
    issues = sorted(validate(SUBMITTED / name, format="json").issues, key=lambda i: i.location)
    assert [(i.location, i.rule) for i in issues] == [(w, r) for w, r, _ in EXPECTED[name]]
    for issue, (_, _, words) in zip(issues, EXPECTED[name], strict=True):
        assert words in issue.message
        assert len(issue.message) < 200  # the known fields are not listed in every message


def test_the_top_level_array_message_does_not_quote_the_document() -> None:
    (issue,) = validate(SUBMITTED / "array-of-one-record.json", format="json").issues
    assert "Cable" not in issue.message
