"""Turning YAML reading problems and pydantic validation errors into diagnostics."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel, ValidationError

from ..diagnostics import Report, Severity, did_you_mean, rule, suggestion
from ..yamlsource import YamlDocument, YamlProblem, load_yaml

YAML_SYNTAX = rule(
    "MM010", "yaml-syntax", Severity.ERROR, "file",
    "The front-matter (or journey.yml, tones.yml) is not valid YAML.",
    bad="title: Tak: din ordre er modtaget\n\tphase: purchase",
    good='title: "Tak: din ordre er modtaget"\nphase: purchase',
    fix="check the indentation (spaces, never tabs) and quote values that contain ': '",
)  # fmt: skip
YAML_DUPLICATE = rule(
    "MM011", "duplicate-key", Severity.ERROR, "file",
    "A key appears twice in the same mapping; only one can count.",
    bad="title: Ordrebekræftelse\ntitle: Tak for din ordre",
    good="title: Tak for din ordre",
    fix="remove one of the two keys",
)  # fmt: skip
YAML_TOO_BIG = rule(
    "MM012", "yaml-too-big", Severity.ERROR, "file",
    "The YAML expands to too many values or nests too deeply (for example an alias bomb).",
    bad="a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a]\nc: [*b, *b, *b, *b]",
    good="Write values out; front-matter needs a few levels and a few hundred values at most.",
)  # fmt: skip
YAML_UNSUPPORTED = rule(
    "MM013", "yaml-unsupported", Severity.ERROR, "file",
    "A YAML feature micromoments does not read: tags such as !!python, merge keys, complex keys.",
    bad="title: !!python/object:os.system echo",
    good="title: Ordrebekræftelse",
)  # fmt: skip
MISSING_KEY = rule(
    "MM101", "missing-key", Severity.ERROR, "spec",
    "A required key is missing.",
    bad="---\ntitle: Ordrebekræftelse\nchannels: [email]\n---",
    good="---\ntitle: Ordrebekræftelse\nphase: purchase\ntone: reassuring\n"
         "trigger: {event: Order Completed, source: Webshop}\nchannels: [email]\n---",
)  # fmt: skip
UNKNOWN_KEY = rule(
    "MM102", "unknown-key", Severity.ERROR, "spec",
    "A key that micromoments does not know, usually a typo.",
    bad="chanels: [email, sms]",
    good="channels: [email, sms]",
)  # fmt: skip
WRONG_TYPE = rule(
    "MM103", "wrong-type", Severity.ERROR, "spec",
    "A value has the wrong type (text where a list is expected, and so on).",
    bad="channels: email\npriority: {impact: high, effort: 1}",
    good="channels: [email]\npriority: {impact: 4, effort: 1}",
)  # fmt: skip
BAD_VALUE = rule(
    "MM104", "invalid-value", Severity.ERROR, "spec",
    "A value is not one of the allowed choices or outside its range.",
    bad="status: liv\npriority: {impact: 9, effort: 1}",
    good="status: live\npriority: {impact: 5, effort: 1}",
)  # fmt: skip
BAD_DURATION = rule(
    "MM105", "bad-duration", Severity.ERROR, "spec",
    "A duration is not written as a number and a unit (s, m, h, d, w).",
    bad="delay: 24 timer\nafter: one day",
    good="delay: 24h\nafter: 1d",
)  # fmt: skip
UNKNOWN_CHANNEL = rule(
    "MM116", "unknown-channel", Severity.ERROR, "spec",
    "A channel that does not exist; channels are email, sms, push, web and in-app.",
    bad="channels: [email, mail]",
    good="channels: [email, sms]",
)  # fmt: skip

_PROBLEM_RULES = {
    "syntax": YAML_SYNTAX.id,
    "duplicate-key": YAML_DUPLICATE.id,
    "too-big": YAML_TOO_BIG.id,
    "too-deep": YAML_TOO_BIG.id,
    "key-type": YAML_UNSUPPORTED.id,
    "tag": YAML_UNSUPPORTED.id,
}


def report_yaml_problems(
    problems: Iterable[YamlProblem], path: str, report: Report, moment: str | None = None
) -> None:
    """Add a diagnostic for each YAML reading problem."""
    for p in problems:
        report.add(_PROBLEM_RULES[p.code], path, p.pos, p.message, p.hint, moment=moment)


def read_yaml(
    text: str, path: str, report: Report, *, line_offset: int = 0, moment: str | None = None
) -> YamlDocument | None:
    """Load YAML, reporting problems; None when it cannot be read at all."""
    doc, problems = load_yaml(text, line_offset=line_offset)
    report_yaml_problems(problems, path, report, moment)
    return doc


def _in_flow_mapping(doc: YamlDocument, path: tuple[str | int, ...]) -> bool:
    """True when the key sits on the same line as its mapping's start (written as {…})."""
    parent = doc.pos(path[:-1])
    return parent.line == doc.key_pos(path).line and parent.col < doc.key_pos(path).col


