"""Planning a batch: which files to convert, and where each output goes."""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..errors import UsageError

__all__ = ["NOT_RECORDS", "Job", "known_extensions", "plan", "walk"]


@dataclass(frozen=True)
class Job:
    """One input file and where its output goes (``output`` is the file, or for a
    multi-record input the folder that receives one file per record)."""

    input: str
    output: str
    conflict: str | None = None  # another input that maps to the same output
    error: str | None = None  # why ``input`` (a folder that cannot be listed) cannot be read


# ------------------------------------------------------------------------------------ plan


def known_extensions(from_format: str | None) -> tuple[str, ...]:
    """The file name endings a folder walk takes: those of ``from_format``, or of every
    registered format (a ``.tei.xml`` format also brings in plain ``.xml``)."""
    from ..formats import get_format, registry

    if from_format:
        extensions = list(get_format(from_format).extensions)
    else:
        extensions = [ext for exts in registry.extensions().values() for ext in exts]
    # ".tei.xml" also brings in plain ".xml" files: their format is told from their content.
    extensions += ["." + ext.rsplit(".", 1)[1] for ext in extensions if ext.count(".") > 1]
    return tuple(dict.fromkeys(extensions))


def _strip_extension(name: str, extensions: Iterable[str]) -> str:
    lower = name.lower()
    best = max((e for e in extensions if lower.endswith(e)), key=len, default=None)
    if best:
        return name[: -len(best)]
    stem, dot, _ = name.rpartition(".")
    return stem if dot and stem.strip(".") else name


#: Files a folder walk leaves out whatever their extension (README.md is not a text record).
NOT_RECORDS = frozenset({"README", "LICENSE", "LICENCE", "CHANGELOG", "CHANGES", "CONTRIBUTING"})


def _walk(
    folder: str,
    extensions: tuple[str, ...],
    exclude: str | None = None,
    unreadable: list[tuple[str, str]] | None = None,
) -> list[tuple[str, str]]:
    """(path, path relative to ``folder``) of each file under ``folder``, sorted.

    Folders that cannot be listed (no permission) are added to ``unreadable`` as (path,
    reason) instead of being passed over in silence.
    """
    found: list[tuple[str, str]] = []

    def failed(exc: OSError) -> None:
        if unreadable is not None:
            unreadable.append((exc.filename or folder, exc.strerror or str(exc)))

    for root, dirs, files in os.walk(folder, onerror=failed):
        dirs[:] = sorted(
            d
            for d in dirs
            if not d.startswith(".")
            and (exclude is None or os.path.realpath(os.path.join(root, d)) != exclude)
        )
        rel_root = os.path.relpath(root, folder)
        for name in sorted(files):
            if (
                not name.startswith(".")
                and name.lower().endswith(extensions)
                and name.split(".", 1)[0].upper() not in NOT_RECORDS
            ):
                rel = name if rel_root == "." else os.path.join(rel_root, name)
                found.append((os.path.join(root, name), rel))
    return found


def walk(
    folder: Path,
    extensions: tuple[str, ...],
    exclude: Path | None = None,
    unreadable: list[tuple[str, str]] | None = None,
) -> list[Path]:
    """Files under ``folder`` (recursively, sorted) whose name ends with a known extension;
    hidden files and folders (a leading dot), README/LICENSE/CHANGELOG files and ``exclude``
    are left out. Folders that cannot be listed go to ``unreadable`` as (path, reason)."""
    skip = os.path.realpath(exclude) if exclude is not None else None
    return [Path(path) for path, _ in _walk(os.fspath(folder), extensions, skip, unreadable)]


def plan(
    inputs: Sequence[str],
    to_format: str,
    out_dir: str | os.PathLike[str],
    from_format: str | None = None,
) -> list[Job]:
    """The jobs for converting ``inputs`` (files and folders) into ``out_dir``.

    Raises :class:`UsageError` for a missing input, ``-``, an unknown format or an ``out_dir``
    that is a file.
    """
    from ..formats import get_format

    target = get_format(to_format)
    if from_format:
        get_format(from_format)
    out = os.fspath(out_dir)
    if os.path.exists(out) and not os.path.isdir(out):
        raise UsageError(f"{out}: --out must be a folder, and this is a file")
    extensions = known_extensions(from_format)
    all_extensions = known_extensions(None)
    out_real = os.path.realpath(out)
    out_abs = os.path.abspath(out)
    jobs: list[Job] = []
    seen: dict[str, str] = {}
    for item in inputs:
        if item == "-":
            raise UsageError("'-' (standard input) converts one record: use -o, not --out")
        if os.path.isdir(item):
            unreadable: list[tuple[str, str]] = []
            pairs = _walk(item, extensions, exclude=out_real, unreadable=unreadable)
            for folder_path, reason in unreadable:
                jobs.append(Job(folder_path, out, error=f"cannot list the folder ({reason})"))
        elif os.path.isfile(item):
            pairs = [(item, os.path.basename(item))]
        elif os.path.exists(item):
            raise UsageError(f"{item}: not a regular file or folder")
        else:
            raise UsageError(f"{item}: no such file or folder")
        for source, rel in pairs:
            folder, name = os.path.split(rel)
            leaf = _strip_extension(name, all_extensions) + target.extension
            output = os.path.join(out, folder, leaf) if folder else os.path.join(out, leaf)
            key = os.path.normcase(os.path.join(out_abs, folder, leaf))
            conflict = seen.get(key)
            if conflict is None:
                seen[key] = source
            jobs.append(Job(source, output, conflict))
    return jobs
