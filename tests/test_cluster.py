"""Batches on a real Dask cluster (a scheduler and two worker processes on loopback, started
and stopped here): the same summary, JSON report and output folder as a local ``--jobs`` run,
a killed worker losing and duplicating nothing, a record that kills its worker reported after
one retry, ``--timeout`` held on the workers, and Ctrl-C leaving no partial file."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest

from archmeta.formats import json as json_format
from archmeta.formats import text as text_format
from archmeta.formats.oaipmh import write_list_records
from archmeta.model import ArchivalRecord
from tests.conftest import run_archmeta
from tests.plugins import SLEEPY, install

distributed = pytest.importorskip("distributed")
dask = pytest.importorskip("dask")

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
FILES = 1200  # one-record files
HARVESTED = 1300  # records of the ListRecords file (split into parts for two workers)
CLI = [sys.executable, "-m", "archmeta.cli"]
TIMING = re.compile(r" in [\d.]+ s \([\d.]+ records/s\)")
COUNTS = re.compile(r"converted (\d+), failed (\d+), skipped (\d+)")


def summary(stderr: str) -> str:
    """The summary line without its timing, the only part that may differ between runs."""
    lines = [line for line in stderr.splitlines() if line.startswith("archmeta: converted")]
    assert len(lines) == 1, stderr
    return TIMING.sub("", lines[0])


def tree(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def record(number: int) -> ArchivalRecord:
    template = text_format.load(EXAMPLES / "wilson-118189.txt")
    return template.model_copy(
        update={"title": f"Cable number {number}", "identifier": f"cable-{number:05d}"}
    )


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A few thousand records written by archmeta's own writers: text files in folders, one
    ListRecords file, bad records and two inputs that want the same output."""
    root = tmp_path_factory.mktemp("cluster") / "in"
    for n in range(FILES):
        folder = root / f"part-{n // 200:02d}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"record-{n:05d}.txt").write_text(text_format.dumps(record(n)), "utf-8")
    records = [record(n) for n in range(FILES, FILES + HARVESTED)]
    records[7] = records[7].model_copy(update={"identifier": "cable-01200"})  # same name twice
    write_list_records(records, root / "harvest.xml", response_date="2026-01-01T00:00:00Z")
    bad = root / "bad"
    bad.mkdir()
    (bad / "empty.txt").write_text("", "utf-8")
    (bad / "broken.json").write_text('{"title": ', "utf-8")
    (bad / "wrong.json").write_text('{"title": 5, "date": []}', "utf-8")
    (bad / "clash.json").write_text(json_format.dumps(record(99999)), "utf-8")
    (bad / "clash.txt").write_text(text_format.dumps(record(99998)), "utf-8")  # same output
    return root


@pytest.fixture(scope="module")
def cluster() -> Iterator[tuple[str, object]]:
    """A scheduler and two single-threaded worker processes on 127.0.0.1."""
    with (
        distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
        ) as local,
        distributed.Client(local) as client,
    ):
        yield local.scheduler_address, client


