"""The former home of the crosswalk table, kept so that old imports work.

The table is :data:`archmeta.mapping.MAPPING` now (structured cells per format, one row per
model field); this module only re-exports views of it.
"""

from __future__ import annotations

from .formats.text import TEXT_SECTIONS
from .mapping import MAPPING, FieldRow, render_markdown

__all__ = ["CROSSWALK", "TEXT_SECTIONS", "FieldMapping", "render_markdown"]

CROSSWALK: tuple[FieldRow, ...] = MAPPING.rows
"""The rows of the mapping table, in model order."""

FieldMapping = FieldRow
