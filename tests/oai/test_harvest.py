"""``harvest`` and ``archmeta harvest``: against archmeta's own server, with oaipmh-scythe as a
second client, and against a scripted server that misbehaves on purpose."""

from __future__ import annotations

import asyncio
import functools
import json
import os
import stat
import time
from collections.abc import Iterator
from typing import Any

import pytest

from tests.oai.conftest import COLLECTION, OAI_NS, require, running

require("starlette", "uvicorn", "httpx")

from click.testing import CliRunner  # noqa: E402
from lxml import etree  # noqa: E402

from archmeta.cli import main  # noqa: E402
from archmeta.errors import ArchmetaError, ParseError  # noqa: E402
from archmeta.formats import dc  # noqa: E402
from archmeta.model import ArchivalRecord  # noqa: E402
from archmeta.oai.adapter import load_file  # noqa: E402
from archmeta.oai.commands import STATE_FILE  # noqa: E402
from archmeta.oai.harvester import Harvester, HarvestError, harvest  # noqa: E402


@pytest.fixture(scope="module")
def expected() -> dict[str, ArchivalRecord]:
    """The collection's records by the identifiers the server gives them."""
    from archmeta.oai.index import Index

    index = Index(COLLECTION, "collection")
    return {
        e.identifier: load_file(COLLECTION / e.relpath, e.format_name, e.relpath)
        for e in index.current()
    }


# -- against archmeta's own server ---------------------------------------------------------------


@pytest.mark.parametrize("prefix", ["oai_dc", "dcterms", "tei"])
def test_harvest_own_server_gives_the_folders_records(live, expected, prefix: str) -> None:
    harvester = Harvester(live, prefix)
    items = list(harvester)
    assert harvester.pages == 3  # six records, two a page
    assert [i.oai_identifier for i in items] == sorted(expected)
    for item in items:
        assert not item.deleted and item.record is not None, item.issues
        original = expected[item.oai_identifier]
        want = original if prefix == "tei" else dc.project(original, prefix)
        assert item.record == want, item.oai_identifier


def test_harvest_a_set_and_a_date_range(live) -> None:
    items = list(harvest(live, "oai_dc", set="letters:drafts"))
    assert [i.set_specs for i in items] == [["letters:drafts"]] * 2
    assert list(harvest(live, "oai_dc", from_="2999-01-01")) == []  # noRecordsMatch


def test_scythe_harvests_the_same_records(live, expected) -> None:
    require("oaipmh_scythe")
    from oaipmh_scythe import Scythe
    from oaipmh_scythe.config import HTTPConfig

    for method in ("GET", "POST"):
        with Scythe(live, http_config=HTTPConfig(http_method=method, timeout=10)) as scythe:
            records = list(scythe.list_records(metadata_prefix="oai_dc"))
            assert [r.header.identifier for r in records] == sorted(expected)
            for record in records:
                want = dc.project(expected[record.header.identifier], "oai_dc")
                assert record.metadata["title"][0] == want.title
                assert record.metadata.get("creator", []) == want.creators
            identify = scythe.identify()
            assert identify.baseURL == live
            sets = [s.setSpec for s in scythe.list_sets()]
            assert "letters:drafts" in sets
            headers = list(scythe.list_identifiers(metadata_prefix="dcterms", set_="letters"))
            assert len(headers) == 4
            one = scythe.get_record(
                identifier="oai:collection:wilson-118189.txt", metadata_prefix="oai_dc"
            )
            assert one.metadata["title"][0] == expected["oai:collection:wilson-118189.txt"].title


# -- a scripted, misbehaving server -------------------------------------------------------------


@functools.cache
def _metadata_template() -> str:
    record = ArchivalRecord(title="Record NUMBER", identifier="id-NUMBER")
    return etree.tostring(dc.to_element(record, "oai_dc"), encoding="unicode")


def record_xml(n: int) -> str:
    metadata = _metadata_template().replace("NUMBER", str(n))
    return (
        f"<record><header><identifier>oai:test:{n}</identifier>"
        f"<datestamp>2026-01-{min(n, 28):02d}</datestamp></header>"
        f"<metadata>{metadata}</metadata></record>"
    )


