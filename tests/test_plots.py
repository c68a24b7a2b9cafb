"""The chart checksum nbval compares: same data, same digest; a moved point, another."""

import numpy as np
import pandas as pd

from dxecon.pipeline.view import Chart
from dxecon.present.charts.plots import TargetLine, bar_chart, chart_digest, fan_chart, line_chart


def _fan(median_2030=30.0, target=35.0):
    years = [2026, 2027, 2028, 2029, 2030]
    median = np.array([23.0, 24.5, 26.0, 28.0, median_2030])
    bands = {10: median - 2, 50: median, 90: median + 2}
    history = {"published": pd.Series([20.0, 21.5, 22.3], index=[2023, 2024, 2025])}
    targets = [TargetLine(target, "target", 2030)]
    return fan_chart(years, bands, title="t", ylabel="%", history=history, targets=targets)


def test_same_data_same_digest_and_counts():
    first, second = chart_digest(_fan()), chart_digest(_fan())
    assert first == second
    n_series, n_points, hex12 = first
    # the 80% band fill, the history, the join, the median, the target line and its marker
    assert n_series == 6
    assert n_points > 5 + 3 and len(hex12) == 12


def test_moved_point_or_target_changes_digest():
    base = chart_digest(_fan())[2]
    assert chart_digest(_fan(median_2030=30.001))[2] != base
    assert chart_digest(_fan(target=36.0))[2] != base


def test_float_noise_does_not_change_digest():
    series = pd.Series([0.1 + 0.2, 1e-17, 5.0], index=[2020, 2021, 2022])
    noisy = pd.Series([0.3, 0.0, 5.0 + 1e-12], index=[2020, 2021, 2022])
    digest = chart_digest(line_chart({"a": series}, title="t", ylabel="y"))
    assert chart_digest(line_chart({"a": noisy}, title="t", ylabel="y")) == digest


def test_bars_count_and_change():
    values = pd.Series([1.0, 2.0, 3.0], index=["a", "b", "c"])
    n_series, n_points, base = chart_digest(bar_chart(values, title="t", ylabel="%"))
    assert (n_series, n_points) == (1, 3)
    moved = pd.Series([1.0, 2.5, 3.0], index=["a", "b", "c"])
    assert chart_digest(bar_chart(moved, title="t", ylabel="%"))[2] != base


def test_chart_text_form_is_the_data_line():
    chart = Chart(_fan(), "de_share_fan")
    n_series, n_points, hex12 = chart_digest(chart.figure)
    assert repr(chart) == (
        f"chart data de_share_fan: {n_series} series, {n_points} points, sha256 {hex12}"
    )


def test_fan_joins_the_forecast_to_its_own_boundary_not_the_last_series():
    years, median = [2026, 2027], np.array([22.5, 23.0])
    history = {
        "published, HP2025": pd.Series([22.28], index=[2025]),
        "published, HP": pd.Series([29.7], index=[2022]),
    }
    figure = fan_chart(years, {50: median}, title="t", ylabel="%", history=history)
    joins = [line.get_xydata().tolist() for line in figure.axes[0].lines]
    assert [[2025.0, 22.28], [2026.0, 22.5]] in joins
    assert [[2022.0, 29.7], [2026.0, 22.5]] not in joins
