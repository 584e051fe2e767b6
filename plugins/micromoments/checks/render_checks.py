"""Checks that need the rendered messages: SMS encoding and length, push limits, email.

They run on the sample-data previews (what a customer would receive); positions point back at
the copy in the moment's files.
"""

from __future__ import annotations

from collections.abc import Mapping

from ..context import Context
from ..diagnostics import Report
from ..model import Moment
from ..render.outputs import Rendition
from ..text.push import PushMessage
from .push import check_push
from .sms import check_sms

Previews = Mapping[tuple[str, str | None, str], Rendition]


def check_renditions(moment: Moment, ctx: Context, previews: Previews, report: Report) -> None:
    """Run every render-dependent check on the sample previews of a moment."""
    sample = {(loc, var): r for (loc, var, scenario), r in previews.items() if scenario == "sample"}
    options = ctx.config.options
    sms = {key: r.sms for key, r in sample.items() if r.sms is not None}
    if sms:
        check_sms(moment, sms, options, report)
    pushes = {
        key: PushMessage(r.push.title, r.push.body, r.push.link or None)
        for key, r in sample.items()
        if r.push is not None
    }
    if pushes:
        check_push(moment, pushes, options, report)
