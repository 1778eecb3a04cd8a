"""Every pb op: compiled result vs its numpy reference, over random shapes and dtypes."""
import pytest
from hypothesis import HealthCheck, given, settings

from harness import assert_op_matches
from op_specs import all_cases
from pullback.dialects import registry

CASES = all_cases()


@pytest.mark.parametrize("name", sorted(registry.OPS))
def test_op_has_spec_row(name):
    covered = {case.extra.get("op", row) for row, case in CASES.items()}
    assert name in covered, f"pb.{name} has no row in test/python/op_specs"


@pytest.mark.parametrize("name", sorted(registry.OPS))
def test_op_has_every_rule(name):
    for kind, table in registry.RULE_TABLES.items():
        assert name in table, f"pb.{name} lacks a {kind} rule"


@pytest.mark.parametrize("row", sorted(CASES))
def test_op_matches_reference(row):
    case = CASES[row]
    name = case.extra.get("op", row)

    @settings(max_examples=case.max_examples, deadline=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(case.strategy)
    def run(drawn):
        arrays, attrs, dtypes = drawn
        assert_op_matches(name, arrays, attrs, dtypes, rtol=case.rtol, atol=case.atol)

    run()
