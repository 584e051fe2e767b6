"""Email skeletons: MRML runs once per shape of email, and every email still comes out exactly
as a full compile of its own MJML would make it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from micromoments.config import ProjectConfig
from micromoments.diagnostics import Report
from micromoments.load import load_catalog
from micromoments.model import Channel
from micromoments.render import email as email_module
from micromoments.render.brand import default_brand, load_brand
from micromoments.render.document import (
    Block,
    Button,
    Code,
    Control,
    Document,
    Em,
    Heading,
    Image,
    Inline,
    LineBreak,
    Link,
    ListBlock,
    ListItem,
    Paragraph,
    Strong,
    Table,
    TableRow,
    Text,
    Token,
    nest,
)
from micromoments.render.email import (
    MJML_ERROR,
    MJML_WARNING,
    SKELETONS,
    Compiled,
    EmailOutput,
    compile_mjml,
    render_email,
    reset_layout_cache,
)
from micromoments.render.markdown import parse_copy
from micromoments.render.mjml import _MjmlWriter, to_mjml
from micromoments.render.protect import Slots, token
from micromoments.render.skeleton import (
    COPY_SKELETONS,
    Skeleton,
    SkeletonCache,
    _copy_content,
    _numbered,
)
from render_helpers import REPO

CDN = "https://cdn.example.com/email/"
BRAND = default_brand()  # one brand, as in a build: layout shells are kept per brand


@pytest.fixture(autouse=True)
def fresh() -> Iterator[None]:
    reset_layout_cache()
    SKELETONS.clear()
    yield
    reset_layout_cache()
    SKELETONS.clear()


def assert_as_full_compile(out: EmailOutput) -> None:
    """The email is exactly what compiling its own MJML in full gives (or fails as it does)."""
    try:
        full = compile_mjml(out.mjml)
    except OSError:
        assert not out.ok and [p.rule for p in out.problems] == [MJML_ERROR.id]
        return
    assert out.html == full.html
    assert (out.title, out.preview) == (full.title, full.preview)


def render_doc(
    doc: Document, templates: Path, *, subject: str = "Subject", preheader: str = "Preheader",
    kind: str = "transactional", locale: str = "da",
) -> EmailOutput:  # fmt: skip
    slots = Slots()
    brand = BRAND
    unsubscribe = slots.protect(brand.unsubscribe_url).text if kind == "marketing" else None
    return render_email(
        kind, to_mjml(doc, brand, asset_base=CDN), subject=slots.protect(subject).text,
        preheader=slots.protect(preheader).text, locale=locale, direction="ltr", kind=kind,
        brand=brand, templates_path=templates, asset_base=CDN, unsubscribe_url=unsubscribe,
    )  # fmt: skip


def shaped(words: list[str]) -> Document:
    """One email of a fixed shape with ``words`` (eleven of them) in every place a word goes."""
    w = iter(words)
    blocks: list[Block] = [
        Heading(1, (Text(next(w)),)),
        Paragraph((Text(next(w)), Strong((Text(next(w)),)), Text(" "), Em((Text(next(w)),)))),
        Paragraph((Link(_href(next(w)), (Text(next(w)),)),)),
        Button((Text(next(w)),), "https://example.com/" + next(w)),
        ListBlock(False, (ListItem((Paragraph((Text(next(w)),)),)),)),
        Image("https://img.example.com/a.png", next(w), 200),
        Table(TableRow(((Text("A"),),)), (TableRow(((Text(next(w)),),)),), (None,)),
    ]
    return Document(tuple(blocks))


PLAIN = [f"word{i}" for i in range(11)]


def _href(word: str) -> str:
    return word if word.startswith("tel:") else "https://example.com/?q=" + word


def write_layout(templates: Path, name: str, head: str = "", footer: str = "") -> None:
    """A user's layout extending the built-in one, with its own head and footer blocks."""
    layout = templates / "email" / "layouts" / f"{name}.mjml"
    layout.parent.mkdir(parents=True, exist_ok=True)
    layout.write_text(
        '{% extends "layouts/_base.mjml" %}\n'
        + (f"{{% block head %}}\n    {head}\n{{% endblock %}}\n" if head else "")
        + (f"{{% block footer %}}{footer}{{% endblock %}}\n" if footer else ""),
        encoding="utf-8",
    )


