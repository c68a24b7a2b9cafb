"""The scorecard's notes in the reader's language.

The scorecard records each note as a code and the facts it states (``note_codes``, a JSON
list; `dxecon.models.scenarios.scorecard.NOTE_CODES`); here each is worded from the
catalogue's ``note.<code>``: places by their names (``data/codes/geographies.csv``),
indicators, sectors, measures and nowcast stages by the catalogue's words, numbers with the
language's separators. A cell such as ``[{"code": "inherited_target", "old": <a
boundary's code>, "new": <its successor's>}]`` reads "set for <the old boundary's name>
before the boundary change; ..." (tests/test_reader_tables.py checks it in both languages).
"""

from __future__ import annotations

import pandas as pd

from dxecon.present.words import Words

_KEPT = {"trim": False}
#: Facts that are numbers, by key: (decimals, how `Words.number` writes them).
NUMBERS = {
    **dict.fromkeys(("best", "median", "low", "high", "replaced", "highest"), (2, _KEPT)),
    **dict.fromkeys(("mean_square", "after"), (2, _KEPT)),
    **dict.fromkeys(("ceiling_low", "ceiling_high", "central_ceiling"), (1, _KEPT)),
    **dict.fromkeys(("speed_low", "speed_high", "scale", "p", "events_p"), (3, _KEPT)),
    **dict.fromkeys(("tau", "sd", "widened_sd", "rho", "se", "excess"), (4, _KEPT)),
    **dict.fromkeys(("rate", "national_rate", "from_rate", "to_rate"), (4, _KEPT)),
    "pp": (3, _KEPT),
    **dict.fromkeys(("coverage", "min_coverage"), (2, _KEPT)),
    "threshold": (3, {"strip": True}),
    **dict.fromkeys(("ratio", "factor"), (3, {"strip": True})),
    **dict.fromkeys(("prior_low", "prior_high"), (2, {"strip": True})),
    "paths": (0, {}),
}


