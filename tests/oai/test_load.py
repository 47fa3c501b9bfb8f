"""A bounded load test on loopback: 4 concurrent harvesters, a few hundred requests."""

from __future__ import annotations

import sys
import threading
import time
from pathlib import Path

import pytest

from tests.oai.conftest import require

require("starlette", "uvicorn", "httpx")

from archmeta.oai.harvester import Harvester  # noqa: E402

HARVESTERS = 4
ROUNDS = 25  # each harvest is 3 pages of 2 records: 4 x 25 x 3 = 300 requests
RSS_GROWTH_BOUND_MB = 15.0


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self/status")
def test_four_concurrent_harvesters(live) -> None:
    import httpx

    errors: list[BaseException] = []
    counts = [0] * HARVESTERS
    requests = [0] * HARVESTERS

    def work(n: int, rounds: int) -> None:
        try:
            with httpx.Client(timeout=30) as client:
                for round_ in range(rounds):
                    prefix = ("oai_dc", "dcterms", "tei")[(n + round_) % 3]
                    harvester = Harvester(live, prefix, client=client, retries=0)
                    items = list(harvester)
                    assert len(items) == 6 and all(i.record is not None for i in items)
                    counts[n] += len(items)
                    requests[n] += harvester.requests
        except BaseException as exc:
            errors.append(exc)

    def batch(rounds: int) -> None:
        threads = [threading.Thread(target=work, args=(n, rounds)) for n in range(HARVESTERS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)

    # Warm-up in the same shape (every prefix, four threads): imports, lxml's and the server's
    # thread pool's first allocations are not growth.
    batch(3)
    assert not errors, errors[0]
    counts[:] = requests[:] = [0] * HARVESTERS
    before = rss_mb()
    start = time.monotonic()
    batch(ROUNDS)
    elapsed = time.monotonic() - start
    growth = rss_mb() - before
    print(
        f"\nload: {sum(requests)} requests, {sum(counts)} records in {elapsed:.1f} s "
        f"({sum(requests) / elapsed:.0f} req/s), RSS {before:.0f} MB, growth {growth:+.1f} MB"
    )
    assert not errors, errors[0]
    assert sum(requests) == HARVESTERS * ROUNDS * 3
    assert sum(counts) == HARVESTERS * ROUNDS * 6
    assert growth < RSS_GROWTH_BOUND_MB
