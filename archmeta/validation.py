"""Checking records: schema problems and semantic rules, all reported at once as Issues.

Every rule has a stable id, a default severity and a documented meaning (``RULES``; the list is
in ``docs/validation.md``). ``check_record`` runs the semantic rules on a model;
:func:`validate` reads a path, bytes or text in any registered format, runs the format's own
schema check where it has one, then the rules, and returns a :class:`Report` with every issue.

A :class:`Profile` (a small TOML file, see ``archmeta/profiles/``) names the fields a repository
requires and the severity of each rule: ``error``, ``warning`` or ``off``. Severities tune what a
*readable* record must satisfy: when a document cannot be read into a record at all (a missing
title, a control character, an unknown section), its problems are reported with their rule ids
but always as errors, because no profile can make such a document convertible.
"""

from __future__ import annotations

import datetime as _dt
import os
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from .errors import ArchmetaError, Issue, ParseError, Severity, UsageError
from .model import LANGUAGE_NAME_PATTERN, LINE_PATTERN, PARAGRAPH_PATTERN, ArchivalRecord

__all__ = [
    "DEFAULT_MAX_BYTES",
    "RULES",
    "Profile",
    "ProfileError",
    "Report",
    "Rule",
    "check_record",
    "describe_pydantic_error",
    "load_profile",
    "parse_size",
    "pydantic_issues",
    "read_source",
    "validate",
    "validate_text",
]

#: Inputs larger than this are refused before they are read (``--max-size`` changes it).
DEFAULT_MAX_BYTES = 64 * 1024 * 1024

SETTINGS = ("error", "warning", "off")


@dataclass(frozen=True)
class Rule:
    """A rule: stable id, default severity, what it means, and its check on a record.

    ``check`` is ``None`` for rules that the readers themselves enforce (the model cannot hold
    a record that breaks them); their issues come from parsing and are relabelled to the id.
    """

    id: str
    severity: Severity
    description: str
    check: Callable[[ArchivalRecord], Iterator[tuple[str, str]]] | None = None
    # Fields the rule is about: it is not run on records read from a format that cannot hold
    # them (Dublin Core has no translator role, so "no translator" says nothing there).
    needs: frozenset[str] = frozenset()


_LINE_WORDS = "must be one non-empty line, without white space at either end or control characters"
_PATTERN_WORDS = {
    LINE_PATTERN: _LINE_WORDS,
    PARAGRAPH_PATTERN: "must be non-empty lines joined by single newlines, without blank "
    "lines, white space at line ends or control characters",
    LANGUAGE_NAME_PATTERN: _LINE_WORDS + ", and no commas or semicolons",
}


def describe_pattern(pattern: str) -> str:
    """A sentence for a pattern of the model, instead of the regular expression itself."""
    if pattern in _PATTERN_WORDS:
        return _PATTERN_WORDS[pattern]
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

# Characters no field may hold (XML 1.0 cannot carry them): C0 controls but TAB and LF, lone
# surrogates, U+FFFE and U+FFFF. Carriage returns are newlines to the readers, so CR is allowed
# in raw text and refused in values.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\ud800-\udfff\ufffe\uffff]")
_RAW_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_RANGE = re.compile(r"\b(\d{3,4})\s*(?:-|–|—|/|to|until)\s*(\d{3,4})\b")


def _date_readable(r: ArchivalRecord) -> Iterator[tuple[str, str]]:
    if r.date is not None and r.date.edtf is None and not _reversed_range(r.date.text):
        yield "/date/text", f"the date {r.date.text!r} could not be normalized to EDTF"


def _date_not_future(r: ArchivalRecord) -> Iterator[tuple[str, str]]:
    if r.date is None or r.date.edtf is None:
        return
    from .dates import edtf_bounds

    bounds = edtf_bounds(r.date.edtf)
    if bounds and bounds[0] > _dt.date.today().isoformat():
        yield "/date/edtf", f"the date {r.date.edtf} is in the future"


def _reversed_range(text: str) -> tuple[str, str] | None:
    m = _RANGE.search(text)
    if m and int(m.group(1)) > int(m.group(2)):
        return m.group(1), m.group(2)
    return None


