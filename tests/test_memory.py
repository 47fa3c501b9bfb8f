"""Bounded memory: each reader's peak memory grows at most ``MEMORY_RATIO`` times its input.

The probe (``tests/memory_probe.py``) runs once, in a fresh process, and measures the peak
resident memory of every case on inputs of two sizes (forked children, the kernel's high-water
mark: lxml's allocations count as well as Python's). Memory is not disturbed by other processes
the way time is, so the bounds are tight. What is compared is the growth between the two sizes
(peak bytes per input byte), which leaves out what every run pays whatever its input (caches,
the allocator's arenas), and the ratio at the larger size must not exceed that at the smaller:
memory grows linearly, with a constant stated in docs/validation.md ("Limits").
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent

#: Peak bytes per input byte at most, for every reader (docs/validation.md, "Limits").
MEMORY_RATIO = 32
#: What a streamed container may use whatever its size (bytes): it holds one record at a time.
STREAM_FLAT = 2_000_000
SMALL, LARGE = 8_000, 32_000  # body paragraphs (see the probe): about 0.6 and 2.6 MB of JSON

CASES = [
    "read json",
    "read text",
    "read tei",
    "read oai_dc",
    "read dcterms",
    "oaipmh iter_records",
    "oaipmh record over the limit",
    "oaipmh headers of a huge record",
    "oaipmh record of many elements",
    "dspace-saf iter_records",
    "omeka-csv iter_records",
    "validate json",
    "validate tei",
    "convert json to tei",
    "convert tei to text",
]
STREAMED = {
    "oaipmh iter_records",
    "oaipmh record over the limit",
    "oaipmh headers of a huge record",
    "oaipmh record of many elements",
}

pytestmark = pytest.mark.skipif(
    not Path("/proc/self/clear_refs").exists(), reason="needs Linux's /proc memory counters"
)


@pytest.fixture(scope="module")
def measured() -> dict[tuple[str, int], dict[str, Any]]:
    run = subprocess.run(
        [sys.executable, "-m", "tests.memory_probe", str(SMALL), str(LARGE)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    rows = [json.loads(line) for line in run.stdout.splitlines()]
    return {(str(r["case"]), int(r["size"])): r for r in rows}


def test_the_probe_measures_every_case(measured) -> None:
    assert sorted({case for case, _ in measured}) == sorted(CASES)


@pytest.mark.parametrize("case", CASES)
def test_peak_memory_grows_at_most_a_constant_times_the_input(measured, case) -> None:
    small, large = measured[case, SMALL], measured[case, LARGE]
    assert small["result"] is True and large["result"] is True, (small, large)
    grown = large["peak"] - small["peak"]
    more_input = large["input"] - small["input"]
    assert more_input > 0
    if case in STREAMED:
        # A stream holds one record at a time (and a record over the limit not even that).
        assert grown < STREAM_FLAT, (small, large)
        return
    assert grown / more_input < MEMORY_RATIO, (small, large)
    # The ratio does not grow with the size (up to the allocator's rounding).
    ratio_small = small["peak"] / small["input"]
    ratio_large = large["peak"] / large["input"]
    assert ratio_large < 1.15 * ratio_small + 0.25, (small, large)


def test_the_documented_constant_is_the_tested_one() -> None:
    text = (ROOT / "docs" / "validation.md").read_text(encoding="utf-8")
    assert re.search(rf"at most {MEMORY_RATIO} times", text)
