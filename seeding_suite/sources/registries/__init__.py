"""The TUF side of registry sources: signed manifests, installed and pinned per project.

One module per role: `client` (python-tuf's Updater over a registry, every TUF defence),
`refusals` (TUF's exceptions as reasons a person can act on), `offline` (what --offline may
read), `lockfile` (marketplace.lock), `install` (install and update), `pinned` (the pinned
files a run checks and seeds), and the maintainer's side: `keys`, `repository`, `maintain`.
seeding_suite.sources.registry lists a registry source through `pinned` (lazily).
"""
