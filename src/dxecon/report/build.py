"""The monthly report: one self-contained HTML page (and ``tables.xlsx``) from a run's outputs.

The report reads the run's catalogued outputs only, through `dxecon.pipeline.store` (the
scenarios' scorecards and forecasts, the common steps' tables, the month's own: the
weighted scorecard, the revisions and why they moved, its charts) and ``manifest.json``;
for the words and the bibliography it reads the tables the data step saved (target texts,
sources, code lists, the observations published by the as-of). It loads no dataset and
recomputes nothing: every number comes from those files.
"""

from __future__ import annotations

import base64
import io
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from dxecon.core.errors import DxeconError
from dxecon.data.schema import FLAGS
from dxecon.pipeline.store import PDF_NAME, REPORT_NAME, WORKBOOK_NAME
from dxecon.present.forecast_text import candidate_name, growth_rule_text, growth_why
from dxecon.present.words import DASH, Words

#: Status -> colour class in the report.
STATUS_CLASS = {
    "met": "good",
    "on track": "good",
    "latest meets": "good",
    "on trend": "good",
    "at risk": "warn",
    "missed": "bad",
    "off track": "bad",
    "latest short": "bad",
    "off trend": "bad",
    "not comparable": "neutral",
    "indicative": "neutral",
    "no data": "neutral",
}
#: Shipped scenarios first in this order, others after by name.
SCENARIO_ORDER = ("baseline", "accelerated", "lagging")
#: A target's comparator -> catalogue key of its wording (``desc.at_least`` ...).
_COMPARATOR_KEYS = {">=": "at_least", "<=": "at_most", "==": "about", ">": "above", "<": "below"}


# -- the run -----------------------------------------------------------------------------------
@dataclass
class RunFolder:
    """A month folder (``outputs/<as-of>/``) as its manifest describes it: its scenarios
    (display name -> folder name) and its outputs, read through `dxecon.pipeline.store`."""

    folder: Path
    scenarios: dict[str, str]
    manifest: dict

    @property
    def as_of(self) -> str:
        return str(self.manifest.get("as_of") or self.folder.name)

    def table(self, name: str, scenario: str | None = None) -> pd.DataFrame | None:
        """A catalogued table: a scenario's (``scenario=None``: the first scenario's that
        has it), a common or the month's own; None when the run has none."""
        from dxecon.pipeline import store
        from dxecon.pipeline.catalogue import output

        if output(name).scope != "scenario":
            return store.read_output(self.folder, name)
        for owner in [scenario] if scenario else list(self.scenarios):
            found = store.read_output(self.folder, name, scenario=owner)
            if found is not None:
                return found
        return None


def _order(names) -> list[str]:
    known = [n for n in SCENARIO_ORDER if n in names]
    return known + sorted(n for n in names if n not in known)


def open_run(source: Path | str) -> RunFolder:
    """A run's folder (``outputs/<YYYY-MM>/<place>/``, its ``manifest.json``)."""
    from dxecon.pipeline import store
    from dxecon.pipeline.manifest import read_manifest

    folder = Path(source)
    if not folder.is_dir():
        raise DxeconError(f"{folder}: no such run folder; give outputs/<YYYY-MM>/<place>/")
    manifest = read_manifest(store.manifest_path(folder))
    scenarios = {
        name: entry.get("folder", name)
        for name, entry in (manifest.get("scenarios") or {}).items()
        if store.output_path(folder, "scorecard", scenario=name).is_file()
    }
    if not scenarios:
        raise DxeconError(
            f"{folder}: no scenario with a scorecard in its manifest.json; run `dxecon monthly` "
            "or `dxecon run` first"
        )
    return RunFolder(folder, {name: scenarios[name] for name in _order(scenarios)}, manifest)


# -- tables ------------------------------------------------------------------------------------
@dataclass
class Cell:
    text: str
    value: object = None  # the number behind the text, for the spreadsheet
    cls: str = ""
    href: str = ""


@dataclass
class Table:
    key: str  # catalogue key of the sheet name
    headers: list[str]
    rows: list[list[Cell]]
    caption: str = ""
    title: str = ""
    numeric: set[int] = field(default_factory=set)  # right-aligned columns
    text: list[str] = field(default_factory=list)  # paragraphs shown under the table

    def frame(self) -> pd.DataFrame:
        data = [[c.value if c.value is not None else c.text for c in row] for row in self.rows]
        return pd.DataFrame(data, columns=self.headers)


def _cell(text, value=None, cls: str = "") -> Cell:
    value = None if value is None or (isinstance(value, float) and np.isnan(value)) else value
    return Cell(str(text), value, cls)


