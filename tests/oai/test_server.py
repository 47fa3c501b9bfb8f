"""``archmeta serve``: the OAI-PMH data provider, over real HTTP on loopback."""

from __future__ import annotations

import base64
import json
import os
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlencode

import pytest

from tests.conftest import EXAMPLES
from tests.oai.conftest import OAI_NS, require

require("starlette", "uvicorn", "httpx")

import httpx  # noqa: E402
from lxml import etree  # noqa: E402

from archmeta.oai.server import Provider  # noqa: E402

NS = {"o": OAI_NS}
Check = Callable[[bytes, str], None]


def get(url: str, check: Check | None = None, prefix: str = "oai_dc", **params: str):
    response = httpx.get(url, params=params, timeout=10)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/xml")
    if check is not None:
        check(response.content, prefix)
    return etree.fromstring(response.content)


def error_code(root) -> str | None:
    error = root.find("o:error", NS)
    return None if error is None else error.get("code")


def identifiers(root) -> list[str]:
    return [e.text for e in root.iterfind(".//o:header/o:identifier", NS)]


def list_all(url: str, check: Check, verb: str, prefix: str, **params: str) -> list:
    """Every page of a list request; returns the headers or records, checking each page."""
    out = []
    root = get(url, check, prefix, verb=verb, metadataPrefix=prefix, **params)
    while True:
        assert error_code(root) is None, etree.tostring(root)
        element = root.find(f"o:{verb}", NS)
        out.extend(element.iterfind("o:record" if verb == "ListRecords" else "o:header", NS))
        token = element.find("o:resumptionToken", NS)
        if token is None or not token.text:
            return out
        root = get(url, check, prefix, verb=verb, resumptionToken=token.text)


def test_official_schemas_are_present() -> None:
    """Responses are validated against the official schemas only where ../shared is."""
    from tests.oai.conftest import SCHEMAS, schemas_present

    if not schemas_present():
        pytest.skip(f"responses not validated: the official schemas are not at {SCHEMAS}")


def test_identify_derives_the_base_url_from_the_request(live, oai_schema) -> None:
    url = live
    root = get(url, oai_schema, verb="Identify")
    identify = root.find("o:Identify", NS)
    assert identify.findtext("o:baseURL", namespaces=NS) == url
    assert identify.findtext("o:granularity", namespaces=NS) == "YYYY-MM-DDThh:mm:ssZ"
    assert identify.findtext("o:protocolVersion", namespaces=NS) == "2.0"
    assert root.find("o:request", NS).text == url


def test_base_url_option_is_used_when_given(serve, oai_schema) -> None:
    url = serve(base_url="https://archive.example.org/oai")
    root = get(url, oai_schema, verb="Identify")
    assert root.findtext("o:Identify/o:baseURL", namespaces=NS) == "https://archive.example.org/oai"


@pytest.mark.parametrize("prefix", ["oai_dc", "dcterms", "tei"])
def test_list_records_pages_through_every_record_in_each_prefix(
    live, oai_schema, prefix: str
) -> None:
    url = live
    records = list_all(url, oai_schema, "ListRecords", prefix)
    ids = [r.findtext("o:header/o:identifier", namespaces=NS) for r in records]
    assert ids == sorted(ids)
    assert len(ids) == 6  # notes.csv is not a record
    assert "oai:collection:wilson-118189.txt" in ids
    assert "oai:collection:letters/drafts/undated-minimal.oai_dc.xml" in ids
    metadata = [r.find("o:metadata", NS)[0] for r in records]
    expected = {
        "oai_dc": "{http://www.openarchives.org/OAI/2.0/oai_dc/}dc",
        "dcterms": "{http://dspace.org/qualifieddc/}qualifieddc",
        "tei": "{http://www.tei-c.org/ns/1.0}TEI",
    }[prefix]
    assert {m.tag for m in metadata} == {expected}


