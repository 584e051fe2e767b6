"""The caniemail dataset: load the pinned snapshot once and index its features by syntax.

The snapshot is ``micromoments/data/caniemail.json`` from the npm package ``caniemail``
(MIT, data from caniemail.com). Every feature has ``stats``: family → platform → version →
``"y"``/``"n"``/``"a"``/``"u"`` with optional ``#n`` note references. We keep, per
``family.platform`` client, only the last version listed, because that is the client people
use today.

Feature names are mostly regular (``<video> element``, ``dir attribute``, ``display:flex``,
``@media (prefers-color-scheme)``, ``css-unit-rem``), so the index is derived from titles and
slugs; the few irregular ones are listed in the tables below. A feature whose slug is not in
the data is simply never reported, so a data update can drop a feature without breaking us.
"""

from __future__ import annotations

import functools
import json
import re
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from ..diagnostics import suggestion

DATA_FILE = "caniemail.json"
PINNED_VERSION = "2.0.2"
FEATURE_URL = "https://www.caniemail.com/features/{slug}/"

_CELL = re.compile(r"^([ynau])((?: #\d+)*)$")
_MD_LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")

# Irregular titles, by slug. Each maps to syntax the detector can see.
_EXTRA_ELEMENTS: dict[str, tuple[str, ...]] = {
    "html-address": ("address",),
    "html-svg": ("svg",),
    "html-h1-h6": ("h1", "h2", "h3", "h4", "h5", "h6"),
    # li/dt/dd only occur inside these, so counting the containers is enough.
    "html-lists": ("ul", "ol", "dl"),
    "html-image-maps": ("map", "area"),
}
# Features whose `keywords` in the data are exactly the elements or properties they cover.
_KEYWORD_ELEMENTS = frozenset({"html-semantics"})
_KEYWORD_PROPERTIES = frozenset(
    {
        "css-border",
        "css-border-inline-block-individual",
        "css-border-inline-block-longhand",
        "css-border-radius-logical",
        "css-column-layout-properties",
        "css-grid-template",
        "css-inset",
        "css-margin",
        "css-overflow",
    }
)
_EXTRA_ATTRIBUTES: dict[str, tuple[str, ...]] = {
    "html-srcset": ("srcset", "sizes"),
    "html-image-maps": ("usemap",),
    "css-inert-attribute": ("inert",),
}
# Longhands the caniemail page covers but its title and keywords do not name.
_EXTRA_PROPERTIES: dict[str, tuple[str, ...]] = {
    "css-padding": ("padding-top", "padding-right", "padding-bottom", "padding-left"),
    "css-border-radius": (
        "border-top-left-radius",
        "border-top-right-radius",
        "border-bottom-right-radius",
        "border-bottom-left-radius",
    ),
    "css-outline": ("outline-color", "outline-style", "outline-width"),
    "css-overflow": ("overflow-x", "overflow-y"),
    "css-animation": (
        "animation-name",
        "animation-duration",
        "animation-timing-function",
        "animation-delay",
        "animation-iteration-count",
        "animation-direction",
        "animation-fill-mode",
        "animation-play-state",
    ),
    "css-transition": (
        "transition-property",
        "transition-duration",
        "transition-timing-function",
        "transition-delay",
    ),
    "css-text-emphasis": ("text-emphasis-color", "text-emphasis-style"),
    "css-scroll-snap": ("scroll-snap-type", "scroll-snap-align", "scroll-snap-stop"),
}
# Values that make the same kind of box as the value in the title.
_EXTRA_PROPERTY_VALUES: dict[str, tuple[tuple[str, str], ...]] = {
    "css-display-flex": (("display", "inline-flex"),),
    "css-display-grid": (("display", "inline-grid"),),
}
_VALUE_KEYWORD_FEATURES = frozenset({"css-sytem-ui", "css-intrinsic-size"})
_EXTRA_FUNCTIONS: dict[str, tuple[str, ...]] = {
    "css-variables": ("var",),
    "css-intrinsic-size": ("fit-content",),
}
_EXTRA_IMAGE_FORMATS: dict[str, tuple[str, ...]] = {
    "image-jpg": ("jpeg", "jpe"),
    "image-tiff": ("tif",),
    "image-heif": ("heic",),
}
# Detected by bespoke code in features.py / css.py rather than by a name lookup.
SPECIAL = frozenset(
    {
        "html-anchor-links",
        "html-comments",
        "html-doctype",
        "html-mailto-links",
        "html-meta-color-scheme",
        "css-comments",
        "css-important",
        "css-nesting",
        "css-variables",
        "image-base64",
    }
)
# Titles that look like a CSS property name but are not one.
_NOT_PROPERTIES = frozenset({"css-inert-attribute", "css-scroll-snap"}) | _VALUE_KEYWORD_FEATURES


