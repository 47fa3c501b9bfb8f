"""Shared test setup: hypothesis profiles and paths to the shared conformance material."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
SEED = SHARED / "seeds" / "wilson-118189.txt"
CONFORMANCE = SHARED / "conformance"
EXAMPLES = ROOT / "examples"

settings.register_profile(
    "default",
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
settings.register_profile(
    "ci",
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
settings.load_profile("ci" if os.environ.get("CI") else "default")


@pytest.fixture(scope="session")
def seed_text() -> str:
    if not SEED.exists():
        pytest.skip(f"the seed record is not at {SEED} (../shared is absent in this clone)")
    return SEED.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def wilson_text() -> str:
    """The reference record as the library writes it (examples/; always in the clone)."""
    return (EXAMPLES / "wilson-118189.txt").read_text(encoding="utf-8")


def conformance(*parts: str) -> Path:
    """A path in ../shared/conformance, skipping the test with a reason when it is absent."""
    path = CONFORMANCE.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"conformance material {path} is absent (../shared not beside this clone)")
    return path


def run_archmeta(
    *args: str, stdin: bytes | None = None, cwd: Path | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """Run the command line as a user would (a subprocess), capturing its output as text."""
    return subprocess.run(
        [sys.executable, "-m", "archmeta.cli", *args],
        input=stdin.decode("utf-8", "surrogateescape") if stdin is not None else None,
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
        timeout=timeout,
    )
