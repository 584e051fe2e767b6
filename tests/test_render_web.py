"""Document -> web/in-app HTML fragment: semantic, accessible, scoped styles, no script."""

from __future__ import annotations

import re

from micromoments.diagnostics import Report
from micromoments.render.brand import default_brand, load_brand
from micromoments.render.web import scope_class, to_web_html
from render_helpers import REPO, html_tree, parse, run_jinja

BRAND = default_brand()
COPY = """\
### Tak for dit køb, {{ first_name }}

Din kvittering er sendt til **{{ email }}**.

| Vare | Pris |
|:--|--:|
{% for line in lines %}
| {{ line.title }} | {{ line.price }} |
{% endfor %}

[Se din ordre]({{ order_url }}){.button}
[Fortsæt med at handle](https://lunden.example){.button .secondary}

![Havebænk](assets/baenk.png){width=300}
"""


def fragment(copy: str = COPY, title: str = "Kvittering", direction: str = "ltr") -> str:
    doc, _ = parse(copy)
    return to_web_html(
        doc, BRAND, locale="da", direction=direction, title=title, asset_base="/assets/email/"
    )


def test_one_scoped_style_and_one_article_with_lang_dir_and_label() -> None:
    html = fragment()
    tree = html_tree(html)
    top = [c for c in tree.children if not isinstance(c, str)]
    assert [n.tag for n in top] == ["style", "article"]
    article = top[1]
    assert article.attrs["class"] == scope_class(BRAND)
    assert (article.attrs["lang"], article.attrs["dir"]) == ("da", "ltr")
    assert article.attrs["aria-label"] == "Kvittering"
    assert "<script" not in html.lower()


def test_every_css_rule_is_scoped_and_dark_mode_is_included() -> None:
    css = html_tree(fragment()).find("style").text()
    scope = "." + scope_class(BRAND)
    inner = css.replace("@media (prefers-color-scheme: dark){", "", 1)
    selectors = re.findall(r"(?:^|})([^{}]+)\{", inner)
    assert selectors
    for group in selectors:
        for selector in group.split(","):
            assert selector.strip().startswith(scope), selector
    assert "@media (prefers-color-scheme: dark)" in css
    assert BRAND.colors.dark.surface in css


def test_scope_is_stable_per_brand_and_differs_between_brands() -> None:
    lunden = load_brand(REPO / "templates", Report())
    assert scope_class(BRAND) == scope_class(default_brand())
    assert scope_class(lunden) != scope_class(BRAND)


def test_semantic_blocks() -> None:
    tree = html_tree(fragment())
    article = tree.find("article")
    assert article.find("h1").text().startswith("Tak for dit køb, ")
    assert len(article.find_all("h1")) == 1
    table = article.find("table")
    assert "role" not in table.attrs
    assert [th.attrs["scope"] for th in table.find_all("th")] == ["col", "col"]
    primary, secondary = article.find_all("a", class_="mm-button")
    assert "mm-button-primary" in primary.attrs["class"]
    assert secondary.attrs["href"] == "https://lunden.example"
    assert "mm-button-secondary" in secondary.attrs["class"]
    img = article.find("img")
    assert (img.attrs["src"], img.attrs["alt"], img.attrs["width"]) == (
        "/assets/email/baenk.png", "Havebænk", "300",
    )  # fmt: skip


def test_buttons_have_a_44px_tap_target() -> None:
    css = html_tree(fragment()).find("style").text()
    rule = re.search(r"\.mm-button\{([^}]*)\}", css)
    assert rule is not None
    assert "min-height:44px" in rule.group(1)


def test_title_becomes_the_heading_when_the_copy_has_none() -> None:
    tree = html_tree(fragment("Tekst uden overskrift", title='Kvittering & "tak"'))
    article = tree.find("article")
    assert article.find("h1").text() == 'Kvittering & "tak"'
    assert article.attrs["aria-label"] == 'Kvittering & "tak"'


def test_tokens_and_loops_render_with_a_real_engine() -> None:
    doc, protected = parse(COPY)
    html = to_web_html(doc, BRAND, locale="da", direction="ltr", title="K", asset_base="/a/")
    tbody = html_tree(html).find("tbody")
    loop = [t for t, s in protected.slots.items() if s.kind in ("for", "endfor")]
    assert tbody.child_kinds() == [loop[0], "tr", loop[1]]
    data = {
        "first_name": "Mette", "email": "m@example.com", "order_url": "https://x.example/o",
        "lines": [{"title": "Bænk", "price": "2.499 kr."}, {"title": "Hynde", "price": "349 kr."}],
    }  # fmt: skip
    page = html_tree(run_jinja(html, protected.slots, data, html=True))
    assert [r.text() for r in page.find("tbody").find_all("tr")] == [
        "Bænk2.499 kr.",
        "Hynde349 kr.",
    ]
    assert page.find("h1").text() == "Tak for dit køb, Mette"
    assert page.find("a", class_="mm-button-primary").attrs["href"] == "https://x.example/o"


def test_right_to_left_flips_the_start_side() -> None:
    html = fragment(direction="rtl")
    assert html_tree(html).find("article").attrs["dir"] == "rtl"
    assert "text-align:right" in html_tree(html).find("style").text()