def test_tei_metadata_is_valid_against_archmetas_tei_schema(live) -> None:
    import archmeta
    from archmeta.xmlsafe import load_schema_file

    rng = Path(archmeta.__file__).parent / "schemas" / "archmeta-tei.rng"
    schema = load_schema_file(str(rng))
    url = live
    root = get(
        url, verb="GetRecord", metadataPrefix="tei", identifier="oai:collection:wilson-118189.txt"
    )
    tei = root.find(".//o:metadata", NS)[0]
    document = etree.fromstring(etree.tostring(tei))
    assert schema.validate(document), schema.error_log


def test_resumption_tokens_carry_cursor_and_complete_list_size(live, oai_schema) -> None:
    url = live
    root = get(url, oai_schema, verb="ListIdentifiers", metadataPrefix="oai_dc")
    token = root.find("o:ListIdentifiers/o:resumptionToken", NS)
    assert (token.get("cursor"), token.get("completeListSize")) == ("0", "6")
    cursors = []
    while token.text:
        root = get(url, oai_schema, verb="ListIdentifiers", resumptionToken=token.text)
        token = root.find("o:ListIdentifiers/o:resumptionToken", NS)
        cursors.append(token.get("cursor"))
    assert cursors == ["2", "4"]  # and the last page has an empty token


def test_sets_come_from_sub_folders(live, oai_schema) -> None:
    url = live
    root = get(url, oai_schema, verb="ListSets")
    sets = {
        s.findtext("o:setSpec", namespaces=NS): s.findtext("o:setName", namespaces=NS)
        for s in root.iterfind(".//o:set", NS)
    }
    cyrillic = "~D0~BF~D0~B8~D1~81~D1~8C~D0~BC~D0~B0"
    assert sets == {"letters": "letters", "letters:drafts": "letters/drafts", cyrillic: "письма"}
    in_letters = list_all(url, oai_schema, "ListIdentifiers", "oai_dc", set="letters")
    assert len(in_letters) == 4  # the sub-set's records are in the set
    drafts = list_all(url, oai_schema, "ListIdentifiers", "oai_dc", set="letters:drafts")
    assert [h.findtext("o:setSpec", namespaces=NS) for h in drafts] == ["letters:drafts"] * 2
    assert len(list_all(url, oai_schema, "ListIdentifiers", "oai_dc", set=cyrillic)) == 1


def test_from_and_until_select_on_file_mtimes(serve, oai_schema, collection: Path) -> None:
    stamps = {
        "wilson-118189.txt": "2020-01-01T00:00:00Z",
        "letters/partial-date-two-translators.json": "2021-06-15T12:00:00Z",
    }
    for path in collection.rglob("*"):
        if path.is_file():
            os.utime(path, (1700000000, 1700000000))  # 2023-11-14T22:13:20Z
    os.utime(collection / "wilson-118189.txt", (1577836800, 1577836800))
    os.utime(collection / "letters/partial-date-two-translators.json", (1623758400, 1623758400))
    url = serve()

    def ids(**params: str) -> list[str]:
        return [
            h.findtext("o:identifier", namespaces=NS)
            for h in list_all(url, oai_schema, "ListIdentifiers", "oai_dc", **params)
        ]

    assert ids(until="2020-01-01") == ["oai:collection:wilson-118189.txt"]
    assert ids(**{"from": "2021-06-15T12:00:00Z", "until": "2021-06-15T12:00:00Z"}) == [
        "oai:collection:letters/partial-date-two-translators.json"
    ]
    assert len(ids(**{"from": "2021-01-01"})) == 5
    root = get(
        url,
        oai_schema,
        verb="GetRecord",
        metadataPrefix="oai_dc",
        identifier="oai:collection:wilson-118189.txt",
    )
    assert root.findtext(".//o:datestamp", namespaces=NS) == stamps["wilson-118189.txt"]
    earliest = get(url, oai_schema, verb="Identify").findtext(
        ".//o:earliestDatestamp", namespaces=NS
    )
    assert earliest == "2020-01-01T00:00:00Z"


