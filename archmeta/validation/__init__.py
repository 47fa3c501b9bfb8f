"""Checking records and documents: every problem at once, each an :class:`~archmeta.errors.Issue`.

The trio :func:`iter_issues`, :func:`validate` and :func:`is_valid` accept a path, a document's
text or bytes, or an in-memory :class:`~archmeta.model.ArchivalRecord`. A document goes one
way: its source is read (:mod:`archmeta.sources`), its codec reads it and reports what it found
under stable rule ids, the codec's schema is checked where it has one, and the record rules of
the registry (:mod:`.checks`, :mod:`.reader_rules`) run on the record. A :class:`Profile` names
required fields and tunes each rule's severity.

Severities tune what a *readable* record must satisfy: when a document cannot be read into a
record at all, its problems are reported with their rule ids but always as errors, because no
profile can make such a document convertible.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import replace
from typing import TYPE_CHECKING

from ..errors import Issue, ParseError, Severity, UnreadableError, UsageError
from ..model import ArchivalRecord
from ..sources import DEFAULT_MAX_BYTES, open_source
from ..urls import DEFAULT_SCHEMES
from . import checks, reader_rules
from .profiles import DEFAULT_PROFILE, Profile, load_profile, parse_profile, profile_names
from .registry import RULES, Context, Rule, declare, rule
from .report import Report

if TYPE_CHECKING:
    from ..formats.codec import Codec

__all__ = [
    "DEFAULT_PROFILE",
    "RULES",
    "Profile",
    "Report",
    "Rule",
    "check_record",
    "declare",
    "is_valid",
    "iter_issues",
    "load_profile",
    "parse_profile",
    "profile_names",
    "rule",
    "validate",
    "validate_text",
]

del checks, reader_rules  # imported for their registrations

Source = str | bytes | os.PathLike[str] | ArchivalRecord


def _settings(profile: Profile | None, severities: Mapping[str, str] | None) -> dict[str, str]:
    settings: dict[str, str] = dict(profile.rules) if profile else {}
    settings.update(severities or {})
    return settings


def _required(
    record: ArchivalRecord, profile: Profile, unavailable: frozenset[str]
) -> Iterator[tuple[str, str]]:
    for entry in profile.required:
        alternatives = [a.strip() for a in entry.split("|")]
        if not any(getattr(record, a, None) not in (None, [], "") for a in alternatives):
            shown = " or ".join(alternatives)
            why = (
                "which this format cannot hold"
                if all(a in unavailable for a in alternatives)
                else "which the record leaves empty"
            )
            yield "/" + alternatives[0], f"the profile {profile.name!r} requires {shown}, {why}"


def check_record(
    record: ArchivalRecord,
    source: str | None = None,
    severities: Mapping[str, Severity | str] | None = None,
    locate: Callable[[str], tuple[int, int] | None] | None = None,
    profile: Profile | None = None,
    unavailable: frozenset[str] = frozenset(),
    xpath_of: Callable[[str], str | None] | None = None,
) -> list[Issue]:
    """Run every record rule on a record; ``severities`` overrides (``"off"`` disables).

    ``locate`` maps a JSON Pointer to a (line, column) in the source, when the format knows;
    ``xpath_of`` maps it to the XPath of the element it was read from (XML formats).
    ``profile`` adds its required fields and its severities (``severities`` wins over it).
    ``unavailable`` names fields the record's format cannot hold; rules about them are skipped.
    """
    settings = _settings(profile, severities)
    issues: list[Issue] = []

    def emit(rule_id: str, found: Iterable[tuple[str, str]]) -> None:
        severity = settings.get(rule_id, RULES[rule_id].severity)
        if severity == "off":
            return
        for where, message in found:
            position = locate(where) if locate else None
            xpath = xpath_of(where) if xpath_of else None
            issues.append(
                Issue(
                    message=message,
                    rule=rule_id,
                    severity=severity,  # type: ignore[arg-type]
                    pointer=None if position else where,
                    line=position[0] if position else None,
                    column=position[1] if position else None,
                    xpath=xpath,
                    source=source,
                )
            )

    context = Context(
        url_schemes=profile.url_schemes
        if profile is not None and profile.url_schemes is not None
        else DEFAULT_SCHEMES
    )
    for entry in RULES.values():
        if entry.check is not None and not entry.needs & unavailable:
            emit(entry.id, entry.check(record, context))
    if profile and profile.required:
        emit("required-field", _required(record, profile, unavailable))
    return issues


def _tuned(issues: Iterable[Issue], settings: Mapping[str, str]) -> list[Issue]:
    """Issues of a readable record with the profile's severity for their rule (off: gone)."""
    out = []
    for issue in issues:
        setting = settings.get(issue.rule)
        if setting == "off":
            continue
        out.append(replace(issue, severity=setting) if setting else issue)  # type: ignore[arg-type]
    return out