def _date_range_order(r: ArchivalRecord) -> Iterator[tuple[str, str]]:
    if r.date is None:
        return
    reversed_ = _reversed_range(r.date.text)
    if reversed_:
        yield (
            "/date/text",
            f"the date range {r.date.text!r} ends ({reversed_[1]}) before it starts "
            f"({reversed_[0]})",
        )
        return
    if r.date.edtf and "/" in r.date.edtf:
        from .dates import edtf_bounds

        start, _, end = r.date.edtf.partition("/")
        lo, hi = edtf_bounds(start), edtf_bounds(end)
        if lo and hi and lo[0] > hi[1]:
            yield "/date/edtf", f"the date range {r.date.edtf} ends before it starts"


def _languages_known(r: ArchivalRecord) -> Iterator[tuple[str, str]]:
    for key in ("original_languages", "languages"):
        for index, language in enumerate(getattr(r, key)):
            if language.code is None:
                yield (
                    f"/{key}/{index}/code",
                    f"no ISO 639 code is known for the language {language.name!r}",
                )


def _language_codes_valid(r: ArchivalRecord) -> Iterator[tuple[str, str]]:
    from .languages import is_valid_language_code

    for key in ("original_languages", "languages"):
        for index, language in enumerate(getattr(r, key)):
            if language.code is not None and not is_valid_language_code(language.code):
                yield (
                    f"/{key}/{index}/code",
                    f"{language.code!r} is not a registered ISO 639 / BCP 47 language code",
                )


_WEB_SCHEMES = {"http", "https", "ftp"}
_HOST = re.compile(r"^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.?)+$|^\[[0-9A-Fa-f:.]+\]$")


def url_problem(url: str) -> str | None:
    """Why ``url`` is not a well-formed absolute URL, or None when it is."""
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a bad port
    except ValueError as exc:
        return f"the URL {url!r} cannot be parsed ({exc})"
    if not parts.scheme:
        return f"the URL {url!r} has no scheme (such as https:)"
    if parts.scheme.lower() in _WEB_SCHEMES:
        host = parts.hostname or ""
        if not parts.netloc or not host:
            return f"the URL {url!r} names no host"
        if not _HOST.match(host) and not _HOST.match(f"[{host}]"):
            return f"the URL {url!r} has an invalid host name {host!r}"
    if any(c.isspace() for c in url) or _CONTROL.search(url):
        return f"the URL {url!r} contains white space or control characters"
    return None


def _url_well_formed(r: ArchivalRecord) -> Iterator[tuple[str, str]]:
    if r.url:
        problem = url_problem(r.url)
        if problem:
            yield "/url", problem


def _title_present(r: ArchivalRecord) -> Iterator[tuple[str, str]]:
    if not (r.title or "").strip():
        yield "/title", "the record has no title"


def _title_one_line(r: ArchivalRecord) -> Iterator[tuple[str, str]]:
    if r.title and ("\n" in r.title or "\r" in r.title):
        yield "/title", "the title must be one line"


def _no_control_characters(r: ArchivalRecord) -> Iterator[tuple[str, str]]:
    # Records built through the model cannot hold them; records made with model_construct can.
    def walk(value: Any, where: str) -> Iterator[tuple[str, str]]:
        if isinstance(value, str):
            m = _CONTROL.search(value)
            if m:
                yield where, f"control character U+{ord(m.group()):04X} is not allowed"
        elif isinstance(value, dict):
            for key, item in value.items():
                yield from walk(item, f"{where}/{key}")
        elif isinstance(value, list):
            for index, item in enumerate(value):
                yield from walk(item, f"{where}/{index}")

    yield from walk(r.model_dump(mode="python"), "")


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
        yield (
            "/citation",
            f"the citation names the title {parts.title!r}, not the record's {r.title!r}",
        )
    if r.date and r.date.text not in r.citation:
        yield "/citation", f"the citation does not mention the date {r.date.text!r}"


