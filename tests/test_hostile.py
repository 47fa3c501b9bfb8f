"""Hostile and broken input: each refused with a clear error, quickly, and nothing else happens.

XML cases run against archmeta's hardened parser and against every registered XML format (so
TEI and Dublin Core are covered as soon as they register). The fuzz tests take their parsers from
the format registry, so new formats are fuzzed automatically: only ``ArchmetaError`` may escape.
"""

from __future__ import annotations

import http.server
import json
import shutil
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archmeta.errors import ArchmetaError, ParseError
from archmeta.formats import BUILTIN_FORMATS, get_format
from archmeta.formats import Codec as FormatInfo
from archmeta.model import ArchivalRecord
from archmeta.validation import validate
from archmeta.xmlsafe import parse_xml
from tests.conftest import run_archmeta

ROOT = Path(__file__).resolve().parent.parent
HOSTILE = Path(__file__).parent / "fixtures" / "hostile"
EXAMPLES = ROOT / "examples"
FAST = 1.0  # seconds: every hostile input is refused well within this

FORMATS = {name: get_format(name) for name in BUILTIN_FORMATS}


def xml_formats() -> list[FormatInfo]:
    return [f for f in FORMATS.values() if any(e.endswith(".xml") for e in f.extensions)]


def xml_readers() -> list[tuple[str, Callable[[bytes], object]]]:
    """The hardened parser itself, then every registered XML format's reader."""
    readers: list[tuple[str, Callable[[bytes], object]]] = [
        ("xmlsafe", lambda data: parse_xml(data, source="hostile"))
    ]
    for info in xml_formats():
        readers.append((info.name, lambda data, info=info: info.loads(data, source="hostile")))
    return readers


def refuse(read: Callable[[bytes], object], data: bytes) -> ArchmetaError:
    started = time.perf_counter()
    with pytest.raises(ArchmetaError) as info:
        read(data)
    elapsed = time.perf_counter() - started
    assert elapsed < FAST, f"took {elapsed:.2f} s"
    return info.value


def archmeta(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return run_archmeta(*args, cwd=cwd, timeout=60)


class _Recorder(http.server.BaseHTTPRequestHandler):
    requests: list[str] = []  # noqa: RUF012

    def do_GET(self) -> None:
        self.requests.append(self.path)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b'<!ENTITY leaked "LEAKED-BY-NETWORK">')

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture()
def local_server() -> Iterator[tuple[str, list[str]]]:
    """A web server on localhost that records every request made to it."""
    _Recorder.requests = []
    server = http.server.HTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", _Recorder.requests
    finally:
        server.shutdown()
        server.server_close()


DC_OPEN = (
    '<oai_dc:dc xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/">'
)


# ------------------------------------------------------------------------------ XML


@pytest.mark.parametrize(
    ("fixture", "rule"),
    [
        ("xxe-local-file.xml", "xml-entity"),
        ("xxe-network.xml", "xml-entity"),
        ("parameter-entity.xml", "xml-entity"),
        ("billion-laughs.xml", None),
        ("external-dtd.xml", "xml-external-dtd"),
        ("external-dtd-file.xml", "xml-external-dtd"),
    ],
)
@pytest.mark.parametrize(("reader_name", "read"), xml_readers())
def test_hostile_xml_fixtures_are_refused(
    fixture: str, rule: str | None, reader_name: str, read: Callable[[bytes], object]
) -> None:
    error = refuse(read, (HOSTILE / fixture).read_bytes())
    issues = error.issues
    assert issues and all(i.severity == "error" for i in issues)
    assert "root:" not in str(error)  # nothing of /etc/passwd
    if rule is not None and isinstance(error, ParseError):
        assert error.rule == rule
    if fixture == "billion-laughs.xml":
        assert any(w in str(error) for w in ("entity", "amplification")), str(error)


def test_entities_and_dtds_are_never_fetched(
    tmp_path: Path, local_server: tuple[str, list[str]]
) -> None:
    url, requests = local_server
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-MARKER")
    documents = [
        f'<!DOCTYPE r [<!ENTITY x SYSTEM "{url}/entity">]>{DC_OPEN}<dc:title>&x;</dc:title>'
        "</oai_dc:dc>",
        f'<!DOCTYPE r [<!ENTITY % p SYSTEM "{url}/param"> %p;]>{DC_OPEN}<dc:title>&leaked;'
        "</dc:title></oai_dc:dc>",
        f'<!DOCTYPE r SYSTEM "{url}/dtd">{DC_OPEN}<dc:title>x</dc:title></oai_dc:dc>',
        f'<!DOCTYPE r [<!ENTITY x SYSTEM "{secret.as_uri()}">]>{DC_OPEN}<dc:title>&x;'
        "</dc:title></oai_dc:dc>",
        f'<!DOCTYPE r SYSTEM "{secret.as_uri()}">{DC_OPEN}<dc:title>x</dc:title></oai_dc:dc>',
    ]
    for document in documents:
        for _name, read in xml_readers():
            error = refuse(read, document.encode())
            assert "TOP-SECRET-MARKER" not in str(error)
            assert "LEAKED" not in str(error)
    time.sleep(0.05)
    assert requests == []


