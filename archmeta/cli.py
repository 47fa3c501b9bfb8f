"""The ``archmeta`` command line: ``convert`` and ``validate`` (``archmeta --help``).

Imports are kept inside the commands: people run ``archmeta`` once per file in shell loops, so
start-up must not pay for pydantic, lxml or jsonschema before they are needed.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, NoReturn

import click

from .errors import UsageError

if TYPE_CHECKING:

    from click.shell_completion import CompletionItem

    from .validation import Profile, Report


_SIZE_HELP = (
    "Refuse inputs, and records of a streamed OAI-PMH response, larger than SIZE (e.g. 64M, "
    "500k, 1G; 0: no limit). Default: 64M."
)


if TYPE_CHECKING:  # click 8.2 made ParamType generic (value type, input type)
    _TextType = click.ParamType[str, str]
else:
    _TextType = click.ParamType


class FormatName(_TextType):
    """A format name for ``--from``/``--to``: the registered formats, plug-ins included.

    The registry is asked only when a name is completed or used, so ``archmeta --help`` imports
    no codec. An unknown name is a usage error (exit 2) naming the known formats, raised by
    :func:`archmeta.formats.get_format` when the command runs. Shell completion (click's
    ``_ARCHMETA_COMPLETE``) offers the registered names.
    """

    name = "format"

    def convert(self, value: str, param: click.Parameter | None, ctx: click.Context | None) -> str:
        return str(value)

    def shell_complete(
        self, ctx: click.Context, param: click.Parameter, incomplete: str
    ) -> list[CompletionItem]:
        from click.shell_completion import CompletionItem

        from .formats import format_names

        return [CompletionItem(name) for name in format_names() if name.startswith(incomplete)]


FORMAT = FormatName()


def _max_bytes(text: str | None) -> int:
    from .sources import DEFAULT_MAX_BYTES, parse_size

    return DEFAULT_MAX_BYTES if text is None else parse_size(text)


def _read_stdin(max_bytes: int) -> bytes:
    from .sources import read_stream

    return read_stream(sys.stdin.buffer, "<stdin>", max_bytes)


def _usage_error(exc: Exception) -> NoReturn:
    click.echo(f"archmeta: {exc}", err=True)
    sys.exit(2)


class _Main(click.Group):
    """The command group; Ctrl-C outside a batch exits 130 (as a batch does), not 1 ("Aborted!"),
    which scripts would take for "an error was found"."""

    #: Commands defined in other modules ("module:attribute"), imported when one is run,
    #: completed or listed (``archmeta --help``), not on every start-up: their modules and
    #: options cost every ``archmeta convert`` in a shell loop about 15 ms. The commands
    #: import httpx, Starlette and uvicorn only when they run.
    lazy: ClassVar[dict[str, str]] = {
        "harvest": "archmeta.oai.commands:harvest_command",
        "serve": "archmeta.oai.commands:serve_command",
        "export": "archmeta.packages_cli:export_command",
        "import": "archmeta.packages_cli:import_command",
    }

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.commands, *self.lazy})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in self.lazy:
            import importlib

            module, _, attribute = self.lazy[cmd_name].partition(":")
            self.add_command(getattr(importlib.import_module(module), attribute), cmd_name)
        return super().get_command(ctx, cmd_name)

    def invoke(self, ctx: click.Context) -> object:
        # A file name with bytes that are not UTF-8, or a JSON key that is a lone surrogate, must
        # be shown, not crash the report: such characters are written as \udcff escapes.
        for stream in (sys.stdout, sys.stderr):
            reconfigure = getattr(stream, "reconfigure", None)
            if reconfigure is not None:
                reconfigure(errors="backslashreplace")
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            click.echo("archmeta: interrupted", err=True)
            sys.exit(130)
        except UsageError as exc:  # a broken installation (a plug-in format), for instance
            _usage_error(exc)


@click.group(cls=_Main, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="archmeta")
def main() -> None:
    """Archival metadata: convert and validate records (text, JSON, TEI, Dublin Core)."""


@main.command()
@click.argument("inputs", nargs=-1, required=True, metavar="INPUT...")
@click.option(
    "--from", "from_format", type=FORMAT, metavar="FMT", help="Input format (default: detected)."
)
@click.option(
    "--to", "to_format", type=FORMAT, metavar="FMT", required=True, help="Output format."
)
@click.option(
    "-o", "--output", metavar="OUTPUT", help="Output file for one INPUT (default: stdout)."
)
@click.option(
    "--out",
    "out_dir",
    metavar="DIR",
    help="Output folder: convert many files and folders, keeping their relative layout.",
)
@click.option("--force", is_flag=True, help="Overwrite existing outputs (otherwise skipped).")
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1),
    metavar="N",
    help="Parallel worker processes for --out (default: one per core; none, converting in "
    "this process, for fewer than 100 records a core).",
)
@click.option(
    "-q", "--quiet", is_flag=True, help="No progress bar and no skip notes; the summary stays."
)
@click.option(
    "--fsync",
    is_flag=True,
    help="Flush every output file to disk before its rename, so that a power failure cannot "
    "lose it (slower; outputs are atomic either way).",
)
@click.option("--max-size", metavar="SIZE", help=_SIZE_HELP)
@click.option(
    "--strict",
    is_flag=True,
    help="Refuse a record that would lose something in the target format [dropped]: report it "
    "as an error and write nothing for it.",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0),
    default=0,
    metavar="SECONDS",
    help="With --out: fail a record that takes longer than SECONDS [timeout] and go on "
    "(default: no limit).",
)
@click.option(
    "--scheduler",
    metavar="ADDRESS",
    help="Run on a Dask cluster: a dask.distributed scheduler (tcp://host:8786), or local:N "
    "to start N worker processes here (needs archmeta[dask]; docs/cluster.md).",
)
def convert(
    inputs: tuple[str, ...],
    from_format: str | None,
    to_format: str,
    output: str | None,
    out_dir: str | None,
    force: bool,
    jobs: int | None,
    quiet: bool,
    fsync: bool,
    max_size: str | None,
    strict: bool,
    timeout: float,
    scheduler: str | None,
) -> None:
    """Convert records between formats.

    \b
    One record:   archmeta convert INPUT --to FMT [-o OUTPUT]   (INPUT may be '-')
    Many:         archmeta convert INPUT... --to FMT --out DIR [--jobs N]
    On a cluster: archmeta convert INPUT... --to FMT --out DIR --scheduler ADDRESS

    Exit status: 0 all converted (or skipped), 1 some input failed, 2 usage error,
    130/143 interrupted (SIGINT/SIGTERM; no partial file is left).
    """
    from .conversion import Settings  # not .batch: one file needs no planning or pool

    try:
        max_bytes = _max_bytes(max_size)
        batch = out_dir is not None or len(inputs) > 1 or any(Path(i).is_dir() for i in inputs)
        if batch:
            if output is not None:
                raise UsageError("-o/--output names one output file; use --out DIR for many")
            if out_dir is None:
                raise UsageError("converting several inputs or a folder needs --out DIR")
            settings = Settings(
                to_format,
                from_format,
                force,
                max_bytes,
                fsync,
                out_dir=out_dir,
                timeout=timeout,
                strict=strict,
            )
            if scheduler is not None and jobs is not None:
                raise UsageError("--jobs and --scheduler: the cluster's workers are the jobs")
            from .cli_batch import convert_batch

            convert_batch(inputs, settings, out_dir, jobs, quiet, scheduler)
            return
        if scheduler is not None:
            raise UsageError("--scheduler runs a batch: use --out DIR")
        _convert_one(inputs[0], from_format, to_format, output, force, max_bytes, strict, fsync)
    except UsageError as exc:
        _usage_error(exc)


def _check_output_file(path: Path, output: str, input_path: str, force: bool) -> None:
    """Refuse an output file that cannot or must not be written, before reading the input."""
    from .conversion import same_file

    if path.is_dir():
        raise UsageError(f"{output}: is a folder; name an output file (or use --out)")
    if not path.parent.is_dir():
        problem = "is not a folder" if path.parent.exists() else "does not exist"
        raise UsageError(f"{output}: its folder {path.parent} {problem}")
    if path.exists() and input_path != "-" and same_file(path, input_path):
        raise UsageError(f"{output}: the output would overwrite the input itself")
    if path.exists() and not force:
        raise UsageError(f"{output}: already exists; use --force to overwrite it")


def _convert_one(
    input_path: str,
    from_format: str | None,
    to_format: str,
    output: str | None,
    force: bool,
    max_bytes: int,
    strict: bool = False,
    fsync: bool = False,
) -> None:
    """One input to one output file or standard output, by the batch's own conversion."""
    from .conversion import FileSink, Settings, convert_input
    from .formats import get_format

    get_format(to_format)
    if from_format:
        get_format(from_format)
    path: Path | None = None
    if output not in (None, "-"):
        path = Path(output)
        try:
            _check_output_file(path, output, input_path, force)
        except OSError as exc:  # a name too long for the file system, say
            raise UsageError(f"{output}: cannot write ({exc.strerror or exc})") from None
    settings = Settings(to_format, from_format, force, max_bytes, strict=strict)
    if input_path == "-":
        source: str | bytes = _read_stdin(max_bytes)
        name = "<stdin>"
    else:
        source = name = input_path
    outcome = convert_input(source, name, settings, FileSink(path, name, fsync=fsync))
    usage = [i for i in outcome.issues if i.rule in ("usage", "unreadable")]
    if usage:
        raise UsageError(f"{name}: {usage[0].message}" if input_path != "-" else usage[0].message)
    for line in outcome.messages:
        click.echo(line, err=True)
    if outcome.failed:
        sys.exit(1)


