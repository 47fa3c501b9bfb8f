"""Write the generated parts of docs/ from the code: the rule table of docs/validation.md
(from the rule registry) and the crosswalk of docs/crosswalk.md (from the mapping table).

Run ``python tools/make_docs.py`` (or ``python -m tools.make_docs``) after changing a rule or
the mapping; the drift tests (tests/validation/test_registry.py, tests/test_mapping.py) fail
while a generated part differs from what the code gives.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"


def _rules() -> str:
    from archmeta.validation.registry import render_markdown

    return render_markdown()


#: (file, block name, renderer): the text between ``<!-- NAME:start ... -->`` and
#: ``<!-- NAME:end -->`` is the renderer's output.
def _crosswalk() -> str:
    from archmeta.mapping import render_markdown

    return render_markdown()


def _package(column: str) -> Callable[[], str]:
    def render() -> str:
        from archmeta.mapping._packages import render_reasons

        return render_reasons(column)

    return render


BLOCKS: list[tuple[Path, str, Callable[[], str]]] = [
    (DOCS / "validation.md", "rules", _rules),
    (DOCS / "crosswalk.md", "crosswalk", _crosswalk),
    (DOCS / "formats" / "dspace-saf.md", "mapping", _package("dspace-saf")),
    (DOCS / "formats" / "omeka-csv.md", "mapping", _package("omeka-csv")),
]


def expected_files() -> dict[Path, str]:
    """Each generated document and the content the code gives for it."""
    files: dict[Path, str] = {}
    for path, name, render in BLOCKS:
        text = files.get(path) or path.read_text(encoding="utf-8")
        pattern = re.compile(rf"(<!-- {name}:start[^>]*-->\n).*?(<!-- {name}:end -->)", re.DOTALL)
        if not pattern.search(text):
            raise SystemExit(f"{path}: no <!-- {name}:start --> ... <!-- {name}:end --> block")
        block = render()
        files[path] = pattern.sub(lambda m, b=block: m.group(1) + b + m.group(2), text)
    return files


def main() -> int:
    for path, content in expected_files().items():
        if path.read_text(encoding="utf-8") != content:
            path.write_text(content, encoding="utf-8")
            print(f"wrote {path.relative_to(ROOT)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
