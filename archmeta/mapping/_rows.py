"""The rows of the mapping table: every model field, in model order, in every built-in format.

Cells are keyword-built so that each says what it is; ``None`` is a format that cannot hold the
field. The Dublin Core ``order`` numbers give the written order of each flavour (oai_dc follows
its schema's element sequence, DCMI terms the same with each refinement after its element); the
text ``order`` numbers give the order of the sections.
"""

from __future__ import annotations

from ._cells import DCTERMS, OAI_DC, TEI, TEXT, Column, DcCell, FieldRow, TeiCell, TextCell

COLUMNS: tuple[Column, ...] = (
    Column(TEXT, "plain text"),
    Column(TEI, "TEI P5"),
    Column(OAI_DC, "oai_dc"),
    Column(DCTERMS, "DCMI terms"),
)

# DCMI terms refinements read into a field besides the element written (DCMI's 2008 terms).
_DATE_REFINEMENTS = (
    "issued",
    "available",
    "modified",
    "valid",
    "dateAccepted",
    "dateCopyrighted",
    "dateSubmitted",
)
_RELATION_REFINEMENTS = (
    "isVersionOf",
    "hasVersion",
    "isReplacedBy",
    "replaces",
    "isRequiredBy",
    "requires",
    "hasPart",
    "isReferencedBy",
    "references",
    "isFormatOf",
    "hasFormat",
    "conformsTo",
)

_DC_LOST_ROLE = "read back as contributors"

