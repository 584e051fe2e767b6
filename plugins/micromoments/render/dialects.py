"""Merge-tag dialects: what each slot token becomes in liquid, handlebars, mailchimp or jinja.

Every dialect implements the same semantics, which the preview (jinja) defines:

* ``{{ x }}`` prints the value, or the variable's ``fallback`` when the value is missing or
  empty, HTML-escaped in HTML and as-is in plain text;
* ``{% if x %}`` is true when the value is present and not empty (``not`` inverts it);
* ``{% for item in list %}`` repeats its body per item.

What a dialect cannot express (a loop in Mailchimp merge tags, a fallback with both quote
characters in Liquid) is reported as a :class:`DialectProblem`, never emitted wrong.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol

from ..config import Dialect as DialectName
from ..copytemplate import Var
from ..diagnostics import Severity, rule
from ..model import DataField
from .protect import Slot, substitute

UNEXPRESSIBLE = rule(
    "MM910", "dialect-cannot-express", Severity.ERROR, "build",
    "The copy uses something the chosen merge-tag dialect cannot express (for example a loop in "
    "Mailchimp merge tags, or a nested field).",
    bad="dialect: mailchimp\n---\n{% for line in order_lines %}- {{ line.title }}\n{% endfor %}",
    good="dialect: handlebars   # or leave the loop out of copy sent through Mailchimp",
    fix="choose a dialect that can express it (liquid, handlebars, jinja), or simplify the copy",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class DialectProblem:
    """A slot the dialect cannot express."""

    slot: Slot
    message: str
    hint: str = ""


@dataclass
class Rendered:
    """Each token's syntax in one dialect, and what could not be expressed."""

    syntax: dict[str, str] = field(default_factory=dict)
    problems: list[DialectProblem] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Loop:
    """An open loop: its variable, what it iterates and the declaration of one item."""

    target: str
    iter: Var
    item: DataField | None


@dataclass
class _Walk:
    """Scope while walking slots in document order: open loops and open conditions."""

    loops: list[Loop] = field(default_factory=list)
    conditions: list[str] = field(default_factory=list)  # the closer each open `if` needs


def resolve(
    path: tuple[str, ...], loops: list[Loop], data: Mapping[str, DataField]
) -> DataField | None:
    """The declaration behind a variable path, looking through the loops around it."""
    head, *rest = path
    current: DataField | None = None
    for loop in reversed(loops):
        if loop.target == head:
            current = loop.item
            break
    else:
        current = data.get(head)
    for name in rest:
        if current is None:
            return None
        current = current.children().get(name)
    return current


def fallback_text(declared: DataField | None) -> str | None:
    """A declaration's fallback as template text (None when it has none)."""
    if declared is None or declared.fallback is None:
        return None
    value = declared.fallback
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | dict):
        return None
    return str(value)


class DialectWriter(Protocol):
    """One dialect's syntax for each kind of slot."""

    name: DialectName

    def var(self, var: Var, declared: DataField | None, walk: _Walk, *, html: bool) -> str: ...
    def open_if(self, slot: Slot, walk: _Walk, declared: DataField | None) -> str: ...
    def elif_(self, slot: Slot, walk: _Walk, declared: DataField | None) -> str: ...
    def else_(self, walk: _Walk) -> str: ...
    def close_if(self, walk: _Walk) -> str: ...
    def open_for(self, slot: Slot, walk: _Walk) -> str: ...
    def close_for(self, walk: _Walk) -> str: ...


class Unexpressible(Exception):
    """Raised by a writer for a slot its dialect cannot express."""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.hint = hint


def _quote(text: str, dialect: str) -> str:
    """A string literal for Liquid/Jinja: single quotes unless the text has one."""
    if "'" not in text:
        return f"'{text}'"
    if '"' not in text:
        return f'"{text}"'
    raise Unexpressible(
        f"the fallback {text!r} contains both ' and \", which {dialect} string literals cannot hold",
        "use typographic quotes (’ ”) in the fallback",
    )


def _names(var: Var, walk: _Walk) -> tuple[int | None, tuple[str, ...]]:
    """(index of the loop whose item the path starts from, or None for root) and the rest."""
    head, *rest = var.path
    for depth in range(len(walk.loops) - 1, -1, -1):
        if walk.loops[depth].target == head:
            return depth, tuple(rest)
    return None, var.path


