"""Write the generated parts of docs/ from the code: the rule table of docs/validation.md
(from the rule registry), the crosswalk of docs/crosswalk.md (from the mapping table) and the
command reference of docs/cli.md (from the click commands of ``archmeta.cli.main``).

Run ``python tools/make_docs.py`` (or ``python -m tools.make_docs``) after changing a rule, the
mapping or a command; the drift tests (tests/validation/test_registry.py, tests/test_mapping.py,
tests/test_docs.py) fail while a generated part differs from what the code gives.
"""

from __future__ import annotations

import inspect
import re
import sys
from collections.abc import Callable
from pathlib import Path

import click

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"


def _rules() -> str:
    from archmeta.validation.registry import render_markdown

    return render_markdown()


#: (file, block name, renderer): the text between ``<!-- NAME:start ... -->`` and
#: ``<!-- NAME:end -->`` is the renderer's output.
def _crosswalk() -> str:
    from archmeta.mapping import render_markdown

    return render_markdown()


def _cell(text: str) -> str:
    """Text made safe for one cell of a Markdown table."""
    return " ".join(text.split()).replace("|", "\\|")


def _option_row(param: click.Parameter, ctx: click.Context) -> str:
    names = ", ".join(f"`{n}`" for n in [*param.opts, *param.secondary_opts])
    if isinstance(param, click.Option) and param.is_flag:
        value = ""
    elif isinstance(param.type, click.Choice) and param.metavar is None:
        value = ", ".join(f"`{choice}`" for choice in param.type.choices)
    else:
        metavar = param.make_metavar(ctx) if param.metavar is None else param.metavar
        value = " or ".join(f"`{part}`" for part in metavar.split("|"))
    help_text = getattr(param, "help", None) or ""
    extra = []
    if param.required:
        extra.append("required")
    if (
        isinstance(param, click.Option)
        and param.show_default
        and param.default is not None
        and not param.is_flag
    ):
        extra.append(f"default: `{param.default}`")
    if extra:
        help_text = f"{help_text} ({'; '.join(extra)})" if help_text else "; ".join(extra)
    return f"| {names} | {value} | {_cell(help_text)} |"


def _argument_takes(param: click.Parameter) -> str:
    count = "one or more values" if param.nargs == -1 else "one value"
    kind = "a folder" if isinstance(param.type, click.Path) and not param.type.file_okay else ""
    return ", ".join(w for w in (kind or count, "required" if param.required else "") if w)


def _help_markdown(text: str) -> list[str]:
    """A command's help as Markdown: click's ``\\b`` paragraphs (kept as written) in a text
    block, the others as prose."""
    lines: list[str] = []
    for paragraph in inspect.cleandoc(text).split("\n\n"):
        if paragraph.startswith("\b\n"):
            lines += ["```text", paragraph[2:], "```", ""]
        else:
            lines += [" ".join(paragraph.split()), ""]
    return lines


def render_commands() -> str:
    """The reference of every ``archmeta`` command: usage, help, options and arguments, as
    click knows them (harvest, serve, export and import included: registered lazily)."""
    from archmeta.cli import all_commands, main

    root = click.Context(main, info_name="archmeta")
    out = ["### `archmeta`", "", "```text", "archmeta [OPTIONS] COMMAND [ARGS]...", "```", ""]
    out += _help_markdown(main.help or "")
    out += ["| Option | Value | Meaning |", "|---|---|---|"]
    out += [_option_row(p, root) for p in main.params if isinstance(p, click.Option)]
    out += ["| `-h`, `--help` | | Show the commands and exit. |", ""]
    for name, command in all_commands().items():
        ctx = click.Context(command, info_name=name, parent=root)
        usage = " ".join(command.collect_usage_pieces(ctx))
        out += [f"### `archmeta {name}`", "", "```text", f"archmeta {name} {usage}", "```", ""]
        out += _help_markdown(command.help or "")
        arguments = [p for p in command.params if isinstance(p, click.Argument)]
        options = [p for p in command.params if isinstance(p, click.Option)]
        if arguments:
            out += ["| Argument | Takes |", "|---|---|"]
            out += [f"| `{p.make_metavar(ctx)}` | {_argument_takes(p)} |" for p in arguments]
            out.append("")
        out += ["| Option | Value | Meaning |", "|---|---|---|"]
        out += [_option_row(p, ctx) for p in options]
        out += ["| `-h`, `--help` | | Show the command's help and exit. |", ""]
    return "\n".join(out)