class Report:
    """Everything the template shows, in one language."""

    def __init__(self, run: RunFolder, lang: str = "vi", *, panel: Path | None = None):
        from dxecon.core.places import default_place, read_profile

        #: The place the run is about (its manifest's; a run before places: the default).
        self.place = str(run.manifest.get("place") or default_place())
        self.profile = read_profile(self.place)
        self.run, self.w, self.panel_dir = run, Words(lang, self.place), panel
        from dxecon.core.places import place_params
        from dxecon.models.scoring import ScoringConfig

        #: The place's own geographies (its boundaries): its rows are marked as its own.
        self.city_geographies = ScoringConfig.from_mapping(
            place_params("targets", self.place), file="params/targets.yaml"
        ).city_geographies
        self.as_of_end = pd.Period(self.run.as_of[:7], freq="M").end_time.normalize()
        self.cited: set[str] = set()
        # What the data step saved for a reader: the observations published by the as-of
        # (by id), the sources, the code lists in words, the targets with their wording.
        self.observations = run.table("observation_index").set_index("obs_id")
        self.sources = run.table("sources").fillna("")
        codes = run.table("code_names")
        self.codes = {name: part.drop(columns="list") for name, part in codes.groupby("list")}
        targets = run.table("targets").set_index("target_id")
        column = "text_vi" if lang == "vi" else "text"
        # A target with no wording in the report's language (no Vietnamese wording of it
        # was found in the sources, so ``text_vi`` is empty) is described from its fields.
        own = targets[column].fillna("").astype(str).str.strip() != ""
        self.generated = set(targets.index[~own])
        self.target_text = {
            tid: targets.at[tid, column] if own[tid] else self.describe_target(row)
            for tid, row in targets.reset_index().set_index("target_id", drop=False).iterrows()
        }
        self.base = next(iter(run.scenarios))
        self.cards = {name: run.table("scorecard", name) for name in run.scenarios}
        from dxecon.models.measures import MeasureConfig
        from dxecon.models.scenarios.weights import ScenarioWeights

        self.measures = MeasureConfig.from_yaml()
        self.weights = ScenarioWeights.from_yaml()

    # -- helpers -------------------------------------------------------------------------------
    def cite(self, text) -> str:
        """Remember the source ids in '... (S12)' / 'S12' and return them joined."""
        if not isinstance(text, str):
            return DASH
        found = re.findall(r"\(([A-Za-z]+[0-9]+)\)", text) or re.findall(
            r"\b([A-Z]+[0-9]+)\b", text
        )
        known = set(self.sources["source_id"])
        ids = [s for s in found if s in known]
        self.cited.update(ids)
        return ", ".join(dict.fromkeys(ids)) or DASH

    def geo(self, code) -> str:
        return self.w.place(code, self.codes["geographies"])

    def instrument(self, code) -> str:
        """A target's instrument by its name in the report's language
        (``data/codes/instruments.csv``)."""
        return self.w.named(code, self.codes["instruments"])

    def method(self, code) -> str:
        return DASH if not isinstance(code, str) else self.w.get(f"method.{code}", code)

    def unit(self, code) -> str:
        if not isinstance(code, str):
            return ""
        units = self.codes["units"].set_index("code")["name"]
        return self.w.get(f"unit.{code}", str(units.get(code, code)))

    def value(self, number, unit, digits: int = 2) -> str:
        if pd.isna(number):
            return DASH
        text = self.w.number(number, digits, strip=True)
        u = self.unit(unit)
        return f"{text}{u}" if u == "%" else f"{text} {u}".strip()

    def target_words(self, row) -> str:
        """The target as its document words it, or (none in this language) described from
        its fields; a scorecard row's range (``target_high``) is kept."""
        if row["target_id"] in self.generated:
            return self.describe_target(row)
        return self.w.text(self.target_text.get(row["target_id"], row.get("text")))

    def target_cell(self, row) -> Cell:
        generated = row["target_id"] in self.generated
        return _cell(self.target_words(row), cls="generated" if generated else "")

    def describe_target(self, row) -> str:
        """A target in the report's language from its fields: indicator (sector, area),
        comparison, level with unit, year. For targets whose wording in that language is
        not in the sources; the report marks these rows as generated."""
        w = self.w
        words = self.indicator(row["indicator"])
        sector = row.get("sector")
        if isinstance(sector, str) and sector not in ("", "total"):
            words += f" ({self.sector(sector)})"
        if row.get("geo") not in self.city_geographies and isinstance(row.get("geo"), str):
            words += f" ({self.geo(row['geo'])})"
        value = row["target_value"] if "target_value" in row else row["value"]
        high = row.get("target_high")
        if high is not None and not pd.isna(high):
            level = w(
                "desc.range",
                low=self.value(value, row["unit"]),
                high=self.value(high, row["unit"]),
            )
        else:
            level = w(
                f"desc.{_COMPARATOR_KEYS[row['comparator']]}", value=self.value(value, row["unit"])
            )
        year = (
            w("desc.year", year=w.year(row["year"]))
            if not pd.isna(row.get("year"))
            else w("desc.no_year")
        )
        return w("desc.target", indicator=words[:1].upper() + words[1:], level=level, year=year)

    def sector(self, code: str) -> str:
        names = self.codes["sectors"].set_index("code")["name"]
        return self.w.get(f"sector.{code}", str(names.get(code, code)))

    def indicator(self, code) -> str:
        names = self.codes["indicators"].set_index("code")["name"]
        return self.w.get(f"indicator.{code}", str(names.get(code, code)))

    def latest_figure(self):
        """The latest figure published about the city the report is for (its geographies
        in ``params/targets.yaml``) by the as-of date."""
        latest = self.run.table("latest_city_figure")
        return None if latest is None or latest.empty else latest.iloc[-1]

    # -- title page ----------------------------------------------------------------------------
    def title_page(self) -> dict:
        w, m = self.w, self.run.manifest
        latest = self.latest_figure()
        vintage = DASH
        if latest is not None:
            self.cited.add(latest["source_id"])
            vintage = w(
                "meta.vintage_value",
                indicator=self.indicator(latest["indicator"]),
                geo=self.geo(latest["geo"]),
                period=latest["period"],
                value=self.value(latest["value"], latest["unit"]),
                published=w.date(latest["published_date"]),
                publisher=latest["publisher"],
            )
        version = m.get("package_versions", {}).get("dxecon", "")
        revision = str(m.get("inputs", {}).get("code_revision", ""))[:12]
        finished = m.get("finished_utc", "")
        return {
            "title": w("title", month=w.month(self.run.as_of)),
            "subtitle": w("subtitle"),
            "items": [
                (w("meta.as_of"), w.date(self.as_of_end.date())),
                (w("meta.run_date"), w.date(finished) if finished else DASH),
                (w("meta.vintage"), vintage),
                (w("meta.version"), f"dxecon {version}" + (f" ({revision})" if revision else "")),
                (w("meta.scenarios"), ", ".join(w.scenario(s) for s in self.run.scenarios)),
                (
                    w("meta.instruments"),
                    ", ".join(map(self.instrument, self.instruments())) or DASH,
                ),
                (w("meta.lacking"), self.lacking()),
            ],
        }

    def instruments(self) -> list[str]:
        """The instruments whose targets for the place are scored (the base scorecard's)."""
        card = self.cards[self.base]
        found = card.loc[card["scope"] == "city", "instrument"].dropna()
        # a target whose instrument the source does not name is not an instrument to list
        named = self.codes["instruments"].set_index("code")["named"].map(FLAGS)
        return [i for i in dict.fromkeys(found) if named[i]]

    def lacking(self) -> str:
        """The figures the place's run lacks, plainly: each indicator its targets score as
        "no data" (from the base scorecard's reasons), or that none is lacking."""
        card = self.cards[self.base]
        missing = card[(card["scope"] == "city") & (card["status"] == "no data")]
        if missing.empty:
            return self.w("meta.lacking_none")
        names = list(dict.fromkeys(self.indicator(code) for code in missing["indicator"]))
        return self.w("meta.lacking_list", indicators="; ".join(names), n=len(missing))

    # -- the places side by side -------------------------------------------------------------
    def places_panel(self) -> tuple[Table | None, str]:
        """The month's panel (`dxecon.pipeline.steps.panel`, saved in the month's panel
        folder): the reader's table and how to read it; None and why when the month has
        no panel."""
        from dxecon.pipeline import store

        folder = self.panel_dir or store.panel_folder(self.run.folder)
        view = store.read_output(folder, "places_panel_view")
        text = store.read_output(folder, "places_panel_text")
        if view is None or view.empty:
            return None, self.w("panel.not_run")
        from dxecon.present.tables import header

        rows = [[_cell(self.w.text(v)) for v in r] for r in view.itertuples(index=False)]
        headers = [header(column, self.w.lang) for column in view.columns]
        plain = re.sub(r"\*\*|`", "", text or "")  # the page shows text, not Markdown
        return Table("sheet.panel", headers, rows, ""), plain

    # -- scorecard -----------------------------------------------------------------------------
    def boundary_note(self, row) -> str:
        w, notes = self.w, []
        from dxecon.models.scenarios.scorecard import figure_cell

        figure = figure_cell(row.get("other_boundary"))
        if figure is not None:
            notes.append(
                w(
                    "note.other_boundary",
                    geo=self.geo(figure["geo"]),
                    value=f"{self.value(figure['value'], row['unit'])} ({figure['year']})",
                )
            )
            self.cite(figure["source"])
        elif isinstance(row.get("latest_geo"), str) and row["latest_geo"] != row["geo"]:
            notes.append(w("note.latest_geo", geo=self.geo(row["latest_geo"])))
        if row.get("scored_on") == "close measure":
            notes.append(w("note.proxy"))
        if not pd.isna(row.get("trend_value")):
            notes.append(w("note.trend", value=self.value(row["trend_value"], row["unit"])))
        return "; ".join(notes) or DASH

    def target_level(self, row) -> str:
        sign = "≤" if row["comparator"] == "<=" else "≥"
        level = self.value(row["target_value"], row["unit"])
        if not pd.isna(row.get("target_high")):
            low = self.w.number(row["target_value"], strip=True)
            level = f"{low}-{self.value(row['target_high'], row['unit'])}"
        return f"{sign} {level}"

    def goal_label(self, goal) -> str:
        return f"{self.target_level(goal)} ({self.w.year(goal['year'])})"

    def scorecard(self) -> Table:
        w, card = self.w, self.cards[self.base]
        city = card[card["scope"] == "city"]
        rows = []
        for _, row in city.iterrows():
            instruments = [row["instrument"]]
            if isinstance(row.get("also_set_by"), str) and row["also_set_by"]:
                instruments += row["also_set_by"].split(", ")
            instruments = ", ".join(self.instrument(code) for code in instruments)
            latest = DASH
            if not pd.isna(row["latest_value"]):
                latest = f"{self.value(row['latest_value'], row['unit'])} ({row['latest_period']})"
                self.cite(row.get("latest_source"))
            median = DASH
            if not pd.isna(row["median"]):
                median = (
                    f"{w.number(row['median'])} ({w.number(row['low'])}-{w.number(row['high'])})"
                )
            rows.append(
                [
                    self.target_cell(row),
                    _cell(instruments),
                    _cell(w.year(row["year"]), None if pd.isna(row["year"]) else int(row["year"])),
                    _cell(self.target_level(row), row["target_value"]),
                    _cell(latest, row["latest_value"]),
                    _cell(median, row["median"]),
                    _cell(w.probability(row["probability"]), _pct(row["probability"])),
                    self.other_measure_cell(row),
                    _cell(self.old_boundary_word(row)),
                    _cell(w.status(row["status"]), cls=STATUS_CLASS.get(row["status"], "")),
                    _cell(self.boundary_note(row)),
                ]
            )
        headers = [w(f"col.{k}") for k in ("target", "instrument", "year", "target_value")]
        headers += [w(f"col.{k}") for k in ("latest", "median_range", "probability")]
        headers.append(w("col.probability_other", by=self.by(self.measures.other_measure)))
        headers += [w("col.old_boundary"), w("col.status"), w("col.note")]
        caption = w("cap.scorecard", scenario=w.scenario(self.base))
        if any(row[0].cls == "generated" for row in rows):
            caption += " " + w("cap.generated")
        n_context = int((card["scope"] != "city").sum())
        if n_context:
            caption += " " + w("cap.context", n=n_context)
        return Table("sheet.scorecard", headers, rows, caption, numeric={2, 3, 4, 5, 6, 7})

    def other_measure_cell(self, row) -> Cell:
        """A share goal's probability on the other measure, or why it is not converted."""
        reading = row.get("reading_mic")
        if reading == "converted":
            return _cell(self.w.probability(row["probability_mic"]), _pct(row["probability_mic"]))
        if isinstance(reading, str) and reading:
            return _cell(self.w.get(f"why.{reading}", DASH))
        return _cell(DASH)

    def old_boundary_word(self, row) -> str:
        """'not comparable' where a share goal has an old-boundary reading, else a dash."""
        reading = row.get("reading_old_boundary")
        if isinstance(reading, str) and reading and pd.isna(row.get("probability_old_boundary")):
            return self.w.status("not comparable")
        return DASH

    def status_counts(self) -> list[tuple[str, int, str]]:
        from dxecon.present.scenario_text import status_counts

        city = self.cards[self.base][self.cards[self.base]["scope"] == "city"]
        return [
            (self.w.status(s), int(n), STATUS_CLASS.get(s, ""))
            for s, n in status_counts(city).items()
        ]

    # -- readings: both measures, the target's boundary, the scenarios weighted --------------
    def missing_weighted(self) -> list[str]:
        """Scenarios with a weight (params/scenario_weights.yaml) that the run lacks."""
        return self.weights.missing(self.cards)

    def weighted(self) -> pd.DataFrame | None:
        """Per goal, the scenarios' probabilities weighted into one, for every reading
        (`dxecon.models.scenarios.weights.overall_scorecard`); None when a weighted scenario is
        not in the run."""
        if not hasattr(self, "_weighted"):
            overall = self.run.table("overall_scorecard")
            missing = self.missing_weighted() or overall is None
            self._weighted = None if missing else overall.set_index("goal_id")
        return self._weighted

    def share_goals(self) -> pd.DataFrame:
        """The forecast goals on a digital share (read on both measures)."""
        goals = self.forecast_goals()
        return goals[goals["indicator"].isin(self.measures.share_indicators)]

    def by(self, method: str) -> str:
        """'on GSO's measure' in the language."""
        return self.w.get(f"by.{method}", method)

    def why_old_boundary(self, row) -> str:
        """Why a share target is not comparable on the boundary it was set for, with the
        other parts' figures (``old_boundary_evidence``: ``<part>: <obs id>``)."""
        w, parts, shown = self.w, [], []
        obs = self.observations
        for item in str(row.get("old_boundary_evidence") or "").split("; "):
            if ": " not in item:
                continue
            part, obs_id = item.split(": ", 1)
            parts.append(self.geo(part))
            if obs_id in obs.index:
                o = obs.loc[obs_id]
                self.cited.add(o["source_id"])
                shown.append(
                    w(
                        "ev.figure",
                        value=w.number(o["value"], strip=True),
                        year=o["period"],
                        method=self.method(o["method"] or "other"),
                        source=f"{obs_id} ({o['source_id']})",
                    )
                )
            else:
                shown.append(w("ev.none"))
        return w(
            f"why.{row['reading_old_boundary']}",
            part=", ".join(parts),
            by=self.by(self.measures.forecast_measure),
            evidence="; ".join(shown),
        )

    def reading_rows(self, goal) -> list[tuple[str, dict, object]]:
        """The readings of one share goal: (label, {scenario: cell text}, overall), the
        forecast measure's first."""
        w, m = self.w, self.measures
        weighted = self.weighted()
        overall = weighted.loc[goal["goal_id"]] if weighted is not None else None
        rows = []
        forecast_geo = self.geo(goal["latest_geo"]) if isinstance(goal["latest_geo"], str) else ""
        readings = [
            (
                "probability",
                w("reading.forecast", by=self.by(m.forecast_measure), geo=forecast_geo),
            ),
            ("probability_mic", w("reading.converted", by=self.by(m.other_measure))),
        ]
        if isinstance(goal.get("reading_old_boundary"), str) and goal["reading_old_boundary"]:
            readings.append(
                ("probability_old_boundary", w("reading.old_boundary", geo=self.geo(goal["geo"])))
            )
        for column, label in readings:
            cells = {}
            for name, card in self.cards.items():
                match = card[card["goal_id"] == goal["goal_id"]]
                if match.empty:
                    cells[name] = DASH
                    continue
                r = match.iloc[0]
                if column == "probability_mic" and r.get("reading_mic") != "converted":
                    cells[name] = w.get(f"why.{r.get('reading_mic')}", DASH)
                elif column == "probability_old_boundary" and pd.isna(r.get(column)):
                    cells[name] = w.status("not comparable")
                else:
                    cells[name] = w.probability(r.get(column))
            rows.append((label, cells, None if overall is None else overall[column]))
        return rows

    def readings_table(self) -> Table | None:
        w, rows = self.w, []
        for _, goal in self.share_goals().iterrows():
            for label, cells, overall in self.reading_rows(goal):
                row = [self.target_cell(goal), _cell(label)]
                row += [_cell(cells[name]) for name in self.run.scenarios]
                row.append(
                    _cell(w.probability(overall), _pct(overall) if overall is not None else None)
                )
                rows.append(row)
        if not rows:
            return None
        headers = [w("col.target"), w("col.reading")]
        headers += [f"{w.scenario(n)}: {w('col.probability')}" for n in self.run.scenarios]
        headers.append(w("col.overall"))
        numeric = set(range(2, len(headers)))
        return Table("sheet.readings", headers, rows, w("cap.readings"), numeric=numeric)

    def conversion(self) -> tuple[Table | None, list[str]]:
        """The conversion between the measures, shown: the pairs, the fit, the predicted
        ratio at each target year with what the target means on the forecast measure, the
        real-time check; the boundary reading; the scenarios' weights."""
        w, m = self.w, self.measures
        base, other = m.forecast_measure, m.other_measure
        goals = self.share_goals()
        fits = self.run.table("measure_ratio_fits").set_index("indicator")
        pairs, run = self.run.table("measure_ratio_pairs"), self.run
        predicted, realtime = (
            run.table("measure_ratio_predicted"),
            run.table("measure_ratio_realtime"),
        )
        table, text = None, []
        for indicator in goals["indicator"].unique():
            fit = fits.loc[indicator]
            if isinstance(fit["error"], str) and fit["error"]:
                name = self.indicator(indicator)
                text.append(
                    w(
                        "conv.none",
                        indicator=name[:1].upper() + name[1:],
                        why=w(f"why.{fit['error']}"),
                    )
                )
                continue
            rows = []
            for _, r in pairs[pairs["indicator"] == indicator].iterrows():
                rows.append(
                    [
                        _cell(self.geo(r["geo"]), cls="own" if r["city"] else ""),
                        _cell(w.year(r["year"]), int(r["year"])),
                        _cell(w.number(r["base"]), r["base"]),
                        _cell(w.number(r["other"]), r["other"]),
                        _cell(w.number(r["ratio"]), round(float(r["ratio"]), 4)),
                        _cell(f"{self.cite(r['base_ref'])}; {self.cite(r['other_ref'])}"),
                    ]
                )
            headers = [w("col.geo"), w("col.year"), w("col.measure_value", measure=base)]
            headers += [w("col.measure_value", measure=other)]
            headers += [w("col.ratio", other=other, base=base), w("col.source")]
            table = Table(
                "sheet.conversion", headers, rows, w("cap.conversion"), numeric={1, 2, 3, 4}
            )
            shown = {"other": other, "base": base, "df": int(fit["df"])}
            shown |= {"scale": w.number(fit["scale"], 3)}
            if fit["form"] == "trend":
                shown |= {"d0": w.number(fit["d0"], 3), "d0_se": w.number(fit["d0_se"], 3)}
                shown |= {"d1": w.number(fit["d1"], 3), "d1_se": w.number(fit["d1_se"], 3)}
            else:
                shown |= {"last_year": int(fit["last_year"]), "last": w.number(fit["last_ratio"])}
            text.append(w(f"conv.{fit['form']}", **shown))
            city = pairs[(pairs["indicator"] == indicator) & pairs["city"].astype(bool)]
            places = ", ".join(
                f"{self.geo(g)} {int(y)}" for g, y in zip(city["geo"], city["year"], strict=True)
            )
            text.append(w("conv.city", pairs=places, sd=w.number(fit["city_sd"], 3)))
            ratios = predicted[predicted["indicator"] == indicator].set_index("year")
            for _, goal in goals[goals["indicator"] == indicator].iterrows():
                year, target = int(goal["year"]), float(goal["target_value"])
                low, median, high = ratios.loc[year, ["low", "median", "high"]]
                text.append(
                    w(
                        "conv.predicted",
                        year=year,
                        median=w.number(median),
                        low=w.number(low),
                        high=w.number(high),
                        target=w.number(target),
                        by_other=self.by(other),
                        t_median=w.number(target / median, 1),
                        t_low=w.number(target / high, 1),
                        t_high=w.number(target / low, 1),
                        by_base=self.by(base),
                    )
                )
            check = realtime[realtime["indicator"] == indicator]
            if check.empty:
                text.append(w("conv.realtime_none"))
            for _, r in check.iterrows():
                text.append(
                    w(
                        "conv.realtime",
                        year=int(r["year"]),
                        as_of=w.date(r["as_of"]),
                        median=w.number(r["median"]),
                        low=w.number(r["low"]),
                        high=w.number(r["high"]),
                        outturn=w.number(r["outturn"]),
                    )
                )
        # A scorecard written before these readings existed has no such column.
        readings = goals.get("reading_old_boundary", pd.Series("", index=goals.index))
        boundary = goals[readings.fillna("") != ""]
        for _, goal in boundary.drop_duplicates("geo").iterrows():
            text.append(
                w(
                    "conv.boundary",
                    old=self.geo(goal["geo"]),
                    new=self.geo(goal["latest_geo"]),
                    why=self.why_old_boundary(goal),
                )
            )
        text.append(self.weights_text())
        return table, text

    def weights_text(self) -> str:
        from dxecon.present.scenario_text import weights_text

        return weights_text(self.weights, self.missing_weighted(), self.w.lang)

    def target_sentence(self, goal) -> str:
        """The summary's sentence on one forecast goal: the scenarios weighted into one
        probability and its other readings, then each scenario's."""
        w, m = self.w, self.measures
        converted = goal.get("reading_mic") == "converted"
        probs = []
        for name in self.run.scenarios:
            match = self.cards[name][self.cards[name]["goal_id"] == goal["goal_id"]]
            if match.empty:
                continue
            r = match.iloc[0]
            value = w.probability(r["probability"])
            if r.get("reading_mic") == "converted":
                probs.append(
                    w(
                        "sum.prob_item_other",
                        scenario=w.scenario(name),
                        value=value,
                        by=self.by(m.other_measure),
                        other=w.probability(r["probability_mic"]),
                    )
                )
            else:
                probs.append(w("sum.prob_item", scenario=w.scenario(name), value=value))
        target = self.target_words(goal).rstrip(".")
        weighted = self.weighted()
        if weighted is None:  # the summary says once why there is no overall figure
            return w(
                "sum.target_probs", target=target, year=int(goal["year"]), probs=", ".join(probs)
            )
        overall = weighted.loc[goal["goal_id"]]
        readings = ""
        if converted:
            readings += w(
                "sum.read_other",
                value=w.probability(overall["probability_mic"]),
                by=self.by(m.other_measure),
            )
        elif isinstance(goal.get("reading_mic"), str) and goal["reading_mic"]:
            readings += w("sum.read_other_none", by=self.by(m.other_measure))
        if isinstance(goal.get("reading_old_boundary"), str) and goal["reading_old_boundary"]:
            readings += w("sum.read_old", geo=self.geo(goal["geo"]))
        by = f" {self.by(m.forecast_measure)}" if goal["indicator"] in m.share_indicators else ""
        return w(
            "sum.target_overall",
            target=target,
            year=int(goal["year"]),
            value=w.probability(overall["probability"]),
            by=by,
            readings=readings,
            probs=", ".join(probs),
        )

    def city_measure_sentence(self) -> str:
        """Which measure the city's own reports use (params/measures.yaml, city_reports)."""
        w, m = self.w, self.measures
        obs = self.observations
        evidence = [e for e in m.city_reports_evidence if e in obs.index]
        if not evidence:
            return w("sum.city_measure_unknown")
        o = obs.loc[evidence[0]]
        self.cited.add(o["source_id"])
        key = "sum.city_measure" if m.city_reports_measure else "sum.city_measure_none"
        method = m.city_reports_measure or o["method"]
        return w(
            key,
            method=self.method(method),
            value=w.number(o["value"], strip=True),
            period=o["period"],
            source=o["source_id"],
        )

    # -- scenarios -----------------------------------------------------------------------------
    def forecast_goals(self) -> pd.DataFrame:
        card = self.cards[self.base]
        return card[(card["scope"] == "city") & (card["scored_on"] == "forecast")]

    def scenario_table(self) -> Table:
        w = self.w
        rows = []
        for _, goal in self.forecast_goals().iterrows():
            row = [self.target_cell(goal), _cell(w.year(goal["year"]), int(goal["year"]))]
            row.append(_cell(self.target_level(goal), goal["target_value"]))
            for name in self.run.scenarios:
                card = self.cards[name]
                match = card[card["goal_id"] == goal["goal_id"]]
                if match.empty or pd.isna(match.iloc[0]["median"]):
                    row += [_cell(DASH), _cell(DASH)]
                    continue
                r = match.iloc[0]
                median = f"{w.number(r['median'])} ({w.number(r['low'])}-{w.number(r['high'])})"
                row.append(_cell(median, r["median"]))
                prob = f"{w.probability(r['probability'])} · {w.status(r['status'])}"
                row.append(_cell(prob, _pct(r["probability"]), STATUS_CLASS.get(r["status"], "")))
            rows.append(row)
        headers = [w("col.target"), w("col.year"), w("col.target_value")]
        for name in self.run.scenarios:
            label = w.scenario(name)
            headers += [f"{label}: {w('col.median_range')}", f"{label}: {w('col.probability')}"]
        numeric = set(range(1, len(headers)))
        caption = w("cap.scenario_table")
        if any(row[0].cls == "generated" for row in rows):
            caption += " " + w("cap.generated")
        text = self.share_changes() + self.growth_histories()
        return Table("sheet.scenarios", headers, rows, caption, numeric=numeric, text=text)

    def growth_histories(self) -> list[str]:
        """How a merged place's sector growth history read its predecessors (the start
        tables' ``history`` notes, `dxecon.models.scenarios.history`), once per note with
        the sectors it concerns."""
        from dxecon.present.scenario_text import growth_history_sentences

        found: list[str] = []
        for name in self.run.scenarios:
            start = self.run.table("scenario_start", name)
            said = [] if start is None else growth_history_sentences(start, self.w)
            found += [sentence for sentence in said if sentence not in found]
        return found

    def share_changes(self) -> list[str]:
        """Why the digital share falls, per scenario in which it does (from its
        ``de_share_change`` table; `dxecon.present.scenario_text.share_change_text`)."""
        from dxecon.present.scenario_text import share_change_text

        found = []
        for name in self.run.scenarios:
            change = self.run.table("de_share_change", name)
            text = "" if change is None else share_change_text(change, self.w)
            if text:
                found.append(f"{self.w.scenario(name)}: {text}")
        return found

    def scenario_chart(self) -> str | None:
        """The digital share by scenario (median and 80% range) with its targets, as PNG
        (`dxecon.present.charts.month.scenarios_chart`)."""
        from dxecon.present.charts.month import scenarios_chart

        forecasts = {
            name: table
            for name in self.run.scenarios
            if (table := self.run.table("scenario_forecasts", name)) is not None
        }
        goals = self.forecast_goals()
        figure = scenarios_chart(forecasts, goals[goals["indicator"] == "de_share"], self.w)
        if figure is None:
            return None
        shares = [t[t["indicator"] == "de_share"]["geo"] for t in forecasts.values()]
        geo = next((g.iloc[0] for g in shares if len(g)), "")
        self.chart_caption = self.w("cap.scenario_chart", geo=self.geo(geo))
        return _png(figure)

    # -- what it takes -------------------------------------------------------------------------
    def what_it_takes(self) -> Table | None:
        from dxecon.models.calibration import required_pace

        w = self.w
        paces = self.run.table("observed_pace")
        paces = paces[paces["status"] == "observed"]
        rows = []

        def pace(measure: str, method=None) -> str:
            found = paces[paces["measure"].str.startswith(measure)]
            if method is not None and "method" in found:
                same = found[found["method"] == method]
                found = same if not same.empty else found.iloc[0:0]
            if found.empty:
                return DASH
            r = found.iloc[0]
            self.cited.update(self._sources_of(r.get("evidence")))
            where = "" if measure.startswith("city") else f"{self.geo(r['geo'])}, "
            return f"{w.number(r['pace'])} ({where}{r['period']})"

        goals = self.forecast_goals()
        for _, goal in goals.iterrows():
            if goal["indicator"] == "de_share" and not pd.isna(goal["latest_value"]):
                year = int(str(goal["latest_period"])[:4])
                need = required_pace(goal["latest_value"], year, goal["target_value"], goal["year"])
                method = goal.get("latest_method")
                rows.append(
                    [
                        _cell(f"{w('measure.de_share')}: {self.goal_label(goal)}"),
                        _cell(f"{self.value(goal['latest_value'], goal['unit'])} ({year})"),
                        _cell(f"{w.number(need)} {w('unit.pp')}", round(need, 4)),
                        _cell(pace("city's own record: digital share", method)),
                        _cell(pace("best pace of any province: digital share", method)),
                        _cell(pace("national pace: digital share", method)),
                    ]
                )
            if goal["indicator"] == "lp_growth":
                rows.append(
                    [
                        _cell(
                            f"{w('measure.lp')}: {self.target_level(goal)} ({int(goal['year'])})"
                        ),
                        _cell(self.latest_lp()),
                        _cell(f"{w.number(goal['target_value'])}%", goal["target_value"]),
                        _cell(pace("city's own record: labour productivity")),
                        _cell(pace("best pace of any province: labour productivity")),
                        _cell(DASH),
                    ]
                )
        if not rows:
            return None
        unit = f"{w('unit.pp')} / %"
        headers = [w("col.measure"), w("col.latest_value"), w("col.required", unit=unit)]
        headers += [w("col.city_record", unit=unit), w("col.best_province", unit=unit)]
        headers.append(w("col.national", unit=unit))
        return Table(
            "sheet.what_it_takes", headers, rows, w("cap.what_it_takes"), numeric={1, 2, 3, 4, 5}
        )

    def latest_lp(self) -> str:
        """The city's latest published (or estimated) productivity growth, with its years."""
        card = self.cards[self.base]
        rows = card[(card["scope"] == "city") & (card["indicator"] == "lp_growth")]
        rows = rows[rows["latest_value"].notna()]
        if rows.empty:
            return DASH
        r = rows.sort_values("year").iloc[-1]
        self.cite(r.get("latest_source"))
        return f"{self.value(r['latest_value'], r['unit'])} ({self.figure_period(r)})"

    @staticmethod
    def figure_period(row) -> str:
        """The years a goal's latest figure covers: an estimated average's span (its source's
        facts, `dxecon.models.scenarios.scorecard.estimate_source`), else its period."""
        from dxecon.models.scenarios.scorecard import figure_source

        source = figure_source(row.get("latest_source"))
        if isinstance(source, dict) and "first" in source:
            return f"{source['first']}-{source['last']}"
        return str(row["latest_period"])

    def _sources_of(self, evidence) -> set[str]:
        if not isinstance(evidence, str):
            return set()
        obs = self.observations["source_id"]
        ids = re.findall(r"OBS\d+", evidence)
        return {obs[i] for i in ids if i in obs.index}

    # -- peers ---------------------------------------------------------------------------------
    def _latest_by_geo(self, indicator: str) -> pd.DataFrame:
        """The latest figures of the place and its profile's peers (``peers``)."""
        latest = self.run.table("latest_by_geo")
        shown = {*self.city_geographies, *(self.profile.get("peers") or [])}
        return latest[(latest["indicator"] == indicator) & latest["geo"].isin(shown)]

    def peers(self) -> list[Table]:
        w, tables = self.w, []
        latest = self._latest_by_geo("de_share")
        for method in ["GSO", "MIC", *sorted(set(latest["method"]) - {"GSO", "MIC"})]:
            part = latest[latest["method"] == method].sort_values("value", ascending=False)
            if part.empty:
                continue
            rows = []
            for _, r in part.iterrows():
                mine = r["geo"] in self.city_geographies
                rows.append(
                    [
                        _cell(self.geo(r["geo"]), cls="own" if mine else ""),
                        _cell(r["period"]),
                        _cell(w.number(r["value"]), r["value"]),
                        _cell(self.cite(r["source_id"])),
                    ]
                )
            headers = [w("col.geo"), w("col.period"), w("col.value_pct"), w("col.source")]
            tables.append(
                Table(
                    "sheet.peers",
                    headers,
                    rows,
                    title=w("peers.method", method=self.method(method)),
                    numeric={2},
                )
            )
        lp = self._latest_by_geo("lp_growth_real_avg")
        if len(lp):
            rows = [
                [
                    _cell(
                        self.geo(r["geo"]), cls="own" if r["geo"] in self.city_geographies else ""
                    ),
                    _cell(str(r["period"]).replace("/", "-")),
                    _cell(w.number(r["value"]), r["value"]),
                    _cell(self.cite(r["source_id"])),
                ]
                for _, r in lp.sort_values("value", ascending=False).iterrows()
            ]
            headers = [w("col.geo"), w("col.period"), w("col.value_lp"), w("col.source")]
            tables.append(Table("sheet.peers_lp", headers, rows, w("cap.peers_lp"), numeric={2}))
        return tables

    # -- contribution to growth ----------------------------------------------------------------
    def contribution(self) -> Table:
        """The digital economy's contribution to nominal growth (`dxecon.models.contribution`):
        the city on each boundary, the nation for context; a dash and the reason where the
        published figures do not allow it."""
        from dxecon.models.contribution import NO_LEVELS

        w = self.w
        table = self.run.table("de_contribution")
        rows = []
        for _, r in table.iterrows():
            if pd.isna(r["contribution_pp"]):
                key = "contrib.no_levels" if r["reason"] == NO_LEVELS else "contrib.no_previous"
                why = w(key, previous=int(r["year"]) - 1, year=int(r["year"]))
            else:
                why = ""
            mine = r["geo"] in self.city_geographies
            rows.append(
                [
                    _cell(self.geo(r["geo"]), cls="own" if mine else ""),
                    _cell(w.year(r["year"]), int(r["year"])),
                    _cell(w.number(r["share_previous"]), r["share_previous"]),
                    _cell(w.number(r["share"]), r["share"]),
                    _cell(w.number(r["growth_nominal"]), r["growth_nominal"]),
                    _cell(w.number(r["contribution_pp"]), r["contribution_pp"]),
                    _cell(why or DASH),
                    _cell(self.cite(r["evidence"])),
                ]
            )
        headers = [w("col.geo"), w("col.year"), w("col.share_previous"), w("col.share")]
        headers += [w("col.growth_nominal"), w("col.contribution_pp"), w("col.why_dash")]
        headers.append(w("col.source"))
        return Table(
            "sheet.contribution", headers, rows, w("cap.contribution"), numeric={1, 2, 3, 4, 5}
        )

    # -- nowcast -------------------------------------------------------------------------------
    def nowcast(self) -> Table | None:
        table, w = self.run.table("nowcast"), self.w
        if table is None or table.empty:
            return None
        rows = [
            [
                _cell(self.w.get(f"nowcast.{r['method']}", r["method"])),
                _cell(self.w.get(f"nowcast.{r['stage']}", r["stage"])),
                _cell(w.number(r["median"]), r["median"]),
                _cell(w.number(r["lower"]), r["lower"]),
                _cell(w.number(r["upper"]), r["upper"]),
            ]
            for _, r in table.iterrows()
        ]
        first = table.iloc[0]
        headers = [w("col.nowcast_method"), w("col.stage"), w("col.median_pct")]
        headers += [w("col.low_pct"), w("col.high_pct")]
        caption = w(
            "cap.nowcast",
            year=int(first["year"]),
            geo=self.geo(first["boundary"]),
            interval=first["interval"],
        )
        return Table("sheet.nowcast", headers, rows, caption, numeric={2, 3, 4})

    def nowcast_chart(self) -> str | None:
        """The in-year nowcast (each method's median and interval) beside the year's
        cumulative releases it rests on, as a PNG (base64)."""
        table = self.run.table("nowcast")
        if table is None or table.empty:
            return None
        from dxecon.present.charts.month import nowcast_chart

        w, first = self.w, table.iloc[0]
        year = int(first["year"])
        releases = self.run.table("nowcast_inputs")
        for obs_id in releases["obs_id"]:
            self.cite(self.observations["source_id"].get(obs_id))
        figure = nowcast_chart(table, releases, w)
        self.nowcast_caption = w(
            "cap.nowcast_chart" if len(releases) else "cap.nowcast_chart_none",
            year=year,
            geo=self.geo(first["boundary"]),
            interval=first["interval"],
        )
        return _png(figure)

    # -- methods: the diffusion calibration, its real-time check, the growth candidates -------
    def calibration_table(self) -> Table | None:
        """The diffusion calibration the run estimated (`dxecon.models.calibration`): each parameter
        in words, its estimate and standard error, the points and degrees of freedom it
        rests on, what decided it (the data or a stated prior), a short evidence and the
        sources of the figures its evidence names. A row without a known ``key`` keeps its
        own wording."""
        table, w = self.run.table("diffusion_calibration", self.base), self.w
        if table is None or table.empty:
            return None
        rows = []
        for _, r in table.iterrows():
            key = r["key"] if isinstance(r.get("key"), str) else ""
            decided = w.text(r["decided_by"])
            evidence = w.get(f"calib.ev.{key}.{decided}", w.get(f"calib.ev.{decided}", DASH))
            sources = sorted(self._sources_of(f"{r['evidence']} {r['source']}"), key=_natural)
            self.cited.update(sources)
            rows.append(
                [
                    _cell(w.get(f"calib.param.{key}", w.text(r["parameter"]))),
                    _cell(self.method(r["measure"])),
                    _cell(w.significant(r["estimate"]), r["estimate"]),
                    _cell(w.significant(r["std_error"]), r["std_error"]),
                    _cell(w.number(r["points"], 0), r["points"]),
                    _cell(w.number(r["df"], 0), r["df"]),
                    _cell(w.get(f"calib.decided.{decided}", decided)),
                    _cell(evidence),
                    _cell(", ".join(sources) or DASH),
                ]
            )
        keys = ("calib_parameter", "calib_measure", "estimate", "std_error", "points", "df")
        headers = [w(f"col.{k}") for k in keys]
        headers += [w("col.decided_by"), w("col.evidence"), w("col.source")]
        caption = w(
            "cap.calibration",
            measure=self.method(table["measure"].iloc[0]),
            as_of=w.date(self.as_of_end.date()),
        )
        return Table(
            "sheet.calibration",
            headers,
            rows,
            caption,
            title=w("methods.calibration"),
            numeric={2, 3, 4, 5},
        )

    def realtime_table(self) -> Table | None:
        """The real-time check of the diffusion intervals (`dxecon.models.calibration_realtime`):
        one row per forecast, with each interval level's bounds and whether the outturn
        fell inside."""
        table, w = self.run.table("diffusion_realtime", self.base), self.w
        if table is None:
            return None
        levels = sorted(int(c[7:]) for c in table.columns if re.fullmatch(r"inside_\d+", c))
        rows = []
        for _, r in table.iterrows():
            row = [
                _cell(w.month(str(r["as_of"])), str(r["as_of"])),
                _cell(self.geo(r["geo"])),
                _cell(f"{w.number(r['last_value'])} ({w.year(r['last_year'])})"),
                _cell(w.year(r["year"]), r["year"]),
                _cell(w.number(r["h"], 0), r["h"]),
                _cell(w.number(r["outturn"]), r["outturn"]),
                _cell(w.number(r["median"]), r["median"]),
            ]
            for level in levels:
                where = "rt.inside" if bool(r[f"inside_{level}"]) else "rt.outside"
                bounds = w(
                    "rt.bounds",
                    low=w.number(r[f"lower_{level}"], trim=False),
                    high=w.number(r[f"upper_{level}"], trim=False),
                    where=w(where),
                )
                row.append(_cell(bounds))
            rows.append(row)
        keys = ("rt_as_of", "geo", "rt_start", "rt_year", "rt_ahead", "rt_outturn", "median_pct")
        headers = [w(f"col.{k}") for k in keys]
        headers += [w("col.rt_interval", level=level) for level in levels]
        coverage = self.run.table("diffusion_realtime_coverage", self.base)
        return Table(
            "sheet.realtime",
            headers,
            rows,
            w("cap.realtime"),
            title=w("methods.realtime"),
            numeric={3, 4, 5, 6},
            text=[] if coverage is None else self.realtime_text(coverage),
        )

    def realtime_text(self, coverage: pd.DataFrame) -> list[str]:
        """The coverage of each interval level, over every vintage and over those whose
        speed the data estimated, as judged by `dxecon.models.calibration_realtime` (a rate, or
        "too few to judge" below the backtest rule's minimum number of forecasts)."""
        from dxecon.models.calibration_realtime import (
            ALL_VINTAGES,
            AS_FORECAST,
            SPEED_FROM_DATA,
            WIDENED_NOW,
        )
        from dxecon.models.forecast.coverage import TOO_FEW

        w = self.w
        widened = coverage[coverage["intervals"] == WIDENED_NOW]
        coverage = coverage[coverage["intervals"] == AS_FORECAST]

        def judged(row) -> str:
            if not row["forecasts"]:
                return w("rt.none")
            n, inside = int(row["forecasts"]), int(row["inside"])
            if str(row["coverage"]) == TOO_FEW:
                return w("rt.too_few", inside=inside, n=n)
            rate = w.number(100 * float(row["coverage"]), 0)
            return w("rt.judged", coverage=rate, inside=inside, n=n)

        levels = []
        for level, group in coverage.groupby("level", sort=True):
            subsets = group.set_index("forecasts_from")
            if ALL_VINTAGES not in subsets.index:
                continue
            text = judged(subsets.loc[ALL_VINTAGES])
            if SPEED_FROM_DATA in subsets.index:
                text += w("rt.from_data", part=judged(subsets.loc[SPEED_FROM_DATA]))
            levels.append(w("rt.level", level=int(level), text=text))
        if not levels:
            return []
        out = [w("rt.coverage", levels="; ".join(levels))]
        too_few = (coverage["coverage"].astype(str) == TOO_FEW) & (coverage["forecasts"] > 0)
        if too_few.any():
            out.append(w("rt.minimum", min=int(coverage.loc[too_few, "min_forecasts"].max())))
        widening = self.widening_text(coverage, widened)
        return [*out, widening] if widening else out

    def widening_text(self, coverage: pd.DataFrame, widened: pd.DataFrame) -> str:
        """What the real-time check did to the intervals: the rule's verdict on the
        forecasts it judges, the factor on the yearly noise (the calibration table's
        ``widening`` row) and how many past forecasts today's widening would have covered
        (not a real-time result)."""
        calibration, w = self.run.table("diffusion_calibration", self.base), self.w
        if calibration is None or "key" not in calibration.columns:
            return ""
        row = calibration[calibration["key"] == "widening"]
        if row.empty or not int(row["points"].iloc[0]):
            return ""
        factor, forecasts = float(row["estimate"].iloc[0]), int(row["points"].iloc[0])
        if "judged" not in coverage.columns:
            return ""
        now = widened[widened["judged"].astype(bool)]
        judged = coverage[coverage["judged"].astype(bool)]
        if judged.empty or now.empty:
            return ""
        level = int(now["level"].iloc[0])
        judged = judged[judged["level"] == level].iloc[0]
        facts = {
            "level": level,
            "inside": int(judged["inside"]),
            "n": forecasts,
            "events": int(row["df"].iloc[0]),
            "p": w.number(float(judged["binomial_p"]), 3),
        }
        if factor <= 1.0:
            return w("rt.not_widened", **facts)
        text = w("rt.widened", factor=w.number(factor, 2), **facts)
        if not now.empty:
            text += " " + w("rt.widened_now", inside_now=int(now["inside"].iloc[0]), **facts)
        return text

    def growth_table(self) -> Table | None:
        """Every growth-forecast candidate's pooled pseudo-real-time MAE beside no-change's
        (`dxecon.models.forecast.growth`), each January's MAE, and why a figure is missing; then
        the rule's choices and whether its goal is met."""
        from dxecon.models.forecast.growth import RULE, GrowthSpec

        table, w = self.run.table("growth_candidates", self.base), self.w
        if table is None or table.empty:
            return None
        refused = self.run.table("growth_refused", self.base)
        vintages = [c[4:] for c in table.columns if c.startswith("mae_")]
        rows = []
        for _, r in table.iterrows():
            name = str(r["candidate"])
            row = [_cell(candidate_name(name, w), cls="own" if name == RULE else "")]
            for vintage in vintages:
                n, mae = r[f"errors_{vintage}"], r[f"mae_{vintage}"]
                text = f"{w.number(mae)} ({w.number(n, 0)})" if n > 0 else DASH
                row.append(_cell(text, mae))
            row += [
                _cell(w.number(r["pooled_mae"]), r["pooled_mae"]),
                _cell(w.number(r["pooled_mae_naive"]), r["pooled_mae_naive"]),
                _cell(w.number(r["ratio"]), r["ratio"]),
                _cell(w.number(r["errors"], 0), r["errors"]),
                _cell(w.number(r["years"], 0), r["years"]),
                _cell(growth_why(name, refused, scored=r["errors"] > 0, words=w)),
            ]
            rows.append(row)
        headers = [w("col.candidate")]
        headers += [w("col.gr_vintage", month=w.month(v)) for v in vintages]
        keys = ("gr_mae", "gr_mae_naive", "gr_ratio", "gr_errors", "gr_years", "gr_why")
        headers += [w(f"col.{k}") for k in keys]
        spec = GrowthSpec.from_params()
        caption = w("cap.growth", indicator=self.indicator(spec.indicator), geo=self.geo(spec.geo))
        return Table(
            "sheet.growth",
            headers,
            rows,
            caption,
            title=w("methods.growth"),
            numeric=set(range(1, len(headers) - 1)),
            text=growth_rule_text(table, self.run.table("growth_choices", self.base), spec, w),
        )

    # -- revisions -----------------------------------------------------------------------------
    def revisions(self) -> tuple[Table | None, dict | None]:
        """The changed probabilities since last month, and the largest change."""
        w, rows, largest = self.w, [], None
        every = self.run.table("revisions")
        for name in self.run.scenarios if every is not None else ():
            table = every[every["scenario"] == name]
            scored = table.dropna(subset=["probability", "previous_probability"])
            for _, r in scored.iterrows():
                change = 100 * (r["probability"] - r["previous_probability"])
                goal = self.cards[name].set_index("goal_id").loc[r["goal_id"]]
                text = self.target_text.get(goal["target_id"], goal["text"])
                rows.append(
                    [
                        _cell(w.scenario(name)),
                        _cell(text),
                        _cell(w.year(r["year"]), int(r["year"])),
                        _cell(
                            w.probability(r["previous_probability"]),
                            _pct(r["previous_probability"]),
                        ),
                        _cell(w.probability(r["probability"]), _pct(r["probability"])),
                        _cell(w.number(change, 1), round(change, 2)),
                    ]
                )
                if largest is None or abs(change) > abs(largest["change"]):
                    largest = {
                        "change": change,
                        "scenario": w.scenario(name),
                        "target": text,
                        "before": w.probability(r["previous_probability"]),
                        "after": w.probability(r["probability"]),
                        "previous": str(r["previous_as_of"]),
                        "folder": name,
                    }
        if not rows:
            return None, None
        headers = [w("col.scenario"), w("col.goal"), w("col.year"), w("col.prev_prob")]
        headers += [w("col.probability"), w("col.change_pp")]
        caption = w("cap.revisions", previous=largest["previous"])
        return Table("sheet.revisions", headers, rows, caption, numeric={2, 3, 4, 5}), largest

    def why_changed(self, scenario: str) -> str:
        """Why a scenario's forecasts moved since its previous month (the ``revisions``
        step's ``revision_causes``): figures published since, or else other inputs."""
        causes = self.run.table("revision_causes")
        mine = causes[causes["scenario"] == scenario] if causes is not None else causes
        if mine is None or mine.empty:
            return ""
        cause = mine.iloc[0]
        if int(cause["new_figures"]):
            return self.w("sum.why_data", n=int(cause["new_figures"]))
        same = str(cause["same_inputs"]) == "True"
        return self.w("sum.why_none") if same else self.w("sum.why_params")

    # -- summary -------------------------------------------------------------------------------
    def lever(self) -> str | None:
        tornado = self.run.table("sweep_tornado")
        if tornado is None or tornado.empty:
            return None
        top = tornado.sort_values(["target_id", "rank"]).groupby("target_id").head(1)
        top = top.sort_values("probability_swing", ascending=False).iloc[0]
        return self.w(
            "sum.lever",
            target=self.sweep_target(top["target_id"]),
            parameter=self.parameter(top["parameter"]),
            low=self.w.probability(top["probability_low"]),
            high=self.w.probability(top["probability_high"]),
        )

    def levers(self, top: int = 3) -> Table | None:
        """The sweep's strongest assumptions for each key target (one-at-a-time)."""
        tornado, w = self.run.table("sweep_tornado"), self.w
        if tornado is None or tornado.empty:
            return None
        rows = []
        for _, r in tornado[tornado["rank"] <= top].sort_values(["target_id", "rank"]).iterrows():
            rows.append(
                [
                    _cell(self.sweep_target(r["target_id"])),
                    _cell(self.parameter(r["parameter"])),
                    _cell(f"{w.number(r['low_value'])} / {w.number(r['high_value'])}"),
                    _cell(
                        f"{w.probability(r['probability_low'])} / "
                        f"{w.probability(r['probability_high'])}",
                        _pct(r["probability_high"]),
                    ),
                    _cell(
                        f"{w.number(r['median_low'])} / {w.number(r['median_high'])}",
                        r["median_high"],
                    ),
                ]
            )
        headers = [w("col.target"), w("col.parameter"), w("col.low_high")]
        headers += [w("col.prob_low_high"), w("col.median_low_high")]
        return Table("sheet.levers", headers, rows, w("cap.levers"), numeric={2, 3, 4})

    def parameter(self, name: str) -> str:
        """A sweep parameter in words: 'sectors.ind_con.growth.mean' -> its meaning."""
        from dxecon.present.sweep_text import parameter_label

        return parameter_label(name, self.w)

    def sweep_target(self, target_id: str) -> str:
        """A sweep's key target in the report's words (its document's, or described)."""
        return self.w.text(self.target_text.get(target_id, target_id)).rstrip(".")

    def summary(self, revision: dict | None) -> list[str]:
        w, card = self.w, self.cards[self.base]
        city = card[card["scope"] == "city"]
        out = []
        share = city[(city["indicator"] == "de_share") & city["latest_value"].notna()]
        if len(share):
            r = share.sort_values("year").iloc[-1]
            out.append(
                w(
                    "sum.share",
                    geo=self.geo(r["latest_geo"]),
                    value=w.number(r["latest_value"]),
                    period=r["latest_period"],
                    method=self.w.text(r.get("latest_method")),
                    source=self.cite(r.get("latest_source")),
                )
                + " "
                + self.city_measure_sentence()
            )
        else:
            out.append(w("sum.share_none") + " " + self.city_measure_sentence())
        lp = city[(city["indicator"] == "lp_growth") & city["latest_value"].notna()]
        if len(lp):
            r = lp.sort_values("year").iloc[-1]
            out.append(
                w(
                    "sum.lp",
                    value=w.number(r["latest_value"]),
                    period=self.figure_period(r),
                    target=w.number(r["target_value"]),
                )
            )
        goals = self.forecast_goals()
        if len(goals):
            last = goals["year"].max()
            for _, goal in goals[goals["year"] == last].iterrows():
                out.append(self.target_sentence(goal))
            if self.weighted() is None:
                out[-1] += " " + self.weights_text()
        if revision is None:
            out.append(w("sum.first_run"))
        else:
            if abs(revision["change"]) > 1:
                out.append(
                    w(
                        "sum.changes",
                        **{k: v for k, v in revision.items() if k != "change"}
                        | {"target": revision["target"].rstrip(".")},
                    )
                )
            else:
                out.append(w("sum.no_changes", previous=revision["previous"]))
            why = self.why_changed(revision["folder"])
            if why:
                out.append(why)
        lever = self.lever()
        if lever:
            out.append(lever)
        return out

    # -- bibliography --------------------------------------------------------------------------
    def bibliography(self) -> Table:
        w = self.w
        sources = self.sources.set_index("source_id")
        rows = []
        for sid in sorted(self.cited, key=_natural):
            if sid not in sources.index:
                continue
            s = sources.loc[sid]
            link = Cell(w.text(s["url"]), s["url"] or None, href=s["url"] or "")
            rows.append(
                [
                    _cell(sid),
                    _cell(w.text(s["publisher"])),
                    _cell(w.text(s["title"])),
                    _cell(w.date(s["published"]) if s["published"] else DASH),
                    link,
                ]
            )
        headers = [w("col.id"), w("col.publisher"), w("col.title"), w("col.date"), w("col.link")]
        return Table("sheet.bibliography", headers, rows, w("cap.bibliography"))

    # -- all -----------------------------------------------------------------------------------
    def context(self) -> dict:
        w = self.w
        title = self.title_page()
        scorecard = self.scorecard()
        scenario_table = self.scenario_table()
        readings = self.readings_table()
        conversion, conversion_text = self.conversion()
        levers = self.levers()
        chart = self.scenario_chart()
        takes = self.what_it_takes()
        peers = self.peers()
        panel, panel_text = self.places_panel()
        contribution = self.contribution()
        nowcast = self.nowcast()
        nowcast_chart = self.nowcast_chart() if nowcast is not None else None
        revisions, largest = self.revisions()
        summary = self.summary(largest)
        model = self.run.table("scenario_forecasts", self.base)
        found = (
            re.search(r"(\d+) paths", str(model["model"].iloc[0])) if model is not None else None
        )
        methods = [
            w(
                "method.text",
                paths=w.number(int(found.group(1)), 0) if found else DASH,
                as_of=w.date(self.as_of_end.date()),
            ),
            w("method.sweep"),
            w("method.nowcast"),
        ]
        method_tables = [
            t
            for t in (self.calibration_table(), self.realtime_table(), self.growth_table())
            if t is not None
        ]
        bibliography = self.bibliography()  # last: it lists what the others cited
        version = self.run.manifest.get("package_versions", {}).get("dxecon", "")
        return {
            "lang": w.lang,
            "w": w,
            "title": title,
            "summary": summary,
            "counts": self.status_counts(),
            "scorecard": scorecard,
            "scenario_table": scenario_table,
            "readings": readings,
            "conversion": conversion,
            "conversion_text": conversion_text,
            "chart": chart,
            "chart_caption": getattr(self, "chart_caption", ""),
            "what_it_takes": takes,
            "levers": levers,
            "peers": peers,
            "panel": panel,
            "panel_text": panel_text,
            "contribution": contribution,
            "nowcast": nowcast,
            "nowcast_chart": nowcast_chart,
            "nowcast_caption": getattr(self, "nowcast_caption", ""),
            "revisions": revisions,
            "methods": methods,
            "method_tables": method_tables,
            "bibliography": bibliography,
            "footer": w(
                "footer",
                version=version,
                when=self.run.manifest.get("finished_utc", DASH),
            ),
            "tables": [
                t
                for t in [
                    scorecard,
                    scenario_table,
                    readings,
                    conversion,
                    takes,
                    *peers,
                    panel,
                    contribution,
                    nowcast,
                    revisions,
                    *method_tables,
                    bibliography,
                ]
                if t is not None
            ],
        }


