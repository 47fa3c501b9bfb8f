"""The published schemas: generated from the model / the package, and never drifting."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from archmeta.schema import JSON_SCHEMA_NAME, generated_files, json_schema, schema_text

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("name", sorted(generated_files()))
def test_published_schema_matches_the_package(name):
    expected = generated_files()[name]
    published = ROOT / "schemas" / name
    assert published.exists(), f"schemas/{name} is missing: run python -m archmeta.schema"
    assert published.read_text(encoding="utf-8") == expected, (
        f"schemas/{name} drifted: run python -m archmeta.schema"
    )
    assert schema_text(name) == expected, f"archmeta/schemas/{name} drifted from the model"


def test_no_stray_files_in_published_schemas():
    assert sorted(p.name for p in (ROOT / "schemas").iterdir()) == sorted(generated_files())


def test_json_schema_is_a_valid_draft_2020_12_schema():
    Draft202012Validator.check_schema(json_schema())


@pytest.mark.parametrize("path", sorted((ROOT / "examples").glob("*.json")), ids=lambda p: p.name)
def test_committed_schema_validates_every_example(path):
    schema = json.loads((ROOT / "schemas" / JSON_SCHEMA_NAME).read_text(encoding="utf-8"))
    validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    errors = list(validator.iter_errors(json.loads(path.read_text(encoding="utf-8"))))
    assert errors == []
