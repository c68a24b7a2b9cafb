r"""Growth rates in per cent: the one place where rates compound, average and combine.

Every rate here is in per cent a period (a year, for this project's series). A level that
grows at :math:`g_1, \dots, g_n` per cent is multiplied by :math:`\prod_t (1 + g_t/100)`;
the *compound average* rate is the constant rate that multiplies it as much, which is what
"at least g % a year on average" is judged against (not the arithmetic mean of the rates:
+30 % then -10 % average +10 %, but the level rose only 17 % in two years, 8.2 % a year).

Rates of a product or a ratio of two quantities combine the same way: nominal growth is
real growth times the deflator's growth, labour productivity's growth is output's growth
over employment's.

Every function takes numbers, numpy arrays or pandas objects (element-wise, index kept);
:func:`growth_factor`, :func:`growth_index` and :func:`compound_growth` also take a list.
"""

from __future__ import annotations

import numpy as np


def growth_from_ratio(ratio, years=1):
    r"""The compound rate a period, in per cent, of a level multiplied by ``ratio`` in
    ``years`` periods.

    .. math:: g = 100\left[\left(\frac{L_T}{L_0}\right)^{1/n} - 1\right],
              \qquad \frac{L_T}{L_0} = \text{ratio},\ n = \text{years}

    With ``years`` 1 it is the plain growth between two levels, :math:`100\,(L_1/L_0 - 1)`;
    ``years`` must be positive.

    >>> round(float(growth_from_ratio(1.21, 2)), 6)
    10.0
    >>> round(float(growth_from_ratio(221.9 / 199.3)), 2)
    11.34
    """
    return 100.0 * (ratio ** (1.0 / years) - 1.0)


def growth_factor(rates_pct, axis=-1):
    r"""How many times a level grows over yearly rates :math:`g_t` (per cent) along
    ``axis``: :math:`\prod_t (1 + g_t/100)`.

    >>> round(float(growth_factor([10.0, 10.0])), 6)
    1.21
    """
    return np.prod(1.0 + np.asarray(rates_pct, dtype=float) / 100.0, axis=axis)


def growth_index(rates_pct, axis=-1):
    r"""The level index (1 before the first rate) after each of the yearly rates
    :math:`g_t` (per cent) along ``axis``: :math:`I_t = \prod_{u \le t} (1 + g_u/100)`.

    >>> [round(float(v), 6) for v in growth_index([10.0, 10.0, -50.0])]
    [1.1, 1.21, 0.605]
    """
    return np.cumprod(1.0 + np.asarray(rates_pct, dtype=float) / 100.0, axis=axis)


def compound_growth(rates_pct, axis=-1):
    r"""Compound average of yearly rates :math:`g_1, \dots, g_n` (per cent) along ``axis``.

    .. math:: \bar g = 100\left[\Big(\prod_{t=1}^{n} (1 + g_t/100)\Big)^{1/n} - 1\right]

    >>> round(float(compound_growth([30.0, -10.0])), 2)
    8.17
    """
    rates = np.asarray(rates_pct, dtype=float)
    return growth_from_ratio(growth_factor(rates, axis=axis), rates.shape[axis])


def growth_of_product(a_pct, b_pct):
    r"""Growth of a product :math:`X = A B` from the growth of its factors, in per cent,
    e.g. nominal growth from real growth and the deflator's.

    .. math:: 1 + g_X/100 = (1 + g_A/100)(1 + g_B/100)

    >>> round(float(growth_of_product(10.0, 5.0)), 6)
    15.5
    """
    return 100.0 * ((1.0 + a_pct / 100.0) * (1.0 + b_pct / 100.0) - 1.0)


def growth_of_ratio(numerator_pct, denominator_pct):
    r"""Growth of a ratio :math:`X = A / B` from the growth of its terms, in per cent, e.g.
    real growth from nominal growth and the deflator's, or labour productivity's growth
    from output's and employment's: the inverse of :func:`growth_of_product`.

    .. math:: 1 + g_X/100 = \frac{1 + g_A/100}{1 + g_B/100}

    >>> round(float(growth_of_ratio(15.5, 5.0)), 6)
    10.0
    """
    return 100.0 * ((1.0 + numerator_pct / 100.0) / (1.0 + denominator_pct / 100.0) - 1.0)
