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
    "iter_issues": "archmeta.validation",
    "is_valid": "archmeta.validation",
    "Report": "archmeta.validation",
    "Profile": "archmeta.validation",
    "load_profile": "archmeta.validation",
    "get_format": "archmeta.formats",
    "format_names": "archmeta.formats",
    "Codec": "archmeta.formats",
}

__all__ = [
    "ArchivalDate",
    "ArchivalRecord",
    "ArchmetaError",
    "Codec",
    "Issue",
    "Language",
    "ParseError",
    "Profile",
    "Report",
    "UsageError",
    "ValidationError",
    "__version__",
    "format_names",
    "get_format",
    "is_valid",
    "iter_issues",
    "load_profile",
    "normalize_date",
    "parse_citation",
    "parse_inline",
    "validate",
]

if TYPE_CHECKING:
    __version__: str
    from .citation import parse_citation
    from .dates import normalize_date
    from .errors import ArchmetaError, Issue, ParseError, UsageError, ValidationError
    from .formats import Codec, format_names, get_format
    from .model import ArchivalDate, ArchivalRecord, Language
    from .segments import parse_inline
    from .validation import Profile, Report, is_valid, iter_issues, load_profile, validate


def __dir__() -> list[str]:
    return list(__all__)


def __getattr__(name: str) -> Any:
    if name == "__version__":  # one version source: the package metadata (pyproject.toml)
        from importlib.metadata import version

        globals()[name] = value = version("archmeta")
        return value
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'archmeta' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
