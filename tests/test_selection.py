"""The selection ranking (issue 12): official over press, dated over undated, then vintage;
one undated-figure lag for every caller."""

from __future__ import annotations

from pathlib import Path

import pytest

from dxecon.core import folders
from dxecon.core.errors import ParamsError
from dxecon.core.params import load_yaml, params_path
from dxecon.data import SelectionPolicy
from dxecon.data.selection import CRITERIA, shipped_undated_lag


def test_shipped_order_is_official_then_dated_then_vintage():
    policy = SelectionPolicy.default()
    assert policy.order[:3] == ("source_kind", "dated", "published")
    assert set(policy.order) <= set(CRITERIA)


def test_official_2021_grdp_beats_an_undated_blog(dataset):
    # HP GRDP 2021 at current prices: 315,710 bn (S5, compilation of official figures)
    # vs ~310,000 (S34, undated blog). The blog must never win; it gave a 1.5% deflator.
    result = dataset.series("grdp_current", "HP", unit="bn_vnd")
    assert result.values.loc[2021] == 315710.0
    prov = result.provenance.set_index("obs_id")
    assert prov.at["OBS0126", "reason"] == "lost to OBS0125 on source_kind: blog vs press"


def test_official_2017_level_beats_an_undated_blog(dataset):
    result = dataset.series("grdp_constant_2010", "HP", unit="bn_vnd")
    assert result.values.loc[2017] == 119698.9
    reason = result.provenance.set_index("obs_id").at["OBS0118", "reason"]
    assert reason == "lost to OBS0117 on source_kind: blog vs government"


def test_a_relayed_gso_figure_ranks_as_official_and_revisions_go_by_vintage(dataset):
    # GSO's superseded Sep-2023 preliminary 12.86 (relayed by a government magazine, X12)
    # must not outrank GSO's own Jan-2025 revision 12.83 (relayed by the press, E4).
    result = dataset.series("de_share", "VN", method="GSO")
    assert result.values.loc[2022] == 12.83
    reason = result.provenance.set_index("obs_id").at["OBS0330", "reason"]
    assert reason == "lost to OBS0366 on published: 2023-09-30 vs 2025-01-06"


def test_without_official_methods_the_messenger_decides(dataset):
    policy = dataset.policy.with_(official_methods=())
    result = dataset.series("de_share", "VN", method="GSO", policy=policy)
    assert result.values.loc[2022] == 12.86  # government magazine beats the press
    reason = result.provenance.set_index("obs_id").at["OBS0366", "reason"]
    assert reason == "lost to OBS0330 on source_kind: press vs government"


def test_dated_beats_undated_within_one_kind(dataset):
    # State budget revenue 2024: S10 dated (118,255.3) vs S33 undated misprint (118.3),
    # both press.
    result = dataset.series("state_budget_revenue", "HP", unit="bn_vnd")
    assert result.values.loc[2024] == 118255.3
    reason = result.provenance.set_index("obs_id").at["OBS0199", "reason"]
    assert reason == "lost to OBS0198 on dated: undated vs dated"


def test_every_figure_passed_over_says_why(dataset):
    cands = dataset.candidates("grdp_growth_real", "HP")
    lost = cands[~cands["chosen"] & cands["visible"]]
    assert len(lost) and lost["reason"].str.startswith("lost to OBS").all()


# -- one undated lag -------------------------------------------------------------------------
def test_one_lag_setting_read_from_params():
    shipped = load_yaml(params_path("selection"))["undated_lag_months"]
    assert shipped_undated_lag() == shipped
    assert SelectionPolicy().undated_lag_months == shipped
    assert SelectionPolicy.default().undated_lag_months == shipped


#: Modules allowed their own lag, with why.
OWN_LAG = {
    "selection.py": "defines the setting",
    # In-year releases (quarter, half, nine months) come out weeks after their period, not
    # months after their year: their lag is params/nowcast.yaml's undated_release_lag_months.
    "nowcast.py": "in-year releases",
}


def test_no_src_caller_carries_its_own_lag():
    src = Path(folders.PROJECT_ROOT, "src", "dxecon")
    offenders = [
        str(path.relative_to(src))
        for path in src.rglob("*.py")
        if path.name not in OWN_LAG and "undated_lag_months=" in path.read_text("utf-8")
    ]
    assert offenders == []


def test_a_bad_lag_setting_names_the_file_and_field(tmp_path, monkeypatch):
    (tmp_path / "selection.yaml").write_text("undated_lag_months: six\n", encoding="utf-8")
    monkeypatch.setattr(folders, "PARAMS_DIR", tmp_path)
    with pytest.raises(ParamsError) as info:
        shipped_undated_lag()
    assert info.value.field == "undated_lag_months" and "selection.yaml" in str(info.value)
