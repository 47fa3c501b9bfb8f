"""Reading inputs, in one place for ``validate``, ``convert`` and batch alike.

A source is a path, the document's bytes or text, or a binary stream. Reading refuses inputs
over a size limit before they are read, names files that cannot be read (a folder, no
permission, a broken link) with :class:`~archmeta.errors.UnreadableError`, and tells the
input's codec from its name and first bytes. Decoding the bytes is the codec's own job (each
format has its own rules: XML declares its encoding, text is UTF-8).
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING

from .errors import ParseError, UnreadableError, UsageError

if TYPE_CHECKING:
    from .formats.codec import Codec

__all__ = [
    "DEFAULT_MAX_BYTES",
    "HEAD_BYTES",
    "Source",
    "open_source",
    "parse_size",
    "read_head",
    "read_source",
    "read_stream",
    "too_large",
]

DEFAULT_MAX_BYTES = 64 * 1024 * 1024
"""Inputs larger than this are refused before they are read (``--max-size`` changes it)."""
HEAD_BYTES = 4096
"""How much of an input is looked at to tell its format."""


def parse_size(text: str | int) -> int:
    """``"64M"``, ``"200k"``, ``"1G"`` or a number of bytes; ``0`` means no limit.

    >>> parse_size("64M")
    67108864
    """
    if isinstance(text, int):
        return text
    m = re.fullmatch(r"\s*(\d+)\s*([kKmMgG]?)[iI]?[bB]?\s*", text)
    if not m:
        raise UsageError(f"invalid size {text!r}; use a number of bytes or e.g. 64M, 500k, 1G")
    factor = {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3}[m.group(2).lower()]
    return int(m.group(1)) * factor


def too_large(size: int, limit: int, name: str) -> ParseError:
    """The error for an input of ``size`` bytes over ``limit`` (rule ``input-too-large``)."""
    return ParseError(
        f"the input is {size:,} bytes, more than the limit of {limit:,} bytes "
        "(raise it with --max-size or max_bytes=)",
        source=name,
        line=1,
        column=1,
        rule="input-too-large",
    )


def _read_limited(handle: IO[bytes], name: str, max_bytes: int, size_hint: int = 0) -> bytes:
    """Read a binary stream to its end, refusing it once it passes ``max_bytes`` (0: no limit).

    Reads what the file's size promises in one call, then in 1 MiB pieces: never allocates a
    buffer of the limit's size for a small file.
    """
    chunks: list[bytes] = []
    total = 0
    want = size_hint + 1 if size_hint else 65536
    while True:
        if max_bytes:
            want = min(want, max_bytes + 1 - total)
        piece = handle.read(want)
        if not piece:
            break
        chunks.append(piece)
        total += len(piece)
        if max_bytes and total > max_bytes:
            raise too_large(total, max_bytes, name)
        want = 1 << 20
    return b"".join(chunks)


def _unreadable(name: str, exc: OSError) -> UsageError:
    if isinstance(exc, FileNotFoundError):
        if os.path.lexists(name):
            return UnreadableError(f"{name}: a broken symbolic link")
        return UsageError(f"{name}: no such file")
    if isinstance(exc, IsADirectoryError):
        return UnreadableError(f"{name}: is a folder, not a file")
    return UnreadableError(f"{name}: cannot read ({exc.strerror})")


def _refuse_special(path: str | os.PathLike[str]) -> None:
    """Refuse what is not a regular file before opening it: opening a FIFO waits for a writer
    forever, and a device or socket is no document."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return  # opening it says what is wrong
    if stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode) or stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        kind = "a FIFO" if stat.S_ISFIFO(mode) else "a socket or device"
        raise UnreadableError(f"{os.fspath(path)}: not a regular file ({kind}); not read")


