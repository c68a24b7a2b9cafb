"""Tests of the productivity estimators (dxecon.models.estimation: productivity, target_paths,
the shift-share of decomposition, and the shared result object): published GSO arithmetic,
closed forms, and the shift-share identities as properties."""

from __future__ import annotations

import dataclasses
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dxecon.models.estimation.decomposition import shift_share
from dxecon.models.estimation.productivity import (
    MissingEmploymentError,
    compound_average_growth,
    employment_assumption,
    growth,
    labour_productivity,
    level_path,
)
from dxecon.models.estimation.result import EstimateResult, make_meta
from dxecon.models.estimation.target_paths import assess_target, target_path

# Vietnam, GSO (methods.md §5.2; observations OBS0281/0285/0288, OBS0284/0287/0290):
# labour productivity at current prices, million VND per worker, and published real growth.
LP_CURRENT = pd.Series({2022: 188.1, 2023: 199.3, 2024: 221.9})
LP_GROWTH_REAL = pd.Series({2021: 4.71, 2022: 4.80, 2023: 3.65, 2024: 5.88})
GDP_CURRENT_TN = pd.Series({2023: 10221.8, 2024: 11511.9})  # trillion VND (methods.md §5.2)

# --------------------------------------------------------------------------- nominal vs real


def test_vietnam_2024_nominal_growth_is_11_34_and_labelled_nominal():
    result = growth(LP_CURRENT, basis="nominal")
    assert result.basis == "nominal"
    assert "nominal" in result.name
    assert "growth_nominal_pct" in result.frame.columns
    assert not any("real" in column for column in result.frame.columns)
    assert round(float(result.rates.loc[2024]), 2) == 11.34
    assert round(float(result.rates.loc[2023]), 2) == 5.95  # methods.md §5.2 (derived)
    # ...which is not the published real growth of 5.88% (nor 3.65% in 2023).
    assert abs(result.rates.loc[2024] - LP_GROWTH_REAL.loc[2024]) > 5.0
    assert "nominal" in result.summary()


def test_real_growth_path_uses_published_real_rates():
    path = level_path(LP_GROWTH_REAL, base_year=2022, base_level=188.1, basis="real")
    assert path.basis == "real"
    # Levels in 2022 prices: the base level chained with the published real rates only.
    assert path.levels.loc[2024] == pytest.approx(188.1 * 1.0365 * 1.0588, rel=1e-12)
    real = growth(path, basis="real")
    np.testing.assert_allclose(real.rates.loc[[2023, 2024]], [3.65, 5.88], rtol=1e-12)
    # The real level in 2024 is far below the current-price level: different bases.
    assert path.levels.loc[2024] < LP_CURRENT.loc[2024] - 10
    with pytest.raises(ValueError, match=r"'real'.*basis='nominal'"):
        growth(path, basis="nominal")


def test_compound_average_from_real_rates_differs_from_nominal_levels():
    real = compound_average_growth(LP_GROWTH_REAL, 2022, 2024, basis="real", kind="growth_pct")
    nominal = compound_average_growth(LP_CURRENT, 2022, 2024, basis="nominal", kind="levels")
    assert real.value == pytest.approx(100 * (np.sqrt(1.0365 * 1.0588) - 1), rel=1e-12)
    assert nominal.value == pytest.approx(100 * (np.sqrt(221.9 / 188.1) - 1), rel=1e-12)
    assert "cagr_real_pct" in real.frame and "cagr_nominal_pct" in nominal.frame
    assert nominal.value - real.value > 3


def test_labour_productivity_reproduces_published_gso_level_and_converts_units():
    employment = pd.Series({2023: 51.3})  # million persons (OBS0328)
    lp = labour_productivity(
        GDP_CURRENT_TN.loc[[2023]],
        employment,
        basis="nominal",
        output_unit="tn_vnd",
        employment_unit="m_persons",
    )
    assert lp.meta["unit"] == "m_vnd_per_worker"
    assert lp.basis == "nominal"
    assert lp.levels.loc[2023] == pytest.approx(199.3, abs=0.05)  # published 199.3
    same = labour_productivity(
        GDP_CURRENT_TN.loc[[2023]] * 1000,  # billion VND
        employment * 1000,  # thousand persons
        basis="nominal",
        output_unit="bn_vnd",
        employment_unit="thousand_persons",
    )
    assert same.levels.loc[2023] == pytest.approx(lp.levels.loc[2023], rel=1e-12)
    in_persons = labour_productivity(
        GDP_CURRENT_TN.loc[[2023]] * 1e6,  # million VND
        employment * 1e6,
        basis="nominal",
        output_unit="m_vnd",
        employment_unit="persons",
    )
    assert in_persons.levels.loc[2023] == pytest.approx(lp.levels.loc[2023], rel=1e-12)


