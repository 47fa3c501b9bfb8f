"""Regenerate the golden files in examples/ from the library (``python -m tools.make_examples``).

Each ``examples/NAME.txt`` is a canonical plain-text record (the seed's copy is written from
``../shared/seeds/``); every other registered format is written beside it as ``NAME`` plus the
format's extension (not the formats that write a folder per record, such as DSpace SAF: their
round trips are tested in ``tests/formats/``). ``tests/test_examples.py`` fails when a
committed file drifts.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
SEED = ROOT.parent / "shared" / "seeds" / "wilson-118189.txt"


def expected_files() -> dict[Path, str]:
    """Every golden file and the content the library produces for it."""
    from archmeta.formats import BUILTIN_FORMATS, get_format, text

    sources: dict[str, str] = {}
    if SEED.exists():
        sources["wilson-118189"] = text.dumps(text.load(SEED))
    for path in sorted(EXAMPLES.glob("*.txt")):
        sources.setdefault(path.name[: -len(".txt")], path.read_text(encoding="utf-8"))
    files: dict[Path, str] = {}
    for name, source in sources.items():
        record = text.loads(source, source=name + ".txt")
        for codec in map(get_format, BUILTIN_FORMATS):
            if codec.writes_folders:
                continue  # a package item is a folder, not a file (tests/formats/test_saf.py)
            files[EXAMPLES / (name + codec.extension)] = codec.dumps(record)
    return files


def main() -> int:
    changed = 0
    for path, content in expected_files().items():
        if not path.exists() or path.read_text(encoding="utf-8") != content:
            path.write_text(content, encoding="utf-8")
            print(f"wrote {path.relative_to(ROOT)}", file=sys.stderr)
            changed += 1
    return 0 if changed >= 0 else 1


if __name__ == "__main__":
    sys.exit(main())