def say_note(note: dict, words: Words) -> str:
    """One note (``{"code": ..., <facts>}``) as a phrase in ``words``' language."""
    from dxecon.present.tables import geography_codes

    if note["code"] == "text":  # a params file's text, written in each language
        return note[words.lang]
    places = geography_codes()
    facts = {key: value for key, value in note.items() if key != "code"}

    def place(code) -> str:
        return words.place(code, places)

    def name(indicator) -> str:
        return words.get(f"indicator.{indicator}", indicator)

    said = {}
    for key, value in facts.items():
        if key in ("old", "new", "other", "target", "geo", "simulated"):
            said[key] = place(value)
        elif key in ("indicator", "proxy"):
            said[key] = name(value)
        elif key in NUMBERS:
            digits, how = NUMBERS[key]
            said[key] = words.number(value, digits, **how)
        elif key in ("years", "missing") and isinstance(value, list):
            said[key] = words.join(value)
        elif key == "geos":
            said[key] = words.join(place(g) for g in value)
        elif key in EVIDENCE_KEYS:
            said[key] = say_evidence(value, words, named=facts.get("geo"))
        elif key == "stat":
            said[key] = words(f"note.stat.{value}", year=facts.get("year"))
        elif key == "decided":
            said[key] = words.get(f"calib.decided.{value}", value)
        elif key in ("measure", "measure_from"):
            said[key] = words.get(f"by.{value}", value)
        elif key == "conversion":
            said[key] = words(f"note.draw_conversion.{value}")
        elif key == "figures":
            said[key] = words.count("figure", value)
        elif key == "series" and isinstance(value, list):
            said[key] = say_series_list(value, words)
        elif key == "measures":
            said[key] = "; ".join(
                words(
                    "note.calib_measure",
                    by=words.get(f"by.{one['method']}", one["method"]),
                    n=words.count("series", one["n"]),
                    series=f" ({say_series_list(one['series'], words)})" if one["series"] else "",
                )
                for one in value
            )
        elif key == "revisions":
            said[key] = "; ".join(
                f"{place(r['geo'])} {r['year']}: {words.number(r['first'], 2, strip=True)} "
                f"({r['first_obs']}) -> {words.number(r['chosen'], 2, strip=True)} "
                f"({r['chosen_obs']})"
                for r in value
            )
        elif key == "events":
            said[key] = words.join(f"{place(geo)} {year}" for geo, year in value)
        elif key == "model":
            said[key] = words.get(f"growth.candidate.{value}", value)
        else:
            said[key] = value
    code = note["code"]
    if code == "published_estimate":
        said["estimator"] = words(f"note.estimator.{facts['estimator']}")
    elif code == "nowcast_pinned":
        said["stage"] = words.get(f"nowcast.{facts['stage']}", facts["stage"])
        said["method"] = words.get(f"nowcast.{facts['method']}", facts["method"])
    elif code == "other_measure":
        said["by"] = words.get(f"by.{facts['other']}", facts["other"])
        said["form"] = words.get(f"note.form.{facts['form']}", facts["form"])
    elif code.startswith("not_converted"):
        said["by"] = words.get(f"by.{facts['measure']}", facts["measure"])
        if "form" in facts:
            said["form"] = words.get(f"note.form.{facts['form']}", facts["form"])
        if "geos" in facts:
            said["geos"] = words.join(place(g) for g in facts["geos"])
    elif code == "old_boundary":
        said["reading"] = words(f"note.reading.{facts['reading']}")
        said["parts"] = "; ".join(_part(part, words, place) for part in facts["parts"])
    elif code == "no_year_figure":
        said["as_of"] = words.date(facts["as_of"])
    elif code == "too_few_for_trend":
        said["years"] = words.count("year", facts["n"])
    elif code.startswith("rt_case"):  # a forecast of the real-time check
        said["as_of"] = words.month(facts["as_of"])
        said["where"] = words(f"rt.{facts['where']}")
        said["outturn"] = words.number(facts["outturn"], 2, strip=True)
        if "factor" in facts:
            said["factor"] = words.number(facts["factor"], 2, strip=True)
    elif code.startswith("rule_"):  # the coverage rule's verdict, on which forecasts
        where = facts["where"]
        said["where"] = words(
            f"note.where.{where['kind']}",
            pool=words.get(f"pool.{where.get('pool')}", str(where.get("pool"))),
            members=words.count("series", where.get("members", 0)),
            subset=words.get(f"rt.subset.{where.get('subset')}", str(where.get("subset"))),
        )
    elif code == "calib_speed":
        said["how"] = words(f"note.calib_how.{facts['how']}")
    elif code == "calib_speed_prior":
        said["why"] = words(f"note.calib_why.{facts['why']}", measure=said["measure"])
    elif code == "calib_ceiling":
        said["verdict"] = words(f"note.calib_covers.{str(facts['covers']).lower()}")
    elif code.startswith("rt_widening"):  # the real-time check's verdict on the noise
        as_of = facts["as_of"]
        said["when"] = (
            words("note.rt_when.by", as_of=words.month(as_of))
            if as_of
            else words("note.rt_when.all")
        )
        said["subset"] = words.get(f"rt.subset.{facts['subset']}", facts["subset"])
        if code == "rt_widening":
            said["n_events"] = len(facts["events"])
            narrow = "narrow" if facts["too_narrow"] else "not_narrow"
            said["verdict"] = words(f"note.rt_verdict.{narrow}")
            said["widened"] = words(
                f"note.rt_widened.{facts['widened']}", factor=said["factor"], after=said["after"]
            )
    elif code == "history_growth":
        said["years"] = words.count("year", facts["n"])
        said["missing"] = (
            words("note.none_published", years=said["missing"]) if facts["missing"] else ""
        )
        said["crossing"] = words("note.crossing") if facts["crossing"] else ""
    elif code == "indicative":
        said["differs"] = words(f"differs.{facts['indicator']}.{facts['proxy']}")
    elif code == "growth_refused":
        from dxecon.present.forecast_text import growth_why

        refusals = pd.DataFrame(facts["refusals"]).assign(candidate=facts["candidate"])
        return growth_why(facts["candidate"], refusals, scored=True, words=words)
    elif code == "pace_no_two_figures":
        said["series"] = "; ".join(
            words(
                "note.pace_series",
                place=place(one["geo"]),
                method=words.get(f"method.{one['method']}", one["method"]),
                years=one["first"]
                if one["first"] == one["last"]
                else f"{one['first']}-{one['last']}",
                points=words.count("figure", one["points"]),
            )
            for one in facts["series"]
        )
    elif code in ("history_weighted", "history_one_part"):
        for key in ("parts", "others", "lacking"):
            if key in facts:
                said[key] = words.join(place(g) for g in facts[key])
        if "used" in facts:
            said["used"] = place(facts["used"])
        if code == "history_one_part":
            said["why"] = words(f"note.history_why.{facts['why']}", **said)
        else:  # a further part with no figures is named
            lacking = said.get("lacking")
            said["lacking"] = (
                f"; {words('note.history_lacking', lacking=lacking)}" if lacking else ""
            )
    elif code == "history_weights":
        said["sector"] = words.get(f"sector.{facts['sector']}", facts["sector"])
        said["parts"] = "; ".join(
            words(
                "note.history_weight",
                geo=place(part["geo"]),
                weight=words.number(part["weight"], 1, **_KEPT),
                share=words.number(part["share"], 2, **_KEPT),
                grdp=words.number(part["grdp"], 0, **_KEPT),
                ref=part["ref"],
                derived=words("note.history_derived") if part["derived"] else "",
            )
            for part in facts["parts"]
        )
    elif code == "needed":
        sector = facts.get("sector", "total")
        said["sector"] = "" if sector == "total" else f" ({words.get(f'sector.{sector}', sector)})"
    return words(f"note.{code}", **said)