def _validation_targets(
    paths: tuple[str, ...], from_format: str | None, xml_only: bool = False
) -> list[str | tuple[str, str]]:
    """The files to check, in order; a folder that cannot be listed is (folder, reason).

    ``xml_only`` (``--schema``): folders give their XML files alone, and a file named on the
    command line that is not XML is a usage error now, before any file is checked.
    """
    from .batch import known_extensions, walk
    from .batch.planning import is_package

    if xml_only and from_format is None:
        extensions = tuple(dict.fromkeys(e for f in _schema_formats() for e in known_extensions(f)))
    else:
        extensions = known_extensions(from_format)
    targets: list[str | tuple[str, str]] = []
    for path in paths:
        if path == "-":
            targets.append(path)
            continue
        p = Path(path)
        if is_package(path, from_format):  # a package folder is one input (DSpace SAF)
            targets.append(path)
        elif p.is_dir():
            unreadable: list[tuple[str, str]] = []
            found = walk(p, extensions, unreadable=unreadable)
            if not found and not unreadable:
                click.echo(f"archmeta: {path}: no files with a known extension", err=True)
            targets.extend(unreadable)
            targets.extend(str(f) for f in found)
        elif p.exists():
            if xml_only and from_format is None:
                _require_xml(path, _schema_formats())
            targets.append(path)
        else:
            raise UsageError(f"{path}: no such file or folder")
    return targets


