"""Generated (virtual) pages: never written into docs/."""

from __future__ import annotations

from ..load.loader import Catalog


def generated_pages(catalog: Catalog) -> dict[str, str]:
    """Page URI to Markdown content for every generated page."""
    pages: dict[str, str] = {}
    lines = ["# Catalog", ""]
    for moment in catalog.ordered():
        lines.append(f"- [{moment.title}]({moment.id}.md)")
        pages[f"moments/{moment.id}.md"] = (
            f"# {moment.title}\n\n{moment.spec.summary if moment.spec else ''}\n"
        )
    pages["moments/index.md"] = "\n".join(lines) + "\n"
    return pages
