"""The field mapping between formats, in one place.

Every format module takes its names from here, and ``docs/crosswalk.md`` is generated from
this table (a test fails when the document drifts). Each row is one model field: its JSON key,
its place in the plain-text layout, in TEI P5, in ``oai_dc`` and in DCMI terms, and why.
``None`` in a Dublin Core column means the field does not survive that flavour.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["CROSSWALK", "TEXT_SECTIONS", "FieldMapping", "render_markdown"]


@dataclass(frozen=True)
class FieldMapping:
    """Where one model field lives in each format."""

    field: str
    text: str
    tei: str
    oai_dc: str | None
    dcterms: str | None
    why: str


CROSSWALK: tuple[FieldMapping, ...] = (
    FieldMapping(
        "identifier",
        "section `Identifier`",
        "`publicationStmt/idno[@type='archmeta']`",
        "dc:identifier",
        "dcterms:identifier",
        "The archive's own id; TEI `idno` is the home of identifiers of the publication.",
    ),
    FieldMapping(
        "url",
        "last line of `Citation`, as `<url>`",
        "`publicationStmt/idno[@type='URI']`",
        "dc:identifier (on reading, the first `http(s)` one)",
        'dcterms:identifier (`xsi:type="dcterms:URI"`)',
        "The Digital Archive prints the URL under the citation.",
    ),
    FieldMapping(
        "date",
        "first bold line; section `Normalized Date` only when the EDTF value is not "
        "what the text normalizes to",
        "`profileDesc/creation/date`: the text as content; `@when` for a plain W3C date (1962, "
        "1962-04, 1962-04-30), otherwise `@when-custom` (the EDTF value, `@datingMethod` naming "
        "EDTF) with `@notBefore`/`@notAfter` and `@cert` (`medium` for ~, `low` for ? and %)",
        "dc:date (the text; EDTF recomputed from it on reading)",
        'dcterms:created (the text) and dcterms:created `xsi:type="dcterms:W3CDTF"` (the EDTF '
        "value, when W3CDTF can carry it)",
        "The text as written is kept; the EDTF value drives machine-readable attributes. In TEI "
        "`@when-custom` keeps the EDTF value exactly, since the W3C bounds alone cannot tell "
        "'1962~' from '1962'.",
    ),
    FieldMapping(
        "title",
        "second bold line",
        "`titleStmt/title` (without `@type`)",
        "dc:title",
        "dcterms:title",
        "Required in every format.",
    ),
    FieldMapping(
        "alternative_titles",
        "section `Alternative Titles` (`- ` items)",
        "`titleStmt/title[@type='alt']`",
        "dc:title (after the first)",
        "dcterms:alternative",
        "",
    ),
    FieldMapping(
        "type",
        "section `Type`",
        "`profileDesc/textClass/keywords/term[@type='genre']`",
        "dc:type",
        'dcterms:type (`xsi:type="dcterms:DCMIType"` for a DCMI Type term)',
        "The kind of document (Cable, Letter).",
    ),
    FieldMapping(
        "citation",
        "section `Citation` (all lines but the `<url>` line)",
        "`sourceDesc/bibl[@type='citation']` (line breaks as `lb`)",
        None,
        "dcterms:bibliographicCitation",
        "Verbatim; oai_dc has no element for a citation.",
    ),
    FieldMapping(
        "publisher",
        "derived from `Citation`; section `Publisher` only when it differs",
        "`publicationStmt/publisher` (an empty `authority` when there is none)",
        "dc:publisher",
        "dcterms:publisher",
        "",
    ),
    FieldMapping(
        "source",
        "derived from `Citation`; section `Source` only when it differs",
        "`sourceDesc/bibl[@type='original']/idno[@type='archival']` (read from `msIdentifier` too)",
        "dc:source",
        "dcterms:source",
        "The archival reference of the original. TEI: the `bibl` describing the original, since "
        "`msDesc` would demand a repository and location the record does not hold.",
    ),
    FieldMapping(
        "translators",
        "derived from `Citation`; section `Translators` only when they differ",
        "`titleStmt/respStmt` (`resp[@key='trl']` 'Translated by', one `name`), one per translator",
        "dc:contributor (read back as contributors)",
        "dcterms:contributor (read back as contributors)",
        "In Dublin Core the translator's role is lost.",
    ),
    FieldMapping(
        "summary",
        "section `Summary`",
        "`profileDesc/abstract/p`",
        "dc:description (the first)",
        "dcterms:abstract",
        "",
    ),
    FieldMapping(
        "notes",
        "section `Notes` (`- ` items)",
        "`notesStmt/note` (without `@type`)",
        "dc:description (after the summary)",
        "dcterms:description",
        "",
    ),
    FieldMapping(
        "credits",
        "section `Credits`",
        "`notesStmt/note[@type='credits']`",
        None,
        None,
        "Verbatim credits statement; Dublin Core has no element for it. TEI has none either, so "
        "it is a typed note; the funders it names are also `funder`.",
    ),
    FieldMapping(
        "funders",
        "derived from `Credits`; section `Funders` only when they differ",
        "`titleStmt/funder`",
        None,
        None,
        "Dublin Core has no funder element.",
    ),
    FieldMapping(
        "original_languages",
        "section `Original Language`",
        "`sourceDesc/bibl[@type='original']/textLang` (`@mainLang` = code)",
        None,
        None,
        "Languages of the original; Dublin Core's language is the resource's.",
    ),
    FieldMapping(
        "languages",
        "section `Language`",
        "`profileDesc/langUsage/language` (`@ident` = code, empty when unknown)",
        "dc:language (the name when it resolves to the code, else the code)",
        'dcterms:language (the code, `xsi:type="dcterms:RFC4646"`; else the name)',
        "",
    ),
    FieldMapping(
        "contents",
        "section `Contents` (`- ` items)",
        "`notesStmt/note[@type='contents']`",
        None,
        "dcterms:tableOfContents",
        "What the archive holds for the document; oai_dc has no element for it, DCMI terms "
        "write it as `tableOfContents`.",
    ),
    FieldMapping(
        "creators",
        "section `Creators` (`- ` items)",
        "`sourceDesc/bibl[@type='original']/author` (read from `titleStmt/author` and the sender "
        "in `correspDesc` too)",
        "dc:creator",
        "dcterms:creator",
        "",
    ),
    FieldMapping(
        "contributors",
        "section `Contributors` (`- ` items)",
        "`titleStmt/respStmt` (`resp[@key='ctb']` 'Contributor', one `name`); read from `editor`, "
        "`sponsor` and any other `respStmt`",
        "dc:contributor",
        "dcterms:contributor",
        "",
    ),
    FieldMapping(
        "subjects",
        "section `Subjects` (`- ` items)",
        "`textClass/keywords/term` (without `@type`)",
        "dc:subject",
        "dcterms:subject",
        "",
    ),
    FieldMapping(
        "places",
        "section `Places` (`- ` items)",
        "`textClass/keywords/term[@type='place']/placeName`",
        "dc:coverage",
        "dcterms:spatial",
        "",
    ),
    FieldMapping(
        "rights",
        "section `Rights`",
        "`publicationStmt/availability/p`",
        "dc:rights",
        "dcterms:rights",
        "",
    ),
    FieldMapping(
        "relations",
        "section `Relations` (`- ` items)",
        "`notesStmt/relatedItem/bibl`",
        "dc:relation",
        "dcterms:relation",
        "",
    ),
    FieldMapping(
        "collections",
        "section `Collections` (`- ` items)",
        "`seriesStmt/title` (one `seriesStmt` each)",
        "dc:relation (read back as relations)",
        "dcterms:isPartOf",
        "",
    ),
    FieldMapping(
        "identifiers",
        "section `Identifiers` (`- ` items)",
        "`publicationStmt/idno` (without `@type`)",
        "dc:identifier (after the record's own; the first becomes `identifier` when that is empty)",
        "dcterms:identifier (after the record's own; the first becomes `identifier` when that "
        "is empty)",
        "",
    ),
    FieldMapping(
        "formats",
        "section `Formats` (`- ` items)",
        "`sourceDesc/bibl[@type='original']/extent`",
        "dc:format",
        "dcterms:format",
        "",
    ),
    FieldMapping(
        "body",
        "paragraphs after the sections",
        "`text/body/div/p`, one per paragraph, line breaks as `lb`; `[...]` -> "
        "`gap[@reason='editorial']`, `[illegible]` -> `gap[@reason='illegible']` (the mark as "
        "written in `@rend`), `[X]` -> `supplied`, `word [sic]` -> `sic[@rend]` around the word",
        None,
        None,
        "The text itself does not survive Dublin Core.",
    ),
)

# The plain-text layout's sections, in canonical (written) order: section name -> field.
TEXT_SECTIONS: dict[str, str] = {
    "Citation": "citation",
    "Summary": "summary",
    "Credits": "credits",
    "Original Language": "original_languages",
    "Contents": "contents",
    "Normalized Date": "date",
    "Identifier": "identifier",
    "Type": "type",
    "Alternative Titles": "alternative_titles",
    "Publisher": "publisher",
    "Source": "source",
    "Translators": "translators",
    "Funders": "funders",
    "Language": "languages",
    "Creators": "creators",
    "Contributors": "contributors",
    "Subjects": "subjects",
    "Places": "places",
    "Notes": "notes",
    "Rights": "rights",
    "Relations": "relations",
    "Collections": "collections",
    "Identifiers": "identifiers",
    "Formats": "formats",
}


def render_markdown() -> str:
    """The crosswalk table as Markdown (the body of ``docs/crosswalk.md``)."""
    rows = [
        "| field (JSON key) | plain text | TEI P5 | oai_dc | DCMI terms | why |",
        "|---|---|---|---|---|---|",
    ]
    for m in CROSSWALK:
        rows.append(
            f"| `{m.field}` | {m.text} | {m.tei} | {m.oai_dc or '— (lost)'} | "
            f"{m.dcterms or '— (lost)'} | {m.why} |"
        )
    return "\n".join(rows) + "\n"