def _data_path(data: Any, loc: tuple[str | int, ...]) -> tuple[str | int, ...]:
    """The part of a pydantic error location that exists in the data.

    pydantic adds the names of union members and validators ("str", "function-plain[...]") to
    locations; they are dropped by following the location through the real data. The last part
    is kept even when absent, because it names a missing key.
    """
    path: list[str | int] = []
    current = data
    for index, part in enumerate(loc):
        if isinstance(current, dict) and part in current:
            current = current[part]
        elif isinstance(current, list) and isinstance(part, int) and 0 <= part < len(current):
            current = current[part]
        elif index < len(loc) - 1 or isinstance(part, int) or "[" in part:
            continue  # a pydantic-internal part, not in the data
        path.append(part)
    return tuple(path)


def _describe(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"{str(value).lower()!r} (yes/no)"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, int | float):
        return f"the number {value!r}"
    text = str(value)
    return repr(text if len(text) < 40 else text[:37] + "...")


_TYPE_WORDS = {
    "string_type": "text",
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "int_from_float": "a whole number",
    "float_type": "a number",
    "float_parsing": "a number",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "list_type": "a list, e.g. [a, b]",
    "dict_type": "a mapping, e.g. {key: value}",
    "model_type": "a mapping, e.g. {key: value}",
    "model_attributes_type": "a mapping, e.g. {key: value}",
    "tuple_type": "a list of two numbers, e.g. [20, 40]",
}


def _model_fields(model: type[BaseModel], loc: tuple[str | int, ...]) -> list[str]:
    """The field names allowed at ``loc`` (for did-you-mean on unknown keys)."""
    current: Any = model
    for part in loc:
        if isinstance(part, int) or current is None:
            continue
        fields = getattr(current, "model_fields", None)
        if fields is None:
            return []
        if part not in fields:
            # a dict[str, Model] level: the key is a free name, step into the value type
            continue
        annotation = fields[part].annotation
        current = _inner_model(annotation)
    fields = getattr(current, "model_fields", None)
    return list(fields) if fields else []


def _inner_model(annotation: Any) -> Any:
    import typing

    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _inner_model(arg)
        if found is not None:
            return found
    return None


