"""The format registry: names, extensions, and telling a document's format from its content."""

from __future__ import annotations

from pathlib import Path

import pytest

from archmeta.errors import UsageError
from archmeta.formats import FORMATS, detect_format, get_format
from tests.conftest import EXAMPLES, conformance

SUFFIXES = {".tei.xml": "tei", ".oai_dc.xml": "oai_dc", ".dcterms.xml": "dcterms",
            ".json": "json", ".txt": "text"}  # fmt: skip


def _expected(path: Path) -> str:
    return next(fmt for suffix, fmt in SUFFIXES.items() if path.name.endswith(suffix))


@pytest.mark.parametrize(
    "path", sorted(p for p in EXAMPLES.iterdir() if p.name != "README.md"), ids=lambda p: p.name
)
def test_examples_are_detected_by_name_and_by_content(path: Path) -> None:
    expected = _expected(path)
    assert detect_format(path.name).name == expected
    assert detect_format(None, path.read_bytes()).name == expected


@pytest.mark.parametrize(("folder", "expected"), [("tei", "tei"), ("dc", "oai_dc")])
def test_real_documents_are_detected_by_content(folder: str, expected: str) -> None:
    for path in sorted(conformance(folder).glob("*.xml")):
        assert detect_format(None, path.read_bytes()).name == expected, path.name


@pytest.mark.parametrize(
    "head",
    [
        b'<?xml version="1.0"?>\n<catalog xmlns="urn:oasis:names:tc:entity:xmlns:xml:catalog">'
        b'<uri name="http://purl.org/dc/elements/1.1/" uri="dc.xsd"/></catalog>',
        b"<html><body>http://www.tei-c.org/ns/1.0</body></html>",
        b"plain words, no layout",
        b"",
    ],
)
def test_documents_that_only_mention_a_namespace_are_not_guessed(head: bytes) -> None:
    with pytest.raises(UsageError, match="cannot tell the format"):
        detect_format(None, head)


def test_bare_dublin_core_container_is_detected() -> None:
    head = b'<record xmlns:dcterms="http://purl.org/dc/terms/"><dcterms:title>T</dcterms:title>'
    assert detect_format(None, head).name == "dcterms"


def test_unknown_format_names_the_known_ones() -> None:
    with pytest.raises(UsageError) as info:
        get_format("marcxml")
    assert all(name in str(info.value) for name in FORMATS)
