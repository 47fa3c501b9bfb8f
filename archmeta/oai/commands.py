"""``archmeta harvest`` and ``archmeta serve``: click commands registered by ``archmeta.cli``.

httpx, Starlette and uvicorn are imported inside the commands, so that ``archmeta --help`` and
the other commands neither pay for them nor need them installed.
"""

from __future__ import annotations

import contextlib
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from .adapter import ArchmetaError, RecordFiles, write_file

__all__ = ["STATE_FILE", "harvest_command", "serve_command"]

STATE_FILE = ".archmeta-harvest.json"


def _save_state(folder: Path, state: dict[str, Any]) -> None:
    data = json.dumps(state, indent=2, ensure_ascii=False).encode("utf-8") + b"\n"
    write_file(folder / STATE_FILE, data)


def _load_state(folder: Path) -> dict[str, Any] | None:
    try:
        state = json.loads((folder / STATE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return state if isinstance(state, dict) else None


@click.command("harvest")
@click.argument("base_url")
@click.option(
    "--prefix",
    type=click.Choice(["oai_dc", "dcterms", "tei"]),
    default="oai_dc",
    show_default=True,
    help="Metadata prefix to ask for.",
)
@click.option("--set", "set_spec", metavar="SPEC", help="Harvest one set only.")
@click.option("--from", "from_", metavar="DATE", help="Records changed on or after DATE.")
@click.option("--until", metavar="DATE", help="Records changed on or before DATE.")
@click.option(
    "--to",
    "to_format",
    required=True,
    type=click.Choice(["text", "json", "tei", "oai_dc", "dcterms"]),
    help="Format of the files written.",
)
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder to write into.",
)
@click.option("--force", is_flag=True, help="Replace files that already exist.")
@click.option("--restart", is_flag=True, help="Ignore the saved state of an earlier harvest.")
@click.option(
    "--timeout",
    type=float,
    default=30.0,
    show_default=True,
    help="Seconds to wait for the server before retrying.",
)
@click.option(
    "--retries",
    type=int,
    default=4,
    show_default=True,
    help="Retries per page after timeouts and 503s.",
)
def harvest_command(
    base_url: str,
    prefix: str,
    set_spec: str | None,
    from_: str | None,
    until: str | None,
    to_format: str,
    out_dir: Path,
    force: bool,
    restart: bool,
    timeout: float,
    retries: int,
) -> None:
    """Harvest an OAI-PMH repository into one file per record.

    The state (next resumption token, latest datestamp) is kept in .archmeta-harvest.json in
    the output folder: an interrupted harvest goes on from its last complete page, and a
    finished one is followed up incrementally (from its latest datestamp) on the next run.

    Exit status: 0 every record written, 1 some record failed or its file already existed,
    or the harvest stopped on an error; 2 usage error (or the serve extra is missing).
    """
    try:
        import httpx  # noqa: F401 - checked here for a clear message

        from .harvester import Harvester
    except ImportError as exc:
        click.echo(
            f"archmeta: harvest needs the serve extra: pip install 'archmeta[serve]' "
            f"({exc.name} is missing)",
            err=True,
        )
        sys.exit(2)
    checkpoint: Callable[[bool], None] | None = None
    pages = 0
    token: str | None = None
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        folder = out_dir.resolve()
        files = RecordFiles(folder, to_format, force=force)
        key = {"base_url": base_url, "prefix": prefix, "set": set_spec, "to": to_format}
        state = None if restart else _load_state(folder)
        if state is not None and all(state.get(k) == v for k, v in key.items()):
            if state.get("resumption_token"):
                token = state["resumption_token"]
                click.echo(f"resuming the harvest at token {token!r}", err=True)
            elif from_ is None and state.get("last_datestamp"):
                # Day granularity, which every repository must accept (seconds are optional);
                # that day's records come again and are found unchanged.
                from_ = str(state["last_datestamp"])[:10]
                click.echo(f"harvesting records changed since {from_}", err=True)
        harvester = Harvester(
            base_url,
            prefix,
            set_spec,
            from_,
            until,
            resumption_token=token,
            timeout=timeout,
            retries=retries,
        )
        counts = {"written": 0, "unchanged": 0, "exists": 0, "deleted": 0, "failed": 0}
        previous = dict(state or {})

        def save(complete: bool) -> None:
            latest = max(
                filter(None, [harvester.last_datestamp, previous.get("last_datestamp")]),
                default=None,
            )
            _save_state(
                folder,
                {
                    **key,
                    "from": from_,
                    "until": until,
                    "resumption_token": None if complete else harvester.resumption_token,
                    "last_datestamp": latest,
                    "complete": complete,
                },
            )

        checkpoint = save
        for item in harvester:
            if harvester.pages != pages:  # a new page: the one before was written entirely
                if pages:
                    save(False)
                pages = harvester.pages
            if item.deleted:
                counts["deleted"] += 1
                continue
            if item.record is None or not item.oai_identifier:
                counts["failed"] += 1
                for issue in item.issues or []:
                    click.echo(f"archmeta: {issue.format()}", err=True)
                continue
            outcome = files.write(item.record, item.oai_identifier, item.oai_identifier)
            status = files.status(outcome)
            counts[status] += 1
            if status != "unchanged":
                for line in outcome.messages:
                    click.echo(f"archmeta: {line}", err=True)
        save(True)
    except ArchmetaError as exc:
        if checkpoint is not None and pages:
            # Keep what was done: the next run resumes at the page that failed.
            with contextlib.suppress(OSError, ArchmetaError):
                checkpoint(False)
        message = str(exc)
        if token is not None and getattr(exc, "code", None) == "badResumptionToken":
            message += " (the saved token is stale: --restart starts afresh)"
        click.echo(f"archmeta: {message}", err=True)
        sys.exit(1)
    except OSError as exc:
        click.echo(f"archmeta: {exc.filename or out_dir}: {exc.strerror}", err=True)
        sys.exit(1)
    click.echo(", ".join(f"{n} {what}" for what, n in counts.items()), err=True)
    sys.exit(1 if counts["failed"] or counts["exists"] else 0)


@click.command("serve")
@click.argument("path", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=int, default=8080, show_default=True, help="Port to listen on.")
@click.option(
    "--base-url",
    metavar="URL",
    help="Public address of the endpoint (behind a reverse proxy). "
    "Default: the address of each request.",
)
@click.option(
    "--page-size",
    type=click.IntRange(1, 10000),
    default=50,
    show_default=True,
    help="Records (or headers) per page before a resumption token.",
)
@click.option(
    "--repository-id",
    metavar="NAME",
    help="The NAME in identifiers oai:NAME:path. Default: the folder's name.",
)
@click.option("--name", "repository_name", help="repositoryName in Identify.")
@click.option("--admin-email", help="adminEmail in Identify (default: webmaster@HOST).")
def serve_command(
    path: Path,
    host: str,
    port: int,
    base_url: str | None,
    page_size: int,
    repository_id: str | None,
    repository_name: str | None,
    admin_email: str | None,
) -> None:
    """Publish a folder of records as an OAI-PMH 2.0 repository (needs archmeta[serve]).

    Runs until interrupted (Ctrl-C). Exit status: 2 usage error: the folder cannot be
    indexed, or the serve extra is missing.
    """
    try:
        import uvicorn

        from .server import create_app
    except ImportError as exc:
        click.echo(
            f"archmeta: serve needs the serve extra: pip install 'archmeta[serve]' "
            f"({exc.name} is missing)",
            err=True,
        )
        sys.exit(2)
    try:
        app = create_app(
            path,
            base_url=base_url,
            page_size=page_size,
            repository_id=repository_id,
            repository_name=repository_name,
            admin_email=admin_email,
        )
    except (ArchmetaError, OSError) as exc:
        click.echo(f"archmeta: {exc}", err=True)
        sys.exit(2)
    click.echo(f"archmeta: serving {path} at http://{host}:{port}/ (Ctrl-C stops)", err=True)
    uvicorn.run(app, host=host, port=port, log_level="info")
