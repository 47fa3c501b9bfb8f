"""TEI P5 XML: one whole ``TEI`` document per record (``docs/formats/tei.md``).

Writing is deterministic and pretty-printed, and every document archmeta writes is valid
against ``schemas/archmeta-tei.rng`` (the project's TEI subset) and so against TEI ``tei_all``.
Indentation is only ever added inside element-only content; mixed content (``p``, ``title``,
``note`` ...) is written exactly, with ``xml:space="preserve"`` on the root saying so. Newlines
inside a value become ``<lb/>``.

Body paragraphs carry the Digital Archive's bracket marks as TEI elements:

* ``[...]`` (and ``[…]``, ``[ …]``, ``[....]``) -> ``<gap reason="editorial" rend="[...]"/>``;
* ``[illegible]`` -> ``<gap reason="illegible" rend="[illegible]"/>``;
* ``[April]`` -> ``<supplied>April</supplied>``;
* ``word [sic]`` -> ``<sic rend="[sic]">word</sic>``: the sic rule. When the mark follows one
  space that follows a word (a run of non-space characters), that word is wrapped and the space
  is implied; otherwise (start of a paragraph, several spaces, a mark before it) the mark is
  written as an empty ``<sic rend="[sic]"/>`` where it stands.

``@rend`` keeps the mark exactly as written. A mark that ``@rend`` cannot hold (one with a
non-breaking or other unusual space) is kept in a ``<desc>`` child of the ``gap`` instead.

Reading takes the same paths back, and also accepts TEI that other projects wrote: what maps is
taken (see ``docs/formats/tei.md``), the rest is reported by :func:`read` as warnings.

The package: ``_common`` (names, XPath helpers, ``FIELD_PATHS``), ``_write``, ``_text`` (the
text of elements as read) and ``_read`` (the fields); this module keeps the public API, the
schema check and the codec.
"""

from __future__ import annotations

from ...errors import Issue, ParseError, ValidationError
from ...model import ArchivalRecord
from .._sniff import xml_root
from ..codec import Codec, Decoded, failed
from ._common import APPLICATION as APPLICATION
from ._common import EDTF_METHOD, FIELD_PATHS, SCHEMA_NAME, TEI_NS, _tei_xpath
from ._common import INDENT as INDENT
from ._common import MAPPING_VERSION as MAPPING_VERSION
from ._common import RESP_CONTRIBUTOR as RESP_CONTRIBUTOR
from ._common import RESP_TRANSLATOR as RESP_TRANSLATOR
from ._common import SCHEMA_URL as SCHEMA_URL
from ._common import XML_NS as XML_NS
from ._read import MAX_ELEMENTS, load, loads, read
from ._write import dump, dumps

__all__ = [
    "EDTF_METHOD",
    "FIELD_PATHS",
    "MAX_ELEMENTS",
    "SCHEMA_NAME",
    "TEI_NS",
    "TeiCodec",
    "_tei_xpath",
    "codec",
    "dump",
    "dumps",
    "load",
    "loads",
    "read",
    "schema_issues",
]

# ------------------------------------------------------------------------------ schema


def schema_issues(
    data: str | bytes, source: str | None = None, schema: str | None = None
) -> list[Issue]:
    """Every problem of a TEI document against archmeta's TEI schema (or the RELAX NG file
    ``schema``), each with its line and column; a ParseError becomes one issue."""
    from ...schema import schema_path
    from ...xmlsafe import schema_file_issues

    target = schema or str(schema_path(SCHEMA_NAME))
    return schema_file_issues(data, target, source, rule="schema-invalid")


# ------------------------------------------------------------------------------ the codec


class TeiCodec(Codec):
    """One TEI P5 document per record (lossless)."""

    name = "tei"
    extensions = (".tei.xml",)
    media_type = "application/tei+xml"
    description = "TEI P5 XML document"
    takes_schema_file = True

    def sniff(self, head: bytes) -> int:
        root = xml_root(head)
        return 3 if root is not None and root[:2] in ((TEI_NS, "TEI"), (TEI_NS, "teiCorpus")) else 0

    def read(self, data: str | bytes, source: str | None = None) -> Decoded:
        places: dict[str, tuple[int, str]] = {}
        try:
            record, issues = read(data, source, places)
        except (ParseError, ValidationError) as exc:
            return failed(exc)
        lines = {name: line for name, (line, _) in places.items()}
        return Decoded(record, issues, lines, xpaths={k: x for k, (_, x) in places.items()})

    def write(self, record: ArchivalRecord) -> str:
        return dumps(record)

    def schema_issues(
        self, data: str | bytes, source: str | None = None, schema: str | None = None
    ) -> list[Issue]:
        return schema_issues(data, source, schema)


codec = TeiCodec()
