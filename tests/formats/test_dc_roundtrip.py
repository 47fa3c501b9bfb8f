"""Dublin Core round trips: ``loads(dumps(r, f), flavour=f) == project(r, f)`` for both flavours,
and every output valid against the official schemas and archmeta's own."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest
from hypothesis import given, settings
from lxml import etree

from archmeta.formats import dc
from tests.conftest import CONFORMANCE, EXAMPLES, conformance
from tests.strategies import records

FLAVOURS = ("oai_dc", "dcterms")
OFFICIAL = {"oai_dc": ("local", "oai_dc.xsd"), "dcterms": ("local2008", "qualifieddc.xsd")}


@cache
def _official(flavour: str) -> etree.XMLSchema:
    path = CONFORMANCE / "schemas" / OFFICIAL[flavour][0] / OFFICIAL[flavour][1]
    return etree.XMLSchema(etree.parse(str(path)))


def official_schema(flavour: str) -> etree.XMLSchema:
    conformance("schemas", *OFFICIAL[flavour])
    return _official(flavour)


def assert_valid(schema: etree.XMLSchema, text: str) -> None:
    doc = etree.fromstring(text.encode("utf-8")).getroottree()
    assert schema.validate(doc), "\n".join(str(e) for e in schema.error_log) + "\n" + text


@pytest.mark.parametrize("flavour", FLAVOURS)
@given(record=records())
def test_loads_dumps_is_the_projection(flavour: str, record) -> None:
    text = dc.dumps(record, flavour=flavour)
    assert dc.loads(text, flavour=flavour) == dc.project(record, flavour)
    if flavour == "oai_dc":
        # What oai_dc keeps is a fixed point: projecting twice changes nothing. (Not so in
        # dcterms, where a language is written as its code alone: see docs/formats/dc.md.)
        assert dc.project(dc.project(record, flavour), flavour) == dc.project(record, flavour)
    # Writing is deterministic.
    assert dc.dumps(record, flavour=flavour) == text
    # The fields the flavour never holds (which validation rules skip) are indeed empty.
    projected = dc.project(record, flavour)
    assert all(getattr(projected, f) in (None, []) for f in dc.UNREAD_FIELDS[flavour])


@pytest.mark.parametrize("flavour", FLAVOURS)
@given(record=records())
def test_output_is_valid_against_archmeta_schema(flavour: str, record) -> None:
    text = dc.dumps(record, flavour=flavour)
    assert_valid(dc.xml_schema(flavour), text)
    assert dc.schema_issues(text, flavour=flavour) == []


@pytest.mark.parametrize("flavour", FLAVOURS)
@given(record=records())
def test_output_is_valid_against_official_schema(flavour: str, record) -> None:
    assert_valid(official_schema(flavour), dc.dumps(record, flavour=flavour))


@settings(max_examples=50)
@given(record=records())
def test_oai_dc_projection_round_trips_exactly(record) -> None:
    """A record that already is its oai_dc projection comes back unchanged."""
    projected = dc.project(record, "oai_dc")
    assert dc.loads(dc.dumps(projected, flavour="oai_dc"), flavour="oai_dc") == projected


EXAMPLE_TEXTS = sorted(EXAMPLES.glob("*.txt"))


@pytest.mark.parametrize("flavour", FLAVOURS)
@pytest.mark.parametrize("path", EXAMPLE_TEXTS, ids=lambda p: p.stem)
def test_examples_are_valid_and_read_back_as_projections(path: Path, flavour: str) -> None:
    from archmeta.formats import get_format, text

    record = text.load(path)
    info = get_format(flavour)
    golden = path.with_name(path.stem + info.extension)
    assert golden.exists(), f"run python -m tools.make_examples ({golden.name} is missing)"
    written = golden.read_text(encoding="utf-8")
    assert written == dc.dumps(record, flavour=flavour)
    assert_valid(dc.xml_schema(flavour), written)
    assert_valid(official_schema(flavour), written)
    assert dc.loads(written, flavour=flavour) == dc.project(record, flavour)


def test_what_each_flavour_keeps_of_the_seed_record() -> None:
    from archmeta.formats import text

    record = text.load(EXAMPLES / "wilson-118189.txt")
    oai = dc.project(record, "oai_dc")
    terms = dc.project(record, "dcterms")
    for kept in (oai, terms):
        assert kept.title == record.title and kept.url == record.url
        assert kept.date == record.date
        assert kept.credits is None and kept.funders == [] and kept.body == []
        assert kept.original_languages == [] and kept.translators == []
        assert kept.contributors == record.translators
        assert kept.summary == record.summary
    assert oai.citation is None and oai.contents == []
    assert terms.citation == record.citation and terms.contents == record.contents


def test_dcterms_encoding_schemes() -> None:
    from archmeta.model import ArchivalDate, ArchivalRecord, Language

    record = ArchivalRecord(
        title="T",
        date=ArchivalDate(text="April 30, 1962", edtf="1962-04-30"),
        type="Text",
        url="https://example.org/x",
        languages=[Language(name="Chinese", code="zh"), Language(name="Klingon", code=None)],
    )
    root = etree.fromstring(dc.dumps(record, flavour="dcterms").encode())
    ns = {"dcterms": dc.DCTERMS_NS, "xsi": dc.XSI_NS}
    typed = [
        (etree.QName(e).localname, e.get(f"{{{dc.XSI_NS}}}type"), e.text)
        for e in root.iterfind("dcterms:*", ns)
    ]
    assert typed == [
        ("title", None, "T"),
        ("created", None, "April 30, 1962"),
        ("created", "dcterms:W3CDTF", "1962-04-30"),
        ("type", "dcterms:DCMIType", "Text"),
        ("identifier", "dcterms:URI", "https://example.org/x"),
        ("language", "dcterms:RFC4646", "zh"),
        ("language", None, "Klingon"),
    ]
    assert root.tag == "qualifieddc"
    assert root.nsmap == {"dcterms": dc.DCTERMS_NS, "xsi": dc.XSI_NS}
    back = dc.loads(etree.tostring(root))
    assert back.date == record.date and back.type == "Text"


def test_unknown_flavour_is_a_usage_error() -> None:
    from archmeta.errors import UsageError
    from archmeta.model import ArchivalRecord

    with pytest.raises(UsageError):
        dc.dumps(ArchivalRecord(title="T"), flavour="qdc")


def test_oai_dc_date_is_normalised_first_and_the_date_as_written_kept_beside_it() -> None:
    from lxml import etree

    from archmeta.formats import dc
    from archmeta.model import ArchivalDate, ArchivalRecord

    record = ArchivalRecord(title="Cable", date=ArchivalDate.from_text("April 30, 1962"))
    root = etree.fromstring(dc.dumps(record, flavour="oai_dc").encode())
    dates = [e.text for e in root.iter(f"{{{dc.DC_NS}}}date")]
    assert dates == ["1962-04-30", "April 30, 1962"]  # W3CDTF first, for harvesters
    assert dc.loads(dc.dumps(record)) == record
    ranged = ArchivalRecord(title="Cable", date=ArchivalDate.from_text("1962-1965"))
    assert [
        e.text for e in etree.fromstring(dc.dumps(ranged).encode()).iter(f"{{{dc.DC_NS}}}date")
    ] == ["1962/1965", "1962-1965"]  # EDTF where W3CDTF cannot say it
    assert dc.loads(dc.dumps(ranged)) == ranged
    plain = ArchivalRecord(title="Cable", date=ArchivalDate.from_text("1962"))
    assert dc.dumps(plain).count("<dc:date>") == 1


@pytest.mark.parametrize("flavour", ["oai_dc", "dcterms"])
def test_each_element_tree_is_its_own(flavour: str) -> None:
    # The writer copies one empty container per flavour: a tree handed out and then changed
    # (as the OAI-PMH writer appends it elsewhere) must not show up in the next document.
    from archmeta.formats import text

    record = text.load(EXAMPLES / "wilson-118189.txt")
    before = dc.dumps(record, flavour)
    first = dc.to_element(record, flavour)
    first.set("changed", "yes")
    etree.SubElement(first, "extra")
    second = dc.to_element(record, flavour)
    assert first is not second
    assert second.get("changed") is None and second.find("extra") is None
    assert dc.dumps(record, flavour) == before
