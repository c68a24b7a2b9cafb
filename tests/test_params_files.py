"""Naming a params file and the one rule for a value left as None (`dxecon.core.params`)."""

from __future__ import annotations

import doctest

import pytest

import dxecon.core.params
from dxecon.core import folders
from dxecon.core.errors import ParamsError
from dxecon.core.params import load_yaml, params_path, resolve
from dxecon.pipeline.context import Context


def test_the_doctests_hold():
    assert doctest.testmod(dxecon.core.params).failed == 0


def test_none_takes_the_files_value_and_any_other_value_wins():
    file = {"paths": 1000, "seed": 7, "flag": True, "series": ["a"], "note": "x"}
    given = {"paths": None, "seed": 0, "flag": False, "series": [], "note": ""}
    # falsy values are values: only None falls back to the file
    assert resolve(given, file) == {
        "paths": 1000,
        "seed": 0,
        "flag": False,
        "series": [],
        "note": "",
    }


def test_keys_the_file_does_not_hold():
    file = {"horizon": 2030}
    # a notebook's own parameters are not the file's...
    assert resolve({"lang": "vi", "as_of": "2026-10"}, file) == {"horizon": 2030}
    # ...unless named as keys a file of its kind may leave out; None adds nothing
    assert resolve({"shocks": [], "seed": None}, file, keys=("shocks", "seed")) == {
        "horizon": 2030,
        "shocks": [],
    }


def test_a_value_replaces_the_files_whole_value_and_nothing_is_mutated():
    file = {"growth": {"mean": 6.0, "sd": 1.0}, "empty": None}
    given = {"growth": {"mean": 7.0}}
    out = resolve(given, file)
    assert out == {"growth": {"mean": 7.0}, "empty": None}  # no merge inside a mapping
    assert file == {"growth": {"mean": 6.0, "sd": 1.0}, "empty": None}
    assert given == {"growth": {"mean": 7.0}}
    assert resolve({}, {}) == {}


def test_a_context_resolves_a_notebooks_parameters_by_the_same_rule():
    from dxecon.core.places import place_params

    shipped = place_params("productivity")  # the file with the default place's profile
    namespace = {"productivity_geo": None, "lp_base_year": 2015, "lang": "en", "output_dir": "x"}
    ctx = Context.for_notebook(namespace, params_file="productivity.yaml", dataset=object())
    assert ctx.params("productivity.yaml") == resolve(namespace, shipped)
    assert ctx.params("productivity.yaml")["lp_base_year"] == 2015
    assert ctx.params("productivity.yaml")["productivity_geo"] == shipped["productivity_geo"]
    assert ctx.lang == "en"


def test_a_name_or_a_path(tmp_path, monkeypatch):
    assert params_path("digital") == folders.PARAMS_DIR / "digital.yaml"
    assert params_path("baseline", "scenarios") == folders.PARAMS_DIR / "scenarios/baseline.yaml"
    assert params_path("scenarios/baseline.yaml") == folders.PARAMS_DIR / "scenarios/baseline.yaml"
    mine = tmp_path / "mine.yaml"
    mine.write_text("paths: 10\n", encoding="utf-8")
    assert params_path(mine) == mine  # a path to an existing file is used as is
    monkeypatch.chdir(tmp_path)
    assert params_path("mine.yaml") == mine.relative_to(tmp_path)  # here, before params/


def test_a_missing_file_is_named():
    with pytest.raises(ParamsError, match=r"nope\.yaml"):
        load_yaml(params_path("nope"))
