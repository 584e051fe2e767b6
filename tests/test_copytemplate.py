"""Copy written plainly in the template subset is read without Jinja, to the same tree."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from micromoments import copytemplate
from micromoments.config import ProjectConfig
from micromoments.copytemplate import For, If, Text, Var, _parse_jinja, _parse_plain, parse
from micromoments.diagnostics import Position
from micromoments.load import load_catalog

ROOT = Path(__file__).resolve().parents[1]


def test_plain_copy_reads_into_the_subset_tree() -> None:
    source = (
        "Hej {{ first_name }}!\n\n{% if gift %}Gave{% elif not order.paid %}Betal"
        "{% else %}Tak{% endif %}\n{% for line in lines %}- {{ line.title }}\n{% endfor %}\n"
    )
    got = _parse_plain(source)
    assert got == _parse_jinja(source)
    assert got is not None and got.ok
    assert got.nodes[:3] == (Text("Hej "), Var(("first_name",), Position(1, 5)), Text("!\n\n"))
    branch = got.nodes[3]
    assert isinstance(branch, If) and branch.test.name == "gift"
    assert isinstance(branch.orelse[0], If) and branch.orelse[0].negate
    assert branch.orelse[0].orelse == (Text("Tak"),)
    loop = got.nodes[5]
    assert isinstance(loop, For) and loop.target == "line" and loop.iter.pos == Position(4, 1)


@pytest.mark.parametrize(
    "source",
    [
        "{{ name | upper }}",  # a filter
        "{{- name }}",  # whitespace control
        "{# a note #}{{ name }}",  # a comment
        "{% if a %}unclosed",
        "{% endif %}",
        "{% if a %}x{% else %}y{% elif b %}z{% endif %}",  # elif after else
        "{% for a in b %}x{% endif %}",
        "{{ true }}",  # a constant, not a variable
        "{{ order.items[0] }}",
        "{% if a and b %}x{% endif %}",
        "{{\nname }}",
        "a\r\nb {{ c }}",
        "{% raw %}{{ x }}{% endraw %}",
        "{{ navn_ø }}",
    ],
)
def test_anything_else_is_left_to_jinja(source: str) -> None:
    assert _parse_plain(source) is None
    # and Jinja's reading is what parse() returns
    copytemplate._parse_cached.cache_clear()
    assert parse(source) == _parse_jinja(source)


_text = st.text(alphabet="ab {}%#|.\n-", max_size=6)
_name = st.sampled_from(["a", "b", "order", "line", "loop", "not", "true", "x_1"])
_path = st.lists(_name, min_size=1, max_size=3).map(".".join)
_space = st.sampled_from(["", " ", "  ", "\n", "-"])
_tag = st.one_of(
    st.builds(lambda s, p, e: "{{" + s + p + e + "}}", _space, _path, _space),
    st.builds(
        lambda k, n, p: "{% " + k + " " + n + p + " %}",
        st.sampled_from(["if", "elif"]),
        st.sampled_from(["", "not "]),
        _path,
    ),
    st.builds(lambda t, p: "{% for " + t + " in " + p + " %}", _name, _path),
    st.sampled_from(["{% else %}", "{% endif %}", "{% endfor %}", "{%else%}", "{% endif -%}"]),
)
_source = st.lists(st.one_of(_text, _tag), max_size=12).map("".join)


@settings(max_examples=400, deadline=None)
@given(_source)
def test_whenever_the_plain_reader_reads_copy_jinja_reads_the_same(source: str) -> None:
    plain = _parse_plain(source)
    if plain is not None:
        assert plain == _parse_jinja(source)


@settings(max_examples=200, deadline=None)
@example(["{% for a in a %}", "{% if a %}", "{% else %}", "{% endif %}", "{% endfor %}"])
@given(st.lists(st.one_of(_text.filter(lambda t: "{" not in t), _tag), max_size=8))
def test_balanced_plain_copy_takes_the_fast_path(pieces: list[str]) -> None:
    source = "".join(pieces)
    plain = _parse_plain(source)
    if _parse_jinja(source).ok and "\n" not in "".join(p for p in pieces if p.startswith("{")):
        # valid copy whose tags are written plainly: only reserved names or
        # whitespace control send it to Jinja
        plainly = all("-" not in p for p in pieces if p.startswith("{"))
        reserved = any(n in source for n in ("not.", ".not", "true", "{{ not", "{{not"))
        if plainly and not reserved and not _for_else(pieces):
            assert plain is not None


def _for_else(pieces: list[str]) -> bool:
    """True when an else belongs to a for: Jinja lets an empty {% for %}…{% else %} pass,
    the plain reader leaves every for … else to Jinja."""
    open_blocks: list[str] = []
    for piece in pieces:
        words = piece.strip("{%} -").split()
        if not piece.startswith("{%") or not words:
            continue
        if words[0] in ("if", "for"):
            open_blocks.append(words[0])
        elif words[0] in ("endif", "endfor") and open_blocks:
            open_blocks.pop()
        elif words[0] == "else" and open_blocks and open_blocks[-1] == "for":
            return True
    return False


def test_every_piece_of_example_copy_reads_the_same_and_most_without_jinja(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seen: list[str] = []
    original = copytemplate._parse_cached

    def record(source: str) -> copytemplate.ParsedTemplate:
        seen.append(source)
        return original(source)

    monkeypatch.setattr(copytemplate, "_parse_cached", record)
    load_catalog(ProjectConfig(root=ROOT))
    assert len(set(seen)) > 50
    plain = 0
    for source in set(seen):
        got = _parse_plain(source)
        if got is not None:
            plain += 1
            assert got == _parse_jinja(source), source
    assert plain >= 0.9 * len(set(seen))
