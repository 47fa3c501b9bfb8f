"""The text layout escapes what a Markdown renderer would take as HTML or a link (issue 9).

Written records are rendered by two real Markdown renderers in the test extra's dependency
closure: Python-Markdown (through mkdocs) and markdown-it-py in CommonMark mode (through
import-linter's rich). The HTML may hold only what archmeta writes: paragraphs, the bold header
and section headings, ``- `` lists, hard breaks and the one link of the record's URL, only when it
is an acceptable URL (:func:`archmeta.urls.url_problem`): a ``javascript:`` URL makes no link.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import markdown
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from archmeta.formats import json as json_format
from archmeta.formats import text
from archmeta.formats.text._markup import escape_markup, unescape_markup
from archmeta.model import LINE_PATTERN, PARAGRAPH_PATTERN, ArchivalRecord
from archmeta.urls import url_problem
from tests.strategies import records

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "text"
HOSTILE = sorted((FIXTURES / "markup").glob("*.json"))
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
# What archmeta writes; a renderer makes nothing else of a written record.
WRITTEN = {"p", "strong", "ul", "li", "br", "a"}
# Formatting a value may hold as plain Markdown (emphasis, code, ...): harmless and not escaped.
FORMATTING = WRITTEN | {"em", "code", "pre", "ol", "blockquote", "hr"} | {f"h{i}" for i in range(7)}

_COMMONMARK = MarkdownIt("commonmark")


class _Html(HTMLParser):
    """Every element, attribute and non-element markup (comments, declarations) of a page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.other: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_comment(self, data: str) -> None:
        self.other.append(f"<!--{data}-->")

    def handle_decl(self, decl: str) -> None:
        self.other.append(f"<!{decl}>")

    def handle_pi(self, data: str) -> None:
        self.other.append(f"<?{data}>")

    def unknown_decl(self, data: str) -> None:
        self.other.append(f"<![{data}]>")


def _renderings(written: str) -> dict[str, str]:
    return {
        "Python-Markdown": markdown.markdown(written),
        "CommonMark": _COMMONMARK.render(written),
    }


def _check_html(record: ArchivalRecord, allowed: set[str]) -> None:
    written = text.dumps(record)
    for renderer, html in _renderings(written).items():
        page = _Html()
        page.feed(html)
        page.close()
        where = f"{renderer} made of\n{written}\nthe HTML\n{html}"
        assert not page.other, where
        assert {tag for tag, _ in page.tags} <= allowed, where
        links = [attrs for tag, attrs in page.tags if tag == "a"]
        linked = record.url is not None and url_problem(record.url) is None
        assert links == ([{"href": record.url}] if linked else []), where
        for tag, attrs in page.tags:
            assert tag == "a" or not attrs, where


@pytest.mark.parametrize("path", HOSTILE, ids=[p.stem for p in HOSTILE])
def test_hostile_values_render_as_text_and_read_back(path: Path) -> None:
    record = json_format.loads(path.read_text(encoding="utf-8"))
    assert text.loads(text.dumps(record)) == record
    _check_html(record, WRITTEN)


def test_editorial_marks_are_written_as_they_are() -> None:
    marks = "Wulumuqi [Urumqi] [...] [illegible] [sic] F[oreign] [[I. I. Varnov]] [1] [*] [a] [b]"
    assert escape_markup(marks) == marks
    record = ArchivalRecord(title="T", body=[marks])
    assert marks in text.dumps(record)


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("<script>", "&lt;script>"),
        ("a < b <\nc", "a < b <\nc"),  # a "<" before white space opens nothing
        ("<!--", "&lt;!--"),
        ("[x](y)", "[x&#93;(y)"),
        ("![x](y)", "![x&#93;(y)"),
        ("[x][y]", "[x&#93;[y]"),
        ("[x]: y", "[x&#93;: y"),
        ("[x] (y) [z] [w]", "[x] (y) [z] [w]"),
        ("&lt; &#93; &amp;lt; &gt;", "&amp;lt; &amp;#93; &amp;amp;lt; &gt;"),
        ("\\<b> \\](c)", "\\&lt;b> \\&#93;(c)"),
    ],
)
def test_escapes(value: str, written: str) -> None:
    assert escape_markup(value) == written
    assert unescape_markup(written) == value


