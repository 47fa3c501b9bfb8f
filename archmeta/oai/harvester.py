"""Harvesting an OAI-PMH data provider: ``harvest(base_url, ...)`` yields its records.

Each ``ListRecords`` page is downloaded whole with httpx (streamed to a spooled temporary file:
memory up to 1 MiB, disk beyond) before it is read, so that a timeout part way through a page
is retried from the start of that page and never leaves half a page read. The page is then read
with lxml ``iterparse`` under hardened options, one ``record`` element at a time, clearing each
one after use: memory stays flat whatever the page and collection sizes. (oaipmh-scythe keeps
whole pages as trees and has its own parser settings; the tests use it as an independent
client instead.)

Timeouts, connection failures and 502/503/504 answers are retried with exponential backoff, a
503's ``Retry-After`` (seconds or an HTTP date) honoured up to ``max_wait`` seconds, at most
``retries`` times per page. A ``badResumptionToken`` error, a page that repeats an earlier
resumption token (which would loop for ever) and XML that is not well-formed end the harvest
with an :class:`~archmeta.errors.ArchmetaError` after the records before them have been
yielded; ``noRecordsMatch`` is an empty harvest.
"""

from __future__ import annotations

import builtins
import datetime as dt
import email.utils
import tempfile
import time
from collections.abc import Callable, Generator, Iterator
from typing import IO, TYPE_CHECKING, Any

from .adapter import (
    ArchmetaError,
    CollectionItem,
    Issue,
    ParseError,
    UsageError,
    header_item,
    metadata_root,
    record_from_metadata,
)

if TYPE_CHECKING:
    import httpx
    from lxml import etree

__all__ = ["HarvestError", "Harvester", "harvest"]

OAI_NS = "http://www.openarchives.org/OAI/2.0/"
_RECORD = f"{{{OAI_NS}}}record"
_METADATA = f"{{{OAI_NS}}}metadata"
_ERROR = f"{{{OAI_NS}}}error"
_TOKEN = f"{{{OAI_NS}}}resumptionToken"
_RETRY_STATUS = {502, 503, 504}


class HarvestError(ArchmetaError):
    """A harvest that cannot go on: network failure after retries, an OAI-PMH error, a loop."""

    def __init__(self, message: str, code: str | None = None) -> None:
        super().__init__(message)
        self.code = code


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max(0.0, (when - dt.datetime.now(dt.UTC)).total_seconds())


def _refuse_entities(element: etree._Element, source: str) -> None:
    """Refuse a page whose DTD declares entities: they are never expanded (the parser's options
    forbid it), and a page that relies on them is not one to read half of."""
    docinfo = element.getroottree().docinfo
    dtd = docinfo.internalDTD
    # getattr: the two lxml stub packages do not both know these attributes.
    entities: Any = getattr(dtd, "iterentities", None) if dtd is not None else None
    declared = entities is not None and any(True for _ in entities())
    if getattr(docinfo, "system_url", None) or declared:
        raise ParseError(
            "the page declares entities or an external DTD; they are refused",
            source=source,
            line=1,
            column=1,
            rule="xml-entity",
        )


def _text(element: etree._Element | None) -> str | None:
    if element is None or element.text is None:
        return None
    return element.text.strip() or None


