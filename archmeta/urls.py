"""Whether a record's URL is acceptable, and if not, why: one sentence, in linear time.

The model only asks that a URL look like an absolute URI (``URL_PATTERN``); this module is the
validation layer's stricter reading: an allowed scheme, no white space or control characters, a
length cap, and for web schemes a well-formed host and port. Every check is a single pass (or a
bounded regular expression per host label), so hostile input costs time linear in its length.
"""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import urlsplit

__all__ = ["DEFAULT_SCHEMES", "MAX_URL_LENGTH", "WEB_SCHEMES", "url_problem"]

#: Schemes accepted by default: the web's, and the persistent-identifier schemes archives use
#: (DOIs, Handles, URNs, ARKs, info: URIs). ``javascript:``, ``data:``, ``file:`` are refused.
DEFAULT_SCHEMES: frozenset[str] = frozenset(
    {"http", "https", "doi", "hdl", "urn", "ark", "info", "ftp"}
)

#: Schemes whose URLs must name a host (``scheme://host/...``).
WEB_SCHEMES: frozenset[str] = frozenset({"http", "https", "ftp"})

#: Longest URL accepted, in characters. 2,000 is the long-standing practical limit of browsers
#: and search engines; archival record URLs are under 200.
MAX_URL_LENGTH = 2_000

_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*):")
# White space, C0 and C1 controls, DEL, and the non-characters XML cannot carry.
_BAD_CHAR = re.compile(r"[\s\x00-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff]")
# Characters RFC 3986 never allows unencoded and the model refuses too.
_DELIMITER = re.compile(r'[<>"]')
# One DNS label (RFC 1123): letters, digits and inner hyphens, at most 63 characters. Matched
# against one label at a time, so there is nothing to backtrack over.
_LABEL = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?")


def _quote(url: str) -> str:
    return repr(url if len(url) <= 100 else url[:97] + "...")


def _host_problem(host: str) -> str | None:
    """Why ``host`` (as ``urlsplit`` gives it, brackets removed) is not a host name or address."""
    if ":" in host:  # an IPv6 literal ("[::1]" in the URL)
        try:
            ipaddress.IPv6Address(host.split("%", 1)[0])
        except ValueError:
            return "an invalid IPv6 address"
        return None
    name = host[:-1] if host.endswith(".") else host  # a fully qualified name may end in "."
    if not name.isascii():
        try:
            name = name.encode("idna").decode("ascii")  # an internationalized name
        except UnicodeError:
            return "an invalid host name"
    if len(name) > 253 or not all(_LABEL.fullmatch(label) for label in name.split(".")):
        return "an invalid host name"
    return None


def url_problem(url: str, schemes: frozenset[str] = DEFAULT_SCHEMES) -> str | None:
    """Why ``url`` is not an acceptable absolute URL, as a sentence, or ``None`` when it is.

    ``schemes`` are the allowed schemes (lower case). Never raises; linear in ``len(url)``.

    >>> url_problem("https://digitalarchive.wilsoncenter.org/document/118189") is None
    True
    >>> print(url_problem("javascript:alert(1)"))  # doctest: +ELLIPSIS
    the URL 'javascript:alert(1)' has the scheme 'javascript:', which is not allowed (allowed: ...)
    """
    if len(url) > MAX_URL_LENGTH:
        return (
            f"the URL {_quote(url)} is {len(url):,} characters long; archmeta accepts URLs of at "
            f"most {MAX_URL_LENGTH:,} characters"
        )
    if _BAD_CHAR.search(url):
        return f"the URL {_quote(url)} contains white space or control characters"
    m = _SCHEME.match(url)
    if not m:
        return f"the URL {_quote(url)} has no scheme (such as https:)"
    scheme = m.group(1).lower()
    if scheme not in schemes:
        allowed = ", ".join(sorted(schemes)) or "none"
        return (
            f"the URL {_quote(url)} has the scheme '{scheme}:', which is not allowed "
            f"(allowed: {allowed})"
        )
    delimiter = _DELIMITER.search(url)
    if delimiter:
        return f"the URL {_quote(url)} contains {delimiter.group()!r}, which URLs cannot hold"
    if len(url) == m.end():
        return f"the URL {_quote(url)} has nothing after its scheme"
    if scheme not in WEB_SCHEMES:
        return None
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a bad port
    except ValueError as exc:
        return f"the URL {_quote(url)} cannot be parsed ({exc})"
    host = parts.hostname or ""
    if not parts.netloc or not host:
        return f"the URL {_quote(url)} names no host"
    problem = _host_problem(host)
    if problem:
        return f"the URL {_quote(url)} has {problem} {host!r}"
    return None
