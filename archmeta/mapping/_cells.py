"""The row and cell types of the mapping table (see :mod:`archmeta.mapping`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

TEXT = "text"
TEI = "tei"
OAI_DC = "oai_dc"
DCTERMS = "dcterms"

LOST = "— (lost)"
"""How the documentation shows a cell that is ``None``: the format cannot hold the field."""


@dataclass(frozen=True)
class Cell:
    """Where one field lives in one format. ``doc`` is the prose the documentation shows;
    subclasses add the structured data a format module reads."""

    doc: str

    def render(self) -> str:
        """The cell as the Markdown table shows it."""
        return self.doc


TextKind = Literal["bold-line", "line", "paragraph", "dash-list", "languages", "url-line", "body"]
"""How a field's value is laid out in the plain-text format:

``bold-line``: one of the bold lines that open a record; ``line``: a section holding one line;
``paragraph``: a section holding a paragraph; ``dash-list``: a section of ``- `` items;
``languages``: a section of languages, one per line, ``Name (code)`` when the name does not
resolve to the code; ``url-line``: the last line of the ``Citation`` section, as ``<url>``;
``body``: the paragraphs after the sections.
"""


@dataclass(frozen=True)
class TextCell(Cell):
    """A field in the plain-text layout.

    ``section`` is the name of the field's own ``**Section:**`` (None when it has none) and
    ``order`` its place among the sections as they are written. A ``derived`` field is read
    from another part of the record (the citation, the credits, the bold date line); its own
    section is written only when its value differs from what the reader would derive.
    """

    kind: TextKind = "line"
    section: str | None = None
    order: int | None = None
    derived: bool = False


@dataclass(frozen=True)
class TeiCell(Cell):
    """A field in TEI P5: ``path`` is the XPath, relative to ``/TEI`` and without namespace
    prefixes, of the element archmeta writes the field's value to (and reads it from first)."""

    path: str = ""


@dataclass(frozen=True)
class DcCell(Cell):
    """A field in one Dublin Core flavour.

    ``element`` is the local name written (in ``dc:`` for oai_dc, ``dcterms:`` for DCMI
    terms), ``xsi_types`` the encoding schemes it may carry, ``order`` the field's place in the
    written document (each flavour writes its fields in a fixed order). ``refinements`` are
    further elements of the DCMI terms namespace the reader takes into this field (``issued``
    into the date, ``extent`` into the formats). ``read_back_as`` names the field the values
    come back as when it is another one (translators come back as contributors): the field
    itself is then never read.
    """

    element: str = ""
    order: int = 0
    xsi_types: tuple[str, ...] = ()
    refinements: tuple[str, ...] = ()
    read_back_as: str | None = None


@dataclass(frozen=True)
class Column:
    """One format's column: its name (the key of the cells) and its heading in the docs."""

    name: str
    heading: str


@dataclass(frozen=True)
class FieldRow:
    """One model field: its cell in each column (``None``: the format cannot hold it)."""

    field: str
    why: str
    cells: Mapping[str, Cell | None]

    def cell(self, column: str) -> Cell | None:
        """The field's cell in ``column``; ``KeyError`` for a column the table does not have."""
        return self.cells[column]
