"""Golden files in examples/ are what the library produces now (regenerate with
``python -m tools.make_examples``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tools.make_examples import EXAMPLES, expected_files

EXPECTED = expected_files()


@pytest.mark.parametrize("path", sorted(EXPECTED), ids=lambda p: p.name)
def test_example_has_not_drifted(path: Path):
    assert path.exists(), f"{path.name} is missing: run python -m tools.make_examples"
    assert path.read_text(encoding="utf-8") == EXPECTED[path], (
        f"{path.name} drifted from the library's output: run python -m tools.make_examples"
    )


def test_no_stray_example_files():
    known = set(EXPECTED) | {EXAMPLES / "README.md"}
    assert sorted(p for p in EXAMPLES.iterdir() if p not in known) == []


def test_there_are_at_least_five_examples():
    assert len(list(EXAMPLES.glob("*.txt"))) >= 5
