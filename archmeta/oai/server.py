"""An OAI-PMH 2.0 data provider for a folder of records, as a Starlette application.

``create_app(root, ...)`` returns the ASGI application; ``archmeta serve`` runs it with
uvicorn. Starlette is imported by ``create_app`` only. The protocol work (arguments, errors,
paging, XML) is in :class:`Provider`, which knows nothing of HTTP and is tested on its own too.

Resumption tokens are stateless: base64url of a small JSON object holding the verb, the
request's arguments and the identifier of the last record sent. Records are listed in
identifier order, so the next page starts after that identifier whatever was added or removed
in between, and a token stays valid across restarts.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import logging
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlsplit

from .adapter import METADATA_FORMATS, ArchmetaError, load_file, metadata_element
from .index import Entry, Index, format_datestamp, set_name_of

if TYPE_CHECKING:
    from lxml import etree
    from starlette.applications import Starlette

__all__ = ["OAI_NS", "OaiError", "Provider", "create_app"]

OAI_NS = "http://www.openarchives.org/OAI/2.0/"
_XSI = "http://www.w3.org/2001/XMLSchema-instance"
_SCHEMA_LOCATION = f"{OAI_NS} http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd"
log = logging.getLogger("archmeta.oai")

_ARGUMENTS: dict[str, tuple[set[str], set[str]]] = {
    # verb: (required, optional) arguments, besides the exclusive resumptionToken
    "Identify": (set(), set()),
    "ListMetadataFormats": (set(), {"identifier"}),
    "ListSets": (set(), set()),
    "ListIdentifiers": ({"metadataPrefix"}, {"from", "until", "set"}),
    "ListRecords": ({"metadataPrefix"}, {"from", "until", "set"}),
    "GetRecord": ({"identifier", "metadataPrefix"}, set()),
}
_RESUMABLE = {"ListSets", "ListIdentifiers", "ListRecords"}
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_SECONDS = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z")
_MAX_BODY = 64 * 1024
_PREFIX = re.compile(r"[A-Za-z0-9\-_.!~*'()]+")
_SET_SPEC = re.compile(r"[A-Za-z0-9\-_.!~*'()]+(?::[A-Za-z0-9\-_.!~*'()]+)*")


class OaiError(Exception):
    """An OAI-PMH error response (``code`` is one of the protocol's error codes)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class _Query:
    verb: str
    prefix: str | None = None
    set_spec: str | None = None
    from_: str | None = None
    until: str | None = None
    after: str | None = None  # the last identifier sent (from a resumption token)


def _encode_token(query: _Query) -> str:
    data = {
        "v": 1,
        "verb": query.verb,
        "m": query.prefix,
        "s": query.set_spec,
        "f": query.from_,
        "u": query.until,
        "a": query.after,
    }
    raw = json.dumps(data, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def _decode_token(token: str, verb: str) -> _Query:
    bad = OaiError("badResumptionToken", "the resumptionToken is invalid or has expired")
    if not re.fullmatch(r"[A-Za-z0-9_-]{1,4096}", token):
        raise bad
    try:
        data = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
    except (binascii.Error, ValueError):
        raise bad from None
    if not isinstance(data, dict) or data.get("v") != 1 or data.get("verb") != verb:
        raise bad
    fields = [data.get(k) for k in ("m", "s", "f", "u", "a")]
    if not all(f is None or isinstance(f, str) for f in fields) or fields[0] is None:
        raise bad
    for date, end in ((fields[2], False), (fields[3], True)):
        if date is not None:
            try:
                _parse_date(date, end)
            except OaiError:
                raise bad from None
    return _Query(verb, *fields)


def _parse_date(value: str, end: bool) -> tuple[int, str]:
    """Seconds since the epoch of a from/until argument, and its granularity."""
    if _SECONDS.fullmatch(value):
        fmt, granularity = "%Y-%m-%dT%H:%M:%SZ", "seconds"
    elif _DAY.fullmatch(value):
        fmt, granularity = "%Y-%m-%d", "day"
    else:
        raise OaiError("badArgument", f"{value!r} is not a date (YYYY-MM-DD[Thh:mm:ssZ])")
    try:
        moment = dt.datetime.strptime(value, fmt).replace(tzinfo=dt.UTC)
    except ValueError:
        raise OaiError("badArgument", f"{value!r} is not a valid date") from None
    seconds = int(moment.timestamp())
    if granularity == "day" and end:
        seconds += 86399  # until a day includes the whole day
    return seconds, granularity


class Provider:
    """The OAI-PMH protocol over an :class:`Index`: arguments in, XML bytes out."""

    def __init__(
        self,
        index: Index,
        *,
        page_size: int = 50,
        repository_name: str | None = None,
        admin_email: str | None = None,
    ) -> None:
        self.index = index
        self.page_size = page_size
        self.repository_name = repository_name or index.root.name or "archmeta"
        self.admin_email = admin_email

    # -- entry point -------------------------------------------------------------------------

    def respond(self, pairs: Sequence[tuple[str, str]], base_url: str) -> bytes:
        """The response document to a request given as (name, value) pairs."""
        from lxml import etree

        # Typed loosely: the two lxml stub packages disagree on a None (default) prefix.
        nsmap: Any = {None: OAI_NS, "xsi": _XSI}
        root = etree.Element(f"{{{OAI_NS}}}OAI-PMH", nsmap=nsmap)
        root.set(f"{{{_XSI}}}schemaLocation", _SCHEMA_LOCATION)
        now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        etree.SubElement(root, f"{{{OAI_NS}}}responseDate").text = now
        request = etree.SubElement(root, f"{{{OAI_NS}}}request")
        request.text = base_url
        try:
            args = self._arguments(pairs)
            for name, value in args.items():  # echoed only when verb and arguments are legal
                request.set(name, value)
            root.append(self._dispatch(args, base_url))
        except OaiError as error:
            element = etree.SubElement(root, f"{{{OAI_NS}}}error", code=error.code)
            element.text = error.message
        # Indent the envelope only: whitespace inside metadata (TEI's mixed content) is data.
        metadata = [(m, list(m)) for m in root.iter(f"{{{OAI_NS}}}metadata")]
        for parent, children in metadata:
            for child in children:
                parent.remove(child)
        etree.indent(root, space="  ")
        for parent, children in metadata:
            parent.extend(children)
        data: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
        return data + b"\n"

    def _arguments(self, pairs: Sequence[tuple[str, str]]) -> dict[str, str]:
        args: dict[str, str] = {}
        for name, value in pairs:
            if name in args:
                code = "badVerb" if name == "verb" else "badArgument"
                raise OaiError(code, f"the argument {name!r} is repeated")
            args[name] = value
        verb = args.get("verb")
        if verb is None:
            raise OaiError("badVerb", "the verb argument is missing")
        if verb not in _ARGUMENTS:
            raise OaiError("badVerb", f"{verb!r} is not an OAI-PMH verb")
        required, optional = _ARGUMENTS[verb]
        given = set(args) - {"verb"}
        if "resumptionToken" in given and verb in _RESUMABLE:
            if given != {"resumptionToken"}:
                raise OaiError("badArgument", "resumptionToken is an exclusive argument")
            return args
        unknown = given - required - optional
        if unknown:
            raise OaiError("badArgument", f"illegal argument(s) for {verb}: {sorted(unknown)}")
        missing = required - given
        if missing:
            raise OaiError("badArgument", f"missing argument(s) for {verb}: {sorted(missing)}")
        # Checked before the request is echoed, which must then be valid against the schema.
        if "metadataPrefix" in args and not _PREFIX.fullmatch(args["metadataPrefix"]):
            raise OaiError("badArgument", "metadataPrefix has characters the protocol forbids")
        if "set" in args and not _SET_SPEC.fullmatch(args["set"]):
            raise OaiError("badArgument", f"{args['set']!r} is not a setSpec")
        granularities = {
            _parse_date(args[k], k == "until")[1] for k in ("from", "until") if k in args
        }
        if len(granularities) > 1:
            raise OaiError("badArgument", "from and until have different granularities")
        if (
            "from" in args
            and "until" in args
            and _parse_date(args["from"], False)[0] > _parse_date(args["until"], True)[0]
        ):
            raise OaiError("badArgument", "from is later than until")
        return args

    def _dispatch(self, args: Mapping[str, str], base_url: str) -> etree._Element:
        verb = args["verb"]
        if verb == "Identify":
            return self._identify(base_url)
        if verb == "ListMetadataFormats":
            return self._list_metadata_formats(args.get("identifier"))
        if verb == "ListSets":
            return self._list_sets(args.get("resumptionToken"))
        if verb == "GetRecord":
            return self._get_record(args["identifier"], args["metadataPrefix"])
        if "resumptionToken" in args:
            query = _decode_token(args["resumptionToken"], verb)
        else:
            query = _Query(
                verb, args["metadataPrefix"], args.get("set"), args.get("from"), args.get("until")
            )
        return self._list(query)

    # -- verbs -------------------------------------------------------------------------------

    def _identify(self, base_url: str) -> etree._Element:
        from lxml import etree

        entries = self.index.current()
        earliest = min((e.mtime for e in entries), default=0)
        element = etree.Element(f"{{{OAI_NS}}}Identify")
        host = urlsplit(base_url).hostname or "localhost"
        if "." not in host:
            host += ".localdomain"  # the schema wants a dotted domain in adminEmail
        values = [
            ("repositoryName", self.repository_name),
            ("baseURL", base_url),
            ("protocolVersion", "2.0"),
            ("adminEmail", self.admin_email or f"webmaster@{host}"),
            ("earliestDatestamp", format_datestamp(earliest)),
            ("deletedRecord", "no"),  # a removed file leaves no trace
            ("granularity", "YYYY-MM-DDThh:mm:ssZ"),
        ]
        for name, value in values:
            etree.SubElement(element, f"{{{OAI_NS}}}{name}").text = value
        return element

    def _list_metadata_formats(self, identifier: str | None) -> etree._Element:
        from lxml import etree

        if identifier is not None and self.index.get(identifier) is None:
            raise OaiError("idDoesNotExist", f"no record has the identifier {identifier!r}")
        element = etree.Element(f"{{{OAI_NS}}}ListMetadataFormats")
        for prefix, (schema, namespace) in METADATA_FORMATS.items():
            fmt = etree.SubElement(element, f"{{{OAI_NS}}}metadataFormat")
            etree.SubElement(fmt, f"{{{OAI_NS}}}metadataPrefix").text = prefix
            etree.SubElement(fmt, f"{{{OAI_NS}}}schema").text = schema
            etree.SubElement(fmt, f"{{{OAI_NS}}}metadataNamespace").text = namespace
        return element

    def _list_sets(self, token: str | None) -> etree._Element:
        from lxml import etree

        if token is not None:
            raise OaiError("badResumptionToken", "ListSets is never split into pages")
        specs = self.index.set_specs()
        if not specs:
            raise OaiError("noSetHierarchy", "the repository has no sub-folders, so no sets")
        element = etree.Element(f"{{{OAI_NS}}}ListSets")
        for spec in specs:
            item = etree.SubElement(element, f"{{{OAI_NS}}}set")
            etree.SubElement(item, f"{{{OAI_NS}}}setSpec").text = spec
            etree.SubElement(item, f"{{{OAI_NS}}}setName").text = set_name_of(spec)
        return element

    def _get_record(self, identifier: str, prefix: str) -> etree._Element:
        from lxml import etree

        entry = self.index.get(identifier)
        if entry is None:
            raise OaiError("idDoesNotExist", f"no record has the identifier {identifier!r}")
        self._check_prefix(prefix)
        record = self._record_element(entry, prefix, with_metadata=True)
        if record is None:
            raise OaiError("idDoesNotExist", f"the record {identifier!r} cannot be read")
        element = etree.Element(f"{{{OAI_NS}}}GetRecord")
        element.append(record)
        return element

    def _list(self, query: _Query) -> etree._Element:
        from lxml import etree

        assert query.prefix is not None
        self._check_prefix(query.prefix)
        entries = self._select(query)
        start = self.index.after(entries, query.after)
        with_metadata = query.verb == "ListRecords"
        element = etree.Element(f"{{{OAI_NS}}}{query.verb}")
        sent = 0
        position = start
        last: str | None = None
        # Records are read here, one page at a time; an unreadable file is skipped (and logged).
        while position < len(entries) and sent < self.page_size:
            entry = entries[position]
            position += 1
            last = entry.identifier
            record = self._record_element(entry, query.prefix, with_metadata)
            if record is not None:
                element.append(record)
                sent += 1
        if not sent:  # (also when every remaining record vanished after a token was given)
            raise OaiError("noRecordsMatch", "no record matches the request")
        if query.after is not None or position < len(entries):
            token = etree.SubElement(element, f"{{{OAI_NS}}}resumptionToken")
            token.set("completeListSize", str(len(entries)))
            token.set("cursor", str(start))
            if position < len(entries):
                token.text = _encode_token(
                    _Query(query.verb, query.prefix, query.set_spec, query.from_, query.until, last)
                )
        return element

    # -- helpers -----------------------------------------------------------------------------

    def _check_prefix(self, prefix: str) -> None:
        if prefix not in METADATA_FORMATS:
            raise OaiError(
                "cannotDisseminateFormat",
                f"{prefix!r} is not served (known: {', '.join(METADATA_FORMATS)})",
            )

    def _select(self, query: _Query) -> list[Entry]:
        entries = self.index.current()
        low, high = 0, 2**63
        if query.from_ is not None:
            low, granularity = _parse_date(query.from_, end=False)
        if query.until is not None:
            high, until_granularity = _parse_date(query.until, end=True)
            if query.from_ is not None and until_granularity != granularity:
                raise OaiError("badArgument", "from and until have different granularities")
        if low > high:
            raise OaiError("badArgument", "from is later than until")
        if query.set_spec is not None:
            if not self.index.set_specs():
                raise OaiError("noSetHierarchy", "the repository has no sub-folders, so no sets")
            spec = query.set_spec
            entries = [
                e
                for e in entries
                if e.set_spec and (e.set_spec == spec or e.set_spec.startswith(spec + ":"))
            ]
        return [e for e in entries if low <= e.mtime <= high]

    def _record_element(
        self, entry: Entry, prefix: str, with_metadata: bool
    ) -> etree._Element | None:
        from lxml import etree

        header = etree.Element(f"{{{OAI_NS}}}header")
        etree.SubElement(header, f"{{{OAI_NS}}}identifier").text = entry.identifier
        etree.SubElement(header, f"{{{OAI_NS}}}datestamp").text = format_datestamp(entry.mtime)
        if entry.set_spec:
            etree.SubElement(header, f"{{{OAI_NS}}}setSpec").text = entry.set_spec
        if not with_metadata:
            return header
        path = self.index.path_of(entry)
        if path is None:
            return None
        try:
            record = load_file(path, entry.format_name, entry.relpath)
            metadata = metadata_element(record, prefix)
        except ArchmetaError as exc:
            log.warning("skipping %s: %s", entry.relpath, exc)
            return None
        element = etree.Element(f"{{{OAI_NS}}}record")
        element.append(header)
        etree.SubElement(element, f"{{{OAI_NS}}}metadata").append(metadata)
        return element


def create_app(
    root: str | Path,
    *,
    base_url: str | None = None,
    page_size: int = 50,
    repository_id: str | None = None,
    repository_name: str | None = None,
    admin_email: str | None = None,
    refresh: float = 2.0,
) -> Starlette:
    """The Starlette application publishing the records under ``root`` over OAI-PMH.

    ``base_url`` is the address harvesters use (behind a reverse proxy); without it, each
    response uses the address of its own request. The endpoint answers on every path.
    """
    from starlette.applications import Starlette
    from starlette.concurrency import run_in_threadpool
    from starlette.requests import ClientDisconnect, Request
    from starlette.responses import Response
    from starlette.routing import Route

    root_path = Path(root)
    if repository_id is None:
        repository_id = re.sub(r"[^a-z0-9.-]+", "-", root_path.resolve().name.lower()).strip("-")
    index = Index(root_path, repository_id or "archmeta", refresh=refresh)
    provider = Provider(
        index, page_size=page_size, repository_name=repository_name, admin_email=admin_email
    )

    async def endpoint(request: Request) -> Response:
        pairs = list(request.query_params.multi_items())
        if request.method == "POST":
            # OAI-PMH arguments are a few short strings: a large body is not a request.
            body = b""
            try:
                async for chunk in request.stream():
                    body += chunk
                    if len(body) > _MAX_BODY:
                        return Response("request body too large", status_code=413)
            except ClientDisconnect:
                return Response(status_code=400)
            pairs = parse_qsl(body.decode("utf-8", errors="replace"), keep_blank_values=True)
        here = base_url or str(request.url.replace(query="", fragment=""))
        data = await run_in_threadpool(provider.respond, pairs, here)
        return Response(data, media_type="text/xml; charset=utf-8")

    app = Starlette(routes=[Route("/{path:path}", endpoint, methods=["GET", "POST"])])
    app.state.provider = provider
    return app
