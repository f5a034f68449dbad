"""The condition evaluator accepts recorded-decision logic and nothing else."""
from __future__ import annotations

import pytest

from handlers.conditions import MissingName, UnsafeExpression, evaluate

DATA = {"decision_approval": {"decision": "approve"}, "investigation_plan": {"measures": ["inquiry"]},
        "emergency": False, "fine": 500}


@pytest.mark.parametrize("expression,expected", [
    ("decision_approval.decision == 'approve'", True),
    ("decision_approval['decision'] != 'approve'", False),
    ("'inquiry' in investigation_plan.measures and not emergency", True),
    ("'sampling' in investigation_plan.measures or fine > 200 * 2", True),
    ("0 < fine <= 200", False),
    ("\"PT24H\"", "PT24H"),
])
def test_allowed_expressions(expression, expected):
    assert evaluate(expression, DATA) == expected


@pytest.mark.parametrize("expression", [
    "__import__('os').system('id')",
    "().__class__.__base__.__subclasses__()",
    "open('/etc/passwd')",
    "[x for x in investigation_plan.measures]",
    "lambda: 1",
    "emergency.__class__",
    "decision_approval.get('decision')",
])
def test_unsafe_expressions_are_refused(expression):
    with pytest.raises(UnsafeExpression):
        evaluate(expression, DATA)


def test_missing_data_is_named():
    with pytest.raises(MissingName, match="legal_review"):
        evaluate("legal_review.passed == True", DATA)


def test_attribute_access_only_into_recorded_data():
    with pytest.raises(UnsafeExpression):
        evaluate("fine.real", DATA)