def test_labour_productivity_by_sector_is_vectorised():
    output = pd.DataFrame({"a": [100.0, 120.0], "b": [50.0, 60.0]}, index=[2020, 2021])
    workers = pd.DataFrame({"a": [10.0, 12.0], "b": [1.0, 2.0]}, index=[2020, 2021])
    lp = labour_productivity(
        output, workers, basis="real", output_unit="bn_vnd", employment_unit="thousand_persons"
    )
    expected = output * 1e3 / (workers * 1e3)
    pd.testing.assert_frame_equal(lp.levels, expected, check_names=False)
    assert lp.frame.index.names == ["year", "sector"]
    g = growth(lp, basis="real")
    assert g.rates.loc[2021, "b"] == pytest.approx(-40.0)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"basis": "constant"}, r"basis must be one of 'real', 'nominal'; got 'constant'"),
        ({"output_unit": "vnd"}, r"output_unit must be one of 'm_vnd', 'bn_vnd', 'tn_vnd'"),
        ({"employment_unit": "k"}, r"employment_unit must be one of 'persons', 'thousand_"),
    ],
)
def test_bad_options_name_the_allowed_values(kwargs, message):
    options = {"basis": "nominal", "output_unit": "tn_vnd", "employment_unit": "m_persons"}
    with pytest.raises(ValueError, match=message):
        labour_productivity(GDP_CURRENT_TN, pd.Series({2023: 51.3, 2024: 51.9}), **options | kwargs)


def test_sub_annual_periods_are_rejected():
    with pytest.raises(ValueError, match="calendar years"):
        growth(pd.Series({"2023-H1": 1.0, "2023": 2.0}), basis="real")


# --------------------------------------------------------------------------- employment


def test_missing_employment_raises_naming_the_years():
    output = pd.Series({2014: 1.0, 2015: 1.1, 2016: 1.2, 2017: 1.3})
    employment = pd.Series({2014: 1085.6, 2015: 1090.4})
    with pytest.raises(MissingEmploymentError, match=r"\[2016, 2017\]") as info:
        labour_productivity(
            output, employment, basis="real", output_unit="bn_vnd",
            employment_unit="thousand_persons",
        )  # fmt: skip
    assert info.value.missing == {"value": [2016, 2017]}
    assert "employment_assumption" in str(info.value)


def test_missing_sector_employment_names_sector_and_year():
    va = pd.DataFrame({"a": [1.0, 2.0], "b": [3.0, 4.0]}, index=[2020, 2021])
    emp = pd.DataFrame({"a": [1.0, 1.0], "b": [1.0, np.nan]}, index=[2020, 2021])
    with pytest.raises(MissingEmploymentError, match=r"b: \[2021\]"):
        shift_share(va, emp, basis="real")


def test_employment_assumption_flags_every_assumed_year_and_states_the_rate():
    observed = pd.Series({2014: 1085.6, 2015: 1090.4})  # Hai Phong, L1 (OBS0245, OBS0249)
    path = employment_assumption(
        observed,
        years=range(2014, 2019),
        growth_pct=0.91,
        rationale="2010-2015 average growth (L1)",
    )
    assert path.assumed.to_dict() == {
        2014: False, 2015: False, 2016: True, 2017: True, 2018: True
    }  # fmt: skip
    assert path.values.loc[2015] == 1090.4
    assert path.values.loc[2018] == pytest.approx(1090.4 * 1.0091**3, rel=1e-12)
    assert "0.91%" in path.note and "2016-2018" in path.note and "(L1)" in path.note
    assert path.unit == "thousand_persons"

    output = pd.Series({2015: 100.0, 2016: 110.0, 2017: 120.0})
    lp = labour_productivity(
        output, path, basis="real", output_unit="bn_vnd", employment_unit="thousand_persons"
    )
    assert lp.employment_assumed.to_dict() == {2015: False, 2016: True, 2017: True}
    assert path.note in lp.assumptions
    g = growth(lp, basis="real")
    assert g.frame["employment_assumed"].to_dict() == {2015: False, 2016: True, 2017: True}
    assert path.note in g.assumptions


