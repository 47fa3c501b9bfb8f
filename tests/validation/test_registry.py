"""The rule registry: every rule has an example that reports it, every id the code reports is
registered, and docs/validation.md shows what the registry holds."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from archmeta.errors import UsageError
from archmeta.validation import RULES, validate
from archmeta.validation.reader_rules import UNTESTABLE
from archmeta.validation.registry import declare, render_markdown

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("rule_id", sorted(set(RULES) - UNTESTABLE))
def test_each_rule_example_reports_that_rule(rule_id: str) -> None:
    rule = RULES[rule_id]
    report = validate(
        rule.example.encode("utf-8"),
        format=rule.example_format or None,
        profile=rule.example_profile,
    )
    found = [i for i in report.issues if i.rule == rule_id]
    assert found, report.lines()
    # A readable record's issues take the rule's default severity.
    assert any(i.severity == rule.severity for i in found) or not report.ok


def test_untestable_examples_are_prose_for_a_reason() -> None:
    for rule_id in UNTESTABLE:
        assert RULES[rule_id].example_format == "", rule_id
        assert RULES[rule_id].example.strip(), rule_id


_EMITTED = re.compile(
    r"""rule\s*=\s*"([a-z][a-z0-9_-]*)"|Issue\([^()]*?,\s*"([a-z][a-z0-9-]+)"\s*[,)]"""
)


def test_every_rule_id_the_code_reports_is_registered() -> None:
    emitted = set()
    for path in (ROOT / "archmeta").rglob("*.py"):
        for m in _EMITTED.finditer(path.read_text(encoding="utf-8")):
            emitted.add(m.group(1) or m.group(2))
    emitted -= {"error"}  # ArchmetaError.issues of a bare error: a bug if it ever shows
    assert emitted, "the pattern found nothing: the test would pass for the wrong reason"
    assert sorted(emitted - set(RULES)) == []


def test_a_rule_id_registered_twice_is_an_error() -> None:
    with pytest.raises(UsageError, match="registered twice"):
        declare("date-future", "error", "again", "{}")


def test_docs_show_the_registry() -> None:
    doc = (ROOT / "docs" / "validation.md").read_text(encoding="utf-8")
    assert render_markdown() in doc, "docs/validation.md drifted: run python tools/make_docs.py"
