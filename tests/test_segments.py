"""The inline view of body paragraphs: each mark, and render(parse(p)) == p for any p."""

from __future__ import annotations

from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from archmeta.segments import Illegible, Omission, Sic, Supplied, Text, parse_inline, render
from tests.strategies import TOKENS


@pytest.mark.parametrize(
    ("paragraph", "segments"),
    [
        ("[...]", (Omission("[...]"),)),
        ("a […] b", (Text("a "), Omission("[…]"), Text(" b"))),
        ("[ …]", (Omission("[ …]"),)),
        ("[....]", (Omission("[....]"),)),
        ("the [illegible] line", (Text("the "), Illegible("[illegible]"), Text(" line"))),
        ("Ma-er-guo-fu [sic] has", (Text("Ma-er-guo-fu "), Sic("[sic]"), Text(" has"))),
        ("word [sic.]", (Text("word "), Sic("[sic.]"))),
        ("the 29th of [April]", (Text("the 29th of "), Supplied("April"))),
        ("F[oreign] M[inistry]", (Text("F"), Supplied("oreign"), Text(" M"), Supplied("inistry"))),
        ("unclosed [bracket", (Text("unclosed [bracket"),)),
        ("empty [] and [ spaced ]", (Text("empty [] and [ spaced ]"),)),
        ("nested [a [b] c]", (Text("nested [a "), Supplied("b"), Text(" c]"))),
        ("", ()),
    ],
)
def test_parse_inline(paragraph, segments):
    assert parse_inline(paragraph) == segments
    assert render(segments) == paragraph


@given(st.lists(st.one_of(st.sampled_from(TOKENS), st.text(max_size=5)), max_size=12).map("".join))
def test_render_gives_back_the_identical_string(paragraph):
    segments = parse_inline(paragraph)
    assert render(segments) == paragraph
    # adjacent text segments are merged, and every supplied segment has content
    assert all(not (isinstance(a, Text) and isinstance(b, Text)) for a, b in pairwise(segments))
    assert all(s.text.strip() == s.text and s.text for s in segments if isinstance(s, Supplied))


def test_record_body_segments_are_lazy(wilson_text):
    from archmeta.formats import text

    record = text.loads(wilson_text)
    view = record.body_segments()
    first = next(view)
    assert first == (Omission("[...]"),)
    kinds = {type(s).__name__ for p in record.body_segments() for s in p}
    assert kinds == {"Text", "Omission", "Illegible", "Sic", "Supplied"}