def render_words(
    template: str, templates: Path, words: list[str] = PLAIN, subject: str = "S"
) -> EmailOutput:
    """An email of the fixed shape in a user's layout."""
    return render_email(
        template, to_mjml(shaped(words), BRAND, asset_base=CDN), subject=subject, preheader="P",
        locale="da", direction="ltr", kind="transactional", brand=BRAND, templates_path=templates,
        asset_base=CDN,
    )  # fmt: skip


def test_every_example_email_is_as_a_full_compile_and_translations_share_a_skeleton() -> None:
    config = ProjectConfig(root=REPO)
    brand = load_brand(config.templates_path, Report(), root=REPO)
    emails = 0
    for moment in load_catalog(config).ordered():
        spec = moment.spec
        assert spec is not None
        for locale in moment.locale_ids():
            section = moment.section(locale, Channel.EMAIL)
            if section is None:
                continue
            slots = Slots()
            doc = parse_copy(slots.protect(section.body))
            marketing = spec.email.kind == "marketing"
            out = render_email(
                spec.email.template, to_mjml(doc, brand, asset_base=brand.asset_base_url),
                subject=slots.protect(section.field_value("subject") or "").text,
                preheader=slots.protect(section.field_value("preheader") or "").text,
                locale=locale, direction="ltr", kind=spec.email.kind, brand=brand,
                templates_path=config.templates_path, asset_base=brand.asset_base_url,
                unsubscribe_url=slots.protect(brand.unsubscribe_url).text if marketing else None,
            )  # fmt: skip
            assert out.ok, out.problems
            assert_as_full_compile(out)
            emails += 1
    assert emails >= 20
    # the example moments' translations have the same shape as their originals: the second
    # locale of each of them (at least eight) finds its skeleton compiled
    assert SKELETONS.hits >= 8


def test_an_email_of_a_known_shape_reuses_the_compiled_skeleton(tmp_path: Path) -> None:
    first = render_doc(shaped(PLAIN), tmp_path)  # learns the layout shell
    second = render_doc(shaped([w.upper() for w in PLAIN]), tmp_path)  # compiles the skeleton
    hits = SKELETONS.hits
    third = render_doc(shaped([w + "x" for w in PLAIN]), tmp_path, subject="Other")
    assert SKELETONS.hits == hits + 1
    for out in (first, second, third):
        assert_as_full_compile(out)
    assert "word3x" in third.html and "Other" in third.html
    assert "MMWORD" not in third.html + str(third.title) + str(third.preview)


def test_translations_share_a_skeleton_across_locales(tmp_path: Path) -> None:
    render_doc(shaped(PLAIN), tmp_path, locale="da")
    render_doc(shaped(PLAIN), tmp_path, locale="en")
    render_doc(shaped(PLAIN), tmp_path, locale="da")  # the Danish skeleton
    hits = SKELETONS.hits
    out = render_doc(shaped(PLAIN), tmp_path, locale="en")  # the footer in English, lang="en"
    assert SKELETONS.hits == hits + 1
    assert_as_full_compile(out)
    assert 'lang="en"' in out.html


def test_marketing_email_with_its_unsubscribe_link(tmp_path: Path) -> None:
    for words in (PLAIN, PLAIN, [w + "y" for w in PLAIN]):
        out = render_doc(shaped(words), tmp_path, kind="marketing")
        assert_as_full_compile(out)
    assert SKELETONS.hits >= 1


# every kind of character: MRML mangles some in attributes (see mjml.verbatim_in_attribute)
_WORD_CHARS = st.one_of(
    st.characters(codec="utf-8", exclude_categories=["Cs"]),
    st.sampled_from("&<>\"'\\\xa0\xad\u200d\u0301\ue000\u2028\uff9e\ufffe \t\r\n{}%#*_;/?=:"),
)
_WORD = st.text(_WORD_CHARS, min_size=1, max_size=12)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(words=st.lists(_WORD, min_size=11, max_size=11), subject=_WORD, preheader=_WORD)
def test_any_words_come_out_as_a_full_compile(
    tmp_path: Path, words: list[str], subject: str, preheader: str
) -> None:
    render_doc(shaped(PLAIN), tmp_path)
    render_doc(shaped(PLAIN), tmp_path)  # the skeleton of this shape is compiled now
    out = render_doc(shaped(words), tmp_path, subject=subject, preheader=preheader)
    assert_as_full_compile(out)


