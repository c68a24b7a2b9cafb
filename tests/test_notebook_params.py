"""Notebook parameters: None is the params file's value, anything else overrides it."""

from __future__ import annotations

import pytest

from dxecon.core import folders
from dxecon.core.errors import ParamsError
from dxecon.core.params import load_yaml, params_path
from dxecon.pipeline.notebook_params import with_params_file


def test_none_takes_the_files_value_and_a_value_overrides_it():
    data = load_yaml(folders.PARAMS_DIR / "productivity.yaml")
    namespace = {"productivity_geo": None, "lp_base_year": 2015, "unrelated": 1}
    values = with_params_file(namespace, "productivity.yaml")
    assert values == {"productivity_geo": data["productivity_geo"], "lp_base_year": 2015}


def test_a_name_or_a_path(tmp_path):
    assert (
        params_path("de_share_2030", "sweeps") == folders.PARAMS_DIR / "sweeps/de_share_2030.yaml"
    )
    mine = tmp_path / "mine.yaml"
    mine.write_text("paths: 10\n", encoding="utf-8")
    assert with_params_file({"paths": None}, mine) == {"paths": 10}


def test_missing_file_names_it():
    with pytest.raises(ParamsError, match=r"nope\.yaml"):
        with_params_file({}, "nope.yaml")