def _schema_formats() -> tuple[str, ...]:
    """The formats whose documents can be checked against a schema file (``--schema``)."""
    from .formats import registry

    return tuple(codec.name for codec in registry if codec.takes_schema_file)


def _require_xml(path: str, xml_formats: tuple[str, ...]) -> None:
    from .formats import detect_format
    from .sources import read_head

    try:
        name = detect_format(path, read_head(path)).name
    except UsageError:
        return  # unreadable, or of no known format: reported as that file's issue
    if name not in xml_formats:
        raise UsageError(
            f"{path}: --schema applies to XML formats ({', '.join(xml_formats)}), not {name}"
        )


@main.command()
@click.argument("paths", nargs=-1, required=True, metavar="PATH...")
@click.option(
    "--from",
    "from_format",
    type=FORMAT,
    metavar="FMT",
    help="Format of the files (default: detected).",
)
@click.option(
    "--profile",
    metavar="NAME|FILE.toml",
    help="Repository profile: required fields and rule severities (shipped: wilson, dc-minimal).",
)
@click.option(
    "--report",
    "report_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="text: one line per problem; json: a machine-readable report on stdout.",
)
@click.option("--max-size", metavar="SIZE", help=_SIZE_HELP)
@click.option(
    "--schema",
    "schema_file",
    metavar="FILE",
    help="Check XML files against this RELAX NG (.rng) or XML Schema (.xsd) file instead of "
    "archmeta's own (e.g. the official tei_all.rng).",
)
@click.option(
    "--scheduler",
    metavar="ADDRESS",
    help="Check the files on a Dask cluster: a dask.distributed scheduler (tcp://host:8786), "
    "or local:N worker processes started here (needs archmeta[dask]; docs/cluster.md).",
)
def validate(
    paths: tuple[str, ...],
    from_format: str | None,
    profile: str | None,
    report_format: str,
    max_size: str | None,
    schema_file: str | None,
    scheduler: str | None,
) -> None:
    """Check records in files and folders (recursively, by extension; '-' is stdin).

    Prints one line per problem, FILE:LINE:COL: severity: message [rule] (or FILE#/pointer).
    Exit status: 0 no error (warnings allowed), 1 some error, 2 usage error.
    """
    from .formats import get_format
    from .validation import load_profile

    try:
        max_bytes = _max_bytes(max_size)
        if from_format:
            get_format(from_format)
        prof = load_profile(profile)
        if schema_file is not None:
            from .xmlsafe import load_schema_file

            load_schema_file(schema_file)  # a bad schema file is a usage error, before any file
        if schema_file is not None and from_format and from_format not in _schema_formats():
            raise UsageError(f"--schema applies to XML formats ({', '.join(_schema_formats())})")
        targets = _validation_targets(paths, from_format, xml_only=schema_file is not None)
        reports: list[Report] = []
        with contextlib.ExitStack() as stack:
            files = [t for t in targets if isinstance(t, str) and t != "-"]
            remote: Iterator[Report] | None = None
            if scheduler is not None and files:
                from .cluster import connect
                from .cluster import validate as check_on_cluster

                client = stack.enter_context(connect(scheduler))
                remote = stack.enter_context(
                    contextlib.closing(
                        check_on_cluster(files, client, from_format, prof, max_bytes, schema_file)
                    )
                )
            _validate_targets(
                targets, remote, from_format, prof, max_bytes, schema_file, report_format, reports
            )
    except UsageError as exc:
        _usage_error(exc)
    _print_validation(reports, report_format, prof.name)