def page(numbers: list[int], token: str | None = None, tail: str = "") -> bytes:
    body = "\n".join(record_xml(n) for n in numbers)
    if token is not None:
        body += f"\n<resumptionToken>{token}</resumptionToken>"
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<OAI-PMH xmlns="{OAI_NS}">\n'
        "<responseDate>2026-01-31T00:00:00Z</responseDate>\n"
        '<request verb="ListRecords">http://127.0.0.1/oai</request>\n'
        f"<ListRecords>\n{body}\n{tail}</ListRecords>\n</OAI-PMH>\n"
    ).encode()


def error_page(code: str) -> bytes:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<OAI-PMH xmlns="{OAI_NS}">'
        "<responseDate>2026-01-31T00:00:00Z</responseDate>"
        "<request>http://127.0.0.1/oai</request>"
        f'<error code="{code}">it went wrong</error></OAI-PMH>'
    ).encode()


class Script:
    """Answers requests with the next step: ("page", bytes), ("sleep", seconds, bytes) or
    ("status", code, headers); the last step repeats. Every request's arguments are logged."""

    def __init__(self, *steps: tuple[Any, ...]) -> None:
        self.steps = list(steps)
        self.log: list[dict[str, str]] = []
        self.times: list[float] = []

    def app(self) -> Any:
        from starlette.applications import Starlette
        from starlette.requests import Request
        from starlette.responses import Response
        from starlette.routing import Route

        async def endpoint(request: Request) -> Response:
            self.log.append(dict(request.query_params))
            self.times.append(time.monotonic())
            step = self.steps.pop(0) if len(self.steps) > 1 else self.steps[0]
            if step[0] == "sleep":
                await asyncio.sleep(step[1])
                return Response(step[2], media_type="text/xml")
            if step[0] == "status":
                return Response("busy", status_code=step[1], headers=step[2])
            return Response(step[1], media_type="text/xml")

        return Starlette(routes=[Route("/oai", endpoint)])


@pytest.fixture
def scripted() -> Iterator[Any]:
    contexts = []

    def start(*steps: tuple[Any, ...]) -> tuple[str, Script]:
        script = Script(*steps)
        context = running(script.app())
        contexts.append(context)
        return context.__enter__(), script

    yield start
    for context in contexts:
        context.__exit__(None, None, None)


def numbers(items) -> list[str | None]:
    return [i.oai_identifier for i in items]


def test_timeout_is_retried_then_succeeds(scripted) -> None:
    url, _script = scripted(("sleep", 1.0, page([1])), ("page", page([1, 2])))
    harvester = Harvester(url, timeout=0.25, backoff=0.01)
    assert numbers(harvester) == ["oai:test:1", "oai:test:2"]
    assert harvester.requests == 2


def test_503_retry_after_is_honoured(scripted) -> None:
    url, script = scripted(("status", 503, {"Retry-After": "1"}), ("page", page([1])))
    harvester = Harvester(url, backoff=0.01)
    assert numbers(harvester) == ["oai:test:1"]
    assert len(script.times) == 2
    assert script.times[1] - script.times[0] >= 0.95  # waited as told, not the 0.01 backoff


def test_retries_are_bounded(scripted) -> None:
    url, script = scripted(("status", 503, {"Retry-After": "0"}))
    with pytest.raises(HarvestError, match=r"HTTP 503, 3 attempts; giving up"):
        list(Harvester(url, retries=2, backoff=0.01))
    assert len(script.log) == 3


def test_http_errors_and_refused_connections_are_archmeta_errors(scripted) -> None:
    url, _ = scripted(("status", 404, {}))
    with pytest.raises(HarvestError, match="HTTP 404"):
        list(harvest(url))
    with pytest.raises(HarvestError, match="connection failed"):
        list(harvest("http://127.0.0.1:9/oai", retries=1, backoff=0.01))


def test_resumption_tokens_are_followed(scripted) -> None:
    url, script = scripted(
        ("page", page([1, 2], "t1")), ("page", page([3], "t2")), ("page", page([4], ""))
    )
    assert numbers(harvest(url, "oai_dc", set="s", from_="2026-01-01")) == [
        f"oai:test:{n}" for n in range(1, 5)
    ]
    assert script.log == [
        {"verb": "ListRecords", "metadataPrefix": "oai_dc", "set": "s", "from": "2026-01-01"},
        {"verb": "ListRecords", "resumptionToken": "t1"},
        {"verb": "ListRecords", "resumptionToken": "t2"},
    ]