class DatasetError(ValueError):
    """The caniemail JSON does not have the shape this module expects."""


@dataclass(frozen=True, slots=True)
class Support:
    """How one client supports a feature at the last version the data lists for it."""

    kind: str  # "y", "n", "a" (partial) or "u" (unknown)
    version: str
    notes: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Feature:
    """One caniemail feature, with support per ``family.platform`` client."""

    slug: str
    title: str
    category: str
    support: Mapping[str, Support]

    @property
    def url(self) -> str:
        """The feature's page on caniemail.com."""
        return FEATURE_URL.format(slug=self.slug)


Lookup = Mapping[str, tuple[str, ...]]


@dataclass(frozen=True, slots=True, eq=False)
class FeatureIndex:
    """Feature slugs by the syntax that uses them. Names are lower case."""

    elements: Lookup
    typed_elements: Mapping[tuple[str, str], tuple[str, ...]]  # (tag, type attribute)
    attributes: Lookup
    properties: Lookup
    property_values: Mapping[tuple[str, str], tuple[str, ...]]
    functions: Lookup
    value_keywords: Lookup
    units: Lookup  # "px", "%", ...
    at_rules: Lookup  # without "@"
    media_features: Lookup  # without min-/max- prefixes
    pseudo_classes: Lookup
    pseudo_elements: Lookup
    selectors: Lookup  # "class", "descendant", "grouping", ...
    image_formats: Lookup  # file extensions
    special: frozenset[str]

    def indexed_slugs(self) -> frozenset[str]:
        """Every slug some detector can report."""
        lookups: list[Mapping[Any, tuple[str, ...]]] = [
            self.elements,
            self.typed_elements,
            self.attributes,
            self.properties,
            self.property_values,
            self.functions,
            self.value_keywords,
            self.units,
            self.at_rules,
            self.media_features,
            self.pseudo_classes,
            self.pseudo_elements,
            self.selectors,
            self.image_formats,
        ]
        slugs = {slug for lookup in lookups for group in lookup.values() for slug in group}
        return frozenset(slugs | self.special)


@dataclass(frozen=True, slots=True, eq=False)
class Dataset:
    """The loaded dataset: features, their index, and the clients it knows.

    Compared and hashed by identity, so results can be cached per dataset.
    """

    api_version: str
    last_update_date: str
    features: Mapping[str, Feature]
    index: FeatureIndex
    family_names: Mapping[str, str]
    platform_names: Mapping[str, str]
    platforms: Mapping[str, tuple[str, ...]]  # family -> platforms, in the data's order

    def client_name(self, client: str) -> str:
        """Display name of a ``family.platform`` client, e.g. ``Outlook (Windows)``."""
        family, _, platform = client.partition(".")
        name = self.family_names.get(family, family)
        return f"{name} ({self.platform_names.get(platform, platform)})" if platform else name

    def known_clients(self) -> tuple[str, ...]:
        """Every ``family.platform`` client in the data."""
        return tuple(f"{f}.{p}" for f, platforms in self.platforms.items() for p in platforms)

    def resolve_clients(self, clients: Sequence[str]) -> tuple[str, ...]:
        """Expand families (``outlook``) and keep ``family.platform`` entries, in order.

        Raises ``ValueError`` naming the first unknown entry, with a did-you-mean.
        """
        return _resolve(self, tuple(clients))


def _resolve(dataset: Dataset, clients: tuple[str, ...]) -> tuple[str, ...]:
    resolved: dict[str, None] = {}
    known = dataset.known_clients()
    for entry in clients:
        name = entry.strip().lower()
        family, _, platform = name.partition(".")
        if platform and name in known:
            resolved[name] = None
        elif not platform and family in dataset.platforms:
            resolved.update((f"{family}.{p}", None) for p in dataset.platforms[family])
        else:
            hint = suggestion(name, [*dataset.platforms, *known])
            raise ValueError(f"unknown email client {entry!r}{hint}")
    return tuple(resolved)


def _notes(raw: Any) -> dict[str, str]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise DatasetError("notes_by_num must be an object")
    # Markdown links become "text (url)" so they read well in a terminal.
    return {str(k): _MD_LINK.sub(r"\1 (\2)", str(v)).strip() for k, v in raw.items()}


