"""YAML reading: positions, the YAML 1.2 core schema, and limits."""

from __future__ import annotations

import math
import re

from hypothesis import example, given, settings
from hypothesis import strategies as st

from micromoments.diagnostics import Position
from micromoments.yamlsource import load_yaml, resolve_plain


def test_values_and_keys_keep_their_positions() -> None:
    doc, problems = load_yaml("title: Hej\ndata:\n  name: {type: string}\nlist: [a, b]\n")
    assert problems == [] and doc is not None
    assert doc.pos(("title",)) == Position(1, 8)
    assert doc.key_pos(("data", "name")) == Position(3, 3)
    assert doc.pos(("data", "name", "type")) == Position(3, 16)
    assert doc.pos(("list", 1)) == Position(4, 11)
    assert doc.pos(("data", "name", "missing")) == Position(3, 9)  # nearest ancestor


def test_line_offset_is_added() -> None:
    doc, _ = load_yaml("a: 1\n", line_offset=1)
    assert doc is not None and doc.pos(("a",)) == Position(2, 4)


def test_core_schema_keeps_norway_and_times_as_text() -> None:
    doc, _ = load_yaml(
        "locale: no\nswitch: on\ntime: 12:30\nyes_: yes\nflag: true\nn: 7\nf: 0.5\nnull_: ~\n"
    )
    assert doc is not None
    assert doc.data == {"locale": "no", "switch": "on", "time": "12:30", "yes_": "yes", "flag": True,
                        "n": 7, "f": 0.5, "null_": None}  # fmt: skip


def test_quoted_scalars_stay_text() -> None:
    doc, _ = load_yaml("a: \"true\"\nb: '42'\n")
    assert doc is not None and doc.data == {"a": "true", "b": "42"}


def test_duplicate_key_is_a_problem_with_both_lines() -> None:
    _doc, problems = load_yaml("a: 1\nb: 2\na: 3\n")
    assert [(p.code, p.pos) for p in problems] == [("duplicate-key", Position(3, 1))]
    assert "line 1" in problems[0].message


def test_alias_bomb_stops_early() -> None:
    lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for level in "bcdefghij":
        prev = chr(ord(level) - 1)
        lines.append(f"{level}: &{level} [{', '.join(['*' + prev] * 10)}]")
    doc, problems = load_yaml("\n".join(lines))
    assert doc is None and problems[-1].code == "too-big"


def test_small_aliases_are_expanded() -> None:
    doc, problems = load_yaml("a: &x [1, 2]\nb: *x\n")
    assert problems == [] and doc is not None and doc.data == {"a": [1, 2], "b": [1, 2]}


def test_tab_gets_a_specific_hint() -> None:
    doc, problems = load_yaml("a:\n\tb: 1\n")
    assert doc is None and problems[0].pos.line == 2
    assert "tab" in problems[0].message and "spaces" in problems[0].hint


def test_unknown_tags_are_problems() -> None:
    _doc, problems = load_yaml("a: !!python/name:os.system x\n")
    assert [p.code for p in problems] == ["tag"]


def test_plain_resolution() -> None:
    assert resolve_plain("0x1F") == 31
    assert resolve_plain("0o17") == 15
    assert resolve_plain("-1.5e3") == -1500.0
    assert resolve_plain(".inf") == float("inf")
    assert resolve_plain("1_000") == "1_000"
    assert resolve_plain("") is None


_NAN = object()  # the oracle's answer for .nan (a float NaN equals nothing)


def _resolve_by_every_pattern(text: str) -> object:
    """The YAML 1.2 core schema, pattern by pattern in the spec's order (the oracle)."""
    patterns: list[tuple[str, object]] = [
        (r"~|null|Null|NULL", None), (r"true|True|TRUE", True), (r"false|False|FALSE", False),
        (r"[-+]?[0-9]+", int), (r"0x[0-9a-fA-F]+", 16), (r"0o[0-7]+", 8),
        (r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?", float),
        (r"[-+]?\.(inf|Inf|INF)", "inf"), (r"\.(nan|NaN|NAN)", "nan"),
    ]  # fmt: skip
    if text == "":
        return None
    for pattern, kind in patterns:
        if re.fullmatch(pattern, text):
            if kind is int:
                return int(text)
            if kind in (16, 8):
                return int(text[2:], kind)  # type: ignore[call-overload]
            if kind is float:
                return float(text)
            if kind == "inf":
                return float("-inf") if text.startswith("-") else float("inf")
            if kind == "nan":
                return _NAN
            return kind
    return text


@settings(max_examples=500, deadline=None)
@example("nan")  # plain text; only .nan is NaN (the oracle's marker for NaN was this string)
@given(
    st.one_of(
        st.text(alphabet="0123456789+-.eExXoO~abfnlrstuNTFAILSU_ ", max_size=8),
        st.sampled_from(["null", "Null", "NULL", "~", "true", "FALSE", ".inf", "-.Inf", ".NaN",
                         "0x1F", "0o17", "1e5", "+.5", "no", "on", "12:30", "nb", "tRUE"]),
    )
)  # fmt: skip
def test_plain_scalars_resolve_as_the_core_schema_says(text: str) -> None:
    ours = resolve_plain(text)
    expected = _resolve_by_every_pattern(text)
    if expected is _NAN:  # NaN equals nothing, itself included
        assert isinstance(ours, float) and math.isnan(ours)
    else:
        assert ours == expected and type(ours) is type(expected)


def test_positions_survive_pickling_as_the_workers_and_the_build_cache_use_it() -> None:
    import pickle

    doc, _ = load_yaml("id: a\nchannels:\n  - email\n")
    assert doc is not None
    again = pickle.loads(pickle.dumps(doc, pickle.HIGHEST_PROTOCOL))
    assert again.key_pos(("channels",)) == doc.key_pos(("channels",)) == Position(2, 1)
    assert again.pos(("channels", 0)) == Position(3, 5)
    restored = pickle.loads(pickle.dumps(Position(7, 3)))
    assert (restored.line, restored.col) == (7, 3) and type(restored) is Position
