"""Checking records: schema problems and semantic rules, all reported at once as Issues.

Every rule has a stable id and a default severity (``RULES``). ``check_record`` runs the
semantic rules on a model; ``validate`` reads a file or string in any registered format, runs
the format's own schema check where it has one, then the rules, and returns every issue.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from .errors import ArchmetaError, Issue, Severity
from .model import LINE_PATTERN, PARAGRAPH_PATTERN, ArchivalRecord

__all__ = ["RULES", "Rule", "check_record", "describe_pydantic_error", "pydantic_issues"]


@dataclass(frozen=True)
class Rule:
    """A semantic rule: stable id, default severity and what it means."""

    id: str
    severity: Severity
    description: str
    check: Callable[[ArchivalRecord], Iterator[tuple[str, str]]]


_PATTERN_WORDS = {
    LINE_PATTERN: "must be one non-empty line, without white space at either end or control "
    "characters",
    PARAGRAPH_PATTERN: "must be non-empty lines joined by single newlines, without blank "
    "lines, white space at line ends or control characters",
}


def describe_pattern(pattern: str) -> str:
    """A sentence for a pattern of the model, instead of the regular expression itself."""
    for known, words in _PATTERN_WORDS.items():
        if pattern == known or known[1:-1] in pattern:
            if "[,;]" in pattern:
                return words + ", and no commas or semicolons"
            return words
    if "A-Za-z]{2,3}" in pattern:
        return "must be a BCP 47 language tag such as 'zh' or 'en-US'"
    if "A-Za-z0-9+." in pattern:
        return "must be an absolute URI such as 'https://example.org/x'"
    if "0-9X?~%" in pattern:
        return "must be an EDTF date such as '1962-04-30'"
    return f"must match the pattern {pattern}"


def describe_pydantic_error(error: Mapping[str, Any]) -> str:
    """A plain-English message for one pydantic error."""
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind == "string_pattern_mismatch" and "pattern" in ctx:
        return describe_pattern(str(ctx["pattern"]))
    if kind == "extra_forbidden":
        return "is not a field of an archival record"
    if kind == "missing":
        return "is required"
    message = str(error.get("msg", "invalid value"))
    return message.removeprefix("Value error, ")


def pointer(loc: tuple[Any, ...] | list[Any]) -> str:
    """A JSON Pointer for a pydantic/jsonschema location."""
    parts = [str(p).replace("~", "~0").replace("/", "~1") for p in loc]
    return "/" + "/".join(parts) if parts else ""


def pydantic_issues(exc: Any, source: str | None = None) -> list[Issue]:
    """Every error of a pydantic ValidationError as an Issue with a JSON Pointer."""
    return [
        Issue(
            message=describe_pydantic_error(e),
            rule="model-" + str(e.get("type", "invalid")).replace("_", "-"),
            pointer=pointer(e.get("loc", ())),
            source=source,
        )
        for e in exc.errors()
    ]


# --------------------------------------------------------------------------- semantic rules


def _date_readable(r: ArchivalRecord) -> Iterator[tuple[str, str]]:
    if r.date is not None and r.date.edtf is None:
        yield "/date/text", f"the date {r.date.text!r} could not be normalized to EDTF"


def _date_not_future(r: ArchivalRecord) -> Iterator[tuple[str, str]]:
    if r.date is None or r.date.edtf is None:
        return
    from .dates import edtf_bounds

    bounds = edtf_bounds(r.date.edtf)
    if bounds and bounds[0] > _dt.date.today().isoformat():
        yield "/date/edtf", f"the date {r.date.edtf} is in the future"


def _languages_known(r: ArchivalRecord) -> Iterator[tuple[str, str]]:
    for key in ("original_languages", "languages"):
        for index, language in enumerate(getattr(r, key)):
            if language.code is None:
                yield (
                    f"/{key}/{index}/code",
                    f"no ISO 639 code is known for the language {language.name!r}",
                )


def _translators_named(r: ArchivalRecord) -> Iterator[tuple[str, str]]:
    if any("translation" in item.lower() for item in r.contents) and not r.translators:
        yield "/translators", "Contents lists a translation but no translator is named"


_TITLE_WORDS = re.compile(r"\w+")


def _citation_consistent(r: ArchivalRecord) -> Iterator[tuple[str, str]]:
    if not r.citation:
        return
    from .citation import parse_citation

    parts = parse_citation(r.citation, r.date.text if r.date else None)
    if parts.title and _TITLE_WORDS.findall(parts.title.lower()) != _TITLE_WORDS.findall(
        r.title.lower()
    ):
        yield "/citation", "the citation names a different title than the record"
    if r.date and r.date.text not in r.citation:
        yield "/citation", f"the citation does not mention the date {r.date.text!r}"


RULES: dict[str, Rule] = {
    rule.id: rule
    for rule in (
        Rule(
            "date-unreadable",
            "warning",
            "The date as written cannot be normalized to EDTF (kept as written).",
            _date_readable,
        ),
        Rule("date-future", "error", "The date lies in the future.", _date_not_future),
        Rule(
            "language-unknown",
            "warning",
            "A language name could not be resolved to an ISO 639 code.",
            _languages_known,
        ),
        Rule(
            "translator-missing",
            "warning",
            "Contents lists a translation but the record names no translator.",
            _translators_named,
        ),
        Rule(
            "citation-mismatch",
            "warning",
            "The citation's title or date differs from the record's.",
            _citation_consistent,
        ),
    )
}


def check_record(
    record: ArchivalRecord,
    source: str | None = None,
    severities: Mapping[str, Severity | str] | None = None,
    locate: Callable[[str], tuple[int, int] | None] | None = None,
) -> list[Issue]:
    """Run every semantic rule on a record; ``severities`` overrides (``"off"`` disables).

    ``locate`` maps a JSON Pointer to a (line, column) in the source, when the format knows.
    """
    issues: list[Issue] = []
    for rule in RULES.values():
        severity = (severities or {}).get(rule.id, rule.severity)
        if severity == "off":
            continue
        for where, message in rule.check(record):
            position = locate(where) if locate else None
            issues.append(
                Issue(
                    message=message,
                    rule=rule.id,
                    severity=severity,  # type: ignore[arg-type]
                    pointer=None if position else where,
                    line=position[0] if position else None,
                    column=position[1] if position else None,
                    source=source,
                )
            )
    return issues


def validate_text(text: str | bytes, format: str, source: str | None = None) -> list[Issue]:
    """Every issue of one document in a registered format (parse, schema, then rules)."""
    from .formats import get_format

    info = get_format(format)
    module = info.module
    try:
        schema_check = getattr(module, "schema_issues", None)
        if schema_check is not None:
            issues = schema_check(text, source=source, **info.options)
            if any(i.severity == "error" for i in issues):
                return issues
        else:
            issues = []
        locate = None
        if format == "text":
            from .formats.text import parse_text

            record, lines_of = parse_text(text, source=source)

            def locate(where: str) -> tuple[int, int] | None:
                field = where.split("/")[1] if "/" in where else where
                line = lines_of.get(field)
                return (line, 1) if line else None
        else:
            reader = getattr(module, "read", None)
            if reader is not None:
                record, read_issues = reader(text, source=source, **info.options)
                issues = issues + list(read_issues)
            else:
                record = info.loads(text, source=source)
        return issues + check_record(record, source=source, locate=locate)
    except ArchmetaError as exc:
        return [_with_source(i, source) for i in exc.issues]


def _with_source(issue: Issue, source: str | None) -> Issue:
    if issue.source or source is None:
        return issue
    from dataclasses import replace

    return replace(issue, source=source)
