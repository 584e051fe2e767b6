"""The tracking plan: every trigger event, who produces it, and the properties moments consume.

Derived from the moments alone (their ``trigger`` and ``data``), so it can never drift from the
copy that uses the values. Each event gets a JSON Schema (draft-07) in the shape Segment
Protocols expects for a track call: the event's properties under ``properties.properties``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from ..model import DataField, Moment

DRAFT_07 = "http://json-schema.org/draft-07/schema#"

_JSON_TYPES: dict[str, dict[str, Any]] = {
    "string": {"type": "string"},
    "number": {"type": "number"},
    "integer": {"type": "integer"},
    "boolean": {"type": "boolean"},
    "url": {"type": "string", "format": "uri"},
    "email": {"type": "string", "format": "email"},
    # Dates and money reach the copy already formatted for the customer's locale
    # ("fredag 27. marts", "899,00 kr."), so the plan cannot demand ISO dates or numbers.
    "date": {"type": "string"},
    "datetime": {"type": "string"},
    "money": {"type": ["string", "number"]},
    "list": {"type": "array"},
    "object": {"type": "object"},
}


def slugify(text: str) -> str:
    """``Order Completed`` -> ``order-completed`` (for anchors and file names)."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "event"


@dataclass
class EventProperty:
    """One property of an event, with every moment that consumes it."""

    name: str
    uses: list[tuple[str, DataField]] = field(default_factory=list)

    @property
    def types(self) -> list[str]:
        """The declared types (more than one means the moments disagree)."""
        return sorted({f.type for _m, f in self.uses})

    @property
    def sources(self) -> list[str]:
        """The systems the moments say produce the value."""
        return sorted({f.source for _m, f in self.uses})

    @property
    def required(self) -> bool:
        """True when any moment says the event always carries the value."""
        return any(f.required for _m, f in self.uses)

    @property
    def description(self) -> str:
        """The first description a moment gives."""
        return next((f.description for _m, f in self.uses if f.description), "")

    @property
    def moments(self) -> list[str]:
        """Ids of the moments that consume the property."""
        return sorted({m for m, _f in self.uses})

    @property
    def conflict(self) -> bool:
        """True when moments declare different types for the same property."""
        return len(self.types) > 1

    def example(self) -> Any:
        """The first example a moment gives (None without one)."""
        return next((f.example for _m, f in self.uses if f.example is not None), None)


@dataclass
class TrackedEvent:
    """A trigger event: producers, conditions per moment and the consumed properties."""

    name: str
    slug: str
    moments: list[Moment] = field(default_factory=list)
    properties: dict[str, EventProperty] = field(default_factory=dict)

    @property
    def sources(self) -> list[str]:
        """The systems that produce the event, according to the moments."""
        return sorted({m.spec.trigger.source for m in self.moments if m.spec})

    @property
    def conditions(self) -> list[tuple[Moment, list[str]]]:
        """Each moment's conditions (moments without conditions are left out)."""
        return [(m, m.spec.trigger.conditions) for m in self.moments
                if m.spec and m.spec.trigger.conditions]  # fmt: skip

    def example(self) -> dict[str, Any]:
        """A sample ``properties`` payload: each property's first example."""
        out: dict[str, Any] = {}
        for name, prop in sorted(self.properties.items()):
            value = prop.example()
            if value is not None:
                out[name] = value
        return out

    def schema(self) -> dict[str, Any]:
        """The event's JSON Schema (draft-07) for a track call, as Segment Protocols reads it."""
        props = {name: property_schema(p) for name, p in sorted(self.properties.items())}
        required = sorted(name for name, p in self.properties.items() if p.required)
        inner: dict[str, Any] = {"type": "object", "properties": props}
        if required:
            inner["required"] = required
        used_by = ", ".join(m.id for m in self.moments)
        return {
            "$schema": DRAFT_07,
            "title": self.name,
            "description": f"Track event '{self.name}' as the micro-moments use it "
            f"({used_by}). Produced by {', '.join(self.sources) or 'an unnamed system'}.",
            "type": "object",
            "properties": {
                "event": {"const": self.name},
                "context": {},
                "traits": {},
                "properties": inner,
            },
            "required": ["properties"],
        }


def field_schema(data: DataField) -> dict[str, Any]:
    """The JSON Schema of one data field (without nullability)."""
    schema = dict(_JSON_TYPES.get(data.type, {}))
    children = data.children()
    if data.type == "list" and children:
        schema["items"] = _object_schema(children)
    elif data.type == "object" and children:
        schema.update(_object_schema(children))
    if data.description:
        schema["description"] = data.description
    return schema


def _object_schema(fields: dict[str, DataField]) -> dict[str, Any]:
    required = sorted(name for name, f in fields.items() if f.required)
    out: dict[str, Any] = {
        "type": "object",
        "properties": {
            name: _nullable(field_schema(f), f.required) for name, f in sorted(fields.items())
        },
    }
    if required:
        out["required"] = required
    return out


def _nullable(schema: dict[str, Any], required: bool) -> dict[str, Any]:
    """Optional values may also arrive as null; the copy then uses its fallback."""
    if required:
        return schema
    kind = schema.get("type")
    if isinstance(kind, str):
        return {**schema, "type": [kind, "null"]}
    if isinstance(kind, list):
        return {**schema, "type": [*kind, "null"]}
    return {"anyOf": [schema, {"type": "null"}]}


def property_schema(prop: EventProperty) -> dict[str, Any]:
    """One event property: its type (every declared type when moments disagree)."""
    variants: list[dict[str, Any]] = []
    for _moment, data in prop.uses:
        schema = field_schema(data)
        schema.pop("description", None)
        if schema not in variants:
            variants.append(schema)
    merged: dict[str, Any] = variants[0] if len(variants) == 1 else {"anyOf": variants}
    words = [prop.description.rstrip(".") + "." if prop.description else "",
             f"Source: {', '.join(prop.sources)}." if prop.sources else ""]  # fmt: skip
    description = " ".join(w for w in words if w)
    if description:
        merged = {**merged, "description": description}
    return _nullable(merged, prop.required)


def tracking_plan(moments: Iterable[Moment]) -> list[TrackedEvent]:
    """Every trigger event of moments with a valid spec, sorted by name."""
    events: dict[str, TrackedEvent] = {}
    for moment in moments:
        spec = moment.spec
        if spec is None or not moment.ok:
            continue
        event = events.setdefault(spec.trigger.event, TrackedEvent(spec.trigger.event, ""))
        event.moments.append(moment)
        for name, data in spec.data.items():
            event.properties.setdefault(name, EventProperty(name)).uses.append((moment.id, data))
    ordered = sorted(events.values(), key=lambda e: e.name.lower())
    taken: set[str] = set()
    for event in ordered:
        slug, n = slugify(event.name), 2
        while slug in taken:
            slug, n = f"{slugify(event.name)}-{n}", n + 1
        taken.add(slug)
        event.slug = slug
    return ordered