ROWS: tuple[FieldRow, ...] = (
    FieldRow(
        "identifier",
        "The archive's own id; TEI `idno` is the home of identifiers of the publication.",
        {
            TEXT: TextCell("section `Identifier`", kind="line", section="Identifier", order=6),
            TEI: TeiCell(
                "`publicationStmt/idno[@type='archmeta']`",
                path="teiHeader/fileDesc/publicationStmt/idno[@type='archmeta']",
            ),
            OAI_DC: DcCell("dc:identifier", element="identifier", order=12),
            DCTERMS: DcCell("dcterms:identifier", element="identifier", order=13),
        },
    ),
    FieldRow(
        "url",
        "The Digital Archive prints the URL under the citation.",
        {
            TEXT: TextCell("last line of `Citation`, as `<url>`", kind="url-line"),
            TEI: TeiCell(
                "`publicationStmt/idno[@type='URI']`",
                path="teiHeader/fileDesc/publicationStmt/idno[@type='URI']",
            ),
            OAI_DC: DcCell(
                "dc:identifier (on reading, the first `http(s)` one)",
                element="identifier",
                order=13,
            ),
            DCTERMS: DcCell(
                'dcterms:identifier (`xsi:type="dcterms:URI"`)',
                element="identifier",
                xsi_types=("dcterms:URI",),
                order=14,
            ),
        },
    ),
    FieldRow(
        "date",
        "The text as written is kept; the EDTF value drives machine-readable attributes. In TEI "
        "`@when-custom` keeps the EDTF value exactly, since the W3C bounds alone cannot tell "
        "'1962~' from '1962'.",
        {
            TEXT: TextCell(
                "first bold line; section `Normalized Date` only when the EDTF value is not "
                "what the text normalizes to",
                kind="line",
                section="Normalized Date",
                order=5,
                derived=True,
            ),
            TEI: TeiCell(
                "`profileDesc/creation/date`: the text as content; `@when` for a plain W3C date "
                "(1962, 1962-04, 1962-04-30), otherwise `@when-custom` (the EDTF value, "
                "`@datingMethod` naming EDTF) with `@notBefore`/`@notAfter` and `@cert` "
                "(`medium` for ~, `low` for ? and %)",
                path="teiHeader/profileDesc/creation/date",
            ),
            OAI_DC: DcCell(
                "dc:date: the normalised value first (W3CDTF for a plain year, month or day, the "
                "EDTF string otherwise), then a second dc:date with the date as written when it "
                "differs and is not itself a date value; a lone date as written has its EDTF "
                "value recomputed on reading",
                element="date",
                order=9,
            ),
            DCTERMS: DcCell(
                'dcterms:created (the text) and dcterms:created `xsi:type="dcterms:W3CDTF"` '
                "(the EDTF value, when W3CDTF can carry it)",
                element="created",
                xsi_types=("dcterms:W3CDTF",),
                refinements=_DATE_REFINEMENTS,
                order=10,
            ),
        },
    ),
    FieldRow(
        "title",
        "Required in every format.",
        {
            TEXT: TextCell("second bold line", kind="bold-line"),
            TEI: TeiCell(
                "`titleStmt/title` (without `@type`)",
                path="teiHeader/fileDesc/titleStmt/title[not(@type)]",
            ),
            OAI_DC: DcCell("dc:title", element="title", order=0),
            DCTERMS: DcCell("dcterms:title", element="title", order=0),
        },
    ),
    FieldRow(
        "alternative_titles",
        "",
        {
            TEXT: TextCell(
                "section `Alternative Titles` (`- ` items)",
                kind="dash-list",
                section="Alternative Titles",
                order=8,
            ),
            TEI: TeiCell(
                "`titleStmt/title[@type='alt']`",
                path="teiHeader/fileDesc/titleStmt/title[@type='alt']",
            ),
            OAI_DC: DcCell("dc:title (after the first)", element="title", order=1),
            DCTERMS: DcCell("dcterms:alternative", element="alternative", order=1),
        },
    ),
    FieldRow(
        "type",
        "The kind of document (Cable, Letter).",
        {
            TEXT: TextCell("section `Type`", kind="line", section="Type", order=7),
            TEI: TeiCell(
                "`profileDesc/textClass/keywords/term[@type='genre']`",
                path="teiHeader/profileDesc/textClass/keywords/term[@type='genre']",
            ),
            OAI_DC: DcCell("dc:type", element="type", order=10),
            DCTERMS: DcCell(
                'dcterms:type (`xsi:type="dcterms:DCMIType"` for a DCMI Type term)',
                element="type",
                xsi_types=("dcterms:DCMIType",),
                order=11,
            ),
        },
    ),
    FieldRow(
        "citation",
        "Verbatim; oai_dc has no element for a citation.",
        {
            TEXT: TextCell(
                "section `Citation` (all lines but the `<url>` line)",
                kind="paragraph",
                section="Citation",
                order=0,
            ),
            TEI: TeiCell(
                "`sourceDesc/bibl[@type='citation']` (line breaks as `lb`)",
                path="teiHeader/fileDesc/sourceDesc/bibl[@type='citation']",
            ),
            OAI_DC: None,
            DCTERMS: DcCell(
                "dcterms:bibliographicCitation", element="bibliographicCitation", order=16
            ),
        },
    ),
    FieldRow(
        "publisher",
        "",
        {
            TEXT: TextCell(
                "derived from `Citation`; section `Publisher` only when it differs",
                kind="line",
                section="Publisher",
                order=9,
                derived=True,
            ),
            TEI: TeiCell(
                "`publicationStmt/publisher` (an empty `authority` when there is none)",
                path="teiHeader/fileDesc/publicationStmt/publisher",
            ),
            OAI_DC: DcCell("dc:publisher", element="publisher", order=6),
            DCTERMS: DcCell("dcterms:publisher", element="publisher", order=7),
        },
    ),
    FieldRow(
        "source",
        "The archival reference of the original. TEI: the `bibl` describing the original, since "
        "`msDesc` would demand a repository and location the record does not hold.",
        {
            TEXT: TextCell(
                "derived from `Citation`; section `Source` only when it differs",
                kind="line",
                section="Source",
                order=10,
                derived=True,
            ),
            TEI: TeiCell(
                "`sourceDesc/bibl[@type='original']/idno[@type='archival']` (read from "
                "`msIdentifier` too)",
                path="teiHeader/fileDesc/sourceDesc/bibl[@type='original']/idno[@type='archival']",
            ),
            OAI_DC: DcCell("dc:source", element="source", order=15),
            DCTERMS: DcCell("dcterms:source", element="source", order=17),
        },
    ),
    FieldRow(
        "translators",
        "In Dublin Core the translator's role is lost.",
        {
            TEXT: TextCell(
                "derived from `Citation`; section `Translators` only when they differ",
                kind="dash-list",
                section="Translators",
                order=11,
                derived=True,
            ),
            TEI: TeiCell(
                "`titleStmt/respStmt` (`resp[@key='trl']` 'Translated by', one `name`), one per "
                "translator",
                path="teiHeader/fileDesc/titleStmt/respStmt[resp/@key='trl']/name",
            ),
            OAI_DC: DcCell(
                f"dc:contributor ({_DC_LOST_ROLE})",
                element="contributor",
                order=8,
                read_back_as="contributors",
            ),
            DCTERMS: DcCell(
                f"dcterms:contributor ({_DC_LOST_ROLE})",
                element="contributor",
                order=9,
                read_back_as="contributors",
            ),
        },
    ),
    FieldRow(
        "summary",
        "",
        {
            TEXT: TextCell("section `Summary`", kind="paragraph", section="Summary", order=1),
            TEI: TeiCell("`profileDesc/abstract/p`", path="teiHeader/profileDesc/abstract/p"),
            OAI_DC: DcCell("dc:description (the first)", element="description", order=4),
            DCTERMS: DcCell("dcterms:abstract", element="abstract", order=4),
        },
    ),
    FieldRow(
        "notes",
        "",
        {
            TEXT: TextCell(
                "section `Notes` (`- ` items)", kind="dash-list", section="Notes", order=18
            ),
            TEI: TeiCell(
                "`notesStmt/note` (without `@type`)",
                path="teiHeader/fileDesc/notesStmt/note[not(@type)]",
            ),
            OAI_DC: DcCell("dc:description (after the summary)", element="description", order=5),
            DCTERMS: DcCell("dcterms:description", element="description", order=5),
        },
    ),
    FieldRow(
        "credits",
        "Verbatim credits statement; Dublin Core has no element for it. TEI has none either, so "
        "it is a typed note; the funders it names are also `funder`.",
        {
            TEXT: TextCell("section `Credits`", kind="paragraph", section="Credits", order=2),
            TEI: TeiCell(
                "`notesStmt/note[@type='credits']`",
                path="teiHeader/fileDesc/notesStmt/note[@type='credits']",
            ),
            OAI_DC: None,
            DCTERMS: None,
        },
    ),
    FieldRow(
        "funders",
        "Dublin Core has no funder element.",
        {
            TEXT: TextCell(
                "derived from `Credits`; section `Funders` only when they differ",
                kind="dash-list",
                section="Funders",
                order=12,
                derived=True,
            ),
            TEI: TeiCell("`titleStmt/funder`", path="teiHeader/fileDesc/titleStmt/funder"),
            OAI_DC: None,
            DCTERMS: None,
        },
    ),
    FieldRow(
        "original_languages",
        "Languages of the original; Dublin Core's language is the resource's.",
        {
            TEXT: TextCell(
                "section `Original Language`",
                kind="languages",
                section="Original Language",
                order=3,
            ),
            TEI: TeiCell(
                "`sourceDesc/bibl[@type='original']/textLang` (`@mainLang` = code)",
                path="teiHeader/fileDesc/sourceDesc/bibl[@type='original']/textLang",
            ),
            OAI_DC: None,
            DCTERMS: None,
        },
    ),
    FieldRow(
        "languages",
        "",
        {
            TEXT: TextCell("section `Language`", kind="languages", section="Language", order=13),
            TEI: TeiCell(
                "`profileDesc/langUsage/language` (`@ident` = code, empty when unknown)",
                path="teiHeader/profileDesc/langUsage/language",
            ),
            OAI_DC: DcCell(
                "dc:language (the name when it resolves to the code, else the code)",
                element="language",
                order=16,
            ),
            DCTERMS: DcCell(
                'dcterms:language (the code, `xsi:type="dcterms:RFC4646"`; else the name)',
                element="language",
                xsi_types=("dcterms:RFC4646",),
                order=18,
            ),
        },
    ),
    FieldRow(
        "contents",
        "What the archive holds for the document; oai_dc has no element for it, DCMI terms "
        "write it as `tableOfContents`.",
        {
            TEXT: TextCell(
                "section `Contents` (`- ` items)", kind="dash-list", section="Contents", order=4
            ),
            TEI: TeiCell(
                "`notesStmt/note[@type='contents']`",
                path="teiHeader/fileDesc/notesStmt/note[@type='contents']",
            ),
            OAI_DC: None,
            DCTERMS: DcCell("dcterms:tableOfContents", element="tableOfContents", order=6),
        },
    ),
    FieldRow(
        "creators",
        "",
        {
            TEXT: TextCell(
                "section `Creators` (`- ` items)", kind="dash-list", section="Creators", order=14
            ),
            TEI: TeiCell(
                "`sourceDesc/bibl[@type='original']/author` (read from `titleStmt/author` and "
                "the sender in `correspDesc` too)",
                path="teiHeader/fileDesc/sourceDesc/bibl[@type='original']/author",
            ),
            OAI_DC: DcCell("dc:creator", element="creator", order=2),
            DCTERMS: DcCell("dcterms:creator", element="creator", order=2),
        },
    ),
    FieldRow(
        "contributors",
        "",
        {
            TEXT: TextCell(
                "section `Contributors` (`- ` items)",
                kind="dash-list",
                section="Contributors",
                order=15,
            ),
            TEI: TeiCell(
                "`titleStmt/respStmt` (`resp[@key='ctb']` 'Contributor', one `name`); read from "
                "`editor`, `sponsor` and any other `respStmt`",
                path="teiHeader/fileDesc/titleStmt/respStmt[resp/@key='ctb']/name",
            ),
            OAI_DC: DcCell("dc:contributor", element="contributor", order=7),
            DCTERMS: DcCell("dcterms:contributor", element="contributor", order=8),
        },
    ),
    FieldRow(
        "subjects",
        "",
        {
            TEXT: TextCell(
                "section `Subjects` (`- ` items)", kind="dash-list", section="Subjects", order=16
            ),
            TEI: TeiCell(
                "`textClass/keywords/term` (without `@type`)",
                path="teiHeader/profileDesc/textClass/keywords/term[not(@type)]",
            ),
            OAI_DC: DcCell("dc:subject", element="subject", order=3),
            DCTERMS: DcCell("dcterms:subject", element="subject", order=3),
        },
    ),
    FieldRow(
        "places",
        "",
        {
            TEXT: TextCell(
                "section `Places` (`- ` items)", kind="dash-list", section="Places", order=17
            ),
            TEI: TeiCell(
                "`textClass/keywords/term[@type='place']/placeName`",
                path="teiHeader/profileDesc/textClass/keywords/term[@type='place']/placeName",
            ),
            OAI_DC: DcCell("dc:coverage", element="coverage", order=19),
            DCTERMS: DcCell("dcterms:spatial", element="spatial", order=21),
        },
    ),
    FieldRow(
        "rights",
        "",
        {
            TEXT: TextCell("section `Rights`", kind="paragraph", section="Rights", order=19),
            TEI: TeiCell(
                "`publicationStmt/availability/p`",
                path="teiHeader/fileDesc/publicationStmt/availability/p",
            ),
            OAI_DC: DcCell("dc:rights", element="rights", order=20),
            DCTERMS: DcCell(
                "dcterms:rights",
                element="rights",
                refinements=("accessRights", "license"),
                order=22,
            ),
        },
    ),
    FieldRow(
        "relations",
        "",
        {
            TEXT: TextCell(
                "section `Relations` (`- ` items)", kind="dash-list", section="Relations", order=20
            ),
            TEI: TeiCell(
                "`notesStmt/relatedItem/bibl`",
                path="teiHeader/fileDesc/notesStmt/relatedItem/bibl",
            ),
            OAI_DC: DcCell("dc:relation", element="relation", order=17),
            DCTERMS: DcCell(
                "dcterms:relation",
                element="relation",
                refinements=_RELATION_REFINEMENTS,
                order=19,
            ),
        },
    ),
    FieldRow(
        "collections",
        "",
        {
            TEXT: TextCell(
                "section `Collections` (`- ` items)",
                kind="dash-list",
                section="Collections",
                order=21,
            ),
            TEI: TeiCell(
                "`seriesStmt/title` (one `seriesStmt` each)",
                path="teiHeader/fileDesc/seriesStmt/title",
            ),
            OAI_DC: DcCell(
                "dc:relation (read back as relations)",
                element="relation",
                order=18,
                read_back_as="relations",
            ),
            DCTERMS: DcCell("dcterms:isPartOf", element="isPartOf", order=20),
        },
    ),
    FieldRow(
        "identifiers",
        "",
        {
            TEXT: TextCell(
                "section `Identifiers` (`- ` items)",
                kind="dash-list",
                section="Identifiers",
                order=22,
            ),
            TEI: TeiCell(
                "`publicationStmt/idno` (without `@type`)",
                path="teiHeader/fileDesc/publicationStmt/idno[not(@type)]",
            ),
            OAI_DC: DcCell(
                "dc:identifier (after the record's own; the first becomes `identifier` when that "
                "is empty)",
                element="identifier",
                order=14,
            ),
            DCTERMS: DcCell(
                "dcterms:identifier (after the record's own; the first becomes `identifier` when "
                "that is empty)",
                element="identifier",
                order=15,
            ),
        },
    ),
    FieldRow(
        "formats",
        "",
        {
            TEXT: TextCell(
                "section `Formats` (`- ` items)", kind="dash-list", section="Formats", order=23
            ),
            TEI: TeiCell(
                "`sourceDesc/bibl[@type='original']/extent`",
                path="teiHeader/fileDesc/sourceDesc/bibl[@type='original']/extent",
            ),
            OAI_DC: DcCell("dc:format", element="format", order=11),
            DCTERMS: DcCell(
                "dcterms:format", element="format", refinements=("extent", "medium"), order=12
            ),
        },
    ),
    FieldRow(
        "body",
        "The text itself does not survive Dublin Core.",
        {
            TEXT: TextCell("paragraphs after the sections", kind="body"),
            TEI: TeiCell(
                "`text/body/div/p`, one per paragraph, line breaks as `lb`; `[...]` -> "
                "`gap[@reason='editorial']`, `[illegible]` -> `gap[@reason='illegible']` (the "
                "mark as written in `@rend`), `[X]` -> `supplied`, `word [sic]` -> `sic[@rend]` "
                "around the word",
                path="text/body/div/p",
            ),
            OAI_DC: None,
            DCTERMS: None,
        },
    ),
    FieldRow(
        "provenance",
        "Where a harvested record came from. Dublin Core has no element for an OAI-PMH header "
        "(in an OAI-PMH response the header itself is its place); the plain-text layout has no "
        "section for it. Both report it as dropped.",
        {
            TEXT: None,
            TEI: TeiCell(
                "`sourceDesc/bibl[@type='oai-pmh']`: `idno[@type='oai']` (the identifier), "
                "`date[@type='datestamp']/@when`, `idno[@type='setSpec']` (one per set) and "
                "`ptr/@target` (the base URL)",
                path="teiHeader/fileDesc/sourceDesc/bibl[@type='oai-pmh']",
            ),
            OAI_DC: None,
            DCTERMS: None,
        },
    ),
)
