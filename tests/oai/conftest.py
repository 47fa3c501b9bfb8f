"""Fixtures for the OAI-PMH tests: live servers on loopback, the official schemas, the records.

Every server runs uvicorn in a background thread on 127.0.0.1 with a port the system picks
(port 0), and is stopped when its test ends.
"""

from __future__ import annotations

import shutil
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any

import pytest

HERE = Path(__file__).resolve().parent
COLLECTION = HERE / "fixtures" / "collection"
SHARED = Path(__file__).parents[2] / ".." / "shared"
SCHEMAS = SHARED / "conformance" / "schemas"
OAI_NS = "http://www.openarchives.org/OAI/2.0/"


def require(*modules: str) -> None:
    """Skip the calling module unless every module can be imported."""
    for name in modules:
        pytest.importorskip(
            name, reason=f"{name} is not installed (pip install -e '.[test]' brings it)"
        )


@contextmanager
def running(app: Any) -> Iterator[str]:
    """Serve an ASGI app with uvicorn on 127.0.0.1 (ephemeral port); yields its base URL."""
    import uvicorn

    config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}/oai"
    finally:
        server.should_exit = True
        thread.join(10)


@pytest.fixture
def collection(tmp_path: Path) -> Path:
    """A fresh copy of the fixture collection (tests change its files and mtimes)."""
    target = tmp_path / "collection"
    shutil.copytree(COLLECTION, target)
    return target


@pytest.fixture
def serve(collection: Path) -> Iterator[Callable[..., str]]:
    """Start the OAI-PMH server on a folder (the collection by default); returns the base URL."""
    from archmeta.oai.server import create_app

    stack: list[Any] = []

    def start(root: Path | None = None, **options: Any) -> str:
        options.setdefault("page_size", 2)
        context = running(create_app(root or collection, **options))
        stack.append(context)
        return context.__enter__()

    yield start
    for context in reversed(stack):
        context.__exit__(None, None, None)


# -- the official OAI-PMH schema ----------------------------------------------------------------

_TEI_STUB = """<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"
    targetNamespace="http://www.tei-c.org/ns/1.0" elementFormDefault="qualified">
  <xs:element name="TEI"><xs:complexType mixed="true"><xs:sequence>
    <xs:any namespace="##any" processContents="skip" minOccurs="0" maxOccurs="unbounded"/>
  </xs:sequence><xs:anyAttribute namespace="##any" processContents="skip"/></xs:complexType>
  </xs:element>
</xs:schema>"""


@cache
def _schema(prefix: str, workdir: str) -> Any:
    from lxml import etree

    local = SCHEMAS / "local"
    imports = [("http://www.openarchives.org/OAI/2.0/", local / "OAI-PMH.xsd")]
    if prefix == "oai_dc":
        imports.append(("http://www.openarchives.org/OAI/2.0/oai_dc/", local / "oai_dc.xsd"))
    elif prefix == "dcterms":
        # DCMI's qualifieddc.xsd has no target namespace: included, it takes the wrapper's
        # (a "chameleon" include), which is how the served container is defined.
        wrapper = Path(workdir) / "qdc.xsd"
        wrapper.write_text(
            '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" '
            'targetNamespace="http://dspace.org/qualifieddc/" elementFormDefault="qualified">'
            f'<xs:include schemaLocation="{(SCHEMAS / "local2008" / "qualifieddc.xsd").as_uri()}"/>'
            "</xs:schema>",
            encoding="utf-8",
        )
        imports.append(("http://dspace.org/qualifieddc/", wrapper))
    elif prefix == "tei":
        # OAI-PMH's metadata wildcard is strict, so TEI needs a declaration; TEI has no official
        # XSD here (its RELAX NG is checked apart), so a stub that accepts any TEI root.
        stub = Path(workdir) / "tei-stub.xsd"
        stub.write_text(_TEI_STUB, encoding="utf-8")
        imports.append(("http://www.tei-c.org/ns/1.0", stub))
    driver = (
        '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">'
        + "".join(
            f'<xs:import namespace="{ns}" schemaLocation="{path.resolve().as_uri()}"/>'
            for ns, path in imports
        )
        + "</xs:schema>"
    )
    return etree.XMLSchema(etree.fromstring(driver.encode(), base_url=str(local) + "/"))


def schemas_present() -> bool:
    return (SCHEMAS / "local" / "OAI-PMH.xsd").exists()


@pytest.fixture(scope="session")
def oai_schema(tmp_path_factory: pytest.TempPathFactory) -> Callable[[bytes, str], None]:
    """Assert that a response is valid against the official OAI-PMH.xsd (and, inside it, the
    official oai_dc.xsd or DCMI's qualifieddc.xsd, by metadata prefix)."""
    if not schemas_present():
        # The protocol assertions still run; test_official_schemas_are_present says why the
        # validation does not.
        return lambda data, prefix="oai_dc": None
    workdir = str(tmp_path_factory.mktemp("schemas"))

    def check(data: bytes, prefix: str = "oai_dc") -> None:
        from lxml import etree

        schema = _schema(prefix, workdir)
        document = etree.fromstring(data).getroottree()
        assert schema.validate(document), "\n".join(str(e) for e in schema.error_log)

    return check


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One server on a copy of the collection for a module's read-only tests (page size 2)."""
    from archmeta.oai.server import create_app

    root = tmp_path_factory.mktemp("live") / "collection"
    shutil.copytree(COLLECTION, root)
    with running(create_app(root, page_size=2)) as url:
        yield url
