"""Each format's column of the mapping table says what its codec does: the table cannot lie.

For every field and every column: what the cell says the format holds comes back from it, what
it says the format cannot hold (``None``, or read back as another field) does not, the elements,
sections and encoding schemes named are the ones written, and every refinement is read.
"""

from __future__ import annotations

from typing import Any

import pytest
from lxml import etree

from archmeta.formats import dc, get_format, text
from archmeta.mapping import MAPPING, DcCell, TextCell
from archmeta.model import ArchivalDate, ArchivalRecord, Language, Provenance

# One value per field, each one that no format changes on the way (a date whose EDTF value is
# a W3CDTF date, a language whose name resolves to its code, a DCMI Type term as type).
SAMPLES: dict[str, Any] = {
    "identifier": "118189",
    "url": "https://digitalarchive.wilsoncenter.org/document/118189",
    "date": ArchivalDate(text="April 30, 1962", edtf="1962-04-30"),
    "title": "Cable from the Chinese Embassy",
    "alternative_titles": ["Another title"],
    "type": "Text",
    "citation": "Cable, April 30, 1962, PRC FMA 118-01154-05.",
    "publisher": "History and Public Policy Program Digital Archive",
    "source": "PRC FMA 118-01154-05, 28",
    "translators": ["Charles Kraus"],
    "summary": "The embassy reports on the situation.",
    "notes": ["A note"],
    "credits": "This document was made possible with support from the Henry Luce Foundation.",
    "funders": ["Henry Luce Foundation"],
    "original_languages": [Language(name="Chinese", code="zh")],
    "languages": [Language(name="English", code="en")],
    "contents": ["English Translation"],
    "creators": ["Chinese Embassy in Moscow"],
    "contributors": ["Someone Else"],
    "subjects": ["Sino-Soviet Relations"],
    "places": ["China"],
    "rights": "Free to use.",
    "relations": ["Related document"],
    "collections": ["China and the Soviet Union"],
    "identifiers": ["doc-118189"],
    "formats": ["application/pdf"],
    "body": ["The text itself."],
    "provenance": Provenance(
        oai_identifier="oai:digitalarchive.wilsoncenter.org:118189",
        datestamp="2026-01-01T00:00:00Z",
        set_specs=["china"],
        base_url="https://digitalarchive.wilsoncenter.org/oai",
    ),
}

FIELDS = list(ArchivalRecord.model_fields)
DC_FLAVOURS = ("oai_dc", "dcterms")
NAMESPACE = {"oai_dc": dc.DC_NS, "dcterms": dc.DCTERMS_NS}
XSI_TYPE = f"{{{dc.XSI_NS}}}type"


def _empty(value: Any) -> bool:
    return value in (None, [])


def _with(*names: str) -> ArchivalRecord:
    """A record holding ``names`` (and the title every record has) and nothing else."""
    return ArchivalRecord(**{name: SAMPLES[name] for name in ("title", *names)})


FULL = ArchivalRecord(**SAMPLES)


def test_samples_cover_every_field():
    assert set(SAMPLES) == set(FIELDS)


def _dc_cell(flavour: str, name: str) -> DcCell | None:
    cell = MAPPING.row(name).cell(flavour)
    assert cell is None or isinstance(cell, DcCell)
    return cell


def _kept(cell: DcCell | None) -> bool:
    return cell is not None and cell.read_back_as is None


# ---------------------------------------------------------------------------- Dublin Core


@pytest.mark.parametrize("flavour", DC_FLAVOURS)
def test_unavailable_fields_are_the_ones_the_column_cannot_hold(flavour):
    expected = {name for name in FIELDS if not _kept(_dc_cell(flavour, name))}
    assert dc.UNREAD_FIELDS[flavour] == expected
    assert get_format(flavour).unavailable == expected


def _fields(holds: bool) -> list[tuple[str, str]]:
    """(flavour, field) for each field the flavour's column holds, or cannot hold."""
    return [
        (flavour, name)
        for flavour in DC_FLAVOURS
        for name in FIELDS
        if (_dc_cell(flavour, name) is not None) == holds
    ]


def _earlier_fields(flavour: str, name: str) -> tuple[str, ...]:
    """The fields written to the same element before ``name`` (the summary before the notes
    in one dc:description): a record needs them for ``name`` to be read back as itself."""
    cell = _dc_cell(flavour, name)
    assert cell is not None
    return tuple(
        other
        for other in FIELDS
        if (earlier := _dc_cell(flavour, other)) is not None
        and earlier.element == cell.element
        and earlier.order < cell.order
        and earlier.read_back_as is None
    )


@pytest.mark.parametrize(
    ("flavour", "name"),
    _fields(holds=False) + [(f, n) for f, n in _fields(holds=True) if not _kept(_dc_cell(f, n))],
)
def test_what_the_column_cannot_hold_does_not_come_back(flavour, name):
    assert _empty(getattr(dc.project(FULL, flavour), name))
    assert _empty(getattr(dc.loads(dc.dumps(FULL, flavour), flavour=flavour), name))


@pytest.mark.parametrize(("flavour", "name"), _fields(holds=True))
def test_what_the_column_holds_comes_back_from_its_element(flavour, name):
    cell = _dc_cell(flavour, name)
    assert cell is not None
    earlier = _earlier_fields(flavour, name)
    record = _with(*earlier, name)
    document = dc.dumps(record, flavour)
    back = dc.loads(document, flavour=flavour)
    assert back == dc.project(record, flavour)
    target = cell.read_back_as or name
    assert not _empty(getattr(back, target))
    if cell.read_back_as is not None:
        assert _empty(getattr(back, name))
        # after the values of the field they are read back as
        assert getattr(back, target)[-len(SAMPLES[name]) :] == SAMPLES[name]
    # The field is written as the cell's element (beside the title every record has).
    root = etree.fromstring(document.encode())
    written = [child for child in root if child.tag == f"{{{NAMESPACE[flavour]}}}{cell.element}"]
    others = {
        value
        for other in ("title", *earlier)
        if other != name
        for value in (SAMPLES[other] if isinstance(SAMPLES[other], list) else [SAMPLES[other]])
    }
    written = [child for child in written if child.text not in others]
    assert written, f"{flavour} wrote no {cell.element} for {name}"
    assert {child.get(XSI_TYPE) for child in written} - {None} <= set(cell.xsi_types)


