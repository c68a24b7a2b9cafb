"""The monthly report (dxecon.report): catalogue, formats, content of a real small run."""

from __future__ import annotations

import re
import shutil
from dataclasses import replace

import pandas as pd
import pytest
from click.testing import CliRunner
from conftest import VIETNAMESE_NAME
from markupsafe import escape

from dxecon.core.folders import slugify
from dxecon.data.places import load_place
from dxecon.present.scenario_text import STATUS_ORDER
from dxecon.present.words import LANGUAGES, Words, catalogue
from dxecon.report import build_report

pytestmark = pytest.mark.first  # a long file: see conftest


def test_every_key_has_every_language_with_the_same_placeholders():
    for key, entry in catalogue().items():
        assert isinstance(key, str), (
            f"{key!r}: quote it in catalogue.yaml (YAML reads it as {type(key).__name__})"
        )
        assert set(entry) == set(LANGUAGES), key
        fields = [set(re.findall(r"{(\w+)}", entry[lang])) for lang in LANGUAGES]
        assert all(entry[lang].strip() for lang in LANGUAGES), key
        assert fields[0] == fields[1], key


def test_every_status_the_scorecard_can_produce_is_translated():
    from dxecon.models.scenarios import scorecard
    from dxecon.models.scoring import ScoringConfig

    config = ScoringConfig.from_yaml()
    produced = {config.status_from_probability(p) for p in (0.0, 0.5, 0.99, 1.0)}
    constants = {v for k, v in vars(scorecard).items() if k.isupper() and isinstance(v, str)}
    for status in produced | set(STATUS_ORDER):
        for lang in LANGUAGES:
            assert Words(lang).status(status), status
    assert set(STATUS_ORDER) >= produced
    assert {s for s in constants if s in STATUS_ORDER} <= set(STATUS_ORDER)


def test_numbers_follow_the_locale():
    vi, en = Words("vi"), Words("en")
    assert vi.percent(22.28) == "22,28%" and en.percent(22.28) == "22.28%"
    assert vi.number(1234.5, 1) == "1.234,5" and en.number(1234.5, 1) == "1,234.5"
    assert vi.number(float("nan")) == "-" and vi.year(2030.0) == "2030"
    assert vi.number(28_800_000) == "28.800.000"  # never scientific notation
    assert vi.month("2026-10") == "10/2026"


def test_vietnamese_scenario_names_get_a_safe_slug():
    assert slugify("Kịch bản tăng tốc") == "kich_ban_tang_toc"
    assert slugify("Đà Nẵng") == "da_nang"
    for bad in ("../x", "a/b", "..."):
        with pytest.raises(ValueError):
            slugify(bad)


def test_a_scenario_file_may_use_a_vietnamese_name():
    from dxecon.core.errors import ParamsError
    from dxecon.core.params import load_yaml, params_path
    from dxecon.models.scenarios import scenario_from_dict

    data = load_yaml(params_path("baseline", "scenarios"))
    data.update(name="kịch bản", as_of="2026-10")
    scenario = scenario_from_dict(data)
    assert scenario.name == "kịch bản" and scenario.slug == "kich_ban"
    data["name"] = "a/b"
    with pytest.raises(ParamsError, match="name"):
        scenario_from_dict(data)


@pytest.fixture(scope="module")
def month(small_month, tmp_path_factory):
    """This module's copy of the shared month (its tests write reports into it)."""
    copy = tmp_path_factory.mktemp("outputs") / small_month.parent.name / small_month.name
    shutil.copytree(small_month.parent.parent, copy.parent.parent, dirs_exist_ok=True)
    return copy


