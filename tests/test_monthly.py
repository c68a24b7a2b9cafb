"""The monthly job: revisions against last month, the index of runs."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from conftest import notebook_suite

from dxecon.apps.monthly import run_monthly
from dxecon.core import folders
from dxecon.core.dates import current_month
from dxecon.models.scenarios.revisions import revisions
from dxecon.pipeline import store

pytestmark = pytest.mark.first  # a long file: see conftest


def scorecard(probability: float, median: float) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "goal_id": ["TGT021", "TGT001"],
            "indicator": ["de_share", "online_public_services_level4_pct"],
            "year": [2030, 2025],
            "median": [median, np.nan],
            "probability": [probability, np.nan],
            "status": ["off track", "no data"],
        }
    )


def test_current_month():
    assert current_month(dt.date(2026, 11, 22)) == "2026-11"


def test_revisions_compare_goal_by_goal():
    table = revisions(scorecard(0.10, 28.0), scorecard(0.25, 29.5)).set_index("goal_id")
    assert table.at["TGT021", "median_change"] == pytest.approx(1.5)
    assert table.at["TGT021", "probability_change"] == pytest.approx(0.15)
    assert np.isnan(table.at["TGT001", "probability_change"])


def test_first_run_says_there_is_nothing_to_compare():
    table = revisions(None, scorecard(0.25, 29.5))
    assert (table["note"] == "first run: nothing to compare").all()


@pytest.mark.slow
def test_monthly_run_publishes_every_scenario_with_revisions_and_index(
    tmp_path, tmp_path_factory, monkeypatch
):
    # Every notebook but the sweep (07, the longest; the report says when a sweep is absent,
    # and the runner's own test runs the whole suite).
    suite = notebook_suite(
        tmp_path_factory.mktemp("nb"), *(f"{n:02d}_" for n in range(1, 100) if n != 7)
    )
    monkeypatch.setattr(folders, "NOTEBOOKS_DIR", suite)
    previous = store.output_path(
        store.month_folder(tmp_path, "2026-09"), "scorecard", scenario="baseline"
    )
    previous.parent.mkdir(parents=True)
    scorecard(0.0, 20.0).to_csv(previous, index=False)
    results = run_monthly(as_of="2026-10", outputs_dir=tmp_path)
    (place, result), *others = results.items()
    assert not others and set(result.folders) == {"baseline", "accelerated", "lagging"}
    month = store.month_folder(tmp_path, "2026-10", place)
    revised = store.read_output(month, "revisions").set_index(["scenario", "goal_id"])
    row = revised.loc["baseline", "TGT021"]
    assert row["previous_as_of"] == "2026-09" and row["previous_median"] == 20.0
    assert store.output_path(month, "revisions_chart").is_file()
    first = revised.loc["lagging"]
    assert (first["note"] == "first run: nothing to compare").all()
    index = pd.read_csv(tmp_path / "index.csv")
    assert set(index["scenario"]) == {"baseline", "accelerated", "lagging"}
    assert (index["status"] == "ok").all() and (index["as_of"] == "2026-10").all()
    assert (index["place"] == place).all()
    # the month's report (issue 13): Vietnamese by default, with its spreadsheet
    html = (month / "report.html").read_text(encoding="utf-8")
    assert "Báo cáo dự báo kinh tế số Hải Phòng - tháng 10/2026" in html
    assert (month / "tables.xlsx").is_file()
    assert "Các địa phương" in html  # the month's panel, made after the place's run
    assert (
        store.read_output(store.month_folder(tmp_path, "2026-10", store.PANEL), "places_panel")
        is not None
    )
    assert "report" in result.stages


class StagedRun:
    """Stands in for a staged `MonthRun` (`stage_suite`): a month folder under ``.runs``
    with a manifest; ``publish`` builds the report into it and swaps it in, as the real
    one does."""

    def __init__(self, outputs_dir, as_of, place, events):
        from dxecon.pipeline import run

        self.month = outputs_dir / ".runs" / f"staging-{place}" / "month"
        self.month.mkdir(parents=True)
        store.manifest_path(self.month).write_text("{}", encoding="utf-8")
        self.final = store.month_folder(outputs_dir, as_of, place)
        self.result = run.RunResult(as_of=as_of)
        self.place, self.events = place, events

    def publish(self, month_report=None):
        from dxecon.pipeline.publish import publish_month

        if month_report is not None:
            month_report(self.month)
        publish_month(self.month, self.final, self.month.parent / "old")
        self.events.append(("published", self.place))
        self.result.month = self.final
        return self.result

    def discard(self):
        self.events.append(("discarded", self.place))


class StagedPanel:
    """Stands in for a staged `PanelRun` (`stage_panel`): its staged folder, named ``panel``
    here so that a report's events show which panel it was given."""

    def __init__(self, outputs_dir, events):
        self.month = outputs_dir / ".runs" / "staging-panel" / "panel"
        self.events = events

    def publish(self):
        self.events.append(("panel published",))

    def discard(self):
        self.events.append(("panel discarded",))