class Harvester:
    """One harvest of ``ListRecords``; iterate it for :class:`CollectionItem` objects.

    ``resumption_token`` is, at any moment, the token of the next page to fetch (None before
    the first page and after the last), and ``last_datestamp`` the latest datestamp seen: both
    are what a caller saves to resume an interrupted harvest (see ``archmeta harvest``).
    """

    def __init__(
        self,
        base_url: str,
        prefix: str = "oai_dc",
        set: str | None = None,
        from_: str | None = None,
        until: str | None = None,
        *,
        resumption_token: str | None = None,
        timeout: float = 30.0,
        retries: int = 4,
        backoff: float = 1.0,
        max_wait: float = 120.0,
        client: httpx.Client | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if prefix not in ("oai_dc", "dcterms", "tei"):
            raise UsageError(f"cannot read metadata prefix {prefix!r} (oai_dc, dcterms, tei)")
        self.base_url = base_url
        self.prefix = prefix
        self.arguments: dict[str, str] = {"verb": "ListRecords", "metadataPrefix": prefix}
        for name, value in (("set", set), ("from", from_), ("until", until)):
            if value is not None:
                self.arguments[name] = value
        self.resumption_token = resumption_token
        self.last_datestamp: str | None = None
        self.pages = 0
        self.requests = 0
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.max_wait = max_wait
        self._client = client
        self._sleep = sleep
        self._seen: builtins.set[str] = builtins.set()

    def __iter__(self) -> Iterator[CollectionItem]:
        import httpx

        client = self._client or httpx.Client(timeout=self.timeout, follow_redirects=True)
        try:
            while True:
                params = (
                    {"verb": "ListRecords", "resumptionToken": self.resumption_token}
                    if self.resumption_token
                    else dict(self.arguments)
                )
                with tempfile.SpooledTemporaryFile(max_size=1 << 20) as page:
                    self._fetch(client, params, page)
                    page.seek(0)
                    self.pages += 1
                    token = yield from self._read_page(page, f"{self.base_url} page {self.pages}")
                if not token:
                    self.resumption_token = None
                    return
                if token in self._seen or token == params.get("resumptionToken"):
                    raise HarvestError(
                        f"{self.base_url}: page {self.pages} repeats the resumption token "
                        f"{token!r}; stopping instead of looping",
                        "loop",
                    )
                self._seen.add(token)
                self.resumption_token = token
        finally:
            if self._client is None:
                client.close()

    def _fetch(self, client: httpx.Client, params: dict[str, str], out: IO[bytes]) -> None:
        import httpx

        attempt = 0
        while True:
            attempt += 1
            self.requests += 1
            delay = self.backoff * 2 ** (attempt - 1)
            try:
                with client.stream("GET", self.base_url, params=params) as response:
                    if response.status_code in _RETRY_STATUS:
                        wait = _retry_after(response.headers.get("Retry-After"))
                        problem = f"HTTP {response.status_code}"
                        if wait is not None:
                            delay = min(wait, self.max_wait)
                    elif response.status_code != 200:
                        raise HarvestError(
                            f"{self.base_url}: HTTP {response.status_code} "
                            f"{response.reason_phrase}",
                            "http",
                        )
                    else:
                        out.seek(0)
                        out.truncate()
                        for chunk in response.iter_bytes():
                            out.write(chunk)
                        return
            except httpx.TimeoutException:
                problem = "timed out"
            except httpx.TransportError as exc:
                problem = f"connection failed ({exc})"
            except httpx.HTTPError as exc:
                raise HarvestError(f"{self.base_url}: {exc}", "http") from None
            if attempt > self.retries:
                raise HarvestError(
                    f"{self.base_url}: {problem}, {attempt} attempts; giving up", "network"
                )
            self._sleep(delay)

    def _read_page(
        self, page: IO[bytes], source: str
    ) -> Generator[CollectionItem, None, str | None]:
        """Yield the page's items; return its resumption token (None or '' at the end)."""
        from lxml import etree

        context = etree.iterparse(
            page,
            events=("end",),
            tag=(_RECORD, _ERROR, _TOKEN),
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
            huge_tree=False,
        )
        token: str | None = None
        checked = False
        try:
            for _event, element in context:
                if not checked:
                    _refuse_entities(element, source)
                    checked = True
                if element.tag == _ERROR:
                    code = element.get("code", "")
                    if code == "noRecordsMatch":
                        continue
                    message = (element.text or "").strip()
                    if code == "badResumptionToken":
                        raise HarvestError(
                            f"{source}: the server refused the resumption token "
                            f"{self.resumption_token!r} (badResumptionToken: {message}); it "
                            "may have expired: harvest again from the start or with --from",
                            code,
                        )
                    raise HarvestError(f"{source}: OAI-PMH error {code}: {message}", code)
                if element.tag == _TOKEN:
                    token = _text(element)
                    continue
                parent = element.getparent()
                if parent is not None and parent.tag == _METADATA:
                    continue  # a "record" element inside someone's metadata
                yield self._item(element, source)
                element.clear(keep_tail=False)
                if parent is not None:
                    while element.getprevious() is not None:
                        del parent[0]
        except etree.XMLSyntaxError as exc:
            line, column = getattr(exc, "position", None) or (1, 1)
            raise ParseError(
                f"not well-formed XML: {exc.msg}",
                source=source,
                line=line,
                column=column,
                rule="xml-syntax",
            ) from None
        return token

    def _item(self, element: etree._Element, source: str) -> CollectionItem:
        item = header_item(element, source)
        datestamp = item.datestamp
        if datestamp and (self.last_datestamp is None or datestamp > self.last_datestamp):
            self.last_datestamp = datestamp
        if item.deleted or item.issues:
            return item
        line, identifier = item.line, item.oai_identifier
        child = metadata_root(element)
        if child is None:
            item.issues.append(
                Issue(
                    "the record has no metadata (and is not deleted)",
                    "oai-no-metadata",
                    line=line,
                    source=source,
                )
            )
            return item
        try:
            item.record = record_from_metadata(child, self.prefix, f"{source} {identifier}")
        except ArchmetaError as exc:
            for issue in exc.issues:
                item.issues.append(Issue(issue.message, issue.rule, line=line, source=source))
        return item


def harvest(
    base_url: str,
    prefix: str = "oai_dc",
    set: str | None = None,
    from_: str | None = None,
    until: str | None = None,
    **options: Any,
) -> Iterator[CollectionItem]:
    """Yield every record of a repository's ``ListRecords`` (see :class:`Harvester`).

    ``prefix`` is ``oai_dc``, ``dcterms`` or ``tei``; ``set``, ``from_`` and ``until`` are the
    protocol's selective-harvesting arguments. Options: ``resumption_token`` (start there),
    ``timeout``, ``retries``, ``backoff``, ``max_wait``, ``client`` (an ``httpx.Client``).
    Raises :class:`HarvestError` or :class:`~archmeta.errors.ParseError` when it cannot go on.
    """
    yield from Harvester(base_url, prefix, set, from_, until, **options)
