"""The columns of the repository packages: DSpace Simple Archive Format and Omeka S CSV Import.

Both packages store a record as flat (field name, value) pairs, so one cell type serves both:
:class:`PackageCell` names the keys a field is written to (``dc.description.abstract`` in
DSpace's ``schema.element.qualifier`` form, ``dcterms:abstract`` as an Omeka S term). The
names come from DSpace's default ``dc`` and ``dcterms`` registries and from the vocabularies
Omeka S installs (Dublin Core Terms and BIBO), so that both importers accept the package
without any field being created first.
"""

from __future__ import annotations

from dataclasses import dataclass

from ._cells import Cell, Column

SAF = "dspace-saf"
OMEKA = "omeka-csv"

PACKAGE_COLUMNS = (Column(SAF, "DSpace SAF"), Column(OMEKA, "Omeka S CSV"))


@dataclass(frozen=True)
class PackageCell(Cell):
    """A field in a flat package. ``keys[0]`` is where the value is written; for the date,
    ``keys`` is (the text's key, the EDTF value's key). ``reads`` are further keys a reader
    takes into this field (what other tools write there), ``shared`` says the key holds the
    values of another field too (the record's identifier before the other identifiers)."""

    keys: tuple[str, ...] = ()
    reads: tuple[str, ...] = ()
    shared: bool = False


def _saf(doc: str, *keys: str, reads: tuple[str, ...] = ()) -> PackageCell:
    return PackageCell(doc, keys=keys, reads=reads)


def _om(key: str, doc: str = "", *, shared: bool = False) -> PackageCell:
    return PackageCell(doc or f"`{key}`", keys=(key,), shared=shared)