def _support(slug: str, stats: Any, notes: Mapping[str, str]) -> dict[str, Support]:
    if not isinstance(stats, dict):
        raise DatasetError(f"{slug}: stats must be an object")
    support: dict[str, Support] = {}
    for family, platforms in stats.items():
        if not isinstance(platforms, dict):
            raise DatasetError(f"{slug}: stats.{family} must be an object")
        for platform, versions in platforms.items():
            if not isinstance(versions, dict) or not versions:
                raise DatasetError(f"{slug}: stats.{family}.{platform} must be a non-empty object")
            for version, cell in versions.items():
                if not isinstance(cell, str) or not _CELL.match(cell):
                    where = f"stats.{family}.{platform}.{version}"
                    raise DatasetError(f"{slug}: {where} is {cell!r}, not y/n/a/u with #notes")
            # The data lists versions oldest first; the last one is the client of today.
            version, cell = list(versions.items())[-1]
            match = _CELL.match(cell)
            assert match is not None  # validated just above
            numbers = match.group(2).split(" #")[1:]
            texts = tuple(notes[n] for n in numbers if n in notes)
            support[f"{family}.{platform}"] = Support(match.group(1), str(version), texts)
    return support


def _feature(raw: Any) -> Feature:
    if not isinstance(raw, dict):
        raise DatasetError("every entry of data must be an object")
    for key in ("slug", "title", "category"):
        if not isinstance(raw.get(key), str) or not raw[key]:
            raise DatasetError(f"a feature lacks a string {key!r}: {str(raw)[:80]}")
    slug = raw["slug"]
    notes = _notes(raw.get("notes_by_num"))
    return Feature(slug, raw["title"].strip(), raw["category"], _support(slug, raw["stats"], notes))


def _words(text: str) -> list[str]:
    return [w.strip().lower() for w in text.split(",") if w.strip()]


class _IndexBuilder:
    """Collects slugs per syntax key while walking the features once."""

    def __init__(self) -> None:
        self.maps: dict[str, dict[Any, list[str]]] = {}

    def add(self, kind: str, key: Any, slug: str) -> None:
        group = self.maps.setdefault(kind, {}).setdefault(key, [])
        if slug not in group:
            group.append(slug)

    def lookup(self, kind: str) -> dict[Any, tuple[str, ...]]:
        return {k: tuple(v) for k, v in self.maps.get(kind, {}).items()}


_PROPERTY_NAME = re.compile(r"-?[a-z][a-z-]*")


def _index_css(b: _IndexBuilder, f: Feature, keywords: str) -> None:
    slug, title = f.slug, f.title
    for prefix, kind in (
        ("css-pseudo-class-", "pseudo_classes"),
        ("css-pseudo-element-", "pseudo_elements"),
        ("css-selector-", "selectors"),
    ):
        if slug.startswith(prefix):
            b.add(kind, slug.removeprefix(prefix), slug)
            return
    if slug.startswith("css-unit-"):
        unit = slug.removeprefix("css-unit-")
        if unit == "percent":
            b.add("units", "%", slug)
        elif unit == "initial":
            b.add("value_keywords", "initial", slug)
        elif unit == "calc":
            b.add("functions", "calc", slug)
        else:
            b.add("units", unit, slug)
        return
    if title.startswith("@media ("):
        for name in re.findall(r"\(([-a-z]+)\)", title):
            b.add("media_features", name, slug)
        return
    if m := re.fullmatch(r"@([-a-z]+)", title):
        b.add("at_rules", m.group(1), slug)
        return
    if m := re.fullmatch(r"([-a-z]+):\s*([-a-z]+)", title):
        b.add("property_values", (m.group(1), m.group(2)), slug)
        return
    for name in re.findall(r"([-a-z]+)\(\)", title):
        b.add("functions", name, slug)
    if slug in _VALUE_KEYWORD_FEATURES:
        for word in _words(title):
            b.add("value_keywords", word, slug)
    if slug in _KEYWORD_PROPERTIES:
        for word in _words(keywords):
            b.add("properties", word, slug)
    if slug in _NOT_PROPERTIES or "(" in title:
        return
    # "block-size & inline-size", "gap, column-gap, row-gap", "height property", "font shorthand"
    name = re.sub(r"\s+(css property|property|shorthand)$", "", title.lower())
    parts = [p.strip() for p in re.split(r"&|,", name)]
    if all(_PROPERTY_NAME.fullmatch(p) for p in parts):
        for part in parts:
            b.add("properties", part, slug)


def _index_html(b: _IndexBuilder, f: Feature, keywords: str) -> None:
    slug, title = f.slug, f.title
    if m := re.fullmatch(r"<([a-z0-9]+) type=\"([a-z]+)\"> element", title):
        b.add("typed_elements", (m.group(1), m.group(2)), slug)
    elif m := re.fullmatch(r"<([a-z0-9]+)>(?: element)?", title):
        b.add("elements", m.group(1), slug)
    elif m := re.fullmatch(r"([-a-z]+) attribute", title):
        b.add("attributes", m.group(1), slug)
    if slug in _KEYWORD_ELEMENTS:
        for word in _words(keywords):
            b.add("elements", word, slug)