@pytest.mark.parametrize("flavour", DC_FLAVOURS)
def test_every_encoding_scheme_the_column_names_is_written(flavour):
    root = etree.fromstring(dc.dumps(FULL, flavour).encode())
    written = {(etree.QName(child).localname, child.get(XSI_TYPE)) for child in root}
    for name in FIELDS:
        cell = _dc_cell(flavour, name)
        for xsi_type in cell.xsi_types if cell else ():
            assert (cell.element, xsi_type) in written, (name, xsi_type)


@pytest.mark.parametrize("flavour", DC_FLAVOURS)
def test_elements_are_written_in_the_column_order(flavour):
    cells = sorted(
        (cell for name in FIELDS if (cell := _dc_cell(flavour, name)) is not None),
        key=lambda cell: cell.order,
    )
    assert len({cell.order for cell in cells}) == len(cells)
    expected: list[str] = []
    for cell in cells:
        if not expected or expected[-1] != cell.element:
            expected.append(cell.element)
    root = etree.fromstring(dc.dumps(FULL, flavour).encode())
    names: list[str] = []
    for child in root:
        if not names or names[-1] != etree.QName(child).localname:
            names.append(etree.QName(child).localname)
    assert names == expected


def _refinements() -> list[tuple[str, str]]:
    return [
        (name, refinement)
        for name in FIELDS
        if (cell := _dc_cell("dcterms", name)) is not None
        for refinement in cell.refinements
    ]


@pytest.mark.parametrize(("name", "refinement"), _refinements())
def test_every_refinement_is_read_into_its_field(name, refinement):
    document = (
        f'<qualifieddc xmlns:dcterms="{dc.DCTERMS_NS}"><dcterms:title>T</dcterms:title>'
        f"<dcterms:{refinement}>1962</dcterms:{refinement}></qualifieddc>"
    )
    record, issues = dc.read(document, flavour="dcterms")
    assert not _empty(getattr(record, name))
    assert [issue for issue in issues if issue.rule == "unknown-element"] == []


def test_the_fifteen_elements_are_what_oai_dc_writes():
    """oai_dc holds only the 15 elements: any other dc: name is reported, not read."""
    cells = [_dc_cell("oai_dc", name) for name in FIELDS]
    elements = {cell.element for cell in cells if cell is not None}
    assert len(elements) == 15
    document = (
        f'<oai_dc:dc xmlns:oai_dc="{dc.OAI_DC_NS}" xmlns:dc="{dc.DC_NS}"><dc:title>T</dc:title>'
        "<dc:issued>1962</dc:issued></oai_dc:dc>"
    )
    record, issues = dc.read(document)
    assert record.date is None
    assert [issue.rule for issue in issues] == ["unknown-element"]


# ----------------------------------------------------------------------------- plain text


def _text_cell(name: str) -> TextCell:
    cell = MAPPING.row(name).cell("text")
    assert isinstance(cell, TextCell)
    return cell


@pytest.mark.parametrize("name", FIELDS)
def test_text_writes_each_field_where_its_cell_says(name):
    if MAPPING.row(name).cell("text") is None:  # the layout has no place: the codec says so
        record = _with(name)
        assert name in text.codec.unavailable
        assert text.loads(text.dumps(record)) == text.codec.project(record)
        assert _empty(getattr(text.codec.project(record), name))
        return
    cell = _text_cell(name)
    record = _with(name)
    if cell.kind == "url-line":  # the last line of the citation's section
        citation = _text_cell("citation").section
        written = text.dumps(record)
        assert written.endswith(f"**{citation}:**\n\n<{SAMPLES[name]}>\n")
        assert text.loads(written) == record
        return
    if name == "date":  # the section is written only when the EDTF value is not derived
        record = ArchivalRecord(title="T", date=ArchivalDate(text="April 30, 1962", edtf="1962"))
    written = text.dumps(record)
    assert text.loads(written) == record
    lines = written.split("\n")
    if cell.section is None:
        assert not any(line.startswith("**") and line.endswith(":**") for line in lines)
        return
    index = lines.index(f"**{cell.section}:**")
    content = lines[index + 2 : lines.index("", index + 2)]
    if cell.kind == "dash-list":
        assert all(line.startswith("- ") for line in content)
    elif cell.kind == "line":
        assert len(content) == 1
    else:
        assert not any(line.startswith("- ") for line in content)


def test_text_sections_are_written_in_the_order_of_their_cells():
    written = text.dumps(FULL)
    headers = [
        line[2:-3] for line in written.split("\n") if line.startswith("**") and line.endswith(":**")
    ]
    # Derived sections are not written when the reader would derive the same value.
    assert headers == [s for s in text.TEXT_SECTIONS if s in headers]
    assert len(headers) > 10


def test_a_derived_field_has_no_section_when_it_can_be_derived():
    record = text.loads(f"**T**\n\n**Credits:**\n\n{SAMPLES['credits']}\n")
    assert record.funders == ["Henry Luce Foundation"]
    assert _text_cell("funders").derived
    assert "**Funders:**" not in text.dumps(record)
