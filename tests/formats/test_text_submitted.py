"""Records as people really submit them: mistyped headings, split headers, stray list items
and several problems at once, each reported at its line with the fix it needs.

Each fixture in ``tests/fixtures/text/submitted`` is the reference record with one realistic
mistake (or several); ``expected.json`` lists the issues ``validate`` must report, as
``[rule, severity, line]``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from archmeta import ArchivalRecord
from archmeta.errors import ParseError
from archmeta.formats import text
from archmeta.validation import validate

SUBMITTED = Path(__file__).parent.parent / "fixtures" / "text" / "submitted"
EXPECTED = json.loads((SUBMITTED / "expected.json").read_text(encoding="utf-8"))


def test_every_fixture_has_an_expectation() -> None:
    assert sorted(EXPECTED) == sorted(p.name for p in SUBMITTED.glob("*.txt"))


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_submitted_record_reports_every_problem_at_its_line(name: str) -> None:
    report = validate(SUBMITTED / name, format="text")
    found = [[i.rule, i.severity, i.line] for i in report.issues]
    assert found == EXPECTED[name]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_loads_raises_the_first_error_and_only_for_errors(name: str) -> None:
    errors = [issue for issue in EXPECTED[name] if issue[1] == "error"]
    if not errors:
        assert isinstance(text.load(SUBMITTED / name), ArchivalRecord)
        return
    first = errors[0]  # structure is read before values: a structural error comes first
    with pytest.raises(ParseError) as info:
        text.load(SUBMITTED / name)
    assert (info.value.rule, info.value.line) == (first[0], first[2])


@pytest.mark.parametrize(
    ("name", "meant"),
    [
        ("summary-colon-outside.txt", "**Summary:**"),
        ("summary-plain.txt", "**Summary:**"),
        ("summary-markdown-heading.txt", "**Summary:**"),
        ("summary-underscores.txt", "**Summary:**"),
        ("summary-on-one-line.txt", "**Summary:**"),
        ("summary-no-blank-line.txt", "**Summary:**"),
        ("summary-misspelt.txt", "**Summary:**"),
        ("citation-no-colon.txt", "**Citation:**"),
        ("original-language-case.txt", "**Original Language:**"),
        ("heading-in-body.txt", "**Summary:**"),
    ],
)
def test_a_mistyped_heading_names_the_heading_meant(name: str, meant: str) -> None:
    (issue,) = validate(SUBMITTED / name, format="text").issues
    assert meant in issue.message


def test_an_unknown_section_does_not_list_every_section() -> None:
    (issue,) = validate(SUBMITTED / "unknown-section.txt", format="text").issues
    assert "Citation" not in issue.message and "docs/formats/text.md" in issue.message


@pytest.mark.parametrize("name", ["summary-colon-outside.txt", "summary-on-one-line.txt"])
def test_the_record_read_past_a_near_miss_has_the_section_it_means(name: str) -> None:
    # The rules then check the record as it will be once the heading is fixed.
    decoded = text.read((SUBMITTED / name).read_bytes())
    assert decoded.error is not None and decoded.record is not None
    assert decoded.record.summary is not None
    assert decoded.record.summary.startswith("The Chinese Foreign Ministry alerts")
    assert decoded.record.body[0] == "[...]"


def test_every_problem_at_once_keeps_the_rest_of_the_record() -> None:
    decoded = text.read((SUBMITTED / "every-problem-at-once.txt").read_bytes())
    assert decoded.record is not None
    assert decoded.record.url is None  # refused, reported, left out
    assert decoded.record.credits is not None and decoded.record.date is not None


def test_a_header_split_by_a_blank_line_is_still_read() -> None:
    record = text.load(SUBMITTED / "header-split.txt")
    assert record.title == "April 30, 1962"
    assert record.body[0].startswith("**Cable from the Chinese Foreign Ministry")


@pytest.mark.parametrize(
    "paragraph",
    [
        "Summary:",
        "**Summary**:",
        "## Summary",
        "**Citation**",
        "**Summary:** text",
        "**Summary:**\nThe text.",
        "Note:",
        "**Sumary:**",
    ],
)
def test_a_body_paragraph_that_looks_like_a_heading_is_escaped_and_reads_back(
    paragraph: str,
) -> None:
    record = ArchivalRecord(title="Cable", body=[paragraph, "More."])
    written = text.dumps(record)
    assert text.loads(written) == record
    assert not validate(written, format="text").issues
