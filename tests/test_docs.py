"""The documentation site: it builds strictly, its code samples run as shown, the command
reference is generated from the click commands, and every public name has a docstring.

The convention for samples (docs/architecture.md, "Code samples in the docs"):

- every ```python block runs, in page order, in a fresh interpreter whose working folder holds a
  copy of ``examples/`` (the same folder for all the blocks of one page);
- a ```console (or ```sh) block whose lines start with ``$ `` runs each such line in bash in that
  folder; the lines up to the next ``$ `` line are the expected output (stdout and stderr
  together), where a line ``...`` stands for any number of lines and ``...`` inside a line for
  any text; ```sh blocks without ``$ `` lines are illustrations and are not run;
- ``<!-- file: NAME -->`` on the line before a fence writes the block to NAME in that folder
  (a profile, say) for the samples after it, instead of running it;
- ``<!-- no-test -->`` on the line before a fence keeps that one block from running.
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
import inspect
import os
import re
import shutil
import subprocess
import sys
import types
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
PAGES = sorted(DOCS.rglob("*.md"))
NO_TEST = "<!-- no-test -->"
FILE_MARK = re.compile(r"^<!-- file: (\S+) -->$")
FENCE = re.compile(r"^(\s*)```(\w*)\s*$")

#: The modules of the API reference (docs/api/): each has an ``__all__``.
PUBLIC_MODULES = [
    "archmeta",
    "archmeta.model",
    "archmeta.formats",
    "archmeta.formats.codec",
    "archmeta.validation",
    "archmeta.errors",
    "archmeta.conversion",
    "archmeta.batch",
    "archmeta.sources",
    "archmeta.oai",
]


@dataclass
class Block:
    page: Path
    line: int
    language: str
    text: str
    skipped: bool
    file: str | None = None


def blocks(page: Path) -> list[Block]:
    """The fenced blocks of a page, dedented (fences inside list items are indented)."""
    found: list[Block] = []
    lines = page.read_text(encoding="utf-8").splitlines()
    i = 0
    while i < len(lines):
        match = FENCE.match(lines[i])
        if not match:
            i += 1
            continue
        indent, language = match.group(1), match.group(2)
        before = next((line.strip() for line in reversed(lines[:i]) if line.strip()), "")
        body: list[str] = []
        j = i + 1
        while j < len(lines) and lines[j].strip() != "```":
            body.append(lines[j][len(indent) :] if lines[j].startswith(indent) else lines[j])
            j += 1
        text = "\n".join(body) + "\n"
        file_mark = FILE_MARK.match(before)
        found.append(
            Block(
                page,
                i + 1,
                language,
                text,
                before == NO_TEST or file_mark is not None,
                file_mark.group(1) if file_mark else None,
            )
        )
        i = j + 1
    return found


def expected_pattern(expected: list[str]) -> re.Pattern[str]:
    """A regular expression for shown output: ``...`` lines match any lines, ``...`` in a line
    any text."""
    parts = []
    for line in expected:
        if line.strip() == "...":
            parts.append(r"(?:[^\n]*\n)*?")
        else:
            parts.append(".*?".join(re.escape(p) for p in line.rstrip().split("...")) + r"[ \t]*\n")
    return re.compile("".join(parts), re.DOTALL)


def commands(block: Block) -> list[tuple[str, list[str]]]:
    """The ``$ `` commands of a console block, each with the output shown after it."""
    runs: list[tuple[str, list[str]]] = []
    for line in block.text.splitlines():
        if line.startswith("$ "):
            runs.append((line[2:], []))
        elif runs:
            runs[-1][1].append(line)
    for _command, output in runs:
        while output and not output[-1].strip():
            output.pop()
    return runs


def _env() -> dict[str, str]:
    bin_dir = str(Path(sys.executable).parent)
    return {
        **os.environ,
        "PATH": bin_dir + os.pathsep + os.environ.get("PATH", ""),
        "PYTHONIOENCODING": "utf-8",
        "PYTHONUNBUFFERED": "1",
        "COLUMNS": "100",
        "NO_COLOR": "1",
    }


def run_page(page: Path, workdir: Path) -> int:
    """Run every sample of ``page`` in ``workdir``; the number of samples run."""
    shutil.copytree(ROOT / "examples", workdir / "examples")
    ran = 0
    for block in blocks(page):
        where = f"{page.relative_to(ROOT)}:{block.line}"
        if block.file is not None:
            (workdir / block.file).write_text(block.text, encoding="utf-8")
            continue
        if block.skipped:
            continue
        if block.language == "python":
            result = subprocess.run(
                [sys.executable, "-c", block.text],
                cwd=workdir,
                capture_output=True,
                text=True,
                env=_env(),
                timeout=300,
            )
            assert result.returncode == 0, f"{where}: the sample failed\n{result.stderr}"
            ran += 1
        elif block.language in ("console", "sh", "shell", "bash"):
            for command, shown in commands(block):
                result = subprocess.run(
                    ["bash", "-c", command],
                    cwd=workdir,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.STDOUT,
                    text=True,
                    env=_env(),
                    timeout=300,
                )
                output = "".join(line.rstrip() + "\n" for line in result.stdout.splitlines())
                assert expected_pattern(shown).fullmatch(output), (
                    f"{where}: `{command}` printed\n{output}\nnot what the page shows\n"
                    + "\n".join(shown)
                )
                ran += 1
    return ran


def _has_samples(page: Path) -> bool:
    return any(
        not b.skipped
        and (b.language == "python" or (b.language in ("console", "sh") and commands(b)))
        for b in blocks(page)
    )


@pytest.mark.parametrize(
    "page",
    [p for p in PAGES if _has_samples(p)],
    ids=lambda p: str(p.relative_to(DOCS)),
)
def test_code_samples_run_as_shown(page: Path, tmp_path: Path) -> None:
    if shutil.which("archmeta", path=str(Path(sys.executable).parent)) is None:
        pytest.skip("the archmeta command is not installed beside this Python (pip install -e .)")
    assert run_page(page, tmp_path) > 0


def test_the_getting_started_page_has_samples_of_each_kind() -> None:
    kinds = {b.language for b in blocks(DOCS / "index.md") if not b.skipped}
    assert {"python", "console"} <= kinds


def test_the_sample_checker_catches_wrong_output() -> None:
    pattern = expected_pattern(["a", "...", "z ... end"])
    assert pattern.fullmatch("a\nb\nc\nz middle end\n")
    assert pattern.fullmatch("a\nz  end\n")
    assert not pattern.fullmatch("a\nb\n")
    assert not pattern.fullmatch("b\nz end\n")


def test_no_test_marks_are_rare() -> None:
    marked = [b for page in PAGES for b in blocks(page) if b.skipped and b.file is None]
    run = [b for page in PAGES for b in blocks(page) if b.language == "python"]
    assert len(marked) <= len(run), "more samples are marked <!-- no-test --> than run"


# --- generated pages ------------------------------------------------------------------------


def test_cli_reference_is_generated_from_the_commands() -> None:
    sys.path.insert(0, str(ROOT))
    try:
        from tools.make_docs import expected_files, render_commands
    finally:
        sys.path.remove(str(ROOT))
    cli_md = DOCS / "cli.md"
    assert expected_files()[cli_md] == cli_md.read_text(encoding="utf-8"), (
        "docs/cli.md drifted from the click commands: run python tools/make_docs.py"
    )
    reference = render_commands()
    from archmeta.cli import all_commands

    commands = all_commands()
    for name, command in commands.items():
        assert f"### `archmeta {name}`" in reference
        for param in command.params:
            for opt in param.opts:
                if param.param_type_name == "option":
                    assert f"`{opt}`" in reference, (name, opt)
    for name in ("harvest", "serve", "export", "import"):
        assert name in commands


# --- the site ---------------------------------------------------------------------------------


def test_site_builds_strictly(tmp_path: Path) -> None:
    missing = [
        m
        for m in ("mkdocs", "material", "mkdocstrings", "mkdocstrings_handlers.python")
        if importlib.util.find_spec(m.split(".")[0]) is None
        or (m == "mkdocstrings_handlers.python" and _missing_handler())
    ]
    if missing:
        pytest.skip(
            f"the docs tools are not installed ({', '.join(missing)}): pip install -e '.[docs]'"
        )
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "mkdocs",
            "build",
            "--strict",
            "--config-file",
            str(ROOT / "mkdocs.yml"),
            "--site-dir",
            str(tmp_path / "site"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=_env(),
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-4000:]
    assert (tmp_path / "site" / "index.html").is_file()
    api = (tmp_path / "site" / "api" / "validation" / "index.html").read_text(encoding="utf-8")
    assert "load_profile" in api  # mkdocstrings rendered the module's members
    assert "fonts.googleapis.com" not in (tmp_path / "site" / "index.html").read_text(
        encoding="utf-8"
    )


def _missing_handler() -> bool:
    try:
        importlib.import_module("mkdocstrings_handlers.python")
    except ImportError:
        return True
    return False


def test_every_page_is_in_the_nav() -> None:
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    for page in PAGES:
        assert f" {page.relative_to(DOCS).as_posix()}" in config, f"{page} is not in the nav"


# --- the public API ---------------------------------------------------------------------------


def _attribute_docstring(module: types.ModuleType, name: str) -> str | None:
    """The string literal after ``name = ...`` in the module that assigns it (following
    ``from .x import name``), as mkdocstrings reads it."""
    source = inspect.getsource(module)
    tree = ast.parse(source)
    for i, node in enumerate(tree.body):
        targets: list[ast.expr] = []
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, ast.AnnAssign):
            targets = [node.target]
        if any(isinstance(t, ast.Name) and t.id == name for t in targets):
            following = tree.body[i + 1] if i + 1 < len(tree.body) else None
            if (
                isinstance(following, ast.Expr)
                and isinstance(following.value, ast.Constant)
                and isinstance(following.value.value, str)
            ):
                return following.value.value
            return None
        if isinstance(node, ast.ImportFrom) and any(
            (a.asname or a.name) == name for a in node.names
        ):
            package = module.__name__ if hasattr(module, "__path__") else module.__package__
            target = importlib.import_module("." * node.level + (node.module or ""), package)
            return _attribute_docstring(target, name)
    return None


@pytest.mark.parametrize("module_name", PUBLIC_MODULES)
def test_every_public_name_has_a_docstring(module_name: str) -> None:
    module = importlib.import_module(module_name)
    assert inspect.getdoc(module), f"{module_name} has no docstring"
    assert hasattr(module, "__all__"), f"{module_name} has no __all__"
    undocumented = []
    for name in module.__all__:
        value = getattr(module, name)
        if isinstance(value, types.ModuleType) and hasattr(module, "__getattr__"):
            value = module.__getattr__(name)  # a lazy name shadowed by its submodule (below)
        if inspect.isclass(value) or inspect.isroutine(value):
            doc = value.__doc__ if inspect.isclass(value) else inspect.getdoc(value)
        elif name == "__version__":
            continue  # the package metadata's version
        else:
            doc = _attribute_docstring(module, name)
        if not (doc and doc.strip()):
            undocumented.append(name)
    assert not undocumented, f"{module_name}: no docstring for {undocumented}"


@pytest.mark.parametrize("module_name", PUBLIC_MODULES[1:])
def test_all_names_every_public_class_and_function(module_name: str) -> None:
    module = importlib.import_module(module_name)
    defined = [
        name
        for name, value in vars(module).items()
        if not name.startswith("_")
        and (inspect.isclass(value) or inspect.isfunction(value))
        and getattr(value, "__module__", None) == module_name
    ]
    missing = [name for name in defined if name not in module.__all__]
    assert not missing, f"{module_name}: public but not in __all__: {missing}"


def test_oai_harvest_stays_the_function_after_its_submodule_is_imported() -> None:
    # The harvester lives in archmeta.oai.harvester, so no submodule shadows the function.
    code = (
        "import archmeta.oai.harvester, archmeta.oai, inspect; "
        "print(inspect.isfunction(archmeta.oai.harvest))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip() == "True", result.stderr


def test_shell_completion_offers_the_registered_formats() -> None:
    env = {
        **_env(),
        "_ARCHMETA_COMPLETE": "bash_complete",
        "COMP_WORDS": "archmeta convert x.txt --to ",
        "COMP_CWORD": "4",
    }
    code = 'from archmeta.cli import main; main(prog_name="archmeta")'
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120
    )
    offered = {line.split(",", 1)[1] for line in result.stdout.splitlines() if "," in line}
    from archmeta.formats import format_names

    assert offered == set(format_names()), result.stdout + result.stderr