def _package(column: str) -> Callable[[], str]:
    def render() -> str:
        from archmeta.mapping._packages import render_reasons

        return render_reasons(column)

    return render


def _limits() -> str:
    """The table of every limit, from the constants the code enforces."""
    from archmeta.dates import MAX_DATE_LENGTH
    from archmeta.formats.oaipmh import MAX_RECORD_MARKUP, TEXT_NODE_LIMIT
    from archmeta.languages import MAX_LANGUAGE_NAME_LENGTH
    from archmeta.model import MAX_ITEMS, MAX_LANGUAGES, MAX_PARAGRAPHS
    from archmeta.sources import DEFAULT_MAX_BYTES
    from archmeta.urls import MAX_URL_LENGTH

    mib = DEFAULT_MAX_BYTES // (1024 * 1024)
    rows = [
        ("a document (a file, standard input)", f"{mib} MiB (`--max-size`, `max_bytes=`)",
         "`input-too-large`: refused before it is read"),
        ("one record of a streamed container (an OAI-PMH `ListRecords` file of any size)",
         f"{mib} MiB, the same `--max-size`",
         "`record-too-large`: the record is skipped, the next one read"),
        ("tags in one record of a streamed container (each `<`: start, end and empty-element "
         "tags, comments, CDATA sections), about half as many elements",
         f"{MAX_RECORD_MARKUP:,}",
         "`record-too-large`: pruned as it is parsed, skipped, the next one read"),
        ("one text (an element's text, CDATA sections included) in an XML document",
         f"{TEXT_NODE_LIMIT:,} bytes (libxml2's limit; its `huge` option stays off)",
         "in a record of a streamed container, `record-too-large` at the element's line, the "
         "next record read; elsewhere `xml-syntax`"),
        ("values of a list field (subjects, translators, funders, notes, identifiers, ...)",
         f"{MAX_ITEMS:,}", "`too-many-items`"),
        ("languages, original languages", f"{MAX_LANGUAGES:,} each", "`too-many-items`"),
        ("body paragraphs", f"{MAX_PARAGRAPHS:,}", "`too-many-items`"),
        ("a date as written", f"{MAX_DATE_LENGTH:,} characters",
         "`date-unreadable`: kept as written, without an EDTF value"),
        ("a language name", f"{MAX_LANGUAGE_NAME_LENGTH:,} characters",
         "`language-unknown`: not looked up"),
        ("a URL", f"{MAX_URL_LENGTH:,} characters", "`url-malformed`"),
    ]  # fmt: skip
    lines = ["| what | at most | beyond it |", "|------|---------|-----------|"]
    lines += [f"| {what} | {limit} | {rule} |" for what, limit, rule in rows]
    return "\n".join(lines) + "\n"


BLOCKS: list[tuple[Path, str, Callable[[], str]]] = [
    (DOCS / "validation.md", "rules", _rules),
    (DOCS / "validation.md", "limits", _limits),
    (DOCS / "crosswalk.md", "crosswalk", _crosswalk),
    (DOCS / "cli.md", "commands", render_commands),
    (DOCS / "formats" / "dspace-saf.md", "mapping", _package("dspace-saf")),
    (DOCS / "formats" / "omeka-csv.md", "mapping", _package("omeka-csv")),
]


def expected_files() -> dict[Path, str]:
    """Each generated document and the content the code gives for it."""
    files: dict[Path, str] = {}
    for path, name, render in BLOCKS:
        text = files.get(path) or path.read_text(encoding="utf-8")
        pattern = re.compile(rf"(<!-- {name}:start[^>]*-->\n).*?(<!-- {name}:end -->)", re.DOTALL)
        if not pattern.search(text):
            raise SystemExit(f"{path}: no <!-- {name}:start --> ... <!-- {name}:end --> block")
        block = render()
        files[path] = pattern.sub(lambda m, b=block: m.group(1) + b + m.group(2), text)
    return files


def main() -> int:
    for path, content in expected_files().items():
        if path.read_text(encoding="utf-8") != content:
            path.write_text(content, encoding="utf-8")
            print(f"wrote {path.relative_to(ROOT)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