def convert(corpus: Path, out: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    args = ["convert", str(corpus), "--to", "json", "--out", str(out), *extra]
    return run_archmeta(*args, timeout=120)


@pytest.fixture(scope="module")
def local_run(corpus: Path) -> tuple[subprocess.CompletedProcess[str], Path]:
    out = corpus.parent / "local"
    return convert(corpus, out, "--jobs", "2"), out


def test_the_cluster_gives_the_local_summary_and_outputs_byte_for_byte(
    corpus: Path,
    cluster: tuple[str, object],
    local_run: tuple[subprocess.CompletedProcess[str], Path],
) -> None:
    local, local_out = local_run
    assert local.returncode == 1, local.stderr  # the bad records fail
    out = corpus.parent / "on-cluster"
    remote = convert(corpus, out, "--scheduler", cluster[0])
    assert remote.returncode == local.returncode, remote.stderr
    assert summary(remote.stderr) == summary(local.stderr)
    assert "failed 7" in summary(local.stderr)  # 3 bad, 2 clashing files, 2 clashing records
    # The same problems are reported (in the order the tasks finish, on either side).
    notes = sorted(remote.stderr.replace(str(out), "OUT").splitlines()[:-1])
    assert notes == sorted(local.stderr.replace(str(local_out), "OUT").splitlines()[:-1])
    assert tree(out) == tree(local_out)
    assert len(tree(out)) == FILES + HARVESTED - 2


def test_validation_reports_are_the_same_on_the_cluster(
    corpus: Path, cluster: tuple[str, object]
) -> None:
    args = ["validate", "--report", "json", str(corpus / "bad"), str(corpus / "part-00")]
    local = run_archmeta(*args, timeout=120)
    remote = run_archmeta(*args, "--scheduler", cluster[0], timeout=120)
    assert remote.returncode == local.returncode == 1
    assert remote.stdout == local.stdout
    assert json.loads(remote.stdout)["summary"]["files"] == 205
    text = run_archmeta("validate", str(corpus / "bad"), "--scheduler", cluster[0])
    assert text.stdout == run_archmeta("validate", str(corpus / "bad")).stdout


def test_a_worker_killed_mid_run_loses_and_duplicates_nothing(
    corpus: Path,
    cluster: tuple[str, object],
    local_run: tuple[subprocess.CompletedProcess[str], Path],
) -> None:
    address, client = cluster
    out = corpus.parent / "killed"
    process = subprocess.Popen(
        [*CLI, "convert", str(corpus), "--to", "json", "--out", str(out), "--scheduler", address],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(list(out.rglob("*.json"))) < 300:
        time.sleep(0.05)
    assert process.poll() is None, process.communicate()  # still converting
    victim = next(iter(client.run(os.getpid).values()))  # type: ignore[attr-defined]
    os.kill(victim, signal.SIGKILL)  # its nanny starts a new one; Dask reruns its tasks
    _stdout, stderr = process.communicate(timeout=120)
    local, local_out = local_run
    assert summary(stderr) == summary(local.stderr)
    assert tree(out) == tree(local_out)  # no output lost, none extra, no temporary file left


def test_ctrl_c_on_the_cluster_leaves_no_partial_file(
    corpus: Path, cluster: tuple[str, object]
) -> None:
    out = corpus.parent / "stopped"
    process = subprocess.Popen(
        [
            *CLI,
            "convert",
            str(corpus),
            "--to",
            "json",
            "--out",
            str(out),
            "--scheduler",
            cluster[0],
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(list(out.rglob("*.json"))) < 100:
        time.sleep(0.02)
    process.send_signal(signal.SIGINT)
    _stdout, stderr = process.communicate(timeout=60)
    assert process.returncode == 130, stderr
    m = re.search(r"converted (\d+), failed (\d+), skipped (\d+) .*interrupted, (\d+) rec", stderr)
    assert m, stderr
    converted, failed, skipped, left = map(int, m.groups())
    assert converted + failed + skipped + left == FILES + HARVESTED + 5
    time.sleep(1)  # a task past its stop request would still be writing now
    files = [p for p in out.rglob("*") if p.is_file()]
    assert not [p for p in files if p.name.startswith(".")]
    assert len(files) == converted > 0 and left > 0
    for path in files:
        assert json.loads(path.read_text("utf-8"))["title"].startswith("Cable number")
    shutil.rmtree(out)


def test_local_n_starts_its_own_cluster(tmp_path: Path) -> None:
    shutil.copy(EXAMPLES / "wilson-118189.txt", tmp_path / "a.txt")
    shutil.copy(EXAMPLES / "wilson-118189.txt", tmp_path / "b.txt")
    result = run_archmeta(
        "convert", "a.txt", "b.txt", "--to", "tei", "--out", "o", "--scheduler", "local:1",
        cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert summary(result.stderr) == "archmeta: converted 2, failed 0, skipped 0"
    assert sorted(p.name for p in (tmp_path / "o").iterdir()) == ["a.tei.xml", "b.tei.xml"]


def test_local_n_leaves_the_retrying_to_archmeta() -> None:
    """A local:N scheduler reruns no task whose worker died: archmeta retries its inputs once
    alone (the test above with a killed worker holds for it)."""
    from archmeta.cluster import connect

    with connect("local:1") as client:
        allowed = client.run_on_scheduler(lambda dask_scheduler: dask_scheduler.allowed_failures)
    assert allowed == 0
    assert dask.config.get("distributed.scheduler.allowed-failures") != 0  # only for that one


def test_the_core_does_not_load_dask() -> None:
    code = (
        "import sys, archmeta, archmeta.cli, archmeta.batch, archmeta.validation; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('dask', 'distributed')))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip() == "[]", result.stderr


def test_the_progress_bar_counts_records_on_a_terminal(
    corpus: Path, cluster: tuple[str, object], tmp_path: Path
) -> None:
    pty = pytest.importorskip("pty")
    import fcntl
    import struct
    import termios

    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))
    args = [str(corpus / "part-00"), str(corpus / "harvest.xml"), "--to", "json"]
    process = subprocess.Popen(
        [*CLI, "convert", *args, "--out", str(tmp_path / "o"), "--scheduler", cluster[0]],
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
    shown = b"".join(chunks).decode("utf-8", "replace")
    assert f"{200 + HARVESTED}/{200 + HARVESTED}" in shown and "record" in shown, shown


def test_scheduler_usage_errors(tmp_path: Path) -> None:
    shutil.copy(EXAMPLES / "wilson-118189.txt", tmp_path / "a.txt")
    one = run_archmeta("convert", "a.txt", "--to", "json", "--scheduler", "local:1", cwd=tmp_path)
    assert one.returncode == 2 and "--scheduler runs a batch" in one.stderr
    both = ["a.txt", "--to", "json", "--out", "o", "--jobs", "2", "--scheduler", "local:1"]
    clash = run_archmeta("convert", *both, cwd=tmp_path)
    assert clash.returncode == 2 and "--jobs and --scheduler" in clash.stderr
    bad = run_archmeta("convert", "a.txt", "--to", "json", "--out", "o", "--scheduler", "local:x")
    assert bad.returncode == 2 and "local:N" in bad.stderr


# -- workers that die, records that take too long -----------------------------------------------


@pytest.fixture(scope="module")
def sleepy_cluster(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[str, dict[str, str]]]:
    """Two workers that read the test-only ``sleepy`` format (a record that takes as long as
    it says, or kills the worker reading it), under a scheduler that reruns no task whose
    worker died, as ``--scheduler local:N`` sets it (tested below); and the environment of a
    command line that knows the format."""
    site = tmp_path_factory.mktemp("site")
    env = install(site, "archmeta_sleepy", SLEEPY, "sleepy = archmeta_sleepy:codec")
    sys.path.insert(0, str(site))  # the workers are spawned with this process's path
    try:
        with ExitStack() as stack:
            with dask.config.set({"distributed.scheduler.allowed-failures": 0}):
                local = stack.enter_context(
                    distributed.LocalCluster(
                        n_workers=2,
                        threads_per_worker=1,
                        processes=True,
                        host="127.0.0.1",
                        dashboard_address=None,
                    )
                )
            yield local.scheduler_address, env
    finally:
        sys.path.remove(str(site))


def sleepy_inputs(folder: Path, *last: str) -> Path:
    folder.mkdir()
    for n in range(6):
        (folder / f"r{n}.sleepy").write_text("quick\n")
    for n, text in enumerate(last):
        (folder / f"z{n}.sleepy").write_text(text + "\n")
    return folder


def cli(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*CLI, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120
    )


def test_timeout_holds_on_the_cluster_with_the_local_issue(
    sleepy_cluster: tuple[str, dict[str, str]], tmp_path: Path
) -> None:
    address, env = sleepy_cluster
    sleepy_inputs(tmp_path / "in", "nap 60")
    # Absolute paths: the workers' own folder is not this one.
    args = ["convert", str(tmp_path / "in"), "--to", "json", "--out", str(tmp_path / "out")]
    args += ["--timeout", "1"]
    began = time.monotonic()
    remote = cli([*args, "--scheduler", address], env, tmp_path)
    assert time.monotonic() - began < 40, remote.stderr  # not the 60 s the record would take
    assert remote.returncode == 1, remote.stderr
    assert COUNTS.search(remote.stderr).groups() == ("6", "1", "0"), remote.stderr  # type: ignore[union-attr]
    issue = "in/z0.sleepy: error: the record took more than 1 s (--timeout) [timeout]"
    assert f"{tmp_path}/{issue}" in remote.stderr
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [f"r{n}.json" for n in range(6)]


def test_a_record_that_kills_its_worker_fails_after_one_retry_and_the_rest_is_converted(
    sleepy_cluster: tuple[str, dict[str, str]], tmp_path: Path
) -> None:
    address, env = sleepy_cluster
    sleepy_inputs(tmp_path / "in", "die")
    args = ["convert", str(tmp_path / "in"), "--to", "json", "--out", str(tmp_path / "out")]
    args += ["--scheduler", address]
    result = cli(args, env, tmp_path)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    # Every input is counted: the others of its task, retried alone, are converted.
    assert COUNTS.search(result.stderr).groups() == ("6", "1", "0"), result.stderr  # type: ignore[union-attr]
    assert f"{tmp_path}/in/z0.sleepy: error: the workers converting it kept dying" in result.stderr
    assert "[worker-died]" in result.stderr
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [f"r{n}.json" for n in range(6)]


def test_validate_reports_a_file_that_kills_its_worker_and_counts_every_file(
    sleepy_cluster: tuple[str, dict[str, str]], tmp_path: Path
) -> None:
    address, env = sleepy_cluster
    sleepy_inputs(tmp_path / "in", "die")
    result = cli(["validate", str(tmp_path / "in"), "--scheduler", address], env, tmp_path)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr and "KilledWorker" not in result.stderr
    assert result.stdout.splitlines() == [
        f"{tmp_path}/in/z0.sleepy: error: the workers checking it kept dying (killed, or out "
        "of memory) "
        "[worker-died]"
    ]
    # (Before it, Dask may log that it recomputes what the dead worker held.)
    assert result.stderr.splitlines()[-1] == "7 files: 1 error, 0 warnings", result.stderr
