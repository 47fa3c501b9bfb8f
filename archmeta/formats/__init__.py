"""The format registry: every format archmeta reads and writes is a :class:`Codec` named here.

The built-in codecs are listed with their extensions so that ``archmeta`` starts without
importing them; each is imported when first used. Other packages add formats through the
entry-point group ``archmeta.formats`` (``name = "package.module:codec"``, the value a
:class:`Codec` instance or class); a name registered twice is an error. Each format module also
keeps its small function API (``loads``/``dumps``/``load``/``dump``).
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, NoReturn

from ..errors import UsageError
from .codec import Codec, CollectionItem, Decoded

__all__ = [
    "BUILTIN_FORMATS",
    "Codec",
    "CollectionItem",
    "Decoded",
    "FormatRegistry",
    "detect_format",
    "format_names",
    "format_of_name",
    "get_format",
    "register",
    "registry",
]

ENTRY_POINT_GROUP = "archmeta.formats"


@dataclass(frozen=True)
class _Builtin:
    name: str
    target: str  # "module:attribute"
    extensions: tuple[str, ...]
    loose: tuple[str, ...] = ()  # the codec's loose_extensions
    single: bool = False  # its documents hold one record each (is_container is always False)


# The formats archmeta ships, known without importing them (start-up stays fast): planning a
# batch needs their extensions, and whether a file can hold several records, but no codec.
# tests/formats/test_registry.py checks these against the codecs themselves.
_BUILTINS = (
    _Builtin("text", "archmeta.formats.text:codec", (".txt", ".text", ".md"), (".md",), True),
    _Builtin("json", "archmeta.formats.json:codec", (".json",), single=True),
    _Builtin("oai_dc", "archmeta.formats.dc:oai_dc", (".oai_dc.xml",)),
    _Builtin("dcterms", "archmeta.formats.dc:dcterms", (".dcterms.xml",)),
    _Builtin("tei", "archmeta.formats.tei:codec", (".tei.xml",), single=True),
    _Builtin("dspace-saf", "archmeta.formats.saf:codec", (".saf",), single=True),
    _Builtin("omeka-csv", "archmeta.formats.omeka:codec", (".omeka.csv",), (".csv",)),
)


BUILTIN_FORMATS: tuple[str, ...] = tuple(b.name for b in _BUILTINS)
"""The names of the formats archmeta itself ships, in a stable order."""


def _load(target: str) -> Codec:
    module_name, _, attribute = target.partition(":")
    value: Any = getattr(importlib.import_module(module_name), attribute)
    if isinstance(value, type) and issubclass(value, Codec):
        value = value()
    if not isinstance(value, Codec):
        raise UsageError(f"{target} is not an archmeta codec (a Codec instance or class)")
    return value


class FormatRegistry:
    """The registered codecs by name, loaded on first use."""

    def __init__(self) -> None:
        self._targets: dict[str, str] = {}
        self._extensions: dict[str, tuple[str, ...]] = {}
        self._loose: dict[str, tuple[str, ...]] = {}
        self._single: set[str] = set()
        self._codecs: dict[str, Codec] = {}
        self._plugins_loaded = False
        # endings(), and the extensions it was sorted from (compared on each call, which is
        # cheap: a registry changed in any way is sorted again).
        self._endings: tuple[dict[str, tuple[str, ...]], list[tuple[str, str]]] = ({}, [])

    def add(self, codec: Codec) -> None:
        """Register a codec object; a name registered twice is a :class:`UsageError`."""
        self._claim(codec.name, f"{type(codec).__module__}.{type(codec).__qualname__}")
        self._codecs[codec.name] = codec
        self._extensions[codec.name] = codec.extensions
        self._loose[codec.name] = codec.loose_extensions
        if type(codec).is_container is Codec.is_container:
            self._single.add(codec.name)

    def add_lazy(
        self,
        name: str,
        target: str,
        extensions: tuple[str, ...],
        loose: tuple[str, ...] = (),
        single: bool = False,
    ) -> None:
        """Register a codec by ``module:attribute``, imported when first used, with its
        extensions, its loose extensions and whether each document holds one record only."""
        self._claim(name, target)
        self._targets[name] = target
        self._extensions[name] = extensions
        self._loose[name] = loose
        if single:
            self._single.add(name)

    def _claim(self, name: str, by: str) -> None:
        if name in self._targets or name in self._codecs:
            first = self._targets.get(name) or repr(self._codecs[name])
            raise UsageError(f"the format name {name!r} is registered twice ({first}, {by})")

    def load_plugins(self) -> None:
        """Register the codecs other packages declare in the entry-point group (once)."""
        if self._plugins_loaded:
            return
        self._plugins_loaded = True
        from importlib.metadata import entry_points

        for entry in entry_points(group=ENTRY_POINT_GROUP):
            codec = _load(entry.value)
            if codec.name != entry.name:
                raise UsageError(
                    f"entry point {entry.name!r} of {ENTRY_POINT_GROUP} gives a codec named "
                    f"{codec.name!r}; the two must agree"
                )
            self.add(codec)

    def names(self) -> list[str]:
        self.load_plugins()
        return sorted(self._extensions)

    def extensions(self) -> dict[str, tuple[str, ...]]:
        """Each format's extensions, without importing any codec."""
        self.load_plugins()
        return dict(self._extensions)

    def endings(self) -> list[tuple[str, str]]:
        """(extension, format) of every format, in the order a file name is matched against
        them: the longest extension first (then the greater name, as ``max`` would choose)."""
        self.load_plugins()
        if self._endings[0] != self._extensions:
            pairs = [(ext, name) for name, exts in self._extensions.items() for ext in exts]
            ordered = sorted(pairs, key=lambda p: (len(p[0]), p[1]), reverse=True)
            self._endings = (dict(self._extensions), ordered)
        return self._endings[1]

    def loose_extensions(self) -> dict[str, tuple[str, ...]]:
        """Each format's loose extensions (see :attr:`Codec.loose_extensions`), without
        importing any codec."""
        self.load_plugins()
        return dict(self._loose)

    def extensions_of(self, name: str) -> tuple[str, ...]:
        """The extensions of the format ``name`` (the one written first), without importing
        its codec; an unknown name is a :class:`UsageError`, as for :meth:`get`."""
        if name not in self._extensions:
            self.load_plugins()
            if name not in self._extensions:
                self._unknown(name)
        return self._extensions[name]

    def single_record(self, name: str) -> bool:
        """Whether every document of ``name`` holds one record (never a container), known
        without importing its codec: a batch need not look inside such files to plan them."""
        return name in self._single

    def module_of(self, name: str) -> str:
        """The module that defines the codec ``name`` (imported only if it is a plug-in's)."""
        target = self._targets.get(name)
        return target.partition(":")[0] if target else type(self.get(name)).__module__

    def _unknown(self, name: str) -> NoReturn:
        raise UsageError(f"unknown format {name!r}; known formats: {', '.join(self.names())}")

    def get(self, name: str) -> Codec:
        codec = self._codecs.get(name)
        if codec is not None:
            return codec
        target = self._targets.get(name)
        if target is None:
            self.load_plugins()
            if name in self._codecs:
                return self._codecs[name]
            self._unknown(name)
        codec = _load(target)
        self._codecs[name] = codec
        return codec

    def __iter__(self) -> Iterator[Codec]:
        return (self.get(name) for name in self.names())