class JinjaWriter:
    """Jinja2 (also the preview): ``{{ x|default('fb', true)|e }}``."""

    name: DialectName = "jinja"

    def var(self, var: Var, declared: DataField | None, walk: _Walk, *, html: bool) -> str:
        expr = var.name
        fallback = fallback_text(declared)
        if fallback is not None:
            expr += f"|default({_quote(fallback, 'Jinja')}, true)"
        return "{{ " + expr + ("|e" if html else "") + " }}"

    def open_if(self, slot: Slot, walk: _Walk, declared: DataField | None) -> str:
        assert slot.var is not None
        return "{% if " + ("not " if slot.negate else "") + slot.var.name + " %}"

    def elif_(self, slot: Slot, walk: _Walk, declared: DataField | None) -> str:
        assert slot.var is not None
        return "{% elif " + ("not " if slot.negate else "") + slot.var.name + " %}"

    def else_(self, walk: _Walk) -> str:
        return "{% else %}"

    def close_if(self, walk: _Walk) -> str:
        return "{% endif %}"

    def open_for(self, slot: Slot, walk: _Walk) -> str:
        assert slot.var is not None
        return "{% for " + str(slot.target) + " in " + slot.var.name + " %}"

    def close_for(self, walk: _Walk) -> str:
        return "{% endfor %}"


class LiquidWriter:
    """Liquid (Braze, Klaviyo, Customer.io, Knock): ``{{ x | default: 'fb' | escape }}``.

    Liquid treats the empty string as true, so conditions test ``x and x != blank``.
    """

    name: DialectName = "liquid"

    def var(self, var: Var, declared: DataField | None, walk: _Walk, *, html: bool) -> str:
        name = _liquid_name(declared, var)
        escape = " | escape" if html else ""
        fallback = fallback_text(declared)
        if fallback is None:
            return "{{ " + name + escape + " }}"
        literal = _quote(fallback, "Liquid")
        if declared is not None and declared.type in _NUMERIC:
            # Liquid's `default` keeps 0; the shared semantics treat 0 as missing
            test = self._test(name, declared)
            return (
                "{% if "
                + test
                + " %}{{ "
                + name
                + escape
                + " }}{% else %}{{ "
                + literal
                + escape
                + " }}{% endif %}"
            )
        return "{{ " + name + f" | default: {literal}" + escape + " }}"

    def _test(self, name: str, declared: DataField | None) -> str:
        # Liquid treats "" and [] as true: test for blank too (and 0 for numbers)
        test = f"{name} and {name} != blank"
        if declared is not None and declared.type in _NUMERIC:
            test += f" and {name} != 0"
        return test

    def open_if(self, slot: Slot, walk: _Walk, declared: DataField | None) -> str:
        assert slot.var is not None
        walk.conditions.append("{% endunless %}" if slot.negate else "{% endif %}")
        keyword = "unless" if slot.negate else "if"
        return "{% " + keyword + " " + self._test(slot.var.name, declared) + " %}"

    def elif_(self, slot: Slot, walk: _Walk, declared: DataField | None) -> str:
        assert slot.var is not None
        if slot.negate or walk.conditions[-1] == "{% endunless %}":
            raise Unexpressible(
                "Liquid has no `elsif not`, and `unless` cannot have an `elsif`",
                "write the conditions positively: {% if x %}…{% elif y %}…{% endif %}",
            )
        return "{% elsif " + self._test(slot.var.name, declared) + " %}"

    def else_(self, walk: _Walk) -> str:
        return "{% else %}"

    def close_if(self, walk: _Walk) -> str:
        return walk.conditions.pop()

    def open_for(self, slot: Slot, walk: _Walk) -> str:
        assert slot.var is not None
        return "{% for " + str(slot.target) + " in " + slot.var.name + " %}"

    def close_for(self, walk: _Walk) -> str:
        return "{% endfor %}"


_NUMERIC = ("number", "integer")


def _liquid_name(declared: DataField | None, var: Var) -> str:
    if declared is not None and declared.merge_tags.get("liquid") and len(var.path) == 1:
        return declared.merge_tags["liquid"]
    return var.name


