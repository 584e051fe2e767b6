"""Where email layouts are found: the project's templates first, then the built-in ones.

A layout is ``templates/email/layouts/NAME.mjml`` (MJML with Jinja). Files whose name starts
with ``_`` (such as ``_base.mjml``) are building blocks, not layouts a moment can pick. The
lookup chain (project folder, then the package's ``data/templates``) lets a team override one
partial without copying the rest.
"""

from __future__ import annotations

from pathlib import Path

BUILTIN_TEMPLATES = Path(__file__).parent / "data" / "templates"


def template_dirs(templates_path: Path) -> list[Path]:
    """The template search path: the project's folder, then the built-in one."""
    return [p for p in (templates_path, BUILTIN_TEMPLATES) if p.is_dir()]


def available_layouts(templates_path: Path) -> set[str]:
    """Names of every email layout a moment can use."""
    names: set[str] = set()
    for folder in template_dirs(templates_path):
        layouts = folder / "email" / "layouts"
        if layouts.is_dir():
            names.update(p.stem for p in layouts.glob("*.mjml") if not p.name.startswith("_"))
    return names