def test_employment_assumption_refuses_anonymous_or_backward_fills():
    observed = pd.Series({2010: 1042.0, 2015: 1090.4})
    with pytest.raises(ValueError, match="rationale"):
        employment_assumption(observed, years=[2016], growth_pct=1.0, rationale=" ")
    with pytest.raises(ValueError, match=r"\[2012\].*does not\s+interpolate"):
        employment_assumption(observed, years=[2012, 2016], growth_pct=1.0, rationale="x")
    path = employment_assumption(observed, years=[2016], growth_pct=1.0, rationale="x")
    with pytest.raises(ValueError, match="employment_unit='thousand_persons'"):
        labour_productivity(
            pd.Series({2016: 1.0}), path, basis="real", output_unit="bn_vnd",
            employment_unit="m_persons",
        )  # fmt: skip


# --------------------------------------------------------------------------- growth


def test_growth_does_not_bridge_gaps():
    result = growth(pd.Series({2018: 100.0, 2020: 121.0, 2021: 133.1}), basis="real")
    assert np.isnan(result.rates.loc[2020])  # not the two-year change passed off as one
    assert result.rates.loc[2021] == pytest.approx(10.0)
    assert any("[2020]" in note for note in result.assumptions)


def test_compound_average_is_not_the_arithmetic_mean():
    rates = pd.Series({2021: 30.0, 2022: -10.0})
    cagr = compound_average_growth(rates, 2020, 2022, basis="real", kind="growth_pct")
    assert cagr.value == pytest.approx(100 * (np.sqrt(1.3 * 0.9) - 1))
    assert cagr.value < rates.mean() - 1.5
    with pytest.raises(ValueError, match=r"2023"):
        compound_average_growth(rates, 2020, 2023, basis="real", kind="growth_pct")
    with pytest.raises(ValueError, match="kind must be one of 'levels', 'growth_pct'"):
        compound_average_growth(rates, 2020, 2022, basis="real", kind="rates")


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(-50, 80), min_size=1, max_size=12), st.floats(1.0, 1e4))
def test_compound_average_from_rates_equals_from_levels(rates, base):
    years = range(2001, 2001 + len(rates))
    rate_series = pd.Series(rates, index=years)
    levels = level_path(rate_series, base_year=2000, base_level=base, basis="real").levels
    from_rates = compound_average_growth(
        rate_series, 2000, years[-1], basis="real", kind="growth_pct"
    )
    from_levels = compound_average_growth(levels, 2000, years[-1], basis="real", kind="levels")
    assert from_rates.value == pytest.approx(from_levels.value, abs=1e-9)
    np.testing.assert_allclose(growth(levels, basis="real").rates.iloc[1:], rates, atol=1e-9)


# --------------------------------------------------------------------------- targets

#: Milestones as test input (the real ones are read from data/targets.csv).
MILESTONES = {2025: 15.0, 2030: 16.0}


