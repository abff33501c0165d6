"""Gradual rollouts and A/B variants of integrations, gated by health (issue 16).

One module per role: `block` (the manifest's `rollout:` block), `bucketing` (Unleash's
flexible-rollout hash), `schedule` (steps, hold and status), `evaluation` (what the Convex
function answers), `gates` (error-rate figures of a window), `decision` (what `tick` does,
pure), `documents` (the target's rollout documents), `store` (reading and writing them as
runs) and `audit` (the JUnit file of a rollout run). Nothing here imports pytest.
"""