def test_quadratic_blowup_is_refused() -> None:
    big = "x" * 100_000
    document = (
        f'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "{big}">]>{DC_OPEN}<dc:title>'
        + "&a;" * 50_000
        + "</dc:title></oai_dc:dc>"
    ).encode()
    for _name, read in xml_readers():
        refuse(read, document)


def test_deep_xml_nesting_is_refused() -> None:
    depth = 100_000
    document = (DC_OPEN + "<x>" * depth + "</x>" * depth + "</oai_dc:dc>").encode()
    for _name, read in xml_readers():
        error = refuse(read, document)
        assert "depth" in str(error).lower() or "nest" in str(error).lower()


@pytest.mark.parametrize(("reader_name", "read"), xml_readers())
def test_xml_control_characters_nul_and_bad_utf8_are_refused(
    reader_name: str, read: Callable[[bytes], object]
) -> None:
    for document in (
        f"{DC_OPEN}<dc:title>a&#1;b</dc:title></oai_dc:dc>".encode(),
        f"{DC_OPEN}<dc:title>a\x00b</dc:title></oai_dc:dc>".encode(),
        f"{DC_OPEN}<dc:title>a\x07b</dc:title></oai_dc:dc>".encode(),
        f"{DC_OPEN}<dc:title>".encode() + b"caf\xe9</dc:title></oai_dc:dc>",
    ):
        error = refuse(read, document)
        assert isinstance(error, ParseError) and error.line == 1


def test_hostile_xml_through_the_command_line(tmp_path: Path) -> None:
    if not xml_formats():
        pytest.skip("no XML format is registered yet")
    fixtures = tmp_path / "hostile"
    fixtures.mkdir()
    for path in HOSTILE.glob("*.xml"):
        shutil.copy(path, fixtures / path.name)
    result = archmeta("validate", "--from", xml_formats()[0].name, "hostile", cwd=tmp_path)
    assert result.returncode == 1
    assert len(result.stdout.splitlines()) >= len(list(fixtures.glob("*.xml")))
    assert "root:" not in result.stdout and "Traceback" not in result.stderr
    converted = archmeta(
        "convert",
        "hostile",
        "--from",
        xml_formats()[0].name,
        "--to",
        "json",
        "--out",
        "out",
        cwd=tmp_path,
    )
    assert converted.returncode == 1
    assert not [p for p in (tmp_path / "out").rglob("*") if p.is_file()]


# ----------------------------------------------------------------------- text and JSON


@pytest.mark.parametrize(
    ("fixture", "rule", "line", "column"),
    [
        ("invalid-utf8.txt", "encoding", 2, 6),
        ("invalid-utf8.json", "encoding", 1, 15),
        ("nul-bytes.txt", "control-character", 2, 7),
        ("nul-bytes.json", "json-syntax", 1, 16),
        ("nul-escaped.json", "control-character", None, None),
        ("utf16-no-bom.json", "encoding", 1, 29),
    ],
)
def test_broken_text_and_json_are_refused_with_their_place(
    tmp_path: Path, fixture: str, rule: str, line: int | None, column: int | None
) -> None:
    path = HOSTILE / fixture
    info = FORMATS["json" if fixture.endswith(".json") else "text"]
    error = refuse(lambda data: info.loads(data, source=fixture), path.read_bytes())
    started = time.perf_counter()
    report = validate(path)
    assert time.perf_counter() - started < FAST
    assert not report.ok
    first = report.issues[0]
    assert (first.rule, first.line, first.column) == (rule, line, column), report.lines()
    assert error.issues
    # and through the command line: reported, exit 1, nothing written
    shutil.copy(path, tmp_path / fixture)
    result = archmeta("convert", fixture, "--to", "json", "--out", "out", cwd=tmp_path)
    assert result.returncode == 1
    assert f"[{rule}]" in result.stderr or rule == "control-character"
    assert not [p for p in (tmp_path / "out").rglob("*") if p.is_file()]


