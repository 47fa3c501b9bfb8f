"""A longer fuzzing run for maintainers: ``python -m tests.fuzz.run --seconds 600``.

Mutates the example files with the harness's tokens for as long as asked and stops at the first
finding, printing the input (add it to ``FINDINGS`` in tests/fuzz/test_fuzz.py once fixed).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

from tests.fuzz.harness import TOKENS, exercise

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def mutate(seed: bytes, rng: random.Random) -> bytes:
    blob = bytearray(seed)
    for _ in range(rng.randint(1, 8)):
        if not blob:
            break
        at = rng.randrange(len(blob))
        action = rng.choice(["insert", "insert", "flip", "cut", "delete"])
        if action == "insert":
            blob[at:at] = rng.choice(TOKENS)
        elif action == "flip":
            blob[at] = rng.randrange(256)
        elif action == "cut":
            del blob[at:]
        else:
            del blob[at : at + rng.randint(1, 40)]
    return bytes(blob)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=600)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    seeds = [p.read_bytes() for p in sorted(EXAMPLES.iterdir()) if p.is_file()]
    deadline, count = time.monotonic() + args.seconds, 0
    while time.monotonic() < deadline:
        data = mutate(rng.choice(seeds), rng)
        count += 1
        try:
            exercise(data)
        except Exception as finding:  # a Finding, or an archmeta error that escaped
            print(f"finding after {count} inputs: {finding}\ninput: {data!r}", file=sys.stderr)
            return 1
    print(f"{count} inputs, no finding", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