class HandlebarsWriter:
    """Handlebars (SendGrid, Postmark): ``{{#if x}}{{x}}{{else}}fb{{/if}}``.

    Inside ``{{#each}}`` the item is ``this``; outer variables are reached through ``@root``
    (and outer loop items through ``../``).
    """

    name: DialectName = "handlebars"

    def _path(self, var: Var, walk: _Walk) -> str:
        depth, rest = _names(var, walk)
        if depth is None:  # a top-level variable
            base = ".".join(var.path)
            return f"@root.{base}" if walk.loops else base
        ups = len(walk.loops) - 1 - depth  # how many loops out the item is
        return "../" * ups + ".".join(("this", *rest) if not ups else rest or ("this",))

    def var(self, var: Var, declared: DataField | None, walk: _Walk, *, html: bool) -> str:
        path = self._path(var, walk)
        printed = "{{" + path + "}}" if html else "{{{" + path + "}}}"
        fallback = fallback_text(declared)
        if fallback is None:
            return printed
        if "{{" in fallback:
            raise Unexpressible("a Handlebars fallback cannot contain {{", "remove the braces")
        literal = _html_escape(fallback) if html else fallback
        return "{{#if " + path + "}}" + printed + "{{else}}" + literal + "{{/if}}"

    def open_if(self, slot: Slot, walk: _Walk, declared: DataField | None) -> str:
        assert slot.var is not None
        keyword = "unless" if slot.negate else "if"
        walk.conditions.append("{{/" + keyword + "}}")
        return "{{#" + keyword + " " + self._path(slot.var, walk) + "}}"

    def elif_(self, slot: Slot, walk: _Walk, declared: DataField | None) -> str:
        # `{{else if}}` is Handlebars 3+; a nested block works in every implementation
        assert slot.var is not None
        keyword = "unless" if slot.negate else "if"
        walk.conditions[-1] = "{{/" + keyword + "}}" + walk.conditions[-1]
        return "{{else}}{{#" + keyword + " " + self._path(slot.var, walk) + "}}"

    def else_(self, walk: _Walk) -> str:
        return "{{else}}"

    def close_if(self, walk: _Walk) -> str:
        return walk.conditions.pop()

    def open_for(self, slot: Slot, walk: _Walk) -> str:
        assert slot.var is not None
        return "{{#each " + self._path(slot.var, walk) + "}}"

    def close_for(self, walk: _Walk) -> str:
        return "{{/each}}"


class MailchimpWriter:
    """Mailchimp merge tags: ``*|FNAME|*`` and ``*|IF:FNAME|*…*|ELSE:|*…*|END:IF|*``.

    Merge tags are flat and upper-case (at most 10 characters); they cannot loop or reach into
    objects. A variable's tag is its ``merge_tags.mailchimp`` or its name, upper-cased.
    """

    name: DialectName = "mailchimp"

    def __init__(self, data: Mapping[str, DataField]) -> None:
        self.tags = mailchimp_tags(data)

    def _tag(self, var: Var, walk: _Walk) -> str:
        if walk.loops or len(var.path) > 1:
            raise Unexpressible(
                f"Mailchimp merge tags cannot reach {var.name!r} (no loops or nested fields)",
                "flatten the value into its own variable, or use another dialect",
            )
        return self.tags[var.path[0]]

    def var(self, var: Var, declared: DataField | None, walk: _Walk, *, html: bool) -> str:
        tag = self._tag(var, walk)
        fallback = fallback_text(declared)
        if fallback is None:
            return f"*|{tag}|*"
        if "*|" in fallback or "|*" in fallback:
            raise Unexpressible("a Mailchimp fallback cannot contain *| or |*")
        literal = _html_escape(fallback) if html else fallback
        return f"*|IF:{tag}|**|{tag}|**|ELSE:|*{literal}*|END:IF|*"

    def open_if(self, slot: Slot, walk: _Walk, declared: DataField | None) -> str:
        assert slot.var is not None
        return f"*|{'IFNOT' if slot.negate else 'IF'}:{self._tag(slot.var, walk)}|*"

    def elif_(self, slot: Slot, walk: _Walk, declared: DataField | None) -> str:
        assert slot.var is not None
        if slot.negate:
            raise Unexpressible("Mailchimp has no ELSEIFNOT", "write the condition positively")
        return f"*|ELSEIF:{self._tag(slot.var, walk)}|*"

    def else_(self, walk: _Walk) -> str:
        return "*|ELSE:|*"

    def close_if(self, walk: _Walk) -> str:
        return "*|END:IF|*"

    def open_for(self, slot: Slot, walk: _Walk) -> str:
        raise Unexpressible(
            "Mailchimp merge tags cannot loop over a list",
            "use the handlebars dialect (Mailchimp Transactional) or leave the list out",
        )

    def close_for(self, walk: _Walk) -> str:
        return ""


