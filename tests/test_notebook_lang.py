"""The notebooks' `lang`: one catalogue, both languages; tables shown in the language keep
their machine-readable columns when saved."""

from __future__ import annotations

import pandas as pd
import pytest

from dxecon.pipeline.run import plan_tasks
from dxecon.pipeline.suite import suite
from dxecon.present.words import LANGUAGES, catalogue


def test_every_notebook_key_has_both_languages():
    keys = [k for k in catalogue() if k.startswith(("chart.", "nb."))]
    assert keys
    for key in keys:
        assert set(catalogue()[key]) == set(LANGUAGES), key
        assert all(catalogue()[key][lang].strip() for lang in LANGUAGES), key


def test_runner_passes_the_language_to_every_notebook(tmp_path):
    notebooks = suite()
    assert all("lang" in nb.parameters for nb in notebooks)
    tasks = plan_tasks(notebooks, {"baseline": {}}, "2026-10", tmp_path, lang="en")
    assert tasks and all(task.parameters["lang"] == "en" for task in tasks)


def test_status_legend_names_every_status_in_the_language():
    from dxecon.models.scoring import ScoringConfig
    from dxecon.present.scenario_text import STATUS_ORDER, interval_text, status_legend
    from dxecon.present.words import Words

    config = ScoringConfig.from_yaml()
    for lang in LANGUAGES:
        legend, words = status_legend(config, lang), Words(lang)
        assert all(f"**{words.status(status)}**" in legend for status in STATUS_ORDER), lang
        assert f"{100 * config.on_track:.0f}%" in legend
    assert interval_text("vi") != interval_text("en")


def test_readable_translates_known_headers_and_statuses_keeps_the_frame():
    from dxecon.present.tables import readable

    frame = pd.DataFrame({"sector": ["agro"], "status": ["missed"], "x_unknown": [1]})
    frame = frame.set_index("sector")
    shown = readable(frame, "vi")
    assert list(shown.columns) == ["Đánh giá", "x_unknown"] and shown.index.name == "Ngành"
    assert shown.iloc[0, 0] == "không đạt"
    assert list(frame.columns) == ["status", "x_unknown"] and frame.iloc[0, 0] == "missed"
    assert readable(frame, "en").index.name == "Sector"


def test_a_missing_value_is_shown_as_a_dash_never_nan():
    import numpy as np
    import pandas as pd

    from dxecon.present.tables import table_html, table_text

    frame = pd.DataFrame({"median": [1.5, np.nan], "status": ["met", "no data"]})
    text, html = table_text(frame, "vi"), table_html(frame, "vi")
    assert "NaN" not in text and "NaN" not in html
    assert text.splitlines()[2].split()[0] == "-"  # row 1, the median column (no 0, 1 column)
    assert "<td>-</td>" in html and "1.5" in html


def test_a_key_written_twice_in_the_catalogue_is_refused(tmp_path, monkeypatch):
    from dxecon.present import words

    copy = tmp_path / "catalogue.yaml"
    copy.write_text(
        words.CATALOGUE.read_text(encoding="utf-8") + 'word.and: {vi: "và", en: "and"}\n',
        encoding="utf-8",
    )
    monkeypatch.setattr(words, "CATALOGUE", copy)
    words.catalogue.cache_clear()
    try:
        with pytest.raises(ValueError, match=r"keys written twice: word\.and"):
            words.catalogue()
    finally:
        words.catalogue.cache_clear()
