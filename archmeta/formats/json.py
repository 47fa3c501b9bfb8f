"""Records as JSON, described by ``schemas/archival-record.schema.json``.

Keys follow the model's field order (identifier, url, date, title, ...; see the schema's
``properties``); fields that hold their default (null or an empty list) are left out. Reading
checks the JSON Schema first and reports every problem at once with its JSON Pointer.
"""

from __future__ import annotations

import json as _json
import re
from functools import lru_cache
from typing import Any

from ..errors import (
    Issue,
    ParseError,
    ValidationError,
    describe_pattern,
    line_col,
    pointer,
    pydantic_issues,
    rule_for_value,
    too_many_items,
)
from ..model import ArchivalRecord
from ._io import PathOrFile, decode_text, read_bytes, source_name, write_text
from ._sniff import text_start
from .codec import Codec, Decoded, failed

__all__ = [
    "JsonCodec",
    "codec",
    "dump",
    "dumps",
    "from_data",
    "load",
    "loads",
    "read",
    "schema_issues",
    "to_data",
]


@lru_cache(maxsize=1)
def _validator() -> Any:
    from jsonschema import Draft202012Validator

    from ..schema import json_schema

    schema = json_schema()
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


class _DuplicateKey(Exception):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _DuplicateKey(key)
        result[key] = value
    return result


def _parse(text: str | bytes, source: str | None) -> Any:
    decoded = decode_text(text, source)
    try:
        return _json.loads(decoded, object_pairs_hook=_no_duplicate_keys)
    except _DuplicateKey as exc:
        # json gives no position to the hook: the second occurrence of the key is the place.
        key = _json.dumps(exc.key, ensure_ascii=False)
        places = [m.start() for m in re.finditer(re.escape(key) + r"\s*:", decoded)]
        offset = places[1] if len(places) > 1 else (places[0] if places else 0)
        line, column = line_col(decoded, offset)
        raise ParseError(
            f"the key {exc.key!r} appears twice in one object; JSON readers disagree on which "
            "value wins, so archmeta refuses to guess",
            source=source,
            line=line,
            column=column,
            snippet=decoded[offset : offset + 30] or None,
            rule="json-duplicate-key",
        ) from None
    except _json.JSONDecodeError as exc:
        raise ParseError(
            f"not valid JSON: {exc.msg}",
            source=source,
            line=exc.lineno,
            column=exc.colno,
            snippet=decoded[exc.pos : exc.pos + 30] or None,
            rule="json-syntax",
        ) from None
    except RecursionError:
        raise ParseError(
            "JSON nested too deeply", source=source, line=1, column=1, rule="json-syntax"
        ) from None
    except ValueError as exc:
        # Python refuses integers of more than 4300 digits (CVE-2020-10735). No field holds a
        # number, so the document is refused, at the number's place.
        line, column, snippet = 1, 1, None
        for m in _STRING_OR_LONG_NUMBER.finditer(decoded):
            if m.group("number"):
                line, column = line_col(decoded, m.start("number"))
                snippet = decoded[m.start("number") : m.start("number") + 30]
                break
        raise ParseError(
            f"not valid JSON: {str(exc).split(';')[0]}",
            source=source,
            line=line,
            column=column,
            snippet=snippet,
            rule="json-syntax",
        ) from None


# A string (skipped) or an integer too long for Python to convert.
_STRING_OR_LONG_NUMBER = re.compile(r'"(?:[^"\\]|\\.)*"|(?P<number>\d{4301,})')


def data_issues(data: Any, source: str | None = None) -> list[Issue]:
    """Every JSON Schema problem of already-parsed JSON data, in document order."""
    issues = []
    for error in _flatten(sorted(_validator().iter_errors(data), key=_path_key)):
        path = list(error.absolute_path)
        if error.validator == "required" and isinstance(error.instance, dict):
            # Point at the missing member itself, not at the object that lacks it.
            for name in error.validator_value:
                if name not in error.instance:
                    issues.append(
                        Issue(
                            message=f"{name!r} is required",
                            rule=rule_for_value(pointer([*path, name]), "required", None),
                            pointer=pointer([*path, name]),
                            source=source,
                        )
                    )
            continue
        if error.validator == "additionalProperties" and isinstance(error.instance, dict):
            allowed = set(error.schema.get("properties", {}))
            for name in error.instance:
                if name not in allowed:
                    issues.append(
                        Issue(
                            message=f"{name!r} is not a field here: {_closest(name, allowed)}",
                            rule="unknown-element",
                            pointer=pointer([*path, name]),
                            source=source,
                        )
                    )
            continue
        if error.validator == "pattern":
            message = f"{_short(error.instance)} {describe_pattern(str(error.validator_value))}"
        elif error.validator == "type":
            message = _type_message(error.instance, error.validator_value, path)
        else:
            message = error.message
            if len(message) > 300:
                message = message[:300] + "..."
        where = pointer(list(error.absolute_path))
        issues.append(
            Issue(
                message=message,
                rule=rule_for_value(where, str(error.validator), error.instance),
                pointer=where,
                source=source,
            )
        )
    return issues