def say_series_list(series: list[dict], words: Words) -> str:
    """Series of figures (place, measure, first and last year, figures: a calibration's or
    a pace's) joined by '; ': "Cả nước theo thước đo GSO, 2020-2025 (6 số liệu)"."""
    from dxecon.present.tables import geography_codes

    if not series:
        return words("note.calib_none")
    return "; ".join(
        words(
            "note.calib_series",
            place=words.place(one["geo"], geography_codes()),
            by=words.get(f"by.{one['method']}", one["method"]),
            years=one["first"] if one["first"] == one["last"] else f"{one['first']}-{one['last']}",
            points=words.count("figure", one["points"]),
        )
        for one in series
    )


#: Facts that list the published figures a statistic rests on (`say_evidence`).
EVIDENCE_KEYS = ("evidence", "levels", "real", "gdp")


def say_evidence(parts: list[dict], words: Words, *, named: str | None = None) -> str:
    """The figures a statistic rests on (`dxecon.models.scenarios.history.evidence`), by
    boundary: "<the place's name>: 2019 OBS0052 (S1), 2020 OBS0056 (S3); ..."; the figures
    of ``named`` (the boundary the sentence names already) without its name."""
    from dxecon.present.tables import geography_codes

    def figures(part: dict) -> str:
        listed = ", ".join(f"{year} {reference}" for year, reference in part["refs"])
        if part["geo"] == named:
            return listed
        # a merged place's predecessors combined (`history.merged_growth`): "A+B"
        geos = part["geo"].split("+")
        return f"{words.join(words.place(g, geography_codes()) for g in geos)}: {listed}"

    return "; ".join(map(figures, parts))


def _part(part: dict, words: Words, place) -> str:
    """A part of the merged city in an old-boundary note: its latest figure, or none."""
    if "value" not in part:
        return words("note.part_none", part=place(part["part"]))
    method = part.get("method") or "other"
    return words(
        "note.part",
        part=place(part["part"]),
        value=words.number(part["value"], 2, strip=True),
        year=part["year"],
        method=words.get(f"method.{method}", method),
        source=part["source"],
    )


def say_notes(cell, words: Words) -> str:
    """A scorecard row's ``note_codes`` cell as text: its notes worded, joined by '; '
    (an empty text where there is none)."""
    from dxecon.models.scenarios.scorecard import note_codes

    return "; ".join(say_note(note, words) for note in note_codes(cell))


def say_facts(cell, words: Words):
    """A cell as a reader sees it: recorded notes (`dxecon.core.facts.facts_cell`) worded
    and joined by '; '; any other value as it is."""
    from dxecon.core.facts import facts_of, is_facts_cell

    if not is_facts_cell(cell):
        return cell
    return "; ".join(say_note(note, words) for note in facts_of(cell))