def test_bad_resumption_token_mid_harvest_is_a_clear_error(scripted) -> None:
    url, _ = scripted(("page", page([1, 2], "t1")), ("page", error_page("badResumptionToken")))
    seen = []
    with pytest.raises(HarvestError, match="refused the resumption token 't1'") as info:
        for item in harvest(url):
            seen.append(item.oai_identifier)
    assert info.value.code == "badResumptionToken"
    assert seen == ["oai:test:1", "oai:test:2"]


def test_no_records_match_is_an_empty_harvest(scripted) -> None:
    url, _ = scripted(("page", error_page("noRecordsMatch")))
    assert list(harvest(url)) == []


def test_other_oai_errors_are_archmeta_errors(scripted) -> None:
    url, _ = scripted(("page", error_page("cannotDisseminateFormat")))
    with pytest.raises(HarvestError, match="cannotDisseminateFormat"):
        list(harvest(url, "tei"))


def test_a_repeated_token_stops_the_harvest(scripted) -> None:
    url, script = scripted(
        ("page", page([1], "t1")), ("page", page([2], "t2")), ("page", page([3], "t1"))
    )
    seen = []
    with pytest.raises(HarvestError, match="repeats the resumption token 't1'"):
        for item in harvest(url):
            seen.append(item.oai_identifier)
    assert seen == ["oai:test:1", "oai:test:2", "oai:test:3"]
    assert len(script.log) == 3


def test_malformed_page_keeps_the_records_before_it(scripted) -> None:
    broken = page([2, 3], tail="<record><header><broken attribute=></header></record>\n")
    line = (
        broken.decode().splitlines().index("<record><header><broken attribute=></header></record>")
        + 1
    )
    url, _ = scripted(("page", page([1], "t1")), ("page", broken))
    seen = []
    with pytest.raises(ParseError) as info:
        for item in harvest(url):
            seen.append(item.oai_identifier)
    assert seen == ["oai:test:1", "oai:test:2", "oai:test:3"]
    assert info.value.line == line
    assert "page 2" in str(info.value)


def test_entity_declarations_are_not_expanded(scripted) -> None:
    evil = (
        page([1])
        .replace(
            b"<OAI-PMH", b'<!DOCTYPE OAI-PMH [<!ENTITY e SYSTEM "file:///etc/passwd">]>\n<OAI-PMH'
        )
        .replace(b"Record 1", b"Record &e;")
    )
    url, _ = scripted(("page", evil))
    with pytest.raises(ParseError, match="declares entities") as info:
        list(harvest(url))
    assert info.value.rule == "xml-entity"


# -- archmeta harvest (the command) --------------------------------------------------------------


def run(*args: str) -> Any:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_cli_writes_one_file_per_record_and_follows_up_incrementally(live, tmp_path) -> None:
    out = tmp_path / "out"
    old = os.umask(0o022)
    try:
        result = run("harvest", live, "--prefix", "dcterms", "--to", "json", "--out", str(out))
    finally:
        os.umask(old)
    assert result.exit_code == 0, result.output
    files = sorted(p.name for p in out.iterdir() if p.name != STATE_FILE)
    assert len(files) == 6
    # Named as a batch names a container's records (archmeta.conversion.safe_name).
    assert "oai_collection_wilson-118189.txt.json" in files
    # The server percent-encodes the Cyrillic folder in its identifiers: '%' is not kept, so
    # the name gets a hash of the identifier, which keeps it apart from any other.
    assert [f for f in files if f.startswith("oai_collection_D0_BF_D0_B8_D1_81_D1_8C_D0_BC")] == [
        "oai_collection_D0_BF_D0_B8_D1_81_D1_8C_D0_BC_D0_B0_no-contents-list-body.txt-b0ee310b88"
        ".json"
    ]
    assert {stat.S_IMODE(p.stat().st_mode) for p in out.iterdir()} == {0o644}
    assert not [p for p in out.iterdir() if p.name.endswith(".part")]
    state = json.loads((out / STATE_FILE).read_text())
    assert state["complete"] is True and state["resumption_token"] is None
    assert state["last_datestamp"]
    # A second run asks only for what changed since, and finds the same content: unchanged.
    again = run("harvest", live, "--prefix", "dcterms", "--to", "json", "--out", str(out))
    assert again.exit_code == 0, again.output
    assert f"harvesting records changed since {state['last_datestamp'][:10]}" in again.output
    assert "0 written, 6 unchanged" in again.output


