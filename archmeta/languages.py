"""Resolving language names and codes ("Chinese", "Farsi", "russe", "eng", "fre") to BCP 47 tags.

``langcodes`` (with ``language-data``) knows language names in many languages; it is imported
lazily because command-line start-up matters, and answers are cached.
"""

from __future__ import annotations

import re
from functools import lru_cache

__all__ = ["is_valid_language_code", "resolve_language"]

_TAG = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*")


@lru_cache(maxsize=2048)
def resolve_language(written: str) -> str | None:
    """The BCP 47 tag (shortest form: ``zh``, ``fa``, ``en``) for a language as written, or None.

    Accepts names in English and other languages ("Chinese", "Farsi", "russe") and codes
    (ISO 639-1/2/3, BCP 47: "en", "eng", "fre", "en-US").
    """
    import langcodes

    text = written.strip()
    if not text:
        return None
    if _TAG.fullmatch(text):
        try:
            lang = langcodes.Language.get(text)
        except (langcodes.tag_parser.LanguageTagError, ValueError):
            lang = None
        if lang is not None and lang.is_valid() and lang.language and lang.has_name_data():
            return lang.simplify_script().to_tag()
    try:
        return langcodes.find(text).simplify_script().to_tag()
    except LookupError:
        return None


@lru_cache(maxsize=2048)
def is_valid_language_code(code: str) -> bool:
    """Whether ``code`` is a well-formed, registered BCP 47 language tag."""
    if not _TAG.fullmatch(code):
        return False
    import langcodes

    try:
        return bool(langcodes.tag_is_valid(code))
    except ValueError:
        return False
