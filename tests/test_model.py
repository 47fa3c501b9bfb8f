"""The model's string rules, against a plain-Python statement of what they mean."""

from __future__ import annotations

import json
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
        {"title": "ok", "url": "https://example.org/\x01x"},
        {"title": "ok", "url": "https://example.org/x\x7f"},
        {"title": "ok", "url": "https://example.org/x\n"},
        {"title": "ok", "url": "https://example.org/\ud800"},
        {"title": "lone \udc00 surrogate"},
        {"title": "ok", "body": ["a\ud83d"]},
        {"title": "ok", "original_languages": [{"name": "Russian", "code": "ru\n"}]},
        {"title": "ok", "date": {"text": "1962", "edtf": "1962\n"}},
        {"title": "ok", "date": {"text": "x", "edtf": "{1962,1963}"}},
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


def test_every_pattern_has_words() -> None:
    from archmeta.model import (
        DATESTAMP_PATTERN,
        EDTF_PATTERN,
        LANGUAGE_TAG_PATTERN,
        PATTERN_WORDS,
        URL_PATTERN,
    )

    patterns = {LINE_PATTERN, PARAGRAPH_PATTERN, LANGUAGE_NAME_PATTERN, LANGUAGE_TAG_PATTERN}
    assert patterns | {URL_PATTERN, EDTF_PATTERN, DATESTAMP_PATTERN} == set(PATTERN_WORDS)
    assert all(words.startswith("must ") for words in PATTERN_WORDS.values())
    schema_patterns = set(re.findall(r'"pattern": "((?:[^"\\\\]|\\\\.)*)"', _schema_text()))
    assert {json.loads(f'"{p}"') for p in schema_patterns} <= set(PATTERN_WORDS)


def _schema_text() -> str:
    from archmeta.schema import render_json_schema

    return render_json_schema()


def test_help_shows_words_not_regular_expressions() -> None:
    import pydoc

    text = pydoc.render_doc(ArchivalRecord, renderer=pydoc.plaintext)
    assert "\\x00" not in text and "StringConstraints" not in text
    assert "title: Line," in text and "url: Url | None = None" in text
    assert "Line: must be one non-empty line" in text
    assert "translators (list[Line]): People who translated the document." in text


def test_the_json_schema_keeps_its_short_descriptions() -> None:
    from archmeta.schema import build_json_schema

    date = build_json_schema()["$defs"]["ArchivalDate"]
    assert "Fields:" not in date["description"]


_SCHEMA_CASES = [
    {"title": "T"},
    {"title": "T", "url": "https://digitalarchive.wilsoncenter.org/document/118189"},
    {"title": "T", "url": "https://example.org/\x01"},
    {"title": "T", "url": "https://example.org/x\n"},
    {"title": "T", "url": "no scheme"},
    {"title": "two\nlines"},
    {"title": " lead"},
    {"title": "bell\x07"},
    {"title": "non-character \uffff"},
    {"title": "T", "body": ["a\nb", "c"]},
    {"title": "T", "body": ["a\n\nb"]},
    {"title": "T", "date": {"text": "April 30, 1962", "edtf": "1962-04-30"}},
    {"title": "T", "original_languages": [{"name": "Chinese", "code": "zh"}]},
    {"title": "T", "original_languages": [{"name": "Chinese", "code": "zh\n"}]},
    {"title": "T", "original_languages": [{"name": "a, b"}]},
    {"title": "Ж 中文 \U0001f600 tab\tinside"},
]


@pytest.mark.parametrize("instance", _SCHEMA_CASES)
def test_the_schema_compiles_and_agrees_with_the_model_in_python_and_rust(instance: dict) -> None:
    import jsonschema
    import jsonschema_rs

    from archmeta.schema import build_json_schema

    schema = build_json_schema()
    try:
        ArchivalRecord.model_validate(instance)
        model_ok = True
    except ValidationError:
        model_ok = False
    python = jsonschema.Draft202012Validator(schema)
    rust = jsonschema_rs.validator_for(schema)
    assert python.is_valid(instance) == model_ok
    assert rust.is_valid(instance) == model_ok
    assert rust.is_valid(json.loads(json.dumps(instance))) == model_ok