def _forged_token(**fields: str | None) -> str:
    data = {
        "v": 1,
        "verb": "ListRecords",
        "m": "oai_dc",
        "s": None,
        "f": None,
        "u": None,
        "a": None,
        **fields,
    }
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


ERRORS = [
    (
        {"verb": "ListRecords", "resumptionToken": _forged_token(f="yesterday")},
        "badResumptionToken",
    ),
    ({"verb": "ListIdentifiers", "resumptionToken": _forged_token()}, "badResumptionToken"),
    ({}, "badVerb"),
    ({"verb": "Frobnicate"}, "badVerb"),
    ({"verb": ["Identify", "Identify"]}, "badVerb"),
    ({"verb": "Identify", "extra": "1"}, "badArgument"),
    ({"verb": "ListRecords"}, "badArgument"),
    ({"verb": "ListRecords", "metadataPrefix": ["oai_dc", "tei"]}, "badArgument"),
    ({"verb": "GetRecord", "metadataPrefix": "oai_dc"}, "badArgument"),
    ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "yesterday"}, "badArgument"),
    ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2021-02-30"}, "badArgument"),
    (
        {
            "verb": "ListRecords",
            "metadataPrefix": "oai_dc",
            "from": "2021-01-01",
            "until": "2021-02-01T00:00:00Z",
        },
        "badArgument",
    ),
    (
        {
            "verb": "ListRecords",
            "metadataPrefix": "oai_dc",
            "from": "2022-01-01",
            "until": "2021-01-01",
        },
        "badArgument",
    ),
    ({"verb": "ListRecords", "resumptionToken": "x", "metadataPrefix": "oai_dc"}, "badArgument"),
    ({"verb": "ListRecords", "resumptionToken": "not a token!"}, "badResumptionToken"),
    ({"verb": "ListRecords", "resumptionToken": "eyJ2IjoyfQ"}, "badResumptionToken"),
    ({"verb": "ListSets", "resumptionToken": "abc"}, "badResumptionToken"),
    ({"verb": "ListRecords", "metadataPrefix": "marc21"}, "cannotDisseminateFormat"),
    (
        {
            "verb": "GetRecord",
            "metadataPrefix": "mods",
            "identifier": "oai:collection:wilson-118189.txt",
        },
        "cannotDisseminateFormat",
    ),
    (
        {"verb": "GetRecord", "metadataPrefix": "oai_dc", "identifier": "oai:collection:nope"},
        "idDoesNotExist",
    ),
    ({"verb": "ListMetadataFormats", "identifier": "oai:collection:nope"}, "idDoesNotExist"),
    (
        {"verb": "GetRecord", "metadataPrefix": "oai_dc", "identifier": "oai:collection:notes.csv"},
        "idDoesNotExist",
    ),
    ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2999-01-01"}, "noRecordsMatch"),
    ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "set": "nowhere"}, "noRecordsMatch"),
]