def test_target_path_compounds_15_then_16_percent():
    path = target_path(100.0, 2020, milestones=MILESTONES, basis="real")
    frame = path.frame
    assert path.meta["milestones"] == MILESTONES
    assert frame.index.tolist() == list(range(2020, 2031))
    assert frame.loc[2025, "min_level_real"] == pytest.approx(100 * 1.15**5)
    assert frame.loc[2030, "min_level_real"] == pytest.approx(100 * 1.15**5 * 1.16**5)
    assert frame.loc[2025, "min_level_real"] == pytest.approx(201.136, abs=1e-3)  # 2.011x
    assert frame["required_growth_real_pct"].loc[2021:2025].eq(15.0).all()
    assert frame["required_growth_real_pct"].loc[2026:2030].eq(16.0).all()

    later = target_path(100.0, 2025, milestones=MILESTONES, basis="nominal")
    assert later.frame.loc[2030, "min_level_nominal"] == pytest.approx(100 * 1.16**5)
    whole_decade = target_path(100.0, 2020, milestones={2030: 16.0}, basis="real")
    assert whole_decade.frame.loc[2025, "min_level_real"] == pytest.approx(100 * 1.16**5)
    with pytest.raises(ValueError, match="at or before base_year"):
        target_path(100.0, 2030, milestones=MILESTONES, basis="real")
    with pytest.raises(TypeError, match="milestones"):
        target_path(100.0, 2020, basis="real")  # the targets are data: no default


def test_assess_target_required_growth_matches_closed_form():
    levels = pd.Series({2020: 100.0, 2021: 116.0, 2022: 130.0, 2023: 140.0})
    result = assess_target(levels, base_year=2020, rate=15.0, target_year=2025, basis="real")
    frame = result.frame
    # By hand. Minimum 2025 level: 100 * 1.15^5 = 100 * 2.0113571875 = 201.13571875.
    # From 140 in 2023, two years left: (201.13571875 / 140)^(1/2) = 1.43668370536^(1/2)
    # = 1.19861741409, i.e. 19.861741409 % a year.
    assert frame.loc["compound_average", "required_real_pct"] == pytest.approx(
        19.861741409, abs=1e-8
    )
    # Achieved 2020-2023: 1.4^(1/3) = 1.11868894208, i.e. 11.868894208 %; 15 - 11.8689 short.
    assert frame.loc["compound_average", "observed_real_pct"] == pytest.approx(
        11.868894208, abs=1e-8
    )
    assert frame.loc["compound_average", "gap_pp"] == pytest.approx(-3.131105792, abs=1e-8)
    assert result.met("compound_average") is False
    assert bool(frame.loc["compound_average", "still_achievable"]) is True
    # Every year: 2021 +16.0 %, 2022 130/116 = +12.07 %, 2023 140/130 = +7.69 % < 15 %, so
    # that reading is lost for good; the weakest year's growth is reported.
    assert result.met("every_year") is False
    assert frame.loc["every_year", "weakest_year"] == 2023
    assert frame.loc["every_year", "observed_real_pct"] == pytest.approx(7.692307692, abs=1e-8)
    assert bool(frame.loc["every_year", "still_achievable"]) is False


def test_assess_target_on_the_minimum_path_meets_both_readings():
    path = target_path(188.1, 2022, milestones={2025: 15.0}, basis="real").frame
    levels = path["min_level_real"].loc[:2024]
    result = assess_target(levels, base_year=2022, rate=15.0, target_year=2025, basis="real")
    assert result.met("every_year") is True
    assert result.met("compound_average") is True
    assert result.frame.loc["compound_average", "required_real_pct"] == pytest.approx(15.0)


def test_assess_target_from_published_vietnam_real_rates():
    # QĐ 1305/QĐ-TTg: LP growth above 6.5%/yr 2023-2030; published real rates 2021-2024.
    result = assess_target(
        LP_GROWTH_REAL,
        base_year=2020,
        rate=6.5,
        target_year=2030,
        basis="real",
        kind="growth_pct",
    )
    index_2024 = np.prod(1 + LP_GROWTH_REAL.to_numpy() / 100)
    required = 100 * ((1.065**10 / index_2024) ** (1 / 6) - 1)
    frame = result.frame
    assert frame.loc["compound_average", "required_real_pct"] == pytest.approx(required)
    assert frame.loc["every_year", "observed_real_pct"] == pytest.approx(3.65)
    assert frame.loc["every_year", "weakest_year"] == 2023
    from_levels = assess_target(
        pd.Series(np.r_[1.0, np.cumprod(1 + LP_GROWTH_REAL.to_numpy() / 100)], range(2020, 2025)),
        base_year=2020,
        rate=6.5,
        target_year=2030,
        basis="real",
    )
    pd.testing.assert_frame_equal(from_levels.frame, frame)


