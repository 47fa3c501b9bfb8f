"""The inline view of body paragraphs: each mark, and render(parse(p)) == p for any p."""

from __future__ import annotations

from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from archmeta.segments import (
    EditorialNote,
    FootnoteRef,
    Illegible,
    Omission,
    Sic,
    Supplied,
    Text,
    parse_inline,
    render,
)
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
        # Spellings of an omission: dots and ellipses, at least three dots or one ellipsis.
        ("[….]", (Omission("[….]"),)),
        ("[.…]", (Omission("[.…]"),)),
        ("[. . .]", (Omission("[. . .]"),)),
        ("[..]", (Supplied(".."),)),
        # Illegible, with what cannot be read.
        ("[illegible signature]", (Illegible("[illegible signature]"),)),
        ("[two words illegible]", (Illegible("[two words illegible]"),)),
        # Footnote references: at most three digits; a year is supplied.
        ("the talks.[1]", (Text("the talks."), FootnoteRef("1"))),
        ("[*]", (FootnoteRef("*"),)),
        ("30 April [1962]", (Text("30 April "), Supplied("1962"))),
        # Editorial notes.
        (
            "urgent [emphasis in the original]",
            (Text("urgent "), EditorialNote("emphasis in the original")),
        ),
        ("[Translator's note: a pun]", (EditorialNote("Translator's note: a pun"),)),
        ("[underlined in the original]", (EditorialNote("underlined in the original"),)),
        ("[Notes]", (Supplied("Notes"),)),
        # Double brackets: supplied text, kept as written.
        ("[[I. I. Varnov]]", (Supplied("I. I. Varnov", double=True),)),
        ("[[ a]]", (Text("[[ a]]"),)),
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


@pytest.mark.parametrize(
    ("mark", "description"),
    [
        ("[illegible]", None),
        ("[Illegible]", None),
        ("[illegible signature]", "illegible signature"),
    ],
)
def test_an_illegible_mark_keeps_its_description(mark, description):
    (segment,) = parse_inline(mark)
    assert isinstance(segment, Illegible) and segment.description == description


def test_a_long_run_of_spaces_in_brackets_is_classified_quickly():
    import time

    start = time.perf_counter()
    parse_inline("[" + " " * 50_000 + ". .]")
    assert time.perf_counter() - start < 1
