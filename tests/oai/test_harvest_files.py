"""``archmeta harvest`` writes its files the way a batch conversion does (one naming, one sink):
long identifiers shortened with a stable hash, Windows-reserved names escaped, nothing written
through a symbolic link or outside ``--out``, failed writes reported, files readable by all."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import pytest

from tests.oai.conftest import OAI_NS, require, running

require("starlette", "uvicorn", "httpx")

from click.testing import CliRunner  # noqa: E402

from archmeta.cli import main  # noqa: E402
from archmeta.conversion import safe_name  # noqa: E402
from archmeta.oai.commands import STATE_FILE  # noqa: E402

LONG = "oai:example.org:" + "fonds/series/" * 30 + "item-1"


def page(*identifiers: str) -> bytes:
    """One ListRecords page with a record of each identifier."""
    records = "".join(
        f"<record><header><identifier>{escape(identifier)}</identifier>"
        f"<datestamp>2026-01-0{n + 1}</datestamp></header><metadata>"
        '<oai_dc:dc xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/">'
        f"<dc:title>Record {n}</dc:title></oai_dc:dc></metadata></record>"
        for n, identifier in enumerate(identifiers)
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><OAI-PMH xmlns="{OAI_NS}">'
        "<responseDate>2026-01-31T00:00:00Z</responseDate>"
        '<request verb="ListRecords">http://127.0.0.1/oai</request>'
        f"<ListRecords>{records}</ListRecords></OAI-PMH>"
    ).encode()


@pytest.fixture
def serve() -> Iterator[Any]:
    """Start a repository that answers every request with one page; returns its base URL."""
    from starlette.applications import Starlette
    from starlette.responses import Response
    from starlette.routing import Route

    with ExitStack() as stack:

        def start(body: bytes) -> str:
            async def endpoint(request: Any) -> Response:
                return Response(body, media_type="text/xml")

            return stack.enter_context(running(Starlette(routes=[Route("/oai", endpoint)])))

        yield start


def harvest(url: str, out: Path, *extra: str) -> Any:
    args = ["harvest", url, "--to", "json", "--out", str(out), "--restart", *extra]
    return CliRunner().invoke(main, args, catch_exceptions=False)


def outputs(out: Path) -> list[str]:
    return sorted(p.name for p in out.iterdir() if p.name != STATE_FILE)


@pytest.mark.parametrize(
    ("identifier", "name"),
    [
        ("oai:example.org:doc/1", "oai_example.org_doc_1.json"),
        ("con", "con_.json"),  # reserved on Windows whatever the extension
        ("oai:x:../../etc/passwd", "oai_x_.._.._etc_passwd.json"),  # one name, in --out
        ("..", "record.json"),
        ("/etc/passwd", "etc_passwd.json"),
        (LONG, safe_name(LONG) + ".json"),
    ],
)
def test_each_record_gets_the_batch_name_inside_the_folder(
    serve: Any, tmp_path: Path, identifier: str, name: str
) -> None:
    out = tmp_path / "out"
    old = os.umask(0o022)
    try:
        result = harvest(serve(page(identifier)), out)
    finally:
        os.umask(old)
    assert result.exit_code == 0, result.output
    assert outputs(out) == [name]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]  # nothing beside --out
    assert stat.S_IMODE((out / name).stat().st_mode) == 0o644  # readable by other users
    assert not [p for p in out.iterdir() if p.name.endswith(".part")]


def test_long_identifiers_are_shortened_with_a_stable_hash(serve: Any, tmp_path: Path) -> None:
    other = LONG[:-1] + "2"  # the same first 150 characters
    url = serve(page(LONG, other))
    out = tmp_path / "out"
    first = harvest(url, out)
    assert first.exit_code == 0, first.output
    names = outputs(out)
    assert len(names) == 2 and all(len(n.encode()) <= 170 for n in names), names
    assert names[0][:-16] == names[1][:-16]  # the same cut, told apart by the hash
    again = harvest(url, out)  # the same names on every run: nothing new, nothing replaced
    assert again.exit_code == 0, again.output
    assert "0 written, 2 unchanged" in again.output
    assert outputs(out) == names


def test_a_symlink_in_the_output_folder_is_not_written_through(serve: Any, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    outside = tmp_path / "outside.json"
    outside.write_text("outside\n")
    (out / "oai_x_1.json").symlink_to(outside)
    (out / STATE_FILE).symlink_to(tmp_path / "state-outside.json")
    url = serve(page("oai:x:1"))
    kept = harvest(url, out)
    assert kept.exit_code == 1
    assert "oai_x_1.json: skipped: exists (use --force to overwrite it)" in kept.output
    assert outside.read_text() == "outside\n"
    forced = harvest(url, out, "--force")
    assert forced.exit_code == 0, forced.output
    assert outside.read_text() == "outside\n"  # the link itself was replaced
    assert not (out / "oai_x_1.json").is_symlink()
    assert stat.S_IMODE((out / "oai_x_1.json").stat().st_mode) & 0o044 == 0o044
    assert not (out / STATE_FILE).is_symlink()
    assert not (tmp_path / "state-outside.json").exists()


def test_a_failed_write_is_reported_and_the_harvest_goes_on(serve: Any, tmp_path: Path) -> None:
    out = tmp_path / "out"
    (out / "oai_x_1.json").mkdir(parents=True)  # a folder where the file must go
    result = harvest(serve(page("oai:x:1", "oai:x:2")), out, "--force")
    assert result.exit_code == 1
    assert "1 written, 0 unchanged, 0 exists, 0 deleted, 1 failed" in result.output
    assert "oai:x:1: error: cannot write" in result.output and "[write-failed]" in result.output
    assert (out / "oai_x_2.json").is_file()


def test_two_identifiers_with_one_name_are_reported(serve: Any, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = harvest(serve(page("oai:x:a/b", "oai:x:a:b")), out)
    assert result.exit_code == 1
    assert "oai:x:a:b: error: its file oai_x_a_b.json is already the file of oai:x:a/b" in (
        result.output
    )
    assert "[output-conflict]" in result.output
    assert outputs(out) == ["oai_x_a_b.json"]