RULES: dict[str, Rule] = {
    rule.id: rule
    for rule in (
        Rule(
            "date-unreadable",
            "warning",
            "The date as written cannot be normalized to EDTF (it is kept as written).",
            _date_readable,
        ),
        Rule("date-future", "error", "The date lies after today.", _date_not_future),
        Rule(
            "date-range-order",
            "error",
            "A date range ends before it starts ('1965-1962').",
            _date_range_order,
        ),
        Rule(
            "language-unknown",
            "warning",
            "A language name could not be resolved to an ISO 639 code.",
            _languages_known,
        ),
        Rule(
            "language-code-invalid",
            "error",
            "A language code is not a registered ISO 639 / BCP 47 code.",
            _language_codes_valid,
        ),
        Rule(
            "url-malformed",
            "error",
            "The URL is not a well-formed absolute URL (scheme, and a host for http/https/ftp).",
            _url_well_formed,
        ),
        Rule("title-missing", "error", "The record has no title.", _title_present),
        Rule("title-one-line", "error", "The title spans more than one line.", _title_one_line),
        Rule(
            "control-character",
            "error",
            "A value holds a control character that XML 1.0 cannot carry (U+0000-U+001F "
            "other than TAB and newline, U+FFFE, U+FFFF).",
            _no_control_characters,
        ),
        Rule(
            "translator-missing",
            "warning",
            "Contents lists a translation but the record names no translator.",
            _translators_named,
            frozenset({"translators"}),
        ),
        Rule(
            "citation-mismatch",
            "warning",
            "The citation's title or date differs from the record's.",
            _citation_consistent,
        ),
        Rule(
            "unknown-element",
            "error",
            "The document holds a section, key or element that archmeta does not know "
            "(text: an unknown **Section:**; JSON: an unknown key; XML: an unknown element).",
        ),
        Rule(
            "required-field",
            "error",
            "The profile requires a field that the record leaves empty.",
        ),
    )
}


# ------------------------------------------------------------------------------- profiles


class ProfileError(UsageError):
    """A profile file that cannot be used: says which file, which key and what is wrong."""


class UnreadableError(UsageError):
    """A file that exists but cannot be read (permissions, a folder, an I/O error)."""


def _record_fields() -> list[str]:
    return list(ArchivalRecord.model_fields)


@dataclass(frozen=True)
class Profile:
    """A repository's requirements: fields that must be present and rule severities.

    Each entry of ``required`` is a field name, or several joined by ``|`` when any one of
    them will do (``"identifier|url|identifiers"``).
    """

    name: str
    description: str = ""
    required: tuple[str, ...] = ()
    rules: Mapping[str, str] = field(default_factory=dict)
    path: str | None = None

    def severity(self, rule_id: str) -> str:
        return self.rules.get(rule_id, RULES[rule_id].severity if rule_id in RULES else "error")


DEFAULT_PROFILE = Profile(name="default", description="archmeta's default severities")

_PROFILE_DIR = Path(__file__).resolve().parent / "profiles"
_PROFILE_KEYS = {"name", "description", "required", "rules"}


def profile_names() -> list[str]:
    """The profiles shipped with archmeta."""
    return sorted(p.stem for p in _PROFILE_DIR.glob("*.toml"))


def _suggest(word: str, choices: Sequence[str]) -> str:
    import difflib

    close = difflib.get_close_matches(word, list(choices), n=1)
    return f"; did you mean {close[0]!r}?" if close else ""


def load_profile(name_or_path: str | os.PathLike[str] | Profile | None) -> Profile:
    """A shipped profile by name (``wilson``, ``dc-minimal``) or a profile TOML file.

    Raises :class:`ProfileError` naming the file, the key and the problem.
    """
    if name_or_path is None:
        return DEFAULT_PROFILE
    if isinstance(name_or_path, Profile):
        return name_or_path
    text = os.fspath(name_or_path)
    path = Path(text)
    if not text.endswith(".toml") and os.sep not in text and "/" not in text:
        path = _PROFILE_DIR / f"{text}.toml"
        if not path.is_file():
            raise ProfileError(
                f"unknown profile {text!r}; shipped profiles: {', '.join(profile_names())} "
                "(or name a .toml file)" + _suggest(text, profile_names())
            )
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ProfileError(f"{text}: no such profile file") from None
    except OSError as exc:
        raise ProfileError(f"{text}: cannot read the profile ({exc.strerror})") from None
    return parse_profile(raw, source=text, default_name=path.stem)


