"""docs/crosswalk.md carries the table of archmeta/crosswalk.py, which covers every field."""

from __future__ import annotations

from pathlib import Path

from archmeta.crosswalk import CROSSWALK, TEXT_SECTIONS, render_markdown
from archmeta.model import ArchivalRecord

DOC = Path(__file__).resolve().parent.parent / "docs" / "crosswalk.md"


def test_every_model_field_is_in_the_crosswalk_once():
    assert [m.field for m in CROSSWALK] == list(ArchivalRecord.model_fields)


def test_text_sections_name_model_fields():
    assert set(TEXT_SECTIONS.values()) <= set(ArchivalRecord.model_fields)


def test_doc_holds_the_current_table():
    assert render_markdown() in DOC.read_text(encoding="utf-8"), (
        "docs/crosswalk.md drifted: run python -m tools.make_docs"
    )
