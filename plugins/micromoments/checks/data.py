"""Data-contract checks: every variable the copy uses is declared, and every declared one used."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from .. import copytemplate
from ..diagnostics import Position, Report, Severity, rule, suggestion
from ..model import DataField, Moment
from ..model.moment import CopySection, Translation

UNDECLARED = rule(
    "MM201", "undeclared-variable", Severity.ERROR, "data",
    "The copy uses a variable that `data:` does not declare.",
    bad="data: {}\n---\n## SMS\nHej {{ first_name }}",
    good="data:\n  first_name: {type: string, source: CRM, example: Mette, fallback: ''}\n"
         "---\n## SMS\nHej {{ first_name }}",
    fix="declare it under `data:` with its type, source, example and fallback",
)  # fmt: skip
UNUSED = rule(
    "MM202", "unused-variable", Severity.WARNING, "data",
    "`data:` declares a variable no copy uses; the contract asks developers for data nobody needs.",
    bad="data:\n  loyalty_points: {type: integer, source: CRM}\n---\n## SMS\nTak for din ordre",
    good="Remove loyalty_points, or use {{ loyalty_points }} in the copy.",
)  # fmt: skip
TEMPLATE_SYNTAX = rule(
    "MM203", "template-syntax", Severity.ERROR, "data",
    "The copy's template tags are not valid (unclosed braces, a missing {% endif %}).",
    bad="Hej {{ first_name }, tak for din ordre.",
    good="Hej {{ first_name }}, tak for din ordre.",
)  # fmt: skip
TEMPLATE_UNSUPPORTED = rule(
    "MM204", "template-unsupported", Severity.ERROR, "data",
    "The copy uses template features outside the subset every ESP dialect can express.",
    bad="Hej {{ first_name | upper }}",
    good="Hej {{ first_name }}   (format values in the producing system)",
    fix=copytemplate.SUBSET_HINT,
)  # fmt: skip
UNKNOWN_FIELD = rule(
    "MM205", "undeclared-field", Severity.ERROR, "data",
    "The copy uses a field of a variable that the variable's `items:` or `fields:` do not declare.",
    bad="{% for line in order_lines %}{{ line.titel }}{% endfor %}",
    good="{% for line in order_lines %}{{ line.title }}{% endfor %}",
)  # fmt: skip
EXAMPLE_TYPE = rule(
    "MM206", "example-type", Severity.ERROR, "data",
    "An example or fallback does not match the variable's type.",
    bad="order_url: {type: url, source: Webshop, example: ordre/100234}",
    good="order_url: {type: url, source: Webshop, example: 'https://shop.example/ordre/100234'}",
)  # fmt: skip
WRONG_USE = rule(
    "MM207", "wrong-variable-use", Severity.ERROR, "data",
    "A list is printed as text, or something that is not a list is looped over.",
    bad="{{ order_lines }}\n{% for x in first_name %}…{% endfor %}",
    good="{% for line in order_lines %}{{ line.title }}{% endfor %}",
)  # fmt: skip

_URL = re.compile(r"^(https?://|mailto:|tel:|sms:)[^\s]+$|^[a-z][a-z0-9+.-]*://[^\s]+$", re.I)
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")


@dataclass(frozen=True, slots=True)
class CopyPiece:
    """One piece of copy (a field or a body) with where it starts in its file."""

    section: CopySection
    name: str  # "body" or a field name
    text: str
    line: int  # file line of the text's first line
    col: int  # column offset of the first line (fields start after "Subject: ")

    def file_pos(self, pos: Position) -> Position:
        """A position within the text, translated to the file."""
        if pos.line <= 1:
            return Position(self.line, pos.col + self.col)
        return Position(self.line + pos.line - 1, pos.col)


def copy_pieces(moment: Moment) -> Iterator[CopyPiece]:
    """Every field and body of every copy section in every locale of a moment."""
    for translation in moment.translations.values():
        for section in translation.sections.values():
            for name, copy_field in section.fields.items():
                yield CopyPiece(
                    section, name, copy_field.value, copy_field.pos.line, copy_field.pos.col - 1
                )
            yield CopyPiece(section, "body", section.body, section.body_line, 0)


def type_matches(kind: str, value: Any) -> bool:
    """True when ``value`` fits the data type ``kind`` (None and "" always fit)."""
    if value is None or value == "":
        return True
    if kind in ("string", "money"):
        return isinstance(value, str | int | float) and not isinstance(value, bool)
    if kind == "number":
        return isinstance(value, int | float) and not isinstance(value, bool)
    if kind == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "boolean":
        return isinstance(value, bool)
    if kind == "url":
        return isinstance(value, str) and bool(_URL.match(value))
    if kind == "email":
        return isinstance(value, str) and bool(_EMAIL.match(value))
    if kind == "date":
        return isinstance(value, str) and bool(_DATE.match(value) or not value[:1].isdigit())
    if kind == "datetime":
        return isinstance(value, str) and bool(_DATETIME.match(value) or not value[:1].isdigit())
    if kind == "list":
        return isinstance(value, list)
    if kind == "object":
        return isinstance(value, dict)
    return True


def check_data(moment: Moment, report: Report) -> None:
    """Template syntax, declared/undeclared/unused variables, and example types."""
    spec = moment.spec
    if spec is None:
        return
    mid = moment.id
    used: set[str] = set()
    # variables whose declaration failed validation were reported already; not "undeclared"
    raw = (
        moment.yaml.data.get("data") if moment.yaml and isinstance(moment.yaml.data, dict) else None
    )
    broken = set(raw) - set(spec.data) if isinstance(raw, dict) else set()
    for piece in copy_pieces(moment):
        parsed = copytemplate.parse(piece.text)
        for problem in parsed.problems:
            rule_id = TEMPLATE_SYNTAX.id if problem.kind == "syntax" else TEMPLATE_UNSUPPORTED.id
            report.add(rule_id, piece.section.path, piece.file_pos(problem.pos),
                       problem.message, problem.hint, moment=mid)  # fmt: skip
        for use in copytemplate.variables(parsed.nodes):
            used.add(use.root)
            if use.root not in broken:
                _check_use(use, piece, spec.data, report, mid)
        _check_shapes(parsed.nodes, piece, spec.data, report, mid)
    for locale, translation in moment.translations.items():
        for name in translation.spec.data:
            if name not in spec.data and translation.yaml is not None:
                report.add(
                    UNDECLARED.id, translation.path, translation.yaml.key_pos(("data", name)),
                    f"{name!r} is not declared under `data:` in {moment.path}"
                    f"{suggestion(name, spec.data)}",
                    "a translation may only give examples and fallbacks of declared variables",
                    moment=mid,
                )  # fmt: skip
        if locale != moment.default_locale:
            for name, declared in moment.data_in(locale).items():
                _check_examples(moment, ("data", name), declared, report, translation)
    for name, declared in spec.data.items():
        if name not in used:
            report.add(
                UNUSED.id, moment.path, moment.key_pos("data", name),
                f"variable {name!r} is declared but no copy uses it",
                "remove it from `data:`, or use it in the copy", moment=mid,
            )  # fmt: skip
        _check_examples(moment, ("data", name), declared, report)


def _check_use(
    use: copytemplate.VarUse,
    piece: CopyPiece,
    data: dict[str, DataField],
    report: Report,
    mid: str,
) -> None:
    pos = piece.file_pos(use.pos)
    declared = data.get(use.root)
    if declared is None:
        report.add(
            UNDECLARED.id, piece.section.path, pos,
            f"variable {use.root!r} is not declared under `data:`{suggestion(use.root, data)}",
            moment=mid,
        )  # fmt: skip
        return
    current = declared
    for depth, name in enumerate(use.fields):
        children = current.children()
        if name not in children:
            owner = ".".join((use.root, *use.fields[:depth]))
            report.add(
                UNKNOWN_FIELD.id, piece.section.path, pos,
                f"{owner!r} has no field {name!r}{suggestion(name, children)}",
                f"declare it under `items:` or `fields:` of {use.root!r} in `data:`"
                if children else f"give {owner!r} `fields:` (or `items:` for a list)",
                moment=mid,
            )  # fmt: skip
            return
        current = children[name]


def _resolve_field(
    path: tuple[str, ...], loops: dict[str, DataField], data: dict[str, DataField]
) -> DataField | None:
    head, *rest = path
    current = loops.get(head) or data.get(head)
    for name in rest:
        if current is None:
            return None
        current = current.children().get(name)
    return current


def _check_shapes(
    nodes: tuple[copytemplate.Node, ...],
    piece: CopyPiece,
    data: dict[str, DataField],
    report: Report,
    mid: str,
    loops: dict[str, DataField] | None = None,
) -> None:
    loops = loops or {}
    for node in nodes:
        if isinstance(node, copytemplate.Var):
            found = _resolve_field(node.path, loops, data)
            if found is not None and found.type in ("list", "object") and node.path[0] not in loops:
                report.add(
                    WRONG_USE.id, piece.section.path, piece.file_pos(node.pos),
                    f"{node.name!r} is a {found.type}; it cannot be printed as text",
                    "loop over a list with {% for item in list %}, or print one of its fields",
                    moment=mid,
                )  # fmt: skip
        elif isinstance(node, copytemplate.If):
            _check_shapes(node.body, piece, data, report, mid, loops)
            _check_shapes(node.orelse, piece, data, report, mid, loops)
        elif isinstance(node, copytemplate.For):
            found = _resolve_field(node.iter.path, loops, data)
            if found is not None and found.type != "list":
                report.add(
                    WRONG_USE.id, piece.section.path, piece.file_pos(node.iter.pos),
                    f"{node.iter.name!r} is a {found.type}, not a list; it cannot be looped over",
                    "declare it with `type: list` and `items:`", moment=mid,
                )  # fmt: skip
            inner = dict(loops)
            if found is not None:
                inner[node.target] = DataField(type="object", source=found.source,
                                               fields=found.children())  # fmt: skip
            _check_shapes(node.body, piece, data, report, mid, inner)


def _check_examples(
    moment: Moment,
    path: tuple[str | int, ...],
    declared: DataField,
    report: Report,
    translation: Translation | None = None,
) -> None:
    file = translation.path if translation else moment.path

    def pos(*parts: str | int) -> Position:
        if translation is not None and translation.yaml is not None:
            return translation.yaml.pos(tuple(parts))
        return moment.pos(*parts)

    for key in ("example", "fallback"):
        value = getattr(declared, key)
        if value is None:
            continue
        if translation is not None:
            words = translation.spec.data.get(str(path[-1]))
            if words is None or getattr(words, key) is None:
                continue  # not overridden here: checked in the main file
        if declared.type == "list" and isinstance(value, list) and declared.items:
            for i, item in enumerate(value):
                if not isinstance(item, dict):
                    report.add(EXAMPLE_TYPE.id, file, pos(*path, key, i),
                               f"item {i + 1} of the {key} of {path[-1]!r} is not a mapping",
                               "write each item as {field: value, ...}",
                               moment=moment.id)  # fmt: skip
                    continue
                for name, child in declared.items.items():
                    if not type_matches(child.type, item.get(name)):
                        report.add(
                            EXAMPLE_TYPE.id, file, pos(*path, key, i, name),
                            f"{path[-1]}[{i}].{name} is {item.get(name)!r}, not a {child.type}",
                            moment=moment.id,
                        )  # fmt: skip
            continue
        if not type_matches(declared.type, value):
            report.add(
                EXAMPLE_TYPE.id, file, pos(*path, key),
                f"the {key} of {path[-1]!r} is {value!r}, which is not a {declared.type}",
                _example_hint(declared.type), moment=moment.id,
            )  # fmt: skip
    if translation is None:
        for name, child in (declared.fields or {}).items():
            _check_examples(moment, (*path, "fields", name), child, report)


def _example_hint(kind: str) -> str:
    return {
        "url": "write a full URL: https://shop.example/ordre/100234",
        "email": "write an address: mette@example.dk",
        "date": "write an ISO date: 2026-11-23",
        "datetime": "write an ISO date and time: 2026-11-23T14:30",
        "integer": "write a whole number without quotes",
        "number": "write a number without quotes",
        "boolean": "write true or false",
        "list": "write a list: [a, b]",
        "object": "write a mapping: {key: value}",
    }.get(kind, "make the value fit the type")