def build_index(features: Iterable[Feature], keywords: Mapping[str, str]) -> FeatureIndex:
    """Index features by the syntax that uses them (see the module docstring)."""
    b = _IndexBuilder()
    slugs: set[str] = set()
    for f in features:
        slugs.add(f.slug)
        words = keywords.get(f.slug, "")
        if f.category == "css":
            _index_css(b, f, words)
        elif f.category == "html":
            _index_html(b, f, words)
        elif f.category == "image" and f.slug != "image-base64":
            b.add("image_formats", f.slug.removeprefix("image-"), f.slug)
        for kind, table in (
            ("elements", _EXTRA_ELEMENTS),
            ("attributes", _EXTRA_ATTRIBUTES),
            ("properties", _EXTRA_PROPERTIES),
            ("functions", _EXTRA_FUNCTIONS),
            ("image_formats", _EXTRA_IMAGE_FORMATS),
        ):
            for key in table.get(f.slug, ()):
                b.add(kind, key, f.slug)
        for pair in _EXTRA_PROPERTY_VALUES.get(f.slug, ()):
            b.add("property_values", pair, f.slug)
    return FeatureIndex(
        elements=b.lookup("elements"),
        typed_elements=b.lookup("typed_elements"),
        attributes=b.lookup("attributes"),
        properties=b.lookup("properties"),
        property_values=b.lookup("property_values"),
        functions=b.lookup("functions"),
        value_keywords=b.lookup("value_keywords"),
        units=b.lookup("units"),
        at_rules=b.lookup("at_rules"),
        media_features=b.lookup("media_features"),
        pseudo_classes=b.lookup("pseudo_classes"),
        pseudo_elements=b.lookup("pseudo_elements"),
        selectors=b.lookup("selectors"),
        image_formats=b.lookup("image_formats"),
        special=frozenset(SPECIAL & slugs),
    )


def parse_dataset(raw: Any) -> Dataset:
    """Validate the shape of the caniemail JSON and build the dataset. Raises DatasetError."""
    if not isinstance(raw, dict):
        raise DatasetError("the top level must be an object")
    entries = raw.get("data")
    if not isinstance(entries, list) or not entries:
        raise DatasetError("`data` must be a non-empty list of features")
    nicenames = raw.get("nicenames")
    if not isinstance(nicenames, dict):
        raise DatasetError("`nicenames` must be an object")
    features: dict[str, Feature] = {}
    keywords: dict[str, str] = {}
    platforms: dict[str, dict[str, None]] = {}
    for entry in entries:
        feature = _feature(entry)
        if feature.slug in features:
            raise DatasetError(f"feature {feature.slug} appears twice")
        features[feature.slug] = feature
        keywords[feature.slug] = str(entry.get("keywords") or "")
        for client in feature.support:
            family, _, platform = client.partition(".")
            platforms.setdefault(family, {})[platform] = None
    return Dataset(
        api_version=str(raw.get("api_version", "")),
        last_update_date=str(raw.get("last_update_date", "")),
        features=features,
        index=build_index(features.values(), keywords),
        family_names=dict(nicenames.get("family") or {}),
        platform_names=dict(nicenames.get("platform") or {}),
        platforms={f: tuple(p) for f, p in platforms.items()},
    )


def read_dataset(path: Path) -> Dataset:
    """Read and parse a caniemail JSON file (no caching)."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise DatasetError(f"{path}: {exc}") from exc
    return parse_dataset(raw)


@functools.cache
def load_dataset() -> Dataset:
    """The packaged snapshot, parsed and indexed on first use and cached for the process."""
    source = resources.files("micromoments") / "data" / DATA_FILE
    with resources.as_file(source) as path:
        return read_dataset(path)


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m micromoments.clients.data FILE``: validate a caniemail JSON file."""
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) != 1:
        print("usage: python -m micromoments.clients.data FILE", file=sys.stderr)
        return 2
    try:
        dataset = read_dataset(Path(args[0]))
    except DatasetError as exc:
        print(f"invalid caniemail data: {exc}", file=sys.stderr)
        return 1
    indexed = dataset.index.indexed_slugs()
    print(
        f"{len(dataset.features)} features ({len(indexed)} detectable), "
        f"{len(dataset.known_clients())} clients, api {dataset.api_version}, "
        f"updated {dataset.last_update_date}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
