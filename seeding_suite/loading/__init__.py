"""Loading manifest files that may be hostile: bounded YAML, precise positions, validation.

`ManifestSource` (in `source`) is the entry point; the other modules are its steps.
"""

from __future__ import annotations