def read_source(path: str | os.PathLike[str], max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """The bytes of a file, refused with :class:`ParseError` (rule ``input-too-large``) before
    reading when the file is larger than ``max_bytes`` (0: no limit). A missing file is a
    :class:`UsageError`, one that cannot be read (or is not a regular file) an
    :class:`UnreadableError`."""
    name = os.fspath(path)
    _refuse_special(path)
    try:
        with open(path, "rb", buffering=0) as handle:
            size = os.fstat(handle.fileno()).st_size
            if max_bytes and size > max_bytes:
                raise too_large(size, max_bytes, name)
            return _read_limited(handle, name, max_bytes, size)
    except OSError as exc:
        raise _unreadable(name, exc) from None


def read_stream(
    stream: IO[bytes], name: str = "<stdin>", max_bytes: int = DEFAULT_MAX_BYTES
) -> bytes:
    """Read a binary stream up to ``max_bytes`` (refused beyond it)."""
    return _read_limited(stream, name, max_bytes)


def read_head(path: str | os.PathLike[str], size: int = HEAD_BYTES) -> bytes:
    """The first bytes of a file (to tell its format)."""
    _refuse_special(path)
    try:
        with open(path, "rb") as handle:
            return handle.read(size)
    except OSError as exc:
        raise _unreadable(os.fspath(path), exc) from None


@dataclass(frozen=True)
class Source:
    """One input, read: its name, its path (None for data given in memory), its content and
    the codec that reads it.

    ``data`` is None when the file is over the size limit: a container codec (an OAI-PMH
    response) streams it from ``path`` in constant memory, any other codec reports
    ``too_large``.
    """

    name: str | None
    path: str | None
    data: bytes | str | None
    head: bytes
    codec: Codec
    too_large: ParseError | None = None
    #: Whether the input is a folder that its codec reads as one container (a package).
    folder: bool = False

    @property
    def is_container(self) -> bool:
        """Whether the input holds several records (its codec streams them)."""
        return self.folder or self.codec.is_container(self.head)


def _head_of(data: bytes | str) -> bytes:
    head = data[:HEAD_BYTES]
    return head.encode("utf-8", "replace") if isinstance(head, str) else head


def open_source(
    source: str | bytes | os.PathLike[str],
    *,
    name: str | None = None,
    format: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    is_path: bool | None = None,
) -> Source:
    """Read ``source`` (a path, or the document's bytes or text) and find its codec.

    A ``str`` is taken for a path when ``is_path`` says so, or (``is_path`` None) when it names
    an existing file and holds no newline; a string that looks like a file name with a known
    extension but names no file is a :class:`UsageError` ("no such file"), not a document.
    ``format`` names the codec; by default it is told from the name, then the content.
    Raises :class:`ParseError` for an input over ``max_bytes`` that no codec can stream,
    :class:`UnreadableError` and :class:`UsageError` as :func:`read_source` does, and
    :class:`UsageError` when the format cannot be told.
    """
    from .formats import detect_format, get_format

    path = _as_path(source, is_path)
    label = name or path
    oversize: ParseError | None = None
    data: bytes | str | None
    if path is not None and format and os.path.isdir(path) and get_format(format).reads_folders:
        # A package: a folder its codec reads as one container, item by item.
        return Source(label, path, None, b"", get_format(format), folder=True)
    if path is not None:
        try:
            data = read_source(path, max_bytes)
            head = _head_of(data)
        except ParseError as exc:
            oversize, data, head = exc, None, read_head(path)
    else:
        assert not isinstance(source, os.PathLike)
        data = source
        head = _head_of(data)
        if max_bytes and len(data) > max_bytes:
            raise too_large(len(data), max_bytes, label or "<input>")
    codec = get_format(format) if format else detect_format(path or name, head)
    opened = Source(label, path, data, head, codec, oversize)
    if oversize is not None and not (opened.is_container and codec.streams):
        raise oversize  # only a streamed container is read however large it is
    return opened


def _as_path(source: str | bytes | os.PathLike[str], is_path: bool | None) -> str | None:
    if isinstance(source, os.PathLike):
        return os.fspath(source)
    if not isinstance(source, str) or is_path is False:
        return None
    if is_path:
        return source
    if "\n" in source or len(source) >= HEAD_BYTES:
        return None
    try:
        if os.path.isfile(source):
            return source
    except (OSError, ValueError):
        return None
    if not source.lstrip().startswith(("{", "[", "<", "*")):
        from .formats import detect_format

        try:
            detect_format(source)
        except UsageError:
            return None
        # A file name with a known extension: a path that is not there.
        raise UsageError(f"{source}: no such file")
    return None
