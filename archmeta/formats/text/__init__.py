"""The Digital Archive plain-text layout (see ``docs/formats/text.md`` for the grammar).

Reading splits the text into paragraphs (runs of non-blank lines). The first paragraph holds the
bold date and title lines; then come ``**Section:**`` paragraphs, each followed by exactly one
content paragraph (a list section also takes the ``- `` paragraphs right after it); every other
paragraph belongs to the body. Writing is canonical: sections in a fixed order, one blank line
between paragraphs, a final newline, and escapes wherever a value would otherwise read back
differently.

The package: ``_layout`` (the sections, from the mapping table, and what reading and writing
share), ``_read`` and ``_write``; this module keeps the public API and the codec.
"""

from __future__ import annotations

from ...mapping import MAPPING
from ...mapping._cells import TEXT as TEXT_COLUMN
from ...model import ArchivalRecord
from .._sniff import text_start
from ..codec import Codec, Decoded
from ._layout import TEXT_SECTIONS
from ._read import load, loads, parse_text, read
from ._write import dump, dumps

__all__ = [
    "TEXT_SECTIONS",
    "TextCodec",
    "codec",
    "dump",
    "dumps",
    "load",
    "loads",
    "parse_text",
    "read",
]


class TextCodec(Codec):
    """The Wilson Center Digital Archive's plain-text layout."""

    name = "text"
    extensions = (".txt", ".text", ".md")
    loose_extensions = (".md",)  # README.md, NOTES.md: Markdown that is not a record
    media_type = "text/markdown"
    description = "Digital Archive plain-text record"
    #: The fields the layout has no section for (the mapping table's text column says None).
    unavailable = frozenset(
        row.field for row in MAPPING.rows if row.cells.get(TEXT_COLUMN, ...) is None
    )

    def project(self, record: ArchivalRecord) -> ArchivalRecord:
        fields = type(record).model_fields
        defaults = {n: fields[n].get_default(call_default_factory=True) for n in self.unavailable}
        return record.model_copy(update=defaults) if defaults else record

    def sniff(self, head: bytes) -> int:
        start = text_start(head)
        return 1 if start.startswith("**") or (start[:1] not in "<{[" and "**" in start) else 0

    def read(self, data: str | bytes, source: str | None = None) -> Decoded:
        return read(data, source)

    def write(self, record: ArchivalRecord) -> str:
        return dumps(record)


codec = TextCodec()