@pytest.fixture
def staged_places(tmp_path, monkeypatch):
    """run_monthly over stand-in place runs (`StagedRun`; BN's fails when ``fail`` holds
    it) and a stand-in panel; ``events``: what happened, in order (a report built: the
    place's staged folder and the panel folder it was given)."""
    from dxecon import report
    from dxecon.core.errors import DxeconError
    from dxecon.pipeline import run

    events, fail = [], set()

    def fake_stage(*, place, outputs_dir, as_of, clean, **_):
        assert clean is False  # the places staged before are not stale
        if place in fail:
            raise DxeconError("a step failed")
        return StagedRun(outputs_dir, as_of, place, events)

    def fake_panel(*, places, months, outputs_dir, **_):
        events.append(("panel", tuple(places), {code: months[code].name for code in places}))
        return StagedPanel(outputs_dir, events)

    def fake_report(month, lang, *, pdf=False, panel=None):
        events.append(("report", month.parent.name, panel.name))

    monkeypatch.setattr(run, "stage_suite", fake_stage)
    monkeypatch.setattr(run, "stage_panel", fake_panel)
    monkeypatch.setattr(report, "build_report", fake_report)
    return events, fail


def test_each_place_report_is_built_once_with_the_panel(tmp_path, staged_places):
    events, _ = staged_places
    results = run_monthly(as_of="2026-10", outputs_dir=tmp_path, places=["HP", "BN"])
    assert set(results) == {"HP", "BN"}
    reports = [e for e in events if e[0] == "report"]
    # once per place, from its staged folder, given the month's panel folder
    assert sorted(reports) == [("report", "staging-BN", "panel"), ("report", "staging-HP", "panel")]
    # the panel first, made from both staged runs, then each report and its publication
    assert events[0] == ("panel", ("BN", "HP"), {"BN": "month", "HP": "month"})
    assert [e[0] for e in events[1:]] == [
        "report",
        "published",
        "report",
        "published",
        "panel published",
    ]
    for place in ("HP", "BN"):
        assert store.manifest_path(store.month_folder(tmp_path, "2026-10", place)).is_file()


def test_a_place_that_fails_keeps_its_outputs_and_the_others_are_published(tmp_path, staged_places):
    """--place all: each place is published on its own; a failed place keeps its earlier
    folder, is recorded as failed in the index and named at the end; the panel is made
    from the places published."""
    from dxecon.apps import monthly

    events, fail = staged_places
    fail.add("BN")
    earlier = store.month_folder(tmp_path, "2026-10", "BN") / "kept.txt"
    earlier.parent.mkdir(parents=True)
    earlier.write_text("published before", encoding="utf-8")
    with pytest.raises(monthly.PlacesFailedError, match="failed for BN") as err:
        run_monthly(as_of="2026-10", outputs_dir=tmp_path, places=["HP", "BN"])
    assert set(err.value.published) == {"HP"} and "a step failed" in str(err.value)
    assert earlier.read_text(encoding="utf-8") == "published before"
    # BN has no manifest this month: not in the panel; its report is not rebuilt
    assert events == [
        ("panel", ("HP",), {"HP": "month"}),
        ("report", "staging-HP", "panel"),
        ("published", "HP"),
        ("panel published",),
    ]
    index = pd.read_csv(tmp_path / "index.csv").groupby("place")["status"].unique()
    assert list(index["HP"]) == ["ok"] and list(index["BN"]) == ["failed"]


def test_a_failed_panel_still_publishes_the_places_then_says_so(
    tmp_path, staged_places, monkeypatch
):
    from dxecon.core.errors import DxeconError
    from dxecon.pipeline import run

    events, _ = staged_places

    def failing_panel(**_):
        raise DxeconError("the panel notebook failed")

    monkeypatch.setattr(run, "stage_panel", failing_panel)
    with pytest.raises(DxeconError, match="panel notebook failed"):
        run_monthly(as_of="2026-10", outputs_dir=tmp_path, places=["HP", "BN"])
    assert ("published", "HP") in events and ("published", "BN") in events
    index = pd.read_csv(tmp_path / "index.csv")
    assert (index["status"] == "ok").all()


def test_a_panel_whose_notebook_fails_publishes_the_places_then_says_so(
    tmp_path, staged_places, monkeypatch
):
    """The panel's notebook runs beside the places' publication: when it fails, the places
    are published (their reports read the panel's staged outputs) and its error is raised."""
    from dxecon.core.errors import DxeconError
    from dxecon.pipeline import run

    events, _ = staged_places

    class FailingNotebook(StagedPanel):
        def publish(self):
            raise DxeconError("notebook 09 failed in cell 3")

    def panel_with_failing_notebook(*, places, outputs_dir, **_):
        events.append(("panel", tuple(places)))
        return FailingNotebook(outputs_dir, events)

    monkeypatch.setattr(run, "stage_panel", panel_with_failing_notebook)
    with pytest.raises(DxeconError, match="notebook 09 failed"):
        run_monthly(as_of="2026-10", outputs_dir=tmp_path, places=["HP", "BN"])
    assert ("published", "HP") in events and ("published", "BN") in events
    assert ("panel discarded",) not in events  # its own publish kept the partial folder
    assert (pd.read_csv(tmp_path / "index.csv")["status"] == "ok").all()


def test_an_interrupted_run_publishes_nothing_it_staged(tmp_path, staged_places, monkeypatch):
    from dxecon.pipeline import run

    events, _ = staged_places

    def interrupted_panel(**_):
        raise KeyboardInterrupt

    monkeypatch.setattr(run, "stage_panel", interrupted_panel)
    with pytest.raises(KeyboardInterrupt):
        run_monthly(as_of="2026-10", outputs_dir=tmp_path, places=["HP", "BN"])
    assert sorted(events) == [("discarded", "BN"), ("discarded", "HP")]
    assert not store.month_folder(tmp_path, "2026-10", "HP").exists()
