"""``archmeta export`` and ``archmeta import``: repository packages (issue 13).

Both are batches of ``archmeta convert`` (:mod:`archmeta.batch`: the same plan, workers,
atomic writes, reports and summary line); they add only what a package needs, and ask the
target codec rather than its name:

- a codec that :attr:`~archmeta.formats.Codec.writes_folders` (DSpace SAF) gets one folder
  per record in ``--out DIR``, numbered ``item_000001``... over the whole run;
- a codec that :attr:`~archmeta.formats.Codec.joins` its documents (Omeka S CSV) writes every
  record into a temporary folder beside ``-o FILE`` first; the rows are joined in input order
  into ``FILE``, written atomically, and the temporary folder removed.

``import`` converts packages (a package folder, a CSV file) into any format, with ``--from``.
Registered in :mod:`archmeta.cli`, which it borrows the batch helpers from.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

import click

from .errors import UsageError

if TYPE_CHECKING:
    from .batch import BatchResult, Settings
    from .batch.planning import Plan

#: The name of each package item folder before its number.
ITEM_STEM = "item_"

_COMMON = [
    click.option("--force", is_flag=True, help="Overwrite existing outputs (otherwise skipped)."),
    click.option(
        "-j",
        "--jobs",
        type=click.IntRange(min=1),
        metavar="N",
        help="Parallel worker processes (default: one per core; none for fewer than 100 "
        "records a core).",
    ),
    click.option("-q", "--quiet", is_flag=True, help="No progress bar and no skip notes."),
    click.option("--max-size", metavar="SIZE", help="Refuse inputs larger than SIZE (64M)."),
    click.option(
        "--timeout",
        type=click.FloatRange(min=0),
        default=0,
        metavar="SECONDS",
        help="Fail a record that takes longer than SECONDS [timeout] and go on.",
    ),
]


def _common(function: click.decorators.FC) -> click.decorators.FC:
    for option in reversed(_COMMON):
        function = option(function)
    return function


@click.command("export")
@click.argument("inputs", nargs=-1, required=True, metavar="INPUT...")
@click.option(
    "--to",
    "to_format",
    required=True,
    metavar="FMT",
    help="The package format: dspace-saf or omeka-csv.",
)
@click.option("--from", "from_format", metavar="FMT", help="Input format (default: detected).")
@click.option("--out", "out_dir", metavar="DIR", help="The package folder (dspace-saf).")
@click.option("-o", "--output", metavar="FILE", help="The package file (omeka-csv).")
@click.option(
    "--collection",
    metavar="HANDLE",
    multiple=True,
    help="dspace-saf: a collection handle for each item's collections file "
    "(repeat it; the first owns the items).",
)
@click.option(
    "--media",
    metavar="PREFIX",
    help="omeka-csv: a URL or sideload folder for the media column (the record's "
    "TEI file name is added to it).",
)
@_common
def export_command(
    inputs: tuple[str, ...],
    to_format: str,
    from_format: str | None,
    out_dir: str | None,
    output: str | None,
    collection: tuple[str, ...],
    media: str | None,
    force: bool,
    jobs: int | None,
    quiet: bool,
    max_size: str | None,
    timeout: float,
) -> None:
    """Export records (files, folders, OAI-PMH harvests) as a repository package.

    \b
    DSpace SAF:  archmeta export --to dspace-saf INPUT... --out DIR [--collection HANDLE]
    Omeka S CSV: archmeta export --to omeka-csv INPUT... -o FILE.csv [--media URL]

    Exit status: 0 all exported (or skipped), 1 some record failed, 2 usage error.
    """
    from .batch import Settings
    from .cli import _max_bytes, _usage_error
    from .formats import get_format

    try:
        target = get_format(to_format)
        options: list[tuple[str, str]] = []
        if collection:
            options.append(("collection", " ".join(collection)))
        if media:
            options.append(("media", media))
        target.with_options(dict(options))  # an option the format does not take: refused now
        settings = Settings(
            to_format,
            from_format,
            force,
            _max_bytes(max_size),
            timeout=timeout,
            options=tuple(options),
        )
        if target.writes_folders:
            if out_dir is None or output is not None:
                raise UsageError(f"{to_format} writes a folder per record: name it with --out DIR")
            settings = _with_out(settings, out_dir)
            _export_folders(inputs, settings, out_dir, jobs, quiet)
        elif target.joins:
            if output is None or out_dir is not None:
                raise UsageError(f"{to_format} writes one file: name it with -o FILE")
            _export_joined(inputs, settings, output, jobs, quiet)
        else:
            raise UsageError(f"{to_format} is not a package format; use archmeta convert")
    except UsageError as exc:
        _usage_error(exc)


def _with_out(settings: Settings, out_dir: str) -> Settings:
    from dataclasses import replace

    return replace(settings, out_dir=out_dir)


def _export_folders(
    inputs: tuple[str, ...], settings: Settings, out_dir: str, jobs: int | None, quiet: bool
) -> None:
    from .batch.planning import numbered
    from .cli_batch import convert_batch

    def adjust(todo: Plan) -> Plan:
        plan = numbered(todo, out_dir, ITEM_STEM, "")
        _remove_stale_folders(out_dir)
        return plan

    convert_batch(inputs, settings, out_dir, jobs, quiet, adjust=adjust)


def _remove_stale_folders(out_dir: str) -> None:
    """Remove the temporary item folders a killed run left (``.item_...dir``/``.old``)."""
    try:
        names = os.listdir(out_dir)
    except OSError:
        return
    for name in names:
        if name.startswith("." + ITEM_STEM) and name.endswith((".dir", ".old")):
            shutil.rmtree(os.path.join(out_dir, name), ignore_errors=True)


def _export_joined(
    inputs: tuple[str, ...], settings: Settings, output: str, jobs: int | None, quiet: bool
) -> None:
    from dataclasses import replace

    from .batch.planning import numbered
    from .cli import _check_output_file
    from .cli_batch import convert_batch
    from .formats import _io, get_format

    path = Path(output)
    _check_output_file(path, output, "", settings.force)
    target = get_format(settings.to_format).with_options(dict(settings.options))
    parts = tempfile.mkdtemp(
        prefix=_io.temporary_prefix(path.name),
        suffix=".dir",
        dir=path.parent if str(path.parent) else ".",
    )
    settings = replace(settings, out_dir=parts, force=True)

    def finish(todo: Plan, result: BatchResult) -> None:
        # The folder is new: every output in it was written by this run, in plan order.
        documents = [
            Path(name).read_text(encoding="utf-8")
            for job in todo
            for name in job.outputs
            if os.path.isfile(name)
        ]
        try:
            if documents:
                _io.write_atomic(path, target.join(documents).encode("utf-8"))
                click.echo(f"archmeta: wrote {len(documents)} record(s) to {output}", err=True)
        finally:
            shutil.rmtree(parts, ignore_errors=True)

    try:
        convert_batch(
            inputs,
            settings,
            parts,
            jobs,
            quiet,
            adjust=lambda todo: numbered(todo, parts, "row_", target.extension),
            finish=finish,
        )
    finally:
        shutil.rmtree(parts, ignore_errors=True)


@click.command("import")
@click.argument("inputs", nargs=-1, required=True, metavar="PACKAGE...")
@click.option(
    "--from",
    "from_format",
    required=True,
    metavar="FMT",
    help="The package format: dspace-saf (a folder) or omeka-csv (a file).",
)
@click.option("--to", "to_format", required=True, metavar="FMT", help="Output format.")
@click.option("--out", "out_dir", required=True, metavar="DIR", help="Output folder.")
@_common
def import_command(
    inputs: tuple[str, ...],
    from_format: str,
    to_format: str,
    out_dir: str,
    force: bool,
    jobs: int | None,
    quiet: bool,
    max_size: str | None,
    timeout: float,
) -> None:
    """Read repository packages back: one output per record of each package.

    \b
    archmeta import --from dspace-saf DIR --to json --out OUT
    archmeta import --from omeka-csv FILE.csv --to tei --out OUT

    Exit status: 0 all converted (or skipped), 1 some record failed, 2 usage error.
    """
    from .batch import Settings
    from .cli import _max_bytes, _usage_error
    from .cli_batch import convert_batch

    try:
        settings = Settings(
            to_format, from_format, force, _max_bytes(max_size), out_dir=out_dir, timeout=timeout
        )
        convert_batch(inputs, settings, out_dir, jobs, quiet)
    except UsageError as exc:
        _usage_error(exc)


__all__ = ["export_command", "import_command"]
