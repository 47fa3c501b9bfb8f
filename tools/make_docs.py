"""Rewrite the generated table in docs/crosswalk.md (``python -m tools.make_docs``)."""

from __future__ import annotations

from pathlib import Path

from archmeta.mapping import render_markdown

DOC = Path(__file__).resolve().parent.parent / "docs" / "crosswalk.md"
BEGIN = "<!-- table generated from archmeta/mapping: python -m tools.make_docs -->\n"
END = "<!-- end of generated table -->\n"


def main() -> None:
    text = DOC.read_text(encoding="utf-8")
    head, _, rest = text.partition(BEGIN)
    _, _, tail = rest.partition(END)
    DOC.write_text(head + BEGIN + render_markdown() + END + tail, encoding="utf-8")


if __name__ == "__main__":
    main()