@pytest.mark.parametrize("fixture", ["utf16-bom.txt", "utf16-bom.json"])
def test_utf16_with_bom_reads_like_utf8(fixture: str) -> None:
    data = (HOSTILE / fixture).read_bytes()
    info = FORMATS["json" if fixture.endswith(".json") else "text"]
    record = info.loads(data)
    assert record.title == "Café Talks"
    assert record == info.loads(data.decode("utf-16").encode("utf-8"))
    assert validate(HOSTILE / fixture).ok


@pytest.mark.parametrize("depth", [1_000, 100_000])
def test_deep_json_nesting_is_refused(depth: int) -> None:
    for document in (
        b"[" * depth + b"]" * depth,
        b'{"title": "x", "notes": ' + b"[" * depth + b"]" * depth + b"}",
        b'{"title": ' + b'{"a": ' * depth + b"1" + b"}" * depth + b"}",
    ):
        refuse(lambda data: FORMATS["json"].loads(data, source="deep.json"), document)
        started = time.perf_counter()
        report = validate(document, format="json")
        assert time.perf_counter() - started < FAST
        assert not report.ok


# The command line, then its own peak memory (VmHWM: ru_maxrss would include the parent's,
# which a child started with vfork/posix_spawn inherits at exec).
PEAK_MEMORY = (
    "import re, runpy, sys\n"
    "sys.argv = ['archmeta', *sys.argv[1:]]\n"
    "try:\n"
    "    runpy.run_module('archmeta.cli', run_name='__main__')\n"
    "finally:\n"
    "    status = open('/proc/self/status').read()\n"
    "    kb = re.search(r'VmHWM:\\s+(\\d+)', status).group(1)\n"
    "    print(f'peak-rss-kb={kb}', file=sys.stderr)\n"
)


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs Linux /proc")
def test_a_200_mb_file_is_refused_by_the_size_limit(tmp_path: Path) -> None:
    big = tmp_path / "huge.json"
    with big.open("wb") as handle:
        handle.write(b'{"title": "')
        handle.truncate(200 * 1024 * 1024)  # 200 MB on disk without spending time writing it
    for args in (["validate", "huge.json"], ["convert", "huge.json", "--to", "text"]):
        started = time.perf_counter()
        result = subprocess.run(
            [sys.executable, "-c", PEAK_MEMORY, *args],
            capture_output=True,
            text=True,
            cwd=tmp_path,
            timeout=60,
        )
        assert time.perf_counter() - started < 5  # interpreter start-up included
        assert result.returncode == 1
        output = result.stdout + result.stderr
        assert "huge.json:1:1: error: the input is 209,715,200 bytes, more than the limit" in output
        assert "[input-too-large]" in output
        peak = int(result.stderr.rsplit("peak-rss-kb=", 1)[1])
        assert peak < 150_000, f"{peak} kB: the file was read into memory"
    batch = archmeta("convert", ".", "--to", "text", "--out", "../out", cwd=tmp_path)
    assert batch.returncode == 1 and "[input-too-large]" in batch.stderr
    lowered = archmeta("validate", "--max-size", "100M", "huge.json", cwd=tmp_path)
    assert "more than the limit of 104,857,600 bytes" in lowered.stdout  # the limit is an option
    started = time.perf_counter()
    assert validate(big).issues[0].rule == "input-too-large"
    assert time.perf_counter() - started < FAST


# ------------------------------------------------------------------------ on output


@pytest.mark.parametrize("char", ["\x00", "\x01", "\x08", "\x0b", "\x1f", "\ufffe", "\uffff"])
def test_model_refuses_xml_illegal_characters(char: str) -> None:
    import pydantic

    for fields in ({"title": f"a{char}b"}, {"title": "t", "summary": f"a{char}b"}):
        with pytest.raises(pydantic.ValidationError):
            ArchivalRecord(**fields)
    record = ArchivalRecord(title="t")
    with pytest.raises(pydantic.ValidationError):
        record.title = f"a{char}b"  # assignment is validated too
    assert record.title == "t"


@pytest.mark.parametrize(
    "name", sorted(n for n in FORMATS if n == "json" or FORMATS[n] in xml_formats())
)
def test_writers_never_write_illegal_characters(name: str) -> None:
    """A record forged around the model (model_construct) is refused or escaped on output:
    XML writers never produce XML 1.0-illegal characters; JSON escapes them."""
    forged = ArchivalRecord.model_construct(title="Bell \x07 and NUL \x00 title")
    info = FORMATS[name]
    try:
        text = info.dumps(forged)
    except Exception:  # refused: fine, as long as nothing invalid is produced
        return
    assert "\x07" not in text and "\x00" not in text
    if any(e.endswith(".xml") for e in info.extensions):
        parse_xml(text.encode("utf-8"))