def test_assess_target_reading_choice_and_finished_period():
    levels = pd.Series({2020: 100.0, 2021: 120.0, 2022: 140.0})
    only = assess_target(
        levels, base_year=2020, rate=15.0, target_year=2022, reading="compound_average",
        basis="nominal",
    )  # fmt: skip
    assert only.frame.index.tolist() == ["compound_average"]
    assert np.isnan(only.frame.loc["compound_average", "required_nominal_pct"])
    assert only.met("compound_average") is True
    with pytest.raises(ValueError, match="reading must be one of 'both'"):
        assess_target(levels, base_year=2020, rate=15, target_year=2025, reading="x", basis="real")
    gappy = assess_target(
        pd.Series({2020: 100.0, 2022: 140.0}), base_year=2020, rate=15.0, target_year=2025,
        basis="real",
    )  # fmt: skip
    assert gappy.met("every_year") is None
    assert gappy.frame.loc["every_year", "verdict"] == "not_assessed"
    assert any("2021" in note for note in gappy.meta["assumptions"])


# --------------------------------------------------------------------------- shift-share

VA = pd.DataFrame({"agri": [20.0, 22.0], "industry": [50.0, 70.0]}, index=[2020, 2021])
EMP = pd.DataFrame({"agri": [10.0, 8.0], "industry": [5.0, 7.0]}, index=[2020, 2021])


def test_shift_share_hand_computed_example():
    # y0 = (2, 10), y1 = (2.75, 10); theta0 = (2/3, 1/3), theta1 = (8/15, 7/15).
    result = shift_share(VA, EMP, basis="real")
    agri, industry = (
        result.frame.loc[(2020, 2021, "agri")],
        result.frame.loc[(2020, 2021, "industry")],
    )
    assert agri["within"] == pytest.approx(2 / 3 * 0.75)
    assert industry["within"] == pytest.approx(0.0)
    assert agri["structural"] == pytest.approx(2 * (8 / 15 - 2 / 3))
    assert industry["structural"] == pytest.approx(10 * (7 / 15 - 1 / 3))
    assert agri["interaction"] == pytest.approx(0.75 * (8 / 15 - 2 / 3))
    totals = result.totals.loc[(2020, 2021)]
    aggregate = result.aggregate.loc[(2020, 2021)]
    assert aggregate["lp_start"] == pytest.approx(70 / 15)
    assert aggregate["lp_end"] == pytest.approx(92 / 15)
    assert totals["total"] == pytest.approx(92 / 15 - 70 / 15, abs=1e-12)
    pp = aggregate[["within_pp", "structural_pp", "interaction_pp"]].sum()
    assert pp == pytest.approx(aggregate["growth_pct"], abs=1e-12)


def test_two_term_reallocation_is_structural_plus_interaction():
    three = shift_share(VA, EMP, basis="real").totals
    two = shift_share(VA, EMP, basis="real", form="two_term").totals
    assert two["within"].to_numpy() == pytest.approx(three["within"].to_numpy())
    np.testing.assert_allclose(
        two["reallocation"], three["structural"] + three["interaction"], atol=1e-12
    )


def test_shift_share_accepts_two_series_by_sector():
    mapping = shift_share(
        {2020: VA.loc[2020], 2021: VA.loc[2021]},
        {2020: EMP.loc[2020], 2021: EMP.loc[2021]},
        basis="real",
    )
    pd.testing.assert_frame_equal(mapping.frame, shift_share(VA, EMP, basis="real").frame)


def test_shift_share_without_reallocation_is_all_within():
    emp = pd.DataFrame({"a": [10.0, 20.0], "b": [5.0, 10.0]}, index=[2020, 2021])  # shares fixed
    va = pd.DataFrame({"a": [10.0, 30.0], "b": [10.0, 25.0]}, index=[2020, 2021])
    totals = shift_share(va, emp, basis="nominal").totals.iloc[0]
    assert totals["structural"] == pytest.approx(0.0, abs=1e-12)
    assert totals["interaction"] == pytest.approx(0.0, abs=1e-12)
    assert totals["within"] == pytest.approx(55 / 30 - 20 / 15)


