"""Why a URL is refused: schemes, characters, hosts, ports and length, in linear time."""

from __future__ import annotations

import re
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from archmeta.model import URL_PATTERN
from archmeta.urls import DEFAULT_SCHEMES, MAX_URL_LENGTH, url_problem


@pytest.mark.parametrize(
    "url",
    [
        "http://digitalarchive.wilsoncenter.org/document/118189",
        "https://digitalarchive.wilsoncenter.org/document/118189?lang=en#top",
        "HTTPS://EXAMPLE.ORG",
        "https://example.org./x",
        "https://[::1]:8080/x",
        "http://127.0.0.1/x",
        "http://user@example.org:8080/x",
        "http://例え.jp/x",
        "ftp://ftp.example.org/pub/file.txt",
        "doi:10.1000/182",
        "hdl:10427/123",
        "urn:nbn:de:1111-2004033116",
        "ark:/13030/tf5p30086k",
        "info:eu-repo/semantics/openAccess",
    ],
)
def test_acceptable_urls(url: str) -> None:
    assert url_problem(url) is None


@pytest.mark.parametrize(
    ("url", "words"),
    [
        (
            "javascript:alert(1)",
            "has the scheme 'javascript:', which is not allowed (allowed: ark,",
        ),
        ("data:text/html,x", "scheme 'data:', which is not allowed"),
        ("digitalarchive.wilsoncenter.org/x", "has no scheme (such as https:)"),
        ("/document/118189", "has no scheme"),
        ("http://a b/", "contains white space or control characters"),
        ("http://example.org/\x01", "contains white space or control characters"),
        ("http://example.org/\x7f", "contains white space or control characters"),
        ("http://example.org/\x85", "contains white space or control characters"),
        ("http://example.org/<x>", "contains '<', which URLs cannot hold"),
        ("https:///x", "names no host"),
        ("http:", "has nothing after its scheme"),
        ("doi:", "has nothing after its scheme"),
        ("http://example.org:99999/", "Port out of range"),
        ("http://exa_mple..org/", "has an invalid host name 'exa_mple..org'"),
        ("http://digitalarchive.wilsoncenter.org,/x", "invalid host name"),
        ("http://[fe80::zz]/", "cannot be parsed"),
        ("http://" + "a" * 64 + ".org/", "invalid host name"),
        ("https://example.org/" + "x" * MAX_URL_LENGTH, "archmeta accepts URLs of at most 2,000"),
    ],
)
def test_refused_urls_say_why(url: str, words: str) -> None:
    problem = url_problem(url)
    assert problem is not None and problem.startswith("the URL ")
    assert words in problem


def test_schemes_are_configurable() -> None:
    assert url_problem("mailto:a@example.org") is not None
    assert url_problem("mailto:a@example.org", DEFAULT_SCHEMES | {"mailto"}) is None
    assert "allowed: https" in (url_problem("http://example.org/", frozenset({"https"})) or "")


def test_a_long_url_is_quoted_short() -> None:
    problem = url_problem("https://example.org/" + "x" * 5_000)
    assert problem is not None and len(problem) < 250 and "5,020 characters" in problem


@settings(max_examples=500, deadline=None)
@given(st.text(max_size=60))
def test_never_raises_and_refuses_what_the_model_refuses(url: str) -> None:
    problem = url_problem(url)
    assert problem is None or problem.startswith("the URL ")
    if problem is None:
        assert re.search(URL_PATTERN, url), url


def _seconds(url: str) -> float:
    best = float("inf")
    for _ in range(7):
        started = time.process_time()
        for _ in range(20):
            url_problem(url)
        best = min(best, time.process_time() - started)
    return best


@pytest.mark.parametrize(
    "make",
    [
        lambda n: "http://" + "digitalarchive." * n + "org,/x",  # backtracked exponentially
        lambda n: "http://" + "a-" * n + "/",
        lambda n: "http://" + "1." * n + ",",
        lambda n: "doi:" + "10.1000/" * n,
    ],
)
def test_checking_grows_linearly(make) -> None:
    """A host regex of nested quantifiers once took 11.8 s on a 41-character URL."""
    small, large = make(10), make(80)  # both under the length cap
    assert len(large) <= MAX_URL_LENGTH
    ratio = _seconds(large) / max(_seconds(small), 1e-7)
    assert ratio < 20, ratio
