"""``templates/email/brand.yml``: the brand every email and web module is dressed in.

One file holds what the layouts need and nothing else: sender, colours for light and dark mode,
fonts, logo, company details for the footer, support contacts, the unsubscribe link for marketing
mail, the CDN that serves images in production, and the footer's wording per locale. The
project's file replaces the built-in neutral one entirely (no merging: what you see in the file
is the brand).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    StringConstraints,
    ValidationError,
    field_validator,
)

from ..diagnostics import FILE, Report
from ..layouts import BUILTIN_TEMPLATES
from ..load.yaml_rules import YAML_SYNTAX, read_yaml, report_validation_error

BRAND_FILE = Path("email") / "brand.yml"

HexColour = Annotated[str, StringConstraints(pattern=r"^#(?:[0-9a-fA-F]{3}){1,2}$")]
EmailAddress = Annotated[str, StringConstraints(pattern=r"^[^@\s<>\"]+@[^@\s<>\"]+\.[^@\s<>\"]+$")]
HttpsUrl = Annotated[str, StringConstraints(pattern=r"^https://[^\s<>\"]+$")]

_GENERIC_FONTS = ("sans-serif", "serif", "monospace", "system-ui", "cursive")
_FONT_STACK = re.compile(r"^[A-Za-z0-9 ,'\"\-]+$")
_TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Palette(_Strict):
    """The colours of one colour scheme (all ``#rrggbb``)."""

    background: HexColour = Field(description="Behind the email body (the 'desk').")
    surface: HexColour = Field(description="The email body's card.")
    text: HexColour = Field(description="Body text and headings.")
    muted: HexColour = Field(description="Fine print, table headers, footer.")
    primary: HexColour = Field(description="Primary buttons and accents.")
    on_primary: HexColour = Field(description="Text on primary buttons.")
    link: HexColour = Field(description="Links and secondary button text.")
    border: HexColour = Field(description="Dividers, table rules, secondary button outline.")


LIGHT = Palette(
    background="#f3f4f6", surface="#ffffff", text="#1f2937", muted="#4b5563",
    primary="#1f4e8c", on_primary="#ffffff", link="#1f4e8c", border="#d1d5db",
)  # fmt: skip
DARK = Palette(
    background="#111827", surface="#1f2937", text="#f3f4f6", muted="#d1d5db",
    primary="#93c5fd", on_primary="#0b1220", link="#93c5fd", border="#4b5563",
)  # fmt: skip


class Colors(_Strict):
    """Light colours (the default every client shows) and dark-mode overrides."""

    light: Palette = LIGHT
    dark: Palette = DARK


class Sender(_Strict):
    """Who the email is from."""

    name: str = Field(min_length=1, description="Display name, e.g. Lunden.")
    email: EmailAddress = Field(description="From address.")


class Logo(_Strict):
    """The header logo: an image in templates/email/assets/."""

    src: str = Field(min_length=1, description="File name inside assets/, e.g. logo.png.")
    alt: str = Field(min_length=1, description="Alt text: usually the brand name.")
    width: int = Field(120, ge=16, le=536, description="Display width in px (image may be 2x).")
    dark_src: str | None = Field(None, description="Optional variant for dark mode.")

    @field_validator("src", "dark_src")
    @classmethod
    def _inside_assets(cls, value: str | None) -> str | None:
        if value is not None and (value.startswith(("/", "assets/")) or ".." in value):
            raise ValueError("give the file name inside templates/email/assets/, e.g. logo.png")
        return value


class Company(_Strict):
    """The legal sender, shown in every footer."""

    legal_name: str = Field(min_length=1, description="E.g. Lunden ApS.")
    address: list[str] = Field(default_factory=list, description="Address lines.")
    id: str | None = Field(None, description="Company registration, e.g. CVR 12345678.")


class Support(_Strict):
    """Where customers get help (footer and plain text)."""

    email: EmailAddress | None = None
    phone: str | None = None
    url: HttpsUrl | None = None


class Social(_Strict):
    """A social profile linked from the marketing footer."""

    name: str = Field(min_length=1)
    url: HttpsUrl


STRINGS: dict[str, dict[str, str]] = {
    "en": {
        "unsubscribe": "Unsubscribe",
        "marketing_reason": "You are receiving this email because you signed up for news from {brand}.",
        "transactional_reason": "This is a service message about your order or account.",
        "contact": "Questions? Write to us at",
        "phone": "Phone",
    },
    "da": {
        "unsubscribe": "Afmeld",
        "marketing_reason": "Du får denne mail, fordi du har tilmeldt dig nyheder fra {brand}.",
        "transactional_reason": "Dette er en servicemail om din ordre eller din konto.",
        "contact": "Spørgsmål? Skriv til os på",
        "phone": "Telefon",
    },
    "nb": {
        "unsubscribe": "Meld deg av",
        "marketing_reason": "Du får denne e-posten fordi du har meldt deg på nyheter fra {brand}.",
        "transactional_reason": "Dette er en tjenestemelding om bestillingen eller kontoen din.",
        "contact": "Spørsmål? Skriv til oss på",
        "phone": "Telefon",
    },
    "sv": {
        "unsubscribe": "Avregistrera",
        "marketing_reason": "Du får det här mejlet för att du har anmält dig till nyheter från "
        "{brand}.",
        "transactional_reason": "Det här är ett servicemeddelande om din order eller ditt konto.",
        "contact": "Frågor? Skriv till oss på",
        "phone": "Telefon",
    },
    "de": {
        "unsubscribe": "Abmelden",
        "marketing_reason": "Sie erhalten diese E-Mail, weil Sie Neuigkeiten von {brand} "
        "abonniert haben.",
        "transactional_reason": "Dies ist eine Servicenachricht zu Ihrer Bestellung oder Ihrem "
        "Konto.",
        "contact": "Fragen? Schreiben Sie uns an",
        "phone": "Telefon",
    },
}


class Brand(_Strict):
    """Everything the layouts take from ``brand.yml``."""

    name: str = Field(min_length=1, description="The brand as customers know it.")
    sender: Sender
    reply_to: EmailAddress | None = None
    website: HttpsUrl | None = Field(None, description="Where the header logo links to.")
    asset_base_url: HttpsUrl = Field(
        description="Absolute https URL of the folder that serves templates/email/assets/ in "
        "production (your CDN), ending in /."
    )
    font_stack: str = Field(
        "Helvetica, Arial, sans-serif",
        description="Web-safe fonts ending in a generic family, e.g. Helvetica, Arial, sans-serif.",
    )
    colors: Colors = Field(default_factory=Colors)
    radius: int = Field(6, ge=0, le=24, description="Corner radius of buttons in px.")
    logo: Logo | None = None
    company: Company
    support: Support = Field(default_factory=Support)
    unsubscribe_url: str = Field(
        "{{ unsubscribe_url }}",
        description="Link in the marketing footer and List-Unsubscribe header: an https URL "
        "or a data variable, e.g. {{ unsubscribe_url }}.",
    )
    social: list[Social] = Field(default_factory=list)
    strings: dict[str, dict[str, str]] = Field(
        default_factory=dict, description="Footer wording per locale, overriding the built-in."
    )

    _source: Path | None = PrivateAttr(default=None)

    @field_validator("asset_base_url")
    @classmethod
    def _slash(cls, value: str) -> str:
        return value if value.endswith("/") else value + "/"

    @field_validator("font_stack")
    @classmethod
    def _fonts(cls, value: str) -> str:
        if not _FONT_STACK.match(value):
            raise ValueError("a font stack holds font names, commas and quotes only")
        last = value.split(",")[-1].strip().strip("'\"").lower()
        if last not in _GENERIC_FONTS:
            raise ValueError("end the font stack with a generic family such as sans-serif")
        return value

    @field_validator("unsubscribe_url")
    @classmethod
    def _unsubscribe(cls, value: str) -> str:
        rest = _TAG.sub("", value).strip()
        if rest and not rest.startswith("https://"):
            raise ValueError("use an https URL or a data variable such as {{ unsubscribe_url }}")
        if not rest and not value.strip().startswith("{{"):
            raise ValueError("use an https URL or a data variable such as {{ unsubscribe_url }}")
        return value

    @field_validator("strings")
    @classmethod
    def _known_strings(cls, value: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
        known = set(STRINGS["en"])
        for locale, texts in value.items():
            unknown = sorted(set(texts) - known)
            if unknown:
                raise ValueError(
                    f"unknown text {unknown[0]!r} for {locale}; texts are: {', '.join(sorted(known))}"
                )
        return value

    @property
    def source(self) -> Path | None:
        """The brand.yml this brand was read from (None for the built-in default)."""
        return self._source

    def text(self, key: str, locale: str) -> str:
        """Footer wording for ``locale`` (``nb-NO`` falls back to ``nb``, then English)."""
        for loc in (locale, locale.split("-")[0].split("_")[0], "en"):
            for table in (self.strings, STRINGS):
                found = table.get(loc, {}).get(key)
                if found is not None:
                    return found.replace("{brand}", self.name)
        raise KeyError(key)


def brand_file(templates_path: Path) -> Path:
    """The brand.yml in use: the project's, else the built-in neutral one."""
    project = templates_path / BRAND_FILE
    return project if project.is_file() else BUILTIN_TEMPLATES / BRAND_FILE


def default_brand() -> Brand:
    """The built-in neutral brand (always valid)."""
    path = BUILTIN_TEMPLATES / BRAND_FILE
    doc = read_yaml(path.read_text(encoding="utf-8"), str(path), Report())
    assert doc is not None
    brand = Brand.model_validate(doc.data)
    brand._source = path
    return brand


def load_brand(templates_path: Path, report: Report, *, root: Path | None = None) -> Brand:
    """Read and validate the brand, reporting problems at their line in brand.yml.

    A brand.yml that cannot be used is reported and replaced by the built-in brand, so the
    build goes on and shows every problem at once.
    """
    path = brand_file(templates_path)
    shown = display_path(path, root)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        report.add(YAML_SYNTAX.id, shown, FILE, f"cannot read brand.yml: {error}")
        return default_brand()
    doc = read_yaml(text, shown, report)
    if doc is None:
        return default_brand()
    try:
        brand = Brand.model_validate(doc.data if doc.data is not None else {})
    except ValidationError as error:
        report_validation_error(error, Brand, doc, shown, report)
        return default_brand()
    brand._source = path
    return brand


def display_path(path: Path, root: Path | None) -> str:
    """``path`` relative to the project root when inside it, else absolute (posix)."""
    if root is not None:
        try:
            return path.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            pass
    return path.as_posix()
