"""What the overview pages are given to show."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any, cast

from hypothesis import given, settings
from hypothesis import strategies as st

from micromoments.mkdocs.pages import journey

_PHASES = ["discover", "purchase", "deliver"]
_CHANNELS = ["email", "sms", "push", "web"]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from([*_PHASES, "", "unknown"]),
            st.lists(st.sampled_from(_CHANNELS), max_size=4),
        ),
        max_size=12,
    )
)
def test_each_journey_cell_holds_the_moments_of_its_phase_and_channel(
    moments: list[tuple[str, list[str]]],
) -> None:
    """A cell lists, in catalog order and once each, the moments of its phase that use its
    channel; every used channel has a row, every phase a column."""
    views = [SimpleNamespace(id=f"m{i}", phase=p, channels=c) for i, (p, c) in enumerate(moments)]
    site = cast(Any, SimpleNamespace(moments=views, phases=[(p, p.title()) for p in _PHASES],
                                     journey=None))  # fmt: skip
    grid = journey.context(site)["grid"]
    used = [c for c in _CHANNELS if any(c in v.channels for v in views)]
    assert set(grid) == {(p, c) for p in _PHASES for c in used}
    for (phase, channel), cell in grid.items():
        assert cell == [v for v in views if v.phase == phase and channel in v.channels]
