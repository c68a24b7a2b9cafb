"""Which figure wins when several are published for the same year: the selection policy.

The policy is data-driven (``params/selection.yaml`` plus the ranks in the code lists) and
overridable per call. Every decision carries a reason a person can read.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pandas as pd

from dxecon.core.errors import ParamsError
from dxecon.core.params import check_keys, load_yaml, params_path

#: Ranking criteria. ``dated``: a figure whose row or source carries a publication date
#: before one that has none (its date is only assumed by the undated rule).
CRITERIA = ("source_kind", "dated", "published", "status")
UNDATED_RULES = ("assume_lag", "exclude", "include")


@dataclass(frozen=True)
class SelectionPolicy:
    """How one figure per year is chosen among published candidates.

    Attributes
    ----------
    order : tuple of str
        Criteria from :data:`CRITERIA`, most important first (default: official
        statistics over press, then dated over undated, then the newer vintage, then
        final over estimate).
    source_kind_rank, status_rank : mapping
        Overrides of the code lists' ``preference_rank`` (lower is preferred).
    undated : {'assume_lag', 'exclude', 'include'}
        What an as-of query does with figures that have no publication date.
    official_methods : tuple of str
        Methods of a statistics office (``GSO``): a figure computed by one of them ranks as
        official statistics whoever relays it (GSO's releases mostly reach the data through
        the press), so the messenger does not outrank a newer official vintage.
    undated_lag_months : int
        For ``assume_lag``: months after the reference period's end. Default: the one
        setting in ``params/selection.yaml``, so that no caller carries its own lag.
    """

    order: tuple[str, ...] = CRITERIA
    source_kind_rank: Mapping[str, int] = field(default_factory=dict)
    status_rank: Mapping[str, int] = field(default_factory=dict)
    undated: str = "assume_lag"
    undated_lag_months: int = field(default_factory=lambda: shipped_undated_lag())
    official_methods: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        bad = [c for c in self.order if c not in CRITERIA]
        if bad or len(set(self.order)) != len(self.order):
            raise ValueError(
                f"order {self.order!r}: use each of {', '.join(CRITERIA)} once at most"
            )
        if self.undated not in UNDATED_RULES:
            raise ValueError(f"undated {self.undated!r}: allowed {', '.join(UNDATED_RULES)}")
        if int(self.undated_lag_months) < 0:
            raise ValueError("undated_lag_months must be >= 0")

    @classmethod
    def from_yaml(cls, path: Path | str) -> SelectionPolicy:
        """Read a policy file (see ``params/selection.yaml``)."""
        return cls.from_mapping(load_yaml(path), file=str(path))

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any], *, file: str) -> SelectionPolicy:
        """A policy from the mapping of a policy file (``file`` names it in errors)."""
        fields = (
            "order",
            "source_kind_rank",
            "status_rank",
            "undated",
            "undated_lag_months",
            "official_methods",
        )
        check_keys(dict(data), fields, file=file)
        try:
            return cls(
                order=tuple(data.get("order", CRITERIA)),
                source_kind_rank=dict(data.get("source_kind_rank") or {}),
                status_rank=dict(data.get("status_rank") or {}),
                undated=str(data.get("undated", "assume_lag")),
                undated_lag_months=int(data.get("undated_lag_months", shipped_undated_lag())),
                official_methods=tuple(data.get("official_methods") or ()),
            )
        except (TypeError, ValueError) as exc:
            field_name = next((f for f in fields if f in str(exc)), None)
            raise ParamsError(file, field_name, str(exc)) from exc

    @classmethod
    def default(cls) -> SelectionPolicy:
        """The shipped policy, ``params/selection.yaml`` (it must exist: it holds the one
        undated-figure lag every caller uses)."""
        return cls.from_yaml(params_path("selection"))

    def with_(self, **changes: Any) -> SelectionPolicy:
        return replace(self, **changes)


def shipped_undated_lag() -> int:
    """``undated_lag_months`` of ``params/selection.yaml``: the one setting every caller uses.

    Raises ``ParamsError`` naming the file when the key is missing or not an integer.
    """
    path = params_path("selection")
    data = load_yaml(path)
    value = data.get("undated_lag_months")
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ParamsError(
            str(path),
            "undated_lag_months",
            f"expected a whole number of months >= 0 (e.g. 6); got {value!r}",
        )
    return value


def parse_as_of(as_of: str | dt.date | pd.Timestamp | None) -> pd.Timestamp | None:
    """``YYYY-MM`` means the end of that month; ``YYYY-MM-DD`` that day; None the latest."""
    if as_of is None:
        return None
    if isinstance(as_of, str):
        from dxecon.data.validate import parse_date

        parsed = parse_date(as_of.strip())
        if parsed is None:
            raise ValueError(f"as_of {as_of!r}: expected YYYY-MM or YYYY-MM-DD")
        return pd.Timestamp(parsed)
    return pd.Timestamp(as_of).normalize()


def effective_publication(obs: pd.DataFrame, policy: SelectionPolicy) -> pd.DataFrame:
    """Add ``published_effective`` and ``published_basis`` under the policy's undated rule."""
    out = obs.copy()
    dated = out["published_date"].notna()
    out["published_effective"] = out["published_date"]
    out["published_basis"] = out["published_from"].where(dated, "undated")
    # The kind that ranks: a statistics office's own figure counts as official statistics
    # whoever relays it.
    official = out["method"].isin(policy.official_methods) if "method" in out else False
    out["ranked_kind"] = out["source_kind"].where(~official, "official_statistics")
    if policy.undated == "assume_lag":
        lag = pd.DateOffset(months=int(policy.undated_lag_months))
        assumed = out.loc[~dated, "source_period_end"] + lag
        out.loc[~dated, "published_effective"] = assumed
        out.loc[~dated, "published_basis"] = (
            f"assumed: source's latest period end + {policy.undated_lag_months} months"
        )
    return out


