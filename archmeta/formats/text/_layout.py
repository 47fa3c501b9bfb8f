"""What reading and writing the plain-text layout share: its sections (from the text
column of the mapping table), line patterns and paragraphs."""

from __future__ import annotations

import re
from functools import lru_cache

from ...citation import parse_funders
from ...mapping import MAPPING, TEXT, TextCell
from ...model import LINE_PATTERN
from ._markup import unescape_markup

_BOLD = re.compile(r"^\*\*(?P<inner>.+)\*\*\s*$")
_HEADER = re.compile(r"^\*\*(?P<name>[A-Za-z][A-Za-z ()/-]*?):\*\*\s*$")
_LANGUAGE_CODE = re.compile(r"^(?P<name>.+?) \((?P<code>\?|[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*)\)$")
# C0 controls other than TAB and LF cannot be held by any field (nor by XML).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\ud800-\udfff\ufffe\uffff]")
# The control characters' UTF-8 bytes (CR reads as a newline).
_CONTROL_BYTES = bytes(range(0x09)) + b"\x0b\x0c" + bytes(range(0x0E, 0x20))
_NONE = "(none)"
_HEADER_ESCAPE = re.compile(r"\\([\\:])")
_LINE = re.compile(LINE_PATTERN)
# The layout comes from the text column of the mapping table (archmeta.mapping).
_CELLS: dict[str, TextCell] = {
    field: cell for field, cell in MAPPING.cells(TEXT).items() if isinstance(cell, TextCell)
}


def _fields_of(*kinds: str) -> frozenset[str]:
    return frozenset(field for field, cell in _CELLS.items() if cell.kind in kinds)


TEXT_SECTIONS: dict[str, str] = {
    cell.section: field
    for field, cell in sorted(_CELLS.items(), key=lambda item: item[1].order or 0)
    if cell.section is not None
}
"""The layout's sections in canonical (written) order: section name -> field."""
# Fields whose value is a paragraph read line for line from the text (errors name the line).
_PARAGRAPH_FIELDS = _fields_of("paragraph", "body")
# Sections written as "- item" lists. Languages are written one per line instead.
_DASH_LISTS = _fields_of("dash-list")
_LANGUAGE_FIELDS = _fields_of("languages")
_LIST_FIELDS = _DASH_LISTS | _LANGUAGE_FIELDS
# Fields the reader derives from another section; their own section is an override.
_DERIVED = frozenset(field for field, cell in _CELLS.items() if cell.derived)
_LINE_SECTIONS = _fields_of("line")


class _Paragraph:
    """One paragraph: the number of its first line and its text (its lines, as written, joined
    by newlines). Its lines are split off only when asked for: most paragraphs are body text
    that is read whole."""

    __slots__ = ("_lines", "line", "text")

    def __init__(self, line: int, text: str, lines: list[str] | None = None) -> None:
        self.line = line  # 1-based number of the first line
        self.text = text
        self._lines = lines

    @classmethod
    def of_lines(cls, line: int, lines: list[str]) -> _Paragraph:
        return cls(line, "\n".join(lines), lines)

    @property
    def lines(self) -> list[str]:
        if self._lines is None:
            self._lines = self.text.split("\n")
        return self._lines

    @property
    def single(self) -> str | None:
        """The paragraph's one line, or None when it has several."""
        return None if "\n" in self.text else self.text

    @property
    def first(self) -> str:
        """The paragraph's first line."""
        end = self.text.find("\n")
        return self.text if end < 0 else self.text[:end]


@lru_cache(maxsize=256)
def _funders(credits: str) -> tuple[str, ...]:
    """The funders a credits statement names: an archive's records share a few statements."""
    return tuple(parse_funders(credits))


def _clean(data: bytes, text: str) -> bool:
    """Whether ``text``, decoded from ``data``, surely holds no character that
    :func:`_find_control` finds.

    Deleting the control bytes runs at memory speed, where a regular expression's character
    class costs about as much per character as all the rest of reading a document; looking
    for the two non-characters in the text costs nothing unless it holds characters that high.
    (False for UTF-16, whose bytes hold NULs: the text is then scanned as text.)
    """
    return (
        len(data.translate(None, _CONTROL_BYTES)) == len(data)
        and "\ufffe" not in text
        and "\uffff" not in text
    )


def _find_control(text: str) -> re.Match[str] | None:
    """The first character of ``text`` that no field can hold (a control character other than
    TAB and LF, a lone surrogate, U+FFFE, U+FFFF), or None. The character class runs only on
    text that :func:`_clean` finds may hold one (UTF-8 cannot encode a lone surrogate)."""
    try:
        if _clean(text.encode("utf-8"), text):
            return None
    except UnicodeEncodeError:
        pass
    return _CONTROL.search(text)


def _is_known_header(line: str) -> bool:
    m = _HEADER.match(line)
    return m is not None and m.group("name") in TEXT_SECTIONS


