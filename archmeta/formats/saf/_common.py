"""Names shared by the SAF reader and writer."""

from __future__ import annotations

from ...mapping._packages import SAF

COLUMN = SAF
#: The bitstreams archmeta writes into every item: the record by its own text and TEI codecs.
TEXT_FILE = "record.txt"
TEI_FILE = "record.tei.xml"
