"""The report's words and numbers in its language: one catalogue file, Babel for numbers.

>>> words = Words("vi")
>>> words.number(1234.5, 1)
'1.234,5'
>>> words.percent(22.28)
'22,28%'
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import Counter
from functools import cache
from pathlib import Path

LANGUAGES = ("vi", "en")
CATALOGUE = Path(__file__).with_name("catalogue.yaml")
#: What a table shows for a missing value.
DASH = "-"


@cache
def catalogue() -> dict[str, dict[str, str]]:
    """Key -> {language: text}, from ``catalogue.yaml``. A key written twice is an error
    (YAML would keep the last silently, and two writers of one key would drift apart)."""
    import yaml

    class UniqueKeys(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # libyaml: 5x faster
        pass

    def mapping(loader, node, deep=False):
        keys = Counter(loader.construct_object(key, deep=deep) for key, _ in node.value)
        twice = sorted(key for key, count in keys.items() if count > 1)
        if twice:
            raise ValueError(f"{CATALOGUE}: keys written twice: {', '.join(map(str, twice))}")
        return loader.construct_mapping(node, deep=deep)

    UniqueKeys.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, mapping)
    with open(CATALOGUE, encoding="utf-8") as handle:
        return yaml.load(handle, Loader=UniqueKeys)


def check_language(lang: str) -> str:
    if lang not in LANGUAGES:
        from dxecon.core.errors import DxeconError

        raise DxeconError(f"--lang {lang!r}: the report is written in {' or '.join(LANGUAGES)}")
    return lang


class Words:
    """Labels and number formats of one language, about one place.

    ``place``: the code of the place profile whose names fill a catalogue entry's
    ``{place}`` (its name), ``{place_old}`` and ``{place_new}`` (its first and latest boundary
    codes); None: the default place. Read only when an entry names one of them.
    """

    def __init__(self, lang: str = "vi", place: str | None = None) -> None:
        self.lang = check_language(lang)
        self.place_code = place

    def __call__(self, key: str, **values) -> str:
        entry = catalogue().get(key)
        if entry is None:
            raise KeyError(f"catalogue.yaml has no key {key!r}")
        text = entry[self.lang]
        if "{place" in text:
            values = {**self.place_values(), **values}
        return text.format(**values)

    def place_values(self) -> dict[str, str]:
        """The values of the place placeholders (see the class)."""
        from dxecon.data.places import load_place

        place = load_place(self.place_code)
        return {
            "place": place.name(self.lang),
            "place_old": place.first,
            "place_new": place.current,
        }

    def get(self, key: str, default: str) -> str:
        entry = catalogue().get(key)
        return default if entry is None else entry[self.lang]

    def count(self, noun: str, n: int) -> str:
        """``n`` of ``noun`` in the language's plural form (CLDR's, via Babel): the
        catalogue's ``count.<noun>.one`` / ``count.<noun>.other`` with ``{n}`` filled in
        ('1 year', '2 years'; Vietnamese has one form: '1 năm', '2 năm')."""
        from babel import Locale

        form = Locale.parse(self.lang).plural_form(abs(int(n)))
        key = f"count.{noun}.{form}"
        return self(key if key in catalogue() else f"count.{noun}.other", n=self.number(n, 0))

    def status(self, status) -> str:
        return DASH if _missing(status) else self(f"status.{status}")

    def scenario(self, name: str) -> str:
        return self.get(f"scenario.{name}", name)

    def place(self, code, geographies) -> str:
        """A place by its code, named in the language (:meth:`named` in
        ``data/codes/geographies.csv``, ``geographies`` the loaded code list)."""
        return self.named(code, geographies)

    def named(self, code, codes) -> str:
        """A code of a code list that names its codes in each language (``codes``, the
        loaded list: ``data/codes/geographies.csv``, ``instruments.csv``) by its
        ``name_vi`` / ``name_en`` cell, its definition (``name``) where that cell is empty,
        the code where the list lacks it."""
        if _missing(code):
            return DASH
        table = codes.set_index("code")
        if code not in table.index:
            return str(code)
        row = table.loc[code]
        return str(row.get(f"name_{self.lang}") or row["name"])

    # -- numbers ---------------------------------------------------------------------------
    def number(self, value, digits: int = 2, *, trim: bool = True, strip: bool = False) -> str:
        """A number with the language's separators; ``-`` when missing. ``trim`` drops the
        decimals of a whole number, ``strip`` any trailing zero decimals (15.50 -> 15.5)."""
        from babel.numbers import format_decimal

        if _missing(value):
            return DASH
        value = float(value)
        if trim and float(round(value)) == round(value, digits):
            digits = 0
        while strip and digits and round(value, digits - 1) == round(value, digits):
            digits -= 1
        pattern = "#,##0" + ("." + "0" * digits if digits else "")
        return format_decimal(round(value, digits), format=pattern, locale=self.lang)

    def significant(self, value, figures: int = 3) -> str:
        """A number with at least two decimals and at least ``figures`` significant
        digits, trailing zeros stripped: 0.020336 -> '0,0203', 73.15 -> '73,15' (vi)."""
        if _missing(value) or float(value) == 0:
            return self.number(value)
        digits = max(2, figures - 1 - math.floor(math.log10(abs(float(value)))))
        return self.number(value, digits, strip=True)

    def percent(self, value, digits: int = 2) -> str:
        """``value`` already in per cent: 22.28 -> '22,28%' (vi)."""
        from babel.numbers import format_percent

        if _missing(value):
            return DASH
        pattern = "#,##0" + ("." + "0" * digits if digits else "") + "%"
        return format_percent(float(value) / 100.0, format=pattern, locale=self.lang)

    def probability(self, value) -> str:
        """A probability (0-1) as whole per cent, '<1' / '>99' at the ends."""
        if _missing(value):
            return DASH
        pct = 100.0 * float(value)
        if 0 < pct < 0.5:
            return "<1"
        if 99.5 <= pct < 100:
            return ">99"
        return self.number(pct, 0)

    def date(self, value) -> str:
        from babel.dates import format_date

        if _missing(value):
            return DASH
        if isinstance(value, str):
            if re.fullmatch(r"\d{4}", value):  # a year only
                return value
            if re.fullmatch(r"\d{4}-\d{2}", value):  # a month only
                return self.month(value)
            value = dt.date.fromisoformat(value[:10])
        return format_date(value, format="long", locale=self.lang)

    def month(self, as_of: str) -> str:
        """'2026-10' -> '10/2026' (vi) or 'October 2026' (en)."""
        from babel.dates import format_date

        year, month = (int(part) for part in as_of[:7].split("-"))
        if self.lang == "vi":
            return f"{month:02d}/{year}"
        return format_date(dt.date(year, month, 1), format="MMMM y", locale=self.lang)

    def year(self, value) -> str:
        return DASH if _missing(value) else str(int(float(value)))

    def text(self, value) -> str:
        return DASH if _missing(value) or str(value).strip() == "" else str(value)

    def join(self, items) -> str:
        """``["a", "b", "c"]`` -> 'a, b và c' (vi), 'a, b and c' (en)."""
        items = [str(item) for item in items]
        if len(items) <= 1:
            return "".join(items)
        return f"{', '.join(items[:-1])} {self('word.and')} {items[-1]}"


def explain(key: str, lang: str = "vi", place: str | None = None, **values):
    """A notebook's explanation from the catalogue, in ``lang``, about ``place`` (a profile
    code; None: the default place), as Markdown a notebook cell shows (``.data``: the text);
    ``values`` fill its placeholders."""
    from IPython.display import Markdown

    return Markdown(Words(lang, place)(key, **values))


def _missing(value) -> bool:
    if value is None:
        return True
    try:
        return bool(math.isnan(value))
    except TypeError:
        try:
            import pandas as pd

            return bool(pd.isna(value))
        except (TypeError, ValueError):
            return False