def test_json_input_with_control_characters_is_refused_on_output(tmp_path: Path) -> None:
    source = tmp_path / "bell.json"
    source.write_text(json.dumps({"title": "Bell \u0007 title"}), encoding="utf-8")
    for target in sorted(FORMATS):
        result = archmeta("convert", str(source), "--to", target, "-o", str(tmp_path / "o"))
        assert result.returncode == 1, target
        assert "[control-character]" in result.stderr or "control" in result.stderr
        assert not (tmp_path / "o").exists()


# --------------------------------------------------------------------------- fuzzing


def _examples(info: FormatInfo) -> list[bytes]:
    return [
        p.read_bytes()
        for p in sorted(EXAMPLES.iterdir())
        if p.is_file() and any(p.name.endswith(e) for e in info.extensions)
    ][:5]


def _only_archmeta_errors(info: FormatInfo, data: bytes) -> None:
    try:
        record = info.loads(data, source="fuzz")
    except ArchmetaError:
        pass
    else:
        assert isinstance(record, ArchivalRecord)
    report = validate(data, format=info.name, name="fuzz")  # never raises
    assert all(i.rule and i.message for i in report.issues)


@pytest.mark.parametrize("name", sorted(FORMATS))
@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_fuzz_every_parser_raises_only_archmeta_errors(name: str, data: st.DataObject) -> None:
    info = FORMATS[name]
    seeds = _examples(info) or [b""]
    kind = data.draw(st.sampled_from(["bytes", "text", "mutated"]))
    if kind == "bytes":
        blob = data.draw(st.binary(max_size=400))
    elif kind == "text":
        blob = data.draw(st.text(max_size=300)).encode("utf-8", "surrogatepass")
    else:
        blob = bytearray(data.draw(st.sampled_from(seeds)))
        for _ in range(data.draw(st.integers(1, 8))):
            if not blob:
                break
            at = data.draw(st.integers(0, len(blob) - 1))
            action = data.draw(st.sampled_from(["flip", "cut", "insert", "delete"]))
            if action == "flip":
                blob[at] = data.draw(st.integers(0, 255))
            elif action == "cut":
                del blob[at:]
            elif action == "insert":
                token = data.draw(
                    st.sampled_from(
                        [
                            b"<",
                            b">",
                            b"&",
                            b"&amp;",
                            b"**",
                            b"\n",
                            b"{",
                            b"}",
                            b"[",
                            b'"',
                            b"\\",
                            b"\x00",
                            b"\xff",
                            b"<!--",
                            b"]]>",
                            b"&#1;",
                            b"- ",
                            b"**Summary:**",
                        ]
                    )
                )
                blob[at:at] = token
            else:
                del blob[at : at + data.draw(st.integers(1, 20))]
        blob = bytes(blob)
    _only_archmeta_errors(info, blob)


ATHERIS_HARNESS = textwrap.dedent(
    """
    import sys
    import atheris

    with atheris.instrument_imports(include=["archmeta"]):
        from archmeta.errors import ArchmetaError
        from archmeta.formats import BUILTIN_FORMATS, get_format
        FORMATS = {name: get_format(name) for name in BUILTIN_FORMATS}

    NAMES = sorted(FORMATS)

    def one_input(data: bytes) -> None:
        if not data:
            return
        info = FORMATS[NAMES[data[0] % len(NAMES)]]
        try:
            info.loads(data[1:], source="atheris")
        except ArchmetaError:
            pass

    atheris.Setup(sys.argv, one_input)
    atheris.Fuzz()
    """
)


def test_atheris_bounded_run(tmp_path: Path) -> None:
    pytest.importorskip("atheris")
    harness = tmp_path / "harness.py"
    harness.write_text(ATHERIS_HARNESS)
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for index, info in enumerate(sorted(FORMATS)):
        for n, seed in enumerate(_examples(FORMATS[info])):
            (corpus / f"{info}-{n}").write_bytes(bytes([index]) + seed)
    result = subprocess.run(
        [
            sys.executable,
            str(harness),
            "-runs=4000",
            "-max_total_time=20",
            "-max_len=4096",
            str(corpus),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr[-4000:]
    assert "Done 4000 runs" in result.stderr or "Done" in result.stderr, result.stderr[-2000:]
