"""The reader rules: problems the codecs find while reading (and conversion finds while
writing), declared here with their meaning and an example so that profiles can tune them and
``docs/validation.md`` lists them.

An example of ``example_format`` "" is told by its content; an example that a string cannot
show (bad bytes, a file that cannot be opened) is prose, marked by ``example_format`` None in
:data:`UNTESTABLE`.
"""

from __future__ import annotations

from .registry import declare

__all__ = ["UNTESTABLE"]

_TEI = (
    '<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><fileDesc><titleStmt>'
    "<title>Cable</title></titleStmt><publicationStmt><p/></publicationStmt><sourceDesc><p/>"
    "</sourceDesc></fileDesc>{header}</teiHeader><text><body>{body}</body></text></TEI>"
)
_OAI_DC = (
    '<oai_dc:dc xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/">{}</oai_dc:dc>'
)
_OAI = (
    '<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/"><responseDate>2026-01-01T00:00:00Z'
    '</responseDate><request verb="ListRecords">https://example.org/oai</request>{}</OAI-PMH>'
)

# Found in any format.
declare(
    "unknown-element",
    "error",
    "The document holds something archmeta does not know: an unknown **Section:** before the "
    "body of a text record (the message suggests the closest known section), an unknown key "
    "in JSON (both make the document unreadable), an "
    "element of Dublin Core that is foreign or has no archmeta field (ignored by the reader: a "
    "warning unless a profile sets this rule; an error when the format's schema does not allow "
    "it either, reported once under this id).",
    '{"title": "Cable", "summery": "A cable."}',
)
declare(
    "required-field",
    "error",
    "The profile requires a field that the record leaves empty.",
    '{"title": "Cable"}',
    example_profile="dc-minimal",
)
declare(
    "value-type", "error", "A value has the wrong type (a number for text, ...).", '{"title": 3}'
)
declare(
    "value-missing",
    "error",
    "A value that its part of the record requires is missing (a date without its text).",
    '{"title": "Cable", "date": {"edtf": "1962"}}',
)
declare(
    "value-invalid",
    "error",
    "A value breaks the model's constraints (white space at either end, a blank line, ...).",
    '{"title": "Cable", "summary": " A cable."}',
)
declare(
    "encoding",
    "error",
    "The bytes are not UTF-8 (or UTF-16 with a byte-order mark).",
    "a text record saved as Latin-1, whose 'ß' is the byte 0xDF",
    "",
)
declare(
    "input-too-large",
    "error",
    "The input is larger than the size limit (--max-size).",
    "a 70 MB file checked with the default limit of 64 MB",
    "",
)
declare(
    "record-too-large",
    "error",
    "One record of a streamed container (an OAI-PMH ListRecords response, read however large "
    "the file) is larger than the size limit (--max-size), which applies to each record, holds "
    "more than 400,000 tags (about 200,000 elements), or holds a text of more than 10,000,000 "
    "bytes (the XML parser's limit for one text, reported at the line of its element): the "
    "record is skipped without being held in memory, and the next one is read.",
    "a ListRecords file whose second record holds 70 MB, converted with the default limit",
    "",
)
declare(
    "too-many-items",
    "error",
    "A list field holds more values than a record may (10,000 subjects, 1,000 languages, "
    "100,000 body paragraphs: see 'Limits' below), in every format.",
    "a JSON record with 10,001 subjects",
    "",
)
declare(
    "unreadable",
    "error",
    "The file cannot be read (permissions, a folder, a broken link).",
    "a file whose permissions do not let archmeta read it",
    "",
)
declare("format-unknown", "error", "The input's format cannot be told.", "Just some words.", "")
declare("parse", "error", "The document cannot be read.", "a document a codec could not read", "")
declare(
    "schema-invalid",
    "error",
    "The document breaks the format's published schema (XSD or RELAX NG) or a schema file.",
    _OAI_DC.format('<dc:title type="main">Cable</dc:title>'),
    "oai_dc",
)