def _with_source(issues: Iterable[Issue], source: str | None) -> list[Issue]:
    return [i if i.source or source is None else replace(i, source=source) for i in issues]


def _once(schema: list[Issue], found: list[Issue]) -> tuple[list[Issue], list[Issue]]:
    """Report an element the reader does not know and the schema does not allow once: as the
    reader's more specific issue (it says what became of the element), with the schema's
    severity when that is worse (a schema-invalid document is not valid, whatever the reader
    could make of it)."""
    unknown = {i.line: i for i in found if i.rule == "unknown-element" and i.line is not None}
    clashes = {i.line for i in schema if i.rule == "schema-invalid" and i.line in unknown}
    if not clashes:
        return schema, found
    schema = [i for i in schema if not (i.rule == "schema-invalid" and i.line in clashes)]
    found = [
        replace(i, severity="error", message=i.message + " (the schema does not allow it)")
        if i.rule == "unknown-element" and i.line in clashes
        else i
        for i in found
    ]
    return schema, found


def _document_issues(
    codec: Codec,
    data: str | bytes,
    label: str | None,
    profile: Profile,
    settings: Mapping[str, str],
    schema: str | None,
) -> list[Issue]:
    """Every issue of a one-record document: its schema, its reading, then the rules."""
    issues = codec.schema_issues(data, label, schema)
    decoded = codec.read(data, label)
    seen = {(i.line, i.column, i.message) for i in issues}
    found = [i for i in decoded.issues if (i.line, i.column, i.message) not in seen]
    issues, found = _once(issues, found)
    if decoded.usable is not None:
        found = _tuned(found, settings)  # a profile tunes what a convertible record must meet
    issues = _with_source(issues + found, label)
    if decoded.record is None:
        return issues
    return issues + check_record(
        decoded.record,
        label,
        settings,
        decoded.locate,
        profile,
        codec.unavailable,
        decoded.xpath_of,
    )


def _container_issues(
    codec: Codec,
    data: str | bytes | None,
    path: str | None,
    label: str | None,
    profile: Profile,
    settings: Mapping[str, str],
    schema: str | None,
    max_bytes: int = 0,
) -> list[Issue]:
    """Every issue of every record of a container (an OAI-PMH ListRecords response); each
    record is held to the size limit ``max_bytes``."""
    import io

    issues: list[Issue] = []
    if data is not None:
        issues.extend(codec.schema_issues(data, label, schema))
        stream: str | io.BytesIO = io.BytesIO(data.encode() if isinstance(data, str) else data)
    else:
        assert path is not None
        stream = path
    try:
        items = codec.iter_records(stream, label, max_bytes=max_bytes)
        for number, item in enumerate(items, start=1):
            name = item.oai_identifier or f"record {number}"
            found = _with_source(item.issues, label)
            issues.extend(found if item.record is None else _tuned(found, settings))
            if item.record is None:
                continue
            for issue in check_record(
                item.record, label, settings, None, profile, codec.unavailable
            ):
                issues.append(
                    replace(
                        issue,
                        message=f"{name}: {issue.message}",
                        line=item.line if item.line is not None else issue.line,
                        column=1 if item.line is not None else issue.column,
                        pointer=None if item.line is not None else issue.pointer,
                    )
                )
    except ParseError as exc:
        issues.extend(_with_source(exc.issues, label))
    unique: dict[tuple[object, ...], Issue] = {}
    for issue in issues:
        unique.setdefault((issue.rule, issue.line, issue.column, issue.message), issue)
    return list(unique.values())