def test_lone_surrogates_cannot_reach_rust_and_the_model_refuses_them() -> None:
    """The schema leaves surrogates to the model (Rust cannot compile a surrogate range): a JSON
    '\\ud800' escape cannot even be decoded by jsonschema-rs, and the model refuses it."""
    import jsonschema_rs

    from archmeta.schema import build_json_schema

    text = '{"title": "a\\ud800"}'
    rust = jsonschema_rs.validator_for(build_json_schema())
    with pytest.raises(Exception):  # noqa: B017 - the error type is the binding's own
        rust.is_valid(json.loads(text))
    with pytest.raises(ValidationError):  # pydantic's JSON reader refuses the escape too
        ArchivalRecord.model_validate_json(text)
    record = ArchivalRecord(title="T")
    with pytest.raises(ValidationError, match="string_unicode"):
        record.url = "https://example.org/\udfff"  # and so does assignment
    with pytest.raises(ValidationError, match="string_unicode"):
        ArchivalRecord.model_validate(json.loads(text))  # Python's json module decodes it


def test_a_refused_string_is_told_in_words_not_as_a_regular_expression() -> None:
    import pydantic

    from archmeta.model import PATTERN_WORDS, URL_PATTERN

    with pytest.raises(pydantic.ValidationError) as info:
        ArchivalRecord(title=" Cable", url="not a url", date={"text": "x", "edtf": "1962-13"})
    shown = str(info.value)
    assert "\\x00" not in shown and "match pattern" not in shown
    assert PATTERN_WORDS[URL_PATTERN] in shown
    assert "not a valid EDTF value" in shown  # other errors keep pydantic's words
    kinds = {
        e["loc"]: (e["type"], (e.get("ctx") or {}).get("pattern")) for e in info.value.errors()
    }
    assert kinds[("url",)] == ("string_pattern_mismatch", URL_PATTERN)  # for code that reads them


@pytest.mark.parametrize("fmt", ["json", "text", "tei", "oai_dc", "dcterms", "omeka-csv"])
def test_a_list_over_its_limit_is_refused_in_every_format(fmt: str) -> None:
    from archmeta.formats import get_format
    from archmeta.model import MAX_ITEMS, ArchivalRecord

    codec = get_format(fmt)
    subjects = [f"Subject {n}" for n in range(MAX_ITEMS + 1)]
    document = codec.write(ArchivalRecord.model_construct(title="Many", subjects=subjects))
    decoded = codec.read(document, "many")
    assert decoded.usable is None
    (issue,) = [i for i in decoded.issues if i.rule == "too-many-items"]
    assert issue.severity == "error" and f"{MAX_ITEMS + 1:,} values" in issue.message
    assert issue.pointer == "/subjects" or issue.line is not None
    # At the limit, the record is read.
    at_limit = ArchivalRecord.model_construct(title="Many", subjects=subjects[:MAX_ITEMS])
    assert codec.read(codec.write(at_limit), "many").usable is not None


def test_a_json_list_over_its_limit_is_one_issue_and_the_rest_is_still_checked() -> None:
    from archmeta.formats import get_format

    # A million values, each refused: one issue for the list, not a million, and the first
    # values past the cut are checked like the others.
    document = json.dumps({"title": "T", "subjects": [" s"] * 1_000_000, "summary": 3})
    issues = get_format("json").read(document, "x.json").issues
    assert [i.rule for i in issues[:1]] == ["too-many-items"]
    assert issues[0].pointer == "/subjects" and "1,000,000 values" in issues[0].message
    assert len(issues) == 1 + 10_000 + 1  # each value up to the limit, and the summary
    assert {i.rule for i in issues[1:]} == {"value-invalid", "value-type"}
