"""Document -> a self-contained HTML fragment for a web page or in-app view (e.g. the receipt page).

Semantic, accessible markup (headings, lists, data tables with ``<th scope="col">``, links that
look like buttons with a 44 px tap target) inside one ``<article>`` that carries ``lang`` and
``dir``. The brand's styles come in a ``<style>`` scoped under a class unique to the brand
(``mmw-`` + a hash of it), with light and dark colours via ``prefers-color-scheme``. No script.
Control tokens stand between whole elements, as in the email.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from .brand import Brand
from .document import (
    Block,
    Button,
    Control,
    Divider,
    Document,
    Image,
    ListItem,
    TableRow,
    plain,
)
from .escaping import escape_attr, escape_text
from .mjml import block_html, image_html, inline_html


def scope_class(brand: Brand) -> str:
    """The class every selector of the fragment's stylesheet is scoped under."""
    digest = hashlib.sha256(brand.model_dump_json().encode()).hexdigest()[:8]
    return f"mmw-{digest}"


def to_web_html(
    doc: Document,
    brand: Brand,
    *,
    locale: str,
    direction: str,
    title: str,
    asset_base: str,
) -> str:
    """The copy as an HTML fragment: ``<style>`` + ``<article lang dir>``.

    ``title`` labels the article and becomes its ``<h1>`` when the copy has no ``###``
    headline. Image sources under ``assets/`` are prefixed with ``asset_base``.
    """
    scope = scope_class(brand)
    parts = [
        f"<style>{web_css(brand, scope, direction)}</style>",
        f'<article class="{scope}" lang="{escape_attr(locale)}" dir="{escape_attr(direction)}"'
        f' aria-label="{escape_attr(title)}">',
    ]
    if doc.headline() is None and title:
        parts.append(f"<h1>{escape_text(title)}</h1>")
    parts.extend(_blocks(doc.blocks, asset_base))
    parts.append("</article>")
    return "\n".join(parts) + "\n"


def _blocks(entries: Sequence[Block | ListItem | TableRow | Control], asset_base: str) -> list[str]:
    out: list[str] = []
    for e in entries:
        if isinstance(e, Control):
            out.append(e.token)
        elif isinstance(e, Button):
            cls = f"mm-button mm-button-{e.variant}"
            out.append(
                f'<p class="mm-actions"><a class="{cls}" href="{escape_attr(e.href)}">'
                f"{inline_html(e.label)}</a></p>"
            )
        elif isinstance(e, Image):
            out.append(f'<p class="mm-image">{image_html(e, asset_base)}</p>')
        elif isinstance(e, Divider):
            out.append("<hr />")
        elif not isinstance(e, ListItem | TableRow):
            out.append(block_html(e, asset_base))
    return out


def web_css(brand: Brand, scope: str, direction: str) -> str:
    """The fragment's stylesheet: every selector under ``.scope``; dark mode by media query."""
    c, d = brand.colors.light, brand.colors.dark
    start = "right" if direction == "rtl" else "left"
    s = f".{scope}"
    rules = [
        f"{s}{{font-family:{brand.font_stack};font-size:16px;line-height:1.5;color:{c.text};"
        f"background:{c.surface};max-width:40rem;margin:0 auto;padding:24px;"
        f"border-radius:8px;box-sizing:border-box}}",
        f"{s} h1{{font-size:1.625rem;line-height:1.25;margin:0 0 16px}}",
        f"{s} h2{{font-size:1.25rem;line-height:1.4;margin:24px 0 8px}}",
        f"{s} h3{{font-size:1.0625rem;line-height:1.4;margin:16px 0 8px}}",
        f"{s} p,{s} ul,{s} ol,{s} table{{margin:0 0 16px}}",
        f"{s} li{{margin:0 0 8px}}",
        f"{s} a{{color:{c.link}}}",
        f"{s} code{{font-family:Menlo,Consolas,monospace;background:{c.background};"
        f"border:1px solid {c.border};border-radius:4px;padding:1px 5px}}",
        f"{s} .mm-muted{{color:{c.muted};font-size:.875rem}}",
        f"{s} .mm-note{{background:{c.background};border-{start}:4px solid {c.primary};"
        "padding:12px 16px}",
        f"{s} table{{width:100%;border-collapse:collapse}}",
        f"{s} th{{text-align:{start};font-size:.875rem;color:{c.muted};"
        f"border-bottom:2px solid {c.border};padding:8px}}",
        f"{s} td{{text-align:{start};border-bottom:1px solid {c.border};padding:8px;"
        "vertical-align:top}",
        f"{s} hr{{border:0;border-top:1px solid {c.border};margin:24px 0}}",
        f"{s} img{{max-width:100%;height:auto}}",
        f"{s} .mm-button{{display:inline-block;box-sizing:border-box;min-height:44px;"
        f"min-width:44px;padding:12px 28px;border-radius:{brand.radius}px;font-weight:bold;"
        "line-height:20px;text-decoration:none}",
        f"{s} .mm-button-primary{{background:{c.primary};color:{c.on_primary}}}",
        f"{s} .mm-button-secondary{{background:{c.surface};color:{c.link};"
        f"border:2px solid {c.primary}}}",
        f"{s} .mm-button:focus-visible{{outline:3px solid {c.link};outline-offset:2px}}",
        "@media (prefers-color-scheme: dark){"
        f"{s}{{color:{d.text};background:{d.surface}}}"
        f"{s} a{{color:{d.link}}}"
        f"{s} code,{s} .mm-note{{background:{d.background};border-color:{d.border}}}"
        f"{s} .mm-note{{border-{start}-color:{d.primary}}}"
        f"{s} .mm-muted,{s} th{{color:{d.muted}}}"
        f"{s} th,{s} td,{s} hr{{border-color:{d.border}}}"
        f"{s} .mm-button-primary{{background:{d.primary};color:{d.on_primary}}}"
        f"{s} .mm-button-secondary{{background:{d.surface};color:{d.link};"
        f"border-color:{d.primary}}}"
        f"{s} .mm-button:focus-visible{{outline-color:{d.link}}}"
        "}",
    ]
    return "".join(rules)


def title_text(doc: Document, fallback: str) -> str:
    """The headline's text (tokens kept), or ``fallback``."""
    headline = doc.headline()
    return plain(headline).strip() if headline is not None else fallback


__all__ = ["scope_class", "title_text", "to_web_html", "web_css"]
