"""Formats installed the way pip installs a package with an entry point in
``archmeta.formats`` (a module and a .dist-info folder in a site folder), for tests that run
archmeta as a subprocess with that folder on its path."""

from __future__ import annotations

import os
import sys
from pathlib import Path

#: A format whose documents take as long to read as they say: "sleep 30" takes 30 s (in one
#: call), "nap 30" too (in short naps, as a slow parser takes many steps); "die" kills the
#: process reading it (a worker the out-of-memory killer ends).
SLEEPY = """
import os
import signal
import time

from archmeta.formats import Codec, Decoded
from archmeta.model import ArchivalRecord


class Sleepy(Codec):
    name = "sleepy"
    extensions = (".sleepy",)
    media_type = "text/plain"
    description = "test only: reading sleeps as long as the document says"

    def read(self, data, source=None):
        text = data.decode() if isinstance(data, bytes) else data
        words = text.split()
        if words[:1] == ["sleep"]:
            time.sleep(float(words[1]))
        if words[:1] == ["nap"]:
            end = time.monotonic() + float(words[1])
            while time.monotonic() < end:
                time.sleep(0.01)
        if words[:1] == ["die"]:
            os.kill(os.getpid(), signal.SIGKILL)
        return Decoded(ArchivalRecord(title=f"Record {source}"))

    def write(self, record):
        return record.title + "\\n"


codec = Sleepy()
"""


def install(site: Path, module: str, source: str, entry: str) -> dict[str, str]:
    """Install ``source`` as ``module`` with the entry point ``entry`` (``name = module:attr``)
    into ``site``; returns the environment that puts it on a subprocess's path."""
    site.mkdir(parents=True, exist_ok=True)
    (site / f"{module}.py").write_text(source, encoding="utf-8")
    info = site / f"{module}-1.0.dist-info"
    info.mkdir(exist_ok=True)
    (info / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {module.replace('_', '-')}\nVersion: 1.0\n",
        encoding="utf-8",
    )
    (info / "entry_points.txt").write_text(f"[archmeta.formats]\n{entry}\n", encoding="utf-8")
    return {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(site), *sys.path]),
        "PYTHONIOENCODING": "utf-8",
    }
