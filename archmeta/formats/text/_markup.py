"""Escaping what a Markdown renderer would take as markup the record does not hold.

The layout is Markdown, and its files are rendered (the Digital Archive's site, a repository's
README viewer, mkdocs). A value holding ``<script>``, ``<!--``, ``<http://x>``, ``[x](y)``,
``![x](y)`` or ``[x]: y`` would come out of a renderer as raw HTML, a link or an image that
archmeta did not write. The writer escapes exactly those with HTML character references, which
every Markdown renderer shows as the character and none takes as markup (CommonMark and
Python-Markdown alike; Python-Markdown does not honour ``\\<``, and its reference definitions are
found before backslash escapes are applied, so backslashes would not do):

- ``<`` followed by a character other than white space: ``&lt;`` (raw HTML, comments and
  autolinks all begin so);
- ``]`` followed by ``(``, ``[`` or ``:``: ``&#93;`` (inline links and images, full and collapsed
  references, reference definitions). ``[...]``, ``[illegible]``, ``[sic]`` and every other
  editorial mark are left as they are: a bracket alone forms no link, a shortcut reference
  ``[x]`` needs a definition, and no definition can be written.

So that reading is exact, text that already reads as one of those escapes gets one ``amp;``
more: ``&lt;`` is written ``&amp;lt;``, ``&amp;lt;`` is written ``&amp;amp;lt;`` (the same for
``&#93;``). The reader takes one ``amp;`` off each, and reads ``&lt;`` and ``&#93;`` as the
characters. Nothing else is changed: other entities, backslashes and brackets are text.

The record's URL, the citation's last line, is written ``<url>``: an autolink, which every
renderer makes a link of. So it is written so only when it is an acceptable URL
(:func:`archmeta.urls.url_problem`: an allowed scheme, a host for the web's); any other URL
(``javascript:``, ``data:``, ``vbscript:``...) is written escaped like any value,
``&lt;javascript:alert(1)>``, which renderers show as the text ``<javascript:alert(1)>`` and
the reader reads back as the same URL (:func:`url_line`, :func:`url_of_line`).
"""

from __future__ import annotations

import re

from ...urls import url_problem

# What the writer escapes: an escape already in the value (one more ``amp;``), a ``<`` that
# could open a tag, comment or autolink, a ``]`` that could close a link's text or label.
_UNSAFE = re.compile(r"&((?:amp;)*(?:lt|#93);)|<(?=\S)|\](?=[(\[:])")
# What the reader unescapes: one level off each escape.
_ESCAPED = re.compile(r"&(?:amp;)*(?:lt|#93);")
# The citation's URL line, as written or once unescaped.
_URL_LINE = re.compile(r"<(?P<url>[^<>\s]+)>")


def _escape_one(m: re.Match[str]) -> str:
    chain = m.group(1)
    if chain is not None:
        return "&amp;" + chain
    return "&lt;" if m.group() == "<" else "&#93;"


def _unescape_one(m: re.Match[str]) -> str:
    found = m.group()
    if found == "&lt;":
        return "<"
    if found == "&#93;":
        return "]"
    return "&" + found[5:]  # "&amp;" + rest: one level off


def escape_markup(value: str) -> str:
    """``value`` with every character a Markdown renderer would take as HTML or a link escaped."""
    if (
        "<" not in value
        and "&" not in value
        and ("]" not in value or ("](" not in value and "][" not in value and "]:" not in value))
    ):
        # Almost every value, editorial marks and all: substring searches run at memory
        # speed, the expression's alternatives character by character.
        return value
    return _UNSAFE.sub(_escape_one, value)


def unescape_markup(text: str) -> str:
    """The value :func:`escape_markup` wrote as ``text``."""
    if "&" not in text:
        return text
    return _ESCAPED.sub(_unescape_one, text)


def url_line(url: str) -> str:
    """The line that holds the record's URL: an autolink ``<url>`` when the URL is acceptable,
    else the same line escaped, which no renderer makes a link or HTML of."""
    line = f"<{url}>"
    return line if url_problem(url) is None else escape_markup(line)


def url_of_line(line: str) -> str | None:
    """The URL a citation's last line (white space stripped) holds, as :func:`url_line` writes
    it (or as an autolink by hand, whatever its scheme), or None when it holds none."""
    m = _URL_LINE.fullmatch(line)
    if m is None and line.startswith("&lt;"):
        m = _URL_LINE.fullmatch(unescape_markup(line))
    return m.group("url") if m else None
