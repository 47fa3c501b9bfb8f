"""Records whose values hold what packages must survive: brackets, ampersands, quotes, commas,
the Omeka multivalue separator, formula starts, newlines and non-Latin scripts."""

from __future__ import annotations

import re

from hypothesis import strategies as st

from archmeta.model import LINE_PATTERN, ArchivalRecord
from tests.strategies import lines, records

_LINE = re.compile(LINE_PATTERN)

TRICKY = [
    "=SUM(A1:A2)",
    "+1",
    "-1962",
    "@user",
    "'=already quoted",
    "''+x",
    "a|b",
    "|",
    "[illegible] & [sic]",
    '"quoted", with a comma',
    "Фёдор Михайлович",
    "中文 | 日本語",
    "back\\slash",
    'a\\"b',
    "ends\\",
    "&amp; <b>",
    "]]>",
]


def tricky_lines() -> st.SearchStrategy[str]:
    """Lines that start or hold one of :data:`TRICKY`, or are ordinary lines."""
    return st.one_of(
        st.sampled_from(TRICKY),
        st.tuples(st.sampled_from(TRICKY), lines(2)).map(" ".join),
        lines(3),
    ).filter(lambda s: bool(_LINE.search(s)))


@st.composite
def package_records(draw: st.DrawFn) -> ArchivalRecord:
    """A record of :func:`tests.strategies.records` with some values made tricky."""
    record = draw(records())
    update: dict[str, object] = {}
    if draw(st.booleans()):
        update["title"] = draw(tricky_lines())
    if draw(st.booleans()):
        update["subjects"] = draw(st.lists(tricky_lines(), max_size=3))
    if draw(st.booleans()):
        update["summary"] = "\n".join(draw(st.lists(tricky_lines(), min_size=1, max_size=3)))
    if draw(st.booleans()):
        update["identifiers"] = draw(st.lists(tricky_lines(), max_size=2))
    if draw(st.booleans()):
        update["collections"] = draw(st.lists(tricky_lines(), max_size=2))
    data = record.model_dump()
    data.update(update)
    return ArchivalRecord.model_validate(data)
