"""What a reader sees of a sweep (`dxecon.models.sweeps`): parameter and target labels,
the tables of notebook 07 in the reader's language, and its sentences (the failures, the
caption, what the tornado and the sample say). Every word from the catalogue
(`dxecon.present.words`), every number from the sweep's results.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np
import pandas as pd

from dxecon.present.words import Words

#: Distinct reasons of failed variants a summary shows (the rest are counted).
SHOWN_REASONS = 3
#: Assumptions per target the tornado table shows (the chart shows them all).
TORNADO_SHOWN = 4


def parameter_label(name: str, words: Words) -> str:
    """A sweep parameter (a dotted scenario path) in words: its field (``field.*``) and, for
    a sector's, the sector (``sector.*``); the path itself when the catalogue has no
    words for it."""
    parts = name.split(".")
    if parts[0] == "sectors" and len(parts) >= 3:
        what = words.get("field." + ".".join(parts[2:]), ".".join(parts[2:]))
        return words(
            "sweep.param_sector", what=what, sector=words.get(f"sector.{parts[1]}", parts[1])
        )
    return words.get(f"field.{name}", name)


def target_label(target, words: Words) -> str:
    """A key target (`dxecon.models.sweeps.KeyTarget`) in words: what, the level and the year
    ("digital economy at least 35% of GRDP in 2030")."""
    return words(
        f"sweep.target.{target.indicator}",
        comparator=words(f"sweep.cmp.{target.comparator}"),
        value=words.number(target.value, 2, strip=True),
        year=target.year,
        basis=words(f"explorer.basis.{target.basis}"),
    )


def target_unit(target, words: Words) -> str:
    return words(f"sweep.unit.{target.indicator}")


def key_targets_table(targets: Iterable, words: Words) -> pd.DataFrame:
    """The key targets a sweep scores: id, the target in words, how it is read."""
    rows = [
        {
            "target_id": t.target_id,
            "target": target_label(t, words),
            "reading": words(f"sweep.read.{t.indicator}", basis=words(f"explorer.basis.{t.basis}")),
        }
        for t in targets
    ]
    return pd.DataFrame(rows, columns=["target_id", "target", "reading"])


def ranges_table(sweep, words: Words) -> pd.DataFrame:
    """The swept assumptions (`Sweep.ranges`) as a reader checks them: the parameter and its
    meaning, the base value, the ends, and how the sample draws between them and where
    the ends come from."""
    ranges = sweep.ranges()
    shown = []
    for r in ranges.itertuples(index=False):
        if r.distribution == "grid":
            shape = words("sweep.range.grid", n=int(r.grid_values))
        elif r.distribution == "triangular":
            shape = words("sweep.range.triangular", mode=words.significant(r.centre))
        elif r.distribution == "normal":
            shape = words(
                "sweep.range.normal", mean=words.significant(r.centre), sd=words.significant(r.sd)
            )
        else:
            shape = words("sweep.range.uniform")
        if math.isnan(r.calibration_lower):
            shape += words("sweep.range.stated")
        else:
            shape += words(
                "sweep.range.calibrated",
                lower=words.number(r.calibration_lower, 1, strip=True),
                upper=words.number(r.calibration_upper, 1, strip=True),
            )
        shown.append(
            {
                "parameter": r.parameter,
                "meaning": parameter_label(r.parameter, words),
                "base": r.base,
                "low": r.low,
                "high": r.high,
                "range": shape,
            }
        )
    return pd.DataFrame(shown, columns=["parameter", "meaning", "base", "low", "high", "range"])


def tornado_table(tornado: pd.DataFrame, words: Words, shown: int = TORNADO_SHOWN) -> pd.DataFrame:
    """The strongest ``shown`` assumptions of each target (`SweepResult.tornado`), in words,
    probabilities in per cent."""
    top = tornado[tornado["rank"] <= shown].copy()
    for end in ("low", "base", "high"):
        top[f"probability_{end}"] = (100 * top[f"probability_{end}"]).round(0)
    top.insert(2, "meaning", [parameter_label(p, words) for p in top["parameter"]])
    columns = ["target_id", "rank", "meaning", "low_value", "high_value"]
    columns += [f"probability_{end}" for end in ("low", "base", "high")]
    columns += [f"median_{end}" for end in ("low", "base", "high")]
    return top[columns].round(2).reset_index(drop=True)


def surface_grid(grid: pd.DataFrame, words: Words) -> pd.DataFrame:
    """A probability surface (`SweepResult.surface`) in per cent, its axes in words."""
    shown = (100 * grid).round(0)
    shown.columns = [words.number(x, 3, strip=True) for x in grid.columns]
    shown.index = [words.number(y, 3, strip=True) for y in grid.index]
    corner = f"{parameter_label(str(grid.index.name), words)} \\ "
    corner += parameter_label(str(grid.columns.name), words)
    return shown.rename_axis(corner).reset_index()


def failure_summary(result, words: Words, shown: int = SHOWN_REASONS) -> str:
    """How many variants failed and why (the first ``shown`` distinct reasons)."""
    reasons = result.failure_reasons()
    total = words.number(len(result.table), 0)
    if reasons.empty:
        return words("sweep.failed.none", total=total)
    lines = [
        words(
            "sweep.failed.some",
            failed=words.number(int(reasons["variants"].sum()), 0),
            total=total,
            reasons=words.number(len(reasons), 0),
        )
    ]
    for row in reasons.head(shown).itertuples():
        lines.append(
            "- "
            + words(
                "sweep.failed.reason",
                reason=row.reason,
                count=words.number(row.variants, 0),
                first=row.first_variant,
            )
        )
    if len(reasons) > shown:
        lines.append("- " + words("sweep.failed.more", more=words.number(len(reasons) - shown, 0)))
    return "\n".join(lines)


def _draws(sweep, words: Words) -> str:
    return words("sweep.crn" if sweep.common_random_numbers else "sweep.own_seed")


def caption(sweep, registry, words: Words) -> str:
    """The source line of the sweep's charts: the Monte Carlo, the sweep, its base scenario
    and date, the instruments that set the key targets."""
    frame = registry.frame.set_index("target_id")
    instruments = dict.fromkeys(frame.loc[list(sweep.key_targets), "instrument"])
    return words(
        "sweep.caption",
        paths=words.number(sweep.paths, 0),
        draws=_draws(sweep, words),
        name=sweep.name,
        base=words.scenario(sweep.base),
        as_of=words.month(sweep.as_of),
        instruments=words.join(instruments),
    )


def summary(result, words: Words, *, file_samples: int | None) -> str:
    """What ran: the sweep, its base and date, the variants by group, the paths, the failures,
    and the sample's size here against the file's (`dxecon sweep` draws the file's)."""
    sweep = result.sweep
    counts = words.join(
        words(f"sweep.group.{group}", n=words.number(n, 0)) for group, n in sweep.counts().items()
    )
    return words(
        "sweep.summary",
        name=sweep.name,
        base=words.scenario(sweep.base),
        as_of=words.month(sweep.as_of),
        variants=words.number(len(result.table), 0),
        counts=counts,
        paths=words.number(sweep.paths, 0),
        draws=_draws(sweep, words),
        failed=words.number(len(result.failures()), 0),
        samples=words.number(sweep.samples or 0, 0),
        file_samples=words.number(file_samples or 0, 0),
    )


def monte_carlo_error_pp(paths: int, probability: float = 0.5) -> float:
    r"""Standard error of a probability estimated from ``paths`` independent paths, in
    percentage points: :math:`100 \sqrt{p (1 - p) / n}` (largest at :math:`p = 1/2`)."""
    if paths < 1:
        raise ValueError(f"paths must be at least 1; got {paths}")
    return 100.0 * float(np.sqrt(probability * (1.0 - probability) / paths))


def reading(
    tornado: pd.DataFrame,
    sample: pd.DataFrame,
    targets: Iterable,
    words: Words,
    *,
    paths: int,
    top: int = 2,
) -> str:
    """What a sweep says, target by target, from its tables (`SweepResult.tornado` and
    `SweepResult.sample_summary`): the assumptions that move each target most, the
    probability at base and at the best single end, and the sample's share of variants
    where the target is more likely than not."""
    w = words
    lines = []
    for target in targets:
        rows = tornado[tornado["target_id"] == target.target_id].sort_values("rank")
        if rows.empty:
            continue
        best = float(rows[["probability_low", "probability_high"]].max().max())
        moving = rows[(rows["probability_swing"] > 0) | (rows["median_swing"] > 0)].head(top)
        if moving.empty:
            movers = w("sweep.reading.none_moves")
        else:
            movers = w(
                "sweep.reading.moved_by",
                movers=w.join(
                    w(
                        "sweep.reading.mover",
                        meaning=parameter_label(row.parameter, w),
                        low=w.number(row.median_low, 1),
                        high=w.number(row.median_high, 1),
                        probability=w(
                            "sweep.reading.mover_probability",
                            low=w.number(100 * row.probability_low, 0),
                            high=w.number(100 * row.probability_high, 0),
                        )
                        if row.probability_swing > 0
                        else "",
                    )
                    for row in moving.itertuples()
                ),
            )
        mine = sample[sample["target_id"] == target.target_id]
        likely = (
            w("sweep.reading.likely", share=w.number(100 * mine["share_likely"].iloc[0], 0))
            if not mine.empty and pd.notna(mine["share_likely"].iloc[0])
            else ""
        )
        lines.append(
            "- "
            + w(
                "sweep.reading.target",
                target_id=target.target_id,
                target=target_label(target, w),
                median=w.number(rows["median_base"].iloc[0], 1),
                unit=target_unit(target, w),
                probability=w.number(100 * rows["probability_base"].iloc[0], 0),
                movers=movers,
                best=w("sweep.reading.best", probability=w.number(100 * best, 0))
                if best > 0
                else w("sweep.reading.no_chance"),
                likely=likely,
            )
        )
    lines.append(
        "- "
        + w(
            "sweep.reading.error",
            error=w.number(monte_carlo_error_pp(paths), 1),
            paths=w.number(paths, 0),
        )
    )
    return "\n".join(lines)