@pytest.mark.parametrize("lang", LANGUAGES)
def test_report_reads_like_a_report(month, lang):
    words = Words(lang)
    html = build_report(month, lang).read_text(encoding="utf-8")
    text = re.sub(r"<[^>]+>", " ", html.split("</style>")[1])
    assert words("title", month=words.month("2026-10")) in html
    assert "Báo cáo dự báo kinh tế số Hải Phòng - tháng 10/2026" in html or lang == "en"
    for bad in ("NaN", "nan", "None", "2030.0", "e+0", "TGT0", "de_share", "lp_growth"):
        assert not re.search(rf"(?<![\w/.]){re.escape(bad)}(?![\w])", text), bad
    assert VIETNAMESE_NAME in html or (lang == "en" and words.scenario(VIETNAMESE_NAME) in html)
    for status in ("off track", "no data"):
        assert words.status(status) in html
    assert "http" not in re.sub(r'href="[^"]+"', "", html.split("<body>")[0])  # no assets
    assert "<script" not in html and "data:image/png;base64," in html
    # the summary: five to eight sentences, the change since last month, the lever
    summary = html.split('id="summary"')[1].split("</section>")[0]
    assert 5 <= summary.count("<p>") <= 8
    assert "2026-09" in summary
    # the digital economy's contribution to growth: the computed national figure, and a
    # dash with the reason for the city (one GSO year on each boundary)
    part = html.split('id="contribution"')[1].split("</section>")[0]
    assert str(escape(words("section.contribution"))) in part
    assert str(escape(words("cap.contribution"))) in part
    assert words("contrib.no_previous", previous=2024, year=2025) in part
    assert words.number(13.17 * 11511.9 / 10221.8 - 12.87) in part
    # the nowcast: a chart beside its table, labelled in the language
    part = html.split('id="nowcast"')[1].split("</section>")[0]
    assert "data:image/png;base64," in part
    alt = re.search(r'<img src="data:image/png;base64,[^"]+" alt="([^"]+)"', part).group(1)
    assert alt.startswith("Tăng trưởng GRDP thực tế năm 2026" if lang == "vi" else "2026 real")
    assert f'<figcaption class="caption">{alt}</figcaption>' in part
    # the bibliography lists every cited source once, with its publisher
    assert "thongkehaiphong.gov.vn" in html or "gso.gov.vn" in html


def test_workbook_has_one_sheet_per_table_with_headers_in_the_language(month):
    from openpyxl import load_workbook

    build_report(month, "vi")
    book = load_workbook(month / "tables.xlsx")
    assert Words("vi")("sheet.scorecard") in book.sheetnames
    sheet = book[Words("vi")("sheet.scorecard")]
    assert sheet.cell(1, 1).value == Words("vi")("col.target")
    for key in ("sheet.calibration", "sheet.realtime", "sheet.growth"):  # the methods' tables
        assert Words("vi")(key) in book.sheetnames, key
    frame = pd.read_excel(month / "tables.xlsx", sheet_name=None)
    assert len(frame) >= 5
    for table in frame.values():
        assert not table.columns.str.contains("_").any()


