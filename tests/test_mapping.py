"""The mapping table (archmeta.mapping): one row per model field, and docs/crosswalk.md shows it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from archmeta.mapping import (
    MAPPING,
    TEXT,
    Column,
    MappingTable,
    TeiCell,
    TextCell,
    render_markdown,
)
from archmeta.model import ArchivalRecord

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "crosswalk.md"


def test_every_model_field_has_one_row_in_model_order():
    assert [row.field for row in MAPPING] == list(ArchivalRecord.model_fields)


def test_every_row_has_a_cell_for_every_column():
    names = {column.name for column in MAPPING.columns}
    assert names == {"text", "tei", "oai_dc", "dcterms", "dspace-saf", "omeka-csv"}
    for row in MAPPING:
        assert set(row.cells) == names, row.field


def test_doc_holds_the_current_table():
    assert render_markdown() in DOC.read_text(encoding="utf-8"), (
        "docs/crosswalk.md drifted: run python -m tools.make_docs"
    )


def test_module_prints_the_table():
    out = subprocess.run(
        [sys.executable, "-m", "archmeta.mapping"],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    ).stdout
    assert out == render_markdown()


def test_the_old_crosswalk_module_still_imports():
    from archmeta import crosswalk
    from archmeta.formats.text import TEXT_SECTIONS

    assert [m.field for m in crosswalk.CROSSWALK] == list(ArchivalRecord.model_fields)
    assert crosswalk.TEXT_SECTIONS is TEXT_SECTIONS
    assert crosswalk.render_markdown() == render_markdown()


# ------------------------------------------------------------------------- adding a column


def _copy() -> MappingTable:
    return MappingTable(MAPPING.columns, MAPPING.rows)


def test_a_new_format_adds_one_column_without_touching_the_others():
    table = _copy()
    cells = {name: TeiCell(f"dc.{name}", path=name) for name in ArchivalRecord.model_fields}
    cells["body"] = None
    table.add_column(Column("saf", "DSpace SAF"), cells)
    assert [c.name for c in table.columns][-1] == "saf"
    assert table.row("title").cell("saf") == cells["title"]
    assert table.row("title").cell(TEXT) == MAPPING.row("title").cell(TEXT)
    markdown = render_markdown(table)
    assert "| DSpace SAF |" in markdown.splitlines()[0]
    assert "| dc.title |" in markdown
    # the shared table is not changed by a copy's new column
    assert "saf" not in {c.name for c in MAPPING.columns}


def test_a_column_must_give_every_field_a_cell():
    table = _copy()
    with pytest.raises(ValueError, match="missing \\['body'\\]"):
        table.add_column(
            Column("csv", "Omeka S CSV"),
            {name: None for name in ArchivalRecord.model_fields if name != "body"},
        )


def test_a_column_name_is_taken_once():
    table = _copy()
    with pytest.raises(ValueError, match="already has a column 'tei'"):
        table.add_column(Column("tei", "TEI again"), dict.fromkeys(ArchivalRecord.model_fields))


def test_a_row_without_a_cell_for_a_column_is_refused():
    row = MAPPING.row("title")
    broken = type(row)(row.field, row.why, {k: v for k, v in row.cells.items() if k != "tei"})
    with pytest.raises(ValueError, match="'title' has cells"):
        MappingTable(MAPPING.columns, (broken,))


def test_text_sections_are_ordered_and_unique():
    cells = [c for c in MAPPING.cells(TEXT).values() if isinstance(c, TextCell)]
    sections = [c for c in cells if c.section is not None]
    assert len({c.section for c in sections}) == len(sections)
    assert sorted(c.order for c in sections if c.order is not None) == list(range(len(sections)))
    # cells without a section of their own are not ordered among the sections
    assert all(c.order is None for c in cells if c.section is None)


def test_cells_are_read_only():
    with pytest.raises(TypeError):
        MAPPING.row("title").cells["tei"] = None  # type: ignore[index]


@pytest.mark.parametrize("column", ["dspace-saf", "omeka-csv"])
def test_package_pages_hold_the_current_reasons(column: str) -> None:
    from archmeta.mapping._packages import render_reasons

    page = DOC.parent / "formats" / f"{column}.md"
    assert render_reasons(column) in page.read_text(encoding="utf-8"), (
        f"{page.name} drifted: run python -m tools.make_docs"
    )
