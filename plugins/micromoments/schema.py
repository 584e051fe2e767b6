"""JSON Schemas of the spec files, derived from the model, for editors and other tools."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from .model import Journey, MomentSpec, Tones

SCHEMAS: dict[str, tuple[type[BaseModel], str]] = {
    "moment": (MomentSpec, "Front-matter of a micromoments moment spec (moments/*.md)."),
    "journey": (Journey, "moments/journey.yml: phases, audiences, locales and metrics."),
    "tones": (Tones, "moments/tones.yml: tone-of-voice profiles."),
}


def json_schema(name: str) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12, as pydantic writes it) of one spec file kind."""
    model, description = SCHEMAS[name]
    schema = model.model_json_schema(mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = f"https://micromoments.dev/schema/{name}.schema.json"
    schema["title"] = f"micromoments {name}"
    schema["description"] = description
    return schema


def render_schema(name: str) -> str:
    """The schema as stable, pretty JSON text."""
    return json.dumps(json_schema(name), indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def write_schemas(folder: Path) -> list[Path]:
    """Write every schema into ``folder``; returns the files written (or left as they were)."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name in SCHEMAS:
        target = folder / f"{name}.schema.json"
        text = render_schema(name)
        if not target.is_file() or target.read_text(encoding="utf-8") != text:
            target.write_text(text, encoding="utf-8")
        written.append(target)
    return written
