"""JSON: key order, all problems at once with JSON Pointers, syntax errors with line:column."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from archmeta.errors import ParseError, ValidationError
from archmeta.formats import json as json_format
from archmeta.model import ArchivalRecord
from tests.strategies import records

ROOT = Path(__file__).resolve().parent.parent.parent
BAD = ROOT / "tests" / "fixtures" / "json" / "bad"
EXPECTED = json.loads((BAD / "expected.json").read_text(encoding="utf-8"))
PUBLISHED_SCHEMA = json.loads((ROOT / "schemas" / "archival-record.schema.json").read_text())


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_bad_json_reports_every_problem_with_its_pointer(name):
    with pytest.raises(ValidationError) as info:
        json_format.load(BAD / name)
    assert [issue.pointer for issue in info.value.issues] == EXPECTED[name]
    assert all(issue.severity == "error" and issue.rule for issue in info.value.issues)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_published_schema_rejects_bad_json_at_the_same_places(name):
    """The committed schema, used by a plain jsonschema validator, agrees with archmeta."""
    validator = Draft202012Validator(
        PUBLISHED_SCHEMA, format_checker=Draft202012Validator.FORMAT_CHECKER
    )
    data = json.loads((BAD / name).read_text(encoding="utf-8"))
    errors = list(validator.iter_errors(data))
    assert errors
    raw = ["".join(f"/{part}" for part in e.absolute_path) for e in errors]
    # jsonschema reports a missing or unknown member (and a bad nullable value) at the object
    # that holds it; archmeta points at the member itself, one level deeper.
    for expected in EXPECTED[name]:
        assert any(expected == r or expected.startswith(r + "/") for r in raw), (expected, raw)


def test_every_bad_fixture_has_an_expectation():
    assert sorted(EXPECTED) == sorted(
        p.name for p in BAD.glob("*.json") if p.name != "expected.json"
    )


@pytest.mark.parametrize(
    ("text", "line", "column"),
    [('{\n  "title": "a",,\n}', 2, 16), ("", 1, 1), ('{"title": "a"', 1, 14), ("nul\x00", 1, 1)],
)
def test_json_syntax_error_has_line_and_column(text, line, column):
    with pytest.raises(ParseError) as info:
        json_format.loads(text)
    assert (info.value.line, info.value.column) == (line, column)


def test_edtf_checked_beyond_the_schema():
    with pytest.raises(ValidationError) as info:
        json_format.loads('{"title": "a", "date": {"text": "x", "edtf": "1962-13"}}')
    assert [i.pointer for i in info.value.issues] == ["/date/edtf"]


def test_keys_follow_the_model_field_order_and_defaults_are_left_out(wilson_text):
    from archmeta.formats import text

    data = json.loads(json_format.dumps(text.loads(wilson_text)))
    order = list(ArchivalRecord.model_fields)
    assert list(data) == sorted(data, key=order.index)
    assert "identifier" not in data and "subjects" not in data
    assert list(data["date"]) == ["text", "edtf"]


def test_schema_property_order_is_the_model_order():
    assert list(PUBLISHED_SCHEMA["properties"]) == list(ArchivalRecord.model_fields)
    assert PUBLISHED_SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert PUBLISHED_SCHEMA["$id"].endswith("/archival-record.schema.json")
    assert PUBLISHED_SCHEMA["title"] and PUBLISHED_SCHEMA["description"]
    assert all("description" in p for p in PUBLISHED_SCHEMA["properties"].values())


_json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(
            st.sampled_from([*ArchivalRecord.model_fields, "text", "edtf", "name", "code", "x"]),
            inner,
            max_size=6,
        )
    ),
    max_leaves=20,
)


@given(_json_values)
def test_arbitrary_json_gives_a_record_or_a_validation_error(data):
    try:
        record = json_format.from_data(data)
    except ValidationError as exc:
        assert exc.issues and all(issue.pointer is not None for issue in exc.issues)
    else:
        assert json_format.from_data(json_format.to_data(record)) == record


@given(st.binary(max_size=200))
def test_arbitrary_bytes_give_only_archmeta_errors(data):
    try:
        json_format.loads(data)
    except (ParseError, ValidationError) as exc:
        assert exc.issues


@given(records())
def test_strict_fast_path_and_schema_agree(record):
    """What the model accepts strictly, the published schema accepts too (so skipping the
    schema check for valid data loses nothing)."""
    validator = Draft202012Validator(
        PUBLISHED_SCHEMA, format_checker=Draft202012Validator.FORMAT_CHECKER
    )
    data = json_format.to_data(record)
    assert ArchivalRecord.model_validate(data, strict=True) == record
    assert list(validator.iter_errors(data)) == []


def test_an_integer_too_long_for_python_is_a_parse_error_at_its_place():
    # Python refuses to convert integers of more than 4300 digits: that was a bare ValueError.
    digits = "9" * 5000
    text = (
        '{\n  "title": "T",\n  "body": ["' + "1" * 6000 + '"],\n  "identifier": -' + digits + "\n}"
    )
    with pytest.raises(ParseError) as info:
        json_format.loads(text)
    assert (info.value.line, info.value.column) == (4, 18)
    assert info.value.rule == "json-syntax"


def test_a_key_twice_in_one_object_is_refused_at_its_second_place():
    text = '{"title": "A",\n "date": {"text": "x", "text": "y"},\n  "title": "B"}'
    with pytest.raises(ParseError) as info:
        json_format.loads(text)
    assert (info.value.rule, info.value.line, info.value.column) == ("json-duplicate-key", 2, 24)