# Plain text.
declare("text-empty", "error", "The text record is empty.", "\n", "text")
declare(
    "text-header",
    "error",
    "The header is not one or two bold lines (the date, then the title).",
    "Cable\n",
    "text",
)
declare(
    "text-duplicate-section",
    "error",
    "A section appears twice.",
    "**Cable**\n\n**Summary:**\n\nOne.\n\n**Summary:**\n\nTwo.\n",
    "text",
)
declare(
    "text-empty-section",
    "error",
    "A section header has no content paragraph after it.",
    "**Cable**\n\n**Summary:**\n",
    "text",
)
declare(
    "text-list-item",
    "error",
    "A list section holds a line that is not a '- ' item.",
    "**Cable**\n\n**Subjects:**\n\n- Korea\nJapan\n",
    "text",
)
declare(
    "text-orphan-date",
    "error",
    "A Normalized Date section without the bold date line it normalizes.",
    "**Cable**\n\n**Normalized Date:**\n\n1962\n",
    "text",
)
declare(
    "text-section-content",
    "error",
    "A one-line section (Identifier, Type, ...) holds several lines.",
    "**Cable**\n\n**Type:**\n\nLetter\nCable\n",
    "text",
)
declare(
    "text-heading-near-miss",
    "error",
    "Before the body, a paragraph that looks like a known section heading but is not written "
    "`**Name:**` on a line of its own (`**Summary**:`, `Summary:`, `## Summary`, `__Summary:__`, "
    "`**Citation**`, `**Summary:** text` on one line, a heading with its text under it and no "
    "blank line, `**Original language:**`): read literally, the section's text would become "
    "body text. The message names the heading meant.",
    "**Cable**\n\n**Summary**:\n\nA cable.\n",
    "text",
)
declare(
    "text-heading-in-body",
    "warning",
    "A body paragraph looks like a mistyped section heading (`Summary:`, `**Sumary:**`); it is "
    "kept as body text, which loses the section if it was meant as one.",
    "**Cable**\n\nThe text.\n\n**Sumary:**\n\nA cable.\n",
    "text",
)
declare(
    "text-title-date",
    "warning",
    "The title reads as a date: most likely the date line and the title line are separated by "
    "a blank line, which makes the date the title and the title the first body paragraph.",
    "**April 30, 1962**\n\n**Cable to Moscow**\n\nThe text.\n",
    "text",
)
declare(
    "text-body-bold",
    "warning",
    "The body opens with a bold line: most likely a header line separated from the header by a "
    "blank line.",
    "**April 30, 1962**\n\n**Cable to Moscow**\n\nThe text.\n",
    "text",
)
declare(
    "text-contents-item",
    "warning",
    "A `- ` line after the Contents list was read as a Contents entry but does not look like one "
    "(a few words naming a version of the document, such as 'English Translation' or "
    "'Original Scan'): the body probably begins with a list and needs its `\\` escape.",
    "**Cable**\n\n**Contents:**\n\n- English Translation\n\n- Kim to Moscow, 12 May 1962\n",
    "text",
)
declare(
    "text-syntax",
    "error",
    "The text layout cannot be read here.",
    "a text record the reader cannot follow",
    "",
)

# JSON.
declare("json-syntax", "error", "The document is not well-formed JSON.", '{"title": ', "json")
declare(
    "json-duplicate-key",
    "error",
    "A key appears twice in one object (JSON readers disagree on which value wins).",
    '{"title": "A", "title": "B"}',
)

# XML (TEI and Dublin Core).
declare("xml-syntax", "error", "The document is not well-formed XML.", "<dc><title>", "oai_dc")
declare(
    "xml-entity",
    "error",
    "The document declares entities (refused: entity expansion attacks).",
    '<!DOCTYPE dc [<!ENTITY a "b">]><dc xmlns:dc="http://purl.org/dc/elements/1.1/">'
    "<dc:title>&a;</dc:title></dc>",
    "oai_dc",
)
declare(
    "xml-external-dtd",
    "error",
    "The document names an external DTD (refused: archmeta never fetches one).",
    '<!DOCTYPE dc SYSTEM "http://example.org/dc.dtd"><dc '
    'xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>Cable</dc:title></dc>',
    "oai_dc",
)
declare(
    "tei-structure",
    "error",
    "The document is not a TEI P5 document (another root, a teiCorpus without TEI).",
    '<text xmlns="http://www.tei-c.org/ns/1.0"/>',
    "tei",
)
declare(
    "tei-too-many-elements",
    "error",
    "The TEI document has more elements than archmeta reads (200,000: far beyond any record).",
    "a TEI document of 250,000 empty <p/> elements (1 MB)",
    "",
)
declare(
    "tei-skipped",
    "warning",
    "A TEI element has no place in the record and was not read.",
    _TEI.format(header="", body="<p>Text<note>A note.</note></p>"),
    "tei",
)
declare(
    "tei-flattened",
    "info",
    "A TEI element was read as its text (its markup is not kept).",
    _TEI.format(header="", body="<p>Sent to <stamp>Kim</stamp>.</p>"),
    "tei",
)
declare(
    "tei-date",
    "warning",
    "A TEI date attribute is not a valid date and was ignored.",
    _TEI.format(
        header='<profileDesc><creation><date when="1962-13">Spring</date></creation></profileDesc>',
        body="<p>Text.</p>",
    ),
    "tei",
)
declare(
    "dc-extra-value",
    "warning",
    "A Dublin Core element that maps to a one-value field is repeated; the extra is ignored.",
    _OAI_DC.format(
        "<dc:title>Cable</dc:title><dc:publisher>A</dc:publisher><dc:publisher>B</dc:publisher>"
    ),
    "oai_dc",
)
declare(
    "dc-extra-date",
    "warning",
    "More than one date; the record keeps one.",
    _OAI_DC.format("<dc:title>Cable</dc:title><dc:date>1962</dc:date><dc:date>1963</dc:date>"),
    "oai_dc",
)
declare(
    "dc-mixed-content",
    "warning",
    "A Dublin Core element holds child elements; read as its text.",
    _OAI_DC.format("<dc:title>Cable <dc:x>to Kim</dc:x></dc:title>"),
    "oai_dc",
)
declare(
    "dc-not-oai_dc",
    "warning",
    "An oai_dc record holds an element outside the 15 it allows; read anyway.",
    _OAI_DC.format(
        '<dc:title>Cable</dc:title><dcterms:abstract xmlns:dcterms="http://purl.org/dc/terms/">'
        "A cable.</dcterms:abstract>"
    ),
    "oai_dc",
)
declare(
    "dc-no-record",
    "error",
    "An OAI-PMH response holds no record metadata.",
    _OAI.replace("ListRecords", "Identify").format("<Identify/>"),
    "oai_dc",
)
declare(
    "dc-several-records",
    "warning",
    "An OAI-PMH response read as one record holds several; only the first was read.",
    "a ListRecords response read with archmeta.formats.dc.read instead of iter_records",
    "",
)
declare(
    "oai-header",
    "warning",
    "An OAI-PMH record's header has an identifier or datestamp the record cannot keep as its "
    "provenance (a datestamp that is not YYYY-MM-DD or YYYY-MM-DDThh:mm:ssZ).",
    _OAI.format(
        "<ListRecords><record><header><identifier>oai:x:1</identifier>"
        "<datestamp>yesterday</datestamp></header><metadata><oai_dc:dc "
        'xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>Cable</dc:title></oai_dc:dc>'
        "</metadata></record></ListRecords>"
    ),
    "oai_dc",
)
declare(
    "oai-error",
    "error",
    "The OAI-PMH response is an error other than noRecordsMatch.",
    _OAI.format('<error code="badArgument">bad</error>'),
    "oai_dc",
)
declare(
    "oai-no-header",
    "error",
    "An OAI-PMH record has no header.",
    _OAI.format("<ListRecords><record/></ListRecords>"),
    "oai_dc",
)
declare(
    "oai-no-metadata",
    "error",
    "An OAI-PMH record has no metadata (and is not deleted).",
    _OAI.format(
        "<ListRecords><record><header><identifier>oai:x:1</identifier>"
        "<datestamp>2026-01-01</datestamp></header></record></ListRecords>"
    ),
    "oai_dc",
)
declare(
    "oai-not-dublin-core",
    "error",
    "An OAI-PMH record's metadata is not Dublin Core.",
    _OAI.format(
        "<ListRecords><record><header><identifier>oai:x:1</identifier>"
        "<datestamp>2026-01-01</datestamp></header><metadata><mods "
        'xmlns="http://www.loc.gov/mods/v3"/></metadata></record></ListRecords>'
    ),
    "oai_dc",
)

