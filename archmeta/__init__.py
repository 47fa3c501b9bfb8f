"""archmeta: typed archival records that round-trip between plain text, JSON, TEI and Dublin Core.

>>> from archmeta import ArchivalRecord, ArchivalDate
>>> record = ArchivalRecord(title="Cable", date=ArchivalDate.from_text("April 30, 1962"))
>>> record.date.edtf
'1962-04-30'

The public names are imported lazily so that ``import archmeta`` (and the command line) start
fast; ``archmeta.formats`` holds one module per format.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_LAZY = {
    "ArchivalRecord": "archmeta.model",
    "ArchivalDate": "archmeta.model",
    "Language": "archmeta.model",
    "ArchmetaError": "archmeta.errors",
    "ParseError": "archmeta.errors",
    "ValidationError": "archmeta.errors",
    "UsageError": "archmeta.errors",
    "Issue": "archmeta.errors",
    "normalize_date": "archmeta.dates",
    "parse_citation": "archmeta.citation",
    "parse_inline": "archmeta.segments",
    "validate": "archmeta.validation",
}

__all__ = [
    "ArchivalDate",
    "ArchivalRecord",
    "ArchmetaError",
    "Issue",
    "Language",
    "ParseError",
    "UsageError",
    "ValidationError",
    "__version__",
    "normalize_date",
    "parse_citation",
    "parse_inline",
    "validate",
]

if TYPE_CHECKING:
    from .citation import parse_citation
    from .dates import normalize_date
    from .errors import ArchmetaError, Issue, ParseError, UsageError, ValidationError
    from .model import ArchivalDate, ArchivalRecord, Language
    from .segments import parse_inline
    from .validation import validate


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'archmeta' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
