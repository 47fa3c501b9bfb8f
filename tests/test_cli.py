"""The command line as a user drives it: a subprocess on temporary folders."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import run_archmeta

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
FIXTURES = Path(__file__).parent / "fixtures"
MIXED = FIXTURES / "mixed"
SEED = EXAMPLES / "wilson-118189.txt"


def archmeta(
    *args: str, stdin: bytes | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    return run_archmeta(*args, stdin=stdin, cwd=cwd)


@pytest.fixture()
def mixed(tmp_path: Path) -> Path:
    folder = tmp_path / "mixed"
    shutil.copytree(MIXED, folder)
    return folder


# ------------------------------------------------------------------------------ validate


EXPECTED_MIXED = [
    ("binary.json", "1:1", "error", "encoding"),
    ("empty.txt", "1:1", "error", "text-empty"),
    ("invalid/future.txt", "1:1", "error", "date-future"),
    ("invalid/future.txt", "#/translators", "warning", "translator-missing"),
    ("invalid/schema.json", "#/colour", "error", "unknown-element"),
    ("invalid/schema.json", "#/original_languages/0/code", "error", "language-code-invalid"),
    ("invalid/schema.json", "#/title", "error", "title-one-line"),
    ("invalid/schema.json", "#/url", "error", "url-malformed"),
    ("invalid/schema.json", "#/date/edtf", "error", "date-unreadable"),
    ("invalid/several-problems.txt", "2:23", "error", "control-character"),
    ("invalid/several-problems.txt", "8:1", "error", "unknown-element"),
    ("invalid/several-problems.txt", "1:1", "error", "date-range-order"),
    ("invalid/truncated.json", "1:43", "error", "json-syntax"),
    ("nested/deeper/undated.txt", "1:1", "warning", "date-unreadable"),
]


def parse_line(line: str, folder: str) -> tuple[str, str, str, str]:
    where, severity, rest = line.split(": ", 2)
    rule = rest.rsplit("[", 1)[1].rstrip("]")
    if "#" in where:
        name, pointer = where.split("#", 1)
        location = "#" + pointer
    else:
        name, location = where.split(":", 1)
    return name.removeprefix(folder + "/"), location, severity, rule


def test_validate_mixed_folder_reports_every_problem(mixed: Path) -> None:
    result = archmeta("validate", "mixed", cwd=mixed.parent)
    assert result.returncode == 1, result.stderr
    found = [parse_line(line, "mixed") for line in result.stdout.splitlines()]
    assert found == EXPECTED_MIXED
    assert "picture.png" not in result.stdout and ".hidden" not in result.stdout
    errors = sum(1 for line in result.stdout.splitlines() if ": error: " in line)
    warnings = sum(1 for line in result.stdout.splitlines() if ": warning: " in line)
    # stdout is the report; stderr only the count, which matches it
    assert result.stderr.endswith(f": {errors} errors, {warnings} warnings\n")
    assert result.stderr.count("\n") == 1


def test_validate_report_json_carries_the_same_issues(mixed: Path) -> None:
    text = archmeta("validate", "mixed", cwd=mixed.parent)
    result = archmeta("validate", "--report", "json", "mixed", cwd=mixed.parent)
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert report["valid"] is False
    assert report["summary"] == {"files": 9, "invalid": 6, "errors": 12, "warnings": 2}
    issues = [
        (
            issue["source"].removeprefix("mixed/"),
            issue["location"],
            issue["severity"],
            issue["rule"],
        )
        for file in report["files"]
        for issue in file["issues"]
    ]
    assert issues == EXPECTED_MIXED
    lines = [
        f"{i['source']}{'' if i['location'].startswith('#') else ':'}{i['location']}: "
        f"{i['severity']}: {i['message']} [{i['rule']}]"
        for file in report["files"]
        for i in file["issues"]
    ]
    assert lines == text.stdout.splitlines()
    valid = {f["source"]: f["valid"] for f in report["files"]}
    assert valid["mixed/valid/wilson-118189.txt"] is True
    assert valid["mixed/nested/deeper/undated.txt"] is True


def test_an_unreadable_file_in_a_folder_is_reported_and_the_rest_goes_on(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(SEED, folder / "a.txt")
    (folder / "b.txt").symlink_to(tmp_path / "gone.txt")
    shutil.copy(SEED, folder / "c.txt")
    result = archmeta("validate", "in", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout == "in/b.txt: error: a broken symbolic link [unreadable]\n"
    converted = archmeta("convert", "in", "--to", "json", "--out", "out", cwd=tmp_path)
    assert converted.returncode == 1
    assert "in/b.txt: error: a broken symbolic link [unreadable]" in converted.stderr
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["a.json", "c.json"]


def test_validate_valid_files_exit_0(tmp_path: Path) -> None:
    result = archmeta("validate", str(SEED), str(EXAMPLES / "wilson-118189.json"))
    assert (result.returncode, result.stdout) == (0, "")
    assert result.stderr == "2 files: 0 errors, 0 warnings\n"  # success says so
    warn = archmeta("validate", str(EXAMPLES / "undated-minimal.txt"))
    assert warn.returncode == 0 and "[date-unreadable]" in warn.stdout
    assert warn.stderr == "1 file: 0 errors, 1 warning\n"


def test_validate_stdin() -> None:
    result = archmeta("validate", "-", stdin=b"**2999**\n**Future**\n")
    assert result.returncode == 1
    assert result.stdout == "<stdin>:1:1: error: the date 2999 is in the future [date-future]\n"
    ok = archmeta("validate", "-", stdin=SEED.read_bytes())
    assert ok.returncode == 0 and ok.stdout == ""


def test_ctrl_c_during_validate_exits_130_not_1() -> None:
    import os
    import signal
    import time

    process = subprocess.Popen(
        [sys.executable, "-m", "archmeta.cli", "validate", "-"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
    )
    time.sleep(1.5)  # started, and waiting for standard input
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=30)
    assert process.returncode == 130, err  # 1 would read as "an error was found"
    assert (out, err) == ("", "archmeta: interrupted\n")


def test_validate_with_profiles() -> None:
    minimal = str(EXAMPLES / "undated-minimal.txt")
    wilson = archmeta("validate", "--profile", "wilson", minimal)
    assert wilson.returncode == 1
    assert f"{minimal}#/summary: error: the profile 'wilson' requires summary" in wilson.stdout
    assert archmeta("validate", "--profile", "wilson", str(SEED)).returncode == 0
    strict = archmeta("validate", "--profile", str(FIXTURES / "profiles" / "strict.toml"), minimal)
    assert strict.returncode == 1 and "[required-field]" in strict.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["validate", "--profile", "nosuch", "x"], "unknown profile 'nosuch'"),
        (["validate", "--profile", "PROFILES/bad-rule-id.toml", "SEED"], "rules.date-futur"),
        (["validate", "missing.txt"], "missing.txt: no such file or folder"),
        (["validate", "--from", "yaml", "SEED"], "unknown format 'yaml'"),
        (["validate", "--max-size", "lots", "SEED"], "invalid size 'lots'"),
        (["convert", "SEED", "--to", "yaml"], "unknown format 'yaml'; known formats:"),
        (["convert", "SEED", "--from", "yaml", "--to", "json"], "unknown format 'yaml'"),
        (["convert", "missing.txt", "--to", "json"], "missing.txt: no such file"),
        (["convert", "missing.txt", "--to", "json", "--out", "OUT"], "no such file or folder"),
        (["convert", "SEED", "--to", "json", "--out", "SEED"], "--out must be a folder"),
        (["convert", "SEED", "SEED", "--to", "json"], "needs --out DIR"),
        (["convert", "SEED", "SEED", "--to", "json", "-o", "x"], "use --out DIR for many"),
        (["convert", "-", "--to", "json", "--out", "OUT"], "use -o, not --out"),
    ],
)
def test_usage_errors_exit_2_with_a_clear_message(
    tmp_path: Path, args: list[str], message: str
) -> None:
    seed = tmp_path / "seed.txt"
    seed.write_bytes(SEED.read_bytes())
    subst = {
        "SEED": str(seed),
        "OUT": str(tmp_path / "out"),
        "PROFILES/bad-rule-id.toml": str(FIXTURES / "profiles" / "bad-rule-id.toml"),
    }
    result = archmeta(*[subst.get(a, a) for a in args], cwd=tmp_path, stdin=b"")
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert message in result.stderr
    assert result.stderr.startswith("archmeta: ")
    assert "Traceback" not in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["seed.txt"]  # nothing written


def test_missing_required_option_is_usage() -> None:
    assert archmeta("convert", str(SEED)).returncode == 2
    assert archmeta("validate").returncode == 2


# ------------------------------------------------------------------------------- convert


def test_convert_one_file_to_stdout_and_file(tmp_path: Path) -> None:
    result = archmeta("convert", str(SEED), "--to", "json")
    assert result.returncode == 0
    assert result.stdout == (EXAMPLES / "wilson-118189.json").read_text(encoding="utf-8")
    out = tmp_path / "r.json"
    assert archmeta("convert", str(SEED), "--to", "json", "-o", str(out)).returncode == 0
    assert out.read_text(encoding="utf-8") == result.stdout
    again = archmeta("convert", str(SEED), "--to", "json", "-o", str(out))
    assert again.returncode == 2 and "already exists; use --force" in again.stderr
    assert archmeta("convert", str(SEED), "--to", "json", "-o", str(out), "--force").returncode == 0


def test_convert_o_never_overwrites_its_own_input(tmp_path: Path) -> None:
    record = tmp_path / "r.txt"
    record.write_bytes(SEED.read_bytes())
    (tmp_path / "alias.json").symlink_to(record)
    for target in ("r.txt", "alias.json"):
        result = archmeta("convert", "r.txt", "--to", "json", "-o", target, "--force", cwd=tmp_path)
        assert result.returncode == 2, result.stderr
        assert result.stderr == f"archmeta: {target}: the output would overwrite the input itself\n"
    assert record.read_bytes() == SEED.read_bytes()


def test_convert_o_into_a_missing_or_unwritable_folder_is_a_clear_usage_error(
    tmp_path: Path,
) -> None:
    (tmp_path / "afile").write_text("x", encoding="utf-8")
    cases = [
        ("nodir/r.json", "archmeta: nodir/r.json: its folder nodir does not exist\n"),
        ("afile/r.json", "archmeta: afile/r.json: its folder afile is not a folder\n"),
    ]
    if Path("/proc/self").is_dir():  # a folder nobody may create files in, even root
        cases.append(("/proc/r.json", "archmeta: /proc/r.json: cannot write ("))
    for output, message in cases:
        result = archmeta("convert", str(SEED), "--to", "json", "-o", output, cwd=tmp_path)
        assert result.returncode == 2, result.stderr
        assert result.stderr.startswith(message), result.stderr
        assert "Traceback" not in result.stderr


def test_convert_out_that_cannot_be_created_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "afile").write_text("x", encoding="utf-8")
    result = archmeta("convert", str(SEED), "--to", "json", "--out", "afile/out", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith("archmeta: afile/out: cannot create the output folder (")
    assert "Traceback" not in result.stderr


def test_a_folder_that_cannot_be_listed_is_reported_not_skipped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    from click.testing import CliRunner

    from archmeta.cli import main

    folder = tmp_path / "in"
    (folder / "locked").mkdir(parents=True)
    shutil.copy(SEED, folder / "a.txt")
    shutil.copy(SEED, folder / "locked" / "b.txt")
    locked = str(folder / "locked")
    scandir = os.scandir

    def no_permission(path: object = ".") -> object:  # as chmod 000 does for anyone but root
        if os.path.abspath(path) == locked:  # type: ignore[arg-type]
            raise PermissionError(13, "Permission denied", os.fspath(path))  # type: ignore[arg-type]
        return scandir(path)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "scandir", no_permission)
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    result = runner.invoke(main, ["validate", "in"])
    assert result.exit_code == 1
    expected = "in/locked: error: cannot list the folder (Permission denied) [unreadable]"
    assert result.stdout.splitlines() == [expected]
    assert result.stderr == "2 files: 1 error, 0 warnings\n"
    report = json.loads(runner.invoke(main, ["validate", "--report", "json", "in"]).stdout)
    assert report["summary"]["invalid"] == 1
    assert report["files"][0]["issues"][0]["rule"] == "unreadable"


def test_convert_of_a_harvest_with_several_records_needs_out(tmp_path: Path) -> None:
    records = "".join(
        f"<record><header><identifier>oai:x:{n}</identifier></header><metadata>"
        '<oai_dc:dc xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/" '
        f'xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>Record {n}</dc:title>'
        "</oai_dc:dc></metadata></record>"
        for n in (1, 2)
    )
    harvest = (
        '<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/"><ListRecords>'
        f"{records}</ListRecords></OAI-PMH>"
    )
    (tmp_path / "h.xml").write_text(harvest, encoding="utf-8")
    result = archmeta("convert", "h.xml", "--to", "json", "-o", "h.json", cwd=tmp_path)
    assert result.returncode == 2  # not exit 0 with the first record alone
    assert result.stderr.startswith("archmeta: h.xml: holds several records")
    assert "--out DIR" in result.stderr and not (tmp_path / "h.json").exists()
    piped = archmeta("convert", "-", "--to", "json", stdin=harvest.encode())
    assert piped.returncode == 2 and "save it to a file" in piped.stderr
    single = harvest.replace(records, records[: len(records) // 2])
    one = archmeta("convert", "-", "--to", "json", stdin=single.encode())
    assert one.returncode == 0 and '"title": "Record 1"' in one.stdout


def test_convert_stdin_detects_the_format() -> None:
    data = (EXAMPLES / "wilson-118189.json").read_bytes()
    result = archmeta("convert", "-", "--to", "text", stdin=data)
    assert result.returncode == 0
    assert result.stdout == SEED.read_text(encoding="utf-8")


def test_convert_bad_input_exit_1_with_place(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"title": "x",}', encoding="utf-8")
    result = archmeta("convert", str(bad), "--to", "text")
    assert result.returncode == 1
    assert result.stderr.startswith(f"{bad}:1:15: error: not valid JSON")
    assert result.stdout == ""


def test_convert_reports_the_stable_rule_ids_that_validate_prints(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "r.json").write_text(
        '{"title": "Cable", "url": "not a url", "colour": "red"}', encoding="utf-8"
    )
    (tmp_path / "in" / "c.txt").write_bytes(b"**Cable \x07one**\n")
    rules = ["[unknown-element]", "[url-malformed]"]
    one = archmeta("convert", "in/r.json", "--to", "text", cwd=tmp_path)
    assert one.returncode == 1
    assert [line.rsplit(" ", 1)[1] for line in one.stderr.splitlines()] == rules
    checked = archmeta("validate", "in", cwd=tmp_path).stdout
    assert "[control-character]" in checked and all(rule in checked for rule in rules)
    many = archmeta("convert", "in", "--to", "text", "--out", "out", cwd=tmp_path)
    assert many.returncode == 1
    found = [line.rsplit(" ", 1)[1] for line in many.stderr.splitlines()[:-1]]
    assert sorted(found) == sorted(["[control-character]", *rules])


def test_formats_and_rules_commands() -> None:
    formats = archmeta("formats")
    assert formats.returncode == 0 and "json" in formats.stdout and "text" in formats.stdout
    rules = archmeta("rules")
    assert rules.returncode == 0
    assert rules.stdout.splitlines()[0].split()[:2] == ["date-unreadable", "warning"]


def test_cli_import_is_light() -> None:
    code = (
        "import sys, archmeta.cli; "
        "print(sorted(m for m in ('pydantic', 'lxml', 'jsonschema', 'langcodes', 'tqdm') "
        "if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip() == "[]"


def test_converting_one_file_imports_only_its_two_codecs(tmp_path: Path) -> None:
    # People run archmeta once per file in shell loops: one text -> oai_dc conversion must not
    # pay for the batch machinery or for codecs it does not use.
    code = (
        "import sys\n"
        "from archmeta.cli import main\n"
        "try:\n"
        f"    main(['convert', {str(EXAMPLES / 'wilson-118189.txt')!r}, '--to', 'oai_dc', "
        f"'-o', {str(tmp_path / 'out.xml')!r}])\n"
        "except SystemExit as exc:\n"
        "    assert not exc.code, exc.code\n"
        "print(sorted(m for m in sys.modules if m.startswith(('archmeta.batch', "
        "'archmeta.formats.tei', 'archmeta.formats.json', 'archmeta.formats.saf', "
        "'archmeta.formats.omeka', 'edtf', 'langcodes'))))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
    assert (tmp_path / "out.xml").read_bytes().startswith(b"<?xml")


_ONLY_TITLE_RNG = """<grammar xmlns="http://relaxng.org/ns/structure/1.0"
    ns="http://www.tei-c.org/ns/1.0">
  <start><element name="TEI"><element name="title"><text/></element></element></start>
