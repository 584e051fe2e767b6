"""A/B statistics (results/stats.py) against scipy, computed here, and as properties."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats as sps

from micromoments.results.stats import (
    Arm,
    about,
    alternative_rate,
    proportion_ci,
    remaining_per_arm,
    sample_size_per_arm,
    two_proportion_test,
    verdict,
)

# (control n, control successes, treatment n, treatment successes)
CASES = [
    pytest.param(9_000, 729, 9_000, 846, id="abandoned-cart-like"),
    pytest.param(5, 1, 5, 4, id="tiny-n5"),
    pytest.param(5, 0, 5, 2, id="tiny-zero-conversions"),
    pytest.param(1_000, 0, 1_000, 12, id="zero-conversions-in-control"),
    pytest.param(200, 200, 200, 190, id="hundred-percent-in-control"),
    pytest.param(1_200, 96, 800, 80, id="unequal-arms"),
    pytest.param(10**8, 5 * 10**7, 10**8, 50_010_000, id="huge-n1e8"),
    pytest.param(10**8, 10**6, 10**8, 1_010_000, id="huge-n1e8-tiny-p"),
    pytest.param(30, 3, 4_000_000, 400_123, id="lopsided"),
]


def scipy_p(na: int, sa: int, nb: int, sb: int) -> tuple[float, float]:
    """(p-value, chi-square statistic) of the 2x2 table without continuity correction.

    The chi-square test of independence on a 2x2 table equals the two-sided pooled z-test:
    chi2 = z², same p-value.
    """
    table = np.array([[sa, na - sa], [sb, nb - sb]], dtype=float)
    result = sps.chi2_contingency(table, correction=False)
    return float(result[1]), float(result[0])


@pytest.mark.parametrize(("na", "sa", "nb", "sb"), CASES)
def test_z_test_matches_scipy_chi_square(na: int, sa: int, nb: int, sb: int) -> None:
    test = two_proportion_test(Arm(na, sa), Arm(nb, sb))
    p_ref, chi2_ref = scipy_p(na, sa, nb, sb)
    assert test.p_value is not None and test.z is not None
    assert test.p_value == pytest.approx(p_ref, rel=1e-7, abs=1e-300)
    assert test.z**2 == pytest.approx(chi2_ref, rel=1e-7)
    assert test.difference is not None
    assert test.difference == pytest.approx(sb / nb - sa / na, abs=1e-15)
    # the sign of z follows the difference (treatment minus control)
    assert math.copysign(1, test.z) == math.copysign(1, test.difference) or test.z == 0


def test_p_value_far_in_the_tail_keeps_precision() -> None:
    # z ≈ 36: 2 * (1 - cdf) would round to 0; scipy's chi2 survival function does not.
    test = two_proportion_test(Arm(10**8, 10**6), Arm(10**8, 1_050_000))
    p_ref, _ = scipy_p(10**8, 10**6, 10**8, 1_050_000)
    assert test.p_value is not None and test.p_value > 0
    assert test.p_value == pytest.approx(p_ref, rel=1e-6)


@pytest.mark.parametrize(("na", "sa", "nb", "sb"), CASES)
def test_wald_interval_uses_unpooled_binomial_variance(na: int, sa: int, nb: int, sb: int) -> None:
    test = two_proportion_test(Arm(na, sa), Arm(nb, sb), alpha=0.05)
    var = sps.binom(na, sa / na).var() / na**2 + sps.binom(nb, sb / nb).var() / nb**2
    if var == 0:
        assert test.ci_low is None and test.ci_high is None
        return
    half = sps.norm.ppf(0.975) * math.sqrt(var)
    diff = sb / nb - sa / na
    assert test.ci_low == pytest.approx(max(-1.0, diff - half), rel=1e-9, abs=1e-12)
    assert test.ci_high == pytest.approx(min(1.0, diff + half), rel=1e-9, abs=1e-12)


def test_wald_interval_covers_the_true_difference_about_95_percent_of_the_time() -> None:
    rng = np.random.default_rng(20260101)
    n, p_a, p_b, runs = 2_000, 0.10, 0.12, 4_000
    a = rng.binomial(n, p_a, size=runs)
    b = rng.binomial(n, p_b, size=runs)
    covered = 0
    for sa, sb in zip(a.tolist(), b.tolist(), strict=True):
        test = two_proportion_test(Arm(n, sa), Arm(n, sb))
        assert test.ci_low is not None and test.ci_high is not None
        covered += test.ci_low <= p_b - p_a <= test.ci_high
    assert 0.935 <= covered / runs <= 0.965


def test_ninety_percent_interval_is_narrower() -> None:
    wide = two_proportion_test(Arm(4_000, 320), Arm(4_000, 380), alpha=0.05)
    narrow = two_proportion_test(Arm(4_000, 320), Arm(4_000, 380), alpha=0.10)
    assert wide.ci_low is not None and narrow.ci_low is not None
    assert wide.ci_high is not None and narrow.ci_high is not None
    assert wide.ci_low < narrow.ci_low < narrow.ci_high < wide.ci_high


@pytest.mark.parametrize(("k", "n"), [(0, 10), (3, 10), (10, 10), (0, 1), (37, 12_000), (5, 10**8)])
def test_wilson_interval_matches_scipy(k: int, n: int) -> None:
    ours = proportion_ci(k, n, 0.05)
    ref = sps.binomtest(k, n).proportion_ci(confidence_level=0.95, method="wilson")
    assert ours is not None
    assert ours[0] == pytest.approx(ref.low, abs=1e-12)
    assert ours[1] == pytest.approx(ref.high, abs=1e-12)


def test_empty_arm_is_not_enough_data_never_nan() -> None:
    for control, treatment in ((Arm(0, 0), Arm(100, 10)), (Arm(100, 10), Arm(0, 0)),
                               (Arm(0, 0), Arm(0, 0))):  # fmt: skip
        test = two_proportion_test(control, treatment)
        assert test.p_value is None and test.z is None and test.difference is None
        assert not test.valid and not test.significant
        assert "no observations" in test.reason
        found = verdict(test, 500)
        assert found.kind == "not-enough-data" and found.winner is None
        assert "needs about 500 more per arm" in found.text
        assert proportion_ci(0, 0) is None


@pytest.mark.parametrize("rate", [0, 1])
def test_both_arms_identical_at_the_extremes(rate: int) -> None:
    n = 10_000
    test = two_proportion_test(Arm(n, rate * n), Arm(n, rate * n))
    assert test.z == 0.0 and test.p_value == 1.0
    assert test.ci_low is None and test.ci_high is None  # a zero-width interval would lie
    assert not test.valid
    assert all(not (isinstance(v, float) and math.isnan(v))
               for v in (test.z, test.p_value, test.difference))  # fmt: skip


def test_impossible_arms_are_refused() -> None:
    with pytest.raises(ValueError, match="impossible"):
        Arm(10, 11)
    with pytest.raises(ValueError, match="impossible"):
        Arm(-1, 0)


def reference_sample_size(p1: float, p2: float, alpha: float, power: float) -> int:
    """Fleiss' formula without continuity correction, with scipy's normal quantiles."""
    z_a, z_b = sps.norm.ppf(1 - alpha / 2), sps.norm.ppf(power)
    p_bar = (p1 + p2) / 2
    n: float = (z_a * math.sqrt(2 * p_bar * (1 - p_bar))
                + z_b * math.sqrt(p1 * (1 - p1) + p2 * (1 - p2))) ** 2 / (p1 - p2) ** 2  # fmt: skip
    return math.ceil(n - 1e-9)


@pytest.mark.parametrize(
    ("baseline", "mde", "alpha", "power", "direction", "p2"),
    [
        (0.081, 0.015, 0.05, 0.8, "up", 0.096),
        (0.5, 0.1, 0.05, 0.8, "up", 0.6),
        (0.08, 0.03, 0.05, 0.9, "down", 0.05),
        (0.0, 0.02, 0.05, 0.8, "up", 0.02),  # zero baseline
        (0.01, 0.02, 0.05, 0.8, "down", 0.03),  # 0.01 - 0.02 < 0: the other side is used
        (0.99, 0.05, 0.01, 0.8, "up", 0.94),  # 1.04 > 1: the other side is used
        (0.2, 0.0001, 0.05, 0.8, "up", 0.2001),  # a huge sample
    ],
)
def test_sample_size_matches_formula_with_scipy_quantiles(
    baseline: float, mde: float, alpha: float, power: float, direction: str, p2: float
) -> None:
    assert alternative_rate(baseline, mde, direction) == pytest.approx(p2)  # type: ignore[arg-type]
    ours = sample_size_per_arm(baseline, mde, alpha=alpha, power=power,
                               direction=direction)  # type: ignore[arg-type]  # fmt: skip
    assert ours == reference_sample_size(baseline, p2, alpha, power)


def exact_power(n: int, p1: float, p2: float, alpha: float) -> float:
    """The exact power of the pooled two-sided z-test at n per arm, from binomial pmfs."""
    x = np.arange(n + 1)
    pa = sps.binom.pmf(x, n, p1)
    pb = sps.binom.pmf(x, n, p2)
    xa, xb = np.meshgrid(x, x, indexing="ij")
    pooled = (xa + xb) / (2 * n)
    var = pooled * (1 - pooled) * (2 / n)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(var > 0, (xb - xa) / n / np.sqrt(var), 0.0)
    reject = np.abs(z) > sps.norm.ppf(1 - alpha / 2)
    return float((pa[:, None] * pb[None, :] * reject).sum())


@pytest.mark.parametrize(("baseline", "mde"), [(0.2, 0.1), (0.5, 0.1), (0.3, 0.12)])
def test_sample_size_gives_the_promised_power(baseline: float, mde: float) -> None:
    n = sample_size_per_arm(baseline, mde, alpha=0.05, power=0.8)
    assert n is not None
    assert exact_power(n, baseline, baseline + mde, 0.05) == pytest.approx(0.8, abs=0.025)
    assert exact_power(n // 2, baseline, baseline + mde, 0.05) < 0.6


@pytest.mark.parametrize(("baseline", "mde"), [(1.5, 0.1), (-0.1, 0.1), (0.5, 0.6),
                                               (0.5, 0.0), (math.nan, 0.1)])  # fmt: skip
def test_sample_size_without_an_answer_is_none(baseline: float, mde: float) -> None:
    assert sample_size_per_arm(baseline, mde) is None


def test_verdict_calls_the_winner_only_when_significant_and_complete() -> None:
    significant = two_proportion_test(Arm(9_000, 729), Arm(9_000, 846))
    assert significant.significant
    won = verdict(significant, 5_627)
    assert (won.kind, won.winner, won.more_per_arm) == ("winner", "B", 0)
    assert won.text.startswith("B wins")
    early = verdict(significant, 12_000)
    assert early.kind == "early" and early.winner is None
    assert "needs about 3,000 more per arm" in early.text
    # for a metric where lower is better, B's higher rate makes the control the winner
    control = verdict(significant, 5_627, direction="down")
    assert control.winner == "A" and "the control is better" in control.text


def test_verdict_without_significance() -> None:
    small = two_proportion_test(Arm(800, 70), Arm(790, 80))
    assert not small.significant
    yet = verdict(small, 3_531)
    assert yet.kind == "no-difference-yet" and yet.winner is None
    assert yet.more_per_arm == 3_531 - 790
    assert "needs about 2,800 more per arm" in yet.text
    flat = two_proportion_test(Arm(20_000, 1_620), Arm(20_000, 1_640))
    done = verdict(flat, 5_627)
    assert done.kind == "no-meaningful-difference" and done.winner is None


def test_tiny_significant_sample_is_never_a_winner() -> None:
    # 0/5 vs 5/5 has p ≈ 0.002 under the normal approximation, which does not hold here.
    tiny = two_proportion_test(Arm(5, 0), Arm(5, 5))
    assert tiny.p_value is not None and tiny.p_value < 0.05
    assert not tiny.valid and not tiny.significant
    for required in (None, 1, 3_000):
        assert verdict(tiny, required).kind == "not-enough-data"


def test_about_rounds_up_to_two_significant_digits() -> None:
    assert [about(n) for n in (7, 99, 100, 2_741, 3_001, 123_456)] == [
        "7", "99", "100", "2,800", "3,100", "130,000"]  # fmt: skip


counts = st.integers(min_value=0, max_value=10**9)


@st.composite
def arms(draw: st.DrawFn, min_n: int = 0) -> Arm:
    n = draw(st.integers(min_value=min_n, max_value=10**9))
    return Arm(n, draw(st.integers(min_value=0, max_value=n)))


@settings(max_examples=300, deadline=None)
@given(arms(), arms(), st.sampled_from([0.01, 0.05, 0.1]))
def test_property_p_in_unit_interval_and_ci_contains_difference(a: Arm, b: Arm, alpha: float) -> None:  # fmt: skip
    test = two_proportion_test(a, b, alpha)
    for value in (test.z, test.p_value, test.difference, test.ci_low, test.ci_high):
        assert value is None or math.isfinite(value)
    if test.p_value is not None:
        assert 0.0 <= test.p_value <= 1.0
    if test.ci_low is not None and test.ci_high is not None and test.difference is not None:
        assert -1.0 <= test.ci_low <= test.difference <= test.ci_high <= 1.0
    found = verdict(test, None)
    if found.kind == "winner":
        assert test.p_value is not None and test.p_value < alpha and test.valid


@settings(max_examples=200, deadline=None)
@given(arms(min_n=1), arms(min_n=1), st.integers(min_value=1, max_value=1000))
def test_property_more_data_at_the_same_rates_never_raises_p(a: Arm, b: Arm, k: int) -> None:
    small = two_proportion_test(a, b)
    large = two_proportion_test(Arm(a.n * k, a.successes * k), Arm(b.n * k, b.successes * k))
    assert small.p_value is not None and large.p_value is not None
    assert large.p_value <= small.p_value * (1 + 1e-9) + 1e-15


@settings(max_examples=200, deadline=None)
@given(
    st.floats(min_value=0.0, max_value=1.0),
    st.floats(min_value=0.001, max_value=0.5),
    st.floats(min_value=0.0001, max_value=0.5),
    st.integers(min_value=0, max_value=10**7),
    st.integers(min_value=0, max_value=10**7),
)
def test_property_more_data_never_increases_needed_n(
    baseline: float, mde: float, bigger: float, n1: int, extra: int
) -> None:
    required = sample_size_per_arm(baseline, mde)
    if required is None:
        return
    before = remaining_per_arm(required, Arm(n1, 0), Arm(n1, 0))
    after = remaining_per_arm(required, Arm(n1 + extra, 0), Arm(n1 + extra, 0))
    assert before is not None and after is not None
    assert 0 <= after <= before
    # and a larger effect never needs more observations
    larger = sample_size_per_arm(baseline, mde + bigger)
    if larger is not None and alternative_rate(baseline, mde) == baseline + mde \
            and alternative_rate(baseline, mde + bigger) == baseline + mde + bigger:  # fmt: skip
        assert larger <= required


@given(st.integers(min_value=0, max_value=10**12))
def test_property_about_never_understates(n: int) -> None:
    assert int(about(n).replace(",", "")) >= n