def report_validation_error(
    error: ValidationError,
    model: type[BaseModel],
    doc: YamlDocument,
    path: str,
    report: Report,
    *,
    moment: str | None = None,
    prefix: tuple[str | int, ...] = (),
) -> None:
    """Translate every pydantic error into a positioned diagnostic with a hint."""
    seen: set[tuple[tuple[str | int, ...], str]] = set()
    for item in error.errors(include_url=False):
        kind = item["type"]
        loc = _data_path(doc.data, item["loc"])
        if not loc and kind in ("extra_forbidden", "missing"):
            continue
        full = prefix + loc
        if (loc, kind) in seen:
            continue
        seen.add((loc, kind))
        where = ".".join(str(p) for p in full) or "front-matter"
        value = item.get("input")
        if kind == "extra_forbidden":
            key = str(loc[-1])
            allowed = _model_fields(model, loc[:-1])
            best = did_you_mean(key, allowed)
            close = f" (did you mean {best!r}?)" if best else ""
            if best:
                hint = f"rename it to {best!r}"
            elif " " in key and _in_flow_mapping(doc, full):
                hint = "a comma inside {…} separates entries: quote a value that contains a comma"
            elif allowed:
                hint = f"allowed keys here: {', '.join(allowed)}"
            else:
                hint = "remove the key"
            report.add(UNKNOWN_KEY.id, path, doc.key_pos(full),
                       f"unknown key {key!r}{close}", hint, moment=moment)  # fmt: skip
        elif kind == "missing":
            parent = full[:-1]
            report.add(
                MISSING_KEY.id, path, doc.pos(parent) if parent else doc.pos(()),
                f"required key {where!r} is missing",
                _missing_hint(str(loc[-1])),
                moment=moment,
            )  # fmt: skip
        elif kind == "enum" and full and (full[0] == "channels" or full[-1] == "then"):
            choices = ("email", "sms", "push", "web", "in-app")
            report.add(
                UNKNOWN_CHANNEL.id, path, doc.pos(full),
                f"unknown channel {value!r}{suggestion(str(value), choices)}",
                "channels are: " + ", ".join(choices),
                moment=moment,
            )  # fmt: skip
        elif kind in ("enum", "literal_error"):
            expected = item.get("ctx", {}).get("expected", "")
            options = [o.strip(" '") for o in expected.replace(" or ", ",").split(",")]
            report.add(
                BAD_VALUE.id, path, doc.pos(full),
                f"{where}: {_describe(value)} is not allowed"
                f"{suggestion(str(value), options) if isinstance(value, str) else ''}",
                f"use one of: {expected}",
                moment=moment,
            )  # fmt: skip
        elif kind == "value_error" and "duration" in item["msg"]:
            report.add(
                BAD_DURATION.id, path, doc.pos(full),
                f"{where}: {_describe(value)} is not a duration",
                "write a number and a unit: 30s, 15m, 24h, 2d or 1w (1h30m works too)",
                moment=moment,
            )  # fmt: skip
        elif kind in _TYPE_WORDS or kind.endswith("_type"):
            wanted = _TYPE_WORDS.get(kind, kind.removesuffix("_type"))
            report.add(
                WRONG_TYPE.id, path, doc.pos(full),
                f"{where} must be {wanted}, not {_describe(value)}",
                _type_hint(kind, value),
                moment=moment,
            )  # fmt: skip
        else:
            message = item["msg"].removeprefix("Value error, ")
            report.add(
                BAD_VALUE.id, path, doc.pos(full), f"{where}: {message}",
                _value_hint(kind, item.get("ctx", {})),
                moment=moment,
            )  # fmt: skip


_MISSING_HINTS = {
    "title": "add `title: ...`, the moment's name as a customer would say it",
    "phase": "add `phase: <id>` with a phase id from moments/journey.yml",
    "tone": "add `tone: <id>` with a profile id from moments/tones.yml",
    "trigger": "add `trigger: {event: Order Completed, source: Webshop}`",
    "channels": "add `channels: [email]` (email, sms, push, web, in-app)",
    "event": "name the tracking-plan event, e.g. `event: Order Completed`",
    "source": "name the system that produces it, e.g. `source: Webshop`",
    "then": "say which channel to fall back to, e.g. `then: sms`",
    "when": "say when to fall back, e.g. `when: email.bounced`",
    "metric": "name a metric id from journey.yml, e.g. `metric: open_rate`",
    "direction": "add `direction: up` (higher is better) or `direction: down`",
    "default_locale": "add `default_locale: da`",
}


def _missing_hint(key: str) -> str:
    return _MISSING_HINTS.get(key, f"add `{key}:`")


def _type_hint(kind: str, value: Any) -> str:
    if kind == "list_type" and isinstance(value, str):
        return f"write a list: [{value}]"
    if kind in ("string_type",) and isinstance(value, bool):
        return "quote the value: yes/no/true/false are read as true or false unless quoted"
    if kind in ("string_type",) and isinstance(value, int | float):
        return f'quote the value to keep it as text: "{value}"'
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return "indent the keys below it, or write {key: value}"
    return "see the docs for this key: docs/writing-moments.md"


def _value_hint(kind: str, ctx: dict[str, Any]) -> str:
    if kind == "greater_than_equal":
        return f"use a value of at least {ctx.get('ge')}"
    if kind == "less_than_equal":
        return f"use a value of at most {ctx.get('le')}"
    if kind == "greater_than":
        return f"use a value above {ctx.get('gt')}"
    if kind == "less_than":
        return f"use a value below {ctx.get('lt')}"
    if kind == "too_short":
        return "it must not be empty"
    if kind == "string_pattern_mismatch":
        return "see the docs for the expected form"
    return "see the docs for this key"
