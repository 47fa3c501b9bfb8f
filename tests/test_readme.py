"""The README's library example runs and prints what its comments say."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_readme_python_example_runs_as_documented() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    code = re.search(r"```python\n(.*?)```", readme, re.DOTALL).group(1)  # type: ignore[union-attr]
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "April 30, 1962 1962-04-30"
    assert lines[1] == "['Charles Kraus'] zh"
    assert lines[-1].startswith("examples/undated-minimal.txt:1:1: warning:")
    assert lines[-1].endswith("[date-unreadable]")


def test_readme_has_exactly_two_setup_commands() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```sh\n(.*?)```", readme, re.DOTALL).group(1)  # type: ignore[union-attr]
    commands = [line for line in block.splitlines() if line.strip()]
    assert len(commands) == 2
    assert commands[0].startswith("pip install -e '.[test]'") and "archmeta convert" in commands[0]
    assert commands[1] == "python -m pytest"
