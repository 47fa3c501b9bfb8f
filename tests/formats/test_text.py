"""The plain-text layout: the seed, each grammar rule, each bad input (fixtures in folders)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from archmeta.errors import ArchmetaError, ParseError
from archmeta.formats import json as json_format
from archmeta.formats import text
from archmeta.model import ArchivalDate, ArchivalRecord, Language

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "text"
BAD = FIXTURES / "bad"
READ = FIXTURES / "read"
EXPECTED_ERRORS = json.loads((BAD / "expected.json").read_text(encoding="utf-8"))


# ----------------------------------------------------------------------------- the seed


def test_seed_round_trips_byte_for_byte(seed_text):
    record = text.loads(seed_text)
    # The seed starts with two blank lines and has no final newline; nothing else may differ.
    assert text.dumps(record) == seed_text.lstrip("\n") + "\n"


def test_seed_text_json_text_is_identical(seed_text):
    record = text.loads(seed_text)
    again = json_format.loads(json_format.dumps(record))
    assert text.dumps(again) == seed_text.lstrip("\n") + "\n"


def test_seed_fields(wilson_text):
    r = text.loads(wilson_text)
    assert r.date == ArchivalDate(text="April 30, 1962", edtf="1962-04-30")
    assert r.title.startswith("Cable from the Chinese Foreign Ministry, 'Representations")
    assert r.url == "http://digitalarchive.wilsoncenter.org/document/118189"
    assert r.citation is not None and r.citation.endswith("Translated by Charles Kraus.")
    assert r.publisher == "History and Public Policy Program Digital Archive"
    assert r.source == "PRC FMA 118-01154-05, 28"
    assert r.translators == ["Charles Kraus"]
    assert r.funders == ["MacArthur Foundation", "Henry Luce Foundation"]
    assert r.original_languages == [Language(name="Chinese", code="zh")]
    assert r.contents == ["English Translation"]
    assert r.body[0] == "[...]"
    assert r.body[-2:] == ["30 April [1962]", "[...]"]
    assert len(r.body) == 9


# ----------------------------------------------------------------------------- bad input


@pytest.mark.parametrize("name", sorted(p.name for p in BAD.glob("*.txt")))
def test_bad_input_raises_parse_error_with_its_line(name):
    expected = EXPECTED_ERRORS[name]
    with pytest.raises(ParseError) as info:
        text.load(BAD / name)
    error = info.value
    assert (error.rule, error.line, error.column) == (
        expected["rule"],
        expected["line"],
        expected["column"],
    )
    assert error.source is not None and error.source.endswith(name)
    assert f":{expected['line']}:" in str(error)


def test_every_bad_fixture_has_an_expectation():
    assert sorted(EXPECTED_ERRORS) == sorted(p.name for p in BAD.glob("*.txt"))


# ----------------------------------------------------------------------------- reading variants


@pytest.mark.parametrize("name", sorted(p.stem for p in READ.glob("*.txt")))
def test_reading_variant(name):
    record = text.load(READ / f"{name}.txt")
    expected = json_format.load(READ / f"{name}.json")
    assert record == expected
    # whatever the input's layout, the canonical form reads back to the same record
    assert text.loads(text.dumps(record)) == record


def test_crlf_and_bom_read_like_lf():
    crlf = (READ / "crlf-bom.txt").read_bytes()
    assert crlf.startswith(b"\xef\xbb\xbf") and b"\r\n" in crlf
    lf = crlf[3:].replace(b"\r\n", b"\n")
    assert text.loads(crlf) == text.loads(lf)


# ----------------------------------------------------------------------------- grammar rules


def test_header_with_one_bold_line_is_the_title():
    r = text.loads("**Just a title**\n")
    assert r.title == "Just a title" and r.date is None


def test_header_with_two_bold_lines_is_date_then_title():
    r = text.loads("**1955**\n**Title**\n")
    assert r.date == ArchivalDate(text="1955", edtf="1955") and r.title == "Title"


def test_unreadable_date_is_kept_as_written():
    r = text.loads("**sometime in spring**  \n**Title**\n")
    assert r.date == ArchivalDate(text="sometime in spring", edtf=None)


def test_citation_url_line_is_the_url_and_not_part_of_the_citation():
    r = text.loads('**T**\n\n**Citation:**\n\n"T," 1962.  \n<https://example.org/1>\n')
    assert r.url == "https://example.org/1" and r.citation == '"T," 1962.'


def test_citation_with_only_a_url():
    r = text.loads("**T**\n\n**Citation:**\n\n<https://example.org/1>\n")
    assert r.url == "https://example.org/1" and r.citation is None


def test_unknown_bold_heading_after_the_body_starts_is_body_text():
    r = text.loads("**T**\n\nBody.\n\n**Comments:**\n\nMore body.\n")
    assert r.body == ["Body.", "**Comments:**", "More body."]


def test_known_section_after_the_body_is_a_section():
    r = text.loads("**T**\n\nBody.\n\n**Credits:**\n\nWith support from the X Fund.\n")
    assert r.body == ["Body."] and r.credits == "With support from the X Fund."
    assert r.funders == ["X Fund"]


def test_multi_line_paragraph_keeps_its_lines():
    r = text.loads("**T**\n\n**Summary:**\n\nFirst line  \nsecond line\n")
    assert r.summary == "First line\nsecond line"


def test_languages_one_per_line_or_comma_separated():
    a = text.loads("**T**\n\n**Original Language:**\n\nRussian\nChinese\n")
    b = text.loads("**T**\n\n**Original Language:**\n\nRussian, Chinese\n")
    assert (
        a.original_languages
        == b.original_languages
        == [Language(name="Russian", code="ru"), Language(name="Chinese", code="zh")]
    )


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("title", "Citation:"),
        ("title", "Ends with a backslash \\"),
        ("body", ["**Summary:**"]),
        ("body", ["**Unknown Section:**", "Then text."]),
        ("body", ["\\starts with a backslash"]),
        ("body", ["(none)"]),
        ("summary", "(none)"),
        ("summary", "**Credits:**"),
        ("citation", "Ends with what looks like a URL\n<https://example.org/x>"),
        ("translators", []),
        ("publisher", None),
        ("original_languages", [Language(name="Chinese", code="ru")]),
        ("original_languages", [Language(name="Chinese (zh)", code="zh")]),
        ("original_languages", [Language(name="Chinese", code=None)]),
        ("date", ArchivalDate(text="April 30, 1962", edtf="1962-04")),
        ("date", ArchivalDate(text="April 30, 1962", edtf=None)),
    ],
)
def test_writer_escapes_values_that_would_read_back_differently(wilson_text, field, value):
    record = text.loads(wilson_text).model_copy(update={field: value})
    record = ArchivalRecord.model_validate(record.model_dump())
    assert text.loads(text.dumps(record)) == record


def test_dash_body_after_contents_is_escaped_and_reads_back():
    record = ArchivalRecord(title="T", contents=["Transcript"], body=["- not an item"])
    written = text.dumps(record)
    assert "\n\\- not an item\n" in written
    assert text.loads(written) == record


def test_dash_body_without_list_section_is_not_escaped():
    record = ArchivalRecord(title="T", summary="S.", body=["- an item of the body"])
    assert "\n- an item of the body\n" in text.dumps(record)


def test_writer_is_deterministic_and_ends_with_one_newline(wilson_text):
    record = text.loads(wilson_text)
    assert text.dumps(record) == text.dumps(record.model_copy(deep=True))
    assert text.dumps(record).endswith("]\n") and not text.dumps(record).endswith("\n\n")


# ----------------------------------------------------------------------------- files


def test_load_and_dump_on_paths_and_streams(tmp_path, wilson_text):
    record = text.loads(wilson_text)
    path = tmp_path / "out.txt"
    text.dump(record, path)
    assert text.load(path) == record
    assert not list(tmp_path.glob("*.part"))
    stream = io.StringIO()
    text.dump(record, stream)
    assert text.load(io.BytesIO(stream.getvalue().encode())) == record


def test_missing_title_error_is_an_archmeta_error_not_a_key_error():
    with pytest.raises(ArchmetaError):
        text.loads("**Summary:**\n\nNo title.\n")


@pytest.mark.parametrize(
    ("record", "line"),
    [
        ("**T**\n\n**Summary:**\n\nOne.  \nTwo.  \n\\\n", 7),
        ("**T**\n\n**Citation:**\n\nOne.  \n\\  \n<https://example.org/x>\n", 6),
        ("**T**\n\nOne.\n\nTwo.\n\n\\ \n", 7),
    ],
)
def test_an_invalid_paragraph_is_reported_at_its_own_line(record, line):
    # Used to name the first line of the section, or of the body's first paragraph.
    with pytest.raises(ParseError) as info:
        text.loads(record)
    assert (info.value.rule, info.value.line) == ("value-invalid", line)


def test_text_mode_file_with_bad_utf8_is_a_parse_error_with_its_place(tmp_path):
    path = tmp_path / "bad.txt"
    path.write_bytes(b"**T**\n\nbad \xff byte\n")
    with open(path, encoding="utf-8") as handle, pytest.raises(ParseError) as info:
        text.load(handle)
    assert (info.value.rule, info.value.line, info.value.column) == ("encoding", 3, 5)
