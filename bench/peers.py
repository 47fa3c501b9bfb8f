"""Peers: other libraries doing the same job, measured beside archmeta in the same run.

* ``dcxml`` writes simple Dublin Core (oai_dc) from a dict of lists;
* ``jsonschema`` and ``jsonschema-rs`` validate JSON against ``archival-record.schema.json``;
* ``edtf.parse_edtf`` parses EDTF strings.

The peers are benchmark-only (the ``bench`` extra); :func:`missing` names those not installed.
"""

from __future__ import annotations

import importlib.util
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from . import subject

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = ROOT / "schemas" / "archival-record.schema.json"
MODULES = {"dcxml": "dcxml", "jsonschema": "jsonschema", "jsonschema-rs": "jsonschema_rs",
           "edtf": "edtf", "pyinstrument": "pyinstrument", "psutil": "psutil"}  # fmt: skip


def missing() -> list[str]:
    """The benchmark peers that cannot be imported here."""
    return [name for name, module in MODULES.items() if importlib.util.find_spec(module) is None]


def dcxml_writer() -> Callable[[subject.ArchivalRecord], str]:
    """oai_dc with dcxml: the record's values mapped as archmeta maps them, then serialised."""
    from dcxml import simpledc

    def write(record: subject.ArchivalRecord) -> str:
        data: dict[str, list[str]] = {
            "titles": [record.title],
            "descriptions": [record.summary] if record.summary else [],
            "publishers": [record.publisher] if record.publisher else [],
            "contributors": list(record.translators),
            "dates": [record.date.text] if record.date else [],
            "identifiers": [record.url] if record.url else [],
            "sources": [record.source] if record.source else [],
        }
        return simpledc.tostring(data)  # type: ignore[no-any-return]

    return write


def _schema() -> dict[str, Any]:
    return json.loads(SCHEMA.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def jsonschema_validator() -> Callable[[str], bool]:
    """Parse and validate with the reference Python implementation (every error collected)."""
    import jsonschema

    schema = _schema()
    validator = jsonschema.validators.validator_for(schema)(schema)

    def validate(document: str) -> bool:
        return not any(True for _ in validator.iter_errors(json.loads(document)))

    return validate


def jsonschema_rs_validator() -> Callable[[str], bool]:
    """Parse and validate with jsonschema-rs (Rust), every error collected.

    Rust's regex engine refuses the surrogate range ``\\ud800-\\udfff`` that the schema's
    patterns exclude; Rust strings cannot hold surrogates, so dropping the range from each
    character class changes nothing for the documents it is given.
    """
    import jsonschema_rs

    schema = json.loads(SCHEMA.read_text(encoding="utf-8").replace("\\\\ud800-\\\\udfff", ""))
    validator = jsonschema_rs.validator_for(schema)

    def validate(document: str) -> bool:
        return not any(True for _ in validator.iter_errors(json.loads(document)))

    return validate


def edtf_parser() -> Callable[[str], object]:
    """``edtf.parse_edtf``: the reference EDTF parser, on the EDTF form of each date."""
    from edtf import parse_edtf

    return parse_edtf  # type: ignore[no-any-return]
