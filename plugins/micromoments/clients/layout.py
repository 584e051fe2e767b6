"""An email layout on its own: its template files, and its HTML around a specimen copy.

The checks of final email HTML must say *who* caused a problem. What the layout produces is the
same in every email that uses it, so it is checked once per layout, kind and locale, and
reported at the template file and line; what only one moment's copy produces is reported at
that moment. To tell the two apart, the layout is rendered around a *specimen*: copy that uses
every construct of the copy syntax once (headings, a list, a table, both buttons, an image, a
divider, a note, fine print). Whatever the specimen's HTML contains is the layout's and the
copy renderer's doing; a moment's HTML can add only what depends on its own words, links and
images.

:class:`LayoutSources` finds the template line behind a piece of HTML by searching the files
the layout is made of (the layout, what it extends, its partials; project first, then the
built-in templates), the same way MJML errors are traced back (:func:`..render.email._locate`).
"""

from __future__ import annotations

import copy
import functools
import os
import re
from dataclasses import dataclass
from pathlib import Path

import jinja2
import jinja2.meta

from ..diagnostics import Report
from ..layouts import template_dirs
from ..render.brand import Brand, display_path, load_brand
from ..render.email import environment, render_email
from ..render.markdown import parse_copy
from ..render.mjml import to_mjml
from ..render.protect import Slots

SPECIMEN_SUBJECT = "Specimen subject of the layout check"
SPECIMEN_PREHEADER = "Specimen preheader: what the layout shows around every email's copy."
SPECIMEN_UNSUBSCRIBE = "https://example.com/unsubscribe"
_SPECIMEN = """\
### Specimen headline

A paragraph with a [link](https://example.com/specimen), **bold**, *italic* and `CODE123`.
A second line.

#### A subheading

- A bullet
- Another bullet

1. A step
2. Another step

| Item | Quantity | Price |
| :--- | :---: | ---: |
| A thing | 1 | 10,00 |

[A button](https://example.com/button){.button}

[A secondary button](https://example.com/secondary){.button .secondary}

{image}

---

> A highlighted note.

{.muted}
Fine print.
"""


_JINJA_COMMENT = re.compile(r"\{#.*?#\}", re.S)


@dataclass(frozen=True, slots=True)
class Place:
    """A template file (as shown to users) and a 1-based line and column (0: the whole file)."""

    path: str
    line: int = 0
    col: int = 0


@dataclass(frozen=True, slots=True)
class _File:
    shown: str
    lines: tuple[str, ...]
    classes: frozenset[str]  # class names the file writes literally (css-class="..." etc.)


_STATIC_CLASS = re.compile(r"""(?:css-)?class=["']([^"'{}]*)["']""")


class LayoutSources:
    """The template files behind one layout, searchable line by line."""

    def __init__(self, templates_path: Path, layout: str, root: Path | None) -> None:
        self.layout = layout
        env = environment(templates_path)
        name = f"layouts/{layout}.mjml"
        self.files: list[_File] = []
        seen: set[str] = set()
        queue = [name]
        while queue:
            current = queue.pop(0)
            if current in seen:
                continue
            seen.add(current)
            path = _find(templates_path, current)
            if path is None:
                continue
            try:
                text = path.read_text(encoding="utf-8")
                referenced = jinja2.meta.find_referenced_templates(env.parse(text))
            except (OSError, UnicodeDecodeError, jinja2.TemplateError):
                continue
            # Jinja comments describe the template in words that would match searches
            shown = _JINJA_COMMENT.sub(lambda m: re.sub(r"[^\n]", " ", m.group()), text)
            classes = frozenset(c for m in _STATIC_CLASS.finditer(shown) for c in m[1].split())
            self.files.append(_File(display_path(path, root), tuple(shown.split("\n")), classes))
            queue.extend(r for r in referenced if r is not None)
        self.layout_place = Place(self.files[0].shown if self.files else name)

    def used_in(self, html: str) -> LayoutSources:
        """The same sources without the files the HTML cannot have come from: those that
        write a class the HTML lacks (a partial included only for the other kind of email)."""
        narrowed = copy.copy(self)
        present = set(re.findall(r"""class=["']([^"']*)["']""", html))
        names = {c for value in present for c in value.split()}
        narrowed.files = [f for f in self.files if f.classes <= names]
        return narrowed

    def find(self, *patterns: re.Pattern[str]) -> Place | None:
        """The first line (layout file first) that matches one of ``patterns``, in order."""
        for pattern in patterns:
            for file in self.files:
                for number, line in enumerate(file.lines, start=1):
                    m = pattern.search(line)
                    if m:
                        return Place(file.shown, number, m.start() + 1)
        return None

    def find_or_layout(self, *patterns: re.Pattern[str]) -> Place:
        """Like :meth:`find`, falling back to the layout file as a whole."""
        return self.find(*patterns) or self.layout_place

    def find_class(self, *classes: str) -> Place | None:
        """Where a template gives an element one of ``classes`` (``css-class`` or ``class``)."""
        patterns = [
            re.compile(r"""(?:css-)?class=["'][^"']*(?<![-\w])""" + re.escape(c) + r"(?![-\w])")
            for c in classes
        ]
        return self.find(*patterns)


