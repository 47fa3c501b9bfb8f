"""The index of a published folder: one entry (identifier, path, datestamp, set) per record file.

Only names and ``stat`` results are read to build it (a file whose extension archmeta does not
know is told by its first 4 KiB); records themselves are read when a page of them is served.
The index is rebuilt when the folder changed, which is checked at most every ``refresh``
seconds: a scan of the tree's ``stat`` results is compared with the previous one.
"""

from __future__ import annotations

import bisect
import datetime as dt
import os
import re
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, unquote

from .adapter import record_format_name

__all__ = ["Entry", "Index", "format_datestamp", "set_spec_of"]

# Characters a setSpec may hold (OAI-PMH.xsd's setSpecType); '~' is ours, for escapes.
_SPEC_SAFE = re.compile(r"[A-Za-z0-9\-_.!*'()]")
STATE_FILE_NAMES = frozenset({".archmeta-harvest.json"})


@dataclass(frozen=True, slots=True)
class Entry:
    """One record file of the folder."""

    identifier: str
    relpath: str  # with '/' separators, relative to the root
    format_name: str
    mtime: int  # whole seconds since the epoch, UTC: the datestamp
    set_spec: str | None


def format_datestamp(seconds: int) -> str:
    """A UTC datestamp at seconds granularity (``YYYY-MM-DDThh:mm:ssZ``)."""
    return dt.datetime.fromtimestamp(seconds, dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _spec_part(name: str) -> str:
    # A folder name made into one setSpec part: characters the schema does not allow (spaces,
    # non-Latin letters, ':') become ~XX per UTF-8 byte, '~' itself too, so no two folders meet.
    out = []
    for char in name:
        if _SPEC_SAFE.fullmatch(char):
            out.append(char)
        else:
            out.extend(f"~{byte:02X}" for byte in char.encode("utf-8"))
    return "".join(out)


def set_spec_of(folder: str) -> str | None:
    """The setSpec of a folder given relative to the root with '/' (None for the root)."""
    parts = [p for p in folder.split("/") if p]
    return ":".join(_spec_part(p) for p in parts) or None


def set_name_of(spec: str) -> str:
    """The folder path a setSpec was made from, for ``setName``."""
    return "/".join(unquote(part.replace("~", "%"), errors="replace") for part in spec.split(":"))


def _inside(path: Path, root: Path) -> bool:
    try:
        resolved = path.resolve(strict=True)
    except (OSError, RuntimeError):
        return False
    return resolved == root or resolved.is_relative_to(root)


class Index:
    """The record files under ``root``, rescanned when they changed (thread-safe)."""

    def __init__(self, root: Path, repository_id: str, refresh: float = 2.0) -> None:
        self.root = root.resolve(strict=True)
        self.repository_id = repository_id
        self.refresh = refresh
        self._lock = threading.Lock()
        self._checked = 0.0
        self._signature: tuple[tuple[str, int, int], ...] = ()
        self._formats: dict[tuple[str, int, int], str | None] = {}
        self._entries: list[Entry] = []
        self._by_id: dict[str, Entry] = {}
        self.scans = 0
        self.current()

    def identifier_of(self, relpath: str) -> str:
        """``oai:REPOSITORY:relative/path`` (characters outside RFC 3986's set percent-encoded)."""
        return f"oai:{self.repository_id}:{quote(relpath, safe='/-._~!$&()*+,;=@')}"

    def _stat_tree(self) -> list[tuple[str, int, int]]:
        found: list[tuple[str, int, int]] = []
        for folder, dirs, files in os.walk(self.root, followlinks=False):
            # Hidden folders (.git, a harvest's state) are not published.
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            base = Path(folder)
            for name in files:
                if name.startswith(".") or name in STATE_FILE_NAMES:
                    continue
                path = base / name
                # A symlink is followed only when it stays inside the root.
                if path.is_symlink() and not _inside(path, self.root):
                    continue
                try:
                    st = path.stat()
                except OSError:
                    continue
                relpath = path.relative_to(self.root).as_posix()
                found.append((relpath, int(st.st_mtime), st.st_size))
        found.sort()
        return found

    def _rebuild(self, signature: tuple[tuple[str, int, int], ...]) -> None:
        entries: list[Entry] = []
        formats: dict[tuple[str, int, int], str | None] = {}
        for key in signature:
            relpath, mtime, _size = key
            name = (
                self._formats[key]
                if key in self._formats
                else (record_format_name(self.root / relpath))
            )
            formats[key] = name
            if name is None:
                continue
            folder = relpath.rpartition("/")[0]
            entries.append(
                Entry(self.identifier_of(relpath), relpath, name, mtime, set_spec_of(folder))
            )
        entries.sort(key=lambda e: e.identifier)
        self._formats = formats
        self._entries = entries
        self._by_id = {e.identifier: e for e in entries}
        self._signature = signature
        self.scans += 1

    def current(self) -> list[Entry]:
        """The entries, sorted by identifier, after a rescan if the last check is old."""
        with self._lock:
            now = time.monotonic()
            if not self.scans or now - self._checked >= self.refresh:
                self._checked = now
                signature = tuple(self._stat_tree())
                if signature != self._signature or not self.scans:
                    self._rebuild(signature)
            return self._entries

    def get(self, identifier: str) -> Entry | None:
        """The entry of an identifier, or None (never a path built from the identifier)."""
        self.current()
        return self._by_id.get(identifier)

    def after(self, entries: list[Entry], identifier: str | None) -> int:
        """The position of the first entry whose identifier sorts after ``identifier``."""
        if identifier is None:
            return 0
        return bisect.bisect_right([e.identifier for e in entries], identifier)

    def path_of(self, entry: Entry) -> Path | None:
        """The file of an entry, checked again to be inside the root (it may have changed)."""
        path = self.root / entry.relpath
        if not _inside(path, self.root) or not path.is_file():
            return None
        return path

    def set_specs(self) -> list[str]:
        """Every set: each folder holding records, and each folder above one."""
        specs: set[str] = set()
        for entry in self.current():
            if entry.set_spec:
                parts = entry.set_spec.split(":")
                specs.update(":".join(parts[: i + 1]) for i in range(len(parts)))
        return sorted(specs)
