"""The package's one 'did you mean' helper and its one translation of pydantic errors, on
closed cases (the scenario and sweep tests check them on real files)."""

from __future__ import annotations

import pytest
from pydantic import BaseModel, ConfigDict, ValidationError, model_validator

from dxecon.core.errors import closest_match, did_you_mean
from dxecon.core.params import FieldError, check_keys, validation_error


@pytest.mark.parametrize(
    ("value", "allowed", "cutoff", "expected"),
    [
        ("horizn", ["horizon", "paths", "seed"], 0.6, "did you mean 'horizon'? "),
        ("sampels", ("samples", "seed"), 0.6, "did you mean 'samples'? "),
        ("zzz", ["horizon", "paths"], 0.6, ""),  # nothing close: no hint
        ("paths", [], 0.6, ""),  # nothing allowed
        (7, ["7a", "x"], 0.6, "did you mean '7a'? "),  # any value, compared as text
        # the cutoff decides: 'hi' is 0.67 like 'high' (2 * 2 / 6)
        ("hi", ["high"], 0.6, "did you mean 'high'? "),
        ("hi", ["high"], 0.7, ""),
    ],
)
def test_did_you_mean(value, allowed, cutoff, expected):
    assert did_you_mean(value, allowed, cutoff=cutoff) == expected


def test_closest_match_picks_the_best_whatever_the_order():
    for allowed in (["speed", "sped_sd", "seed"], ["seed", "sped_sd", "speed"], {"speed", "seed"}):
        assert closest_match("sped", allowed) == "speed"
    assert closest_match("sped", ["x"]) is None


def test_check_keys_names_the_key_and_the_closest():
    with pytest.raises(ValueError) as info:
        check_keys({"low": 1, "hihg": 2}, ["low", "high"], file="f.yaml", prefix="range.")
    assert info.value.field == "range.hihg"
    assert str(info.value) == (
        "f.yaml, field 'range.hihg': unknown key; did you mean 'high'? allowed keys: low, high"
    )


class _Inner(BaseModel):
    model_config = ConfigDict(extra="forbid")
    low: float
    high: float

    @model_validator(mode="after")
    def _ordered(self):
        if self.high < self.low:
            raise FieldError("high", f"expected at least low {self.low:g}")
        return self


class _Outer(BaseModel):
    model_config = ConfigDict(extra="forbid")
    ranges: dict[str, _Inner]


def _error(data) -> ValueError:
    with pytest.raises(ValidationError) as info:
        _Outer.model_validate(data)
    return validation_error(info.value, file="f.yaml", model=_Outer)


def test_validation_error_names_file_field_and_fix():
    unknown = _error({"ranges": {"a.b": {"low": 1, "high": 2, "hihg": 2}}})
    assert unknown.field == "ranges.a.b.hihg"  # inside a dict of models, dotted keys kept
    assert "did you mean 'high'? allowed keys: low, high" in str(unknown)
    # A model validator's FieldError is reported at the field it names, without the input
    below = _error({"ranges": {"a": {"low": 2, "high": 1}}})
    assert str(below) == "f.yaml, field 'ranges.a.high': expected at least low 2"
    wrong = _error({"ranges": {"a": {"low": "x", "high": 1}}})
    assert wrong.field == "ranges.a.low" and "(got 'x')" in str(wrong)
    several = _error({"ranges": {"a": {}}})
    assert str(several).startswith("f.yaml, field 'ranges.a.low': 2 problems:\n")
    assert "  - f.yaml, field 'ranges.a.high': required field is missing" in str(several)
