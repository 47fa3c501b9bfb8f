"""The end-to-end floor: read a folder of text-layout records, write oai_dc with lxml.

    python -m bench.floor_convert SRC DST [--procs N]

It writes the same Dublin Core elements archmeta writes for the corpus, one file per record
(``NAME.oai_dc.xml``), with no validation and no error handling, and imports nothing of archmeta
(a real script would not pay for it). With ``--procs 2`` the files are split between two
forked processes, which is how much a second process can gain on this machine for this work.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from lxml import etree

from .layout import text_fields

OAI_DC = "http://www.openarchives.org/OAI/2.0/oai_dc/"
DC = "{http://purl.org/dc/elements/1.1/}"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
NSMAP = {"oai_dc": OAI_DC, "dc": DC[1:-1], "xsi": XSI}
SCHEMA_LOCATION = {f"{{{XSI}}}schemaLocation": f"{OAI_DC} {OAI_DC[:-1]}.xsd"}
DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>\n'


def convert(files: list[Path], dst: Path) -> None:
    """Convert ``files`` into ``dst``, one oai_dc document each."""
    sub = etree.SubElement
    for path in files:
        fields = text_fields(path.read_bytes())
        root = etree.Element(f"{{{OAI_DC}}}dc", SCHEMA_LOCATION, nsmap=NSMAP)
        sub(root, DC + "title").text = fields["title"]
        if "summary" in fields:
            sub(root, DC + "description").text = fields["summary"]
        if "publisher" in fields:
            sub(root, DC + "publisher").text = fields["publisher"]
        for name in fields.get("translators", ()):
            sub(root, DC + "contributor").text = name
        if "date" in fields:
            sub(root, DC + "date").text = fields["date"]["text"]
        if "url" in fields:
            sub(root, DC + "identifier").text = fields["url"]
        if "source" in fields:
            sub(root, DC + "source").text = fields["source"]
        etree.indent(root)
        data = DECLARATION + etree.tostring(root, encoding="utf-8") + b"\n"
        (dst / f"{path.stem}.oai_dc.xml").write_bytes(data)


def convert_parallel(src: Path, dst: Path, procs: int) -> None:
    """Split the folder's files between ``procs`` forked processes and wait for them."""
    files = sorted(src.glob("*.txt"))
    dst.mkdir(parents=True, exist_ok=True)
    if procs == 1:
        convert(files, dst)
        return
    children = []
    for k in range(procs):
        pid = os.fork()
        if pid == 0:  # the child converts its share and leaves without Python's clean-up
            status = 1
            try:
                convert(files[k::procs], dst)
                status = 0
            finally:
                os._exit(status)
        children.append(pid)
    for pid in children:
        if os.waitpid(pid, 0)[1] != 0:
            raise SystemExit(f"a floor process failed (pid {pid})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("src", type=Path)
    parser.add_argument("dst", type=Path)
    parser.add_argument("--procs", type=int, default=1)
    args = parser.parse_args()
    convert_parallel(args.src, args.dst, args.procs)


if __name__ == "__main__":
    main()