def test_cli_never_overwrites_without_force(live, tmp_path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    name = "oai_collection_wilson-118189.txt.txt"
    (out / name).write_text("mine\n")
    outside = tmp_path / "outside.txt"
    outside.write_text("outside\n")
    link = "oai_collection_letters_partial-date-two-translators.json.txt"
    (out / link).symlink_to(outside)
    result = run("harvest", live, "--to", "text", "--out", str(out), "--restart")
    assert result.exit_code == 1
    assert f"{out.resolve() / name}: skipped: exists (use --force to overwrite it)" in result.output
    assert f"{link}: skipped: exists" in result.output  # the link is not followed
    assert (out / name).read_text() == "mine\n"
    assert outside.read_text() == "outside\n"
    forced = run("harvest", live, "--to", "text", "--out", str(out), "--restart", "--force")
    assert forced.exit_code == 0, forced.output
    assert (out / name).read_text().startswith("**")
    assert outside.read_text() == "outside\n"  # the link was replaced, not followed
    assert not (out / link).is_symlink()


def test_cli_resumes_an_interrupted_harvest(scripted, tmp_path) -> None:
    out = tmp_path / "out"
    url, _script = scripted(("page", page([1, 2], "t1")), ("status", 503, {"Retry-After": "0"}))
    result = run("harvest", url, "--to", "json", "--out", str(out), "--retries", "0")
    assert result.exit_code == 1
    assert "giving up" in result.output
    state = json.loads((out / STATE_FILE).read_text())
    assert state["resumption_token"] == "t1" and state["complete"] is False
    url2, script2 = scripted(("page", page([3])))
    state["base_url"] = url2  # the same repository, served again on another port
    (out / STATE_FILE).write_text(json.dumps(state))
    result = run("harvest", url2, "--to", "json", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert script2.log == [{"verb": "ListRecords", "resumptionToken": "t1"}]
    assert len([p for p in out.iterdir() if p.name != STATE_FILE]) == 3
    state = json.loads((out / STATE_FILE).read_text())
    assert state["complete"] and state["last_datestamp"] == "2026-01-03"


def test_cli_reports_failures_without_a_traceback(scripted, tmp_path) -> None:
    url, _ = scripted(("page", page([1], "t1")), ("page", b"<OAI-PMH"))
    result = run("harvest", url, "--to", "json", "--out", str(tmp_path / "o"))
    assert result.exit_code == 1
    assert "not well-formed XML" in result.output and "Traceback" not in result.output


def test_harvester_refuses_unknown_prefixes() -> None:
    with pytest.raises(ArchmetaError, match="marc21"):
        Harvester("http://127.0.0.1:9/oai", "marc21")


def test_cli_says_how_to_restart_when_the_saved_token_is_stale(scripted, tmp_path) -> None:
    out = tmp_path / "out"
    url, _ = scripted(("page", page([1], "t1")), ("status", 503, {"Retry-After": "0"}))
    assert run("harvest", url, "--to", "json", "--out", str(out), "--retries", "0").exit_code
    state = json.loads((out / STATE_FILE).read_text())
    url2, _ = scripted(("page", error_page("badResumptionToken")))
    state["base_url"] = url2
    (out / STATE_FILE).write_text(json.dumps(state))
    result = run("harvest", url2, "--to", "json", "--out", str(out))
    assert result.exit_code == 1
    assert "badResumptionToken" in result.output and "--restart" in result.output


def test_memory_stays_flat_whatever_the_page_size(scripted) -> None:
    import tracemalloc

    def peak(count: int) -> int:
        url, _ = scripted(("page", page(list(range(1, count + 1)))))
        tracemalloc.start()
        try:
            seen = sum(1 for item in harvest(url) if item.record is not None)
            return tracemalloc.get_traced_memory()[1] if seen == count else -1
        finally:
            tracemalloc.stop()

    small, large = peak(50), peak(1000)  # 1000 records: 1.2 MB, spooled to disk
    assert small > 0 and large > 0
    print(f"\ntracemalloc peak: 50 records {small:,} B, 1000 records {large:,} B")
    assert large < small + 1_000_000, (small, large)  # not ~20x: records are not kept