def mailchimp_tags(data: Mapping[str, DataField]) -> dict[str, str]:
    """Each top-level variable's Mailchimp merge tag."""
    tags = {}
    for name, declared in data.items():
        explicit = declared.merge_tags.get("mailchimp")
        tags[name] = explicit or re.sub(r"[^A-Z0-9_]", "", name.upper())[:10]
    return tags


_ALONE = re.compile(r"(?m)^[ \t]*(MMSLOT\d{4}X)[ \t]*$")


def apply(text: str, rendered: Rendered, dialect: DialectName) -> str:
    """``text`` with every token replaced by its syntax in ``dialect``.

    Handlebars drops a block tag that stands alone on its line together with that line's
    newline ("standalone" whitespace control); Jinja, Liquid and the preview keep the newline.
    A leading empty comment ``{{!}}`` makes such a line not standalone, so every engine prints
    the same lines.
    """
    if dialect == "handlebars":
        text = _ALONE.sub(lambda m: m.group(0).replace(m.group(1), "{{!}}" + m.group(1)), text)
    return substitute(text, rendered.syntax)


def _html_escape(text: str) -> str:
    return html.escape(text, quote=True)


def writer(name: DialectName, data: Mapping[str, DataField]) -> DialectWriter:
    """The writer of a dialect."""
    if name == "jinja":
        return JinjaWriter()
    if name == "liquid":
        return LiquidWriter()
    if name == "handlebars":
        return HandlebarsWriter()
    return MailchimpWriter(data)


def render_slots(
    slots: Mapping[str, Slot],
    data: Mapping[str, DataField],
    dialect: DialectName,
    *,
    html: bool,
) -> Rendered:
    """Each token's syntax in ``dialect`` (tokens are walked in document order)."""
    out = Rendered()
    w = writer(dialect, data)
    walk = _Walk()
    for token in sorted(slots):
        slot = slots[token]
        try:
            out.syntax[token] = _one(slot, w, walk, data, html=html)
        except Unexpressible as problem:
            out.problems.append(DialectProblem(slot, str(problem), problem.hint))
            out.syntax[token] = ""
            if slot.kind == "for" and slot.var is not None:
                walk.loops.append(Loop(str(slot.target), slot.var, None))
            elif slot.kind == "if":
                walk.conditions.append("")
    return out


def _one(
    slot: Slot, w: DialectWriter, walk: _Walk, data: Mapping[str, DataField], *, html: bool
) -> str:
    if slot.kind == "var":
        assert slot.var is not None
        return w.var(slot.var, resolve(slot.var.path, walk.loops, data), walk, html=html)
    if slot.kind == "if":
        assert slot.var is not None
        text = w.open_if(slot, walk, resolve(slot.var.path, walk.loops, data))
        if not isinstance(w, LiquidWriter | HandlebarsWriter):
            walk.conditions.append("")
        return text
    if slot.kind == "elif":
        assert slot.var is not None
        return w.elif_(slot, walk, resolve(slot.var.path, walk.loops, data))
    if slot.kind == "else":
        return w.else_(walk)
    if slot.kind == "endif":
        text = w.close_if(walk)
        if not isinstance(w, LiquidWriter | HandlebarsWriter) and walk.conditions:
            walk.conditions.pop()
        return text
    if slot.kind == "for":
        assert slot.var is not None
        iterated = resolve(slot.var.path, walk.loops, data)
        item = DataField(type="object", source="", fields=iterated.children()) if iterated else None
        text = w.open_for(slot, walk)
        walk.loops.append(Loop(str(slot.target), slot.var, item))
        return text
    # endfor
    text = w.close_for(walk)
    if walk.loops:
        walk.loops.pop()
    return text
