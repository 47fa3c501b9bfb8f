"""The one exception hierarchy of archmeta, and the :class:`Issue` every check reports.

``ArchmetaError`` is the only kind of exception that input can cause. ``ParseError`` says where
(source, line, column, snippet) an input could not be read; ``ValidationError`` carries every
problem that was found at once, each an :class:`Issue` with a location, a message, a severity and
a rule id.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

__all__ = [
    "SEVERITIES",
    "ArchmetaError",
    "Issue",
    "ParseError",
    "ProfileError",
    "Severity",
    "UnreadableError",
    "UsageError",
    "ValidationError",
    "describe_pattern",
    "describe_pydantic_error",
    "line_col",
    "pointer",
    "pydantic_issues",
    "rule_for_value",
    "too_many_items",
]

Severity = Literal["error", "warning", "info"]
"""How serious an issue is: only errors make a document invalid."""
SEVERITIES: tuple[Severity, ...] = ("error", "warning", "info")
"""The severities, most serious first (a profile may also turn a rule ``off``)."""


@dataclass(frozen=True, slots=True)
class Issue:
    """One problem found in an input or a record.

    Exactly one way of locating it is usually set: ``line``/``column`` for text and XML,
    ``pointer`` (a JSON Pointer into the record's JSON form) for JSON and for checks on the
    model, ``xpath`` for XML elements.
    """

    message: str
    rule: str
    severity: Severity = "error"
    line: int | None = None
    column: int | None = None
    pointer: str | None = None
    xpath: str | None = None
    source: str | None = None

    @property
    def location(self) -> str:
        """The place of the issue without the file name: ``12:3``, ``#/date/text`` or an XPath."""
        if self.line is not None:
            return f"{self.line}:{self.column if self.column is not None else 1}"
        if self.pointer is not None:
            return "#" + self.pointer
        if self.xpath is not None:
            return self.xpath
        return ""

    def format(self, source: str | None = None) -> str:
        """Render as ``FILE:LINE:COL: severity: message [rule]`` (or ``FILE#/pointer: ...``)."""
        name = source or self.source or "<input>"
        loc = self.location
        if loc.startswith("#"):
            where = f"{name}{loc}"
        elif loc:
            where = f"{name}:{loc}"
        else:
            where = name
        return f"{where}: {self.severity}: {self.message} [{self.rule}]"

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready mapping (for machine-readable reports)."""
        out: dict[str, object] = {
            "source": self.source,
            "location": self.location,
            "severity": self.severity,
            "rule": self.rule,
            "message": self.message,
        }
        for key in ("line", "column", "pointer", "xpath"):
            value = getattr(self, key)
            if value is not None:
                out[key] = value
        return out


class ArchmetaError(Exception):
    """Base class of every error archmeta raises on bad input or bad use."""

    @property
    def issues(self) -> list[Issue]:
        return [Issue(message=str(self), rule="error")]


@dataclass(eq=False)
class ParseError(ArchmetaError):
    """An input could not be read; says where (1-based line and column) and what."""

    message: str
    source: str | None = None
    line: int | None = None
    column: int | None = None
    snippet: str | None = None
    rule: str = "parse"

    def __post_init__(self) -> None:
        super().__init__(self.message)

    def __str__(self) -> str:
        where = self.source or "<input>"
        if self.line is not None:
            where += f":{self.line}:{self.column if self.column is not None else 1}"
        text = f"{where}: {self.message}"
        if self.snippet:
            text += f" (near {self.snippet!r})"
        return text

    @property
    def issues(self) -> list[Issue]:
        return [
            Issue(
                message=self.message,
                rule=self.rule,
                line=self.line if self.line is not None else 1,
                column=self.column,
                source=self.source,
            )
        ]


@dataclass(eq=False)
class ValidationError(ArchmetaError):
    """A record or document broke one or more rules; ``issues`` holds every one of them."""

    issue_list: list[Issue] = field(default_factory=list)
    source: str | None = None

    def __post_init__(self) -> None:
        super().__init__(str(self))

    @property
    def issues(self) -> list[Issue]:
        return list(self.issue_list)

    def __str__(self) -> str:
        errors = [i for i in self.issue_list if i.severity == "error"] or self.issue_list
        head = f"{len(errors)} problem(s)"
        lines = [i.format(self.source) for i in errors[:10]]
        more = f"\n... and {len(errors) - 10} more" if len(errors) > 10 else ""
        return head + ":\n" + "\n".join(lines) + more


class UsageError(ArchmetaError):
    """The library or the command line was called the wrong way (unknown format, bad option)."""


class UnreadableError(UsageError):
    """A file that exists but cannot be read (permissions, a folder, an I/O error)."""


class ProfileError(UsageError):
    """A profile that cannot be used: says which file, which key and what is wrong."""


def line_col(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of a character offset in ``text``."""
    line = text.count("\n", 0, offset) + 1
    start = text.rfind("\n", 0, offset) + 1
    return line, offset - start + 1


# ------------------------------------------------------------------ pydantic errors as issues
# The model refuses a value; these turn its errors into Issues with plain words, a JSON Pointer
# and the stable rule id of what the value breaks, the same id whichever format it came from.

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\ud800-\udfff\ufffe\uffff]")
_LANGUAGE_CODE_PLACE = re.compile(r"^/(?:original_)?languages/\d+/code$")


