"""Email checks (MM3xx) on the final HTML of every email, with positions in the right file.

Every locale and variant of a moment's email is checked on its sample preview (what a customer
receives); links are also checked on the missing-data preview, where an empty fallback can
leave a link without a target. Each problem is reported where it can be fixed:

* problems of the moment's words (link text, image alt text, a relative link, text colour of
  a ``{.muted}`` paragraph, subject, preheader, size) at the line of the moment file that holds
  them, found by looking for the words in the copy section (the heading when they cannot be
  found, e.g. text that comes from sample data);
* problems of the layout (``lang`` and ``dir``, ``role`` on layout tables, the colours of the
  footer) once, at the template file and line, with ``moment=None``. The layout is checked on
  its own, around the specimen copy of :mod:`..clients.layout`, once per layout, kind, locale
  and direction, so a problem in a shared footer appears once, not once per moment.

The client-support check (:mod:`.clients`) is split the same way: features the layout's HTML
already has are reported at the template, features only a moment's copy brings (an SVG image, a
``mailto:`` link) at that moment's copy heading.

Every email is parsed once (:func:`..clients.tree.parse_email`, which also detects the caniemail
features; :class:`..clients.reparse.EmailParser` re-uses the part of the tree an email shares with
an earlier email of its layout), and what the layout alone produces is cached, so checking an
email takes a few milliseconds.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from html import unescape as html_unescape
from typing import TYPE_CHECKING, Any

from ..clients.data import load_dataset
from ..clients.reparse import shared_parser
from ..clients.tree import Element, EmailHtml, contrast, hex_color, parse_email, px
from ..context import Context
from ..diagnostics import Position, Report, Severity, rule
from ..model import Channel, DataField, Moment
from ..model.moment import CopySection
from ..render.outputs import Rendition
from .clients import DEFAULT_CLIENTS, client_diagnostic, client_findings, progressive_patterns

if TYPE_CHECKING:  # imported where used: clients.layout renders, and render imports the loader
    from ..clients.layout import Layouts, LayoutSources, Place

Previews = Mapping[tuple[str, str | None, str], Rendition]

# --- rules ---------------------------------------------------------------------------------------

SIZE_WARNING = rule(
    "MM301", "email-near-clip", Severity.WARNING, "email",
    "The email's HTML (with sample data) is close to the size at which Gmail clips it "
    "(option email_size_warn, default 90,000 bytes).",
    bad="a 95 KB email: 40 order lines with images, long footer",
    good="a 30 KB email: the order lines that matter, a link to the full order",
    fix="shorten the copy or link to the rest; each order line and image adds HTML",
)  # fmt: skip
SIZE_ERROR = rule(
    "MM302", "email-clipped", Severity.ERROR, "email",
    "The email's HTML (with sample data) is over 102 KB: Gmail shows only the first part and "
    "hides the rest, footer and unsubscribe link included (option email_size_error).",
    bad="a 110 KB email -> Gmail shows '[Message clipped] View entire message'",
    good="an email under 90 KB",
    fix="cut the email down: fewer blocks, fewer repeated rows, no long lists of products",
)  # fmt: skip
SUBJECT_LONG = rule(
    "MM303", "subject-too-long", Severity.WARNING, "email",
    "The subject (with sample data) is longer than the option subject_max (60 characters); "
    "phones show 30-40, so the point must come first.",
    bad="Subject: Vi vil gerne sige tusind tak for din ordre hos Lunden, {{ first_name }}",
    good="Subject: Tak for din ordre {{ order_number }}",
    fix="put what the email is about in the first 40 characters and cut the rest",
)  # fmt: skip
SUBJECT_SHORT = rule(
    "MM304", "subject-too-short", Severity.INFO, "email",
    "The subject (with sample data) is shorter than the option subject_min (10 characters) "
    "and says little about the email.",
    bad="Subject: Hej",
    good="Subject: Din pakke er på vej",
)  # fmt: skip
FAKE_PREFIX = rule(
    "MM305", "fake-reply-prefix", Severity.ERROR, "email",
    "The subject starts with a reply or forward prefix (Re:, Fwd:, SV:, VS:, AW:, WG:) that "
    "fakes a conversation; spam filters and customers both punish it.",
    bad="Subject: Re: Din ordre",
    good="Subject: Din ordre 100234 er afsendt",
    fix="remove the prefix; say what the email is about",
)  # fmt: skip
NO_PREHEADER = rule(
    "MM306", "missing-preheader", Severity.WARNING, "email",
    "The email has no Preheader, so inboxes show whatever text comes first (often the logo's "
    "alt text or 'View in browser').",
    bad="## Email\nSubject: Din pakke er på vej\n\n### Din pakke er på vej",
    good="## Email\nSubject: Din pakke er på vej\nPreheader: GLS leverer den i morgen mellem 8 og 16.",
    fix="add a line `Preheader: ...` right below the Subject",
)  # fmt: skip
PREHEADER_LENGTH = rule(
    "MM307", "preheader-length", Severity.WARNING, "email",
    "The preheader (with sample data) is shorter than the option preheader_min (30) or longer "
    "than preheader_max (110 characters); inboxes show about 40-100 characters of it.",
    bad="Preheader: Tak!",
    good="Preheader: Vi pakker den nu. Du kan forvente den fredag 27. marts.",
    fix="write one sentence that adds to the subject: what happens next, or when",
)  # fmt: skip
PREHEADER_REPEATS = rule(
    "MM308", "preheader-repeats-subject", Severity.WARNING, "email",
    "The preheader repeats the subject, wasting the second line of the inbox.",
    bad="Subject: Din pakke er på vej\nPreheader: Din pakke er på vej",
    good="Subject: Din pakke er på vej\nPreheader: GLS leverer den i morgen mellem 8 og 16.",
    fix="say something the subject does not: the date, the next step, the amount",
)  # fmt: skip
NO_TITLE = rule(
    "MM309", "missing-title", Severity.ERROR, "email",
    "The email's HTML has no `<title>` (or an empty one); screen readers and 'view in browser' "
    "pages announce it.",
    bad="<mj-head>\n  <mj-preview>{{ preheader }}</mj-preview>\n</mj-head>",
    good="<mj-head>\n  <mj-title>{{ subject }}</mj-title>\n</mj-head>",
    fix="add `<mj-title>{{ subject }}</mj-title>` to the layout's `<mj-head>`",
)  # fmt: skip
NO_ALT = rule(
    "MM310", "img-missing-alt", Severity.ERROR, "email",
    "An image has no alt attribute: screen readers read its file name, and clients that block "
    "images show nothing in its place.",
    bad='<img src="{{ asset(\'truck.png\') }}" width="64" />',
    good='<img src="{{ asset(\'truck.png\') }}" width="64" alt="Lastbil" />',
    fix='give the image an alt text that says what it shows (alt="" only for decoration)',
)  # fmt: skip
EMPTY_ALT = rule(
    "MM311", "img-empty-alt", Severity.WARNING, "email",
    "An image has an empty alt text but is not marked as decoration (`role=\"presentation\"` or "
    "`aria-hidden=\"true\"`); copy images are content, and a linked image without alt text leaves "
    "the link without a name.",
    bad="![](assets/havebaenk.png)",
    good="![Havebænk i teak, 150 cm](assets/havebaenk.png)",
    fix="write what the image shows between the brackets; in a layout, mark pure decoration "
        'with role="presentation"',
)  # fmt: skip
NO_LANG = rule(
    "MM312", "missing-lang", Severity.ERROR, "email",
    "`lang` is missing (or not the email's locale) on `<html>` or on the wrapper inside `<body>`. "
    "Webmail drops `<html>`, so screen readers need it on the wrapper too to pick the voice.",
    bad='<mjml>  (MJML then writes no lang)',
    good='<mjml lang="{{ lang }}" dir="{{ dir }}">',
    fix='write `<mjml lang="{{ lang }}" dir="{{ dir }}">` in the layout',
)  # fmt: skip
NO_DIR = rule(
    "MM313", "missing-dir", Severity.WARNING, "email",
    "`dir` is missing, `auto` or not the locale's direction on `<html>` or on the wrapper inside "
    "`<body>`; right-to-left locales need it, and left-to-right ones should say so too.",
    bad='<mjml lang="{{ lang }}">',
    good='<mjml lang="{{ lang }}" dir="{{ dir }}">',
    fix='write `<mjml lang="{{ lang }}" dir="{{ dir }}">` in the layout',
)  # fmt: skip
TABLE_ROLE = rule(
    "MM314", "layout-table-role", Severity.WARNING, "email",
    'A table used for layout has no `role="presentation"`, so screen readers announce rows and '
    "columns that mean nothing.",
    bad='<table width="100%"><tr><td>Lunden</td><td>Hjem &amp; have</td></tr></table>',
    good='<table role="presentation" width="100%"><tr><td>Lunden</td>...</tr></table>',
    fix='add role="presentation" to tables that only place things (MJML does this itself)',
)  # fmt: skip
DATA_TABLE_ROLE = rule(
    "MM315", "data-table-presentation", Severity.ERROR, "email",
    'A data table (it has `<th>` header cells) has `role="presentation"`, which hides its headers '
    "from screen readers.",
    bad='<table role="presentation"><tr><th>Vare</th><th>Pris</th></tr>...</table>',
    good="<table><tr><th scope=\"col\">Vare</th><th scope=\"col\">Pris</th></tr>...</table>",
    fix='remove role="presentation" from tables with header cells',
)  # fmt: skip
HTTP_LINK = rule(
    "MM316", "insecure-link", Severity.WARNING, "email",
    "A link or image uses http:// instead of https://; clients warn about or block it, and "
    "tracking redirects may break.",
    bad="[Læs mere om retur](http://lunden.example/retur)",
    good="[Læs mere om retur](https://lunden.example/retur)",
)  # fmt: skip
RELATIVE_URL = rule(
    "MM317", "relative-url", Severity.ERROR, "email",
    "A link or image has a relative URL; an email has no page to be relative to, so it leads "
    "nowhere. Variables of type url count as absolute.",
    bad="[Se din ordre](/ordre/{{ order_number }})",
    good="[Se din ordre](https://lunden.example/ordre/{{ order_number }})",
    fix="write the whole URL with https://, or use a variable of type url",
)  # fmt: skip
EMPTY_LINK = rule(
    "MM318", "empty-link", Severity.ERROR, "email",
    'A link has an empty href (or "#"), with sample data or with missing data (an optional '
    "url variable whose fallback is empty).",
    bad='[Følg pakken]({{ tracking_url }})   with tracking_url: {fallback: ""}',
    good="{% if tracking_url %}\n[Følg pakken]({{ tracking_url }})\n{% endif %}",
    fix="give the link a target, or show it only when the variable has a value",
)  # fmt: skip
LINK_TEXT = rule(
    "MM319", "unclear-link-text", Severity.WARNING, "email",
    'Link text that does not say where it goes ("klik her", "læs mere", "click here", "les '
    'mer"), or a link without any text; screen readers list links by their text alone.',
    bad="Se din ordre [her]({{ order_url }}).",
    good="[Se din ordre]({{ order_url }}).",
    fix="make the words of the link say where it goes; a bare URL as link text is fine",
)  # fmt: skip
LOW_CONTRAST = rule(
    "MM320", "low-contrast", Severity.ERROR, "email",
    "Text and its background contrast less than 4.5:1 (3:1 for large text: 24 px, or 18.66 px "
    "bold), computed from the final inline styles (WCAG 2.2, 1.4.3).",
    bad="colors: {light: {muted: '#9aa19c', surface: '#ffffff'}}   -> 2.6:1",
    good="colors: {light: {muted: '#55605a', surface: '#ffffff'}}   -> 6.6:1",
    fix="darken the text colour or lighten the background in brand.yml (or the layout)",
)  # fmt: skip
LOW_CONTRAST_DARK = rule(
    "MM321", "low-contrast-dark", Severity.ERROR, "email",
    "In dark mode (the layout's prefers-color-scheme rules with the brand's dark colours), text "
    "and its background contrast less than 4.5:1 (3:1 for large text).",
    bad="colors: {dark: {text: '#5b6a60', surface: '#1c231e'}}   -> 2.6:1",
    good="colors: {dark: {text: '#eef2ec', surface: '#1c231e'}}   -> 14.2:1",
    fix="lighten the dark-mode text colour or darken the dark background in brand.yml",
)  # fmt: skip
SMALL_TARGET = rule(
    "MM322", "small-tap-target", Severity.WARNING, "email",
    "A button is less than 44x44 px (padding plus line height), the recommended size for a "
    "finger (WCAG 2.5.5).",
    bad='<a style="display:inline-block;padding:6px 12px;line-height:20px">Se din ordre</a>',
    good='<a style="display:inline-block;padding:14px 28px;line-height:20px">Se din ordre</a>',
    fix="give the button more vertical padding (copy buttons are 48 px tall by default)",
)  # fmt: skip
TINY_TARGET = rule(
    "MM323", "tiny-tap-target", Severity.ERROR, "email",
    "A button is less than 24x24 px, the minimum target size of WCAG 2.2 (2.5.8).",
    bad='<a style="display:inline-block;padding:2px 6px;line-height:14px">OK</a>',
    good='<a style="display:inline-block;padding:14px 28px;line-height:20px">OK</a>',
    fix="give the button padding and a line height of at least 20 px",
)  # fmt: skip
NO_UNSUBSCRIBE = rule(
    "MM324", "missing-unsubscribe", Severity.ERROR, "email",
    "Marketing email without a visible unsubscribe link in the HTML or in the plain-text part "
    "(required by Gmail and Yahoo for bulk senders, and by EU law).",
    bad="email: {template: transactional, kind: marketing}   (a footer without unsubscribe)",
    good="email: {template: marketing, kind: marketing}   (its footer has the link)",
    fix="use the marketing layout, or add `<a href=\"{{ unsubscribe_url }}\">` to the layout's "
        "footer",
)  # fmt: skip
HIDDEN_TEXT = rule(
    "MM325", "hidden-text", Severity.WARNING, "email",
    "Text that readers cannot see (display:none, font-size 0 or 1 px, text in the background "
    "colour, max-height:0 with overflow:hidden, opacity:0) other than the preheader; spam "
    "filters distrust it and screen readers read it aloud.",
    bad='<div style="display:none">Køb nu! Gratis fragt!</div>',
    good="the text shown, or removed",
    fix="remove the hidden text; the preheader belongs in the Preheader field",
)  # fmt: skip

# --- options -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class EmailOptions:
    """The thresholds of the email checks (``options:`` in mkdocs.yml)."""

    size_warn: int = 90_000
    size_error: int = 102_400
    subject_max: int = 60
    subject_min: int = 10
    preheader_min: int = 30
    preheader_max: int = 110
    progressive: tuple[str, ...] = ()
    clients: tuple[str, ...] = DEFAULT_CLIENTS

    @classmethod
    def from_config(cls, options: Mapping[str, Any], clients: Sequence[str]) -> EmailOptions:
        """Read the options, falling back to the defaults for missing or malformed values."""

        def number(name: str, default: int) -> int:
            value = options.get(name, default)
            return value if isinstance(value, int) and not isinstance(value, bool) else default

        return cls(
            size_warn=number("email_size_warn", 90_000),
            size_error=number("email_size_error", 102_400),
            subject_max=number("subject_max", 60),
            subject_min=number("subject_min", 10),
            preheader_min=number("preheader_min", 30),
            preheader_max=number("preheader_max", 110),
            progressive=progressive_patterns(options),
            clients=tuple(clients),
        )


# --- findings ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Finding:
    """A problem in one email, before it is placed in a file.

    ``needles`` are texts to look for in the copy (copy findings) or, as whole words, in the
    templates; ``patterns``, ``classes`` and, failing those, ``last`` are what to look for in
    the templates (layout findings). A needle that starts with ``](`` places the position at
    the URL after it.
    """

    rule: str
    message: str
    hint: str = ""
    element: Element | None = field(default=None, compare=False)
    needles: tuple[str, ...] = ()
    patterns: tuple[re.Pattern[str], ...] = ()
    classes: tuple[str, ...] = ()
    last: tuple[re.Pattern[str], ...] = ()  # tried when nothing more precise is found


COPY_CONTAINERS = frozenset({"mm-copy", "mm-button", "mm-image", "mm-divider"})
_COPY_TOKENS = frozenset("." + c for c in COPY_CONTAINERS)
_FILLER = re.compile("[\\s\u00a0\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u2000-\u200f"
                     "\u2028-\u202f\u205f-\u206f\u3000\u3164\ufeff\uffa0]+")  # fmt: skip
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
_WORDISH = re.compile(r"\w")
_PREFIX = re.compile(r"^\s*(?:re|fw|fwd|sv|vs|aw|wg|tr|rv|antw|odp)\s*(?:\[\d+\])?\s*:", re.I)
_PADDING_SIDES = ("top", "right", "bottom", "left")


def in_copy(el: Element) -> bool:
    """True when the element comes from the moment's copy (inside a copy container)."""
    return bool(el.classes & COPY_CONTAINERS) or not _COPY_TOKENS.isdisjoint(el.context)


def visible_text(text: str) -> str:
    """Text without whitespace, zero-width and filler characters (as a reader sees it)."""
    return _FILLER.sub(" ", text).strip()


def _short(text: str, limit: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _normal(text: str) -> str:
    """Lower-case letters and digits only, for comparing phrases."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(re.findall(r"\w+", folded))


def _classes_up(el: Element) -> tuple[str, ...]:
    """Class names of the element and its ancestors (nearest first), without MJML's own."""
    out: list[str] = []
    node: Element | None = el
    while node is not None:
        for c in sorted(node.classes):
            if not c.startswith(("mj-", "moz-")) and c not in out:
                out.append(c)
        node = node.parent
    return tuple(out)


def _pattern(text: str) -> re.Pattern[str]:
    return re.compile(text, re.I)


# --- link texts ----------------------------------------------------------------------------------

VAGUE_LINK_TEXTS: dict[str, frozenset[str]] = {
    "da": frozenset({"klik her", "klik", "her", "tryk her", "læs mere", "læs mere her", "se mere",
                     "mere", "link", "linket", "denne side", "her kan du"}),
    "nb": frozenset({"klikk her", "klikk", "her", "trykk her", "les mer", "les mer her",
                     "se mer", "mer", "lenke", "lenken", "denne siden"}),
    "sv": frozenset({"klicka här", "klicka", "här", "tryck här", "läs mer", "se mer", "mer",
                     "länk", "länken"}),
    "de": frozenset({"hier klicken", "klicken sie hier", "hier", "mehr", "weiterlesen",
                     "mehr lesen", "link", "mehr erfahren"}),
    "en": frozenset({"click here", "click", "here", "tap here", "read more", "more",
                     "learn more", "link", "this link", "this", "see more", "find out more"}),
}  # fmt: skip


def vague_texts(locale: str) -> frozenset[str]:
    """The vague link texts of a locale (its language's list plus English)."""
    language = locale.split("-")[0].split("_")[0].lower()
    if language == "no" or language == "nn":
        language = "nb"
    return VAGUE_LINK_TEXTS.get(language, frozenset()) | VAGUE_LINK_TEXTS["en"]


UNSUBSCRIBE_WORDS = re.compile(
    r"afmeld|frameld|unsubscribe|opt.out|meld (?:deg|dig|dem) av|avmeld|avregistrer|abmelden|"
    r"abbestellen|désinscri|desinscri|darse de baja",
    re.I,
)

# --- checks of one parsed email ------------------------------------------------------------------


def check_document(
    doc: EmailHtml, *, locale: str, subject: str, direction: str = "ltr"
) -> list[Finding]:
    """Title, and lang/dir on <html> and on the wrapper in <body> (the layout's)."""
    out: list[Finding] = []
    mjml, html_tag = _pattern(r"<mjml\b"), _pattern(r"<html\b")
    body_tag, mj_body = _pattern(r"<body\b"), _pattern(r"<mj-body\b")
    if subject.strip() and not (doc.title or "").strip():
        out.append(Finding(NO_TITLE.id, "the email has no <title>" if doc.title is None
                           else "the email's <title> is empty",
                           patterns=(_pattern(r"<mj-title\b"), _pattern(r"<title\b"),
                                     _pattern(r"<mj-head\b"))))  # fmt: skip
    root = doc.find("html")
    body = doc.find("body")
    wrapper = None
    if body is not None:
        wrapper = next(
            (c for c in body.children if c.light is not None and c.light.hidden is None), None
        )
    places: list[tuple[str, Element | None, tuple[re.Pattern[str], ...]]] = [
        ("<html>", root, (mjml, html_tag)),
        ("the wrapper inside <body>", wrapper, (mj_body, body_tag, mjml)),
    ]
    language = locale.split("-")[0].lower()
    for what, el, patterns in places:
        if el is None:
            if what == "<html>":
                out.append(Finding(NO_LANG.id, "the email has no <html> element",
                                   patterns=patterns))  # fmt: skip
            continue
        lang = el.attrs.get("lang", "").strip()
        if not lang:
            out.append(Finding(NO_LANG.id, f"lang is missing on {what}", patterns=patterns))
        elif lang.split("-")[0].split("_")[0].lower() != language:
            out.append(Finding(NO_LANG.id, f'lang="{lang}" on {what}, but the email is in '
                               f"{locale!r}", "use lang=\"{{ lang }}\" in the layout",
                               patterns=patterns))  # fmt: skip
        written = el.attrs.get("dir", "").strip().lower()
        if not written:
            out.append(Finding(NO_DIR.id, f"dir is missing on {what}", patterns=patterns))
        elif written != direction:
            out.append(Finding(NO_DIR.id, f'dir="{written}" on {what}, but the email is '
                               f"{direction}", 'use dir="{{ dir }}" in the layout',
                               patterns=patterns))  # fmt: skip
    return out


def check_elements(
    doc: EmailHtml,
    *,
    locale: str,
    preheader: str,
    absolute: frozenset[str] = frozenset(),
    copy: bool | None = None,
) -> list[Finding]:
    """Images, tables, links, buttons, contrast and hidden text.

    ``copy`` True checks only the elements of the copy, False only the layout's, None all.
    """
    out: list[Finding] = []
    vague = vague_texts(locale)
    for el in doc.elements:
        if copy is not None and in_copy(el) != copy:
            continue
        if el.tag == "img":
            out.extend(_image(el))
            out.extend(_url(el, "src", absolute))
        elif el.tag == "a":
            out.extend(_url(el, "href", absolute))
            out.extend(_link_text(el, vague))
            out.extend(_tap_target(el))
        elif el.tag == "table":
            out.extend(_table(el))
    out.extend(_contrast(doc, copy))
    out.extend(_hidden(doc, preheader, copy))
    return out


def _image(el: Element) -> list[Finding]:
    src = el.attrs.get("src", "")
    name = src.split("?")[0].rstrip("/").rsplit("/", 1)[-1]
    needles = (f"]({src.split('/')[-1]}", name) if name else ()
    classes = _classes_up(el)
    patterns = (_pattern(r"<(?:img|mj-image)\b[^>]*" + re.escape(name)),) if name else ()
    last = (_pattern(r"<img\b"), _pattern(r"<mj-image\b"))
    if "alt" not in el.attrs:
        return [Finding(NO_ALT.id, f"image {name or src!r} has no alt attribute",
                        element=el, needles=needles, patterns=patterns, classes=classes,
                        last=last)]  # fmt: skip
    if el.attrs["alt"].strip():
        return []
    if el.attrs.get("role") in ("presentation", "none") or el.attrs.get("aria-hidden") == "true":
        return []
    sizes = [px(el.attrs.get(a, ""), 16) for a in ("width", "height")]
    if any(s is not None and s <= 2 for s in sizes):
        return []  # a spacer
    linked = el.parent is not None and el.parent.tag == "a" and not visible_text(
        el.parent.text()
    )  # fmt: skip
    what = ", and it is all its link has, so the link has no name" if linked else ""
    return [Finding(EMPTY_ALT.id, f"image {name or src!r} has an empty alt text{what}",
                    element=el, needles=("![](", *needles), patterns=patterns,
                    classes=classes, last=last)]  # fmt: skip


def _url(el: Element, attr: str, absolute: frozenset[str]) -> list[Finding]:
    if attr not in el.attrs:
        return []
    value = el.attrs[attr].strip()
    what = "link" if attr == "href" else "image"
    text = _short(visible_text(el.text()), 30)
    needles = tuple(n for n in (f"]({value}", value, f"[{text}]" if text else "") if n)
    patterns = (
        (_pattern(re.escape(f'{attr}="{value}')),) if value
        else (_pattern(attr + r"\s*=\s*(?:\"\"|''|\"#\"|'#')"),)
    )  # fmt: skip
    classes = _classes_up(el)
    if attr == "href" and value in ("", "#"):
        label = f" {text!r}" if text else ""
        return [Finding(EMPTY_LINK.id, f"link{label} has an empty target",
                        element=el, needles=(f"[{text}]", text) if text else (), patterns=patterns,
                        classes=classes)]  # fmt: skip
    if not value or value.startswith("#") or any(value.startswith(a) for a in absolute):
        return []
    if value[:7].lower() == "http://":
        return [Finding(HTTP_LINK.id, f"{what} {_short(value, 60)!r} uses http://",
                        f"write https://{value[7:]}", element=el, needles=needles,
                        patterns=patterns, classes=classes)]  # fmt: skip
    if not _SCHEME.match(value):
        return [Finding(RELATIVE_URL.id, f"{what} {_short(value, 60)!r} is relative",
                        element=el, needles=needles, patterns=patterns,
                        classes=classes)]  # fmt: skip
    return []


def _link_text(el: Element, vague: frozenset[str]) -> list[Finding]:
    if "href" not in el.attrs:
        return []
    text = visible_text(el.text())
    images = [i for i in el.iter() if i.tag == "img" and i.attrs.get("alt", "").strip()]
    if not text and not images:
        if any(i.tag == "img" for i in el.iter()):
            return []  # reported as an image without alt text
        href = el.attrs["href"]
        return [Finding(LINK_TEXT.id, f"link to {_short(href, 50)!r} has no text",
                        element=el, needles=(f"[]({href}", "[]("),
                        patterns=(_pattern(re.escape(f'href="{href}')),),
                        classes=_classes_up(el))]  # fmt: skip
    label = text or images[0].attrs["alt"].strip()
    if _normal(label.strip(" .:!?→»>›")) in vague:
        return [Finding(LINK_TEXT.id, f"link text {label!r} does not say where it goes",
                        element=el, needles=(f"[{label}]", label),
                        classes=_classes_up(el))]  # fmt: skip
    return []


def _is_button(el: Element) -> bool:
    if ".mm-button" in el.context or any("button" in c for c in el.classes):
        return True
    display = el.value("display").strip().lower()
    return display in ("inline-block", "block") and bool(_padding(el)[0] or _padding(el)[2])


def _padding(el: Element) -> tuple[float, float, float, float]:
    size = el.light.font_size if el.light else 16.0
    sides = [0.0, 0.0, 0.0, 0.0]
    shorthand = el.value("padding").split()
    if shorthand:
        values = [px(v, size) or 0.0 for v in shorthand[:4]]
        expanded = {1: values * 4, 2: values * 2, 3: [*values, values[1]], 4: values}[len(values)]
        sides = list(expanded)
    for n, side in enumerate(_PADDING_SIDES):
        own = el.value(f"padding-{side}")
        if own:
            sides[n] = px(own, size) or 0.0
    return sides[0], sides[1], sides[2], sides[3]


def _line_height(el: Element) -> float:
    size = el.light.font_size if el.light else 16.0
    raw = el.value("line-height").strip().lower()
    if not raw or raw == "normal":
        return size * 1.2
    if re.fullmatch(r"[\d.]+", raw):
        return float(raw) * size
    return px(raw, size) or size * 1.2


def _tap_target(el: Element) -> list[Finding]:
    if "href" not in el.attrs or not _is_button(el) or (el.light and el.light.hidden):
        return []
    top, right, bottom, left = _padding(el)
    size = el.light.font_size if el.light else 16.0
    line = _line_height(el)
    height = top + bottom + line
    for prop in ("height", "min-height"):
        given = px(el.value(prop), size)
        if given is not None:
            height = max(height, given)
    label = visible_text(el.text())
    width = left + right + len(label) * size * 0.5
    given_width = px(el.value("min-width"), size) or px(el.value("width"), size)
    if given_width is not None:
        width = max(width, given_width)
    if height >= 44 and width >= 44:
        return []
    rule_id = TINY_TARGET.id if height < 24 or width < 24 else SMALL_TARGET.id
    need = 24 if rule_id == TINY_TARGET.id else 44
    detail = f"line height {line:g}px + padding {top:g}px + {bottom:g}px"
    return [Finding(rule_id, f"button {_short(label, 30)!r} is about {width:.0f}x{height:.0f} px "
                    f"({detail}); it should be at least {need}x{need} px",
                    element=el, needles=(f"[{label}]", label),
                    classes=_classes_up(el))]  # fmt: skip


def _table(el: Element) -> list[Finding]:
    data = "mm-table" in el.classes or any(
        e.tag in ("th", "thead", "caption") and _nearest_table(e) is el for e in el.iter()
    )
    role = el.attrs.get("role", "").strip().lower()
    classes = _classes_up(el)
    if data and role in ("presentation", "none"):
        pattern = _pattern(r"<table\b[^>]*\brole\s*=\s*[\"']?" + re.escape(role))
        return [Finding(DATA_TABLE_ROLE.id, f'a data table has role="{role}"', element=el,
                        patterns=(pattern,), classes=classes)]  # fmt: skip
    if not data and role not in ("presentation", "none"):
        pattern = _pattern(r"<table\b(?![^>]*\brole\s*=\s*[\"']?(?:presentation|none))")
        return [Finding(TABLE_ROLE.id, 'a layout table has no role="presentation"', element=el,
                        patterns=(pattern,), classes=classes)]  # fmt: skip
    return []


def _nearest_table(el: Element) -> Element | None:
    return next((a for a in el.ancestors() if a.tag == "table"), None)


def _large(size: float, bold: bool) -> bool:
    return size >= 24 or (bold and size >= 18.66)


def _contrast(doc: EmailHtml, copy: bool | None) -> list[Finding]:
    out: list[Finding] = []
    seen: set[tuple[object, ...]] = set()
    for el, text in doc.runs:
        if not _WORDISH.search(text) or (copy is not None and in_copy(el) != copy):
            continue
        light_pair: tuple[str, str] | None = None
        for dark, computed in ((False, el.light), (True, el.dark)):
            if computed is None or computed.hidden or computed.font_size <= 1:
                continue
            fg, bg = computed.color, computed.background
            if fg is None or bg is None:
                continue
            pair = (hex_color(fg), hex_color(bg))
            if dark and pair == light_pair:
                continue  # dark mode leaves it as it is: reported (or not) for light
            if not dark:
                light_pair = pair
            if pair[0] == pair[1]:
                continue  # invisible text: the hidden-text rule's business
            ratio = contrast(fg, bg)
            large = _large(computed.font_size, computed.bold)
            need = 3.0 if large else 4.5
            if ratio >= need:
                continue
            key = (dark, pair, need, in_copy(el))
            if key in seen:
                continue
            seen.add(key)
            snippet = _short(visible_text(text), 30)
            mode = "in dark mode, " if dark else ""
            kind = "large text" if large else "text"
            out.append(Finding(
                LOW_CONTRAST_DARK.id if dark else LOW_CONTRAST.id,
                f"{mode}{kind} {snippet!r} is {pair[0]} on {pair[1]}: contrast {ratio:.1f}:1, "
                f"needs {need:g}:1 ({computed.font_size:g}px{' bold' if computed.bold else ''})",
                element=el, needles=(snippet.rstrip("…"),), classes=_classes_up(el),
            ))  # fmt: skip
    return out


def _hidden(doc: EmailHtml, preheader: str, copy: bool | None) -> list[Finding]:
    out: list[Finding] = []
    wanted = _normal(preheader)
    reported: set[int] = set()
    for el in doc.elements:
        if copy is not None and in_copy(el) != copy:
            continue
        computed = el.light
        if computed is None or not computed.hidden or el.tag in ("head", "title", "style"):
            continue
        parent = el.parent
        if parent is not None and parent.light is not None and parent.light.hidden:
            continue  # only the outermost hidden element
        if el.dark is not None and el.dark.hidden is None:
            continue  # shown in dark mode instead of its light twin (a dark logo)
        if any(a.tag == "head" for a in el.ancestors()):
            continue
        text = visible_text(el.text())
        if not text or not _WORDISH.search(text):
            continue
        if wanted and _normal(text).startswith(wanted):
            continue  # the preheader block
        reported.add(el.index)
        out.append(Finding(HIDDEN_TEXT.id, f"text {_short(text)!r} is hidden with "
                           f"{computed.hidden}", element=el, needles=(_short(text, 30),),
                           patterns=(_pattern(r"display\s*:\s*none"),),
                           classes=_classes_up(el)))  # fmt: skip
    for el, text in doc.runs:
        c = el.light
        if c is None or c.hidden or not _WORDISH.search(text) or el.index in reported:
            continue
        if copy is not None and in_copy(el) != copy:
            continue
        reason = ""
        if c.font_size <= 1:
            reason = f"font-size:{c.font_size:g}px"
        elif (
            c.color is not None
            and c.background is not None
            and hex_color(c.color) == hex_color(c.background)
        ):
            reason = f"text in the background colour {hex_color(c.color)}"
        if not reason:
            continue
        reported.add(el.index)
        snippet = _short(visible_text(text))
        out.append(Finding(HIDDEN_TEXT.id, f"text {snippet!r} is hidden ({reason})", element=el,
                           needles=(snippet.rstrip("…"),), classes=_classes_up(el)))  # fmt: skip
    return out


_LINK = re.compile(r"<a\b[^>]*?\bhref=\"([^\"]*)\"[^>]*>(.*?)</a>", re.S | re.I)


def _links(html: str) -> list[tuple[str, str]]:
    """(href, visible text) of every link, by a cheap scan (no full parse)."""
    return [
        (html_unescape(m.group(1)).strip(),
         visible_text(html_unescape(re.sub(r"<[^>]+>", "", m.group(2)))))
        for m in _LINK.finditer(html)
    ]  # fmt: skip


def _bad_href(value: str, absolute: frozenset[str]) -> bool:
    if value in ("", "#"):
        return True
    return (not value.startswith("#") and not _SCHEME.match(value)
            and not any(value.startswith(a) for a in absolute))  # fmt: skip


def check_missing_links(html: str, sample_html: str, absolute: frozenset[str]) -> list[Finding]:
    """Links that an empty fallback breaks: empty or relative in the missing-data preview
    (``html``) but not in the sample preview (where they are checked already)."""
    out: list[Finding] = []
    in_sample: dict[str, list[str]] = {}
    for href, label in _links(sample_html):
        in_sample.setdefault(label, []).append(href)
    for value, label in _links(html):
        if not _bad_href(value, absolute):
            continue
        before = in_sample.get(label)
        if before is not None and value in before:
            continue  # the same link is just as bad with sample data
        shown = _short(label, 30)
        needles = (f"[{shown}]",) if shown else ()
        if value in ("", "#"):
            out.append(Finding(EMPTY_LINK.id, f"link {shown!r} has an empty target with missing "
                               "data", "show the link only when the variable has a value: "
                               "{% if var %} ... {% endif %}", needles=needles))  # fmt: skip
        else:
            out.append(Finding(RELATIVE_URL.id, f"link {_short(value, 60)!r} is relative with "
                               "missing data", needles=needles))  # fmt: skip
    return out


# --- subject, preheader, size, unsubscribe --------------------------------------------------------


def check_subject(subject: str, preheader: str, options: EmailOptions) -> list[Finding]:
    """Subject and preheader (both with sample data); needles name the field."""
    out: list[Finding] = []
    if subject.strip():
        n = len(subject.strip())
        if n > options.subject_max:
            out.append(
                Finding(
                    SUBJECT_LONG.id,
                    f"the subject is {n} characters with sample "
                    f"data (at most {options.subject_max})",
                    needles=("subject",),
                )
            )
        elif n < options.subject_min:
            out.append(Finding(SUBJECT_SHORT.id, f"the subject is {n} characters (at least "
                               f"{options.subject_min})", needles=("subject",)))  # fmt: skip
        prefix = _PREFIX.match(subject)
        if prefix:
            out.append(Finding(FAKE_PREFIX.id, f"the subject starts with "
                               f"{prefix.group().strip()!r}", needles=("subject",)))  # fmt: skip
    if not preheader.strip():
        out.append(Finding(NO_PREHEADER.id, "the email has no preheader", needles=("heading",)))
        return out
    n = len(preheader.strip())
    if n < options.preheader_min:
        out.append(Finding(PREHEADER_LENGTH.id, f"the preheader is {n} characters with sample "
                           f"data (at least {options.preheader_min})",
                           needles=("preheader",)))  # fmt: skip
    elif n > options.preheader_max:
        out.append(Finding(PREHEADER_LENGTH.id, f"the preheader is {n} characters with sample "
                           f"data (at most {options.preheader_max}); inboxes cut it off",
                           needles=("preheader",)))  # fmt: skip
    s, p = _normal(subject), _normal(preheader)
    if s and p and (p == s or p.startswith(s)):
        out.append(Finding(PREHEADER_REPEATS.id, "the preheader repeats the subject",
                           needles=("preheader",)))  # fmt: skip
    return out


def check_size(html: str, options: EmailOptions) -> list[Finding]:
    """Gmail's clipping: the HTML's UTF-8 size with sample data."""
    size = len(html.encode("utf-8"))
    shown = f"{size / 1000:.1f} KB ({size:,} bytes)"
    if size >= options.size_error:
        return [
            Finding(
                SIZE_ERROR.id,
                f"the email is {shown} with sample data; Gmail clips "
                f"emails over {options.size_error:,} bytes",
                needles=("heading",),
            )
        ]
    if size >= options.size_warn:
        return [Finding(SIZE_WARNING.id, f"the email is {shown} with sample data, close to "
                        f"Gmail's clipping at {options.size_error:,} bytes",
                        needles=("heading",))]  # fmt: skip
    return []


def check_unsubscribe(doc: EmailHtml, text: str, unsubscribe: str) -> list[Finding]:
    """Marketing mail: a visible unsubscribe link in the HTML and in the plain text."""
    out: list[Finding] = []
    found = False
    for el in doc.find_all("a"):
        if el.light is not None and el.light.hidden:
            continue
        href = el.attrs.get("href", "")
        label = visible_text(el.text())
        if (unsubscribe and href.strip() == unsubscribe) or (
            href.strip() and UNSUBSCRIBE_WORDS.search(label)
        ):
            found = True
            break
    if not found:
        out.append(Finding(NO_UNSUBSCRIBE.id, "this marketing email's HTML has no visible "
                           "unsubscribe link"))  # fmt: skip
    lines = text.split("\n")
    in_text = bool(unsubscribe) and unsubscribe in text
    if not in_text:
        for n, line in enumerate(lines):
            nearby = " ".join(lines[n : n + 2])
            if UNSUBSCRIBE_WORDS.search(line) and re.search(r"https?://", nearby):
                in_text = True
                break
    if not in_text:
        out.append(Finding(NO_UNSUBSCRIBE.id, "this marketing email's plain-text part has no "
                           "unsubscribe link"))  # fmt: skip
    return out


# --- placing findings ----------------------------------------------------------------------------


class CopyLocator:
    """Finds words of the copy in a copy section, as file positions."""

    def __init__(self, section: CopySection) -> None:
        self.section = section
        self.lines = section.body.split("\n")
        self._plain: list[tuple[str, list[int]]] | None = None

    @property
    def heading(self) -> Position:
        """The section heading (``## Email``)."""
        return self.section.heading

    def field(self, name: str) -> Position:
        """Where a field's value starts, or the heading when the section lacks it."""
        found = self.section.fields.get(name)
        return found.pos if found else self.section.heading

    def find(self, needles: Iterable[str]) -> Position:
        """The first needle found (as written, then ignoring ``*_``` markup), else the heading."""
        needles = [n.rstrip("…") for n in needles if n and n.strip()]
        for needle in needles:
            skip = 2 if needle.startswith("](") else 0
            for n, line in enumerate(self.lines):
                col = line.find(needle)
                if col >= 0:
                    return Position(self.section.body_line + n, col + skip + 1)
        for needle in needles:
            skip = 2 if needle.startswith("](") else 0
            for n, (plain, index) in enumerate(self._stripped()):
                col = plain.find(needle)
                if col >= 0:
                    return Position(self.section.body_line + n, index[col + skip] + 1)
        return self.section.heading

    def _stripped(self) -> list[tuple[str, list[int]]]:
        if self._plain is None:
            self._plain = []
            for line in self.lines:
                chars: list[str] = []
                index: list[int] = []
                for i, ch in enumerate(line):
                    if ch in "*_`\\":
                        continue
                    chars.append(ch)
                    index.append(i)
                self._plain.append(("".join(chars), index))
        return self._plain


def place_copy(finding: Finding, locator: CopyLocator) -> Position:
    """Where a copy finding points in the moment file."""
    if finding.needles == ("subject",):
        return locator.field("subject")
    if finding.needles == ("preheader",):
        return locator.field("preheader")
    if finding.needles == ("heading",):
        return locator.heading
    return locator.find(finding.needles)


def place_layout(finding: Finding, sources: LayoutSources) -> Place:
    """Where a layout finding points in the templates (the layout file when unknown)."""
    found = sources.find(*finding.patterns) if finding.patterns else None
    if found is None and finding.needles:
        # the words themselves, when the template writes them (not from brand.yml)
        found = sources.find(*(
            re.compile(r"(?<![\w])" + re.escape(n.rstrip("…")) + r"(?![\w])")
            for n in finding.needles if n.strip()
        ))  # fmt: skip
    if found is None and finding.classes:
        found = sources.find_class(*finding.classes)
    if found is None and finding.last:
        found = sources.find(*finding.last)
    return found or sources.layout_place


_FEATURE_TOKEN = re.compile(r"\[[^\]]*\]|!\s*important|<?[@.#:-]?[a-zA-Z][-\w]*")
# MJML elements that become the HTML element a feature names
_MJML_TWINS = {"<style": "<mj-style", "<title": "<mj-title", "<body": "<mj-body",
               "<html": "<mjml", "<img": "<mj-image"}  # fmt: skip
_SPECIAL_FEATURES = {
    "html-mailto-links": r"mailto:",
    "html-anchor-links": r"href=[\"']#",
    "css-important": r"!\s*important",
    "html-comments": r"<!--",
}


def feature_patterns(html: str, line: int, col: int, slug: str) -> tuple[re.Pattern[str], ...]:
    """What to search the templates for, to find the source of a caniemail feature that
    :func:`..clients.features.detect_features` found at ``line``/``col`` of ``html``."""
    if slug in _SPECIAL_FEATURES:
        return (_pattern(_SPECIAL_FEATURES[slug]),)
    if slug.startswith("image-"):
        ext = slug.removeprefix("image-")
        return (_pattern(r"\." + re.escape(ext) + r"\b"),)
    starts = [0, *(nl.end() for nl in re.finditer("\n", html))]
    offset = starts[line - 1] + col - 1 if 0 < line <= len(starts) else 0
    if slug.startswith("css-selector-"):
        # the whole selector, as the template writes it before its "{"
        begin = max(html.rfind(c, 0, offset) for c in "{},;\n") + 1
        ends = [e for e in (html.find(c, offset) for c in "{,") if e >= 0]
        selector = " ".join(html[begin : min(ends) if ends else len(html)].split())
        if selector:
            return (_pattern(r"(?<![-\w.#])" + re.escape(selector).replace(r"\ ", r"\s+")
                             + r"\s*[,{]"),)  # fmt: skip
    found = _FEATURE_TOKEN.match(html, offset)
    if not found:
        return ()
    token = found.group()
    if token.startswith("<"):
        names = [token, _MJML_TWINS[token]] if token in _MJML_TWINS else [token]
        return tuple(_pattern(re.escape(n) + r"\b") for n in names)
    if token.startswith(("@", "[", ".", "#", ":")):
        return (_pattern(re.escape(token)),)
    if slug.startswith("html-"):
        return (_pattern(r"(?<![-\w])" + re.escape(token) + r"\s*="),)
    return (_pattern(r"(?<![-\w.#])" + re.escape(token) + r"(?![-\w])"),)


# --- the layout, checked once --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Placed:
    """A diagnostic ready to add: rule, file, position, message and hint."""

    rule: str
    path: str
    pos: Position
    message: str
    hint: str


@dataclass(frozen=True, slots=True)
class LayoutCheck:
    """What a layout alone produces: diagnostics at its templates and its caniemail slugs."""

    diagnostics: tuple[Placed, ...]
    slugs: frozenset[str]


@functools.lru_cache(maxsize=64)
def layout_check(
    layouts: Layouts,
    layout: str,
    kind: str,
    locale: str,
    direction: str,
    options: EmailOptions,
) -> LayoutCheck:
    """The check of one layout (per kind, locale and direction), cached until a template
    changes."""
    from ..clients.layout import SPECIMEN_PREHEADER, SPECIMEN_SUBJECT

    html = layouts.specimen(layout, kind, locale, direction)
    if not html:
        return LayoutCheck((), frozenset())
    sources = layouts.sources(layout).used_in(html)
    doc = parse_email(html)
    placed: list[Placed] = []
    findings = check_document(doc, locale=locale, subject=SPECIMEN_SUBJECT, direction=direction)
    findings += check_elements(doc, locale=locale, preheader=SPECIMEN_PREHEADER, copy=False)
    for f in findings:
        where = place_layout(f, sources)
        placed.append(Placed(f.rule, where.path, Position(where.line, where.col), f.message,
                             f.hint))  # fmt: skip
    for finding in client_findings(doc.features, options.clients):
        # how often the specimen uses a feature says nothing about the layout: no count, so
        # a partial shared by two layouts gives one diagnostic
        rule_id, message, hint = client_diagnostic(replace(finding, count=1),
                                                   options.progressive)  # fmt: skip
        patterns = feature_patterns(html, finding.line, finding.col, finding.slug)
        where = sources.find_or_layout(*patterns)
        placed.append(Placed(rule_id, where.path, Position(where.line, where.col), message,
                             hint))  # fmt: skip
    return LayoutCheck(tuple(placed), frozenset(d.slug for d in doc.features))


# --- one moment ----------------------------------------------------------------------------------


def url_values(data: Mapping[str, DataField]) -> frozenset[str]:
    """Sample values of variables of type url (links made of them count as absolute)."""
    out: set[str] = set()

    def visit(fields: Mapping[str, DataField], example: Any) -> None:
        for name, d in fields.items():
            value = example.get(name) if isinstance(example, Mapping) else d.example
            if d.type == "url" and isinstance(value, str) and value:
                out.add(value)
            children = d.children()
            if children:
                items = value if isinstance(value, list) else [value]
                for item in items:
                    visit(children, item)

    visit(data, None)
    return frozenset(out)


def _sections(moment: Moment, locale: str, variant: str | None) -> tuple[CopySection | None, bool]:
    from ..render.moment import pick_section

    return pick_section(moment, locale, Channel.EMAIL, variant)


def check_email(moment: Moment, ctx: Context, previews: Previews, report: Report) -> None:
    """Every email check and the client-support check for one moment's emails."""
    from ..clients.layout import Layouts

    spec = moment.spec
    if spec is None:
        return
    config = ctx.config
    options = EmailOptions.from_config(config.options, config.clients)
    layouts = Layouts.now(config.templates_path, config.root)
    dataset = load_dataset()
    parser = shared_parser(dataset)
    added: set[tuple[str, str, int, int, str]] = set()

    def add(rule_id: str, path: str, pos: Position, message: str, hint: str,
            moment_id: str | None) -> None:  # fmt: skip
        key = (rule_id, path, pos.line, pos.col, message)
        if key not in added:
            added.add(key)
            report.add(rule_id, path, pos, message, hint, moment=moment_id)

    missing = {(loc, var): r for (loc, var, scen), r in previews.items() if scen != "sample"}
    for (locale, variant, scenario), rendition in sorted(previews.items(), key=_order):
        email = rendition.email
        if scenario != "sample" or email is None or not email.html:
            continue
        layout = layout_check(layouts, spec.email.template, spec.email.kind, locale,
                              rendition.direction, options)  # fmt: skip
        for d in layout.diagnostics:
            add(d.rule, d.path, d.pos, d.message, d.hint, None)
        section, borrowed = _sections(moment, locale, variant)
        if section is None or borrowed:
            continue  # borrowed copy is checked in its own locale
        locator = CopyLocator(section)
        absolute = url_values(rendition.data)
        doc = parser.parse(email.html)  # valid until the next parse; only findings are kept
        findings = check_subject(email.subject, email.preheader, options)
        findings += check_size(email.html, options)
        findings += check_elements(doc, locale=locale, preheader=email.preheader,
                                   absolute=absolute, copy=True)  # fmt: skip
        other = missing.get((locale, variant))
        if other is not None and other.email is not None and other.email.html:
            findings += check_missing_links(other.email.html, email.html, absolute)
        for f in findings:
            add(f.rule, section.path, place_copy(f, locator), f.message, f.hint, moment.id)
        if email.kind == "marketing":
            unsubscribe = _unsubscribe_value(rendition, layouts)
            pos = moment.key_pos("email")
            for f in check_unsubscribe(doc, email.text, unsubscribe):
                add(f.rule, moment.path, pos, f.message, f.hint, moment.id)
        for finding in client_findings(
            [d for d in doc.features if d.slug not in layout.slugs], options.clients, dataset
        ):
            rule_id, message, hint = client_diagnostic(finding, options.progressive)
            add(rule_id, section.path, section.heading, f"the copy: {message}", hint, moment.id)


def _order(item: tuple[tuple[str, str | None, str], Rendition]) -> tuple[str, str, str]:
    (locale, variant, scenario), _ = item
    return (locale, variant or "", scenario)


def _unsubscribe_value(rendition: Rendition, layouts: Layouts) -> str:
    found = rendition.data.get("unsubscribe_url")
    if found is not None and isinstance(found.example, str):
        return found.example
    brand = layouts.brand().unsubscribe_url
    return "" if "{{" in brand else brand
