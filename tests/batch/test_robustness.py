"""Batches that survive what operators meet: FIFOs, slow records, Ctrl-C while a worker is
busy, killed workers, a killed parent, leftovers of a killed run, links out of the output
folder, full disks and names too long."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES, run_archmeta
from tests.plugins import SLEEPY, install

SUMMARY = re.compile(r"^archmeta: converted (\d+), failed (\d+), skipped (\d+) in", re.MULTILINE)
POSIX_ONLY = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs POSIX FIFOs and signals")


def summary(stderr: str) -> tuple[int, int, int]:
    m = SUMMARY.search(stderr)
    assert m, stderr
    return int(m.group(1)), int(m.group(2)), int(m.group(3))


@pytest.fixture
def sleepy(tmp_path: Path) -> dict[str, str]:
    return install(tmp_path / "site", "archmeta_sleepy", SLEEPY, "sleepy = archmeta_sleepy:codec")


def start(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "archmeta.cli", *args],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def descendants(pid: int) -> list[int]:
    """The processes started, directly or not, by ``pid`` (read from /proc)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            children.setdefault(int(fields[1]), []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@POSIX_ONLY
def test_a_fifo_in_a_folder_is_skipped_with_a_reason_and_never_opened(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "cable.txt").write_bytes((EXAMPLES / "wilson-118189.txt").read_bytes())
    os.mkfifo(tmp_path / "in" / "x.txt")
    converted = run_archmeta(
        "convert", "in", "--to", "json", "--out", "out", cwd=tmp_path, timeout=60
    )
    assert summary(converted.stderr) == (1, 0, 1), converted.stderr
    assert "x.txt: skipped: not a regular file (a FIFO)" in converted.stderr
    checked = run_archmeta("validate", "in", cwd=tmp_path, timeout=60)
    assert "x.txt: error: not a regular file (a FIFO); not read [unreadable]" in checked.stdout
    one = run_archmeta("convert", "in/x.txt", "--to", "json", cwd=tmp_path, timeout=60)
    assert one.returncode == 2 and "not a regular file" in one.stderr


def test_a_record_over_the_time_limit_fails_and_the_rest_goes_on(
    tmp_path: Path, sleepy: dict[str, str]
) -> None:
    (tmp_path / "in").mkdir()
    for n in range(4):
        (tmp_path / "in" / f"r{n}.sleepy").write_text("quick\n")
    (tmp_path / "in" / "slow.sleepy").write_text("sleep 60\n")
    began = time.monotonic()
    result = subprocess.run(
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
            "--timeout",
            "1",
            "--jobs",
            "2",
        ],
        cwd=tmp_path,
        env=sleepy,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert time.monotonic() - began < 30  # not the 60 s the record would take
    assert result.returncode == 1
    assert summary(result.stderr) == (4, 1, 0)
    assert "slow.sleepy: error: the record took more than 1 s (--timeout) [timeout]" in (
        result.stderr
    )


@POSIX_ONLY
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_a_stop_request_is_obeyed_within_seconds_while_a_worker_is_busy(
    tmp_path: Path, sleepy: dict[str, str], signum: int
) -> None:
    (tmp_path / "in").mkdir()
    for n in range(6):
        (tmp_path / "in" / f"r{n}.sleepy").write_text("quick\n")
    (tmp_path / "in" / "z-slow1.sleepy").write_text("sleep 120\n")
    (tmp_path / "in" / "z-slow2.sleepy").write_text("sleep 120\n")
    process = start(
        ["convert", "in", "--to", "json", "--out", "out", "--jobs", "2"], tmp_path, sleepy
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(list((tmp_path / "out").glob("*.json"))) < 6:
        time.sleep(0.05)
    time.sleep(0.5)  # both workers are now inside a two-minute record
    asked = time.monotonic()
    process.send_signal(signum)
    _, stderr = process.communicate(timeout=60)
    assert time.monotonic() - asked < 10, stderr
    assert process.returncode == 128 + signum, stderr
    assert "interrupted, 2 record(s) not converted" in stderr
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [f"r{n}.json" for n in range(6)]


@POSIX_ONLY
def test_a_killed_worker_is_reported_and_its_records_retried(
    tmp_path: Path, sleepy: dict[str, str]
) -> None:
    (tmp_path / "in").mkdir()
    for n in range(8):
        (tmp_path / "in" / f"r{n}.sleepy").write_text("sleep 0.5\n")
    process = start(
        ["convert", "in", "--to", "json", "--out", "out", "--jobs", "2"], tmp_path, sleepy
    )
    deadline = time.monotonic() + 60
    workers: list[int] = []
    while time.monotonic() < deadline and len(workers) < 2:
        servers = [p for p in descendants(process.pid) if "forkserver" in _cmdline(p)]
        workers = [w for server in servers[:1] for w in descendants(server)]
        time.sleep(0.05)
    assert workers, "no worker process appeared"
    os.kill(workers[0], signal.SIGKILL)
    _, stderr = process.communicate(timeout=120)
    # Every input is counted, and the retry in a fresh worker converted them all.
    assert summary(stderr) == (8, 0, 0), stderr
    assert "Traceback" not in stderr
    assert len(list((tmp_path / "out").glob("*.json"))) == 8


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


@POSIX_ONLY
def test_workers_end_when_the_batch_process_is_killed(
    tmp_path: Path, sleepy: dict[str, str]
) -> None:
    (tmp_path / "in").mkdir()
    for n in range(40):
        (tmp_path / "in" / f"r{n:02d}.sleepy").write_text("sleep 0.5\n")
    process = start(
        ["convert", "in", "--to", "json", "--out", "out", "--jobs", "2"], tmp_path, sleepy
    )
    deadline = time.monotonic() + 60
    family: list[int] = []
    while time.monotonic() < deadline and len(family) < 3:
        family = descendants(process.pid)
        time.sleep(0.05)
    assert family
    process.kill()
    process.communicate(timeout=30)
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and any(alive(p) for p in family):
        time.sleep(0.1)
    assert not [p for p in family if alive(p)]
    written = len(list((tmp_path / "out").glob("*.json")))
    time.sleep(1.5)
    assert len(list((tmp_path / "out").glob("*.json"))) == written  # nobody writes on


def test_temporary_files_of_a_killed_run_are_removed_by_the_next(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "cable.txt").write_bytes((EXAMPLES / "wilson-118189.txt").read_bytes())
    (tmp_path / "out").mkdir()
    left = tmp_path / "out" / ".cable.json.k1ll3d__.part"
    left.write_text('{"half": ')
    other = tmp_path / "out" / ".someone-else.json.x.part"
    other.write_text("not ours")
    result = run_archmeta("convert", "in", "--to", "json", "--out", "out", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert not left.exists() and other.exists()
    assert (tmp_path / "out" / "cable.json").is_file()


def test_nothing_is_written_through_a_link_out_of_the_output_folder(tmp_path: Path) -> None:
    (tmp_path / "in" / "sub").mkdir(parents=True)
    (tmp_path / "in" / "sub" / "cable.txt").write_bytes(
        (EXAMPLES / "wilson-118189.txt").read_bytes()
    )
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "sub").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    result = run_archmeta("convert", "in", "--to", "json", "--out", "out", cwd=tmp_path)
    assert result.returncode == 1
    assert "leads outside the output folder" in result.stderr and "[write-failed]" in result.stderr
    assert list((tmp_path / "elsewhere").iterdir()) == []


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_a_failed_write_to_standard_output_is_an_error(tmp_path: Path) -> None:
    with open("/dev/full", "w") as full:
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "archmeta.cli",
                "convert",
                str(EXAMPLES / "wilson-118189.txt"),
                "--to",
                "tei",
            ],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            timeout=60,
        )
    assert result.returncode == 1
    assert "cannot write standard output" in result.stderr and "[write-failed]" in result.stderr
    assert "Traceback" not in result.stderr


def test_an_output_name_too_long_is_a_usage_error(tmp_path: Path) -> None:
    name = "x" * 300 + ".json"
    result = run_archmeta(
        "convert", str(EXAMPLES / "wilson-118189.txt"), "--to", "json", "-o", name, cwd=tmp_path
    )
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith(f"archmeta: {name}: cannot write (File name too long)")