def test_words_with_entities_that_do_not_survive_stay_in_the_skeleton(tmp_path: Path) -> None:
    render_doc(shaped(PLAIN), tmp_path)
    render_doc(shaped(PLAIN), tmp_path)
    hits = SKELETONS.hits
    # a non-breaking space in a link target: MRML writes it as \u{a0}; the skeleton keeps it
    words = [*PLAIN[:4], "a\xa0b", *PLAIN[5:]]
    out = render_doc(shaped(words), tmp_path, subject='Say "hi" & <wave>')
    assert SKELETONS.hits == hits  # a new shape: those words are part of it
    assert_as_full_compile(out)


def test_an_edited_layout_is_compiled_anew(tmp_path: Path) -> None:
    section = "<mj-section><mj-column>{}</mj-column></mj-section>"
    write_layout(tmp_path, "custom", footer=section.format("<mj-text>Old footer</mj-text>"))
    for _ in range(3):
        out = render_words("custom", tmp_path)
        assert "Old footer" in out.html
    write_layout(tmp_path, "custom",
                 footer=section.format("<mj-text>New footer</mj-text><mj-divider />"))  # fmt: skip
    reset_layout_cache()  # as every build does first
    for _ in range(3):
        out = render_words("custom", tmp_path)
        assert "New footer" in out.html and "Old footer" not in out.html
        assert_as_full_compile(out)


def test_a_layout_whose_text_looks_like_a_token_is_compiled_in_full(tmp_path: Path) -> None:
    write_layout(tmp_path, "odd", footer="<mj-section><mj-column><mj-text>MMWORD0000X MMSLOT0001X"
                                         "</mj-text></mj-column></mj-section>")  # fmt: skip
    for _ in range(3):
        out = render_words("odd", tmp_path)
        assert "MMWORD0000X MMSLOT0001X" in out.html
        assert_as_full_compile(out)
    assert SKELETONS.hits == 0


# Layouts a user may write where a word does not come through the inliner as it went in; each
# was found by review, and each email of the layout must still be exactly its full compile.
ODD_LAYOUTS = {
    "attribute selector": (
        '<mj-style inline="inline">.mm-copy a[href^="tel:"] { color: #ff0000; }</mj-style>', ""
    ),
    "raw > in text": ("", "<mj-section><mj-column><mj-text><p>Settings > Email</p></mj-text>"
                          "</mj-column></mj-section>"),
    "newline after <pre>": ("", "<mj-section><mj-column><mj-text><pre>\nTerms apply.</pre>"
                                "</mj-text></mj-column></mj-section>"),
    "subject in a comment": ("", "<mj-raw><!-- subject: {{ subject }} --></mj-raw>"),
    "> inside a comment": ("", "<mj-raw><!-- legal -> below --></mj-raw><mj-section><mj-column>"
                               "<mj-text><p>Legal</p></mj-text></mj-column></mj-section>"),
}  # fmt: skip


@pytest.mark.parametrize("case", ODD_LAYOUTS)
def test_odd_layouts_come_out_as_a_full_compile(tmp_path: Path, case: str) -> None:
    head, footer = ODD_LAYOUTS[case]
    write_layout(tmp_path, "odd", head, footer)
    tel = [*PLAIN[:4], "tel:+4512345678", *PLAIN[5:]]
    for words in (PLAIN, [w.upper() for w in PLAIN], tel, [w + "x" for w in tel]):
        out = render_words("odd", tmp_path, words, subject="It's here")
        assert out.ok, out.problems
        assert_as_full_compile(out)


def test_a_layout_with_a_comment_holding_a_gt_still_shares_its_skeleton(tmp_path: Path) -> None:
    write_layout(tmp_path, "odd", footer=ODD_LAYOUTS["> inside a comment"][1])
    for words in (PLAIN, PLAIN, PLAIN):
        render_words("odd", tmp_path, words, subject="S")
    assert SKELETONS.hits == 1  # the comment stays as it is; the text around it is swapped


