"""Reading and writing files for the format modules: decoding, BOMs, atomic writes."""

from __future__ import annotations

import codecs
import contextlib
import io
import itertools
import os
import stat
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from ..errors import ParseError, line_col

PathOrFile = str | os.PathLike[str] | IO[str] | IO[bytes]


def source_name(target: PathOrFile) -> str:
    if isinstance(target, (str, os.PathLike)):
        return os.fspath(target)
    return str(getattr(target, "name", "<stream>"))


def read_bytes(target: PathOrFile) -> bytes | str:
    """The content of a path or an open file (text files give str, binary ones bytes)."""
    if isinstance(target, (str, os.PathLike)):
        return Path(target).read_bytes()
    buffer = getattr(target, "buffer", None)
    if buffer is not None:
        # A text-mode file: read its bytes, so that archmeta decodes them and reports bad
        # UTF-8 with its place, instead of the caller's codec raising UnicodeDecodeError.
        return buffer.read()  # type: ignore[no-any-return]
    return target.read()


def decode_text(data: bytes | str, source: str | None = None) -> str:
    """Decode UTF-8 (with or without a BOM, or UTF-16 with a BOM) to str, newlines as ``\\n``.

    Invalid bytes raise :class:`ParseError` with the line and column of the first bad byte.
    """
    if isinstance(data, bytes):
        if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            try:
                text = data.decode("utf-16")
            except UnicodeDecodeError as exc:
                raise ParseError(
                    f"invalid UTF-16: {exc.reason}",
                    source=source,
                    line=1,
                    column=1,
                    rule="encoding",
                ) from None
        else:
            try:
                text = data.decode("utf-8-sig")
            except UnicodeDecodeError as exc:
                good = data[: exc.start].decode("utf-8-sig", errors="replace")
                line, column = line_col(good, len(good))
                raise ParseError(
                    f"invalid UTF-8 byte 0x{data[exc.start]:02x}; archmeta reads UTF-8",
                    source=source,
                    line=line,
                    column=column,
                    rule="encoding",
                ) from None
    else:
        text = data.removeprefix("\ufeff")
    if "\r" not in text:  # a fast scan; replacing costs a pass each even when nothing is found
        return text
    return text.replace("\r\n", "\n").replace("\r", "\n")


def write_text(target: PathOrFile, text: str) -> None:
    """Write ``text`` as UTF-8 to a path (atomically: temporary file, then rename) or a file."""
    if isinstance(target, (str, os.PathLike)):
        write_atomic(Path(target), text.encode("utf-8"))
        return
    if isinstance(target, io.TextIOBase):
        target.write(text)
        return
    try:
        target.write(text)  # type: ignore[call-overload]
    except TypeError:  # a binary file
        target.write(text.encode("utf-8"))  # type: ignore[arg-type]


def write_atomic(path: str | os.PathLike[str], data: bytes, fsync: bool = True) -> None:
    """Write ``data`` to ``path`` so that readers never see a partial file.

    ``fsync=False`` skips flushing the file to disk before the rename: the write stays atomic
    for readers and for interruptions (a killed process leaves a temporary file, never a
    partial ``path``), but a power failure may lose it (see docs/performance.md).
    """
    target = os.fspath(path)
    fd, tmp = _create_temporary(target)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        if fsync:
            os.fsync(fd)
        os.close(fd)
        fd = -1
        os.replace(tmp, target)
    except BaseException:
        if fd >= 0:
            os.close(fd)
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def temporary_prefix(name: str) -> str:
    """The start of the temporary file names written on the way to the file ``name``."""
    return f".{name[:100]}."


def stale_temporary_files(path: str | os.PathLike[str]) -> list[Path]:
    """Temporary files that a run killed part way left on the way to ``path``."""
    target = Path(path)
    prefix = temporary_prefix(target.name)
    try:
        return [
            p
            for p in target.parent.iterdir()
            if p.name.startswith(prefix) and p.name.endswith(".part")
        ]
    except OSError:
        return []


def _umask() -> int:
    # The umask can only be read by setting it; done once, before any worker thread writes.
    global _UMASK
    if _UMASK is None:
        _UMASK = os.umask(0o022)
        os.umask(_UMASK)
    return _UMASK