registry = FormatRegistry()
"""The formats of this process: the built-in ones and those of installed plug-ins."""
for _builtin in _BUILTINS:
    registry.add_lazy(
        _builtin.name, _builtin.target, _builtin.extensions, _builtin.loose, _builtin.single
    )


def register(codec: Codec) -> None:
    """Add a codec to the registry (a name registered twice is an error)."""
    registry.add(codec)


def format_names() -> list[str]:
    """The names of every registered format, sorted."""
    return registry.names()


def get_format(name: str) -> Codec:
    """The codec called ``name``; :class:`UsageError` names the known ones."""
    return registry.get(name)


def format_of_name(name: str) -> str | None:
    """The format a file name's extension says (the longest matching extension wins)."""
    lower = name.lower()
    return next((fmt for ext, fmt in registry.endings() if lower.endswith(ext)), None)


def detect_format(name: str | None, head: bytes | str | None = None) -> Codec:
    """Tell a document's codec from its file name, or failing that from its first bytes."""
    if name:
        by_name = format_of_name(name)
        if by_name is not None:
            return get_format(by_name)
    if head is not None:
        if isinstance(head, str):
            head = head[:4096].encode("utf-8", "replace")
        scores = [(codec.sniff(head), codec.name) for codec in registry]
        best = max(scores, default=(0, ""))
        if best[0] > 0:
            return get_format(best[1])
    raise UsageError(
        f"cannot tell the format of {name or 'the input'}; name one with --from "
        f"({', '.join(format_names())})"
    )
