"""The fuzzing harness: one input through every entry point of archmeta.

``exercise(data)`` feeds bytes to every codec's reader, to ``validate``, to the streaming reader
of OAI-PMH responses (the bytes wrapped as a record's metadata), writes every record it could
read in every format and reads it back (the round trip must give the format's projection), all
under a per-input time limit. Anything but an archmeta error, a broken round trip or a slow
input is a finding. ``tests/fuzz/test_fuzz.py`` runs a CI-sized number of inputs;
``python -m tests.fuzz.run --seconds 600`` runs longer (see docs/architecture.md).
"""

from __future__ import annotations

import io
import time

from archmeta.errors import ArchmetaError
from archmeta.formats import BUILTIN_FORMATS, get_format
from archmeta.formats.oaipmh import iter_records
from archmeta.model import ArchivalRecord
from archmeta.time_limits import TimeLimitExceeded, time_limit
from archmeta.validation import validate

#: Seconds one input may take through every entry point (the findings took 10 to 40 s).
TIME_LIMIT = 5.0

#: Pieces the mutator inserts: the markup of every format, the values that broke archmeta
#: before (EDTF sets and intervals, long years, separators in long runs, deep nesting), and
#: characters XML cannot carry.
TOKENS: tuple[bytes, ...] = (
    b"<",
    b">",
    b"&",
    b"&amp;",
    b"**",
    b"\n",
    b"{",
    b"}",
    b"[",
    b"]",
    b'"',
    b"\\",
    b"\x00",
    b"\xff",
    b"<!--",
    b"]]>",
    b"&#1;",
    b"- ",
    b"**Summary:**",
    b"**Citation:**",
    b"<url>",
    b"[1962,1963]",
    b"{1962,1963}",
    b"[..1962]",
    b"1962/..",
    b"Y170000002",
    b"1950S2",
    b"1962-21",
    b"1962~",
    b"1962?/1965",
    b"XXXX-XX",
    b"31 February 1962",
    b"05/04/1962",
    b"1-" * 200,
    b"translated for " * 50,
    b"--" * 200,
    b"[[" * 100,
    b'{"a":' * 200,
    b"<a>" * 200,
    b"\\ud800",
    b"javascript:alert(1)",
    b"http://x.org,/" * 20,
    b"\t\r",
    b"[...]",
    b"[illegible]",
    b"[sic]",
    b"\xe2\x80\xa6",
)


class Finding(AssertionError):
    """An input that broke a promise: something escaped, a round trip changed, or it was slow."""


def _round_trips(record: ArchivalRecord) -> None:
    for name in BUILTIN_FORMATS:
        codec = get_format(name)
        if codec.writes_folders:  # a package item: its round trip goes through a folder, which
            continue  # tests/formats/test_saf.py checks as a property
        written = codec.dumps(record)  # every value the model accepts can be written
        try:
            back = codec.loads(written, source="fuzz")
        except ArchmetaError as exc:
            raise Finding(f"{name}: archmeta cannot read back what it wrote: {exc}") from exc
        if back != codec.project(record):
            raise Finding(f"{name}: the round trip does not give the projection of {record!r}")


def _as_response(data: bytes) -> bytes:
    return (
        b'<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/"><request verb="ListRecords">'
        b"https://example.org/oai</request><ListRecords><record><header><identifier>oai:x:1"
        b"</identifier><datestamp>2026-01-01</datestamp></header><metadata>"
        + data
        + b"</metadata></record></ListRecords></OAI-PMH>"
    )


def exercise(data: bytes) -> None:
    """Run ``data`` through every entry point; raise :class:`Finding` for a broken promise."""
    started = time.monotonic()
    try:
        with time_limit(TIME_LIMIT, "the input"):
            for name in BUILTIN_FORMATS:
                codec = get_format(name)
                try:
                    record = codec.loads(data, source="fuzz")
                except ArchmetaError:
                    record = None
                if record is not None:
                    _round_trips(record)
                report = validate(data, format=name, name="fuzz", max_bytes=0)
                if not all(i.rule and i.message for i in report.issues):
                    raise Finding(f"{name}: an issue without a rule or message")
            try:
                for item in iter_records(io.BytesIO(_as_response(data)), "fuzz"):
                    if item.record is not None:
                        _round_trips(item.record)
            except ArchmetaError:
                pass
    except TimeLimitExceeded:
        raise Finding(f"took more than {TIME_LIMIT} s: {data[:80]!r}...") from None
    except (Finding, ArchmetaError):
        raise
    except Exception as exc:
        raise Finding(f"{type(exc).__name__} escaped: {exc}; input {data[:80]!r}") from exc
    if time.monotonic() - started > TIME_LIMIT:  # a platform without SIGALRM
        raise Finding(f"took more than {TIME_LIMIT} s: {data[:80]!r}")