def test_shift_share_argument_errors():
    with pytest.raises(ValueError, match="form must be one of 'three_term', 'two_term'"):
        shift_share(VA, EMP, basis="real", form="four_term")
    with pytest.raises(ValueError, match=r"in value_added only: \['agri'\]"):
        shift_share(VA, EMP.rename(columns={"agri": "farm"}), basis="real")
    with pytest.raises(ValueError, match="positive"):
        shift_share(VA, EMP.replace(8.0, 0.0), basis="real")


sector_count = st.integers(1, 6)
positive = st.floats(1.0, 1e4, allow_nan=False, allow_infinity=False)


@st.composite
def sector_panels(draw):
    sectors = draw(sector_count)
    years = draw(st.integers(2, 5))
    cells = st.lists(positive, min_size=sectors * years, max_size=sectors * years)
    shape = (years, sectors)
    index = range(2015, 2015 + years)
    columns = [f"s{i}" for i in range(sectors)]
    va = pd.DataFrame(np.reshape(draw(cells), shape), index=index, columns=columns)
    emp = pd.DataFrame(np.reshape(draw(cells), shape), index=index, columns=columns)
    return va, emp


@settings(max_examples=150, deadline=None)
@given(sector_panels(), st.sampled_from(["three_term", "two_term"]))
def test_shift_share_terms_sum_exactly_to_the_change(panel, form):
    va, emp = panel
    result = shift_share(va, emp, basis="real", form=form)
    lp = va.sum(axis=1) / emp.sum(axis=1)
    change = lp.diff().iloc[1:].to_numpy()
    totals = result.totals
    np.testing.assert_allclose(totals[list(result.terms)].sum(axis=1), change, rtol=0, atol=1e-9)
    np.testing.assert_allclose(totals["total"], change, rtol=0, atol=1e-9)
    np.testing.assert_allclose(result.aggregate["change"], change, rtol=0, atol=1e-9)
    # Sector rows add up to the 'total' rows.
    by_sector = result.frame.drop(index="total", level="sector").groupby(["start", "end"]).sum()
    np.testing.assert_allclose(by_sector.to_numpy(), totals.to_numpy(), rtol=0, atol=1e-9)
    # Endpoints only: still exact.
    ends = shift_share(va, emp, basis="real", form=form, start=2015, end=va.index[-1])
    assert ends.totals["total"].iloc[0] == pytest.approx(lp.iloc[-1] - lp.iloc[0], abs=1e-9)


# --------------------------------------------------------------------------- result object


def test_estimate_result_is_frozen_and_copies():
    frame = pd.DataFrame({"x": [1.0]})
    meta = make_meta(method="m", basis="real", assumptions=["a"])
    result = EstimateResult(name="thing", frame=frame, meta=meta)
    frame.loc[0, "x"] = 99.0
    meta["assumptions"].append("changed")
    assert result.frame.loc[0, "x"] == 1.0
    assert result.assumptions == ["a"]
    copy = result.to_frame()
    copy.loc[0, "x"] = 5.0
    assert result.frame.loc[0, "x"] == 1.0
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.name = "other"  # type: ignore[misc]
    with pytest.raises(ValueError, match="basis must be one of"):
        EstimateResult(name="bad", frame=frame, meta={"basis": "constant"})


def test_with_meta_appends_assumptions_and_summary_shows_everything():
    lp = growth(LP_CURRENT, basis="nominal")
    tagged = lp.with_meta(geography="VN", as_of="2025-01-31", sources=["N1", "N3"], assumptions="x")
    assert tagged.meta["geography"] == "VN"
    assert tagged.assumptions == [*lp.assumptions, "x"]
    text = tagged.summary()
    for piece in ("year-on-year growth (nominal)", "Geography:", "VN", "2025-01-31", "N1; N3"):
        assert piece in text
    assert "11.3397" in text  # 6 significant digits
    html = tagged._repr_html_()
    assert "<table" in html and "year-on-year growth (nominal)" in html


def test_importing_estimators_does_not_load_statsmodels_or_matplotlib():
    code = (
        "import sys, dxecon.models.estimation.from_data, dxecon.models.estimation.decomposition;"
        "bad = [m for m in ('statsmodels', 'matplotlib') if m in sys.modules];"
        "assert not bad, bad"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
