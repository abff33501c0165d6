"""What `--offline` may read of a registry: the verified metadata already in the cache.

python-tuf's Updater always asks the network for a newer root and a fresh timestamp, and has no
offline mode (python-tuf#2359). This fetcher answers its requests from the cache instead: "no
newer root" (404, as a repository answers), and for any other metadata file the cached copy of
that role. The Updater then verifies everything as it does online: signatures against the
pinned root, versions against the snapshot, and expiry, which still applies: an expired cache
is refused offline as online. What is not cached fails as "unreachable": offline never
downloads, and target files are only ever read from the verified cache (client.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tuf.api import exceptions
from tuf.ngclient import FetcherInterface

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path


class OfflineFetcher(FetcherInterface):
    """Serves "no newer root" and each role's cached metadata; refuses everything else."""

    def __init__(self, metadata_dir: Path) -> None:
        self._metadata = metadata_dir

    def _fetch(self, url: str) -> Iterator[bytes]:
        name = url.rsplit("/", 1)[-1]
        if name.endswith(".root.json"):
            raise exceptions.DownloadHTTPError("offline: no newer root is looked for", 404)
        # Consistent snapshots ask for `N.snapshot.json`; the cache keeps `snapshot.json`.
        role = name.split(".", 1)[1] if name.split(".", 1)[0].isdigit() else name
        cached = self._metadata / role
        if cached.is_file():
            return iter([cached.read_bytes()])
        raise exceptions.DownloadError(f"offline, and {name} is not cached")