def _run(
    source: Source,
    format: str | None,
    profile: str | os.PathLike[str] | Profile | None,
    name: str | None,
    severities: Mapping[str, str] | None,
    max_bytes: int,
    schema: str | os.PathLike[str] | None,
) -> Report:
    prof = load_profile(profile)
    settings = _settings(prof, severities)
    if isinstance(source, ArchivalRecord):
        return Report(name, format, check_record(source, name, settings, None, prof), prof.name)
    label = name
    try:
        opened = open_source(source, name=name, format=format, max_bytes=max_bytes)
    except ParseError as exc:
        return Report(label or exc.source, format, exc.issues, prof.name)
    except UnreadableError as exc:
        where = name or (os.fspath(source) if isinstance(source, (str, os.PathLike)) else None)
        message = str(exc).removeprefix(f"{where}: ")
        return Report(where, format, [Issue(message, "unreadable", source=where)], prof.name)
    except UsageError as exc:
        if "cannot tell the format" not in str(exc):
            raise
        issue = Issue(message=str(exc), rule="format-unknown", line=1, column=1, source=label)
        return Report(label, format, [issue], prof.name)
    codec, label = opened.codec, opened.name
    schema_file = os.fspath(schema) if schema is not None else None
    if schema_file is not None and not codec.takes_schema_file:
        raise UsageError(f"a schema file applies to XML formats, not to {codec.name}")
    if opened.is_container:
        issues = _container_issues(
            codec, opened.data, opened.path, label, prof, settings, schema_file, max_bytes
        )
    else:
        assert opened.data is not None
        issues = _document_issues(codec, opened.data, label, prof, settings, schema_file)
    return Report(label, codec.name, issues, prof.name)


def validate(
    source: Source,
    format: str | None = None,
    profile: str | os.PathLike[str] | Profile | None = None,
    *,
    name: str | None = None,
    severities: Mapping[str, str] | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    schema: str | os.PathLike[str] | None = None,
) -> Report:
    """Check one document or record and return a :class:`Report` of every problem.

    ``source`` is a path (``pathlib.Path``, or a ``str`` that names an existing file and holds
    no newline), the document's bytes or text, or an :class:`~archmeta.model.ArchivalRecord`.
    ``format`` is a registered format name (default: told from the file name, then the
    content). ``profile`` is a shipped profile name, a TOML file or a :class:`Profile`.
    ``schema`` is a RELAX NG or XSD file to check an XML document against instead of the
    format's own schema. Unreadable input is reported as issues, never raised; a bad
    ``format``, ``profile`` or ``schema``, and a path that does not exist, raise
    :class:`~archmeta.errors.UsageError`.

    Examples:
        >>> report = validate("**Cable**\\n", format="text")
        >>> report.ok, [i.rule for i in report.issues]
        (True, [])
        >>> from archmeta import ArchivalRecord
        >>> [i.rule for i in validate(ArchivalRecord(title="Cable"), profile="dc-minimal").issues]
        ['required-field']
    """
    return _run(source, format, profile, name, severities, max_bytes, schema)


def iter_issues(
    source: Source,
    format: str | None = None,
    profile: str | os.PathLike[str] | Profile | None = None,
    **options: object,
) -> Iterator[Issue]:
    """Every issue of one document or record (see :func:`validate` for the arguments).

    Examples:
        >>> [i.rule for i in iter_issues('{"title": 3}', format="json")]
        ['value-type']
    """
    yield from validate(source, format, profile, **options).issues  # type: ignore[arg-type]


def is_valid(
    source: Source,
    format: str | None = None,
    profile: str | os.PathLike[str] | Profile | None = None,
    **options: object,
) -> bool:
    """Whether a document or record has no error (warnings allowed).

    >>> is_valid('{"title": "Cable"}', format="json")
    True
    """
    return validate(source, format, profile, **options).ok  # type: ignore[arg-type]


def validate_text(
    text: str | bytes,
    format: str,
    source: str | None = None,
    profile: Profile | str | None = None,
    severities: Mapping[str, str] | None = None,
    schema: str | None = None,
) -> list[Issue]:
    """Every issue of one document's text in ``format`` (the issues of :func:`validate`)."""
    return validate(
        text, format, profile, name=source, severities=severities, schema=schema, max_bytes=0
    ).issues
