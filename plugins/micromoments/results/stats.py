"""Statistics for A/B experiments on rate metrics, with the standard library only.

* :func:`two_proportion_test`: the two-sided two-proportion z-test. The test statistic uses
  the *pooled* standard error (under the null hypothesis both arms share one rate); the
  confidence interval of the difference uses the *unpooled* (Wald) standard error, because it
  describes the difference actually observed. Its p-value equals that of a chi-square test on the
  2x2 table without continuity correction.
* :func:`sample_size_per_arm`: the classic formula (Fleiss, without continuity correction) for
  the observations per arm needed to detect an absolute difference ``mde`` from a baseline rate:
  ``n = (z_{1-α/2}·√(2·p̄·(1-p̄)) + z_{1-β}·√(p1·(1-p1) + p2·(1-p2)))² / (p1-p2)²`` with
  ``p̄ = (p1+p2)/2``: the α term is pooled (the null), the power term unpooled (the alternative).
* :func:`verdict`: the plain-words conclusion. It never names a winner unless the difference is
  significant, the normal approximation holds, and the planned sample size has been reached.

Degenerate inputs (an empty arm, both arms at 0 % or 100 %) give ``None`` fields and a reason,
never ``nan``, ``inf`` or an exception.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist
from typing import Literal

Direction = Literal["up", "down"]
VerdictKind = Literal[
    "winner", "early", "no-difference-yet", "no-meaningful-difference", "not-enough-data"
]

_STANDARD_NORMAL = NormalDist()
MIN_EXPECTED = 5.0
"""Smallest expected count per cell of the 2x2 table for the normal approximation to hold."""


def z_quantile(probability: float) -> float:
    """The standard normal quantile (inverse CDF) at ``probability``."""
    return _STANDARD_NORMAL.inv_cdf(probability)


def two_sided_p(z: float) -> float:
    """The two-sided p-value of a standard normal statistic.

    ``erfc`` keeps precision far into the tails, where ``2 * (1 - cdf(|z|))`` rounds to zero.
    """
    return math.erfc(abs(z) / math.sqrt(2.0))


@dataclass(frozen=True, slots=True)
class Arm:
    """One variant's observations: ``successes`` out of ``n`` (conversions out of recipients)."""

    n: int
    successes: int

    def __post_init__(self) -> None:
        if self.n < 0 or self.successes < 0 or self.successes > self.n:
            raise ValueError(f"impossible arm: {self.successes} successes out of {self.n}")

    @property
    def rate(self) -> float | None:
        """The observed share, or None for an empty arm."""
        return self.successes / self.n if self.n else None

    @property
    def failures(self) -> int:
        """Observations that did not convert."""
        return self.n - self.successes


@dataclass(frozen=True, slots=True)
class ProportionTest:
    """The result of :func:`two_proportion_test` (treatment minus control)."""

    control: Arm
    treatment: Arm
    alpha: float
    difference: float | None
    z: float | None
    p_value: float | None
    ci_low: float | None
    ci_high: float | None
    valid: bool
    reason: str = ""

    @property
    def significant(self) -> bool:
        """True when the test is valid and its p-value is below alpha."""
        return self.valid and self.p_value is not None and self.p_value < self.alpha

    def to_json(self) -> dict[str, object]:
        """A JSON-ready mapping with stable keys."""
        return {
            "alpha": self.alpha,
            "difference": self.difference,
            "z": self.z,
            "p_value": self.p_value,
            "ci": [self.ci_low, self.ci_high] if self.ci_low is not None else None,
            "valid": self.valid,
            "reason": self.reason,
            "significant": self.significant,
        }


def two_proportion_test(control: Arm, treatment: Arm, alpha: float = 0.05) -> ProportionTest:
    """Two-sided pooled z-test of ``treatment.rate - control.rate`` and its Wald interval.

    ``valid`` is False (with a ``reason``) when an arm is empty or an expected count of the
    2x2 table is below :data:`MIN_EXPECTED`; the numbers are still given where they exist.
    """
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must be between 0 and 1, not {alpha}")
    empty = [name for name, arm in (("control", control), ("treatment", treatment)) if not arm.n]
    if empty:
        return ProportionTest(control, treatment, alpha, None, None, None, None, None, False,
                              f"no observations in the {' and '.join(empty)} arm")  # fmt: skip
    pa = control.successes / control.n
    pb = treatment.successes / treatment.n
    difference = pb - pa
    pooled = (control.successes + treatment.successes) / (control.n + treatment.n)
    pooled_var = pooled * (1.0 - pooled) * (1.0 / control.n + 1.0 / treatment.n)
    if pooled_var > 0:
        z = difference / math.sqrt(pooled_var)
        p_value = two_sided_p(z)
    else:
        # Both arms at 0 % (or both at 100 %): identical, so no evidence of a difference.
        z, p_value = 0.0, 1.0
    unpooled_se = math.sqrt(pa * (1 - pa) / control.n + pb * (1 - pb) / treatment.n)
    ci_low = ci_high = None
    if unpooled_se > 0:
        half = z_quantile(1 - alpha / 2) * unpooled_se
        ci_low, ci_high = max(-1.0, difference - half), min(1.0, difference + half)
    smallest = min(
        n * share
        for n in (control.n, treatment.n)
        for share in (pooled, 1.0 - pooled)
    )  # fmt: skip
    valid = smallest >= MIN_EXPECTED
    reason = "" if valid else (
        f"too few conversions (or non-conversions) for the normal approximation: an expected "
        f"count is {smallest:.1f}, below {MIN_EXPECTED:g}"
    )  # fmt: skip
    return ProportionTest(control, treatment, alpha, difference, z, p_value, ci_low, ci_high,
                          valid, reason)  # fmt: skip


