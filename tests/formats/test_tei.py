"""TEI P5: round trips, the project's schema and TEI ``tei_all``, reading other projects' TEI."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree

from archmeta.errors import ArchmetaError, Issue, ParseError
from archmeta.formats import detect_format, tei, text
from archmeta.model import ArchivalDate, ArchivalRecord, Language, Provenance
from archmeta.schema import schema_path
from archmeta.validation import validate_text
from tests.conftest import EXAMPLES, ROOT, conformance
from tests.strategies import records

FIXTURES = ROOT / "tests" / "fixtures" / "tei"
TEI_EXAMPLES = sorted(EXAMPLES.glob("*.tei.xml"))


@pytest.fixture(scope="session")
def own_schema() -> etree.RelaxNG:
    return etree.RelaxNG(etree.parse(str(schema_path(tei.SCHEMA_NAME))))


@pytest.fixture(scope="session")
def tei_all() -> etree.RelaxNG:
    """The official TEI P5 4.11.0 tei_all grammar, compiled once per session (seconds)."""
    path = conformance("schemas", "tei_all.rng")
    return etree.RelaxNG(etree.parse(str(path)))


def _errors(schema: etree.RelaxNG, document: str) -> list[str]:
    tree = etree.ElementTree(etree.fromstring(document.encode("utf-8")))
    if schema.validate(tree):
        return []
    return [f"{e.line}:{e.column}: {e.message}" for e in schema.error_log]


# ------------------------------------------------------------------------- round trips


def test_seed_text_to_tei_to_text_is_byte_exact(seed_text):
    canonical = text.dumps(text.loads(seed_text))
    record = text.loads(seed_text)
    written = tei.dumps(record)
    assert tei.loads(written) == record
    assert text.dumps(tei.loads(written)) == canonical
    assert canonical == (EXAMPLES / "wilson-118189.txt").read_text(encoding="utf-8")


def test_seed_marks_become_tei_elements(seed_text):
    written = tei.dumps(text.loads(seed_text))
    assert '<sic rend="[sic]">Ma-er-guo-fu</sic> has not left' in written
    assert '<gap reason="illegible" rend="[illegible]"/>' in written
    assert '<p><gap reason="editorial" rend="[...]"/></p>' in written
    assert "<p>30 April <supplied>1962</supplied></p>" in written
    assert '<date when="1962-04-30">April 30, 1962</date>' in written
    assert '<respStmt>\n          <resp key="trl">Translated by</resp>' in written


@given(records())
def test_tei_roundtrip_is_identity_and_valid_against_own_schema(own_schema, record):
    written = tei.dumps(record)
    back, issues = tei.read(written)
    assert back == record
    assert issues == []  # archmeta's own documents need no warnings
    assert tei.dumps(back) == written  # deterministic: a fixed point
    assert _errors(own_schema, written) == []


@given(records())
def test_generated_tei_is_valid_tei_all(tei_all, record):
    assert _errors(tei_all, tei.dumps(record)) == []


@pytest.mark.parametrize("path", TEI_EXAMPLES, ids=lambda p: p.name)
def test_examples_are_valid_and_read_back(path: Path, own_schema, tei_all):
    written = path.read_text(encoding="utf-8")
    assert _errors(own_schema, written) == []
    assert _errors(tei_all, written) == []
    source = path.with_name(path.name.removesuffix(".tei.xml") + ".txt")
    assert tei.load(path) == text.load(source)


def test_every_example_has_a_tei_file():
    assert len(TEI_EXAMPLES) == len(list(EXAMPLES.glob("*.txt"))) >= 1


@pytest.mark.parametrize("path", sorted((FIXTURES / "schema").glob("*.xml")), ids=lambda p: p.name)
def test_documents_the_own_schema_allows_are_valid_tei(path: Path, own_schema, tei_all):
    """Hand-written corners of archmeta-tei.rng that the writer rarely reaches."""
    document = path.read_text(encoding="utf-8")
    assert _errors(own_schema, document) == []
    assert _errors(tei_all, document) == []
    assert tei.loads(document).title == "T"


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("<title>Cable", "<title> Cable"),  # a value with white space at an end
        (' xml:space="preserve"', ""),
        ("<title>Cable", '<title type="main">Cable'),
        ('reason="illegible"', 'reason="cancelled"'),
        ('<gap reason="editorial" rend="[...]"/>', '<gap reason="editorial"/>'),
        ("<supplied>Urumqi</supplied>", "<supplied>[Urumqi]</supplied>"),
        ('<resp key="trl">Translated by</resp>', '<resp key="trl">Translator</resp>'),
        ('ident="archmeta" version="1.0"', 'ident="archmeta" version="2.0"'),
        (
            "<publisher>History and Public Policy Program Digital Archive</publisher>",
            "<distributor>History and Public Policy Program Digital Archive</distributor>",
        ),
    ],
)
def test_own_schema_refuses_what_archmeta_does_not_write(old: str, new: str, own_schema):
    document = (EXAMPLES / "wilson-118189.tei.xml").read_text(encoding="utf-8")
    assert old in document
    assert _errors(own_schema, document.replace(old, new, 1))


FULL = ArchivalRecord(
    identifier="118189",
    url="https://example.org/118189",
    date=ArchivalDate(text="c. 1962", edtf="1962~"),
    title="Title",
    alternative_titles=["Alt one", "Alt two"],
    type="Cable",
    citation="A citation",
    publisher="Publisher",
    source="Fond 1, file 2",
    translators=["Tr One", "Tr Two"],
    summary="A summary",
    notes=["Note one"],
    credits="Made possible by the Foundation",
    funders=["Foundation"],
    original_languages=[Language(name="Chinese", code="zh")],
    languages=[Language(name="English", code="en")],
    contents=["English Translation"],
    creators=["Ministry"],
    contributors=["Editor"],
    subjects=["Borders"],
    places=["Xinjiang"],
    rights="Public domain",
    relations=["Related"],
    collections=["Collection"],
    identifiers=["other-id"],
    formats=["1 p."],
    body=["One", "Two"],
    provenance=Provenance(
        oai_identifier="oai:example.org:118189",
        datestamp="2026-01-01",
        set_specs=["china"],
        base_url="https://example.org/oai",
    ),
)


def test_field_paths_say_where_the_writer_puts_each_field():
    """tei.FIELD_PATHS (the mapping table of the module) matches what dumps writes."""
    written = tei.dumps(FULL)
    assert tei.read(written) == (FULL, [])
    root = etree.fromstring(written.encode("utf-8"))
    assert set(tei.FIELD_PATHS) == set(ArchivalRecord.model_fields)
    for name, path in tei.FIELD_PATHS.items():
        found = [
            "".join(n.itertext())
            for n in root.xpath(tei._tei_xpath(path), namespaces={"t": tei.TEI_NS})
        ]
        value = getattr(FULL, name)
        if name == "date":
            value = value.text
        if name == "provenance":  # element-only: its identifier and sets are its text
            value = value and value.oai_identifier + "".join(value.set_specs)
        if isinstance(value, list):
            value = [v.name if isinstance(v, Language) else v for v in value]
        else:
            value = [value]
        assert found == value, name


# ------------------------------------------------------------------------- inline marks


def _p(paragraph: str) -> str:
    written = tei.dumps(ArchivalRecord(title="T", body=[paragraph]))
    m = re.search(r"<div>\s*<p>(.*?)</p>\s*</div>", written, re.S)
    assert m, written
    assert tei.loads(written).body == [paragraph]
    return m.group(1)


@pytest.mark.parametrize(
    ("paragraph", "xml"),
    [
        ("Ma-er-guo-fu [sic] has", '<sic rend="[sic]">Ma-er-guo-fu</sic> has'),
        ("a word[sic] joined", 'a word<sic rend="[sic]"/> joined'),
        ("[sic.] first", '<sic rend="[sic.]"/> first'),
        ("two  [SIC!] spaces", 'two  <sic rend="[SIC!]"/> spaces'),
        ("[April] [sic]", '<supplied>April</supplied> <sic rend="[sic]"/>'),
        ("x [sic] [sic]", '<sic rend="[sic]">x</sic> <sic rend="[sic]"/>'),
        ("F[oreign] M[inistry]", "F<supplied>oreign</supplied> M<supplied>inistry</supplied>"),
        (
            "cut [...] and […]",
            'cut <gap reason="editorial" rend="[...]"/> and <gap reason="editorial" rend="[…]"/>',
        ),
        (
            "cut [ …] and [....]",
            'cut <gap reason="editorial" rend="[ …]"/> and <gap reason="editorial" rend="[....]"/>',
        ),
        (
            "odd [\u00a0…\u2003] space",
            'odd <gap reason="editorial"><desc>[\u00a0…\u2003]</desc></gap> space',
        ),
        ("[Illegible] word", '<gap reason="illegible" rend="[Illegible]"/> word'),
        ("line one\nline two", "line one<lb/>line two"),
        ("[] and [ x] and [a\tb]", "[] and [ x] and <supplied>a\tb</supplied>"),
        ("<b> & ]]> \"'", "&lt;b&gt; &amp; ]]&gt; \"'"),
        ("tab\tand\u00a0nbsp  two", "tab\tand\u00a0nbsp  two"),
        (
            "cut [….] and [.…]",
            'cut <gap reason="editorial" rend="[….]"/> and <gap reason="editorial" rend="[.…]"/>',
        ),
        (
            "signed [illegible signature]",
            'signed <gap reason="illegible" rend="[illegible signature]">'
            "<desc>illegible signature</desc></gap>",
        ),
        ("the talks.[1]", 'the talks.<ref type="footnote">1</ref>'),
        (
            "urgent [emphasis in the original]",
            'urgent <note type="editorial">emphasis in the original</note>',
        ),
        ("[[I. I. Varnov]]", '<supplied rend="[[]]">I. I. Varnov</supplied>'),
    ],
)
def test_inline_marks(paragraph: str, xml: str):
    assert _p(paragraph) == xml


def test_newlines_in_header_values_are_lb():
    record = ArchivalRecord(title="T", citation="one\ntwo", summary="a\nb", rights="r\ns")
    written = tei.dumps(record)
    assert '<bibl type="citation">one<lb/>two</bibl>' in written
    assert "<p>a<lb/>b</p>" in written
    assert tei.loads(written) == record


@pytest.mark.parametrize(
    ("date", "attributes"),
    [
        (ArchivalDate(text="April 30, 1962", edtf="1962-04-30"), 'when="1962-04-30"'),
        (ArchivalDate(text="March 1962", edtf="1962-03"), 'when="1962-03"'),
        (
            ArchivalDate(text="c. 1962", edtf="1962~"),
            'when-custom="1962~" datingMethod="https://www.loc.gov/standards/datetime/" '
            'notBefore="1962-01-01" notAfter="1962-12-31" cert="medium"',
        ),
        (
            ArchivalDate(text="[1962?]", edtf="1962?"),
            'when-custom="1962?" datingMethod="https://www.loc.gov/standards/datetime/" '
            'notBefore="1962-01-01" notAfter="1962-12-31" cert="low"',
        ),
        (
            ArchivalDate(text="1950s", edtf="195X"),
            'when-custom="195X" datingMethod="https://www.loc.gov/standards/datetime/" '
            'notBefore="1950-01-01" notAfter="1959-12-31"',
        ),
        (ArchivalDate(text="undated", edtf=None), ""),
        (ArchivalDate(text="April 30, 1962", edtf=None), ""),
    ],
)
def test_dates(date: ArchivalDate, attributes: str):
    record = ArchivalRecord(title="T", date=date)
    written = tei.dumps(record)
    space = " " if attributes else ""
    assert f"<date{space}{attributes}>{date.text}</date>" in written
    assert tei.loads(written) == record


@pytest.mark.parametrize(
    "edtf",
    [
        "1998-06-01T24:00:00",
        "1998-06-01T00:00:00Z",
        "0000",
        "0001",
        "-0100",
        "1962?-04",
        "../1962",
        "1962/..",
        "XXXX",
        "19XX",
        "1962-XX",
        "1962-04-30/1962-05-02",
        "1962%",
    ],
)
def test_unusual_edtf_values_round_trip_as_valid_tei(edtf: str, own_schema, tei_all):
    record = ArchivalRecord(title="T", date=ArchivalDate(text="some day", edtf=edtf))
    written = tei.dumps(record)
    assert tei.loads(written) == record
    assert _errors(own_schema, written) == []
    assert _errors(tei_all, written) == []


def test_languages_without_code():
    record = ArchivalRecord(
        title="T",
        languages=[Language(name="Klingon")],
        original_languages=[Language(name="Old Norse", code=None)],
    )
    written = tei.dumps(record)
    assert '<language ident="">Klingon</language>' in written
    assert "<textLang>Old Norse</textLang>" in written
    assert tei.loads(written) == record


# ------------------------------------------------------------------------- errors


def test_malformed_xml_is_a_parse_error_with_line_and_column():
    with pytest.raises(ParseError) as info:
        tei.loads("<TEI xmlns='http://www.tei-c.org/ns/1.0'>\n  <teiHeader>\n</TEI>", "x.tei.xml")
    assert info.value.line == 3 and info.value.column is not None
    assert info.value.rule == "xml-syntax"


def test_missing_title_names_the_place():
    document = (
        "<TEI xmlns='http://www.tei-c.org/ns/1.0'>\n<teiHeader>\n<fileDesc>\n"
        "<titleStmt><author>X</author></titleStmt>\n</fileDesc>\n</teiHeader>\n</TEI>"
    )
    with pytest.raises(ParseError) as info:
        tei.loads(document, "x.tei.xml")
    assert info.value.line == 4
    assert "/TEI/teiHeader/fileDesc/titleStmt/title" in str(info.value)
    assert info.value.rule == "title-missing"


def test_schema_issues_have_lines():
    own = (EXAMPLES / "wilson-118189.tei.xml").read_text(encoding="utf-8")
    assert tei.schema_issues(own) == []
    broken = own.replace("<title>", '<title type="bogus">', 1)
    issues = tei.schema_issues(broken, source="b.tei.xml")
    assert issues and all(i.line and i.column for i in issues)
    assert issues[0].line == broken[: broken.index("bogus")].count("\n") + 1
    assert tei.schema_issues("<TEI>")[0].rule == "xml-syntax"


def test_validate_uses_the_tei_schema_and_reader():
    own = (EXAMPLES / "wilson-118189.tei.xml").read_bytes()
    assert [i for i in validate_text(own, "tei") if i.severity == "error"] == []
    foreign = conformance("tei", "rdcr_china.xml").read_bytes()
    issues = validate_text(foreign, "tei", source="rdcr_china.xml")
    errors = [i for i in issues if i.severity == "error"]
    assert errors and all(i.rule == "schema-invalid" and i.line for i in errors)
    # The document is still read, as Dublin Core is: what it holds that archmeta has no place
    # for is reported in the same run.
    assert "tei-skipped" in [i.rule for i in issues]


def test_format_is_registered_and_detected():
    assert detect_format("a.tei.xml").name == "tei"
    head = (EXAMPLES / "wilson-118189.tei.xml").read_text(encoding="utf-8")
    assert detect_format(None, head).name == "tei"


# ------------------------------------------------------------------------- other projects' TEI

# What each conformance document yields: its title and a few other fields.
CONFORMANCE_TEI = {
    "farfalla_Farfalla_1877_3_5_Bibliografia.xml": {
        "title": "Bibliografia. Emilio Zola. - L'assommoir. Paris. Charpentier & Comp. "
        "editori L. 3,50.",
        "date": {"text": "11 marzo 1877", "edtf": "1877-03-11"},
        "creators": ["Nimpha"],
        "rights": "CC BY-NC 4.0",
    },
    "farfalla_Farfalla_1877_4_8_AMilano.xml": {
        "title": "A Milano!",
        "date": {"text": "9 settembre 1877", "edtf": "1877-09-09"},
    },
    "frus-history_1925-order.xml": {
        "title": "Secretary Kellogg’s “Principles to Guide the Editing of ‘Foreign Relations’” "
        "and Cover Memoranda",
        "alternative_titles": ["“Principles to Guide the Editing of ‘Foreign Relations’”"],
        "date": {"text": "March 26, 1925", "edtf": "1925-03-26"},
    },
    "frus-history_1957-hac-minutes-transcript.xml": {
        "title": "Minutes of the Opening Session of the Historical Advisory Committee",
    },
    "frus-history_1980-rereview-transcript_d1_standalone.xml": {
        "title": "Documents Relating to the 1980 Re-Review of FRUS",
        "alternative_titles": ["1980 FRUS Re-Review Documents"],
        "date": {"text": "November 20, 1978", "edtf": "1978-11-20"},
    },
    "frus-history_international-reaction-to-lincoln.xml": {
        "title": "International Reaction to Lincoln’s Death",
        "creators": ["Aaron W. Marrs"],
    },
    "lassberg-letter-0627.xml": {
        "title": "Brief von Joseph von Laßberg an Ludwig Uhland (12.04.1820).",
        "date": {"text": "1820-04-12", "edtf": "1820-04-12"},
        "creators": ["Joseph von Laßberg"],
        "contributors": ["Michael Schonhardt"],
    },
    "lassberg-letter-1209.xml": {
        "title": "Brief von Wilhelm Wackernagel an Joseph von Laßberg (14.12.1827).",
        "date": {"text": "14.12.1827", "edtf": "1827-12-14"},
        "source": "Basel, Staatsarchiv des Kantons Basel-Stadt, 2196",
    },
    "lassberg-letter-2025.xml": {
        "title": "Brief von Joseph von Laßberg an Johann Adam Pupikofer (02.06.1838).",
    },
    "milestones_1945-1952.xml": {"title": "Milestones: 1945–1952"},
    "rdcr_china.xml": {
        "title": "A Guide to the United States’ History of Recognition, Diplomatic, and "
        "Consular Relations, by Country, since 1776: China",
    },
}


@pytest.mark.parametrize("name", sorted(CONFORMANCE_TEI))
def test_conformance_tei_loads(name: str):
    path = conformance("tei", name)
    record, issues = tei.read(path.read_bytes(), source=name)
    data = record.model_dump(mode="json", exclude_defaults=True)
    for key, value in CONFORMANCE_TEI[name].items():
        assert data.get(key) == value, key
    assert record.body, "the body's paragraphs are read"
    assert all(i.severity in ("warning", "info") and i.line for i in issues)


def test_every_conformance_tei_file_is_listed():
    folder = conformance("tei")
    assert sorted(p.name for p in folder.glob("*.xml")) == sorted(CONFORMANCE_TEI)


def test_parallel_versions_of_a_letter():
    """The Laßberg letters give the text as written, normalized, translated and summarized."""
    record, issues = tei.read(conformance("tei", "lassberg-letter-0627.xml").read_bytes())
    assert record.body[0] == "Wolgeborner, hochzuverehrender Herr!"
    assert record.body[-1] == "gehorsamen Diener Jos. v. Laßberg, Freiherr."
    assert record.summary and record.summary.startswith("Laßberg antwortet auf Uhlands")
    skipped = [i.message for i in issues if "parallel version" in i.message]
    assert len(skipped) == 2 and "normalized" in skipped[0] and "translation" in skipped[1]


def test_lb_break_no_joins_the_word():
    record = tei.load(conformance("tei", "lassberg-letter-1209.xml"))
    assert "für mich unmöglich, ich konnte" in record.body[0]


# ------------------------------------------------------------------------- own fixtures

_EXPECT = re.compile(r"<!-- expect (\{.*?\}) -->", re.S)


@pytest.mark.parametrize("path", sorted(FIXTURES.glob("*.xml")), ids=lambda p: p.name)
def test_fixture(path: Path):
    raw = path.read_text(encoding="utf-8")
    m = _EXPECT.search(raw)
    assert m, f"{path.name} has no <!-- expect {{...}} --> comment"
    expect = json.loads(m.group(1))
    if "error" in expect:
        with pytest.raises(ParseError) as info:
            tei.read(raw.encode("utf-8"), source=path.name)
        assert info.value.rule == expect["error"]
        assert info.value.line == expect["line"]
        return
    record, issues = tei.read(raw.encode("utf-8"), source=path.name)
    data = record.model_dump(mode="json", exclude_defaults=True)
    warnings = expect.pop("warnings", [])
    for key, value in expect.items():
        assert data.get(key) == value, key
    messages = " ".join(i.message for i in issues)
    for word in warnings:
        assert word in messages


# ------------------------------------------------------------------------- hostile shapes

_TAGS = (
    "teiHeader fileDesc titleStmt title respStmt resp name persName editor author funder "
    "publicationStmt publisher authority idno availability licence seriesStmt notesStmt note "
    "relatedItem sourceDesc bibl msDesc msIdentifier textLang extent profileDesc abstract "
    "creation date langUsage language textClass keywords term placeName correspDesc "
    "correspAction text front body back div opener closer dateline salute signed head p ab lb "
    "pb gap desc sic supplied choice orig reg corr abbr expan hi list item figure foo"
).split()
_ATTRIBUTES = st.dictionaries(
    st.sampled_from(
        "type when notBefore notAfter from to rend reason ident mainLang break key "
        "when-custom datingMethod xml:space".split()
    ),
    st.sampled_from(
        [
            "preserve",
            "1962",
            "1962-13-01",
            "0000",
            "Y170000002",
            "no",
            "trl",
            "[...]",
            "[sic]",
            "URI",
            "genre",
            "place",
            "original",
            "citation",
            tei.EDTF_METHOD,
            "",
            " x ",
        ]
    )
    | st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=8),
    max_size=3,
)
_TEXT = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00\ufffe\uffff").filter(
        lambda c: c in "\t\n\r" or ord(c) >= 0x20
    ),
    max_size=12,
)


def _element(tag, attributes, children, text_value):
    element = etree.Element(f"{{{tei.TEI_NS}}}{tag}")
    for key, value in attributes.items():
        name = "{http://www.w3.org/XML/1998/namespace}space" if key == "xml:space" else key
        element.set(name, value)
    element.text = text_value
    for child in children:
        element.append(child)
        child.tail = text_value
    return element


_TREES = st.recursive(
    st.builds(_element, st.sampled_from(_TAGS), _ATTRIBUTES, st.just([]), _TEXT),
    lambda inner: st.builds(
        _element, st.sampled_from(_TAGS), _ATTRIBUTES, st.lists(inner, max_size=4), _TEXT
    ),
    max_leaves=30,
)


@given(st.lists(_TREES, max_size=3))
def test_arbitrary_tei_shapes_read_or_raise_archmeta_errors(children):
    root = _element("TEI", {}, children, None)
    document = etree.tostring(root, encoding="unicode")
    try:
        record, issues = tei.read(document)
    except ArchmetaError:
        return
    assert record.title
    assert all(isinstance(i, Issue) for i in issues)


_SKELETON = (
    "<TEI xmlns='http://www.tei-c.org/ns/1.0'><teiHeader><fileDesc><titleStmt><title>T</title>"
    "</titleStmt><publicationStmt/><sourceDesc/></fileDesc><profileDesc><creation/>"
    "</profileDesc></teiHeader><text><body><div/></body></text></TEI>"
)
_SLOTS = [
    "titleStmt",
    "publicationStmt",
    "sourceDesc",
    "fileDesc",
    "profileDesc",
    "creation",
    "div",
    "body",
]


@given(st.lists(st.tuples(st.sampled_from(_SLOTS), _TREES), max_size=6))
def test_arbitrary_content_in_a_tei_skeleton_reads(placed):
    root = etree.fromstring(_SKELETON)
    for slot, tree in placed:
        root.xpath(f"//t:{slot}", namespaces={"t": tei.TEI_NS})[0].append(tree)
    try:
        record, _ = tei.read(etree.tostring(root, encoding="unicode"))
    except ArchmetaError:
        return
    assert record.title


@pytest.mark.parametrize("declared", ["ISO-8859-1", "UTF-16", "windows-1252"])
def test_a_decoded_string_is_read_whatever_its_encoding_declaration_says(declared: str):
    # A str is already decoded: reading it as its declaration says gave "cafÃ©" (mojibake).
    document = (
        f'<?xml version="1.0" encoding="{declared}"?>'
        f'<TEI xmlns="{tei.TEI_NS}"><teiHeader><fileDesc><titleStmt><title>Café à Zürich'
        "</title></titleStmt></fileDesc></teiHeader><text><body><p>naïve</p></body></text></TEI>"
    )
    record = tei.loads(document)
    assert (record.title, record.body) == ("Café à Zürich", ["naïve"])
    if declared != "UTF-16":  # bytes still follow their declaration
        assert tei.loads(document.encode("latin-1")).title == "Café à Zürich"


def test_lb_break_no_strips_white_space_across_inline_elements():
    # The reader gathers a line's parts and joins them once (it used to add each part to a
    # growing string: quadratic time for paragraphs with many inline elements).
    body = 'ab <hi> </hi> <lb break="no"/> <hi> </hi> cd<lb/>ef ' * 3
    document = (
        f'<TEI xmlns="{tei.TEI_NS}"><teiHeader><fileDesc><titleStmt><title>T</title>'
        f"</titleStmt></fileDesc></teiHeader><text><body><p>{body}</p></body></text></TEI>"
    )
    assert tei.loads(document).body == ["abcd\nef abcd\nef abcd\nef"]


def test_a_paragraph_of_many_marks_round_trips():
    record = ArchivalRecord(title="T", body=["word [sic] [...] [April] " * 20000 + "end"])
    assert tei.loads(tei.dumps(record)) == record


def test_many_unmapped_and_repeated_header_elements_read_in_linear_time():
    import time

    # Naming each skipped element by XPath counted its siblings every time, and merging
    # repeated values searched the list every time: 20,000 unknown elements took minutes.
    n = 20_000
    unknown = "".join(f"<foo>{i}</foo>" for i in range(n))
    idnos = "".join(f"<idno>i{i % (n // 2)}</idno>" for i in range(n))
    document = (
        f'<TEI xmlns="{tei.TEI_NS}"><teiHeader><fileDesc><titleStmt><title>T</title>'
        f"</titleStmt><publicationStmt>{idnos}</publicationStmt>{unknown}"
        "<sourceDesc><p/></sourceDesc></fileDesc></teiHeader><text><body><p>x</p></body>"
        "</text></TEI>"
    )
    start = time.monotonic()
    record, issues = tei.read(document)
    assert time.monotonic() - start < 15
    assert record.identifiers == [f"i{i}" for i in range(n // 2)]
    skipped = [i.xpath for i in issues if i.xpath and "/foo" in i.xpath]
    assert skipped[:2] == ["/TEI/teiHeader/fileDesc/foo[1]", "/TEI/teiHeader/fileDesc/foo[2]"]
    assert len(skipped) == n and skipped[-1] == f"/TEI/teiHeader/fileDesc/foo[{n}]"


def _read_seconds(document: str) -> float:
    import time

    best = float("inf")
    for _ in range(3):
        started = time.process_time()
        try:
            tei.read(document)
        except ParseError:
            pass
        best = min(best, time.process_time() - started)
    return best


@pytest.mark.parametrize("unit", ["<p/>", "<x/>", "<p><lb/></p>", "<p>a<hi/><gap/></p>"])
def test_many_body_elements_read_in_linear_time(unit: str):
    # 10^6 empty elements (4 MB, under the size limit) took 20 s: the reader walks each
    # element a few times in Python, and searched the whole document for xml:space by XPath.
    def document(n: int) -> str:
        return (
            f'<TEI xmlns="{tei.TEI_NS}"><teiHeader><fileDesc><titleStmt><title>T</title>'
            f"</titleStmt></fileDesc></teiHeader><text><body>{unit * n}</body></text></TEI>"
        )

    small, large = 5_000, 40_000  # both under tei.MAX_ELEMENTS
    ratio = _read_seconds(document(large)) / max(_read_seconds(document(small)), 1e-4)
    assert ratio < 8 * 3, ratio


def test_a_document_of_too_many_elements_is_refused_before_it_is_read():
    n = tei.MAX_ELEMENTS
    head = f'<TEI xmlns="{tei.TEI_NS}"><teiHeader><fileDesc><titleStmt><title>T</title>'
    tail = "</titleStmt></fileDesc></teiHeader><text><body><p>x</p></body></text></TEI>"
    at_limit = head + "<funder/>" * (n - 8) + tail  # exactly MAX_ELEMENTS elements
    assert tei.loads(at_limit).title == "T"
    with pytest.raises(ParseError) as caught:
        tei.read(head + "<funder/>" * (n - 7) + tail)
    (issue,) = caught.value.issues
    assert issue.rule == "tei-too-many-elements" and issue.line == 1
    assert f"more than {n:,} elements" in issue.message
    # Comments are not elements: a long document of them is read.
    assert tei.loads(head + "<!---->" * n + tail).title == "T"


@pytest.mark.parametrize(
    ("corpus", "tei_space", "div", "expected"),
    [
        ("", "", "<div>", ["a b"]),
        ("", ' xml:space="preserve"', "<div>", ["a  b"]),
        ("", ' xml:space="preserve"', '<div xml:space="default">', ["a b"]),
        ("", "", '<div xml:space="preserve">', ["a  b"]),
        # xml:space is inherited from the nearest element that has it, the teiCorpus too.
        (' xml:space="preserve"', "", "<div>", ["a  b"]),
        (' xml:space="preserve"', ' xml:space="default"', "<div>", ["a b"]),
    ],
)
def test_xml_space_in_force_is_the_nearest_ancestors(
    corpus: str, tei_space: str, div: str, expected: list[str]
):
    member = (
        f"<TEI{tei_space}><teiHeader><fileDesc><titleStmt><title>T</title></titleStmt>"
        f"</fileDesc></teiHeader><text><body>{div}<p>a  b</p></div></body></text></TEI>"
    )
    document = f'<teiCorpus xmlns="{tei.TEI_NS}"{corpus}>{member}</teiCorpus>'
    assert tei.loads(document).body == expected