# A paragraph: a run of lines that are not blank (a line of white space only is blank). The
# lines' own white space is kept: the reader decides what it means.
_PARAGRAPH = re.compile(r"^[^\S\n]*\S[^\n]*(?:\n[^\S\n]*\S[^\n]*)*", re.MULTILINE)
# What a plain body paragraph cannot begin with (an escape, a heading's or emphasis' mark).
_NOT_PLAIN_START = frozenset("\\*_#")
_HEADING_CHAR = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz ()/-#*_:\t")
# A character that no heading-like line holds (the patterns of _headings: marks, a name, a
# colon): a line with one (a digit, a full stop, a comma: almost every line of a body) is no
# heading, however mistyped.
_NOT_HEADING = re.compile(r"[^A-Za-z ()/\-#*_:\t]")
_PLAIN_LINE = re.compile(r"^\S[^\n]*", re.MULTILINE)


class _Cursor:
    """The paragraphs of a text, taken one at a time in a single pass, with a look at the next
    one and a way to put one back (a heading's text found on the heading's own line). The
    paragraphs of a long body are never all held at once, and a run of plain body paragraphs
    is taken whole by :meth:`plain_run`."""

    __slots__ = ("_ahead", "_counted", "_line", "_pos", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self._pos = 0  # where the next paragraph is looked for
        self._line = 1  # the number of the line that begins at offset _counted
        self._counted = 0
        self._ahead: list[_Paragraph] = []  # put back or looked at, the next one last

    def _scan(self) -> _Paragraph | None:
        m = _PARAGRAPH.search(self.text, self._pos)
        if m is None:
            self._pos = len(self.text)
            return None
        start = m.start()
        self._line += self.text.count("\n", self._counted, start)
        self._counted = start
        self._pos = m.end()
        return _Paragraph(self._line, m.group())

    def peek(self) -> _Paragraph | None:
        if not self._ahead:
            following = self._scan()
            if following is None:
                return None
            self._ahead.append(following)
        return self._ahead[-1]

    def take(self) -> _Paragraph | None:
        return self._ahead.pop() if self._ahead else self._scan()

    def put_back(self, par: _Paragraph) -> None:
        self._ahead.append(par)

    def plain_run(self) -> tuple[int, int, list[str]] | None:
        """Take the plain body paragraphs that come next, if any: the offsets the run spans
        and the paragraphs, each its own value.

        A plain paragraph is one line after exactly one blank line, with no white space at
        either end, no escape (a leading backslash, an ``&``), no leading ``*``, ``_`` or
        ``#``, and a character that no heading has: read as it is written, and most of a
        body. Each is found with ``str`` methods, not a regular expression's character
        classes (which cost more per character than all the rest of reading a body)."""
        if self._ahead:
            return None
        text, start = self.text, self._pos
        size = len(text)
        found = []
        pos = start
        while text.startswith("\n\n", pos):
            begin = pos + 2
            end = text.find("\n", begin)
            if end < 0:
                end = size
            line = text[begin:end]
            if not (
                line
                and line[0] not in _NOT_PLAIN_START
                and not line[0].isspace()
                and not line[-1].isspace()
                and "&" not in line
                # most body paragraphs end with a full stop: no heading does
                and (line[-1] not in _HEADING_CHAR or _NOT_HEADING.search(line))
            ):
                break
            if end < size and not text.startswith("\n\n", end):
                # The paragraph ends here only if the next line is blank (or the last).
                after = text.find("\n", end + 1)
                following = text[end + 1 : size if after < 0 else after]
                if following and not following.isspace():
                    break
            found.append(line)
            pos = end
        if not found:
            return None
        self._pos = pos
        return start, pos, found

    def plain_lines(self, start: int, end: int) -> list[int]:
        """The line numbers of the paragraphs of a plain run (when a problem is reported)."""
        numbers = []
        number = self.text.count("\n", 0, start) + 1
        for m in _PLAIN_LINE.finditer(self.text, start, end):
            number += self.text.count("\n", start, m.start())
            start = m.start()
            numbers.append(number)
        return numbers


def _unescape(line: str) -> str:
    line = line.rstrip()
    return line[1:] if line.startswith("\\") else line


# Where two lines of a paragraph meet: the first's trailing white space, the newline, the
# second's escape (a backslash at its very start) and its leading white space.
_JOIN = re.compile(r"[^\S\n]*\n\\?[^\S\n]*")


def _content(par: _Paragraph) -> str:
    """A paragraph's value: white space at either end of each line dropped, one backslash at
    the start of each line taken off (of the first line, after its white space), then the
    markup's escapes read back."""
    text = par.text
    if "\n" not in text:
        text = text.strip()
    else:
        text = _JOIN.sub("\n", text).lstrip()
        if text[-1].isspace():  # the last line's white space, not the newline before it
            cut = text.rfind("\n") + 1
            text = text[:cut] + text[cut:].rstrip()
    if text.startswith("\\"):
        text = text[1:]
    return unescape_markup(text)
