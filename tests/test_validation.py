"""The validation API: every rule with its id and place, severities, profiles and reports."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import archmeta
from archmeta.errors import ProfileError, UsageError
from archmeta.sources import parse_size
from archmeta.validation import (
    RULES,
    Profile,
    check_record,
    load_profile,
    validate,
)
from archmeta.validation.checks import url_problem

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
PROFILES = Path(__file__).parent / "fixtures" / "profiles"
SEED = EXAMPLES / "wilson-118189.txt"


def text_record(
    date: str | None = "April 30, 1962", title: str = "A Cable", **sections: str
) -> str:
    head = (f"**{date}**  \n" if date else "") + f"**{title}**\n"
    body = "".join(f"\n**{name}:**\n\n{content}\n" for name, content in sections.items())
    return head + body


def rules_of(report: archmeta.validation.Report) -> list[str]:
    return [i.rule for i in report.issues]


def json_doc(**fields: object) -> bytes:
    return json.dumps({"title": "A Cable", **fields}).encode()


# ------------------------------------------------------------------------------ the API


def test_validate_is_public_and_accepts_paths_bytes_and_text(tmp_path: Path) -> None:
    data = SEED.read_bytes()
    copy = tmp_path / "seed.txt"
    copy.write_bytes(data)
    for source in (SEED, str(SEED), data, data.decode("utf-8")):
        report = archmeta.validate(source, format=None if not isinstance(source, bytes) else "text")
        assert report.ok, report.lines()
        assert report.format == "text"
        assert report.issues == []
    assert archmeta.validate(copy).source == str(copy)
    assert copy.read_bytes() == data  # inputs are never modified


def test_report_lines_and_dict() -> None:
    report = validate(text_record(date="undated"), format="text", name="x.txt")
    assert report.ok and not report.errors
    assert report.lines() == [
        "x.txt:1:1: warning: the date 'undated' could not be normalized to EDTF [date-unreadable]"
    ]
    data = report.to_dict()
    assert data["valid"] is True and data["warnings"] == 1 and data["errors"] == 0
    assert data["issues"][0] == {
        "source": "x.txt",
        "location": "1:1",
        "severity": "warning",
        "rule": "date-unreadable",
        "message": "the date 'undated' could not be normalized to EDTF",
        "line": 1,
        "column": 1,
    }
    json.dumps(data)


def test_a_missing_path_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match=r"cables/nothere\.txt: no such file"):
        validate("cables/nothere.txt")
    with pytest.raises(UsageError, match="no such file"):
        validate(Path("cables/nothere.json"))


def test_unknown_format_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="unknown format 'xml2'"):
        validate(b"x", format="xml2")


def test_undetectable_content_is_an_issue_not_an_exception() -> None:
    report = validate(b"just some words", name="notes")
    assert rules_of(report) == ["format-unknown"] and not report.ok


# ------------------------------------------------------------------------------- rules


@pytest.mark.parametrize(
    ("document", "format", "rule", "where"),
    [
        (text_record(date="sometime"), "text", "date-unreadable", "1:1"),
        (text_record(date="2999"), "text", "date-future", "1:1"),
        (text_record(date="1965-1962"), "text", "date-range-order", "1:1"),
        (
            json_doc(date={"text": "1965 to 1962", "edtf": "1965/1962"}),
            "json",
            "date-range-order",
            "#/date/edtf",
        ),
        (
            json_doc(date={"text": "x", "edtf": "1962-13-45"}),
            "json",
            "date-unreadable",
            "#/date/edtf",
        ),
        (text_record(**{"Original Language": "Xyzzyish"}), "text", "language-unknown", "6:1"),
        (
            json_doc(original_languages=[{"name": "Chinese", "code": "zz"}]),
            "json",
            "language-code-invalid",
            "#/original_languages/0/code",
        ),
        (
            json_doc(languages=[{"name": "Chinese", "code": "zh_CN"}]),
            "json",
            "language-code-invalid",
            "#/languages/0/code",
        ),
        (json_doc(url="http:///nohost"), "json", "url-malformed", "#/url"),
        (json_doc(url="not a url"), "json", "url-malformed", "#/url"),
        (b'{"title": "Two\\nlines"}', "json", "title-one-line", "#/title"),
        (b'{"title": ""}', "json", "title-missing", "#/title"),
        (b'{"summary": "no title"}', "json", "title-missing", "#/title"),
        (b"**Citation:**\n\nx\n", "text", "title-missing", "1:1"),
        (json_doc(summary="bell \u0007 here"), "json", "control-character", "#/summary"),
        (text_record(title="Bell \x07 title"), "text", "control-character", "2:8"),
        (
            text_record(Contents="- English Translation"),
            "text",
            "translator-missing",
            "#/translators",
        ),
        (
            text_record(Citation='"Another Title," April 30, 1962, Some Archive.'),
            "text",
            "citation-mismatch",
            "6:1",
        ),
        (
            text_record(Citation='"A Cable," May 1, 1962, Some Archive.'),
            "text",
            "citation-mismatch",
            "6:1",
        ),
        (text_record(Remarks="what is this"), "text", "unknown-element", "4:1"),
        (json_doc(colour="blue"), "json", "unknown-element", "#/colour"),
    ],
)
def test_each_rule_fires_with_its_id_and_place(
    document: str | bytes, format: str, rule: str, where: str
) -> None:
    report = validate(document, format=format, name="doc")
    found = [i for i in report.issues if i.rule == rule]
    assert found, report.lines()
    assert found[0].location == where, report.lines()
    assert found[0].severity in ("error", "warning")
    assert rule in RULES


def test_citation_mismatch_says_which_title_the_citation_names() -> None:
    document = text_record(Citation='"Another Title," April 30, 1962, Some Archive.')
    found = [i for i in validate(document, format="text").issues if i.rule == "citation-mismatch"]
    assert [i.message for i in found] == [
        "the citation names the title 'Another Title', not the record's 'A Cable'"
    ]


def test_every_problem_of_a_text_record_at_once() -> None:
    document = (
        b"**1965-1962**\n**Bell\x07 One**\n\n**Remarks:**\n\nx\n\n**Summary:**\n\ny\n\n"
        b"**Other:**\n\nz\n\n**Contents:**\n\n- English Translation\n\nBody \x01 text.\n"
    )
    report = validate(document, format="text", name="t.txt")
    assert [(i.rule, i.location) for i in report.issues] == [
        ("control-character", "2:7"),
        ("control-character", "20:6"),
        ("unknown-element", "4:1"),
        ("unknown-element", "12:1"),
        ("date-range-order", "1:1"),
        ("translator-missing", "#/translators"),
    ]
    assert not report.ok


def test_every_problem_of_a_json_record_at_once() -> None:
    document = json.dumps(
        {
            "title": "Two\nlines",
            "url": "not a url",
            "date": {"text": "April 30, 1962", "edtf": "1962-13-45"},
            "colour": "blue",
            "original_languages": [{"name": "Chinese", "code": "zh_CN"}],
        }
    )
    report = validate(document, format="json")
    assert sorted((i.pointer, i.rule) for i in report.issues) == [
        ("/colour", "unknown-element"),
        ("/date/edtf", "date-unreadable"),
        ("/original_languages/0/code", "language-code-invalid"),
        ("/title", "title-one-line"),
        ("/url", "url-malformed"),
    ]


def test_every_problem_of_an_xml_record_the_schema_refuses_at_once() -> None:
    # A foreign element breaks the oai_dc schema but the record is still readable: its own
    # problems are reported in the same run, as they are inside an OAI-PMH ListRecords.
    document = (
        '<oai_dc:dc xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/"\n'
        '  xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/">\n'
        "  <dc:title>A cable</dc:title>\n"
        "  <dc:date>2999</dc:date>\n"
        "  <dcterms:abstract>x</dcterms:abstract>\n"
        "</oai_dc:dc>\n"
    )
    report = archmeta.validate(document.encode(), format="oai_dc", name="r.oai_dc.xml")
    rules = [(i.rule, i.severity) for i in report.issues]
    assert ("schema-invalid", "error") in rules
    assert ("date-future", "error") in rules
    broken = document.replace("<dc:title>A cable</dc:title>", "")  # and now unreadable
    rules = [i.rule for i in archmeta.validate(broken.encode(), format="oai_dc").issues]
    assert "schema-invalid" in rules and "title-missing" in rules


def test_valid_records_have_no_issue() -> None:
    for path in sorted(EXAMPLES.glob("*.txt")) + sorted(EXAMPLES.glob("*.json")):
        report = validate(path)
        assert report.ok, report.lines()
        assert {i.rule for i in report.issues} <= {"date-unreadable"}, report.lines()


def test_url_problem() -> None:
    assert url_problem("http://digitalarchive.wilsoncenter.org/document/118189") is None
    assert url_problem("urn:nbn:de:1111-2004033116") is None
    assert url_problem("https://[::1]:8080/x") is None
    assert "no host" in (url_problem("https:///x") or "")
    assert "port" in (url_problem("http://example.org:99999/") or "").lower()
    assert "invalid host" in (url_problem("http://exa_mple..org/") or "")


def test_check_record_on_a_model() -> None:
    from archmeta.formats import text

    record = text.loads(text_record(date="2999", Contents="- English Translation"))
    issues = check_record(record, source="r")
    assert {i.rule for i in issues} == {"date-future", "translator-missing"}
    assert all(i.pointer for i in issues)


# --------------------------------------------------------------------------- severities


def test_severity_can_be_error_warning_or_off() -> None:
    document = text_record(date="2999", Contents="- English Translation")
    default = validate(document, format="text")
    assert {(i.rule, i.severity) for i in default.issues} == {
        ("date-future", "error"),
        ("translator-missing", "warning"),
    }
    tuned = validate(
        document,
        format="text",
        severities={"date-future": "warning", "translator-missing": "error"},
    )
    assert {(i.rule, i.severity) for i in tuned.issues} == {
        ("date-future", "warning"),
        ("translator-missing", "error"),
    }
    off = validate(document, format="text", severities={"date-future": "off"})
    assert rules_of(off) == ["translator-missing"] and off.ok


def test_unreadable_documents_stay_errors_whatever_the_profile() -> None:
    profile = Profile("lenient", rules={"title-missing": "off", "control-character": "off"})
    report = validate(b"**Citation:**\n\nx\n", format="text", profile=profile)
    assert [(i.rule, i.severity) for i in report.issues] == [("title-missing", "error")]


# ----------------------------------------------------------------------------- profiles


def test_shipped_profiles() -> None:
    wilson = load_profile("wilson")
    assert wilson.required == ("date", "title", "citation", "summary", "original_languages")
    assert load_profile("dc-minimal").required == ("title", "identifier|url|identifiers")
    assert validate(SEED, profile="wilson").ok
    assert validate(SEED, profile="dc-minimal").ok


def test_wilson_requires_its_fields() -> None:
    report = validate(EXAMPLES / "undated-minimal.txt", profile="wilson")
    required = [(i.pointer, i.severity) for i in report.issues if i.rule == "required-field"]
    assert required == [
        ("/citation", "error"),
        ("/summary", "error"),
        ("/original_languages", "error"),
    ]
    # wilson makes an unreadable date an error
    assert ("date-unreadable", "error") in {(i.rule, i.severity) for i in report.issues}
    assert not report.ok


def test_a_required_field_the_format_cannot_hold_says_so() -> None:
    report = validate(EXAMPLES / "wilson-118189.oai_dc.xml", profile="wilson")
    messages = {i.pointer: i.message for i in report.issues if i.rule == "required-field"}
    assert messages == {
        "/citation": "the profile 'wilson' requires citation, which this format cannot hold",
        "/original_languages": (
            "the profile 'wilson' requires original_languages, which this format cannot hold"
        ),
    }


def test_dc_minimal_takes_any_identifier() -> None:
    assert not validate(json_doc(), format="json", profile="dc-minimal").ok
    for extra in ({"identifier": "118189"}, {"url": "https://example.org/1"}):
        assert validate(json_doc(**extra), format="json", profile="dc-minimal").ok
    message = validate(json_doc(), format="json", profile="dc-minimal").issues[0].message
    assert "identifier or url or identifiers" in message


def test_profile_file() -> None:
    profile = load_profile(PROFILES / "strict.toml")
    assert profile.name == "strict"
    report = validate(text_record(date="undated"), format="text", profile=profile)
    assert [(i.rule, i.severity) for i in report.issues] == [
        ("date-unreadable", "error"),
        ("required-field", "error"),
    ]
    by_name = validate(text_record(), format="text", profile=str(PROFILES / "strict.toml"))
    assert by_name.profile == "strict"
    assert [i.pointer for i in by_name.issues] == ["/identifier"]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("bad-rule-id.toml", r"rules\.date-futur: unknown rule id; did you mean 'date-future'\?"),
        ("bad-severity.toml", r"rules\.date-future: severity must be one of .*not 'fatal'"),
        ("bad-field.toml", r"required\[1\]: 'sumary' is not a field .*did you mean 'summary'\?"),
        ("bad-key.toml", r"require: unknown key .*did you mean 'required'\?"),
        ("bad-syntax.toml", r"not valid TOML: Unclosed array"),
        ("bad-type.toml", r"required: must be a list of field names"),
    ],
)
def test_broken_profile_says_which_key_and_what(name: str, expected: str) -> None:
    path = PROFILES / name
    with pytest.raises(ProfileError, match=expected) as info:
        load_profile(path)
    assert str(info.value).startswith(str(path) + ": ")


def test_unknown_profile_name_lists_the_shipped_ones() -> None:
    with pytest.raises(ProfileError, match="unknown profile 'wilsn'; shipped profiles: dc-minimal"):
        load_profile("wilsn")
    with pytest.raises(ProfileError, match="did you mean 'wilson'"):
        load_profile("wilsn")
    with pytest.raises(ProfileError, match="no such profile file"):
        load_profile("missing/profile.toml")


def test_docs_describe_every_rule_and_the_profile_keys() -> None:
    doc = (ROOT / "docs" / "validation.md").read_text(encoding="utf-8")
    for rule_id in RULES:
        assert f"`{rule_id}`" in doc, rule_id
    for key in ("name", "description", "required", "rules"):
        assert f"`{key}`" in doc


# ------------------------------------------------------------------------- size limit


def test_parse_size() -> None:
    assert parse_size("64M") == 64 * 1024 * 1024
    assert parse_size("500k") == 500 * 1024
    assert parse_size("1GiB") == 1024**3
    assert parse_size("0") == 0
    with pytest.raises(UsageError, match="invalid size"):
        parse_size("lots")


def test_size_limit_refuses_before_reading(tmp_path: Path) -> None:
    big = tmp_path / "big.json"
    big.write_bytes(b" " * 2048)
    report = validate(big, max_bytes=1024)
    assert [(i.rule, i.severity) for i in report.issues] == [("input-too-large", "error")]
    assert "2,048 bytes, more than the limit of 1,024" in report.issues[0].message
    assert validate(b"{" + b" " * 2048 + b"}", format="json", max_bytes=1024).issues[0].rule == (
        "input-too-large"
    )


@pytest.mark.parametrize(
    ("documents", "rule"),
    [
        (
            {
                "json": '{"title": "Cable", "url": "digitalarchive.wilsoncenter.org/x"}',
                "text": "**Cable**\n\n**Citation:**\n\nA citation.  \n<digitalarchive.org/x>\n",
            },
            "url-malformed",
        ),
        (
            {
                "json": '{"title": "Cable", "summery": "A cable."}',
                "text": "**Cable**\n\n**Summery:**\n\nA cable.\n",
                "oai_dc": (
                    '<oai_dc:dc xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/" '
                    'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:x="urn:x">'
                    "<dc:title>Cable</dc:title><x:summery>A cable.</x:summery></oai_dc:dc>"
                ),
            },
            "unknown-element",
        ),
        (
            {
                "json": '{"title": "Cable\\u0007"}',
                "text": "**Cable\u0007**\n",
            },
            "control-character",
        ),
        (
            {
                "json": '{"summary": "A cable."}',
                "text": "**Summary:**\n\nA cable.\n",
                "oai_dc": (
                    '<oai_dc:dc xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/" '
                    'xmlns:dc="http://purl.org/dc/elements/1.1/">'
                    "<dc:description>A cable.</dc:description></oai_dc:dc>"
                ),
            },
            "title-missing",
        ),
    ],
    ids=lambda value: value if isinstance(value, str) else "",
)
def test_one_problem_has_one_rule_id_in_every_format(documents: dict[str, str], rule: str) -> None:
    for format_name, document in documents.items():
        rules = [i.rule for i in validate(document, format=format_name).issues]
        assert rule in rules, (format_name, rules)


def test_a_type_error_is_not_taken_for_another_rule() -> None:
    report = validate('{"title": 3}', format="json")
    assert [(i.rule, i.pointer) for i in report.issues] == [("value-type", "/title")]


def test_a_profile_setting_reaches_every_format() -> None:
    severities = {"url-malformed": "warning"}
    for fmt, document in (
        ("json", '{"title": "Cable", "url": "https:///x"}'),
        ("text", "**Cable**\n\n**Citation:**\n\nA citation.  \n<https:///x>\n"),
    ):
        report = validate(document, format=fmt, severities=severities)
        found = [(i.rule, i.severity) for i in report.issues if i.rule == "url-malformed"]
        assert found == [("url-malformed", "warning")], (fmt, report.lines())


def test_a_profile_tunes_the_warnings_of_a_readable_xml_record() -> None:
    document = (EXAMPLES / "wilson-118189.oai_dc.xml").read_text(encoding="utf-8")
    document = document.replace(
        "</oai_dc:dc>", "<dc:language>Xyzzyish</dc:language></oai_dc:dc>", 1
    )
    default = validate(document, format="oai_dc")
    found = [(i.rule, i.severity) for i in default.issues if i.rule == "language-unknown"]
    assert found and all(severity == "warning" for _, severity in found), default.lines()
    strict = validate(document, format="oai_dc", severities={"language-unknown": "error"})
    assert not strict.ok
    quiet = validate(document, format="oai_dc", severities={"language-unknown": "off"})
    assert "language-unknown" not in [i.rule for i in quiet.issues]


def test_rules_about_fields_a_format_cannot_hold_are_skipped_for_it() -> None:
    from archmeta.formats import dc, text
    from archmeta.validation import validate as run_validation

    record = text.loads("**T**\n\n**Contents:**\n\n- English Translation\n")
    as_text = run_validation(text.dumps(record), format="text")
    assert [i.rule for i in as_text.issues] == ["translator-missing"]
    as_dcterms = run_validation(dc.dumps(record, flavour="dcterms"), format="dcterms")
    assert "translator-missing" not in [i.rule for i in as_dcterms.issues]
    assert "translators" in dc.UNREAD_FIELDS["dcterms"]
