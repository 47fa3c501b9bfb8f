"""A CI-sized fuzzing run over every entry point, and each earlier finding as a regression."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.fuzz.harness import TOKENS, exercise

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
SEEDS = [p.read_bytes() for p in sorted(EXAMPLES.iterdir()) if p.is_file() and p.suffix != ".md"]


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    """An example file with a few tokens inserted, bytes flipped or parts cut."""
    blob = bytearray(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(1, 6))):
        if not blob:
            break
        at = draw(st.integers(0, len(blob) - 1))
        action = draw(st.sampled_from(["insert", "insert", "flip", "cut", "delete"]))
        if action == "insert":
            blob[at:at] = draw(st.sampled_from(TOKENS))
        elif action == "flip":
            blob[at] = draw(st.integers(0, 255))
        elif action == "cut":
            del blob[at:]
        else:
            del blob[at : at + draw(st.integers(1, 40))]
    return bytes(blob)


@settings(max_examples=120, deadline=None, suppress_health_check=list(HealthCheck))
@given(mutated() | st.lists(st.sampled_from(TOKENS), max_size=12).map(b"".join))
def test_every_entry_point_keeps_its_promises(data: bytes) -> None:
    exercise(data)


# The findings of issue 9, each kept as an input the harness must pass.
FINDINGS = [
    b'{"title": "T", "date": {"text": "[1962,1963]"}}',
    b'{"title": "T", "date": {"text": "Y170000002"}}',
    b'{"title":"T","url":"http://digitalarchive.wilsoncenter.org,/x"}',
    b'{"title": "T", "date": {"text": "' + b"1-" * 2000 + b'1"}}',
    b'{"title": "T", "citation": "' + b"translated for " * 800 + b'"}',
    b'{"title": "T", "languages": [{"name": "' + b"patois " * 9000 + b'x"}]}',
    b'{"title":"t","\\ud800":1}',
    b"[" * 5000 + b"]" * 5000,
    b'{"title": "T", "url": "javascript:alert(1)"}',
    b'<oai_dc:dc xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/" '
    b'xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>T</dc:title>'
    b"<dc:date>{1962,1963}</dc:date><dc:date>1950S2</dc:date></oai_dc:dc>",
]


@pytest.mark.parametrize("data", FINDINGS, ids=range(len(FINDINGS)))
def test_earlier_findings_stay_fixed(data: bytes) -> None:
    exercise(data)
