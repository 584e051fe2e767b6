"""SMS, push and in-app messages: plain text with slot tokens, no Markdown.

These channels show text as written, so copy is not parsed as Markdown; control lines are
joined (see :meth:`.protect.Slots.protect`) so every dialect prints the same lines.
"""

from __future__ import annotations

from ..model.moment import CopySection
from .outputs import PushOut
from .protect import Slots


def sms_text(section: CopySection, slots: Slots) -> str:
    """The SMS body with tokens."""
    return slots.protect(section.body.strip(), join_lines=True).text


def push_message(section: CopySection, slots: Slots) -> PushOut:
    """Title, body and deep link of a push (or in-app) message, with tokens."""
    return PushOut(
        title=slots.protect(section.field_value("title")).text,
        body=slots.protect(section.body.strip(), join_lines=True).text,
        link=slots.protect(section.field_value("link")).text,
    )
