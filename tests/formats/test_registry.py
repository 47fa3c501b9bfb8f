"""The format registry: names, extensions, and telling a document's format from its content."""

from __future__ import annotations

from pathlib import Path

import pytest

from archmeta.errors import UsageError
from archmeta.formats import (
    BUILTIN_FORMATS,
    Codec,
    FormatRegistry,
    detect_format,
    format_names,
    get_format,
)
from archmeta.model import ArchivalRecord
from tests.conftest import EXAMPLES, conformance

SUFFIXES = {".tei.xml": "tei", ".oai_dc.xml": "oai_dc", ".dcterms.xml": "dcterms",
            ".json": "json", ".txt": "text", ".omeka.csv": "omeka-csv"}  # fmt: skip


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
    assert all(name in str(info.value) for name in format_names())


def _round_trip(codec: Codec, record: ArchivalRecord, folder: Path) -> ArchivalRecord | None:
    """The record written and read back: through a folder for a codec that writes folders
    (a package item), else through one document."""
    if not codec.writes_folders:
        return codec.loads(codec.dumps(record))
    from archmeta.formats import _io

    package = folder / codec.name
    package.mkdir()
    _io.write_folder_atomic(package / "item_000001", codec.write_files(record))
    (item,) = codec.iter_records(str(package))
    return item.record


def test_every_codec_answers_the_protocol(tmp_path: Path) -> None:
    for name in format_names():
        codec = get_format(name)
        assert codec.name == name
        assert codec.extensions and all(e.startswith(".") for e in codec.extensions)
        assert "/" in codec.media_type and codec.description
        assert codec.unavailable <= set(ArchivalRecord.model_fields)
        seed = get_format("text").loads((EXAMPLES / "wilson-118189.txt").read_bytes())
        projected = codec.project(seed)
        # What the codec says it cannot hold is what its projection empties, and a codec that
        # can hold everything gives the record back as it was.
        for field in codec.unavailable:
            assert getattr(projected, field) in (None, []), (name, field)
        if not codec.unavailable:
            assert projected == seed
        assert _round_trip(codec, seed, tmp_path) == projected


def test_a_name_registered_twice_is_an_error() -> None:
    registry = FormatRegistry()
    registry.add_lazy("text", "archmeta.formats.text:codec", (".txt",))
    with pytest.raises(UsageError, match="registered twice"):
        registry.add(get_format("text"))
    with pytest.raises(UsageError, match="registered twice"):
        registry.add_lazy("text", "elsewhere:codec", (".txt",))


PLUGIN = """
from archmeta.formats import Codec, Decoded
from archmeta.model import ArchivalRecord


class TitleLine(Codec):
    name = "title-line"
    extensions = (".title",)
    media_type = "text/plain"
    description = "one line: the title"
    unavailable = frozenset(set(ArchivalRecord.model_fields) - {"title"})

    def sniff(self, head):
        return 0

    def read(self, data, source=None):
        text = data.decode() if isinstance(data, bytes) else data
        return Decoded(ArchivalRecord(title=text.strip()))

    def write(self, record):
        return record.title + "\\n"

    def project(self, record):
        return ArchivalRecord(title=record.title)


codec = TitleLine()
"""


def _install_plugin(site: Path, name: str = "title-line") -> None:
    """A small package with an entry point in ``archmeta.formats``, installed into ``site``
    the way pip leaves it (a module and a .dist-info folder)."""
    plugin = PLUGIN.replace('name = "title-line"', f"name = {name!r}")
    (site / "archmeta_title_line.py").write_text(plugin, encoding="utf-8")
    info = site / "archmeta_title_line-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: archmeta-title-line\nVersion: 1.0\n", encoding="utf-8"
    )
    (info / "entry_points.txt").write_text(
        f"[archmeta.formats]\n{name} = archmeta_title_line:codec\n", encoding="utf-8"
    )


def test_a_format_installed_through_the_entry_point_converts(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    site = tmp_path / "site"
    site.mkdir()
    _install_plugin(site)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(site), *sys.path])}
    command = [sys.executable, "-m", "archmeta.cli"]
    listed = subprocess.run([*command, "formats"], capture_output=True, text=True, env=env)
    assert "title-line" in listed.stdout, listed.stderr
    converted = subprocess.run(
        [*command, "convert", str(EXAMPLES / "wilson-118189.txt"), "--to", "title-line"],
        capture_output=True,
        text=True,
        env=env,
    )
    assert converted.returncode == 0, converted.stderr
    seed = get_format("text").loads((EXAMPLES / "wilson-118189.txt").read_bytes())
    assert converted.stdout == seed.title + "\n"
    (tmp_path / "cable.title").write_text("Cable to Moscow\n", encoding="utf-8")
    back = subprocess.run(
        [*command, "convert", str(tmp_path / "cable.title"), "--to", "json"],
        capture_output=True,
        text=True,
        env=env,
    )
    assert back.returncode == 0, back.stderr
    assert '"title": "Cable to Moscow"' in back.stdout


def test_an_entry_point_that_takes_a_builtin_name_is_refused(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    site = tmp_path / "site"
    site.mkdir()
    _install_plugin(site, name="text")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(site), *sys.path])}
    listed = subprocess.run(
        [sys.executable, "-m", "archmeta.cli", "formats"], capture_output=True, text=True, env=env
    )
    assert listed.returncode == 2
    assert "archmeta: the format name 'text' is registered twice" in listed.stderr
    assert "Traceback" not in listed.stderr


@pytest.mark.parametrize("name", BUILTIN_FORMATS)
def test_what_the_registry_knows_of_a_builtin_without_importing_it_is_its_codecs(name: str) -> None:
    # Planning a batch trusts these (extensions, loose extensions, one record per document)
    # so as not to import codecs it does not use: they must say what the codec says.
    from archmeta.formats import _BUILTINS, registry
    from archmeta.formats.codec import Codec as Base

    builtin = next(b for b in _BUILTINS if b.name == name)
    codec = get_format(name)
    assert registry.extensions_of(name) == builtin.extensions == codec.extensions
    assert builtin.loose == codec.loose_extensions
    assert registry.module_of(name) == type(codec).__module__
    if builtin.single:
        overridden = type(codec).is_container is not Base.is_container
        heads = [p.read_bytes()[:4096] for p in sorted(EXAMPLES.iterdir()) if p.is_file()]
        assert not overridden or not any(codec.is_container(head) for head in heads)


def test_an_unknown_name_is_refused_without_importing_a_codec() -> None:
    from archmeta.formats import registry

    with pytest.raises(UsageError, match="unknown format 'marcxml'"):
        registry.extensions_of("marcxml")
    assert not registry.single_record("marcxml")
