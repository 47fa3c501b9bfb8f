"""The one exception hierarchy of archmeta, and the :class:`Issue` every check reports.

``ArchmetaError`` is the only kind of exception that input can cause. ``ParseError`` says where
(source, line, column, snippet) an input could not be read; ``ValidationError`` carries every
problem that was found at once, each an :class:`Issue` with a location, a message, a severity and
a rule id.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Severity = Literal["error", "warning", "info"]
SEVERITIES: tuple[Severity, ...] = ("error", "warning", "info")


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


def line_col(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of a character offset in ``text``."""
    line = text.count("\n", 0, offset) + 1
    start = text.rfind("\n", 0, offset) + 1
    return line, offset - start + 1
