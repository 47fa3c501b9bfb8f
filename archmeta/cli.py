"""The ``archmeta`` command line: ``convert`` and ``validate`` (``archmeta --help``).

Imports are kept inside the commands: people run ``archmeta`` once per file in shell loops, so
start-up must not pay for pydantic, lxml or jsonschema before they are needed.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .errors import ArchmetaError, UsageError


def _format_choice() -> list[str]:
    from .formats import format_names

    return format_names()


def _read_input(path: str) -> tuple[bytes, str]:
    if path == "-":
        return sys.stdin.buffer.read(), "<stdin>"
    p = Path(path)
    if p.is_dir():
        raise UsageError(f"{path}: is a folder, not a file")
    try:
        return p.read_bytes(), path
    except FileNotFoundError:
        raise UsageError(f"{path}: no such file") from None
    except OSError as exc:
        raise UsageError(f"{path}: cannot read ({exc.strerror})") from None


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="archmeta")
def main() -> None:
    """Archival metadata: convert and validate records (text, JSON, TEI, Dublin Core)."""


@main.command()
@click.argument("input_path", metavar="INPUT")
@click.option("--from", "from_format", metavar="FMT", help="Input format (default: detected).")
@click.option("--to", "to_format", metavar="FMT", required=True, help="Output format.")
@click.option("-o", "--output", metavar="OUTPUT", help="Output file (default: stdout).")
@click.option("--force", is_flag=True, help="Overwrite an existing output file.")
def convert(
    input_path: str, from_format: str | None, to_format: str, output: str | None, force: bool
) -> None:
    """Convert one record from one format to another (INPUT may be '-' for stdin)."""
    from .formats import detect_format, get_format

    try:
        target = get_format(to_format)
        source = get_format(from_format) if from_format else None
        data, name = _read_input(input_path)
        if source is None:
            source = detect_format(None if input_path == "-" else input_path, data)
        record = source.loads(data, source=name)
        text = target.dumps(record)
        if output is None or output == "-":
            sys.stdout.write(text)
            return
        out = Path(output)
        if out.is_dir():
            raise UsageError(f"{output}: is a folder; name an output file")
        if out.exists() and not force:
            raise UsageError(f"{output}: already exists; use --force to overwrite it")
        from .formats._io import write_atomic

        write_atomic(out, text.encode("utf-8"))
    except UsageError as exc:
        click.echo(f"archmeta: {exc}", err=True)
        sys.exit(2)
    except ArchmetaError as exc:
        for issue in exc.issues:
            click.echo(issue.format(issue.source or input_path), err=True)
        sys.exit(1)


@main.command()
@click.argument("paths", nargs=-1, required=True, metavar="PATH...")
@click.option(
    "--from", "from_format", metavar="FMT", help="Format of the files (default: detected)."
)
def validate(paths: tuple[str, ...], from_format: str | None) -> None:
    """Check records; print one line per problem; exit 1 when any file has an error."""
    from .formats import detect_format, get_format
    from .validation import validate_text

    failed = False
    try:
        fixed = get_format(from_format) if from_format else None
        for path in paths:
            data, name = _read_input(path)
            info = fixed or detect_format(None if path == "-" else path, data)
            for issue in validate_text(data, info.name, source=name):
                click.echo(issue.format(name))
                failed = failed or issue.severity == "error"
    except UsageError as exc:
        click.echo(f"archmeta: {exc}", err=True)
        sys.exit(2)
    sys.exit(1 if failed else 0)


@main.command()
def formats() -> None:
    """List the formats archmeta reads and writes."""
    from .formats import FORMATS

    for name in sorted(FORMATS):
        info = FORMATS[name]
        click.echo(f"{name:10} {' '.join(info.extensions):24} {info.description}")


if __name__ == "__main__":  # pragma: no cover
    main()