# Characters that make markup, the escapes' own characters, backslashes and letters.
_MARKUP = "< > [ ] ( ) : ! & amp; lt; #93; ; \\ / a b - * # (none) ** script http://x @ [...]"
_HOSTILE_PIECES = st.sampled_from([*_MARKUP.split(), " ", "\n"])


def _values(pattern: str) -> st.SearchStrategy[str]:
    compiled = re.compile(pattern)
    return (
        st.lists(_HOSTILE_PIECES, min_size=1, max_size=12)
        .map("".join)
        .filter(lambda s: compiled.search(s) is not None)
    )


_LINES = _values(LINE_PATTERN)
_PARAGRAPHS = _values(PARAGRAPH_PATTERN)


@settings(max_examples=2000)
@given(st.lists(_HOSTILE_PIECES, max_size=20).map("".join))
def test_unescape_undoes_escape(value: str) -> None:
    assert unescape_markup(escape_markup(value)) == value


# URLs the model accepts and url_problem refuses: written escaped, never as a link.
_UNSAFE_URLS = [
    "javascript:alert(1)",
    "JavaScript:alert(document.cookie)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "vbscript:msgbox(1)",
    "javascript:[x](javascript:y)&lt;",
    "https:///no-host",
]


@pytest.mark.parametrize("url", _UNSAFE_URLS)
@pytest.mark.parametrize("citation", [None, '"Cable," 1962.'])
def test_an_unacceptable_url_is_written_escaped_and_read_back(
    url: str, citation: str | None
) -> None:
    record = ArchivalRecord(title="T", citation=citation, url=url)
    written = text.dumps(record)
    assert f"\n&lt;{escape_markup(url)}>\n" in written and f"<{url}>" not in written
    assert text.loads(written) == record
    assert text.dumps(text.loads(written)) == written
    _check_html(record, WRITTEN)  # no link at all


def test_an_acceptable_url_is_still_an_autolink() -> None:
    url = "https://digitalarchive.wilsoncenter.org/document/118189"
    assert f"\n<{url}>\n" in text.dumps(ArchivalRecord(title="T", url=url))


@pytest.mark.parametrize("last", ["<javascript:alert(1)>", "&lt;x:y>", "<https://example.org/x>"])
def test_a_citation_ending_like_a_url_line_stays_citation_text(last: str) -> None:
    record = ArchivalRecord(title="T", citation=f"C.\n{last}")
    read = text.loads(text.dumps(record))
    assert read == record and read.url is None


@st.composite
def _hostile_records(draw: st.DrawFn) -> ArchivalRecord:
    language = st.builds(
        dict,
        name=_LINES.filter(lambda s: ";" not in s and "," not in s),
        code=st.none() | st.just("zh"),
    )
    return ArchivalRecord.model_validate(
        {
            "title": draw(_LINES),
            "date": draw(st.none() | st.builds(dict, text=_LINES, edtf=st.none())),
            "url": draw(st.none() | st.sampled_from(["https://example.org/x", *_UNSAFE_URLS])),
            "citation": draw(st.none() | _PARAGRAPHS),
            "summary": draw(st.none() | _PARAGRAPHS),
            "identifier": draw(st.none() | _LINES),
            "subjects": draw(st.lists(_LINES, max_size=2)),
            "translators": draw(st.lists(_LINES, max_size=2)),
            "original_languages": draw(st.lists(language, max_size=2)),
            "contents": draw(st.lists(_LINES, max_size=2)),
            "body": draw(st.lists(_PARAGRAPHS, max_size=3)),
        }
    )


@settings(max_examples=500)
@given(_hostile_records())
def test_every_hostile_value_reads_back(record: ArchivalRecord) -> None:
    written = text.dumps(record)
    assert text.loads(written) == record
    assert text.dumps(text.loads(written)) == written


@settings(max_examples=200, deadline=None)
@given(st.one_of(_hostile_records(), records()))
def test_rendered_records_hold_no_html_or_link_of_their_own(record: ArchivalRecord) -> None:
    _check_html(record, FORMATTING)


@pytest.mark.parametrize(
    "path",
    [*sorted(EXAMPLES.glob("*.txt")), *sorted(FIXTURES.glob("*/*.txt"))],
    ids=lambda p: f"{p.parent.name}/{p.name}",
)
def test_real_records_hold_no_escape(path: Path) -> None:
    """Real records read as before: none holds what the reader now takes for an escape."""
    written = path.read_text(encoding="utf-8", errors="replace")
    assert re.search(r"&(?:amp;)*(?:lt|#93);", written) is None