#: field: (DSpace SAF cell, Omeka S cell, why)
PACKAGE_CELLS: dict[str, tuple[PackageCell | None, PackageCell | None, str]] = {
    "identifier": (
        _saf("`dc.identifier`", "dc.identifier"),
        _om("dcterms:identifier", "`dcterms:identifier` (the first value)", shared=True),
        "SAF: DSpace's own ids are `identifier.uri` (handle) and `identifier.other`; Omeka has "
        "one identifier property, so the record's own id is its first value.",
    ),
    "url": (
        _saf("`dc.identifier.uri` (the first)", "dc.identifier.uri"),
        _om("bibo:uri"),
        "SAF: a URI identifier; DSpace adds the handle's URI after it on import. Omeka: BIBO "
        "(installed by default) has `uri`.",
    ),
    "date": (
        _saf(
            "`dc.date` (the text) and `dc.date.created` (the EDTF value)",
            "dc.date",
            "dc.date.created",
            reads=("dc.date.issued",),
        ),
        PackageCell(
            "`dcterms:date` (the text) and `dcterms:created` (the EDTF value)",
            keys=("dcterms:date", "dcterms:created"),
        ),
        "The text as written where the registry allows free text, the normalised value as "
        "the creation date; `date.issued` of other packages is read when there is no `date`.",
    ),
    "title": (
        _saf("`dc.title`", "dc.title", reads=("dcterms.title",)),
        _om("dcterms:title"),
        "The one title.",
    ),
    "alternative_titles": (
        _saf("`dc.title.alternative`", "dc.title.alternative", reads=("dcterms.alternative",)),
        _om("dcterms:alternative"),
        "Both registries have an alternative title.",
    ),
    "type": (_saf("`dc.type`", "dc.type"), _om("dcterms:type"), "Free text in both."),
    "citation": (
        _saf("`dc.identifier.citation`", "dc.identifier.citation"),
        _om("dcterms:bibliographicCitation"),
        "DSpace's registry puts the bibliographic citation under `identifier`.",
    ),
    "publisher": (_saf("`dc.publisher`", "dc.publisher"), _om("dcterms:publisher"), "Direct."),
    "source": (_saf("`dc.source`", "dc.source"), _om("dcterms:source"), "Direct."),
    "translators": (
        _saf("`dc.contributor.other`", "dc.contributor.other"),
        _om("bibo:translator"),
        "DSpace has no translator qualifier: `contributor.other` keeps them apart from the "
        "other contributors (so a real package's `contributor.other` is read as translators). "
        "BIBO has `translator`.",
    ),
    "summary": (
        _saf("`dc.description.abstract`", "dc.description.abstract", reads=("dcterms.abstract",)),
        _om("dcterms:abstract"),
        "The abstract.",
    ),
    "notes": (
        _saf("`dc.description` (one value each)", "dc.description"),
        _om("dcterms:description"),
        "Unqualified descriptions.",
    ),
    "credits": (
        _saf("`dc.description.sponsorship`", "dc.description.sponsorship"),
        None,
        "SAF: DSpace's sponsorship statement. Omeka's vocabularies have no place for it.",
    ),
    "funders": (
        None,
        None,
        "No funder element in either; SAF items get them back from the record's TEI bitstream.",
    ),
    "original_languages": (
        _saf("`dcterms.language` (`metadata_dcterms.xml`)", "dcterms.language"),
        None,
        "SAF: `dc.language` holds the record's languages; the only other language element in "
        "DSpace's registries is `dcterms.language`. Omeka has one `dcterms:language` column.",
    ),
    "languages": (
        _saf("`dc.language` (`Name`, or `Name (code)`)", "dc.language", reads=("dc.language.iso",)),
        _om("dcterms:language", "`dcterms:language` (`Name`, or `Name (code)`)"),
        "The name as written, with the code in brackets when the name does not give it; a "
        "code in `language.iso` of other packages is read too.",
    ),
    "contents": (
        _saf("`dc.description.tableofcontents`", "dc.description.tableofcontents"),
        _om("dcterms:tableOfContents"),
        "What the archive holds for the document, as in DCMI terms.",
    ),
    "creators": (
        _saf("`dc.creator`", "dc.creator", reads=("dc.contributor.author",)),
        _om("dcterms:creator"),
        "`contributor.author` of DSpace's own submissions is read as a creator too.",
    ),
    "contributors": (
        _saf(
            "`dc.contributor`",
            "dc.contributor",
            reads=("dc.contributor.editor", "dc.contributor.illustrator", "dc.contributor.advisor"),
        ),
        _om("dcterms:contributor"),
        "Unqualified contributors; DSpace's other roles are read as contributors.",
    ),
    "subjects": (
        _saf(
            "`dc.subject`",
            "dc.subject",
            reads=("dc.subject.lcsh", "dc.subject.other", "dc.subject.mesh"),
        ),
        _om("dcterms:subject"),
        "Subject headings of any scheme are subjects.",
    ),
    "places": (
        _saf("`dc.coverage.spatial`", "dc.coverage.spatial"),
        _om("dcterms:spatial"),
        "DSpace has no unqualified `coverage`.",
    ),
    "rights": (_saf("`dc.rights`", "dc.rights"), _om("dcterms:rights"), "Direct."),
    "relations": (_saf("`dc.relation`", "dc.relation"), _om("dcterms:relation"), "Direct."),
    "collections": (
        _saf("`dc.relation.ispartof`", "dc.relation.ispartof"),
        _om("dcterms:isPartOf", "`dcterms:isPartOf` (and the `item_set` column)"),
        "The collections named in the record; the repository's own collection (`--collection`, "
        "an item set) is the importer's choice.",
    ),
    "identifiers": (
        _saf(
            "`dc.identifier.other`",
            "dc.identifier.other",
            reads=(
                "dc.identifier.isbn",
                "dc.identifier.issn",
                "dc.identifier.doi",
                "dc.identifier.govdoc",
                "dc.identifier.ismn",
                "dc.identifier.sici",
                "dc.identifier.scopus",
            ),
        ),
        _om("dcterms:identifier", "`dcterms:identifier` (after the first)", shared=True),
        "SAF: other identifiers. Omeka: after the record's own, so with no `identifier` the "
        "first of them comes back as it.",
    ),
    "formats": (_saf("`dc.format`", "dc.format"), _om("dcterms:format"), "Direct."),
    "body": (
        PackageCell("bitstreams `record.txt` and `record.tei.xml` (read back from the TEI)"),
        None,
        "SAF: the text is a file of the item, written by archmeta's text and TEI codecs. Omeka: "
        "the `media` column can point at those files, but a CSV holds no text.",
    ),
    "provenance": (
        PackageCell("bitstream `record.tei.xml` (read back from the TEI)"),
        None,
        "SAF: DSpace's registry has no field for an OAI-PMH header; the item's TEI bitstream "
        "keeps it. Omeka: no column holds it.",
    ),
}


def render_reasons(column: str) -> str:
    """The package column with the reason for each choice, as Markdown (the generated table of
    ``docs/formats/dspace-saf.md`` and ``docs/formats/omeka-csv.md``)."""
    index = [c.name for c in PACKAGE_COLUMNS].index(column)
    lines = ["| field | written to | why |", "|---|---|---|"]
    for name, (saf, omeka, why) in PACKAGE_CELLS.items():
        cell = (saf, omeka)[index]
        lines.append(f"| `{name}` | {cell.doc if cell else '— (lost)'} | {why} |")
    return "\n".join(lines) + "\n"
