from __future__ import annotations

import pytest

from mock_server.advance.outcomes import load_outcomes
from mock_server.contract.catalog import Catalog
from mock_server.contract.fixtures import FixtureError
from mock_server.contract.resources import fixtures_dir, schemas_dir


@pytest.fixture
def outcomes(catalog: Catalog):  # type: ignore[no-untyped-def]
    return load_outcomes(fixtures_dir() / "outcomes.yaml", schemas_dir(), set(catalog.endpoints["get_result"].codes), 3)


def test_every_documented_result_code_has_an_outcome(outcomes, catalog: Catalog) -> None:  # type: ignore[no-untyped-def]
    reachable = {outcomes[name].code for name in outcomes}
    documented = {code for code, spec in catalog.endpoints["get_result"].codes.items() if spec.data}
    assert reachable == documented


def test_draws_respect_the_table(outcomes) -> None:  # type: ignore[no-untyped-def]
    for _ in range(50):
        passed = outcomes.draw("pass", 10_000, video=True)
        assert 80 <= passed.score <= 100 and passed.attack_type is None and passed.video
        failed = outcomes.draw("fail", 10_000, video=True)
        assert 0 <= failed.score <= 49 and failed.attack_type in (1, 2, 3)
    quality = outcomes.draw("no_face", 10_000, video=True)
    assert quality.score is None and quality.near_ms is None and not quality.video
    assert quality.far_ms < 10_000


def test_reseeding_replays_the_draws(outcomes) -> None:  # type: ignore[no-untyped-def]
    first = [outcomes.draw("fail", 0, False).score for _ in range(5)]
    outcomes.reseed()
    assert [outcomes.draw("fail", 0, False).score for _ in range(5)] == first


def test_a_reseed_before_any_draw_creates_no_faker_and_keeps_the_seeded_draws(outcomes, catalog: Catalog) -> None:  # type: ignore[no-untyped-def]
    outcomes.reseed()  # the pytest fixture resets before every test: importing Faker there cost ~70 ms
    assert outcomes._fake is None
    fresh = load_outcomes(
        fixtures_dir() / "outcomes.yaml", schemas_dir(), set(catalog.endpoints["get_result"].codes), 3
    )
    assert [outcomes.draw("fail", 0, False).score for _ in range(5)] == [
        fresh.draw("fail", 0, False).score for _ in range(5)
    ]


def test_an_undocumented_code_is_refused(tmp_path, catalog: Catalog) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "outcomes.yaml").write_text("outcomes:\n  odd: {code: MAYBE, success: true}\n")
    with pytest.raises(FixtureError, match=r"\['MAYBE'\] are not documented for Get Result"):
        load_outcomes(tmp_path / "outcomes.yaml", schemas_dir(), set(catalog.endpoints["get_result"].codes), None)
