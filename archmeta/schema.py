"""The project's schemas: generating the JSON Schema from the model, and finding schema files.

The schemas ship inside the package (``archmeta/schemas/``) so that installed wheels and editable
installs both find them; the top-level ``schemas/`` folder is the published copy for other
tools, written by ``python -m archmeta.schema`` and checked by a drift test.
"""

from __future__ import annotations

import json
import sys
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

__all__ = ["SCHEMA_ID_BASE", "build_json_schema", "schema_path", "schema_text", "write_schemas"]

# A placeholder: example.org is reserved for examples (RFC 2606) and resolves to no schema. Set
# it to the address where the schemas are published before publishing documents that name it.
SCHEMA_ID_BASE = "https://example.org/archmeta/schemas/"
"""Where the published schemas live: the JSON Schema's ``$id`` is this plus its file name."""
JSON_SCHEMA_NAME = "archival-record.schema.json"


def build_json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of an archival record's JSON form, from the model."""
    from .model import ArchivalRecord

    generated = ArchivalRecord.model_json_schema(mode="validation")
    schema: dict[str, Any] = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID_BASE + JSON_SCHEMA_NAME,
        "title": "Archival record",
        "description": (
            "One archival document's description and text, as written by archmeta. "
            "Keys appear in the order of 'properties'."
        ),
    }
    for key, value in generated.items():
        if key not in ("title", "description"):
            schema[key] = value
    return schema


def render_json_schema() -> str:
    return json.dumps(build_json_schema(), indent=2, ensure_ascii=False) + "\n"


def _package_schemas() -> Any:
    try:
        return resources.files("archmeta") / "schemas"
    except (NotADirectoryError, ModuleNotFoundError):  # pragma: no cover - odd installs
        # A stale editable install can present the package as a namespace package.
        return Path(__file__).resolve().parent / "schemas"


def schema_text(name: str) -> str:
    """The text of a schema shipped with the package (e.g. ``archival-record.schema.json``)."""
    text: str = (_package_schemas() / name).read_text(encoding="utf-8")
    return text


def schema_path(name: str) -> Path:
    """A filesystem path to a shipped schema (for lxml, which resolves includes by path)."""
    return Path(str(_package_schemas() / name))


@lru_cache(maxsize=1)
def json_schema() -> dict[str, Any]:
    """The shipped JSON Schema, parsed."""
    return json.loads(schema_text(JSON_SCHEMA_NAME))  # type: ignore[no-any-return]


def generated_files() -> dict[str, str]:
    """Every schema file the project publishes: file name -> expected content."""
    files = {JSON_SCHEMA_NAME: render_json_schema()}
    package = Path(__file__).parent / "schemas"
    for path in sorted(package.iterdir()):
        if path.is_file() and path.name != JSON_SCHEMA_NAME and not path.name.startswith("."):
            files[path.name] = path.read_text(encoding="utf-8")
    return files


def write_schemas(top_level: Path | None = None) -> list[Path]:
    """Regenerate the JSON Schema into the package and copy every schema to ``schemas/``."""
    package = Path(__file__).parent / "schemas"
    top = top_level or Path(__file__).parent.parent / "schemas"
    top.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in generated_files().items():
        for folder in (package, top):
            target = folder / name
            if not target.exists() or target.read_text(encoding="utf-8") != text:
                target.write_text(text, encoding="utf-8")
                written.append(target)
    return written


if __name__ == "__main__":  # python -m archmeta.schema
    for path in write_schemas():
        print(f"wrote {path}", file=sys.stderr)  # noqa: T201 - a command
