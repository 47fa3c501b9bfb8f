"""Real repository records (../shared/conformance/dc/) and tolerant reading of Dublin Core."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from archmeta.errors import ParseError, ValidationError
from archmeta.formats import dc, get_format
from archmeta.formats.oaipmh import iter_records
from tests.conftest import CONFORMANCE, conformance

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "dc"
NS = {
    "oai": "http://www.openarchives.org/OAI/2.0/",
    "dc": "http://purl.org/dc/elements/1.1/",
}
# Records per file, as ../shared/conformance/README.md lists them.
EXPECTED = {
    "phpoaipmh_bnf_gallica_ListRecords.xml": 1,
    "pyoai_erasmus_dspace_GetRecord_2003.xml": 1,
    "pyoai_erasmus_dspace_ListRecords_2003.xml": 16,
    "scrapi_cogprints_eprints_ListRecords.xml": 45,
    "scrapi_columbia_academiccommons_ListRecords.xml": 6,
    "scrapi_cyberleninka_ListRecords.xml": 54,
    "scythe_zenodo_ListRecords_2026.xml": 50,
}
NOT_WELLFORMED = "scrapi_pucrio_maxwell_ListRecords_NOT_WELLFORMED.xml"


def _words(text: str) -> str:
    return " ".join(text.split())


def _xpath_reading(path: Path) -> list[tuple[str, list[str], list[str]]]:
    """(OAI identifier, titles, identifiers) per non-deleted record, read independently."""
    tree = etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True))
    out = []
    for record in tree.xpath("//oai:record[not(oai:header/@status='deleted')]", namespaces=NS):
        oai_id = record.xpath("string(oai:header/oai:identifier)", namespaces=NS).strip()
        titles = [
            _words(t) for t in record.xpath(".//oai:metadata//dc:title/text()", namespaces=NS)
        ]
        identifiers = [
            _words(t) for t in record.xpath(".//oai:metadata//dc:identifier/text()", namespaces=NS)
        ]
        out.append((oai_id, [t for t in titles if t], [i for i in identifiers if i]))
    return out


def test_the_expected_files_are_all_there() -> None:
    folder = conformance("dc")
    assert sorted(p.name for p in folder.glob("*.xml")) == sorted([*EXPECTED, NOT_WELLFORMED])


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_real_record_loads_with_its_titles_and_identifiers(name: str) -> None:
    path = conformance("dc", name)
    items = list(iter_records(path))
    expected = _xpath_reading(path)
    assert len(items) == EXPECTED[name] == len(expected)
    for item, (oai_id, titles, identifiers) in zip(items, expected, strict=True):
        assert not item.deleted
        assert item.record is not None, [i.format() for i in item.issues]
        assert not [i for i in item.issues if i.severity == "error"]
        assert item.oai_identifier == oai_id
        assert item.datestamp
        record = item.record
        assert [_words(t) for t in [record.title, *record.alternative_titles]] == titles
        read_ids = [record.identifier, record.url, *record.identifiers]
        assert sorted(_words(i) for i in read_ids if i) == sorted(identifiers)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_loads_reads_the_first_record_of_a_response(name: str) -> None:
    path = conformance("dc", name)
    record, issues = dc.read(path.read_bytes(), source=name)
    item = next(iter_records(path))
    assert item.record is not None and item.record.provenance is not None
    # The stream keeps each record's header as its provenance; the one-record reader does not.
    assert item.record.provenance.oai_identifier == item.oai_identifier
    assert item.record.provenance.datestamp == item.datestamp
    assert record == item.record.model_copy(update={"provenance": None})
    if EXPECTED[name] > 1:
        assert any(i.rule == "dc-several-records" for i in issues)


def test_foreign_elements_are_warnings() -> None:
    items = list(iter_records(conformance("dc", "scrapi_cyberleninka_ListRecords.xml")))
    for item in items:
        rules = {i.rule for i in item.issues}
        assert "unknown-element" in rules  # rdf:type, bibo:*
        assert {i.severity for i in item.issues} == {"warning"}
        assert all(i.line for i in item.issues)


def test_not_wellformed_file_is_a_parse_error_with_its_line() -> None:
    path = conformance("dc", NOT_WELLFORMED)
    with pytest.raises(ParseError) as info:
        dc.loads(path.read_bytes(), source=NOT_WELLFORMED)
    assert info.value.line == 5
    assert info.value.rule == "xml-syntax"
    with pytest.raises(ParseError) as streamed:
        list(iter_records(path))
    assert streamed.value.line == 5
    assert NOT_WELLFORMED in str(streamed.value)
    assert dc.schema_issues(path.read_bytes(), source=NOT_WELLFORMED)[0].line == 5


def test_tolerant_reading_of_a_repository_record() -> None:
    items = list(iter_records(FIXTURES / "listrecords-mixed.xml"))
    first = items[0].record
    assert first is not None
    assert first.title == "Letter from A to B"
    assert first.alternative_titles == ["Lettre de A à B"]  # xml:lang kept apart: two titles
    assert first.date is not None and (first.date.text, first.date.edtf) == ("c1880", "1880~")
    assert [i.rule for i in items[0].issues] == ["dc-extra-date"]
    assert first.identifier == "urn:example:1"
    assert first.url == "https://example.org/items/1"
    assert [(lang.name, lang.code) for lang in first.languages] == [
        ("English", "en"),
        ("fre", "fr"),
    ]
    assert first.subjects == []  # empty element
    assert first.summary == "First line of the abstract,\nsecond line."
    last = items[4].record
    assert last is not None and last.date is not None
    assert (last.date.text, last.date.edtf) == ("[1962?]", "1962?")
    assert [i.rule for i in items[4].issues] == ["unknown-element"]


@pytest.mark.parametrize(
    ("text", "edtf"),
    [
        ("2004-05", "2004-05"),
        ("c1880", "1880~"),
        ("[1962?]", "1962?"),
        ("1998-06-01T00:00:00Z", "1998-06-01T00:00:00Z"),
        ("sometime", None),
    ],
)
def test_free_text_dates(text: str, edtf: str | None) -> None:
    doc = (
        '<oai_dc:dc xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/">'
        f"<dc:title>T</dc:title><dc:date>{text}</dc:date></oai_dc:dc>"
    )
    record = dc.loads(doc)
    assert record.date is not None
    assert (record.date.text, record.date.edtf) == (text, edtf)


@pytest.mark.parametrize(
    ("written", "code"), [("eng", "en"), ("en", "en"), ("English", "en"), ("fre", "fr")]
)
def test_languages_as_names_or_codes(written: str, code: str) -> None:
    doc = (
        '<oai_dc:dc xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/">'
        f"<dc:title>T</dc:title><dc:language>{written}</dc:language></oai_dc:dc>"
    )
    assert [(lang.name, lang.code) for lang in dc.loads(doc).languages] == [(written, code)]


def test_qualified_dc_in_a_getrecord_response() -> None:
    (item,) = iter_records(FIXTURES / "getrecord-dcterms.xml")
    record = item.record
    assert record is not None
    assert record.url == "https://example.org/items/9"
    assert record.alternative_titles == ["Harvest report"]
    assert record.date is not None and record.date.text == "2004-05"
    assert record.summary == "What was harvested."
    assert record.collections == ["Harvest reports"]
    assert record.formats == ["12 pages"]
    assert record.rights == "CC0"
    assert [(lang.name, lang.code) for lang in record.languages] == [("eng", "en")]
    rules = [i.rule for i in item.issues]
    assert rules == ["dc-extra-date", "unknown-element"]


def test_a_record_without_title_is_an_error() -> None:
    doc = (
        '<oai_dc:dc xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/">\n<dc:creator>X</dc:creator>\n'
        "<dc:title/></oai_dc:dc>"
    )
    with pytest.raises(ValidationError) as info:
        dc.loads(doc, source="x.oai_dc.xml")
    (issue,) = info.value.issues
    assert issue.rule == "title-missing" and issue.line == 1


def test_entity_declarations_are_refused() -> None:
    data = (FIXTURES / "entity-declaration.xml").read_bytes()
    with pytest.raises(ParseError, match="entity"):
        dc.loads(data)
    with pytest.raises(ParseError, match="entity"):
        list(iter_records(FIXTURES / "entity-declaration.xml"))


def test_registry_and_detection() -> None:
    from archmeta.formats import detect_format

    assert get_format("oai_dc") is dc.oai_dc and get_format("dcterms") is dc.dcterms
    assert detect_format("x.oai_dc.xml").name == "oai_dc"
    assert detect_format("x.dcterms.xml").name == "dcterms"
    assert detect_format(None, (FIXTURES / "listrecords-mixed.xml").read_bytes()).name == "oai_dc"


def test_schema_issues_point_at_the_line() -> None:
    doc = (
        '<qualifieddc xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n'
        "<dcterms:title>T</dcterms:title>\n"
        '<dcterms:created xsi:type="dcterms:W3CDTF">April 1962</dcterms:created>\n'
        '<dcterms:language xsi:type="dcterms:RFC4646">not a tag</dcterms:language>\n'
        "</qualifieddc>"
    )
    issues = dc.schema_issues(doc, source="x.dcterms.xml", flavour="dcterms")
    assert [i.line for i in issues] == [3, 4]
    assert all(i.rule == "schema-invalid" and i.source == "x.dcterms.xml" for i in issues)


def test_conformance_folder_is_where_conftest_says() -> None:
    assert CONFORMANCE.name == "conformance"


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_archmeta_oai_dc_schema_agrees_with_the_official_one_on_real_records(name: str) -> None:
    official = etree.XMLSchema(etree.parse(str(conformance("schemas", "local", "oai_dc.xsd"))))
    ours = dc.xml_schema("oai_dc")
    tree = etree.parse(str(conformance("dc", name)))
    containers = tree.xpath("//oai:metadata/*", namespaces=NS)
    assert containers
    verdicts = [(official.validate(c), ours.validate(c)) for c in containers]
    assert all(a == b for a, b in verdicts), verdicts
    # CyberLeninka's records all carry rdf:type, so none is valid; the others all are.
    assert {a for a, _ in verdicts} == {name != "scrapi_cyberleninka_ListRecords.xml"}
    issues = dc.schema_issues(conformance("dc", name).read_bytes(), source=name)
    assert bool(issues) == (name == "scrapi_cyberleninka_ListRecords.xml")
    assert all(i.line for i in issues)


def test_a_decoded_string_is_read_whatever_its_encoding_declaration_says() -> None:
    # A str is already decoded: reading it as its declaration says gave "cafÃ©" (mojibake).
    document = (
        '<?xml version="1.0" encoding="ISO-8859-1"?>'
        f'<oai_dc:dc xmlns:oai_dc="{dc.OAI_DC_NS}" xmlns:dc="{dc.DC_NS}">'
        "<dc:title>Café</dc:title><dc:subject>Zürich</dc:subject></oai_dc:dc>"
    )
    record = dc.loads(document)
    assert (record.title, record.subjects) == ("Café", ["Zürich"])
    assert dc.loads(document.encode("latin-1")) == record


@pytest.mark.parametrize(
    "document",
    [
        # Dublin Core in RDF/XML (as Omeka and many repositories export it).
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/">'
        '<rdf:Description rdf:about="https://example.org/1"><dc:title>Wrapped</dc:title>'
        "<dc:date>1962</dc:date></rdf:Description></rdf:RDF>",
        # An oai_dc record inside a wrapper of another vocabulary.
        '<records><oai_dc:dc xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>Wrapped</dc:title>'
        "<dc:date>1962</dc:date></oai_dc:dc></records>",
    ],
)
def test_dublin_core_below_the_root_is_found(document: str) -> None:
    # Used to fail with "the record has no title" although it has one.
    record = dc.loads(document)
    assert (record.title, record.date and record.date.edtf) == ("Wrapped", "1962")


def test_extra_values_are_reported_at_their_own_lines_in_linear_time() -> None:
    import time

    values = "".join(f"\n<dc:publisher>p{i % 3}</dc:publisher>" for i in range(6))
    document = (
        f'<oai_dc:dc xmlns:oai_dc="{dc.OAI_DC_NS}" xmlns:dc="{dc.DC_NS}">'
        f"<dc:title>T</dc:title>{values}\n</oai_dc:dc>"
    )
    record, issues = dc.read(document)
    assert record.publisher == "p0"
    extras = [(i.line, i.message.split(" extra ")[1]) for i in issues if i.rule == "dc-extra-value"]
    assert extras == [
        (3, "'p1' ignored"),
        (4, "'p2' ignored"),
        (6, "'p1' ignored"),
        (7, "'p2' ignored"),
    ]
    # Each extra value's line used to be looked up by its text: quadratic (10,000 publishers
    # took 25 s; they take well under a second now).
    many = "".join(f"<dc:publisher>p{i}</dc:publisher>" for i in range(10_000))
    start = time.monotonic()
    dc.read(document.replace(values, many))
    assert time.monotonic() - start < 10
