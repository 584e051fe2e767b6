"""What rendering a moment produces, per locale and variant, before and after filling slots.

A :class:`Rendition` holds every channel's output with slot tokens still in place. Two things
are made from it: previews (tokens filled with a scenario's values, see :mod:`.fill`) and
production modules (tokens replaced by a dialect's merge tags, see :mod:`.dialects`). Each text
field is either HTML (values escaped) or plain text; :meth:`Rendition.transform` applies the
right replacement to each.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from ..model import DataField
from .protect import Slot

Fill = Callable[[str], str]


@dataclass(frozen=True, slots=True)
class EmailOut:
    """An email: subject and preheader (text), HTML, plain text and the MJML source."""

    subject: str
    preheader: str
    html: str
    text: str
    mjml: str
    template: str
    kind: str


@dataclass(frozen=True, slots=True)
class PushOut:
    """A push or in-app message: title, body and an optional deep link (all text)."""

    title: str
    body: str
    link: str


@dataclass(frozen=True, slots=True)
class WebOut:
    """A web fragment (e.g. a receipt page): title (text) and an HTML fragment."""

    title: str
    html: str


@dataclass(frozen=True)
class Rendition:
    """Every channel of one moment in one locale (and experiment variant)."""

    moment: str
    locale: str
    variant: str | None
    direction: str
    slots: Mapping[str, Slot]
    data: Mapping[str, DataField]
    email: EmailOut | None = None
    sms: str | None = None
    push: PushOut | None = None
    web: WebOut | None = None
    in_app: PushOut | None = None
    borrowed: tuple[str, ...] = ()  # channels whose copy came from the default locale
    meta: dict[str, Any] = field(default_factory=dict)

    def transform(self, html: Fill, text: Fill) -> Rendition:
        """The same rendition with ``html`` applied to HTML fields and ``text`` to the rest."""

        def push(p: PushOut | None) -> PushOut | None:
            return PushOut(text(p.title), text(p.body), text(p.link)) if p else None

        email = self.email
        if email is not None:
            email = replace(
                email,
                subject=text(email.subject),
                preheader=text(email.preheader),
                html=html(email.html),
                text=text(email.text),
                mjml=html(email.mjml),
            )
        web = WebOut(text(self.web.title), html(self.web.html)) if self.web else None
        return replace(
            self,
            email=email,
            sms=text(self.sms) if self.sms is not None else None,
            push=push(self.push),
            web=web,
            in_app=push(self.in_app),
        )

    def light(self) -> Rendition:
        """The same rendition without the bulky email HTML and MJML or its slots (texts stay)."""
        email = self.email
        if email is not None and (email.html or email.mjml):
            email = replace(email, html="", mjml="")
        elif not self.slots:
            return self  # light already (a cached moment's preview on a serve rebuild)
        return replace(self, email=email, slots={})

    @property
    def channels(self) -> list[str]:
        """The channels this rendition has output for."""
        pairs = (("email", self.email), ("sms", self.sms), ("push", self.push),
                 ("web", self.web), ("in-app", self.in_app))  # fmt: skip
        return [name for name, value in pairs if value is not None]
