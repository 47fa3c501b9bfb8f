"""OAI-PMH over the network: a harvester and a data provider for folders of records.

``harvest`` (:mod:`archmeta.oai.harvest`) needs httpx; ``create_app`` (:mod:`archmeta.oai.server`)
needs Starlette (and uvicorn to run it): both come with ``pip install 'archmeta[serve]'``. This
package imports none of them until they are used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .harvest import Harvester, HarvestError, harvest
    from .server import create_app

__all__ = ["HarvestError", "Harvester", "create_app", "harvest"]


def __getattr__(name: str) -> Any:
    if name in ("HarvestError", "Harvester", "harvest"):
        from . import harvest as module
    elif name == "create_app":
        from . import server as module
    else:
        raise AttributeError(name)
    return getattr(module, name)