def _validate_targets(
    targets: list[str | tuple[str, str]],
    remote: Iterator[Report] | None,
    from_format: str | None,
    prof: Profile,
    max_bytes: int,
    schema_file: str | None,
    report_format: str,
    reports: list[Report],
) -> None:
    """Check each target in order (files on the cluster when ``remote`` gives their reports,
    in the same order), printing each report's lines as text reports go."""
    from .validation import Report
    from .validation import validate as check

    for target in targets:
        if isinstance(target, tuple):
            from .errors import Issue

            folder, reason = target
            issue = Issue(f"cannot list the folder ({reason})", "unreadable", source=folder)
            report = Report(folder, None, [issue], prof.name)
        elif target == "-":
            report = check(
                _read_stdin(max_bytes),
                from_format,
                prof,
                name="<stdin>",
                max_bytes=max_bytes,
                schema=schema_file,
            )
        elif remote is not None:
            report = next(remote)
        else:
            report = check(
                Path(target),
                from_format,
                prof,
                name=target,
                max_bytes=max_bytes,
                schema=schema_file,
            )
        reports.append(report)
        if report_format == "text":
            for line in report.lines():
                click.echo(line)


def _print_validation(reports: list[Report], report_format: str, profile: str | None) -> None:
    """The JSON report (``--report json``), and the exit status."""
    import json

    failed = any(not r.ok for r in reports)
    if report_format == "json":
        document = {
            "valid": not failed,
            "profile": profile,
            "summary": {
                "files": len(reports),
                "invalid": sum(1 for r in reports if not r.ok),
                "errors": sum(len(r.errors) for r in reports),
                "warnings": sum(len(r.warnings) for r in reports),
            },
            "files": [r.to_dict() for r in reports],
        }
        click.echo(json.dumps(document, indent=2, ensure_ascii=False))
    # The count goes to stderr so that stdout stays the report (a file, a pipe to grep).
    click.echo(_count_line(reports), err=True)
    sys.exit(1 if failed else 0)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _count_line(reports: list[Report]) -> str:
    """``3 files: 0 errors, 2 warnings``: what ``validate`` ends with, success or not."""
    errors = sum(len(r.errors) for r in reports)
    warnings = sum(len(r.warnings) for r in reports)
    return (
        f"{_plural(len(reports), 'file')}: {_plural(errors, 'error')}, "
        f"{_plural(warnings, 'warning')}"
    )


@main.command()
def rules() -> None:
    """List the validation rules: id, default severity and meaning (exit status 0)."""
    from .validation import RULES

    for rule in RULES.values():
        click.echo(f"{rule.id:22} {rule.severity:8} {rule.summary}")


@main.command()
def formats() -> None:
    """List the formats archmeta reads and writes: name, extensions, description (exit 0)."""
    from .formats import registry

    for codec in registry:
        click.echo(f"{codec.name:10} {' '.join(codec.extensions):24} {codec.description}")


def all_commands() -> dict[str, click.Command]:
    """Every ``archmeta`` command by name, the lazily registered ones imported, in the order of
    the reference (docs/cli.md): those defined here, then harvest, serve, export, import."""
    ctx = click.Context(main, info_name="archmeta")
    found = {name: main.get_command(ctx, name) for name in _Main.lazy}
    eager = {name: command for name, command in main.commands.items() if name not in found}
    return {**eager, **{name: command for name, command in found.items() if command}}


if __name__ == "__main__":  # pragma: no cover
    main()
