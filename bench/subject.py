"""The one place the benchmark calls archmeta (the subject under test).

Everything else in ``bench/`` goes through these functions, so when archmeta's API moves only
this module needs adjusting. Only archmeta's stable public API is used: the format modules'
``loads``/``dumps``, ``archmeta.validate``, ``archmeta.normalize_date``, the OAI-PMH
``iter_records``/``write_list_records``, the model classes and the ``archmeta`` command line.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO, Any

import archmeta
from archmeta import ArchivalDate, ArchivalRecord, Language
from archmeta.formats import dc, tei, text
from archmeta.formats import json as json_format

__all__ = [
    "READERS",
    "WRITERS",
    "ArchivalRecord",
    "clear_date_cache",
    "convert_command",
    "iter_records",
    "make_date",
    "make_language",
    "normalize_date",
    "validate_json",
    "write_list_records",
]

# Format name -> reader / writer on strings. The two Dublin Core flavours share one module.
READERS: dict[str, Callable[[str], ArchivalRecord]] = {
    "text": text.loads,
    "json": json_format.loads,
    "tei": tei.loads,
    "oai_dc": lambda data: dc.loads(data, flavour="oai_dc"),
    "dcterms": lambda data: dc.loads(data, flavour="dcterms"),
}
WRITERS: dict[str, Callable[[ArchivalRecord], str]] = {
    "text": text.dumps,
    "json": json_format.dumps,
    "tei": tei.dumps,
    "oai_dc": lambda record: dc.dumps(record, flavour="oai_dc"),
    "dcterms": lambda record: dc.dumps(record, flavour="dcterms"),
}


def make_date(written: str) -> ArchivalDate:
    """A date as the archive wrote it, normalised by archmeta itself."""
    return ArchivalDate.from_text(written)


def make_language(name: str) -> Language:
    """A language by its written name, its code resolved by archmeta itself."""
    return Language.from_name(name)


def normalize_date(written: str) -> str | None:
    """archmeta's date normalisation (written form -> EDTF or None)."""
    return archmeta.normalize_date(written)


def clear_date_cache() -> None:
    """Forget memoised dates, so a timing measures the work and not a dictionary look-up.

    ``normalize_date`` is memoised today; if that goes, there is nothing to clear.
    """
    clear = getattr(archmeta.normalize_date, "cache_clear", None)
    if clear is not None:
        clear()


def validate_json(document: str) -> bool:
    """Validate one JSON document with archmeta (schema and rules); True when it is valid."""
    return bool(archmeta.validate(document, format="json").ok)


def iter_records(path: str | os.PathLike[str] | IO[bytes]) -> Iterator[Any]:
    """Stream an OAI-PMH response: items with ``.record`` (None when deleted or unreadable)."""
    from archmeta.formats.oaipmh import iter_records as _iter_records

    return _iter_records(path)


def write_list_records(records: Iterable[ArchivalRecord], path: Path) -> int:
    """Write plain records as one OAI-PMH ListRecords response (fixed response date)."""
    from archmeta.formats.oaipmh import write_list_records as _write

    return _write(records, path, response_date="2026-01-01T00:00:00Z")


def convert_command(inputs: Path, to: str, out: Path, jobs: int) -> list[str]:
    """The command line of a batch conversion (``archmeta convert``), run as a subprocess."""
    return [
        sys.executable, "-m", "archmeta.cli", "convert", str(inputs), "--to", to,
        "--out", str(out), "--jobs", str(jobs), "--quiet",
    ]  # fmt: skip


def run_convert(inputs: Path, to: str, out: Path, jobs: int) -> None:
    """Run one batch conversion; raise with archmeta's message when it fails."""
    result = subprocess.run(convert_command(inputs, to, out, jobs), capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(
            f"archmeta convert failed ({result.returncode}): {result.stderr[-2000:]}"
        )
