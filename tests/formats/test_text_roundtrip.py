"""Round-trip properties of the plain-text format."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from archmeta.errors import ParseError
from archmeta.formats import json as json_format
from archmeta.formats import text
from tests.strategies import records


@given(records())
def test_text_roundtrip_is_identity(record):
    written = text.dumps(record)
    assert text.loads(written) == record
    # canonical text is a fixed point
    assert text.dumps(text.loads(written)) == written


@given(records())
def test_json_roundtrip_is_identity(record):
    assert json_format.loads(json_format.dumps(record)) == record


@given(st.text(max_size=400))
def test_arbitrary_text_parses_or_raises_parse_error(s):
    try:
        record = text.loads(s)
    except ParseError as exc:
        assert exc.line is not None and exc.line >= 1
    else:
        assert record.title
