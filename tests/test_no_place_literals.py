"""No place is named in the code: every geography code and place name of
data/codes/geographies.csv found in src/ (py, yaml) or a notebook's code and Markdown
fails, with file:line. A place's codes and names live in params/places/ and data/.

No geography code is typed in a params file outside params/places/ either (values and
comments): the nation's code lives in params/places/default.yaml, a place's in its profile.

The nation's *name* ("Vietnam", "Cả nước") is not scanned: the whole suite is about
Vietnamese provinces and the word is used in prose ("Vietnam's GSO share"); its *code* is
scanned like every other (it lives in params/places/default.yaml).
"""

from __future__ import annotations

import re

import nbformat
import pandas as pd

from dxecon.core import folders
from dxecon.core.places import PLACES_FOLDER

ROOT = folders.PROJECT_ROOT
#: Files that still name places, each removed by the phase that rewrites it.
#: Files allowed to name a place: none (the report reads its place from the run's manifest).
ALLOWED: set[str] = set()


def place_terms() -> list[str]:
    """Every code, and every name stripped of its qualifier ('Hai Phong (merged ...)' ->
    'Hai Phong'), of data/codes/geographies.csv; the nation's names left out."""
    table = pd.read_csv(folders.DATA_DIR / "codes" / "geographies.csv", dtype=str).fillna("")
    terms = set(table["code"])
    for row in table[table["kind"] != "country"].itertuples():
        for name in (row.name, row.name_en, row.name_vi):
            base = re.sub(r"\s+(city|province)$", "", re.split(r"[,(]", name)[0].strip())
            if base:
                terms.add(base)
    return sorted(terms, key=len, reverse=True)


#: Catalogue entries that word a data code list whose names hold a place name (a method's
#: publisher, e.g. a city's research institute): keyed data, not a sentence about a place.
CODE_LIST_KEYS = re.compile(r"^method\.[A-Z]")


def find_literals(lines: list[str], pattern: re.Pattern) -> list[tuple[int, str]]:
    return [(i, m.group(1)) for i, line in enumerate(lines, 1) for m in pattern.finditer(line)]


def code_pattern() -> re.Pattern:
    """Any geography code of data/codes/geographies.csv (the nation's included) as a word."""
    table = pd.read_csv(folders.DATA_DIR / "codes" / "geographies.csv", dtype=str)
    codes = sorted(table["code"], key=len, reverse=True)
    return re.compile(r"(?<![\w])(" + "|".join(map(re.escape, codes)) + r")(?![\w])")


def params_code_literals(params_dir) -> list[str]:
    """``file:line: code`` for every geography code in a params file of ``params_dir``
    outside its ``places/`` folder (the profiles and the nation's home)."""
    pattern, found = code_pattern(), []
    for path in sorted(params_dir.rglob("*.yaml")):
        rel = path.relative_to(params_dir).as_posix()
        if rel.startswith(f"{PLACES_FOLDER}/"):
            continue
        hits = find_literals(path.read_text(encoding="utf-8").splitlines(), pattern)
        found += [f"params/{rel}:{line}: {code}" for line, code in hits]
    return found


def test_no_place_literal_in_src_or_notebooks():
    terms = place_terms()
    pattern = re.compile(r"(?<![\w])(" + "|".join(map(re.escape, terms)) + r")(?![\w])")
    found = []
    for path in sorted(
        [*ROOT.joinpath("src").rglob("*.py"), *ROOT.joinpath("src").rglob("*.yaml")]
    ):
        rel = path.relative_to(ROOT).as_posix()
        if rel in ALLOWED:
            continue
        lines = path.read_text(encoding="utf-8").splitlines()
        if path.suffix == ".yaml":  # keyed code-list words are data
            lines = ["" if CODE_LIST_KEYS.match(line) else line for line in lines]
        hits = find_literals(lines, pattern)
        found += [f"{rel}:{line}: {term}" for line, term in hits]
    for path in sorted(ROOT.joinpath("notebooks").rglob("*.ipynb")):  # the explorer too
        rel = path.relative_to(ROOT).as_posix()
        for n, cell in enumerate(nbformat.read(path, as_version=4).cells):
            hits = find_literals(cell.source.splitlines(), pattern)
            found += [f"{rel} cell {n} line {line}: {term}" for line, term in hits]
    assert not found, "place literals outside params/places/ and data/:\n" + "\n".join(found)


def test_the_scan_finds_a_literal():
    terms = place_terms()
    pattern = re.compile(r"(?<![\w])(" + "|".join(map(re.escape, terms)) + r")(?![\w])")
    assert find_literals(['geo = "HP2025"', "Hải Phòng", "HPX", "the HP-SEDP plan"], pattern) == [
        (1, "HP2025"),
        (2, "Hải Phòng"),
        (4, "HP"),
    ]


def test_no_geography_code_in_params_outside_places():
    found = params_code_literals(folders.PARAMS_DIR)
    assert not found, "geography codes outside params/places/:\n" + "\n".join(found)


def test_the_params_scan_finds_a_code(tmp_path):
    (tmp_path / PLACES_FOLDER).mkdir()
    (tmp_path / PLACES_FOLDER / "default.yaml").write_text("nation: VN\n")
    (tmp_path / "scenarios").mkdir()
    (tmp_path / "measures.yaml").write_text("form: trend\npairs_geo: VN\n")
    (tmp_path / "scenarios" / "x.yaml").write_text("# the old city (HP), not HPX\nplan: HP-SEDP\n")
    assert params_code_literals(tmp_path) == [
        "params/measures.yaml:2: VN",
        "params/scenarios/x.yaml:1: HP",
        "params/scenarios/x.yaml:2: HP",
    ]