def visible_as_of(obs: pd.DataFrame, as_of: pd.Timestamp | None, policy: SelectionPolicy):
    """Boolean mask of figures a reader could have seen on ``as_of``."""
    if as_of is None:
        return pd.Series(True, index=obs.index)
    known = obs["published_effective"].notna()
    if policy.undated == "include":
        return (~known) | (obs["published_effective"] <= as_of)
    return known & (obs["published_effective"] <= as_of)


def _sort_keys(cands: pd.DataFrame, policy: SelectionPolicy, ranks: dict[str, dict[str, int]]):
    keys = pd.DataFrame(index=cands.index)
    keys["source_kind"] = cands["ranked_kind"].map(
        {**ranks["source_kind"], **policy.source_kind_rank}
    )
    keys["status"] = cands["status"].map({**ranks["status"], **policy.status_rank})
    keys["dated"] = cands["published_date"].isna().astype(int)  # 0: dated, 1: undated
    # Newer first: sort ascending on the negated timestamp; unknown dates last.
    published = cands["published_effective"]
    keys["published"] = -(published.astype("int64").where(published.notna(), 0))
    return keys.fillna(99)


def _describe(criterion: str, row: dict) -> str:
    if criterion == "source_kind":
        ranked, kind = row["ranked_kind"], row["source_kind"]
        return str(ranked) if ranked == kind else f"{ranked} (via {kind})"
    if criterion == "dated":
        return "undated" if pd.isna(row["published_date"]) else "dated"
    if criterion == "published":
        value = row["published_effective"]
        return "undated" if pd.isna(value) else value.strftime("%Y-%m-%d")
    return str(row[criterion])


def choose(
    cands: pd.DataFrame,
    policy: SelectionPolicy,
    ranks: dict[str, dict[str, int]],
    *,
    by: str = "year",
) -> pd.DataFrame:
    """Mark one ``chosen`` row per ``by`` group among visible candidates, with reasons.

    Returns ``cands`` with columns ``chosen`` (bool) and ``reason`` (str) added.
    """
    out = cands.copy()
    out["chosen"] = False
    hidden = ~out["visible"]
    reasons = pd.Series("", index=out.index, dtype=object)
    reasons[hidden] = (
        "not visible as of the as-of date (published "
        + out.loc[hidden, "published_effective"].dt.strftime("%Y-%m-%d").fillna("undated")
        + ")"
    )
    visible = out[out["visible"]]
    if not visible.empty:
        keys = _sort_keys(visible, policy, ranks)
        order = [*policy.order, "obs_id"]
        keyed = keys[list(policy.order)].assign(obs_id=visible["obs_id"], group=visible[by])
        keyed = keyed.sort_values(["group", *order], kind="stable")
        winners = keyed.groupby("group", sort=False).head(1).index
        out.loc[winners, "chosen"] = True
        # Plain dicts: building the reasons row by row through pandas indexing was the
        # slowest part of a series query.
        rows = visible.to_dict("index")
        key_rows = keys.to_dict("index")
        group_of = visible[by].to_dict()
        winner_of = {group_of[w]: w for w in winners}
        sizes = visible[by].value_counts().to_dict()
        for idx, row in rows.items():
            win = winner_of[group_of[idx]]
            if idx == win:
                n = sizes[group_of[idx]]
                reasons[idx] = "only figure" if n == 1 else f"preferred among {n} figures"
                continue
            decided = next((c for c in policy.order if key_rows[idx][c] != key_rows[win][c]), None)
            winner_id = rows[win]["obs_id"]
            if decided is None:
                reasons[idx] = f"tie; {winner_id} has the lower obs_id"
            else:
                reasons[idx] = (
                    f"lost to {winner_id} on {decided}: "
                    f"{_describe(decided, row)} vs {_describe(decided, rows[win])}"
                )
    out["reason"] = reasons
    return out
