"""The rule registry: every rule id archmeta reports, with its default severity, its meaning
and an example document that breaks it.

Two kinds of rule share the registry. A *record rule* is a function registered with
:func:`rule`; it looks at a readable :class:`~archmeta.model.ArchivalRecord` and yields
``(JSON Pointer, message)`` findings. A *reader rule* is only declared (:func:`declare`): the
codecs find those problems while reading (an unknown section, a control character, a value the
model refuses) and report them under the same id in every format.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from ..errors import Severity, UsageError
from ..model import ArchivalRecord

__all__ = ["RULES", "Check", "Context", "Finding", "Rule", "declare", "render_markdown", "rule"]

#: One finding of a record rule: the JSON Pointer of the value, and what is wrong with it.
Finding = tuple[str, str]


@dataclass(frozen=True)
class Context:
    """What a record rule may need beside the record: the profile's settings."""

    #: URL schemes the profile accepts (``url-malformed`` refuses others).
    url_schemes: frozenset[str]


Check = Callable[[ArchivalRecord, Context], Iterator[Finding]]


@dataclass(frozen=True)
class Rule:
    """A rule: stable id, default severity, one-line meaning, and an example that breaks it.

    ``example`` is a document in ``example_format`` that reports this rule; the test suite
    validates every example, and ``docs/validation.md`` shows them. ``check`` is None for a
    reader rule. ``needs`` names the fields a record rule is about: it is not run on records
    read from a format that cannot hold them (Dublin Core has no translator role).
    """

    id: str
    severity: Severity
    summary: str
    example: str
    example_format: str = "json"
    check: Check | None = None
    needs: frozenset[str] = frozenset()
    example_profile: str | None = None

    @property
    def kind(self) -> str:
        """``record`` for a rule run on records, ``reader`` for one the codecs report."""
        return "record" if self.check is not None else "reader"


RULES: dict[str, Rule] = {}
"""Every rule by id, in the order declared (``archmeta rules``, docs/validation.md)."""


def _add(entry: Rule) -> None:
    if entry.id in RULES:
        raise UsageError(f"the rule id {entry.id!r} is registered twice")
    RULES[entry.id] = entry


def rule(
    id: str,
    severity: Severity,
    summary: str,
    example: str,
    example_format: str = "json",
    needs: frozenset[str] = frozenset(),
    example_profile: str | None = None,
) -> Callable[[Check], Check]:
    """Register the decorated function as the record rule ``id``."""

    def register(check: Check) -> Check:
        _add(Rule(id, severity, summary, example, example_format, check, needs, example_profile))
        return check

    return register


def declare(
    id: str,
    severity: Severity,
    summary: str,
    example: str,
    example_format: str = "json",
    example_profile: str | None = None,
) -> None:
    """Declare a reader rule: a problem the codecs report while reading."""
    _add(Rule(id, severity, summary, example, example_format, example_profile=example_profile))


def render_markdown() -> str:
    """The registry as Markdown: a table of every rule, then each rule's example (the part of
    ``docs/validation.md`` between its ``rules`` markers)."""
    rows = [
        "| id | default | found by | meaning |",
        "|----|---------|----------|---------|",
    ]
    for entry in RULES.values():
        found_by = "the rules" if entry.kind == "record" else "the reader"
        rows.append(f"| `{entry.id}` | {entry.severity} | {found_by} | {entry.summary} |")
    rows += ["", "### An example of each", ""]
    for entry in RULES.values():
        where = f" ({entry.example_format})" if entry.example_format else ""
        profile = f", with the profile `{entry.example_profile}`" if entry.example_profile else ""
        example = entry.example
        if entry.example_format == "" and not example.startswith(("{", "<", "*")):
            rows.append(f"- `{entry.id}`: {example}.")
        elif "\n" in example.strip() or len(example) > 70:
            fence = "xml" if example.startswith("<") else "text"
            rows += [f"- `{entry.id}`{where}{profile}:", "", f"  ```{fence}"]
            rows += [f"  {line}" if line else "" for line in example.rstrip("\n").split("\n")]
            rows += ["  ```", ""]
        else:
            rows.append(f"- `{entry.id}`{where}{profile}: `{example}`")
    return "\n".join(rows).rstrip("\n") + "\n"
