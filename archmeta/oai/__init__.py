"""OAI-PMH over the network: a harvester and a data provider for folders of records.

``harvest`` (:mod:`archmeta.oai.harvester`) needs httpx; ``create_app`` (:mod:`archmeta.oai.server`)
needs Starlette (and uvicorn to run it): both come with ``pip install 'archmeta[serve]'``. This
package imports none of them until they are used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .harvester import Harvester, HarvestError, harvest
    from .server import create_app

__all__ = ["HarvestError", "Harvester", "create_app", "harvest"]


def __getattr__(name: str) -> Any:
    import importlib

    if name in ("HarvestError", "Harvester", "harvest"):
        module = importlib.import_module(".harvester", __name__)
    elif name == "create_app":
        module = importlib.import_module(".server", __name__)
    else:
        raise AttributeError(name)
    return getattr(module, name)
