"""How a forecast is scored against the targets: ``params/targets.yaml``'s rules.

The targets themselves are data (`dxecon.data.targets.TargetRegistry`, ``data/targets.csv``);
which instruments are scored, which geographies count as the city, the status thresholds and
the readings of each indicator are parameters, read here.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from dxecon.core.errors import ParamsError
from dxecon.core.params import load_yaml, params_path, with_keys
from dxecon.data.targets import TARGETS_PARAMS_KEYS


@dataclass(frozen=True)
class Proxy:
    """A close measure of a target's indicator: shown as indicative, never scored. How it
    differs from the target is said in words (the catalogue's
    ``differs.<target indicator>.<proxy indicator>``)."""

    indicator: str


@dataclass(frozen=True)
class ScoringConfig:
    """How targets are scored (``params/targets.yaml``; every field documented there)."""

    instruments: tuple[str, ...] | None  # None: every instrument
    city_geographies: tuple[str, ...]
    successor_inherits_later_targets: bool
    on_track: float
    at_risk: float
    trend_min_points: int
    method_preference: tuple[str, ...]
    observed_as: dict[str, tuple[str, ...]]
    estimated: dict[str, str]
    proxies: dict[str, tuple[Proxy, ...]]
    source: str = "<code>"

    KEYS = TARGETS_PARAMS_KEYS

    @classmethod
    def from_yaml(
        cls, path: Path | str | None = None, *, place: str | None = None
    ) -> ScoringConfig:
        """Read and check ``params/targets.yaml`` (or another file of that layout) with the
        profile of ``place`` (None: the default place) laid over it."""
        from dxecon.core.places import lay_over, place_section

        path = Path(path) if path is not None else params_path("targets")
        data = lay_over(load_yaml(path), place_section("targets", place))
        return cls.from_mapping(data, file=str(path))

    @classmethod
    def from_mapping(cls, data: dict, *, file: str = "params/targets.yaml") -> ScoringConfig:
        """:meth:`from_yaml` on the file's mapping (a run's params, `Context.params`)."""
        data = with_keys(dict(data), cls.KEYS, file=file)
        instruments = data["instruments"]
        if instruments != "all" and not (
            isinstance(instruments, list)
            and instruments
            and all(isinstance(i, str) for i in instruments)
        ):
            raise ParamsError(file, "instruments", "expected 'all' or a list of instrument codes")
        thresholds = data["status_thresholds"]
        if not isinstance(thresholds, dict) or set(thresholds) != {"on_track", "at_risk"}:
            raise ParamsError(file, "status_thresholds", "expected on_track and at_risk")
        on_track, at_risk = (float(thresholds[k]) for k in ("on_track", "at_risk"))
        if not 0.0 < at_risk < on_track <= 1.0:
            raise ParamsError(
                file,
                "status_thresholds",
                f"expected 0 < at_risk < on_track <= 1, got {at_risk} and {on_track}",
            )
        proxies = {}
        for indicator, items in (data["proxies"] or {}).items():
            try:
                proxies[indicator] = tuple(Proxy(str(i["indicator"])) for i in items)
            except (TypeError, KeyError) as exc:
                raise ParamsError(
                    file, f"proxies.{indicator}", "expected a list of {indicator}"
                ) from exc
        trend = data["trend_min_points"]
        if isinstance(trend, bool) or not isinstance(trend, int) or trend < 2:
            raise ParamsError(
                file, "trend_min_points", f"expected a whole number >= 2, got {trend!r}"
            )
        return cls(
            instruments=None if instruments == "all" else tuple(instruments),
            city_geographies=tuple(data["city_geographies"]),
            successor_inherits_later_targets=bool(data["successor_inherits_later_targets"]),
            on_track=on_track,
            at_risk=at_risk,
            trend_min_points=trend,
            method_preference=tuple(str(m) for m in data["method_preference"]),
            observed_as={k: tuple(v) for k, v in (data["observed_as"] or {}).items()},
            estimated={str(k): str(v) for k, v in (data["estimated"] or {}).items()},
            proxies=proxies,
            source=file,
        )

    def status_from_probability(self, probability: float) -> str:
        """on track / at risk / off track, by the thresholds of the params file."""
        if probability >= self.on_track:
            return "on track"
        return "at risk" if probability >= self.at_risk else "off track"
