"""Batch conversion: layout, parallel = serial, nothing lost, nothing overwritten, interrupts."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from archmeta import batch
from archmeta.errors import Issue
from archmeta.formats import Codec, CollectionItem, Decoded
from archmeta.model import ArchivalRecord
from tests.conftest import run_archmeta

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
MIXED = Path(__file__).parent / "fixtures" / "mixed"
SUMMARY = re.compile(
    r"^archmeta: converted (\d+), failed (\d+), skipped (\d+) in [\d.]+ s "
    r"\([\d.]+ records/s\)(; interrupted, (\d+) record\(s\) not converted)?$",
    re.MULTILINE,
)


def archmeta(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return run_archmeta(*args, cwd=cwd, timeout=300)


def summary(stderr: str) -> tuple[int, int, int]:
    m = SUMMARY.search(stderr)
    assert m, stderr
    return int(m.group(1)), int(m.group(2)), int(m.group(3))


def snapshot(folder: Path) -> dict[str, tuple[str, int]]:
    return {
        str(p.relative_to(folder)): (
            hashlib.sha256(p.read_bytes()).hexdigest(),
            p.stat().st_mtime_ns,
        )
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def tree(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def make_records(folder: Path, count: int, per_folder: int = 100) -> None:
    """``count`` distinct text records in subfolders of ``folder``."""
    template = (EXAMPLES / "wilson-118189.txt").read_text(encoding="utf-8")
    for n in range(count):
        sub = folder / f"part-{n // per_folder:03d}"
        sub.mkdir(parents=True, exist_ok=True)
        text = template.replace("Cable from the Chinese Foreign Ministry", f"Cable number {n}")
        (sub / f"record-{n:05d}.txt").write_text(text, encoding="utf-8")


# --------------------------------------------------------------------------- layout


def test_folder_keeps_its_layout_and_bad_inputs_fail_alone(tmp_path: Path) -> None:
    source = tmp_path / "in"
    shutil.copytree(MIXED, source)
    before = snapshot(source)
    result = archmeta("convert", "in", "--to", "json", "--out", "out", "--jobs", "2", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    assert summary(result.stderr) == (4, 5, 0)
    out = tmp_path / "out"
    assert sorted(tree(out)) == [
        "invalid/future.json",
        "nested/deeper/undated.json",
        "valid/wilson-118189-copy.json",
        "valid/wilson-118189.json",
    ]
    for name in ("binary.json", "empty.txt", "schema.json", "several-problems.txt", "truncated"):
        assert name in result.stderr
    assert "in/empty.txt:1:1: error: the record is empty" in result.stderr
    assert json.loads((out / "valid/wilson-118189.json").read_text())["title"].startswith("Cable")
    assert snapshot(source) == before  # inputs never modified
    assert not list(out.rglob("*.part")) and not list(out.rglob(".*"))


def test_files_and_folders_together(tmp_path: Path) -> None:
    make_records(tmp_path / "a", 3)
    seed = tmp_path / "seed.txt"
    shutil.copy(EXAMPLES / "wilson-118189.txt", seed)
    result = archmeta("convert", "a", "seed.txt", "--to", "json", "--out", "o", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert sorted(tree(tmp_path / "o")) == [
        "part-000/record-00000.json",
        "part-000/record-00001.json",
        "part-000/record-00002.json",
        "seed.json",
    ]


def test_existing_outputs_are_kept_unless_force(tmp_path: Path) -> None:
    make_records(tmp_path / "in", 5)
    args = ("convert", "in", "--to", "json", "--out", "out", "--jobs", "2")
    assert archmeta(*args, cwd=tmp_path).returncode == 0
    target = tmp_path / "out/part-000/record-00000.json"
    target.write_text("mine\n")
    again = archmeta(*args, cwd=tmp_path)
    assert again.returncode == 0
    assert summary(again.stderr) == (0, 0, 5)
    # Said once, not once per file: a rerun of a harvest may skip thousands.
    assert again.stderr.count("skipped") == 2
    assert "archmeta: skipped 5 existing output(s) (use --force to overwrite them)" in again.stderr
    assert target.read_text() == "mine\n"
    quiet = archmeta(*args, "--quiet", cwd=tmp_path)
    assert quiet.returncode == 0 and summary(quiet.stderr) == (0, 0, 5)
    forced = archmeta(*args, "--force", cwd=tmp_path)
    assert summary(forced.stderr) == (5, 0, 0)
    assert json.loads(target.read_text())["title"].startswith("Cable number 0")


def test_two_inputs_with_one_output_conflict(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    shutil.copy(EXAMPLES / "wilson-118189.txt", tmp_path / "in/r.txt")
    shutil.copy(EXAMPLES / "wilson-118189.json", tmp_path / "in/r.json")
    result = archmeta("convert", "in", "--to", "text", "--out", "out", cwd=tmp_path)
    assert result.returncode == 1
    # Neither wins: both are reported, and nothing is written for either.
    assert summary(result.stderr) == (0, 2, 0)
    assert result.stderr.count("[output-conflict]") == 2
    assert not (tmp_path / "out/r.txt").exists()


@pytest.mark.parametrize("out", ["in", "in/converted", "in/part-000"])
def test_an_output_folder_in_an_input_folder_is_one_usage_error(tmp_path: Path, out: str) -> None:
    make_records(tmp_path / "in", 2)
    before = snapshot(tmp_path / "in")
    result = archmeta("convert", "in", "--to", "text", "--out", out, "--force", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "is inside the input folder in" in result.stderr
    assert snapshot(tmp_path / "in") == before


def test_a_folder_that_cannot_be_listed_fails_instead_of_being_skipped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_records(tmp_path / "in", 2, per_folder=1)
    locked = str(tmp_path / "in" / "part-001")
    scandir = os.scandir

    def no_permission(path: object = ".") -> object:  # as chmod 000 does for anyone but root
        if os.fspath(path) == locked:  # type: ignore[arg-type]
            raise PermissionError(13, "Permission denied", locked)
        return scandir(path)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "scandir", no_permission)
    jobs = batch.plan([str(tmp_path / "in")], "json", tmp_path / "out")
    assert [Path(j.input).name for j in jobs] == ["part-001", "record-00000.txt"]
    result = batch.run(jobs, batch.Settings("json"), workers=1)
    assert (result.converted, result.failed) == (1, 1)
    messages = [m for o in result.outcomes for m in o.messages]
    assert messages == [f"{locked}: error: cannot list the folder (Permission denied) [unreadable]"]


def test_an_output_that_cannot_be_written_fails_that_input_with_a_clear_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from archmeta.formats import _io

    def disk_full(path: Path, data: bytes, fsync: bool = False) -> None:
        raise OSError(28, "No space left on device", str(path))

    monkeypatch.setattr(_io, "write_atomic", disk_full)
    source = tmp_path / "r.txt"
    shutil.copy(EXAMPLES / "wilson-118189.txt", source)
    output = tmp_path / "out" / "r.json"
    outcome = batch.convert_one(batch.Job(str(source), str(output)), batch.Settings("json"))
    assert outcome.failed == 1
    assert outcome.messages == [
        f"{source}: error: cannot write {output} (No space left on device) [write-failed]"
    ]


def test_jobs_2_gives_the_same_outputs_as_jobs_1(tmp_path: Path) -> None:
    make_records(tmp_path / "in", 120, per_folder=30)
    shutil.copy(MIXED / "empty.txt", tmp_path / "in/empty.txt")
    one = archmeta("convert", "in", "--to", "json", "--out", "one", "--jobs", "1", cwd=tmp_path)
    two = archmeta("convert", "in", "--to", "json", "--out", "two", "--jobs", "2", cwd=tmp_path)
    assert one.returncode == two.returncode == 1
    assert summary(one.stderr) == summary(two.stderr) == (120, 1, 0)
    first, second = tree(tmp_path / "one"), tree(tmp_path / "two")
    assert len(first) == 120 and first == second


def test_progress_bar_only_on_a_terminal(tmp_path: Path) -> None:
    pty = pytest.importorskip("pty")
    make_records(tmp_path / "in", 4)
    plain = archmeta("convert", "in", "--to", "json", "--out", "plain", cwd=tmp_path)
    assert plain.stderr.count("\n") == 1 and "|" not in plain.stderr  # the summary only

    def run_on_tty(*extra: str) -> str:
        import fcntl
        import struct
        import termios

        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))
        process = subprocess.Popen(
            [sys.executable, "-m", "archmeta.cli", "convert", "in", "--to", "json", *extra],
            cwd=tmp_path,
            stdout=subprocess.DEVNULL,
            stderr=slave,
        )
        os.close(slave)
        chunks = []
        while True:
            try:
                data = os.read(master, 65536)
            except OSError:
                break
            if not data:
                break
            chunks.append(data)
        process.wait(timeout=60)
        os.close(master)
        return b"".join(chunks).decode("utf-8", "replace")

    shown = run_on_tty("--out", "tty")
    assert "4/4" in shown and "record" in shown and "converted 4" in shown
    quiet = run_on_tty("--out", "quiet", "--quiet")
    assert "|" not in quiet and quiet.strip().startswith("archmeta: converted 4")


# ----------------------------------------------------------------------- interruption


@pytest.mark.parametrize(
    ("signum", "group"),
    [(signal.SIGINT, False), (signal.SIGTERM, False), (signal.SIGINT, True)],
    ids=["SIGINT", "SIGTERM", "Ctrl-C-to-the-process-group"],
)
def test_interrupted_batch_leaves_no_partial_file(tmp_path: Path, signum: int, group: bool) -> None:
    count = 3000
    make_records(tmp_path / "in", count)
    out = tmp_path / "out"
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "archmeta.cli",
            "convert",
            "in",
            "--to",
            "json",
            "--out",
            "out",
            "--jobs",
            "2",
        ],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=group,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if out.exists() and sum(1 for _ in out.rglob("*.json")) >= 50:
            break
        time.sleep(0.02)
    if group:  # what a terminal does on Ctrl-C: the workers get the signal too
        os.killpg(process.pid, signum)
    else:
        process.send_signal(signum)
    _stdout, stderr = process.communicate(timeout=60)
    assert process.returncode == 128 + signum, stderr
    converted, failed, _skipped = summary(stderr)
    assert "interrupted" in stderr and failed == 0
    written = sorted(out.rglob("*"))
    files = [p for p in written if p.is_file()]
    assert not [p for p in files if p.name.endswith(".part") or p.name.startswith(".")]
    assert 50 <= len(files) == converted < count
    for path in files:
        record = json.loads(path.read_text(encoding="utf-8"))  # complete and parseable
        number = int(path.stem.split("-")[1])
        assert record["title"].startswith(f"Cable number {number},")
    # the rest is done by running again; what was done is skipped
    rest = archmeta("convert", "in", "--to", "json", "--out", "out", cwd=tmp_path)
    assert rest.returncode == 0
    assert summary(rest.stderr) == (count - converted, 0, converted)


# --------------------------------------------------------------- multi-record inputs


class FakeContainer(Codec):
    """A container format for the test: what its file says decides what it holds."""

    name = "fake"
    extensions = (".fake",)
    media_type = "application/x-fake"
    description = "test only"

    def __init__(self, record: ArchivalRecord) -> None:
        self.record = record

    def read(self, data: str | bytes, source: str | None = None) -> Decoded:
        return Decoded(self.record)

    def write(self, record: ArchivalRecord) -> str:
        return record.title

    def is_container(self, head: bytes) -> bool:
        return True

    def iter_records(  # type: ignore[no-untyped-def]
        self, source, source_name=None, *, numbers=None, headers_only=False, max_bytes=0
    ):
        data = Path(source).read_bytes() if isinstance(source, str) else source.read()
        record = self.record
        if b"single" in data:
            items = [CollectionItem(None, None, record=record)]
        else:
            bad = [Issue("no title", "parse", line=7)]
            items = [
                CollectionItem("oai:digitalarchive.wilsoncenter.org:118189", None, record=record),
                CollectionItem("oai:example.org:gone", None, deleted=True),
                CollectionItem("oai:example.org:bad", None, issues=bad),
                CollectionItem(None, None, record=record),
                CollectionItem("oai:digitalarchive.wilsoncenter.org:118189", None, record=record),
            ]
        for number, item in enumerate(items, 1):
            item.number = number
            if numbers is None or number in numbers:
                yield item


def test_multi_record_inputs_give_one_output_per_record(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from archmeta.formats import json as json_format
    from archmeta.formats import registry

    record = json_format.loads((EXAMPLES / "wilson-118189.json").read_bytes())
    monkeypatch.setitem(registry._codecs, "fake", FakeContainer(record))
    monkeypatch.setitem(registry._extensions, "fake", (".fake",))
    (tmp_path / "in/sub").mkdir(parents=True)
    (tmp_path / "in/sub/ListRecords.fake").write_bytes(b"many")
    (tmp_path / "in/one.fake").write_bytes(b"single")
    jobs = batch.plan([str(tmp_path / "in")], "json", tmp_path / "out")
    result = batch.run(jobs, batch.Settings("json"), workers=1)
    # The identifier that appears twice is a conflict for both records: neither is written.
    assert (result.converted, result.failed, result.skipped) == (2, 3, 1)
    assert sorted(tree(tmp_path / "out")) == ["one.json", "sub/ListRecords-00004.json"]
    messages = [m for o in result.outcomes for m in o.messages]
    assert any("oai:example.org:gone): skipped: deleted record" in m for m in messages)
    assert any(m.endswith(":7:1: error: no title [parse]") for m in messages)
    # The outcomes keep the problems as data, not strings.
    assert [(i.rule, i.line) for i in result.issues] == [
        ("output-conflict", None),
        ("parse", 7),
        ("output-conflict", None),
    ]


def test_safe_name() -> None:
    assert batch.safe_name("oai:archive.org:a/b c") == "oai_archive.org_a_b_c"
    assert batch.safe_name("../../etc/passwd") == "etc_passwd"
    assert batch.safe_name("...") == "record"
    long = batch.safe_name("x" * 500)
    assert len(long) <= 161 and long != batch.safe_name("x" * 499)


def test_oai_pmh_list_records_give_one_file_per_record(tmp_path: Path) -> None:
    from tests.conftest import conformance

    harvest = conformance("dc", "pyoai_erasmus_dspace_ListRecords_2003.xml")
    shutil.copy(harvest, tmp_path / "ListRecords.xml")
    before = snapshot(tmp_path)
    result = archmeta("convert", "ListRecords.xml", "--to", "json", "--out", "out", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    converted, failed, _skipped = summary(result.stderr)
    names = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert converted == len(names) > 1 and failed == 0
    assert all(re.fullmatch(r"hdl_1765_\d+(-\d+)?\.json", n) for n in names), names
    for name in names:
        assert json.loads((tmp_path / "out" / name).read_text(encoding="utf-8"))["title"]
    assert {k: v for k, v in snapshot(tmp_path).items() if not k.startswith("out")} == before
    report = archmeta("validate", "--report", "json", "ListRecords.xml", cwd=tmp_path)
    issues = json.loads(report.stdout)["files"][0]["issues"]
    assert issues and all(i["line"] for i in issues)
    assert any(i["message"].startswith("hdl:1765/") for i in issues)


def test_a_broken_harvest_keeps_the_records_before_the_error(tmp_path: Path) -> None:
    from tests.conftest import conformance

    harvest = conformance("dc", "scrapi_columbia_academiccommons_ListRecords.xml")
    data = harvest.read_bytes()
    cut = data.rfind(b"<record>") if b"<record>" in data else data.rfind(b"<record")
    (tmp_path / "cut.xml").write_bytes(data[:cut] + b"<record><header><</record>")
    result = archmeta("convert", "cut.xml", "--to", "json", "--out", "out", cwd=tmp_path)
    assert result.returncode == 1
    converted, failed, _ = summary(result.stderr)
    assert converted >= 1 and failed == 1
    assert "[xml-syntax]" in result.stderr


def test_an_oai_pmh_error_response_is_read_as_one(tmp_path: Path) -> None:
    # An incremental harvest that found nothing new is an error response noRecordsMatch: no
    # records, not a failure; any other error code is reported as what the server said.
    def response(code: str, text: str) -> str:
        return (
            '<?xml version="1.0"?>\n<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/">'
            '<request verb="ListRecords">https://example.org/oai</request>'
            f'<error code="{code}">{text}</error></OAI-PMH>\n'
        )

    (tmp_path / "nothing-new.xml").write_text(response("noRecordsMatch", "none"), "utf-8")
    (tmp_path / "expired.xml").write_text(response("badResumptionToken", "expired"), "utf-8")
    nothing = archmeta("convert", "nothing-new.xml", "--to", "json", "--out", "o", cwd=tmp_path)
    assert nothing.returncode == 0, nothing.stderr
    assert "nothing-new.xml: skipped: it holds no records" in nothing.stderr
    assert archmeta("validate", "nothing-new.xml", cwd=tmp_path).returncode == 0
    expired = archmeta("convert", "expired.xml", "--to", "json", "--out", "o", cwd=tmp_path)
    assert expired.returncode == 1
    message = "error: the OAI-PMH response is an error: badResumptionToken: expired [oai-error]"
    assert f"expired.xml:2:1: {message}" in expired.stderr
    checked = archmeta("validate", "expired.xml", cwd=tmp_path)
    assert checked.returncode == 1 and checked.stdout == f"expired.xml:2:1: {message}\n"
