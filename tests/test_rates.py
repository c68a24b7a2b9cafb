"""Growth rates compound, average and combine one way (`dxecon.models.rates`): closed forms."""

from __future__ import annotations

import doctest

import numpy as np
import pandas as pd
import pytest

import dxecon.models.rates
from dxecon.models.rates import (
    compound_growth,
    growth_factor,
    growth_from_ratio,
    growth_index,
    growth_of_product,
    growth_of_ratio,
)


def test_the_doctests_hold():
    assert doctest.testmod(dxecon.models.rates).failed == 0


def test_a_constant_rate_is_its_own_compound_average():
    for rate in (-3.0, 0.0, 6.5, 16.0):
        level_ratio = (1 + rate / 100) ** 5
        assert growth_from_ratio(level_ratio, 5) == pytest.approx(rate)
        assert compound_growth(np.full(5, rate)) == pytest.approx(rate)


def test_compound_average_is_the_geometric_not_the_arithmetic_mean():
    # +30% then -10%: the level is 1.17 times as high, 8.17% a year, not 10%
    assert growth_factor([30.0, -10.0]) == pytest.approx(1.17)
    assert compound_growth([30.0, -10.0]) == pytest.approx(100 * (1.17**0.5 - 1))
    rates = np.array([[10.0, 10.0, 10.0], [0.0, 21.0, 0.0]])
    np.testing.assert_allclose(compound_growth(rates), [10.0, 100 * (1.21 ** (1 / 3) - 1)])
    np.testing.assert_allclose(compound_growth(rates.T, axis=0), compound_growth(rates))


def test_the_index_chains_the_rates_and_ends_at_the_factor():
    rates = np.array([[5.0, -2.0, 7.0], [1.0, 1.0, 1.0]])
    index = growth_index(rates, axis=1)
    np.testing.assert_allclose(index[:, -1], growth_factor(rates, axis=1))
    np.testing.assert_allclose(index[1], 1.01 ** np.arange(1, 4))
    # the index's own year-on-year growth gives the rates back
    levels = np.concatenate([[1.0], index[0]])
    np.testing.assert_allclose(growth_from_ratio(levels[1:] / levels[:-1]), rates[0])


def test_product_and_ratio_are_inverse():
    # nominal 15.5% = real 10% with a 5% deflator; and back
    assert growth_of_product(10.0, 5.0) == pytest.approx(15.5)
    assert growth_of_ratio(15.5, 5.0) == pytest.approx(10.0)
    # a 16% nominal target with a 0.89% deflator needs 14.97% real growth
    assert growth_of_ratio(16.0, 0.89) == pytest.approx(100 * (1.16 / 1.0089 - 1))
    # productivity = output / employment: 8% output and 2% more workers, 5.88% each
    assert growth_of_ratio(8.0, 2.0) == pytest.approx(100 * (1.08 / 1.02 - 1))
    a, b = np.array([-5.0, 0.0, 12.0]), np.array([3.0, -1.0, 0.5])
    np.testing.assert_allclose(growth_of_ratio(growth_of_product(a, b), b), a)


def test_pandas_keeps_its_index():
    levels = pd.Series([100.0, 110.0, 99.0], index=[2020, 2021, 2022])
    rates = growth_from_ratio(levels / levels.shift(1))
    assert list(rates.index) == [2020, 2021, 2022]
    assert np.isnan(rates[2020])
    assert rates[2021] == pytest.approx(10.0) and rates[2022] == pytest.approx(-10.0)
    spans = pd.Series([2, 0])  # a non-positive span is the caller's NaN
    assert growth_from_ratio(pd.Series([1.21, 1.1]), spans.where(spans > 0)).isna().tolist() == [
        False,
        True,
    ]
