"""Helpers shared by the tests of the self-checks (test_checks_adaptive.py,
test_checks_logistic.py): the student notebook's placeholders, as a check sees them."""

from __future__ import annotations


def not_answered(check, *args, capsys, hint="the hint", **kwargs):
    """Run ``check`` on a placeholder: it prints "Not answered yet" with ``hint`` and returns
    a false result, without raising."""
    result = check(*args, **kwargs)
    assert not result and repr(result) == "False"
    out = capsys.readouterr().out
    assert out.startswith("Not answered yet") and hint in out, out


def unwritten(*args):
    """A function answer still the placeholder: the student notebook's stub raises this."""
    raise NotImplementedError("the hint")