def test_report_command(month):
    from dxecon.apps.cli import main

    result = CliRunner().invoke(main, ["report", str(month), "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert "Hai Phong digital economy forecast report" in (month / "report.html").read_text()
    missing = CliRunner().invoke(main, ["report", str(month / "nothing")])
    assert missing.exit_code == 1 and "no such run folder" in missing.output


def _report(month, lang):
    from dxecon.report.build import Report, open_run

    return Report(open_run(month), lang)


def test_a_target_without_vietnamese_wording_is_described_in_vietnamese(dataset):
    from dxecon.report.build import Report

    report = Report.__new__(Report)  # only the wording helpers: no run needed
    report.w, report.codes = Words("vi"), dataset.codes
    report.city_geographies = load_place().boundaries  # the default place's own
    goal = {"indicator": "grdp_growth_real", "sector": "total", "geo": "HP2025", "year": 2026}
    goal |= {"comparator": ">=", "target_value": 13.0, "target_high": 13.5, "unit": "pct"}
    assert report.describe_target(goal) == "Tăng trưởng GRDP thực tế: từ 13% đến 13,5%, năm 2026"
    goal |= {"sector": "services", "geo": "VN", "comparator": "==", "target_high": None}
    assert report.describe_target(goal) == (
        "Tăng trưởng GRDP thực tế (dịch vụ) (Cả nước): khoảng 13%, năm 2026"
    )
    # every indicator and sector of a target without text_vi has a Vietnamese name
    targets = dataset.targets
    missing = targets[targets["text_vi"].fillna("").str.strip() == ""]
    keys = set(catalogue())
    for code in set(missing["indicator"]):
        assert f"indicator.{code}" in keys, f"catalogue.yaml: add indicator.{code}"
    for code in set(missing["sector"]) - {"total"}:
        assert f"sector.{code}" in keys, f"catalogue.yaml: add sector.{code}"


def test_the_vietnamese_report_shows_no_english_target_text(month, dataset):
    page = build_report(month, "vi", workbook=False).read_text(encoding="utf-8")
    english = dataset.targets["text"].dropna()
    shown = [t for t in english if str(escape(t)) in page]
    assert not shown, shown
    report = _report(month, "vi")
    texts = dataset.targets.set_index("target_id")["text_vi"].fillna("")
    rows = report.scorecard().rows
    generated = [row[0] for row in rows if row[0].cls == "generated"]
    assert generated, "the shipped targets include some without Vietnamese wording"
    for row in rows:
        cell = row[0]
        if cell.cls == "generated":
            assert not re.search(r"\b(growth|plan|target|of|about|least)\b", cell.text), cell
        else:
            assert cell.text in set(texts), cell.text
    assert Words("vi")("cap.generated") in page
    # English keeps its own wording: nothing is marked as generated
    assert not any(row[0].cls for row in _report(month, "en").scorecard().rows)


def test_the_report_lists_only_named_instruments(dataset):
    """The title page's scored instruments leave out a code whose source names no instrument
    (codes/instruments.csv `named` = no), read from the code names the data step saves."""
    from dxecon.data.overview import code_names
    from dxecon.data.targets import TargetRegistry
    from dxecon.models.scenarios.scorecard import score
    from dxecon.models.scoring import ScoringConfig
    from dxecon.report.build import Report

    config = ScoringConfig.from_yaml(place="BN")  # a 2030 share target of an unnamed source
    card = score(None, TargetRegistry(dataset), dataset, config=config, as_of="2026-10")
    report = Report.__new__(Report)  # only the instruments: no run needed
    codes = code_names(dataset)
    report.codes = {name: part.drop(columns="list") for name, part in codes.groupby("list")}
    report.cards, report.base = {"baseline": card.to_frame()}, "baseline"
    scored = set(card.to_frame().query("scope == 'city'")["instrument"])
    assert "UNSPEC" in scored
    assert set(report.instruments()) == scored - {"UNSPEC"}


#: A share that falls although both sectors' own digital shares rise: industry (60% digital)
#: loses ten points of GRDP to services (20% digital). Intensity effect 0.65 x 1 + 0.35 x 0.4
#: = 0.79 pp, structure effect -0.1 x 60.5 + 0.1 x 20.2 = -4.03 pp: together 44.76 - 48.
FALLING = pd.DataFrame(
    {
        "sector": ["ind_con", "services", "total"],
        "year_start": 2025,
        "year_end": 2030,
        "weight_start": [70.0, 30.0, 100.0],
        "weight_end": [60.0, 40.0, 100.0],
        "share_start": [60.0, 20.0, 48.0],
        "share_end": [61.0, 20.4, 44.76],
        "growth_mean": [-1.0, 8.0, float("nan")],
        "intensity_pp": [0.65, 0.14, 0.79],
        "structure_pp": [-6.05, 2.02, -4.03],
    }
)


def test_why_the_share_falls_is_said_in_words():
    from dxecon.present.scenario_text import share_change_text

    words = Words("en")
    assert share_change_text(FALLING, words) == (
        "The digital share falls from 48% of GRDP in 2025 to 44.76% in 2030 (median of the "
        "paths): the sectors' own digital shares move it by +0.79 percentage points, the change "
        "of the sector weights by -4.03. Industry & "
        "construction, where 60% of value added is digital, has a real growth of -1% a year "
        "in this scenario against 8% for services, so its weight falls from 70% to 60% of GRDP."
    )
    rising = FALLING.assign(share_end=FALLING["share_end"].where(FALLING["sector"] != "total", 49))
    assert share_change_text(rising, words) == ""
    vi = share_change_text(FALLING, Words("vi"))
    assert "giảm từ 48% GRDP năm 2025 xuống 44,76% năm 2030" in vi and "dịch vụ" in vi


def test_the_report_says_why_a_scenarios_share_falls():
    from dxecon.report.build import Report

    class Run:  # a run's saved tables: the share falls in one scenario, not the other
        scenarios = ("baseline", "accelerated")

        def table(self, name, scenario=None):
            assert name == "de_share_change"
            return FALLING if scenario == "baseline" else None

    report = Report.__new__(Report)
    report.run, report.w = Run(), Words("vi")
    (paragraph,) = report.share_changes()
    assert paragraph.startswith(Words("vi").scenario("baseline") + ": Tỷ trọng kinh tế số giảm")


def test_places_are_named_in_the_reports_language(dataset):
    places = dataset.codes["geographies"]
    vi, en = Words("vi"), Words("en")
    assert vi.place("BG", places) == "Bắc Giang (trước sáp nhập)"
    assert en.place("TNG2025", places) == "Thai Nguyen (merged)"
    assert vi.place("XX", places) == "XX" and vi.place(None, places) == "-"
    unnamed = places.assign(name_vi="")  # a folder without the column: its definition
    assert vi.place("HN", unnamed) == "Hanoi"


def test_the_vietnamese_report_shows_no_english_place_name(month, dataset):
    page = build_report(month, "vi", workbook=False).read_text(encoding="utf-8")
    # the report's own words; the bibliography lists the sources' titles as published
    text = re.sub(r"<[^>]+>", " ", page.split('id="bibliography"')[0])
    places = dataset.codes["geographies"]
    english = set(places["name"]) | set(places["name_en"])
    shown = sorted(str(escape(n)) for n in english - set(places["name_vi"]))
    assert not [n for n in shown if n in text]
    peers = page.split('id="peers"')[1].split("</section>")[0]
    # the profile's peers only (the default place's), each in its Vietnamese name
    assert "Bắc Ninh (sau sáp nhập)" in peers and "Hà Nội" in peers
    profile = load_place()
    others = set(places["code"]) - set(profile.peers) - set(profile.boundaries)
    names = places.set_index("code")["name_vi"]
    assert not [c for c in others if f">{escape(names[c])}</td>" in peers]


def test_the_title_page_shows_the_citys_latest_figure(month, dataset):
    from dxecon.models.scoring import ScoringConfig

    page = build_report(month, "vi", workbook=False).read_text(encoding="utf-8")
    label = str(escape(Words("vi")("meta.vintage")))
    shown = page.split(f"<dt>{label}</dt><dd>")[1].split("</dd>")[0]
    places = dataset.codes["geographies"].set_index("code")["name_vi"]
    city = ScoringConfig.from_yaml().city_geographies
    assert any(places[g] in shown for g in city), shown
    others = [n for g, n in places.items() if g not in city and n in shown]
    assert not others, shown
    # the city's latest figure by publication date, found here from the rows themselves
    obs = dataset.observations
    end = pd.Timestamp("2026-10-31")
    mine = obs[obs["geo"].isin(city) & (obs["published_date"] <= end)]
    latest = mine.sort_values(["published_date", "line"]).iloc[-1]
    assert Words("vi").number(latest["value"], strip=True) in shown


def test_the_summary_gives_one_answer_and_its_readings(tmp_path, month):
    """With every weighted scenario in the run, each forecast goal's first sentence gives the
    weighted probability on GSO's measure and on MIC's; the readings section shows the
    conversion and why the old boundary is not comparable."""

    from dxecon.models.scenarios.weights import ScenarioWeights, overall_scorecard
    from dxecon.pipeline import store
    from dxecon.pipeline.manifest import read_manifest, write_manifest

    run = tmp_path / month.name
    shutil.copytree(month, run)
    config = ScenarioWeights.from_yaml()
    weights = config.weights
    hand = {"baseline": (0.0, 0.5), "accelerated": (0.9, 0.95), "lagging": (0.0, 0.4)}
    manifest, cards = read_manifest(store.manifest_path(run)), {}
    for name, (gso, mic) in hand.items():  # the scorecards by hand, as the step writes them
        card = store.read_output(run, "scorecard", scenario="baseline")
        card.loc[card["goal_id"] == "TGT021", ["probability", "probability_mic"]] = [gso, mic]
        store.write_output(run, "scorecard", card, scenario=name)
        manifest["scenarios"].setdefault(name, {"folder": slugify(name)})
        cards[name] = card
    store.write_output(run, "overall_scorecard", overall_scorecard(cards, config))
    write_manifest(store.manifest_path(run), manifest)
    words = Words("vi")
    page = build_report(run, "vi", workbook=False).read_text(encoding="utf-8")
    summary = page.split('id="summary"')[1].split("</section>")[0]
    overall = sum(weights[n] * hand[n][0] for n in hand)
    overall_mic = sum(weights[n] * hand[n][1] for n in hand)
    expected = (
        f": {words.probability(overall)}% {words('by.GSO')}, "
        f"{words.probability(overall_mic)}% {words('by.MIC')}; "
    )
    assert str(escape(expected)) in summary
    assert "không so sánh được" in summary
    assert words("weights.missing", missing="x").split("x")[0] not in summary
    readings = page.split('id="readings"')[1].split("</section>")[0]
    assert str(escape(words("weights.equal"))) in readings
    assert "PD0002" in readings  # Hai Duong's only figure, method not stated
    assert words.number(18.3 / 13.17) in readings  # the latest national ratio


# -- methods: the diffusion calibration, its real-time check, the growth candidates --------
def _methods(month, lang) -> str:
    page = build_report(month, lang, workbook=False).read_text(encoding="utf-8")
    part = page.split('id="methods"')[1].split("</section>")[0]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", part))


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_methods_section_shows_the_calibration_its_check_and_the_growth_candidates(month, lang):
    from dxecon.report.build import open_run

    words, run = Words(lang), open_run(month)
    text = _methods(month, lang)
    for key in ("methods.calibration", "methods.realtime", "methods.growth"):
        assert str(escape(words(key))) in text, key
    for bad in ("NaN", "nan", "None", "inf", "e+0", "e-0"):
        assert not re.search(rf"(?<![\w/.]){re.escape(bad)}(?![\w])", text), bad
    # no internal name: no column, file or candidate name, every parameter in words
    calibration = run.table("diffusion_calibration")
    candidates = run.table("growth_candidates")
    internal = ["naive", "decided_by", "std_error", "pooled_mae", "growth_candidates", ".csv"]
    internal += [n for n in candidates["candidate"] if re.search(r"[_(]", n)]
    internal += list(calibration["parameter"])
    for name in internal:
        assert str(escape(name)) not in text, name
    for key in calibration["key"]:
        assert str(escape(words(f"calib.param.{key}"))) in text, key
    for name in candidates["candidate"]:
        assert str(escape(words(f"growth.candidate.{name}"))) in text, name
    # one row per saved forecast of the real-time check, every cell filled
    report = _report(month, lang)
    realtime, growth = report.realtime_table(), report.growth_table()
    assert len(realtime.rows) == len(run.table("diffusion_realtime"))
    for table in (report.calibration_table(), realtime, growth):
        assert all(cell.text.strip() for row in table.rows for cell in row), table.key
    # a candidate refused at every January: dashes for its numbers, and why
    refusals, shown = run.table("growth_refused"), {row[0].text: row for row in growth.rows}
    never = candidates.loc[candidates["errors"] == 0, "candidate"]
    assert len(never), "the shipped series is too short for the trend models"
    for name in never:
        row = shown[words(f"growth.candidate.{name}")]
        assert [cell.text for cell in row[1:-3]] == ["-"] * (len(row) - 4)
        first = refusals[refusals["candidate"] == name].iloc[0]
        item = words(
            "growth.too_short_item",
            as_of=words.month(first["as_of"]),
            needed=int(first["needed"]),
            points=int(first["points"]),
        )
        assert item in row[-1].text


def test_the_realtime_sentence_says_too_few_to_judge_under_the_minimum(month):
    """The coverage as `dxecon.models.calibration_realtime` judged it: "too few to judge" with the
    count below params/forecasts.yaml's backtest.min_forecasts, a rate from it on."""
    from dxecon.models.calibration_realtime import ALL_VINTAGES, _coverage
    from dxecon.models.forecast.catalog import backtest_params
    from dxecon.models.forecast.coverage import CoverageRule
    from dxecon.report.build import open_run

    words, report = Words("vi"), _report(month, "vi")
    forecasts = open_run(month).table("diffusion_realtime")
    rule = CoverageRule.from_params(backtest_params())
    n, inside = len(forecasts), int(forecasts["inside_80"].sum())
    below = _coverage(forecasts, replace(rule, min_forecasts=n + 1))
    text = " ".join(report.realtime_text(below))
    assert words("rt.too_few", inside=inside, n=n) in text
    assert words("rt.minimum", min=n + 1) in text
    judged = _coverage(forecasts, replace(rule, min_forecasts=n))
    text = " ".join(report.realtime_text(judged))
    rate = words.number(100 * inside / n, 0)
    assert words("rt.judged", coverage=rate, inside=inside, n=n) in text
    all_80 = judged[(judged["level"] == 80) & (judged["forecasts_from"] == ALL_VINTAGES)]
    assert all_80["coverage"].iloc[0] == inside / n
    # the run's own table, under the shipped minimum
    saved = open_run(month).table("diffusion_realtime_coverage")
    if n < rule.min_forecasts:
        assert words("rt.too_few", inside=inside, n=n) in " ".join(report.realtime_text(saved))


def test_the_realtime_sentence_says_how_the_check_widened_the_intervals(month):
    """The widening the run applied (the calibration table's `widening` row) is said with
    the rule's evidence, and today's coverage of those forecasts is marked as not real-time."""
    from dxecon.report.build import open_run

    run, words, report = open_run(month), Words("vi"), _report(month, "vi")
    calibration = run.table("diffusion_calibration").set_index("key")
    factor, n = calibration.at["widening", "estimate"], calibration.at["widening", "points"]
    coverage = run.table("diffusion_realtime_coverage")
    judged = coverage[coverage["judged"] & (coverage["intervals"] == "as forecast")]
    judged = judged[judged["level"] == 80].iloc[0]
    assert judged["forecasts"] == n
    facts = {
        "level": 80,
        "inside": int(judged["inside"]),
        "n": int(n),
        "events": int(calibration.at["widening", "df"]),
        "p": words.number(float(judged["binomial_p"]), 3),
    }
    text = " ".join(report.realtime_text(coverage))
    assert factor > 1, "the shipped check widens the noise"
    assert words("rt.widened", factor=words.number(factor, 2), **facts) in text
    forecasts = run.table("diffusion_realtime")
    inside_now = int(
        forecasts.loc[forecasts["speed_decided_by"] == "data", "inside_80_widened_now"].sum()
    )
    assert words("rt.widened_now", inside_now=inside_now, **facts) in text


def test_the_report_says_how_a_merged_places_growth_history_was_read():
    """The start tables' history notes, once per note with the sectors it concerns, in the
    report's language (Hai Duong named as publishing no sector growth)."""
    import json

    from dxecon.report.build import Report

    one_part = {"code": "history_one_part", "geo": "HP2025", "used": "HP", "others": ["HD"]}
    one_part["why"] = "no_growth"
    start = pd.DataFrame(
        {
            "field": [
                "sectors.agro.weight",
                "sectors.agro.growth.mean",
                "sectors.ind_con.growth.sd",
            ],
            "history": [None, json.dumps([one_part]), json.dumps([one_part])],
        }
    )

    class Run:  # a run's saved start tables
        scenarios = ("baseline", "lagging")

        def table(self, name, scenario=None):
            assert name == "scenario_start"
            return start if scenario == "baseline" else start.drop(columns="history")

    report = Report.__new__(Report)
    report.run, report.w = Run(), Words("vi")
    (paragraph,) = report.growth_histories()
    words = Words("vi")
    assert paragraph.startswith("Giả định tăng trưởng của " + words("sector.agro"))
    assert words("sector.ind_con") in paragraph and "Hải Dương" in paragraph
    assert "HD" not in paragraph and "HP" not in paragraph
