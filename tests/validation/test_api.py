"""The validation trio on every kind of source: a path, text, bytes and an in-memory record."""

from __future__ import annotations

from pathlib import Path

import pytest

import archmeta
from archmeta.errors import UsageError
from archmeta.formats import text
from archmeta.model import ArchivalRecord
from archmeta.validation import is_valid, iter_issues, validate

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
SEED = EXAMPLES / "wilson-118189.txt"


def test_every_kind_of_source_gives_the_same_issues() -> None:
    document = SEED.read_text(encoding="utf-8").replace("April 30, 1962", "2999", 1)
    record = text.loads(document)
    by_text = [(i.rule, i.severity) for i in validate(document, format="text").issues]
    by_bytes = [(i.rule, i.severity) for i in validate(document.encode(), format="text").issues]
    by_record = [(i.rule, i.severity) for i in validate(record).issues]
    assert ("date-future", "error") in by_text
    assert by_text == by_bytes
    # The record knows no lines: the same rules, located by JSON Pointer instead.
    assert sorted(by_record) == sorted(by_text)
    assert all(i.pointer for i in validate(record).issues)


def test_a_path_is_read_and_named(tmp_path: Path) -> None:
    path = tmp_path / "cable.json"
    path.write_text('{"title": 3}', encoding="utf-8")
    report = validate(path)
    assert report.format == "json" and report.source == str(path)
    assert [(i.rule, i.pointer) for i in report.issues] == [("value-type", "/title")]
    assert report.issues[0].format().startswith(f"{path}#/title: error: ")


def test_the_trio_agrees() -> None:
    bad = '{"title": "Cable", "url": "javascript-free but no scheme"}'
    assert [i.rule for i in iter_issues(bad, format="json")] == [
        i.rule for i in validate(bad, format="json").issues
    ]
    assert is_valid('{"title": "Cable"}', format="json")
    assert not is_valid(bad, format="json")
    assert archmeta.validate is validate


def test_an_in_memory_record_is_checked_against_a_profile() -> None:
    record = ArchivalRecord(title="Cable")
    report = validate(record, profile="dc-minimal")
    assert [(i.rule, i.pointer) for i in report.issues] == [("required-field", "/identifier")]
    assert validate(record.model_copy(update={"identifier": "118189"}), profile="dc-minimal").ok


def test_a_missing_file_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="no such file"):
        validate("not/a/file.txt")