def _closest(name: str, allowed: set[str]) -> str:
    """A suggestion for an unknown member: the closest known one, or how many there are (the
    list itself is in the docs, not repeated for every unknown member)."""
    import difflib

    near = difflib.get_close_matches(name.lower(), sorted(allowed), n=1, cutoff=0.7)
    if near:
        return f"did you mean {near[0]!r}?"
    return f"it is none of the {len(allowed)} fields of a record (docs/formats/json.md)"


# What a value of each JSON type is called in messages, and the shape of the record's objects.
_TYPE_WORDS = {
    "object": "an object",
    "array": "an array (a list in [...])",
    "string": "a string",
    "null": "null",
    "integer": "an integer",
    "number": "a number",
    "boolean": "true or false",
}
_JSON_TYPES = {dict: "an object", list: "an array", str: "a string", bool: "true or false"}
_SHAPES = {
    "date": '{{"text": {value}}} (the date as written; "edtf" is optional)',
    "languages": '[{{"name": {value}}}]',
    "original_languages": '[{{"name": {value}}}]',
}


def _type_message(value: Any, expected: Any, path: list[Any]) -> str:
    """Words for a value of the wrong JSON type: what it is, what is expected and, where the
    record wants an object or a list, the shape to write (the value itself kept short)."""
    kinds = expected if isinstance(expected, list) else [expected]
    wanted = " or ".join(_TYPE_WORDS.get(str(kind), str(kind)) for kind in kinds if kind != "null")
    found = next((w for t, w in _JSON_TYPES.items() if isinstance(value, t)), "a number")
    if value is None:
        found = "null"
    if not path:
        return f'the document is {found}; a record is one JSON object, {{"title": ...}}'
    message = f"{_short(value)} is {found}, not {wanted}"
    field = str(path[0])
    if len(path) == 1 and field in _SHAPES and isinstance(value, str):
        message += f": write {_SHAPES[field].format(value=_json.dumps(value, ensure_ascii=False))}"
    return message