def parse_profile(data: bytes | str, source: str = "<profile>", default_name: str = "") -> Profile:
    """Read a profile from TOML text (see ``docs/validation.md`` for the keys)."""
    import tomllib

    try:
        text = data.decode("utf-8") if isinstance(data, bytes) else data
        doc = tomllib.loads(text)
    except UnicodeDecodeError:
        raise ProfileError(f"{source}: a profile must be UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError(f"{source}: not valid TOML: {exc}") from None

    def fail(key: str, message: str) -> ProfileError:
        return ProfileError(f"{source}: {key}: {message}")

    for key in doc:
        if key not in _PROFILE_KEYS:
            raise fail(
                key,
                f"unknown key (known keys: {', '.join(sorted(_PROFILE_KEYS))})"
                + _suggest(key, sorted(_PROFILE_KEYS)),
            )
    name = doc.get("name", default_name)
    if not isinstance(name, str) or not name.strip():
        raise fail("name", "must be a non-empty string")
    description = doc.get("description", "")
    if not isinstance(description, str):
        raise fail("description", "must be a string")
    required = doc.get("required", [])
    if not isinstance(required, list) or not all(isinstance(x, str) for x in required):
        raise fail("required", 'must be a list of field names, e.g. ["title", "date"]')
    fields = _record_fields()
    for index, entry in enumerate(required):
        for alternative in entry.split("|"):
            if alternative.strip() not in fields:
                raise fail(
                    f"required[{index}]",
                    f"{alternative.strip()!r} is not a field of an archival record"
                    + _suggest(alternative.strip(), fields),
                )
    rules = doc.get("rules", {})
    if not isinstance(rules, dict):
        raise fail("rules", 'must be a table, e.g. [rules] followed by date-future = "warning"')
    for rule_id, setting in rules.items():
        if rule_id not in RULES:
            raise fail(f"rules.{rule_id}", "unknown rule id" + _suggest(rule_id, sorted(RULES)))
        if setting not in SETTINGS:
            raise fail(
                f"rules.{rule_id}",
                f"severity must be one of {', '.join(repr(s) for s in SETTINGS)}, not {setting!r}",
            )
    return Profile(
        name=name.strip(),
        description=description,
        required=tuple(x.strip() for x in required),
        rules=dict(rules),
        path=source,
    )


def _required_issues(
    record: ArchivalRecord, profile: Profile, unavailable: frozenset[str] = frozenset()
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


# ------------------------------------------------------------------------------- checking


def check_record(
    record: ArchivalRecord,
    source: str | None = None,
    severities: Mapping[str, Severity | str] | None = None,
    locate: Callable[[str], tuple[int, int] | None] | None = None,
    profile: Profile | None = None,
    unavailable: frozenset[str] = frozenset(),
) -> list[Issue]:
    """Run every semantic rule on a record; ``severities`` overrides (``"off"`` disables).

    ``locate`` maps a JSON Pointer to a (line, column) in the source, when the format knows.
    ``profile`` adds its required fields and its severities (``severities`` wins over it).
    ``unavailable`` names fields the record's format cannot hold; rules about them are skipped.
    """
    settings: dict[str, str] = dict(profile.rules) if profile else {}
    settings.update(severities or {})
    issues: list[Issue] = []

    def emit(rule_id: str, found: Iterator[tuple[str, str]]) -> None:
        severity = settings.get(rule_id, RULES[rule_id].severity)
        if severity == "off":
            return
        for where, message in found:
            position = locate(where) if locate else None
            issues.append(
                Issue(
                    message=message,
                    rule=rule_id,
                    severity=severity,  # type: ignore[arg-type]
                    pointer=None if position else where,
                    line=position[0] if position else None,
                    column=position[1] if position else None,
                    source=source,
                )
            )

    for rule in RULES.values():
        if rule.check is not None and not rule.needs & unavailable:
            emit(rule.id, rule.check(record))
    if profile and profile.required:
        emit("required-field", _required_issues(record, profile, unavailable))
    return issues


# Format-specific ids of problems that break a rule of RULES, relabelled to the stable id.
_RELABEL = {
    "text-control-character": "control-character",
    "text-unknown-section": "unknown-element",
    "text-missing-title": "title-missing",
    "json-schema-additionalProperties": "unknown-element",
    "model-extra-forbidden": "unknown-element",
    "dc-foreign-element": "unknown-element",
    "dc-unmapped": "unknown-element",
    "dc-no-title": "title-missing",
    "tei-missing-title": "title-missing",
    "dc-language": "language-unknown",
}
_FIELD_RULES = {"title": "title-one-line", "url": "url-malformed"}
_LANGUAGE_CODE_POINTER = re.compile(r"^/(?:original_)?languages/\d+/code$")


def _value_at(data: Any, where: str | None) -> Any:
    if data is None or where is None:
        return None
    value = data
    for part in where.split("/")[1:]:
        part = part.replace("~1", "/").replace("~0", "~")
        if isinstance(value, dict):
            value = value.get(part)
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            return None
    return value


def _stable_rule(issue: Issue, data: Any = None) -> str:
    """The id of RULES that a format's own issue breaks, or the format's id when none does."""
    rule = issue.rule
    if rule in _RELABEL:
        return _RELABEL[rule]
    if "unknown" in rule and ("element" in rule or "section" in rule or "key" in rule):
        return "unknown-element"
    where = issue.pointer
    value = _value_at(data, where)
    if isinstance(value, str) and _CONTROL.search(value):
        return "control-character"
    if rule == "json-schema-required" and "'title'" in issue.message:
        return "title-missing"
    if where == "/title":
        return "title-missing" if isinstance(value, str) and not value.strip() else "title-one-line"
    if where == "/url":
        return "url-malformed"
    if where and _LANGUAGE_CODE_POINTER.match(where):
        return "language-code-invalid"
    if where == "/date/edtf" and isinstance(value, str):
        start, _, end = value.partition("/")
        return "date-range-order" if end and start > end else "date-unreadable"
    if rule == "text-invalid-value":
        name = issue.message.split(":", 1)[0]
        if name in _FIELD_RULES:
            return _FIELD_RULES[name]
    return rule


def _scan_control_characters(text: str, source: str | None) -> tuple[list[Issue], str]:
    """Every control character of a text document as an issue, and the text with each replaced
    by U+FFFD so that parsing can go on to find the other problems."""
    issues = []
    for m in _RAW_CONTROL.finditer(text):
        from .errors import line_col

        line, column = line_col(text, m.start())
        issues.append(
            Issue(
                message=f"control character U+{ord(m.group()):04X} is not allowed",
                rule="control-character",
                line=line,
                column=column,
                source=source,
            )
        )
        if len(issues) >= 100:
            break
    return issues, _RAW_CONTROL.sub("\ufffd", text) if issues else text


def _text_issues(
    data: str | bytes, source: str | None, profile: Profile | None
) -> tuple[list[Issue], ArchivalRecord | None, Callable[[str], tuple[int, int] | None] | None]:
    """Parse a text record, going past control characters and unknown sections so that one run
    reports all of them; returns the fatal issues, the record (when readable) and a locator."""
    from .formats._io import decode_text
    from .formats.text import parse_text

    text = decode_text(data, source)
    issues, text = _scan_control_characters(text, source)
    for _ in range(50):
        try:
            record, lines_of = parse_text(text, source=source)
        except ParseError as exc:
            issue = exc.issues[0]
            issues.append(replace(issue, rule=_stable_rule(issue)))
            if exc.rule == "text-unknown-section" and exc.line:
                # Blank the header and its content paragraph (line numbers stay) and go on.
                lines = text.split("\n")
                index = exc.line - 1
                lines[index] = ""
                index += 1
                while index < len(lines) and not lines[index].strip():
                    index += 1
                while index < len(lines) and lines[index].strip():
                    lines[index] = ""
                    index += 1
                text = "\n".join(lines)
                continue
            return issues, None, None
        break
    else:
        return issues, None, None

    def locate(where: str) -> tuple[int, int] | None:
        name = where.split("/")[1] if "/" in where else where
        line = lines_of.get(name)
        return (line, 1) if line else None

    return issues, record, locate


XML_FORMATS = ("tei", "oai_dc", "dcterms")
_DC = ("oai_dc", "dcterms")


def unavailable_fields(module: Any, format: str) -> frozenset[str]:
    """Fields a record read from ``format`` can never hold (``UNREAD_FIELDS`` of its module)."""
    table = getattr(module, "UNREAD_FIELDS", None)
    if table is None and format in _DC:
        from .formats import dc

        table = dc.UNREAD_FIELDS
    return frozenset((table or {}).get(format, ()))


def validate_text(
    text: str | bytes,
    format: str,
    source: str | None = None,
    profile: Profile | str | None = None,
    severities: Mapping[str, str] | None = None,
    schema: str | None = None,
) -> list[Issue]:
    """Every issue of one document in a registered format (parse, schema, then rules).

    ``schema`` names a RELAX NG or XML Schema file to check an XML format against instead of
    archmeta's own schema (for instance the official ``tei_all.rng`` for TEI from elsewhere).
    """
    from .formats import get_format

    info = get_format(format)
    module = info.module
    if schema is not None and format not in XML_FORMATS:
        raise UsageError(f"a schema file applies to XML formats ({', '.join(XML_FORMATS)})")
    prof = load_profile(profile) if not isinstance(profile, Profile) else profile
    try:
        if format == "text":
            issues, record, locate = _text_issues(text, source, prof)
            issues = [_with_source(i, source) for i in issues]
            if record is None:
                return issues
            return issues + check_record(record, source, severities, locate, prof)
        locate = None
        issues: list[Issue] = []
        if schema is not None:
            from .xmlsafe import schema_file_issues

            issues = schema_file_issues(text, schema, source)
        elif (schema_check := getattr(module, "schema_issues", None)) is not None:
            issues = list(schema_check(text, source=source, **info.options))
        schema_failed = any(i.severity == "error" for i in issues)
        if schema_failed and format not in _DC:
            data = _json_data(text) if format == "json" else None
            issues = issues + _model_value_issues(data, issues, source)
            return [_with_source(replace(i, rule=_stable_rule(i, data)), source) for i in issues]
        # Dublin Core that the schema refuses (a foreign element) is still readable, as it is
        # inside an OAI-PMH response: its record's problems are reported in the same run.
        reader = getattr(module, "read", None)
        try:
            if reader is not None:
                record, read_issues = reader(text, source=source, **info.options)
                issues = issues + [
                    _tuned(replace(i, rule=_stable_rule(i)), prof, severities) for i in read_issues
                ]
                issues = [i for i in issues if i is not None]
            else:
                record = info.loads(text, source=source)
        except ArchmetaError as exc:
            if not schema_failed or isinstance(exc, UsageError):
                raise
            seen = {(i.line, i.column, i.message) for i in issues}
            issues = issues + [
                replace(i, rule=_stable_rule(i))
                for i in exc.issues
                if (i.line, i.column, i.message) not in seen
            ]
            return [_with_source(i, source) for i in issues]
        return [_with_source(i, source) for i in issues] + check_record(
            record, source, severities, locate, prof, unavailable_fields(module, format)
        )
    except ArchmetaError as exc:
        if isinstance(exc, UsageError):
            raise
        data = _json_data(text) if format == "json" else None
        return [_with_source(replace(i, rule=_stable_rule(i, data)), source) for i in exc.issues]


def _model_value_issues(data: Any, found: list[Issue], source: str | None) -> list[Issue]:
    """Problems only the model's own validators see (an impossible EDTF date), at places the
    schema check has not already reported, so that one run reports everything."""
    if not isinstance(data, dict):
        return []
    import pydantic

    try:
        ArchivalRecord.model_validate(data)
        return []
    except pydantic.ValidationError as exc:
        extra = [
            i
            for i, e in zip(pydantic_issues(exc, source), exc.errors(), strict=True)
            if e.get("type") == "value_error"
        ]
    except RecursionError:
        return []
    seen = [i.pointer for i in found if i.pointer is not None]
    return [
        i
        for i in extra
        if not any(i.pointer == p or (i.pointer or "").startswith(p + "/") for p in seen if p)
    ]


def _tuned(issue: Issue, profile: Profile, severities: Mapping[str, str] | None) -> Any:
    """An issue of a readable record with the profile's severity for its rule (None: off)."""
    if issue.rule not in RULES:
        return issue
    setting = (severities or {}).get(issue.rule) or profile.rules.get(issue.rule)
    if setting is None:
        return issue
    if setting == "off":
        return None
    return replace(issue, severity=setting)


def _json_data(text: str | bytes) -> Any:
    import json

    try:
        if isinstance(text, bytes):
            text = text.decode("utf-8-sig")
        return json.loads(text)
    except (ValueError, RecursionError):
        return None


def _with_source(issue: Issue, source: str | None) -> Issue:
    if issue.source or source is None:
        return issue
    return replace(issue, source=source)


# --------------------------------------------------------------------------------- reports


@dataclass
class Report:
    """Everything :func:`validate` found in one document."""

    source: str | None
    format: str | None
    issues: list[Issue] = field(default_factory=list)
    profile: str | None = None

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "error"]

    @property
    def warnings(self) -> list[Issue]:
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
        return {
            "source": self.source,
            "format": self.format,
            "profile": self.profile,
            "valid": self.ok,
            "errors": len(self.errors),
            "warnings": len(self.warnings),
            "issues": [{**i.to_dict(), "source": i.source or self.source} for i in self.issues],
        }


def parse_size(text: str | int) -> int:
    """``"64M"``, ``"200k"``, ``"1G"`` or a number of bytes; ``0`` means no limit."""
    if isinstance(text, int):
        return text
    m = re.fullmatch(r"\s*(\d+)\s*([kKmMgG]?)[iI]?[bB]?\s*", text)
    if not m:
        raise UsageError(f"invalid size {text!r}; use a number of bytes or e.g. 64M, 500k, 1G")
    factor = {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3}[m.group(2).lower()]
    return int(m.group(1)) * factor


def _too_big(size: int, limit: int, name: str) -> ParseError:
    return ParseError(
        f"the input is {size:,} bytes, more than the limit of {limit:,} bytes "
        "(raise it with --max-size or max_bytes=)",
        source=name,
        line=1,
        column=1,
        rule="input-too-large",
    )


def _read_limited(handle: Any, name: str, max_bytes: int, size_hint: int = 0) -> bytes:
    """Read a binary stream to its end, refusing it once it passes ``max_bytes`` (0: no limit).

    Reads what the file's size promises in one call, then in 1 MiB pieces: never allocates a
    buffer of the limit's size for a small file.
    """
    chunks: list[bytes] = []
    total = 0
    want = size_hint + 1 if size_hint else 65536
    while True:
        if max_bytes:
            want = min(want, max_bytes + 1 - total)
        piece = handle.read(want)
        if not piece:
            break
        chunks.append(piece)
        total += len(piece)
        if max_bytes and total > max_bytes:
            raise _too_big(total, max_bytes, name)
        want = 1 << 20
    return b"".join(chunks)


def read_source(path: str | os.PathLike[str], max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """The bytes of a file, refused with ParseError (rule ``input-too-large``) before reading
    when the file is larger than ``max_bytes`` (0: no limit). A missing file is a UsageError."""
    name = os.fspath(path)
    try:
        with open(path, "rb", buffering=0) as handle:
            size = os.fstat(handle.fileno()).st_size
            if max_bytes and size > max_bytes:
                raise _too_big(size, max_bytes, name)
            return _read_limited(handle, name, max_bytes, size)
    except FileNotFoundError:
        if os.path.lexists(name):
            raise UnreadableError(f"{name}: a broken symbolic link") from None
        raise UsageError(f"{name}: no such file") from None
    except IsADirectoryError:
        raise UnreadableError(f"{name}: is a folder, not a file") from None
    except OSError as exc:
        raise UnreadableError(f"{name}: cannot read ({exc.strerror})") from None


def read_stream(stream: Any, name: str = "<stdin>", max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """Read a binary stream up to ``max_bytes`` (refused beyond it)."""
    return _read_limited(stream, name, max_bytes)


def read_head(path: str | os.PathLike[str], size: int = 4096) -> bytes:
    """The first bytes of a file (to tell its format); a missing file is a UsageError."""
    try:
        with open(path, "rb") as handle:
            return handle.read(size)
    except FileNotFoundError:
        raise UsageError(f"{os.fspath(path)}: no such file") from None
    except IsADirectoryError:
        raise UnreadableError(f"{os.fspath(path)}: is a folder, not a file") from None
    except OSError as exc:
        raise UnreadableError(f"{os.fspath(path)}: cannot read ({exc.strerror})") from None


# A ListRecords or GetRecord response, or an OAI-PMH error response to such a request (a
# harvest that found nothing new is <error code="noRecordsMatch">: no records, not a failure).
_OAI_RESPONSE = re.compile(
    rb"<(?:[A-Za-z_][\w.-]*:)?(?:ListRecords|GetRecord)[\s>]"
    rb"|<(?:[A-Za-z_][\w.-]*:)?request\s[^>]*verb\s*=\s*[\"'](?:ListRecords|GetRecord)[\"']"
)


def record_stream(info: Any, head: bytes | str) -> Callable[..., Iterator[Any]] | None:
    """``iter_records(source, source_name=None)`` for a multi-record document, else None.

    A format module may offer ``iter_records`` itself; OAI-PMH ListRecords and GetRecord
    responses (told from their start) are read by ``archmeta.formats.oaipmh``.
    """
    own = getattr(info.module, "iter_records", None)
    if own is not None:
        return own  # type: ignore[no-any-return]
    if isinstance(head, str):
        head = head[:4096].encode("utf-8", "replace")
    if b"http://www.openarchives.org/OAI/2.0/" in head and _OAI_RESPONSE.search(head):
        try:
            from .formats.oaipmh import iter_records
        except ImportError:  # pragma: no cover - the OAI-PMH module is part of archmeta
            return None
        return iter_records  # type: ignore[no-any-return]
    return None


def _stream_issues(
    info: Any,
    stream: Callable[..., Iterator[Any]],
    data: bytes | str,
    label: str | None,
    profile: Profile,
    severities: Mapping[str, str] | None,
) -> list[Issue]:
    """Every issue of every record of a multi-record document (OAI-PMH ListRecords)."""
    import io

    if isinstance(data, str):
        data = data.encode("utf-8")
    issues: list[Issue] = []
    schema_check = getattr(info.module, "schema_issues", None)
    if schema_check is not None:
        try:
            issues.extend(schema_check(data, source=label, **info.options))
        except ArchmetaError as exc:
            issues.extend(exc.issues)
    try:
        for number, item in enumerate(stream(io.BytesIO(data), source_name=label), start=1):
            name = item.oai_identifier or f"record {number}"
            for issue in item.issues:
                tuned = _tuned(replace(issue, rule=_stable_rule(issue)), profile, severities)
                if tuned is not None:
                    issues.append(_with_source(tuned, label))
            if item.record is None:
                continue
            lost = unavailable_fields(info.module, info.name if info.name in _DC else "oai_dc")
            for issue in check_record(item.record, label, severities, None, profile, lost):
                issues.append(
                    replace(
                        issue,
                        message=f"{name}: {issue.message}",
                        line=item.line if item.line is not None else issue.line,
                        column=1 if item.line is not None else issue.column,
                        pointer=None if item.line is not None else issue.pointer,
                    )
                )
    except ArchmetaError as exc:
        issues.extend(_with_source(replace(i, rule=_stable_rule(i)), label) for i in exc.issues)
    unique: dict[tuple[Any, ...], Issue] = {}
    for issue in issues:
        unique.setdefault((issue.rule, issue.line, issue.column, issue.message), issue)
    return list(unique.values())


def validate(
    source: str | bytes | os.PathLike[str],
    format: str | None = None,
    profile: str | os.PathLike[str] | Profile | None = None,
    *,
    name: str | None = None,
    severities: Mapping[str, str] | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    schema: str | os.PathLike[str] | None = None,
) -> Report:
    """Check one document and return a :class:`Report` of every problem.

    ``source`` is a path (``pathlib.Path``, or a ``str`` that names an existing file and holds
    no newline), the document's bytes, or its text. ``format`` is a registered format name
    (default: detected from the file name, then the content). ``profile`` is a shipped profile
    name, a TOML file or a :class:`Profile`. Unreadable input is reported as issues, never
    raised; a bad ``format`` or ``profile`` raises :class:`~archmeta.errors.UsageError`.

    >>> report = validate("**Cable**\\n", format="text")
    >>> report.ok, [i.rule for i in report.issues]
    (True, [])
    """
    from .formats import detect_format, get_format

    prof = load_profile(profile)
    path: str | None = None
    if isinstance(source, os.PathLike):
        path = os.fspath(source)
    elif isinstance(source, str) and "\n" not in source and len(source) < 4096:
        try:
            if Path(source).is_file():
                path = source
        except (OSError, ValueError):
            path = None
        if path is None and not source.lstrip().startswith(("{", "[", "<", "*")):
            try:
                detect_format(source)
            except UsageError:
                pass
            else:  # a file name with a known extension: a path that is not there
                raise UsageError(f"{source}: no such file")
    label = name or path
    try:
        if path is not None:
            data: str | bytes = read_source(path, max_bytes)
        else:
            data = source  # type: ignore[assignment]
            if max_bytes and len(data) > max_bytes:
                raise _too_big(len(data), max_bytes, label or "<input>")
        info = get_format(format) if format else detect_format(path or name, data)
    except ParseError as exc:
        return Report(label, format, exc.issues, prof.name)
    except UnreadableError as exc:
        issue = Issue(message=str(exc).removeprefix(f"{label}: "), rule="unreadable", source=label)
        return Report(label, format, [issue], prof.name)
    except UsageError as exc:
        if "cannot tell the format" not in str(exc):
            raise
        issue = Issue(message=str(exc), rule="format-unknown", line=1, column=1, source=label)
        return Report(label, format, [issue], prof.name)
    stream = record_stream(info, data[:4096])
    if stream is not None:
        issues = _stream_issues(info, stream, data, label, prof, severities)
    else:
        issues = validate_text(
            data,
            info.name,
            source=label,
            profile=prof,
            severities=severities,
            schema=os.fspath(schema) if schema is not None else None,
        )
    return Report(label, info.name, issues, prof.name)
