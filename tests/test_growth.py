"""January growth candidates: plans only once published, hand-computed values, and a choice
that uses only what was known at each as-of (dxecon.models.forecast.growth)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest
from conftest import replace_in

from dxecon.core.errors import ParamsError
from dxecon.core.places import nation
from dxecon.data import load_dataset
from dxecon.models.forecast import contiguous_tail
from dxecon.models.forecast.growth import (
    GrowthContext,
    GrowthSpec,
    NationalPremium,
    NotPublishedError,
    PlanShortfall,
    choose_by_pooled_error,
    published_plans,
)

SPEC = GrowthSpec.from_params()


def forecast_as_of(dataset, as_of, model, spec=SPEC):
    context = GrowthContext(dataset, as_of, spec)
    return context.factory(model)(contiguous_tail(context.city)).fit().forecast(1).frame


def test_a_plan_published_after_the_as_of_is_never_used(data_copy):
    # The 2024 plan as announced on 10 January 2024 (S50) moved to February: not there in
    # January, there in March.
    replace_in(data_copy / "sources.csv", "11-5-12.htm,2024-01-10,", "11-5-12.htm,2024-02-15,")
    moved = load_dataset(data_copy)
    assert (
        2024
        not in published_plans(moved, "grdp_growth_real", "HP", ["HP-SEDP"], as_of="2024-01").index
    )
    with pytest.raises(NotPublishedError, match="no plan for 2024 published by 2024-01"):
        forecast_as_of(moved, "2024-01", PlanShortfall)
    plans = published_plans(moved, "grdp_growth_real", "HP", ["HP-SEDP"], as_of="2024-03")
    assert plans.at[2024, "value"] == 11.5 and plans.at[2024, "source_id"] == "S50"


def test_an_undated_plan_source_is_not_assumed_published_early(data_copy):
    # TGS1 (the 2022 plan as launched in January 2022) without a date: under the undated
    # rule the plan counts only from the end of 2022 plus the lag, never in January 2022.
    replace_in(data_copy / "sources.csv", "post681279.html,2022-01,", "post681279.html,,")
    undated = load_dataset(data_copy)
    with pytest.raises(NotPublishedError, match="no plan for 2022"):
        forecast_as_of(undated, "2022-01", PlanShortfall)
    later = published_plans(undated, "grdp_growth_real", "HP", ["HP-SEDP"], as_of="2023-07")
    assert 2022 in later.index


def test_plan_minus_shortfall_by_hand(dataset):
    # As of January 2022: the 2022 plan (13%, TGT087, published 2022-01) plus the mean
    # shortfall of the years whose plan and outturn were both out: 2019 (16.68 vs 15.5) and
    # 2020 (11.22 vs 16.5). The 2021 plan's source is undated: not yet visible.
    frame = forecast_as_of(dataset, "2022-01", PlanShortfall)
    expected = 13 + ((16.68 - 15.5) + (11.22 - 16.5)) / 2
    assert frame.index.tolist() == [2022]
    assert frame.at[2022, "median"] == pytest.approx(expected)


def test_national_plus_premium_by_hand(dataset):
    # As of January 2022: the National Assembly's 2022 plan, 6-6.5% (lower end 6), plus the
    # mean of city minus national growth 2019-2021 as published by then.
    premium = ((16.68 - 7.02) + (11.22 - 2.91) + (12.38 - 2.58)) / 3
    frame = forecast_as_of(dataset, "2022-01", NationalPremium)
    assert frame.at[2022, "median"] == pytest.approx(6 + premium)
    midpoint = dataclasses.replace(SPEC, plan_point="midpoint")
    frame = forecast_as_of(dataset, "2022-01", NationalPremium, midpoint)
    assert frame.at[2022, "median"] == pytest.approx(6.25 + premium)
    # As of January 2023 no national plan for 2023 is in the data: the last national
    # figure (8.02 for 2022) stands in, and the premium uses GSO's revised 2019-2021.
    premium = np.mean([16.68 - 7.36, 11.22 - 2.87, 12.38 - 2.56, 12.32 - 8.02])
    frame = forecast_as_of(dataset, "2023-01", NationalPremium)
    assert frame.at[2023, "median"] == pytest.approx(8.02 + premium)


def test_the_choice_pools_only_errors_known_at_each_as_of():
    # Candidate "a" is perfect for 2020 and 2021 but those outturns are known only from
    # 2022-01 (2020) and 2023-01 (2021); with two years required it is chosen only in 2023.
    rows = []
    for as_of, years in (("2020-01", [2020, 2021]), ("2021-01", [2021]), ("2022-01", [2022])):
        for year in years:
            rows.append(
                {
                    "as_of": as_of,
                    "candidate": "naive",
                    "year": year,
                    "forecast": 10.0,
                    "naive": 10.0,
                }
            )
            rows.append(
                {"as_of": as_of, "candidate": "a", "year": year, "forecast": 12.0, "naive": 10.0}
            )
    rows.append(
        {"as_of": "2023-01", "candidate": "naive", "year": 2023, "forecast": 10.0, "naive": 10.0}
    )
    rows.append(
        {"as_of": "2023-01", "candidate": "a", "year": 2023, "forecast": 12.0, "naive": 10.0}
    )
    forecasts = pd.DataFrame(rows)
    outturns = {
        "2020-01": pd.Series(dtype=float),
        "2021-01": pd.Series({2020: 12.0}),
        "2022-01": pd.Series({2020: 12.0, 2021: 12.0}),
        "2023-01": pd.Series({2020: 12.0, 2021: 12.0, 2022: 12.0}),
    }
    choices = choose_by_pooled_error(forecasts, outturns, min_outturn_years=2).set_index("as_of")
    assert choices["chosen"].tolist() == ["naive", "naive", "a", "a"]
    assert "over 3 forecasts of 2 outturn years" in choices.at["2022-01", "why"]
    # The 2022 outturn is unknown in 2022-01: changing it changes the 2023-01 evidence only.
    late = {**outturns, "2023-01": pd.Series({2020: 12.0, 2021: 12.0, 2022: 4.0})}
    changed = choose_by_pooled_error(forecasts, late, min_outturn_years=2).set_index("as_of")
    assert changed.loc[:"2022-01"].equals(choices.loc[:"2022-01"])
    assert changed.at["2023-01", "why"] != choices.at["2023-01", "why"]
    # ... and a chosen candidate that cannot forecast at an as-of gives way to no-change.
    gone = forecasts[~((forecasts["as_of"] == "2023-01") & (forecasts["candidate"] == "a"))]
    choices = choose_by_pooled_error(gone, outturns, min_outturn_years=2).set_index("as_of")
    assert choices.at["2023-01", "used"] == "naive" and choices.at["2023-01", "chosen"] == "a"


def test_a_bad_growth_spec_names_the_field():
    given = {k: v for k, v in dataclasses.asdict(SPEC).items() if k in GrowthSpec.KEYS}
    assert GrowthSpec.from_params(given) == SPEC
    for key, value in (("plan_point", "top"), ("min_outturn_yeras", 3), ("goal_mae_ratio", "0.9")):
        with pytest.raises(ParamsError) as err:
            GrowthSpec.from_params({**given, key: value})
        assert err.value.field == f"growth.{key}"
    assert SPEC.goal_mae_ratio is not None  # params/forecasts.yaml states issue 20's goal


def test_the_nation_is_read_from_its_one_home():
    """National growth is the nation's of params/places/default.yaml; a growth mapping that
    names it again is refused."""
    assert SPEC.national_geo == nation()
    with pytest.raises(ParamsError) as err:
        GrowthSpec.from_params({**dataclasses.asdict(SPEC)})
    assert err.value.field == "growth.national_geo"


def test_refusals_say_why_and_the_goal_is_judged_on_the_rules_row(dataset):
    from dxecon.models.forecast.growth import (
        NOT_PUBLISHED,
        RULE,
        TOO_SHORT,
        growth_candidates,
        growth_realtime,
        meets_goal,
    )

    record = growth_realtime(dataset)
    short = record.refused[record.refused["reason"] == TOO_SHORT]
    # a too-short series: the model's minimum above the points the series had
    assert len(short) and (short["needed"] > short["points"]).all()
    unpublished = record.refused[record.refused["reason"] == NOT_PUBLISHED]
    assert unpublished["points"].isna().all() and unpublished["needed"].isna().all()
    table = growth_candidates(record)
    rule = table.set_index("candidate").loc[RULE]
    assert meets_goal(table, rule["ratio"]) is True
    assert meets_goal(table, rule["ratio"] * 0.99) is False
    assert meets_goal(table, None) is None
    assert meets_goal(table.assign(errors=0), 0.9) is None
