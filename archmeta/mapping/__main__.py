"""``python -m archmeta.mapping``: print the mapping table as Markdown."""

from . import render_markdown

print(render_markdown(), end="")  # noqa: T201 - a command