</grammar>
"""


def test_validate_against_a_schema_file_the_user_names(tmp_path: Path) -> None:
    schema = tmp_path / "only-title.rng"
    schema.write_text(_ONLY_TITLE_RNG, encoding="utf-8")
    tei = EXAMPLES / "wilson-118189.tei.xml"
    own = archmeta("validate", str(tei))
    assert own.returncode == 0, own.stdout + own.stderr
    other = archmeta("validate", "--schema", str(schema), str(tei))
    assert other.returncode == 1
    first = other.stdout.splitlines()[0]
    assert first.startswith(f"{tei}:4:") and "[schema-invalid]" in first


def test_a_schema_file_that_cannot_be_used_is_a_usage_error(tmp_path: Path) -> None:
    broken = tmp_path / "broken.rng"
    broken.write_text("<grammar", encoding="utf-8")
    tei = str(EXAMPLES / "wilson-118189.tei.xml")
    for schema, words in ((broken, "not well-formed"), (tmp_path / "absent.rng", "cannot read")):
        result = archmeta("validate", "--schema", str(schema), tei)
        assert result.returncode == 2 and words in result.stderr
    as_json = archmeta("validate", "--schema", str(broken), str(EXAMPLES / "wilson-118189.json"))
    assert as_json.returncode == 2


def test_a_schema_file_applies_to_xml_formats_only(tmp_path: Path) -> None:
    schema = tmp_path / "only-title.rng"
    schema.write_text(_ONLY_TITLE_RNG, encoding="utf-8")
    result = archmeta("validate", "--schema", str(schema), str(EXAMPLES / "wilson-118189.json"))
    assert result.returncode == 2 and "XML formats" in result.stderr


def test_a_schema_file_with_a_folder_checks_its_xml_files_and_stops_nothing_midway(
    tmp_path: Path,
) -> None:
    schema = tmp_path / "only-title.rng"
    schema.write_text(_ONLY_TITLE_RNG, encoding="utf-8")
    folder = tmp_path / "edition"
    folder.mkdir()
    shutil.copy(EXAMPLES / "wilson-118189.json", folder / "a.json")  # before the XML
    shutil.copy(EXAMPLES / "wilson-118189.tei.xml", folder / "b.tei.xml")
    shutil.copy(SEED, folder / "c.txt")
    result = archmeta("validate", "--schema", str(schema), "edition", cwd=tmp_path)
    assert result.returncode == 1, result.stderr  # b.tei.xml breaks the schema; not exit 2
    # with --schema only the XML file is checked; stderr is only the count
    assert result.stderr.startswith("1 file: ") and result.stderr.count("\n") == 1
    assert {line.split(":", 1)[0] for line in result.stdout.splitlines()} == {"edition/b.tei.xml"}
    # A non-XML file named on the command line is refused before any file is checked.
    named = archmeta(
        "validate", "--schema", str(schema), "edition/b.tei.xml", "edition/c.txt", cwd=tmp_path
    )
    assert (named.returncode, named.stdout) == (2, "")
    assert named.stderr.startswith("archmeta: edition/c.txt: --schema applies to XML formats")