def test_a_skeleton_mrml_warns_about_is_compiled_once_and_every_email_warns(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_layout(tmp_path, "warned", head='<mj-style media="print">.x { color: red; }</mj-style>')
    compiles: list[str] = []
    real = email_module.compile_mjml

    def counted(source: str) -> Compiled:
        compiles.append(source)
        return real(source)

    monkeypatch.setattr(email_module, "compile_mjml", counted)
    for _ in range(5):
        out = render_words("warned", tmp_path)
        # reported for every email, at the template line, not only for the first
        assert [(p.rule, p.line) for p in out.problems] == [(MJML_WARNING.id, 3)]
    # every email in full (for the warning at its line), and the skeleton once, to learn that
    # it cannot be used
    assert len(compiles) == 6


def test_characters_mrml_rejects_are_reported_for_every_email(tmp_path: Path) -> None:
    for _ in range(3):
        out = render_doc(shaped([*PLAIN[:10], "bad\ufffe"]), tmp_path)
        assert [p.rule for p in out.problems] == [MJML_ERROR.id]


def test_the_cache_keeps_the_most_recently_used() -> None:
    cache: SkeletonCache[int] = SkeletonCache(size=2)
    cache.put(("a",), 1)
    cache.put(("b",), 2)
    assert cache.find(("a",)) == (True, 1)  # ("b",) is now the least recently used
    cache.put(("c",), 3)
    assert [cache.find((k,)) for k in "abc"] == [(True, 1), (False, None), (True, 3)]
    assert (cache.hits, cache.misses) == (3, 1)


# --- the skeleton the MJML writer collects -------------------------------------------------------


def writer_skeleton(doc: Document, first: int = 0) -> bool:
    """Assert that the skeleton the MJML writer collected for ``doc`` (its words numbered from
    ``first``, after as many words of a layout) is the one the search through its MJML finds,
    words and slot tokens included; False when the writer left it to the search."""
    mjml = to_mjml(doc, BRAND, asset_base=CDN)
    # the MJML is what the writer writes without collecting words
    assert mjml == "\n".join(_MjmlWriter(BRAND, CDN).column(nest(doc.blocks))) + "\n"
    searched = Skeleton({}, ["layout"] * first, ["layout"] * first)
    content = _copy_content(searched, mjml)
    _, written = COPY_SKELETONS.find(mjml)
    if written is None:
        return False
    text, words, slots = written
    assert _numbered(text, first) == content
    assert [*words] == searched.html[first:] == searched.raw[first:]
    assert [*slots] == searched.slots
    return True


def test_the_writer_collects_the_skeleton_of_every_example_email() -> None:
    config = ProjectConfig(root=REPO)
    written = looped = 0
    for moment in load_catalog(config).ordered():
        for locale in moment.locale_ids():
            section = moment.section(locale, Channel.EMAIL)
            if section is None:
                continue
            doc = parse_copy(Slots().protect(section.body))
            for first in (0, 17):
                assert writer_skeleton(doc, first)
                written += 1
                # control tags between blocks, items and rows are collected as slots too
                looped += any(isinstance(b, Control) for b in doc.blocks)
    assert written >= 40 and looped >= 10


_TOKENS = st.integers(1, 40).map(lambda n: Token(token(n)))
# attribute values that hold a slot token, with words of every kind of character around it
_VALUE = st.one_of(
    _WORD,
    st.tuples(_WORD, _TOKENS, _WORD).map(lambda p: f"{p[0]} {p[1].token}{p[2]}"),
)
_SPACED = st.sampled_from([" ", "  ", "\n", "\xa0", " x ", "x "])
_LEAF: st.SearchStrategy[Inline] = st.one_of(
    _WORD.map(Text), _SPACED.map(Text), _TOKENS, _WORD.map(Code), st.just(LineBreak())
)
_INLINES = st.recursive(
    st.lists(_LEAF, max_size=4),
    lambda inner: st.lists(
        st.one_of(
            _LEAF,
            inner.map(lambda c: Strong(tuple(c))),
            inner.map(lambda c: Em(tuple(c))),
            st.tuples(_VALUE, inner).map(lambda h: Link(_href(h[0]), tuple(h[1]))),
        ),
        max_size=4,
    ),
    max_leaves=8,
)
_CONTROL = st.builds(
    Control,
    st.integers(41, 60).map(token),
    st.sampled_from(["if", "else", "endif", "for", "endfor"]),
)
_IMAGE = st.builds(Image, _VALUE, _VALUE, st.none() | st.just(120), st.none() | _VALUE.map(_href))
_BLOCK: st.SearchStrategy[Block] = st.one_of(
    st.builds(Heading, st.integers(1, 3), _INLINES.map(tuple)),
    st.builds(Paragraph, _INLINES.map(tuple)),
    st.builds(Button, _INLINES.map(tuple), _WORD.map(_href)),
    _IMAGE,
    st.builds(
        ListBlock, st.booleans(),
        st.lists(
            st.one_of(
                _INLINES.map(lambda c: ListItem((Paragraph(tuple(c)),))),
                st.tuples(_INLINES, _IMAGE).map(
                    lambda p: ListItem((Paragraph(tuple(p[0])), p[1]))
                ),
                st.tuples(_INLINES, _CONTROL).map(
                    lambda p: ListItem((Paragraph(tuple(p[0])), p[1]))
                ),
                _CONTROL,
            ),
            min_size=1, max_size=3,
        ).map(tuple),
    ),
    st.builds(
        lambda head, rows: Table(TableRow(tuple(head)), tuple(rows), (None,) * len(head)),
        st.lists(_INLINES.map(tuple), min_size=1, max_size=3),
        st.lists(st.one_of(_CONTROL, st.lists(_INLINES.map(tuple), min_size=1, max_size=3).map(
            lambda cells: TableRow(tuple(cells)))), max_size=3),
    ),
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(blocks=st.lists(_BLOCK | _CONTROL, min_size=1, max_size=6), first=st.integers(0, 30))
def test_the_writer_collects_what_the_search_finds(
    blocks: list[Block | Control], first: int
) -> None:
    writer_skeleton(Document(tuple(blocks)), first)


def test_the_writer_collects_plain_words_and_tokens() -> None:
    # the usual case is collected (not left to the search), tokens of a sentence in its word,
    # a cell that is only a token renumbered as a slot, a button label's outer spaces kept
    doc = Document((
        Paragraph((Text("Hej "), Token(token(3)), Text(", tak"))),
        Table(TableRow(((Text("Vare"),),)), (TableRow(((Token(token(7)),),)),), (None,)),
        Button((Text(" Se ordre "),), "https://example.com/o"),
    ))  # fmt: skip
    assert writer_skeleton(doc, 5)
    _, written = COPY_SKELETONS.find(to_mjml(doc, BRAND, asset_base=CDN))
    assert written is not None
    assert written[1] == ("Hej MMSLOT0003X, tak", "Vare", "https://example.com/o", "Se ordre")
    assert written[2] == ("MMSLOT0007X",)


def test_a_slot_token_kept_in_an_attribute_stays_the_same_token() -> None:
    # an alt text that cannot be a word (an emoji's variation selector) keeps its slot token;
    # the copy's renumbered slot tokens (a cell that is only a token) are put back by place,
    # so the kept one is not taken for one of them (found by review: it named another variable
    # or failed)
    image = "![Tak, {{ first_name }} \u2764\ufe0f](https://img.example.com/a.png)"
    for copy in (
        f"{image}\n\n| Vare | Pris |\n|---|---|\n| {{{{ item }}}} | {{{{ price }}}} |\n",
        f"| {{{{ a }}}} |\n|---|\n| x |\n\n{image}",
    ):
        slots = Slots()
        doc = parse_copy(slots.protect(copy))
        mjml = to_mjml(doc, BRAND, asset_base=CDN)
        name = next(t for t, s in slots.slots.items() if s.var and s.var.name == "first_name")
        assert f'alt="Tak, {name} ' in mjml
        assert writer_skeleton(doc)
