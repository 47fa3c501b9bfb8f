"""The field mapping between formats: one table, one row per model field.

Each :class:`FieldRow` names a field of :class:`~archmeta.model.ArchivalRecord`, says why it is
mapped as it is, and holds one cell per format column, keyed by the column's name. A cell is
structured data the format modules read (section names, XPath strings, element names, the
order things are written in) together with the prose ``docs/crosswalk.md`` shows; ``None``
means the format cannot hold the field.

The format modules take their names from here: the plain-text sections
(:mod:`archmeta.formats.text`), TEI's ``FIELD_PATHS`` and the Dublin Core writer, reader and
projection (:mod:`archmeta.formats.dc`). Value transforms that are genuinely code (date text
versus EDTF, language names and codes, splitting identifiers and descriptions) stay in the
format modules, which look the element names up here.

A new format says what it keeps by adding one column: a :class:`Column` and a cell for every
field, given to :meth:`MappingTable.add_column` (a plugin does this when its module is
imported), without touching the other columns. ``python -m archmeta.mapping`` prints the table
as Markdown; ``python -m tools.make_docs`` writes it into ``docs/crosswalk.md``, and a test fails
when that page drifts from the table.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import replace
from types import MappingProxyType

from ._cells import (
    DCTERMS,
    LOST,
    OAI_DC,
    TEI,
    TEXT,
    Cell,
    Column,
    DcCell,
    FieldRow,
    TeiCell,
    TextCell,
    TextKind,
)
from ._rows import COLUMNS, ROWS

__all__ = [
    "DCTERMS",
    "MAPPING",
    "OAI_DC",
    "TEI",
    "TEXT",
    "Cell",
    "Column",
    "DcCell",
    "FieldRow",
    "MappingTable",
    "TeiCell",
    "TextCell",
    "TextKind",
    "render_markdown",
]


class MappingTable:
    """The rows, one per model field in model order, and the columns they all fill."""

    def __init__(self, columns: tuple[Column, ...], rows: tuple[FieldRow, ...]) -> None:
        self._columns = {column.name: column for column in columns}
        for row in rows:
            self._check(row.field, row.cells.keys())
        # Read-only cells: a format module's view of the table cannot change it for the others.
        self._rows = {row.field: _frozen(row, row.cells) for row in rows}

    def _check(self, field: str, names: Iterable[str]) -> None:
        if set(names) != set(self._columns):
            raise ValueError(
                f"the mapping row of {field!r} has cells for {sorted(names)} "
                f"but the columns are {sorted(self._columns)}"
            )

    @property
    def columns(self) -> tuple[Column, ...]:
        """The columns, the built-in formats first, then those added, in the order added."""
        return tuple(self._columns.values())

    @property
    def rows(self) -> tuple[FieldRow, ...]:
        """The rows in model order."""
        return tuple(self._rows.values())

    def __iter__(self) -> Iterator[FieldRow]:
        return iter(self.rows)

    def row(self, field: str) -> FieldRow:
        """The row of a model field; ``KeyError`` for a name that is not one."""
        return self._rows[field]

    def cells(self, column: str) -> dict[str, Cell | None]:
        """Every field's cell in ``column``, in model order."""
        return {row.field: row.cells[column] for row in self._rows.values()}

    def add_column(self, column: Column, cells: Mapping[str, Cell | None]) -> None:
        """Add a format's column: ``cells`` holds a cell (or ``None``) for every field.

        This is how a new format says what it keeps; the other columns are not touched.
        """
        if column.name in self._columns:
            raise ValueError(f"the mapping already has a column {column.name!r}")
        if set(cells) != set(self._rows):
            missing = sorted(set(self._rows) - set(cells))
            extra = sorted(set(cells) - set(self._rows))
            raise ValueError(
                f"column {column.name!r} must give every field a cell (None when the format "
                f"cannot hold it); missing {missing}, unknown {extra}"
            )
        self._columns[column.name] = column
        self._rows = {
            name: _frozen(row, {**row.cells, column.name: cells[name]})
            for name, row in self._rows.items()
        }


def _frozen(row: FieldRow, cells: Mapping[str, Cell | None]) -> FieldRow:
    return replace(row, cells=MappingProxyType(dict(cells)))


def render_markdown(table: MappingTable | None = None) -> str:
    """The table as Markdown (the generated part of ``docs/crosswalk.md``)."""
    table = table or MAPPING
    headings = [column.heading for column in table.columns]
    lines = [
        "| field (JSON key) | " + " | ".join(headings) + " | why |",
        "|---|" + "---|" * len(headings) + "---|",
    ]
    for row in table:
        cells = [
            LOST if (cell := row.cells[column.name]) is None else cell.render()
            for column in table.columns
        ]
        lines.append(f"| `{row.field}` | " + " | ".join(cells) + f" | {row.why} |")
    return "\n".join(lines) + "\n"


MAPPING = MappingTable(COLUMNS, ROWS)
"""The mapping of every built-in format."""


# The repository packages' columns (archmeta/mapping/_packages.py).
def _add_package_columns() -> None:
    from ._packages import PACKAGE_CELLS, PACKAGE_COLUMNS

    for index, column in enumerate(PACKAGE_COLUMNS):
        cells: dict[str, Cell | None] = {}
        for name, (saf, omeka, _why) in PACKAGE_CELLS.items():
            cells[name] = (saf, omeka)[index]
        MAPPING.add_column(column, cells)


_add_package_columns()