@pytest.mark.parametrize(("params", "code"), ERRORS)
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_each_error_code(live, oai_schema, params: dict, code: str, method: str) -> None:
    url = live
    pairs = [
        (k, v)
        for k, values in params.items()
        for v in (values if isinstance(values, list) else [values])
    ]
    if method == "GET":
        response = httpx.get(url, params=pairs, timeout=10)
    else:
        response = httpx.post(
            url,
            content=urlencode(pairs),
            timeout=10,
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
    oai_schema(response.content, "oai_dc")
    root = etree.fromstring(response.content)
    assert error_code(root) == code
    if code in ("badVerb", "badArgument"):  # the request is not echoed
        assert dict(root.find("o:request", NS).attrib) == {}


def test_no_set_hierarchy_without_sub_folders(serve, oai_schema, tmp_path: Path) -> None:
    flat = tmp_path / "flat"
    flat.mkdir()
    (flat / "one.txt").write_bytes((EXAMPLES / "undated-minimal.txt").read_bytes())
    url = serve(flat)
    assert error_code(get(url, oai_schema, verb="ListSets")) == "noSetHierarchy"
    root = get(url, oai_schema, verb="ListRecords", metadataPrefix="oai_dc", set="a")
    assert error_code(root) == "noSetHierarchy"


@pytest.mark.parametrize(
    "identifier",
    [
        "oai:collection:../../etc/passwd",
        "oai:collection:..%2F..%2Fetc%2Fpasswd",
        "oai:collection:%2e%2e/%2e%2e/etc/passwd",
        "oai:collection:/etc/passwd",
        "oai:collection:letters/../../../etc/passwd",
        "oai:collection:letters/../wilson-118189.txt",
        "oai:collection:..\\..\\etc\\passwd",
    ],
)
def test_path_traversal_is_id_does_not_exist(live, oai_schema, identifier: str) -> None:
    url = live
    root = get(url, oai_schema, verb="GetRecord", metadataPrefix="oai_dc", identifier=identifier)
    assert error_code(root) == "idDoesNotExist"
    assert b"root:" not in etree.tostring(root)


def test_symlinks_leaving_the_folder_are_not_served(
    serve, oai_schema, collection: Path, tmp_path: Path
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_bytes((EXAMPLES / "undated-minimal.txt").read_bytes())
    (collection / "link.txt").symlink_to(outside / "secret.txt")
    (collection / "linked-folder").symlink_to(outside, target_is_directory=True)
    (collection / "inside-link.txt").symlink_to(collection / "wilson-118189.txt")
    url = serve()
    ids = [
        h.findtext("o:identifier", namespaces=NS)
        for h in list_all(url, oai_schema, "ListIdentifiers", "oai_dc")
    ]
    assert "oai:collection:link.txt" not in ids
    assert not any("linked-folder" in i or "secret" in i for i in ids)
    assert "oai:collection:inside-link.txt" in ids


def test_index_is_refreshed_when_files_change(serve, oai_schema, collection: Path) -> None:
    url = serve(refresh=0.05)
    before = list_all(url, oai_schema, "ListIdentifiers", "oai_dc")
    (collection / "letters" / "new.json").write_bytes(
        (EXAMPLES / "undated-minimal.json").read_bytes()
    )
    (collection / "wilson-118189.txt").unlink()
    time.sleep(0.1)
    after = [
        h.findtext("o:identifier", namespaces=NS)
        for h in list_all(url, oai_schema, "ListIdentifiers", "oai_dc")
    ]
    assert len(after) == len(before)
    assert "oai:collection:letters/new.json" in after
    assert "oai:collection:wilson-118189.txt" not in after


def test_records_are_read_per_page_not_per_collection(collection: Path, monkeypatch) -> None:
    from archmeta.oai import server
    from archmeta.oai.index import Index

    calls: list[str] = []
    real = server.load_file
    monkeypatch.setattr(
        server, "load_file", lambda path, *a: calls.append(path.name) or real(path, *a)
    )
    provider = Provider(Index(collection, "collection"), page_size=2)
    provider.respond([("verb", "ListRecords"), ("metadataPrefix", "oai_dc")], "http://h/oai")
    assert len(calls) == 2
    provider.respond([("verb", "ListIdentifiers"), ("metadataPrefix", "oai_dc")], "http://h/oai")
    assert len(calls) == 2  # headers come from the index alone


def test_list_metadata_formats(live, oai_schema) -> None:
    url = live
    root = get(
        url, oai_schema, verb="ListMetadataFormats", identifier="oai:collection:wilson-118189.txt"
    )
    prefixes = [e.text for e in root.iterfind(".//o:metadataPrefix", NS)]
    assert prefixes == ["oai_dc", "dcterms", "tei"]
