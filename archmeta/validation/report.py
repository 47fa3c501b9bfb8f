"""The report of one validation: every issue found in one document, and what it adds up to."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..errors import Issue

__all__ = ["Report"]


@dataclass
class Report:
    """Everything :func:`~archmeta.validation.validate` found in one document."""

    source: str | None
    format: str | None
    issues: list[Issue] = field(default_factory=list)
    profile: str | None = None

    @property
    def errors(self) -> list[Issue]:
        """The issues of severity ``error``."""
        return [i for i in self.issues if i.severity == "error"]

    @property
    def warnings(self) -> list[Issue]:
        """The issues of severity ``warning``."""
        return [i for i in self.issues if i.severity == "warning"]

    @property
    def ok(self) -> bool:
        """True when there is no error (warnings allowed)."""
        return not self.errors

    def __bool__(self) -> bool:
        return self.ok

    def lines(self) -> list[str]:
        """One ``FILE:LOC: severity: message [rule]`` line per issue."""
        return [i.format(self.source) for i in self.issues]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready mapping (``--report json``)."""
        return {
            "source": self.source,
            "format": self.format,
            "profile": self.profile,
            "valid": self.ok,
            "errors": len(self.errors),
            "warnings": len(self.warnings),
            "issues": [{**i.to_dict(), "source": i.source or self.source} for i in self.issues],
        }
