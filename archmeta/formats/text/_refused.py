"""Building the record of a text document: each value the model refuses is reported at the
line it was read from and left out, so that the rest of the document is still built and checked
(every problem at once)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ...model import ArchivalRecord
from ._layout import _LINE, _PARAGRAPH_FIELDS

if TYPE_CHECKING:
    from ._read import _Reader

# The title a record without a readable one is built with (the error is reported).
NO_TITLE = "(no title)"
# Each round leaves out what the model refused; nested refusals can take a few rounds.
_MAX_RECOVERIES = 50


def validated(data: dict[str, Any], reader: _Reader) -> ArchivalRecord:
    """The record of ``data``; every value the model refuses is reported at its line and left
    out, so that the rest is still built (and checked by the rules)."""
    import pydantic

    for _ in range(_MAX_RECOVERIES):
        try:
            return ArchivalRecord.model_validate(data)
        except pydantic.ValidationError as exc:
            dropped: dict[str, set[int]] = {}
            for error in exc.errors():
                _report_refused(error, data, reader)
                loc = error["loc"]
                field = str(loc[0]) if loc else ""
                index = loc[1] if field == "body" and len(loc) > 1 else None
                dropped.setdefault(field, set())
                if isinstance(index, int):
                    dropped[field].add(index)
                else:
                    dropped[field].add(-1)
            for field, indexes in dropped.items():
                if field == "title":
                    data["title"] = NO_TITLE
                elif field == "body" and -1 not in indexes:
                    data["body"] = [p for i, p in enumerate(data["body"]) if i not in indexes]
                    reader.body_lines = [
                        n for i, n in enumerate(reader.body_lines) if i not in indexes
                    ]
                    if not data["body"]:
                        del data["body"]
                else:
                    data.pop(field, None)
    raise reader.first_error or reader.error("the record cannot be read", 1)


def _report_refused(error: Any, data: dict[str, Any], reader: _Reader) -> None:
    """Report one value the model refuses, at the line it was read from."""
    from ...errors import describe_pydantic_error, pointer, rule_for_value

    loc = error["loc"]
    field = str(loc[0]) if loc else ""
    line = reader.lines_of.get(field, 1)
    value = data.get(field)
    if field == "body" and len(loc) > 1 and isinstance(loc[1], int):
        index = loc[1]
        line = reader.body_lines[index] if index < len(reader.body_lines) else line
        value = value[index] if isinstance(value, list) and index < len(value) else None
    if isinstance(value, str) and field in _PARAGRAPH_FIELDS:
        # The paragraph's own line at fault (one that an escape left empty, say).
        for offset, part in enumerate(value.split("\n")):
            if not _LINE.match(part):
                line += offset
                break
    bad = error.get("input")
    shown = f" {bad!r:.60}" if isinstance(bad, str) else ""
    reader.report(
        f"{field or 'record'}{shown}: {describe_pydantic_error(error)}",
        line,
        rule_for_value(pointer(loc), str(error.get("type", "")), bad),
    )
