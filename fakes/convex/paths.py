"""Function paths (`dir/file:export`): parsing and normalization as the Convex backend does.

The module may end in `.js`; no colon means the default export; a bad path is a
400 BadConvexFunctionIdentifier.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from fakes.convex.errors import BadRequest

MAX_COMPONENT_LEN: Final = 64
_COMPONENT: Final = re.compile(r"[A-Za-z0-9_.]+")
_EXPORT: Final = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@dataclass(frozen=True, slots=True)
class FunctionPath:
    """A parsed path; `module` has no `.js` suffix."""

    module: str
    export: str

    @property
    def key(self) -> str:
        """The stripped form clients use and error messages quote: `dir/file:export`."""
        return f"{self.module}:{self.export}"

    @property
    def canonical(self) -> str:
        """The backend's canonical form: `dir/file.js:export`."""
        return f"{self.module}.js:{self.export}"


def _bad(path: str, why: str) -> BadRequest:
    return BadRequest("BadConvexFunctionIdentifier", f"Invalid function path {path!r}: {why}")


def parse_function_path(path: object) -> FunctionPath:
    """Parse and normalize a function path; raises BadRequest for anything Convex rejects."""
    if not isinstance(path, str):
        raise BadRequest("BadConvexFunctionIdentifier", f"Function path must be a string: {path!r}")
    module, colon, export = path.partition(":")
    if not colon:
        export = "default"
    if ":" in export:
        raise _bad(path, "more than one ':'")
    if module.endswith(".js"):
        module = module[: -len(".js")]
    components = module.split("/")
    for component in components:
        if not component or len(component) > MAX_COMPONENT_LEN:
            raise _bad(path, f"path component {component!r} must have 1 to 64 characters")
        if not _COMPONENT.fullmatch(component) or not any(c.isalnum() for c in component):
            raise _bad(
                path, f"path component {component!r} may only use letters, digits, '_' and '.'"
            )
    if "." in components[-1]:
        raise _bad(path, "only a '.js' extension is allowed")
    if not _EXPORT.fullmatch(export) or len(export) > MAX_COMPONENT_LEN or set(export) == {"_"}:
        raise _bad(path, f"{export!r} is not a valid export name")
    return FunctionPath(module, export)
