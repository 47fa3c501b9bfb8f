"""The model's string rules, against a plain-Python statement of what they mean."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from archmeta.model import (
    LANGUAGE_NAME_PATTERN,
    LINE_PATTERN,
    PARAGRAPH_PATTERN,
    ArchivalDate,
    ArchivalRecord,
    Language,
)

_EXCLUDED = {chr(c) for c in [*range(0x00, 0x09), *range(0x0A, 0x20)]} | {"\ufffe", "\uffff"}


def is_line(s: str) -> bool:
    return bool(s) and s == s.strip() and not any(c in _EXCLUDED for c in s)


def is_paragraph(s: str) -> bool:
    return all(is_line(line) for line in s.split("\n"))


_tricky = st.text(
    alphabet=st.sampled_from(
        ["a", "Ж", " ", "\t", "\n", "\r", "\x0b", "\x1f", "\x7f", "\x85", "\xa0", "\u2028",
         "\u3000", "\ufffe", ",", ";", "\\", "*"]
    ),
    max_size=8,
)  # fmt: skip


@given(_tricky)
def test_patterns_mean_what_the_docs_say(s: str) -> None:
    assert bool(re.search(LINE_PATTERN, s)) == is_line(s)
    assert bool(re.search(PARAGRAPH_PATTERN, s)) == is_paragraph(s)
    assert bool(re.search(LANGUAGE_NAME_PATTERN, s)) == (is_line(s) and not set(s) & {",", ";"})


def test_patterns_run_in_linear_time() -> None:
    """An adversarial value (white space at the end of a long line) is refused quickly: the
    patterns have no nested unbounded look-aheads that backtrack quadratically."""
    import time

    value = "a " * 50_000 + " "
    started = time.perf_counter()
    assert re.search(PARAGRAPH_PATTERN, value) is None
    assert time.perf_counter() - started < 0.5


@pytest.mark.parametrize(
    "bad",
    [
        {"title": ""},
        {"title": "two\nlines"},
        {"title": "trailing newline\n"},
        {"title": " leading space"},
        {"title": "bell \x07"},
        {"title": "ok", "body": ["blank\n\nline"]},
        {"title": "ok", "date": {"text": "x", "edtf": "1962-13"}},
        {"title": "ok", "original_languages": [{"name": "Russian, German"}]},
        {"title": "ok", "original_languages": [{"name": "Russian", "code": "not a tag"}]},
        {"title": "ok", "url": "not a url"},
        {"title": "ok", "unknown_field": 1},
    ],
)
def test_model_refuses(bad: dict) -> None:
    with pytest.raises(ValidationError):
        ArchivalRecord.model_validate(bad)


def test_defaults_and_builders() -> None:
    record = ArchivalRecord(title="T")
    assert record.body == [] and record.date is None and record.translators == []
    assert ArchivalDate.from_text("March 1962") == ArchivalDate(text="March 1962", edtf="1962-03")
    assert Language.from_name("Farsi") == Language(name="Farsi", code="fa")
