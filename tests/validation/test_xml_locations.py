"""Problems of a record read from XML are placed at the element's line and XPath, and a
foreign Dublin Core element is reported once."""

from __future__ import annotations

from pathlib import Path

from archmeta import ArchivalRecord
from archmeta.formats import tei
from archmeta.validation import validate

SUBMITTED = Path(__file__).parent.parent / "fixtures" / "dc" / "submitted"


def test_a_foreign_dublin_core_element_is_reported_once_as_an_error() -> None:
    report = validate(SUBMITTED / "foreign-element.oai_dc.xml", format="oai_dc")
    at_six = [(i.rule, i.severity) for i in report.issues if i.line == 6]
    assert at_six == [("unknown-element", "error")]
    assert not report.ok


def test_a_dublin_core_record_problem_has_the_line_and_xpath_of_its_element() -> None:
    report = validate(SUBMITTED / "foreign-element.oai_dc.xml", format="oai_dc")
    (future,) = [i for i in report.issues if i.rule == "date-future"]
    assert (future.line, future.xpath, future.pointer) == (5, "/oai_dc:dc/dc:date", None)
    assert future.to_dict()["xpath"] == "/oai_dc:dc/dc:date"


def test_a_tei_record_problem_has_the_line_and_xpath_of_its_element() -> None:
    record = ArchivalRecord(title="Cable", date={"text": "2999", "edtf": "2999"})
    document = tei.dumps(record)
    (future,) = [i for i in validate(document, format="tei").issues if i.rule == "date-future"]
    assert future.xpath == "/TEI/teiHeader/profileDesc/creation/date"
    assert future.line is not None
    assert "<date" in document.split("\n")[future.line - 1]
