"""Property-based tests: random front-matter and Markdown never crash the loader."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import VALID, Project
from micromoments.diagnostics import Severity
from micromoments.yamlsource import load_yaml

KEYS = ["title", "summary", "phase", "status", "tone", "channels", "trigger", "data", "fallback",
        "kpis", "email", "priority", "locales", "audiences", "goals", "x", "chanels"]  # fmt: skip
scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False),
                    st.text(max_size=20))  # fmt: skip
values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=8), inner, max_size=4)),
    max_leaves=20)  # fmt: skip
markdown_bits = st.lists(st.sampled_from([
    "## Email", "## SMS", "## Push", "## Emial", "## Email [B]", "Subject: Hej {{ first_name }}",
    "Title: Hi", "{{ first_name }}", "{% if x %}", "{% endif %}", "{% for a in b %}", "{{ a.b }}",
    "[x]({{ url }}){.button}", "```", "- item", "| a | b |", "---", "", "{{", "}}", "{%", "#", "\t",
]) | st.text(max_size=30), max_size=25)  # fmt: skip


def _dump(value: object, indent: int = 0) -> str:
    import json

    if isinstance(value, dict):
        if not value:
            return "{}"
        pad = "  " * indent
        return "\n" + "\n".join(f"{pad}{json.dumps(str(k))}: {_dump(v, indent + 1)}"
                                for k, v in value.items())  # fmt: skip
    return json.dumps(value)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(front=st.dictionaries(st.sampled_from(KEYS), values, max_size=8), body=markdown_bits)
def test_random_specs_never_crash(front: dict[str, object], body: list[str]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        project = Project(Path(folder))
        text = "---\n" + _dump(front).lstrip("\n") + "\n---\n" + "\n".join(body)
        project.moment(text)
        catalog = project.load()
        for d in catalog.report:
            assert d.rule.startswith("MM") and d.path and d.message
            assert d.severity in (Severity.ERROR, Severity.WARNING, Severity.INFO)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_random_yaml_text_never_raises(text: str) -> None:
    doc, problems = load_yaml(text)
    assert doc is not None or problems


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(min_value=0, max_value=len(VALID) - 1), st.text(max_size=5))
def test_mutated_valid_spec_never_crashes(index: int, insert: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        project = Project(Path(folder))
        project.moment(VALID[:index] + insert + VALID[index:])
        project.load()
