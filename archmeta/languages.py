"""Resolving language names and codes ("Chinese", "Farsi", "russe", "eng", "fre") to BCP 47 tags.

``langcodes`` (with ``language-data``) knows language names in many languages; it is imported
lazily because command-line start-up matters, and answers are cached.

Only confident answers are given. ``langcodes.find`` matches loosely: when a name is not known
it takes the longest known name that begins it ("patois de Valbonnais / occitan (post 1500)"
became ``jam``, Jamaican Creole, from its first word "patois"). Here a name is accepted only when
it is, once case and punctuation are ignored, exactly a name ``language-data`` lists for the
language found (in any language: "russe", "Farsi", "中文"), optionally followed by the word
"language" or by a qualifier in parentheses ("Chinese (Simplified)" is ``zh``); anything else is
``None``, which validation reports as an unknown language.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

__all__ = ["MAX_LANGUAGE_NAME_LENGTH", "is_valid_language_code", "resolve_language"]

#: Longest language name or code (in characters) that is looked up at all. Real names are short
#: ("Chinese (Traditional, Hong Kong SAR China)" is 42); language-data's matching is slow on
#: long text (a 640 kB name took 43 s), and no longer text can be a language name.
MAX_LANGUAGE_NAME_LENGTH = 100

_TAG = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*")
# POSIX locale names ("en_US", "pt_BR.UTF-8" without the encoding) use underscores.
_LOCALE = re.compile(r"[A-Za-z]{2,3}(?:_[A-Za-z0-9]{1,8})+")
# No language name holds a control character, and language_data's name tries break on NUL
# (SystemError or UnicodeDecodeError from marisa_trie), so such text is never looked up.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
# Words that may follow a name without changing it: "Russian language".
_VERBIAGE = re.compile(r"\s+(?:language|languages|lang\.?)$")
# A name with a qualifier in parentheses, "Chinese (Simplified)", "Arabic (Egypt)": when the full
# text is not a listed name, the name before the qualifier is tried on its own (exactly).
_QUALIFIED = re.compile(r"(?P<name>[^()]+?)\s*\([^()]*\)")
_NAME_TRIE = "und/name_to_language"

# The English names the archive writes most, with the tag langcodes resolves each to (a test
# checks every entry against langcodes). Answering them from this table spares most processes
# importing langcodes and its name data (0.2 s, more than converting a hundred records).
_COMMON_NAMES = {
    "Albanian": "sq", "Arabic": "ar", "Armenian": "hy", "Azerbaijani": "az", "Belarusian": "be",
    "Bulgarian": "bg", "Chinese": "zh", "Croatian": "hr", "Czech": "cs", "Danish": "da",
    "Dutch": "nl", "English": "en", "Estonian": "et", "Farsi": "fa", "Finnish": "fi",
    "French": "fr", "Georgian": "ka", "German": "de", "Greek": "el", "Hebrew": "he",
    "Hindi": "hi", "Hungarian": "hu", "Indonesian": "id", "Italian": "it", "Japanese": "ja",
    "Kazakh": "kk", "Khmer": "km", "Korean": "ko", "Lao": "lo", "Latvian": "lv",
    "Lithuanian": "lt", "Macedonian": "mk", "Mongolian": "mn", "Norwegian": "no",
    "Persian": "fa", "Polish": "pl", "Portuguese": "pt", "Romanian": "ro", "Russian": "ru",
    "Serbian": "sr", "Slovak": "sk", "Slovenian": "sl", "Spanish": "es", "Swedish": "sv",
    "Thai": "th", "Turkish": "tr", "Ukrainian": "uk", "Urdu": "ur", "Uzbek": "uz",
    "Vietnamese": "vi",
}  # fmt: skip


def _normalized(name: str) -> str:
    from language_data.names import normalize_name

    return str(normalize_name(name))


def _is_listed_name(lookup: str, tag: str) -> bool:
    """Whether ``lookup`` (normalized) is exactly a name language-data has for ``tag``."""
    from language_data import names

    # The name trie holds every name (including alternatives such as "Farsi"); langcodes has
    # just loaded it to answer. The per-code names cover names the trie leaves out as ambiguous
    # between a language and its variants ("Hindi").
    trie: Any = getattr(names, "TRIES", {}).get(_NAME_TRIE)
    if trie is not None and lookup in trie and names.get_trie_value(trie, lookup) == tag:
        return True
    listed = {**names.code_to_names(tag.split("-", maxsplit=1)[0]), **names.code_to_names(tag)}
    return any(_normalized(name) == lookup for name in listed.values())


def _from_code(text: str) -> str | None:
    import langcodes

    try:
        lang = langcodes.Language.get(text)
    except (langcodes.tag_parser.LanguageTagError, ValueError):
        return None
    if lang.is_valid() and lang.language and lang.has_name_data():
        return str(lang.simplify_script().to_tag())
    return None


@lru_cache(maxsize=2048)
def resolve_language(written: str) -> str | None:
    """The BCP 47 tag (shortest form: ``zh``, ``fa``, ``en``) for a language as written, or None.

    Accepts codes (ISO 639-1/2/3, BCP 47 and POSIX locales: "en", "eng", "fre", "en-US",
    "en_US") and names in English and other languages ("Chinese", "Farsi", "russe"), but only
    exact names: a name that merely begins with a language's name is not one. Text longer than
    :data:`MAX_LANGUAGE_NAME_LENGTH` is not looked up. Never raises.

    >>> resolve_language("Farsi"), resolve_language("en_US"), resolve_language("patois de Cuers")
    ('fa', 'en-US', None)
    """
    if len(written) > 4 * MAX_LANGUAGE_NAME_LENGTH:  # not even worth collapsing white space
        return None
    text = " ".join(written.split())
    common = _COMMON_NAMES.get(text)
    if common is not None:
        return common
    return _resolve(text)


def _resolve(text: str) -> str | None:
    """:func:`resolve_language` of text with white space collapsed, asking langcodes."""
    if not text or len(text) > MAX_LANGUAGE_NAME_LENGTH or _CONTROL.search(text):
        return None
    if _LOCALE.fullmatch(text):
        text = text.replace("_", "-")
    if _TAG.fullmatch(text):
        code = _from_code(text)
        if code is not None:
            return code
    import langcodes

    lookup = _normalized(text)
    qualified = _QUALIFIED.fullmatch(text)
    base = _normalized(qualified.group("name")) if qualified else ""
    for candidate in dict.fromkeys([lookup, _VERBIAGE.sub("", lookup), base]):
        if not candidate:
            continue
        try:
            found = langcodes.find(candidate)
        except LookupError:
            continue
        if _is_listed_name(candidate, str(found.to_tag())):
            return str(found.simplify_script().to_tag())
    return None


@lru_cache(maxsize=2048)
def is_valid_language_code(code: str) -> bool:
    """Whether ``code`` is a well-formed, registered BCP 47 language tag."""
    if len(code) > MAX_LANGUAGE_NAME_LENGTH or not _TAG.fullmatch(code):
        return False
    import langcodes

    try:
        return bool(langcodes.tag_is_valid(code))
    except ValueError:
        return False