def _png(figure) -> str:
    """A figure as the base64 PNG the page embeds."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", bbox_inches="tight")
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _pct(probability):
    return None if pd.isna(probability) else round(100 * float(probability), 2)


def _natural(text: str):
    return [int(p) if p.isdigit() else p for p in re.split(r"(\d+)", text)]


# -- output ------------------------------------------------------------------------------------
def render(context: dict) -> str:
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    env = Environment(
        loader=FileSystemLoader(Path(__file__).parent),
        autoescape=select_autoescape(["html", "j2"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env.get_template("report.html.j2").render(**context)


def _write_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def write_workbook(tables: list[Table], path: Path, words: Words) -> Path:
    """``tables.xlsx``: one sheet per table of the report, headers in its language."""
    from openpyxl.utils import get_column_letter

    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}.xlsx")
    used: dict[str, int] = {}
    with pd.ExcelWriter(tmp, engine="openpyxl") as writer:
        for table in tables:
            name = words(table.key)[:28]
            used[name] = used.get(name, 0) + 1
            sheet = name if used[name] == 1 else f"{name} {used[name]}"
            table.frame().to_excel(writer, sheet_name=sheet, index=False)
            ws = writer.sheets[sheet]
            for i, header in enumerate(table.headers, start=1):
                ws.column_dimensions[get_column_letter(i)].width = min(60, max(10, len(header) + 2))
            ws.freeze_panes = "A2"
    os.replace(tmp, path)
    return path


def build_report(
    source,
    lang: str = "vi",
    *,
    pdf: bool = False,
    workbook: bool = True,
    panel: Path | None = None,
) -> Path:
    """Write ``report.html`` (and ``tables.xlsx``, and with ``pdf`` ``report.pdf``) into a
    run's month folder; return the HTML's path.

    Parameters
    ----------
    source : path
        A run's folder (``outputs/<as-of>/<place>/``, staged or published).
    lang : 'vi' or 'en'
        The report's language (labels, status words, numbers, summary).
    panel : path, optional
        The month's panel folder (default: beside the run's folder,
        `dxecon.pipeline.store.panel_folder`).
    """
    run = open_run(source)
    report = Report(run, lang, panel=panel)
    context = report.context()
    target = run.folder / REPORT_NAME
    _write_atomic(target, render(context).encode("utf-8"))
    if workbook:
        write_workbook(context["tables"], run.folder / WORKBOOK_NAME, report.w)
    if pdf:
        from dxecon.report.pdf import print_pdf

        print_pdf(target, run.folder / PDF_NAME)
    return target
