"""The common steps of notebooks 01-04 and 08 (dxecon.pipeline.steps), called directly on
the shipped data: each produces exactly its catalogue outputs, and its key numbers are the
library's."""

from __future__ import annotations

import pandas as pd
import pytest

from dxecon.pipeline.catalogue import outputs_of
from dxecon.pipeline.context import Context
from dxecon.pipeline.steps import run_step
from tests.conftest import AS_OF


@pytest.fixture(scope="module")
def ctx(dataset):
    return Context(dataset, AS_OF, "vi")


@pytest.fixture(scope="module")
def overview_result(ctx):
    return run_step("data_overview", ctx)


def _names(step: str) -> set[str]:
    return {entry.name for entry in outputs_of(step)}


# -- data_overview (notebook 01) -----------------------------------------------------------
def test_data_overview_outputs_are_the_catalogues(overview_result, dataset):
    from dxecon.data import overview

    assert set(overview_result.outputs) == _names("data_overview")
    vintages = overview_result["vintages_de_share_vn"]
    pd.testing.assert_frame_equal(
        vintages, overview.vintages(dataset, "de_share", "VN", method="GSO")
    )
    chosen = overview_result["de_share_vn_chosen"].set_index("year")["value"]
    expected = dataset.series("de_share", "VN", method="GSO", as_of=AS_OF).values.dropna()
    assert chosen.to_dict() == expected.to_dict()
    assert dataset.checksum[:16] in overview_result["data_summary"]


def test_data_overview_lists_the_years_before_the_merger(overview_result, dataset):
    gaps = overview_result["gaps"].set_index("series")["missing years"]
    employment = dataset.series("employment", "HP", years=range(2015, 2025))
    assert gaps["employment / HP"] == ", ".join(map(str, employment.gaps))
    coverage = overview_result["coverage"].set_index("indicator")
    years = dataset.series("de_share", "VN", method="GSO").values.dropna().index
    assert coverage.loc["de_share", "VN"].startswith(f"{years.min()}-")


def test_data_overview_sentences_follow_the_language(dataset, overview_result):
    latest = dataset.series("de_share", "HP2025", method="GSO", as_of=AS_OF).values.dropna()
    vi = overview_result["de_share_boundary_sentence"]
    assert f"{latest.iloc[-1]:.2f}%".replace(".", ",") in vi and "thấp hơn" in vi
    english = run_step("data_overview", Context(dataset, AS_OF, "en"))
    assert "lower than" in english["de_share_boundary_sentence"]
    assert english["revisions_de_share_vn"] != overview_result["revisions_de_share_vn"]


def test_data_overview_applies_the_selection_overrides(dataset):
    ctx = Context(dataset, AS_OF, "vi", {"selection.yaml": {"undated": "exclude"}})
    result = run_step("data_overview", ctx)
    assert result.objects["dataset"].policy.undated == "exclude"
    assert dataset.policy.undated != "exclude"  # the shared dataset is left as it was
