"""The commands as a user runs them: ``archmeta serve`` in a subprocess, lazy imports."""

from __future__ import annotations

import socket
import subprocess
import sys
import time

import pytest

from tests.oai.conftest import COLLECTION, OAI_NS, require

# ``python -m archmeta.cli`` runs main() before the module's last lines register the OAI
# commands, so the tests start the command line the way the console script does.
CLI = [sys.executable, "-c", "from archmeta.cli import main; main()"]


def test_core_imports_no_network_stack() -> None:
    code = (
        "import sys, archmeta.cli, archmeta.oai, archmeta.oai.commands\n"
        "heavy = ('starlette', 'uvicorn', 'httpx', 'pydantic', 'lxml')\n"
        "loaded = [m for m in heavy if m in sys.modules]\n"
        "print(','.join(loaded))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_help_lists_the_commands() -> None:
    out = subprocess.run([*CLI, "--help"], capture_output=True, text=True, check=True)
    assert "harvest" in out.stdout and "serve" in out.stdout
    serve = subprocess.run([*CLI, "serve", "--help"], capture_output=True, text=True, check=True)
    assert "--base-url" in serve.stdout and "--page-size" in serve.stdout


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def test_serve_command_answers_on_loopback() -> None:
    require("starlette", "uvicorn", "httpx")
    import httpx

    port = free_port()
    proc = subprocess.Popen(
        [*CLI, "serve", str(COLLECTION), "--port", str(port), "--page-size", "3"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}/oai"
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                response = httpx.get(url, params={"verb": "Identify"}, timeout=2)
                break
            except httpx.TransportError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"archmeta serve did not start: {proc.stderr.read()!r}")
                time.sleep(0.05)
        assert f"<baseURL>{url}</baseURL>".encode() in response.content
        listing = httpx.get(url, params={"verb": "ListIdentifiers", "metadataPrefix": "oai_dc"})
        assert listing.content.count(b"<identifier>") == 3
        assert f'xmlns="{OAI_NS}"'.encode() in listing.content
    finally:
        proc.terminate()
        proc.wait(10)


def test_serve_refuses_a_missing_folder(tmp_path) -> None:
    out = subprocess.run([*CLI, "serve", str(tmp_path / "nope")], capture_output=True, text=True)
    assert out.returncode == 2 and "Traceback" not in out.stderr