_UMASK: int | None = None
_SEQUENCE = itertools.count()
_CREATE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)


def _create_temporary(path: str) -> tuple[int, str]:
    """Create the temporary file on the way to ``path``, beside it: (descriptor, name).

    Its name starts with (at most 100 characters of) the target's, so that a later run can
    find what a killed one left (:func:`stale_temporary_files`), and stays within 255 bytes;
    this process's id and a counter make it unique (``O_EXCL`` refuses any file or link
    already there, one left by a killed process of the same id included: the next number is
    tried). Created as any new file is (0666 less the umask), so that importers running as
    another user can read the output; a file it replaces keeps its own mode.
    """
    folder, name = os.path.split(path)
    prefix = os.path.join(folder, temporary_prefix(name))
    pid = os.getpid()
    while True:
        tmp = f"{prefix}{pid}-{next(_SEQUENCE)}.part"
        try:
            fd = os.open(tmp, _CREATE, 0o666)
        except FileExistsError:
            continue
        break
    try:
        info = os.lstat(path)
    except OSError:
        return fd, tmp  # a new output
    if not stat.S_ISREG(info.st_mode):
        # a symbolic link in the way is replaced, and what it points to says nothing
        return fd, tmp
    mode = info.st_mode & 0o7777
    try:
        os.fchmod(fd, mode)
    except BaseException:
        os.close(fd)
        os.unlink(tmp)
        raise
    return fd, tmp


@contextmanager
def atomic_writer(path: str | os.PathLike[str], fsync: bool = True) -> Iterator[IO[bytes]]:
    """A binary file that becomes ``path`` only when the ``with`` block ends without error.

    Written in a temporary file beside the target and renamed over it, so an error or an
    interruption part way leaves no partial file (for outputs too big to build in memory).
    """
    target = os.fspath(path)
    fd, tmp = _create_temporary(target)
    try:
        with os.fdopen(fd, "wb") as handle:
            yield handle
            if fsync:
                handle.flush()
                os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


@contextmanager
def binary_source(target: str | os.PathLike[str] | IO[bytes]) -> Iterator[IO[bytes]]:
    """An open binary file for a path (closed afterwards) or the given file (left open; a
    text-mode file gives its underlying binary buffer)."""
    if isinstance(target, (str, os.PathLike)):
        with open(target, "rb") as handle:
            yield handle
    else:
        yield getattr(target, "buffer", target)


@contextmanager
def binary_target(
    target: str | os.PathLike[str] | IO[bytes], fsync: bool = True
) -> Iterator[IO[bytes]]:
    """An atomic writer for a path, or the given binary file (left open)."""
    if isinstance(target, (str, os.PathLike)):
        with atomic_writer(target, fsync=fsync) as handle:
            yield handle
    else:
        yield target


def write_folder_atomic(path: Path, files: Mapping[str, bytes], fsync: bool = True) -> None:
    """Write a folder of ``files`` (relative paths) to ``path`` so that no half-written folder
    is ever seen there: the files are written into a temporary folder beside it, which is then
    renamed into place. An existing folder (``--force``) is first renamed aside and removed
    once the new one is in place."""
    import shutil

    path = Path(path)
    parent = path.parent if str(path.parent) else Path(".")
    tmp = Path(tempfile.mkdtemp(prefix=temporary_prefix(path.name), suffix=".dir", dir=parent))
    try:
        os.chmod(tmp, 0o777 & ~_umask())
        for name, data in files.items():
            target = tmp / name
            if os.path.isabs(name) or ".." in Path(name).parts:
                raise OSError(f"{name}: a file of a folder output must stay inside it")
            target.parent.mkdir(parents=True, exist_ok=True)
            with open(target, "wb") as handle:
                handle.write(data)
                if fsync:
                    handle.flush()
                    os.fsync(handle.fileno())
            os.chmod(target, 0o666 & ~_umask())
        old: Path | None = None
        if path.exists() or path.is_symlink():
            prefix = temporary_prefix(path.name)
            old = Path(tempfile.mkdtemp(prefix=prefix, suffix=".old", dir=parent))
            os.replace(path, old / "item")
        os.replace(tmp, path)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