def _find(templates_path: Path, name: str) -> Path | None:
    for folder in template_dirs(templates_path):
        candidate = folder / "email" / name
        if candidate.is_file():
            return candidate
    return None


def _stamp(templates_path: Path) -> tuple[tuple[str, int, int], ...]:
    """Names, sizes and modification times of every template file (cache invalidation)."""
    out: list[tuple[str, int, int]] = []
    stack = [str(folder / "email") for folder in template_dirs(templates_path)]
    while stack:
        try:
            entries = list(os.scandir(stack.pop()))
        except OSError:
            continue
        for entry in entries:
            if entry.is_dir():
                stack.append(entry.path)
            elif entry.name.endswith((".mjml", ".yml", ".yaml")):
                stat = entry.stat()
                out.append((entry.path, stat.st_size, stat.st_mtime_ns))
    return tuple(sorted(out))


@functools.lru_cache(maxsize=16)
def _sources(
    templates_path: Path, layout: str, root: Path | None, stamp: tuple[tuple[str, int, int], ...]
) -> LayoutSources:
    return LayoutSources(templates_path, layout, root)


@functools.lru_cache(maxsize=4)
def _brand(templates_path: Path, root: Path | None, stamp: object) -> Brand:
    # Problems in brand.yml are reported by the build itself; here they would be duplicates.
    return load_brand(templates_path, Report(), root=root)


def specimen_copy(brand: Brand) -> str:
    """The specimen copy's Markdown (with the brand's logo as the image, if it has one)."""
    image = f"![Specimen image](assets/{brand.logo.src})" if brand.logo else ""
    return _SPECIMEN.replace("{image}", image)


@functools.lru_cache(maxsize=64)
def _specimen(
    templates_path: Path,
    root: Path | None,
    layout: str,
    kind: str,
    locale: str,
    direction: str,
    stamp: tuple[tuple[str, int, int], ...],
) -> str:
    brand = _brand(templates_path, root, stamp)
    doc = parse_copy(Slots().protect(specimen_copy(brand)))
    content = to_mjml(doc, brand, asset_base=brand.asset_base_url)
    email = render_email(
        layout,
        content,
        subject=SPECIMEN_SUBJECT,
        preheader=SPECIMEN_PREHEADER,
        locale=locale,
        direction=direction,
        kind=kind,
        brand=brand,
        templates_path=templates_path,
        asset_base=brand.asset_base_url,
        unsubscribe_url=SPECIMEN_UNSUBSCRIBE if kind == "marketing" else None,
        root=root,
    )
    return email.html


@dataclass(frozen=True, slots=True)
class Layouts:
    """The layouts of one project as they are now: equal while no template file changes, so
    it can key caches. Make one with :meth:`now`."""

    templates_path: Path
    root: Path | None
    stamp: tuple[tuple[str, int, int], ...]

    @classmethod
    def now(cls, templates_path: Path, root: Path | None) -> Layouts:
        """The layouts with the template files as they are on disk now."""
        return cls(templates_path, root, _stamp(templates_path))

    def sources(self, layout: str) -> LayoutSources:
        """The template files of ``layout`` (cached until a template changes)."""
        return _sources(self.templates_path, layout, self.root, self.stamp)

    def brand(self) -> Brand:
        """The brand the build uses."""
        return _brand(self.templates_path, self.root, self.stamp)

    def specimen(self, layout: str, kind: str, locale: str, direction: str) -> str:
        """The layout's HTML around the specimen copy ("" when the layout cannot be rendered;
        the build reports why)."""
        return _specimen(self.templates_path, self.root, layout, kind, locale, direction,
                         self.stamp)  # fmt: skip


__all__ = [
    "SPECIMEN_PREHEADER",
    "SPECIMEN_SUBJECT",
    "LayoutSources",
    "Layouts",
    "Place",
    "specimen_copy",
]
