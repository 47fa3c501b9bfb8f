"""Profiles: a repository's requirements, as a small TOML file (``archmeta/profiles/``).

A profile names the fields a record must have and the severity of each rule (``error``,
``warning`` or ``off``). Unknown keys, rule ids and fields are refused with a "did you mean".
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from ..errors import ProfileError
from ..model import ArchivalRecord
from .registry import RULES

__all__ = ["DEFAULT_PROFILE", "Profile", "load_profile", "parse_profile", "profile_names"]

Setting = Literal["error", "warning", "off"]
SETTINGS: tuple[str, ...] = ("error", "warning", "off")
_PROFILE_DIR = Path(__file__).resolve().parent.parent / "profiles"


def _suggest(word: str, choices: Sequence[str]) -> str:
    import difflib

    close = difflib.get_close_matches(word, list(choices), n=1)
    return f"; did you mean {close[0]!r}?" if close else ""


class Profile(BaseModel):
    """A repository's requirements: fields that must be present and rule severities.

    Each entry of ``required`` is a field name, or several joined by ``|`` when any one of
    them will do (``"identifier|url|identifiers"``).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1)
    description: str = ""
    required: tuple[str, ...] = ()
    rules: Mapping[str, Setting] = Field(default_factory=dict)
    #: URL schemes a record's URL may have (``url-malformed`` refuses others); None: the
    #: defaults of :data:`archmeta.urls.DEFAULT_SCHEMES`.
    url_schemes: frozenset[str] | None = None
    path: str | None = None

    def __init__(self, name: str | None = None, /, **data: Any) -> None:
        if name is not None:
            data["name"] = name
        super().__init__(**data)

    @field_validator("name")
    @classmethod
    def _strip_name(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must be a non-empty string")
        return value.strip()

    @field_validator("required")
    @classmethod
    def _known_fields(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        fields = list(ArchivalRecord.model_fields)
        for index, entry in enumerate(value):
            for alternative in entry.split("|"):
                name = alternative.strip()
                if name not in fields:
                    raise ValueError(
                        f"required[{index}]: {name!r} is not a field of an archival record"
                        + _suggest(name, fields)
                    )
        return tuple(x.strip() for x in value)

    @field_validator("url_schemes", mode="before")
    @classmethod
    def _schemes(cls, value: Any) -> Any:
        if value is None:
            return None
        if not isinstance(value, (list, tuple, set, frozenset)) or not all(
            isinstance(v, str) and v.strip() for v in value
        ):
            raise ValueError('url_schemes: must be a list of schemes, e.g. ["https", "hdl"]')
        return frozenset(v.strip().lower().removesuffix(":") for v in value)

    @field_validator("rules", mode="before")
    @classmethod
    def _known_rules(cls, value: Any) -> Any:
        if isinstance(value, Mapping):
            for rule_id in value:
                if rule_id not in RULES:
                    raise ValueError(
                        f"rules.{rule_id}: unknown rule id" + _suggest(rule_id, sorted(RULES))
                    )
        return value

    def severity(self, rule_id: str) -> str:
        """The severity this profile gives ``rule_id`` (``off`` when it is switched off)."""
        if rule_id in self.rules:
            return self.rules[rule_id]
        return RULES[rule_id].severity if rule_id in RULES else "error"


DEFAULT_PROFILE = Profile(name="default", description="archmeta's default severities")
"""The profile used when none is named: no required field, every rule at its own severity."""


def profile_names() -> list[str]:
    """The profiles shipped with archmeta."""
    return sorted(p.stem for p in _PROFILE_DIR.glob("*.toml"))


def load_profile(name_or_path: str | os.PathLike[str] | Profile | None) -> Profile:
    """A shipped profile by name (``wilson``, ``dc-minimal``) or a profile TOML file.

    Raises :class:`~archmeta.errors.ProfileError` naming the file, the key and the problem.
    """
    if name_or_path is None:
        return DEFAULT_PROFILE
    if isinstance(name_or_path, Profile):
        return name_or_path
    text = os.fspath(name_or_path)
    path = Path(text)
    if not text.endswith(".toml") and os.sep not in text and "/" not in text:
        path = _PROFILE_DIR / f"{text}.toml"
        if not path.is_file():
            raise ProfileError(
                f"unknown profile {text!r}; shipped profiles: {', '.join(profile_names())} "
                "(or name a .toml file)" + _suggest(text, profile_names())
            )
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ProfileError(f"{text}: no such profile file") from None
    except OSError as exc:
        raise ProfileError(f"{text}: cannot read the profile ({exc.strerror})") from None
    return parse_profile(raw, source=text, default_name=path.stem)


_KEYS = ("name", "description", "required", "rules", "url_schemes")
_HINTS = {
    "name": "must be a non-empty string",
    "description": "must be a string",
    "required": 'must be a list of field names, e.g. ["title", "date"]',
    "rules": 'must be a table, e.g. [rules] followed by date-future = "warning"',
    "url_schemes": 'must be a list of schemes, e.g. ["https", "hdl"]',
}


def parse_profile(data: bytes | str, source: str = "<profile>", default_name: str = "") -> Profile:
    """Read a profile from TOML text (see ``docs/validation.md`` for the keys)."""
    import tomllib

    try:
        text = data.decode("utf-8") if isinstance(data, bytes) else data
        doc = tomllib.loads(text)
    except UnicodeDecodeError:
        raise ProfileError(f"{source}: a profile must be UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError(f"{source}: not valid TOML: {exc}") from None
    for key in doc:
        if key not in _KEYS:
            raise ProfileError(
                f"{source}: {key}: unknown key (known keys: {', '.join(sorted(_KEYS))})"
                + _suggest(key, sorted(_KEYS))
            )
    try:
        return Profile(**{"name": default_name, **doc, "path": source})
    except ValidationError as exc:
        raise ProfileError(f"{source}: {_profile_problem(exc.errors()[0])}") from None


def _profile_problem(error: Mapping[str, Any]) -> str:
    """``key: what is wrong`` for the first problem pydantic found in a profile."""
    loc = [str(part) for part in error.get("loc", ())]
    key = loc[0] if loc else "profile"
    message = str(error.get("msg", "invalid")).removeprefix("Value error, ")
    if key == "rules" and len(loc) > 1 and error.get("type") == "literal_error":
        setting = error.get("input")
        return (
            f"rules.{loc[1]}: severity must be one of {', '.join(repr(s) for s in SETTINGS)}, "
            f"not {setting!r}"
        )
    if message.startswith(("required[", "rules.", "url_schemes:")):
        return message
    if error.get("type") in ("value_error",) and key in _HINTS and "non-empty" in message:
        return f"{key}: {message}"
    return f"{key}: {_HINTS.get(key, message)}"
