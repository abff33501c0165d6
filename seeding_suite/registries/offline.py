"""What `--offline` may read of a registry: the verified metadata already in the cache.

python-tuf's Updater always asks the network for a newer root and a fresh timestamp, and has no
offline mode (python-tuf#2359). This fetcher answers those requests from the cache instead:
"no newer root" (404, as a repository answers), and the cached timestamp for the timestamp.
The Updater then verifies everything as it would online: signatures against the pinned root,
versions, and expiry, which still applies. An expired cache is refused offline as online.
Any other file that is not cached fails as "unreachable": offline never downloads.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tuf.api import exceptions
from tuf.ngclient import FetcherInterface

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path


class OfflineFetcher(FetcherInterface):
    """Serves the cached timestamp and "no newer root"; refuses everything else."""

    def __init__(self, metadata_dir: Path) -> None:
        self._metadata = metadata_dir

    def _fetch(self, url: str) -> Iterator[bytes]:
        name = url.rsplit("/", 1)[-1]
        if name.endswith(".root.json"):
            raise exceptions.DownloadHTTPError("offline: no newer root is looked for", 404)
        if name == "timestamp.json":
            cached = self._metadata / name
            if cached.is_file():
                return iter([cached.read_bytes()])
        raise exceptions.DownloadError(f"offline, and {name} is not cached")
