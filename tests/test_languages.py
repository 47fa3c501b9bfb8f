"""Language names and codes resolved with langcodes."""

from __future__ import annotations

import pytest

from archmeta.languages import is_valid_language_code, resolve_language


@pytest.mark.parametrize(
    ("written", "code"),
    [
        ("Chinese", "zh"),
        ("Russian", "ru"),
        ("Farsi", "fa"),
        ("russe", "ru"),
        ("English", "en"),
        ("eng", "en"),
        ("en", "en"),
        ("fre", "fr"),
        ("German", "de"),
        ("Korean", "ko"),
        ("zh-Hant", "zh-Hant"),
    ],
)
def test_resolve_language(written, code):
    assert resolve_language(written) == code


@pytest.mark.parametrize("written", ["", "xx", "not a language at all 123"])
def test_unknown_language_is_none(written):
    assert resolve_language(written) is None


def test_is_valid_language_code():
    assert is_valid_language_code("zh") and is_valid_language_code("en-US")
    assert not is_valid_language_code("xx") and not is_valid_language_code("Chinese")