def say_series(cell, words: Words):
    """A forecast series' id (`dxecon.models.forecast.catalog.CatalogEntry.label`:
    indicator / place / sector / measure / price basis codes) in words: "Tỷ trọng kinh tế
    số trong GRDP, theo thước đo GSO, giá hiện hành, Việt Nam"; any other text as it is."""
    from dxecon.present.tables import code_list, geography_codes

    parts = str(cell).split(" / ") if isinstance(cell, str) else []
    places = geography_codes()
    if len(parts) < 3 or parts[1] not in set(places["code"]):
        return cell
    indicator, geo, *rest = parts
    said = words.get(f"indicator.{indicator}", indicator)
    named = [said[:1].upper() + said[1:]]
    for code in rest:
        if code in code_list("sectors"):
            if code != "total":
                named.append(words.get(f"sector.{code}", code))
        elif code in code_list("methods"):
            named.append(words.get(f"by.{code}", code))
        else:
            named.append(words.get(f"price_basis.{code}", code))
    return ", ".join([*named, words.place(geo, places)])


def say_field(cell, words: Words):
    """A scenario field's path in words: "sectors.ind_con.intensity.speed" -> "Công nghiệp
    và xây dựng: tốc độ lan tỏa số hóa" (the sector's name, then the catalogue's
    ``field.<rest>``); a path the catalogue lacks as it is."""
    if not isinstance(cell, str):
        return cell
    parts = cell.split(".")
    if parts[0] == "sectors" and len(parts) >= 3:
        field = ".".join(parts[2:])
        sector = words.get(f"sector.{parts[1]}", parts[1])
        said = words.get(f"field.{field}", None)
        return cell if said is None else f"{sector[:1].upper()}{sector[1:]}: {said}"
    said = words.get(f"field.{cell}", cell)
    return said[:1].upper() + said[1:]


# -- the scorecard's other recorded cells (JSON facts, `dxecon.models.scenarios.scorecard`) --
def say_source(cell, words: Words) -> str:
    """A figure's source: a published figure's ``"<obs id> (<source id>)"`` as it is (the
    references of ``data/``), an estimate's by the catalogue's
    ``figure.estimate.<estimator>`` (its lowest sector by name)."""
    from dxecon.models.scenarios.scorecard import figure_source

    source = figure_source(cell)
    if not isinstance(source, dict):
        return source
    facts = {key: value for key, value in source.items() if key != "estimator"}
    if "lowest" in facts:
        facts["lowest"] = words.get(f"sector.{facts['lowest']}", facts["lowest"])
    return words(f"figure.estimate.{source['estimator']}", **facts)


def say_other_boundary(cell, words: Words) -> str:
    """A figure of another boundary (``other_boundary``): its value, the place by its name,
    its year, its measure (an estimate has none) and its source."""
    from dxecon.models.scenarios.scorecard import figure_cell
    from dxecon.present.tables import geography_codes

    figure = figure_cell(cell)
    if figure is None:
        return ""
    said = {
        "value": words.number(figure["value"], 2, strip=True),
        "place": words.place(figure["geo"], geography_codes()),
        "year": figure["year"],
        "source": say_source(figure["source"], words),
    }
    if isinstance(figure["source"], dict):  # an estimate: its source says how it is made
        return words("figure.other_estimate", **said)
    method = figure["method"] or "other"
    return words("figure.other", method=words.get(f"method.{method}", method), **said)


def say_levels(cell, words: Words) -> str:
    """A goal's earlier levels (``earlier_levels``): each level, the instrument that set it
    by its name, and its status, joined by '; '."""
    from dxecon.models.scenarios.scorecard import note_codes
    from dxecon.present.tables import instrument_name

    return "; ".join(
        words(
            "level.earlier",
            value=words.number(level["value"], 2, strip=True),
            instrument=instrument_name(level["instrument"], words),
            status=words.status(level["status"]),
        )
        for level in note_codes(cell)
    )


def say_readings(cell, words: Words) -> str:
    """A goal's other readings (``other_readings``): each reading's basis, form and years,
    its probability (whole per cent) and median, joined by '; '."""
    from dxecon.models.scenarios.scorecard import note_codes

    return "; ".join(
        words(
            f"reading.{reading['reading']}",
            basis=words.get(f"explorer.basis.{reading['basis']}", reading["basis"]),
            first=reading["first"],
            last=reading["last"],
            probability=words.probability(reading["probability"]),
            median=words.number(reading["median"], 1, trim=False),
        )
        for reading in note_codes(cell)
    )