def pointer(loc: Sequence[object]) -> str:
    """A JSON Pointer (RFC 6901) for a location given as keys and indices."""
    parts = [str(p).replace("~", "~0").replace("/", "~1") for p in loc]
    return "/" + "/".join(parts) if parts else ""


def describe_pattern(pattern: str) -> str:
    """A sentence for a string pattern of the model, in words instead of the expression."""
    from .model import PATTERN_WORDS

    if pattern in PATTERN_WORDS:
        return PATTERN_WORDS[pattern]
    return f"must match the pattern {pattern}"


def describe_pydantic_error(error: Mapping[str, Any]) -> str:
    """Plain words for one pydantic error (``is required``, ``must be one line ...``)."""
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind == "string_pattern_mismatch" and "pattern" in ctx:
        return describe_pattern(str(ctx["pattern"]))
    if kind == "extra_forbidden":
        return "is not a field of an archival record"
    if kind == "missing":
        return "is required"
    if kind == "too_long" and "max_length" in ctx:
        return too_many_items(ctx.get("actual_length"), int(ctx["max_length"]))
    if kind == "string_unicode":
        return "holds a lone surrogate (U+D800-U+DFFF), which no document can carry"
    message = str(error.get("msg", "invalid value"))
    return message.removeprefix("Value error, ")


def too_many_items(count: object, limit: int) -> str:
    """Words for a list over its limit (the model's ``MAX_ITEMS`` and the like)."""
    held = f"{count:,} values" if isinstance(count, int) else "more values"
    return f"holds {held}; a record holds at most {limit:,} (see 'Limits' in docs/validation.md)"


def rule_for_value(where: str, kind: str, value: object) -> str:
    """The stable rule id a refused value breaks, from its place and the kind of refusal.

    ``where`` is the JSON Pointer of the value, ``kind`` the pydantic error type (or a JSON
    Schema keyword). The id depends on what is wrong, never on the format it was read from.
    """
    if kind in ("extra_forbidden", "additionalProperties"):
        return "unknown-element"
    if kind in ("missing", "required"):
        return "title-missing" if where == "/title" else "value-missing"
    if kind in ("too_long", "maxItems"):
        return "too-many-items"
    if kind == "string_unicode" or (isinstance(value, str) and _CONTROL.search(value)):
        return "control-character"
    if kind.endswith("_type") or kind in ("type", "model_type", "list_type", "dict_type"):
        return "value-type"
    if where == "/title":
        return "title-missing" if isinstance(value, str) and not value.strip() else "title-one-line"
    if where == "/url":
        return "url-malformed"
    if _LANGUAGE_CODE_PLACE.match(where):
        return "language-code-invalid"
    if where.startswith("/date/edtf") and isinstance(value, str):
        start, _, end = value.partition("/")
        return "date-range-order" if end and start > end else "date-unreadable"
    return "value-invalid"


def pydantic_issues(exc: Any, source: str | None = None) -> list[Issue]:
    """Every error of a pydantic ``ValidationError`` as an :class:`Issue` with a JSON Pointer
    and the stable rule id of what the value breaks."""
    issues = []
    for error in exc.errors():
        where = pointer(error.get("loc", ()))
        kind = str(error.get("type", "invalid"))
        issues.append(
            Issue(
                message=describe_pydantic_error(error),
                rule=rule_for_value(where, kind, error.get("input")),
                pointer=where,
                source=source,
            )
        )
    return issues
