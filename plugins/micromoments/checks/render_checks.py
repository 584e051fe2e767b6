"""Checks that need the rendered messages: SMS encoding and length, push limits, email.

They run on the sample-data previews (what a customer would receive); positions point back at
the copy in the moment's files, or, for problems of an email layout, at the template.
"""

from __future__ import annotations

from collections.abc import Mapping

from ..context import Context
from ..diagnostics import Report
from ..model import Moment
from ..render.outputs import Rendition
from ..suppress import read_suppressions
from ..text.push import PushMessage
from .email import check_email
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
    if any(r.email is not None for r in sample.values()):
        check_email(moment, ctx, previews, report)
    # inline suppressions of render-time rules (those of load-time rules applied when loading);
    # only files of rendered locales, or a directive there would look unused
    root = ctx.config.root
    rendered = {loc for loc, _variant, _scenario in previews}
    paths = dict.fromkeys(
        [moment.path, *(t.path for loc, t in moment.translations.items() if loc in rendered)]
    )
    read_suppressions(((root / p, p) for p in paths), moment.id).apply_to(report, "render")
