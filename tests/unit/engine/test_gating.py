from __future__ import annotations

from typing import TYPE_CHECKING

from seeding_suite.engine.gating import gate, satisfies
from seeding_suite.engine.state import StoredDoc, TargetState

if TYPE_CHECKING:
    from engine_builders import Factory


def present(integration: str, version: str) -> TargetState:
    state = TargetState()
    state.add(StoredDoc("integrations", integration, integration, "c", "r"), version)
    return state


def test_npm_ranges_are_honoured() -> None:
    assert satisfies("1.4.0", ">=1.2.0 <2.0.0")
    assert not satisfies("2.0.0", ">=1.2.0 <2.0.0")
    assert satisfies("3.1.4", "*")
    assert not satisfies("1.0.0", "not a range")


def test_a_dependency_seeded_earlier_in_the_run_lets_the_dependent_through(make: Factory) -> None:
    core, app = make("core", "1.5.0"), make("app", deps=(("core", "^1.0.0"),))
    result = gate([core, app], TargetState())
    assert [d.id for d in result.allowed] == ["core", "app"]
    assert not result.skipped


def test_a_missing_dependency_holds_the_dependent_back(make: Factory) -> None:
    result = gate([make("app", deps=(("core", "*"),))], TargetState())
    assert result.skipped == {
        "app": "dependency core is not seeded in this run and not present in the target"
    }


def test_a_dependency_already_in_the_target_must_satisfy_the_range(make: Factory) -> None:
    app = make("app", deps=(("core", ">=2.0.0"),))
    assert gate([app], present("core", "2.1.0")).allowed == [app]
    blocked = gate([app], present("core", "1.9.0"))
    assert "present in the target at 1.9.0, outside '>=2.0.0'" in blocked.skipped["app"]