def proportion_ci(successes: int, n: int, alpha: float = 0.05) -> tuple[float, float] | None:
    """The Wilson score interval of one arm's rate (None for an empty arm).

    Wilson rather than Wald because it stays inside 0..1 and does not collapse to a point at
    0 % or 100 %; it is used for the whiskers of the experiment chart.
    """
    arm = Arm(n, successes)
    if not arm.n:
        return None
    z = z_quantile(1 - alpha / 2)
    p = arm.successes / arm.n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    # The exact ends at 0 and n, without the float noise of centre - half (2.8e-17, not 0).
    low = 0.0 if arm.successes == 0 else max(0.0, centre - half)
    high = 1.0 if arm.successes == arm.n else min(1.0, centre + half)
    return low, high


def alternative_rate(baseline: float, mde: float, direction: Direction = "up") -> float | None:
    """The rate the experiment hopes for: ``baseline ± mde`` in the metric's direction.

    When that leaves 0..1 the other side is used (the test is two-sided); None when both do.
    """
    if not (math.isfinite(baseline) and math.isfinite(mde)) or mde <= 0:
        return None
    if not 0.0 <= baseline <= 1.0:
        return None
    step = mde if direction == "up" else -mde
    for candidate in (baseline + step, baseline - step):
        if 0.0 <= candidate <= 1.0:
            return candidate
    return None


def sample_size_per_arm(
    baseline: float,
    mde: float,
    *,
    alpha: float = 0.05,
    power: float = 0.8,
    direction: Direction = "up",
) -> int | None:
    """Observations per arm to detect an absolute difference ``mde`` from ``baseline``.

    Two-sided test at ``alpha`` with the given ``power``; see the module docstring for the
    formula. None when ``baseline`` is not a rate or ``baseline ± mde`` fits in 0..1 on
    neither side.
    """
    if not 0 < alpha < 1 or not 0 < power < 1:
        raise ValueError("alpha and power must be between 0 and 1")
    p2 = alternative_rate(baseline, mde, direction)
    if p2 is None:
        return None
    p1 = baseline
    p_bar = (p1 + p2) / 2
    z_alpha = z_quantile(1 - alpha / 2)
    z_beta = z_quantile(power)
    numerator = (
        z_alpha * math.sqrt(2 * p_bar * (1 - p_bar))
        + z_beta * math.sqrt(p1 * (1 - p1) + p2 * (1 - p2))
    ) ** 2
    exact = numerator / (p1 - p2) ** 2
    # A hair of tolerance so that 5626.000000001 (float noise) does not become 5627.
    return max(1, math.ceil(exact - 1e-9))


def remaining_per_arm(required: int | None, control: Arm, treatment: Arm) -> int | None:
    """How many more observations the smaller arm needs to reach ``required`` (0 when done)."""
    if required is None:
        return None
    return max(0, required - min(control.n, treatment.n))


@dataclass(frozen=True, slots=True)
class Verdict:
    """The plain-words conclusion of an experiment comparison."""

    kind: VerdictKind
    text: str
    winner: str | None = None
    more_per_arm: int | None = None

    def to_json(self) -> dict[str, object]:
        """A JSON-ready mapping with stable keys."""
        return {"kind": self.kind, "text": self.text, "winner": self.winner,
                "more_per_arm": self.more_per_arm}  # fmt: skip


def about(count: int) -> str:
    """A count rounded up to two significant digits, with thousands separators: 2,400."""
    if count < 100:
        return f"{count:,}"
    step = 10 ** (len(str(count)) - 2)
    return f"{math.ceil(count / step) * step:,}"


def format_p(p: float) -> str:
    """``p = 0.023`` or ``p < 0.001``."""
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


def verdict(
    test: ProportionTest,
    required_per_arm: int | None,
    *,
    control: str = "A",
    treatment: str = "B",
    direction: Direction = "up",
) -> Verdict:
    """Conclude a comparison: a winner only when it is significant *and* the plan is complete.

    Stopping at the first significant look inflates false winners (a 5 % test checked weekly
    calls far more than 5 % of null effects), so a significant lead before each arm has
    ``required_per_arm`` observations is reported as ``early``, not as a win.
    """
    more = remaining_per_arm(required_per_arm, test.control, test.treatment)
    needs = f"; needs about {about(more)} more per arm" if more else ""
    if test.p_value is None or test.difference is None:
        return Verdict("not-enough-data", f"Not enough data yet ({test.reason}){needs}",
                       more_per_arm=more)  # fmt: skip
    p_text = format_p(test.p_value)
    if test.p_value < test.alpha:
        if not test.valid:
            return Verdict("not-enough-data",
                           f"Not enough data yet: too few conversions for a reliable test{needs}",
                           more_per_arm=more)  # fmt: skip
        treatment_better = test.difference > 0 if direction == "up" else test.difference < 0
        leader = treatment if treatment_better else control
        if more:
            return Verdict("early", f"{leader} is ahead ({p_text}) but it is too early to call: "
                           f"needs about {about(more)} more per arm", more_per_arm=more)  # fmt: skip
        text = f"{treatment} wins ({p_text})" if treatment_better else (
            f"{control} wins: the control is better ({p_text})")  # fmt: skip
        return Verdict("winner", text, winner=leader, more_per_arm=more)
    if more == 0:
        return Verdict("no-meaningful-difference",
                       f"No meaningful difference: the planned sample is reached and {p_text}",
                       more_per_arm=0)  # fmt: skip
    return Verdict("no-difference-yet", f"No difference yet ({p_text}){needs}", more_per_arm=more)
