"""`seeding-suite new ID`: a manifest skeleton that passes every check, ready to edit.

Its first line is the modeline that points yaml-language-server (VS Code's YAML extension,
Neovim, Helix, ...) at the format's JSON Schema, so an editor completes keys and underlines
mistakes as they are typed. The schema is named by a path relative to the new file, to the
schema file of the seeding-suite the command runs from:

- relative, not absolute: the file is committed, and a relative path is the same in every
  checkout (the language server resolves it against the YAML file's own folder);
- a local file, not a URL: it works offline, and it is exactly the format of the harness that
  will check the manifest (a URL would describe whatever version it serves);
- the installed package's copy, not a copy in the project: nothing else to keep up to date,
  and the same file `seeding-suite schema` prints. In this repository (an editable install)
  that is `../seeding_suite/manifest.schema.json`.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import TYPE_CHECKING

import seeding_suite
from seeding_suite.errors import ConfigurationError
from seeding_suite.model import SLUG_PATTERN, pattern_meaning
from seeding_suite.settings import manifest_roots

if TYPE_CHECKING:
    import argparse

SCHEMA_FILE = Path(seeding_suite.__file__).parent / "manifest.schema.json"

SKELETON = """\
# yaml-language-server: $schema={schema}
manifest_version: 1
id: {id}
name: {name}
version: 0.1.0
description: What {name} lets people do (one or two sentences).
connections:
  - id: api-key
    name: API key
    auth: api_key
    fields:
      - name: api_key
        label: API key
        secret: true
actions:
  - id: example-action
    name: Example action
    description: Replace with a real action; its input is checked against input_schema.
    connection: api-key
    input_schema:
      type: object
      properties:
        message: {{type: string}}
      required: [message]
    output_schema: {{type: object}}
triggers: []
# dependencies:
#   - id: http-core
#     version: ">=1.0.0 <2.0.0"
"""


def schema_reference(manifest: Path) -> str:
    """The modeline's schema: relative to the manifest's folder (absolute if on another drive)."""
    try:
        return Path(os.path.relpath(SCHEMA_FILE, manifest.parent.resolve())).as_posix()
    except ValueError:  # Windows: no relative path between drives
        return SCHEMA_FILE.as_posix()


def skeleton(integration: str, manifest: Path) -> str:
    name = integration.replace("-", " ").title()
    return SKELETON.format(id=integration, name=name, schema=schema_reference(manifest))


def write_new(integration: str, root: Path) -> Path:
    """Write `root/<id>.yaml`; refuse a bad id or an existing manifest (never overwrites)."""
    if not re.fullmatch(SLUG_PATTERN, integration):
        expected = pattern_meaning(SLUG_PATTERN)
        raise ConfigurationError(
            f"{integration!r} is not a valid integration id: expected {expected}"
        )
    for suffix in (".yaml", ".yml"):
        existing = root / f"{integration}{suffix}"
        if existing.exists():
            raise ConfigurationError(f"{existing} already exists; nothing written")
    path = root / f"{integration}.yaml"
    root.mkdir(parents=True, exist_ok=True)
    try:
        with path.open("x", encoding="utf-8") as out:  # "x": an existing file is never replaced
            out.write(skeleton(integration, path))
    except FileExistsError as exc:
        raise ConfigurationError(f"{path} already exists; nothing written") from exc
    return path


def cmd_new(args: argparse.Namespace) -> int:
    """Write a manifest skeleton ID.yaml that passes every check (never overwrites)."""
    root = Path(args.root) if args.root else manifest_roots(Path.cwd())[0]
    path = write_new(args.id, root)
    shown = Path(os.path.relpath(path)) if path.resolve().is_relative_to(Path.cwd()) else path
    print(f"wrote {shown}: edit it, then `seeding-suite validate {shown}`")
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("new", help=cmd_new.__doc__, description=__doc__)
    parser.add_argument("id", metavar="ID", help="the integration id (also the file's stem)")
    parser.add_argument(
        "--root", metavar="DIR", help="where to write (default: the first manifest root)"
    )
    parser.set_defaults(run=cmd_new)