# Conversion (archmeta convert, batches): problems of writing, not of the record.
declare(
    "dropped",
    "warning",
    "Converting the record loses something: the target format cannot hold these fields as the "
    "record has them (--strict refuses such records instead of writing them).",
    "converting examples/wilson-118189.txt to oai_dc, which has no place for the body",
    "",
)
declare(
    "write-failed",
    "error",
    "An output could not be written (no space left, no permission, a closed pipe).",
    "converting into a folder on a full disk",
    "",
)
declare(
    "output-conflict",
    "error",
    "Two inputs would be written to the same output; neither is written over the other.",
    "cable.txt and cable.json in one folder, both converted to cable.tei.xml",
    "",
)
declare(
    "usage",
    "error",
    "An input of a batch cannot be converted as asked (its output would overwrite it, ...).",
    "a batch whose output folder holds one of its inputs under the output's name",
    "",
)
declare(
    "timeout",
    "error",
    "A record took longer than the time limit (--timeout); the rest of the batch goes on.",
    "a record whose reading takes minutes, converted with --timeout 10",
    "",
)
declare(
    "worker-died",
    "error",
    "The worker converting or checking these records died (killed, out of memory) twice.",
    "a batch whose worker the out-of-memory killer ends, on its retry too",
    "",
)
declare(
    "internal-error",
    "error",
    "archmeta failed on this input (a bug: please report it with the input).",
    "an input that makes a codec raise an unexpected exception",
    "",
)

# Packages (archmeta export): a value the package format cannot carry as it is.
declare(
    "omeka-unsafe-value",
    "error",
    "A value cannot go into an Omeka S CSV Import file as it is: it holds the multivalue "
    "separator '|' in a column of several values (CSV Import has no escape for it), or a "
    "backslash before a double quote or at its end (PHP's CSV escape character).",
    "archmeta export --to omeka-csv of a record whose subject is 'Korea|Japan'",
    "",
)

#: Rules whose example is prose: a string cannot show the problem (bytes, files, sizes).
UNTESTABLE = frozenset(
    {
        "encoding",
        "input-too-large",
        "record-too-large",
        "too-many-items",
        "unreadable",
        "parse",
        "text-syntax",
        "dc-several-records",
        "write-failed",
        "output-conflict",
        "usage",
        "internal-error",
        "timeout",
        "worker-died",
        "dropped",
        "omeka-unsafe-value",
        "tei-too-many-elements",
    }
)