def _short(value: Any, width: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= width else text[: width - 3] + "..."


def _path_key(error: Any) -> list[str]:
    return [str(p) for p in error.absolute_path]


def _flatten(errors: list[Any]) -> list[Any]:
    """Replace "not valid under any of the given schemas" (a nullable field) by the reasons the
    non-null branch gives, so that messages point at the real problem."""
    result = []
    for error in errors:
        if error.validator == "anyOf" and error.context:
            reasons = [
                e
                for e in error.context
                if not (e.validator == "type" and e.validator_value == "null")
            ]
            if reasons:
                result.extend(_flatten(sorted(reasons, key=_path_key)))
                continue
        result.append(error)
    return result


@lru_cache(maxsize=1)
def _list_limits() -> dict[str, int]:
    """The most values each list field of a record holds (the model's ``max_length``)."""
    from annotated_types import MaxLen

    return {
        name: meta.max_length
        for name, info in ArchivalRecord.model_fields.items()
        for meta in info.metadata
        if isinstance(meta, MaxLen)
    }


def _within_limits(data: Any, source: str | None) -> tuple[Any, list[Issue]]:
    """One issue for each list over its limit, and the data with those lists cut to it.

    The schema check then reports every other problem without building an error for each of
    a million values (or the repr of the whole list, in the message of ``maxItems``); the
    record itself is refused anyway.
    """
    if not isinstance(data, dict):
        return data, []
    limits = _list_limits()
    over = {
        name: limits[name]
        for name, value in data.items()
        if isinstance(value, list) and len(value) > limits.get(name, len(value))
    }
    if not over:
        return data, []
    issues = [
        Issue(
            message=too_many_items(len(data[name]), limit),
            rule="too-many-items",
            pointer=pointer([name]),
            source=source,
        )
        for name, limit in over.items()
    ]
    return {k: v[: over[k]] if k in over else v for k, v in data.items()}, issues


def schema_issues(text: str | bytes, source: str | None = None) -> list[Issue]:
    """Every problem of a JSON document against the schema (a ParseError becomes one issue)."""
    try:
        data = _parse(text, source)
    except ParseError as exc:
        return exc.issues
    data, issues = _within_limits(data, source)
    return issues + data_issues(data, source)


def from_data(data: Any, source: str | None = None) -> ArchivalRecord:
    """Build a record from parsed JSON data, reporting every problem at once.

    Valid data takes the model's strict validation alone (the schema is generated from the
    model, so it accepts the same); only invalid data pays for the JSON Schema check, whose
    errors carry the pointers and messages users see.
    """
    import pydantic

    try:
        return ArchivalRecord.model_validate(data, strict=True)
    except (pydantic.ValidationError, RecursionError):
        pass
    data, issues = _within_limits(data, source)
    issues += data_issues(data, source)
    if issues:
        raise ValidationError(issues, source=source)
    try:
        return ArchivalRecord.model_validate(data)
    except pydantic.ValidationError as exc:
        raise ValidationError(pydantic_issues(exc, source), source=source) from None


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
            issue
            for issue, error in zip(pydantic_issues(exc, source), exc.errors(), strict=True)
            if error.get("type") == "value_error"
        ]
    except RecursionError:
        return []
    seen = [i.pointer for i in found if i.pointer]
    return [
        i
        for i in extra
        if not any(i.pointer == p or (i.pointer or "").startswith(p + "/") for p in seen if p)
    ]


def read(text: str | bytes, source: str | None = None) -> Decoded:
    """Read a JSON record with every problem at once (parsed once; the JSON Schema and the
    model's own checks only run when the model refuses the data)."""
    import pydantic

    try:
        data = _parse(text, source)
    except ParseError as exc:
        return failed(exc)
    try:
        return Decoded(ArchivalRecord.model_validate(data, strict=True))
    except (pydantic.ValidationError, RecursionError):
        pass
    data, issues = _within_limits(data, source)
    issues += data_issues(data, source)
    if not issues:
        try:
            return Decoded(ArchivalRecord.model_validate(data))
        except pydantic.ValidationError as exc:
            issues = pydantic_issues(exc, source)
    else:
        issues += _model_value_issues(data, issues, source)
    return Decoded(None, issues, error=ValidationError(issues, source=source))


class JsonCodec(Codec):
    """JSON described by the published JSON Schema ``archival-record.schema.json``."""

    name = "json"
    extensions = (".json",)
    media_type = "application/json"
    description = "JSON described by schemas/archival-record.schema.json"

    def sniff(self, head: bytes) -> int:
        return 2 if text_start(head).startswith(("{", "[")) else 0

    def read(self, data: str | bytes, source: str | None = None) -> Decoded:
        return read(data, source)

    def write(self, record: ArchivalRecord) -> str:
        return dumps(record)


codec = JsonCodec()


def to_data(record: ArchivalRecord) -> dict[str, Any]:
    """The record's JSON form as Python data (model field order, defaults left out)."""
    return record.model_dump(mode="json", exclude_defaults=True)


def loads(text: str | bytes, source: str | None = None) -> ArchivalRecord:
    """Read a record from JSON text; raises ParseError or ValidationError (all problems)."""
    return from_data(_parse(text, source), source)


def dumps(record: ArchivalRecord) -> str:
    """Write a record as JSON: two-space indent, UTF-8 characters kept, final newline.

    pydantic's serialiser writes the same text as ``json.dumps(to_data(record), indent=2,
    ensure_ascii=False)`` (model field order, defaults left out, non-ASCII kept as is) without
    building the intermediate dictionary; the standard library's encoder is pure Python once
    ``indent`` is given.
    """
    return record.model_dump_json(indent=2, exclude_defaults=True) + "\n"


def load(target: PathOrFile) -> ArchivalRecord:
    return loads(read_bytes(target), source=source_name(target))


def dump(record: ArchivalRecord, target: PathOrFile) -> None:
    write_text(target, dumps(record))
