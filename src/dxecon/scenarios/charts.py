"""The scenario charts of the notebooks and the explorer: fans with published history and
the targets drawn in."""

from __future__ import annotations

from dxecon.data import Dataset
from dxecon.plots import TargetLine, fan_chart
from dxecon.scenarios.engine import PERCENTILES, percentiles
from dxecon.scenarios.run import ScenarioRun


def _bands(values) -> dict[float, list[float]]:
    table = percentiles(values)
    return {q: table[i] for i, q in enumerate(PERCENTILES)}


def _target_lines(run: ScenarioRun, indicator: str) -> list[TargetLine]:
    """One labelled line per target value; targets sharing a value share a line."""
    card = run.scorecard.frame
    rows = card[(card["indicator"] == indicator) & (card["superseded_by"] == "")]
    rows = rows.drop_duplicates(["target_id"]).sort_values("year")
    lines = []
    for value, group in rows.groupby("target_value", sort=True):
        who = ", ".join(f"{r.instrument} {int(r.year)}" for r in group.itertuples())
        lines.append(TargetLine(float(value), f"{who}: {value:g}%", int(group["year"].max())))
    return lines


def digital_share_fan(run: ScenarioRun, dataset: Dataset):
    """Digital economy, % of GRDP: published GSO figures by boundary, then the scenario fan."""
    scenario = run.scenario
    history = {}
    for geo, label in (("HP", "published, HP (pre-merger)"), ("HP2025", "published, HP2025")):
        values = dataset.series("de_share", geo, method="GSO", as_of=scenario.as_of).values
        if values.notna().any():
            history[label] = values
    return fan_chart(
        run.paths.years,
        _bands(run.paths.de_share),
        title=f"Digital economy, % of GRDP ({scenario.geo}, scenario '{scenario.name}')",
        ylabel="% of GRDP (current prices)",
        caption=(
            "Published: GSO method (D1, D2: 29.7% for the pre-merger city, year ambiguous; "
            "D4: 22.28% for the merged city, 2025). Fan: 50/80/90% of "
            f"{len(run.paths.de_share):,} simulated paths; assumptions in "
            f"params/scenarios/{scenario.name}.yaml. Targets: Resolution 03-NQ/TU, Plan 106."
        ),
        history=history,
        targets=_target_lines(run, "de_share"),
    )


def productivity_fan(run: ScenarioRun, *, basis: str = "real"):
    """Labour-productivity growth (% a year, real or nominal) against the 16% target."""
    scenario = run.scenario
    values = run.paths.lp_growth_real if basis == "real" else run.paths.lp_growth_nominal
    prices = "constant prices" if basis == "real" else "current prices"
    return fan_chart(
        run.paths.years,
        _bands(values),
        title=f"Labour productivity growth, {basis} ({scenario.geo}, scenario '{scenario.name}')",
        ylabel=f"% a year ({prices})",
        caption=(
            "No productivity or employment figure after 2015 is published for Hai Phong: "
            "employment growth is an assumption (params). Target: at least 16% a year to "
            "2030 (Resolution 03-NQ/TU), which does not say real or nominal."
        ),
        targets=[TargetLine(16.0, "NQ03-NQ/TU: >= 16% a year to 2030")],
    )
