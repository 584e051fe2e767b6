"""Layout + copy -> MJML -> HTML: Jinja renders the layout, MRML compiles it.

Layouts live in ``templates/email/layouts/NAME.mjml`` (project first, then the built-in ones,
see :mod:`micromoments.layouts`). Every problem comes back as a :class:`~.document.Problem`
naming the template file (and line when known), never as an exception:

* MM901 a layout or partial cannot be rendered (Jinja syntax error, unknown variable, missing
  partial): file and line from Jinja;
* MM902 MRML cannot compile the rendered MJML (malformed XML, ``mj-include``): the layout,
  and the template file and line of the offending text when it can be found;
* MM903 MRML warns (an attribute the element does not have);
* MM904 an image or asset is not in ``templates/email/assets/``;
* MM905 and MM906 (declared here with the other email rules, reported by :mod:`.markdown`):
  copy markup email cannot show, and control tags that would leave broken HTML.

Block-level tokens survive MRML's CSS inliner: it re-parses the document as HTML5, which moves
text that stands between table rows out of the table ("foster parenting"). So before compiling,
every token that is the whole text between two tags is wrapped in an HTML comment (comments stay
put), and unwrapped again afterwards. The output is byte-for-byte deterministic.
"""

from __future__ import annotations

import functools
import re
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

import jinja2
import mrml
from markupsafe import Markup, escape

from ..diagnostics import Severity, rule
from ..layouts import template_dirs
from .brand import Brand, display_path
from .document import Document, Problem, asset_name
from .skeleton import Cut, ShellSkeleton, SkeletonCache, shell_skeleton, skeleton

LAYOUT_ERROR = rule(
    "MM901", "layout-error", Severity.ERROR, "build",
    "An email layout or partial cannot be rendered: a Jinja syntax error, an unknown variable or "
    "a missing partial.",
    bad="<mj-text>{{ brand.nmae }}</mj-text>\n{% include 'partials/foter.mjml' %}",
    good="<mj-text>{{ brand.name }}</mj-text>\n{% include 'partials/footer.mjml' %}",
    fix="fix the template at the line shown; docs/email-templates.md lists what layouts can use",
)  # fmt: skip
MJML_ERROR = rule(
    "MM902", "mjml-error", Severity.ERROR, "build",
    "The rendered layout is not valid MJML (an unclosed tag, a stray <, mj-include).",
    bad="<mj-section><mj-column><mj-text>Pris < 500 kr.</mj-column></mj-section>",
    good="<mj-section><mj-column><mj-text>Pris &lt; 500 kr.</mj-text></mj-column></mj-section>",
    fix="close every tag and write < as &lt;; use Jinja's {% include %} instead of mj-include",
)  # fmt: skip
MJML_WARNING = rule(
    "MM903", "mjml-warning", Severity.WARNING, "build",
    "MRML warns about the rendered layout, e.g. an attribute the element does not support.",
    bad='<mj-title lang="da">Tak</mj-title>',
    good="<mj-title>Tak</mj-title>",
)  # fmt: skip
UNKNOWN_ASSET = rule(
    "MM904", "unknown-asset", Severity.ERROR, "email",
    "An image in the copy or a layout (or the logo in brand.yml) is not in templates/email/assets/.",
    bad="![Havebænk](assets/havebaenk.jpg)   (no such file)",
    good="![Havebænk](assets/havebaenk.png)   (templates/email/assets/havebaenk.png exists)",
    fix="add the file to templates/email/assets/ or fix the name (names are case-sensitive)",
)  # fmt: skip

COPY_MARKUP = rule(
    "MM905", "copy-markup", Severity.WARNING, "copy",
    "Markdown in email copy that the email cannot show as written (an inline button or image, "
    "an unknown class, a # heading).",
    bad="Klik her: [Se din ordre]({{ order_url }}){.button} og læs mere.",
    good="Læs mere om din ordre.\n\n[Se din ordre]({{ order_url }}){.button}",
    fix="put buttons and images in a paragraph of their own; see docs/copy-syntax.md",
)  # fmt: skip
CONTROL_STRUCTURE = rule(
    "MM906", "control-structure", Severity.ERROR, "copy",
    "An {% if %} or {% for %} opens in one block (or list item, table row, bold text) and closes "
    "in another, so some branch would produce broken HTML.",
    bad="{% if gift %}\nTil gaven:\n\n- Gaveindpakning\n{% endif %}\n- Kvittering",
    good="- Kvittering\n{% if gift %}\n- Gaveindpakning\n{% endif %}",
    fix="put the tag lines around whole paragraphs, list items or table rows; inside a sentence, "
        "open and close a tag within the same bold/italic/link text",
)  # fmt: skip

ASSETS = Path("email") / "assets"
_POSITION = re.compile(r"at position (\d+):(\d+)")
_BARE_TOKENS = re.compile(r">(\s*(?:MMSLOT\d{4}X\s*)+)<")
_ONE_TOKEN = re.compile(r"MMSLOT\d{4}X")
_WRAPPED = re.compile(r"<!--(MMSLOT\d{4}X)-->")
_RENDER_OPTIONS = mrml.RenderOptions(disable_comments=False, fonts={})


@dataclass(frozen=True, slots=True)
class EmailOutput:
    """A rendered email: the MJML (tokens bare), the compiled HTML, and what went wrong.

    ``html`` is empty when the layout could not be rendered or compiled (see ``problems``).
    ``title`` and ``preview`` are as MRML returns them: HTML-escaped, and the preview ends in
    the invisible filler the layout adds after the preheader.
    """

    mjml: str
    html: str
    title: str | None
    preview: str | None
    problems: tuple[Problem, ...]

    @property
    def ok(self) -> bool:
        """True when HTML was produced."""
        return bool(self.html)


@dataclass(frozen=True, slots=True)
class Compiled:
    """MRML's output with tokens restored."""

    html: str
    title: str | None
    preview: str | None
    warnings: tuple[tuple[str, int, int], ...]  # (kind, start, end) as offsets in the source


def render_email(
    template: str,
    content_mjml: str,
    *,
    subject: str,
    preheader: str,
    locale: str,
    direction: str,
    kind: str,
    brand: Brand,
    templates_path: Path,
    asset_base: str,
    unsubscribe_url: str | None = None,
    root: Path | None = None,
) -> EmailOutput:
    """Render layout ``template`` around ``content_mjml`` and compile it to HTML.

    ``subject``, ``preheader`` and ``unsubscribe_url`` are plain text that may hold tokens (the
    layout escapes them). ``asset_base`` ends in ``/``: the brand's CDN in production, a
    relative folder in previews. Problem paths are shown relative to ``root`` when given.
    """
    if kind == "marketing" and not unsubscribe_url:
        raise ValueError("marketing email needs unsubscribe_url (protect brand.unsubscribe_url)")
    values = {"content": content_mjml, "subject": subject, "preheader": preheader,
              "unsubscribe_url": unsubscribe_url or ""}  # fmt: skip
    key = _shell_key(template, locale, direction, kind, brand, templates_path, asset_base, root,
                     values)  # fmt: skip
    shell = _SHELLS.get(key)
    if shell is not None:
        source, problems = _fill_shell(shell[0], values), list(shell[1])
    else:
        rendered = _render_layout(template, values, locale=locale, direction=direction, kind=kind,
                                  brand=brand, templates_path=templates_path,
                                  asset_base=asset_base, root=root)  # fmt: skip
        if isinstance(rendered, EmailOutput):
            return rendered
        source, problems = rendered
        _learn_shell(key, source, problems, values, template, locale=locale,
                     direction=direction, kind=kind, brand=brand,
                     templates_path=templates_path, asset_base=asset_base, root=root)  # fmt: skip
    try:
        compiled = _by_skeleton(values, shell[2]) if shell and shell[2] else None
        if compiled is None:
            compiled = compile_mjml(source)
    except OSError as error:
        shown_layout = _shown_layout(template, templates_path, root)
        found = _POSITION.search(str(error))
        start = _char_offset(source.encode(), int(found.group(1))) if found else None
        path, line, snippet = _locate(source, start, templates_path, root, shown_layout)
        where = f" (near {snippet!r})" if snippet else ""
        problems.append(
            Problem(
                MJML_ERROR.id,
                f"MJML error in layout {template!r}: {error}{where}",
                "",
                line,
                0,
                path,
            )
        )
        return EmailOutput(source, "", None, None, tuple(problems))
    for warning_kind, start, end in compiled.warnings:
        shown_layout = _shown_layout(template, templates_path, root)
        path, line, _ = _locate(source, start, templates_path, root, shown_layout)
        problems.append(
            Problem(
                MJML_WARNING.id, f"MJML {warning_kind}: {source[start:end]!r}", "", line, 0, path
            )
        )
    return EmailOutput(source, compiled.html, compiled.title, compiled.preview, tuple(problems))


def _shown_layout(template: str, templates_path: Path, root: Path | None) -> str:
    """The layout file as problems name it (only needed when there is a problem: resolving
    the path against the project root costs system calls)."""
    name = f"layouts/{template}.mjml"
    layout_file = _find(templates_path, name)
    return display_path(layout_file, root) if layout_file else name


def _render_layout(
    template: str,
    values: dict[str, str],
    *,
    locale: str,
    direction: str,
    kind: str,
    brand: Brand,
    templates_path: Path,
    asset_base: str,
    root: Path | None,
) -> tuple[str, list[Problem]] | EmailOutput:
    """The layout rendered to MJML (or an EmailOutput carrying the error)."""
    env = environment(templates_path)
    problems: list[Problem] = []
    name = f"layouts/{template}.mjml"
    layout_file = _find(templates_path, name)
    shown_layout = _shown_layout(template, templates_path, root)
    context = {
        "content": Markup(values["content"]),
        "subject": values["subject"],
        "preheader": values["preheader"],
        "lang": locale,
        "dir": direction,
        "start": "right" if direction == "rtl" else "left",
        "end": "left" if direction == "rtl" else "right",
        "kind": kind,
        "brand": brand,
        "c": brand.colors.light,
        "d": brand.colors.dark,
        "unsubscribe_url": values["unsubscribe_url"],
        "t": lambda key: brand.text(key, locale),
        "asset": _asset_function(templates_path, asset_base, problems, brand, root, shown_layout),
    }
    try:
        if template.startswith("_") or "/" in template or layout_file is None:
            raise jinja2.TemplateNotFound(name)
        return env.get_template(name).render(context), problems
    except jinja2.TemplateNotFound as error:
        problems.append(_not_found(error, template, templates_path, root))
    except jinja2.TemplateSyntaxError as error:
        path = display_path(Path(error.filename), root) if error.filename else name
        problems.append(Problem(LAYOUT_ERROR.id, f"template syntax error: {error.message}", "",
                                error.lineno or 0, 0, path))  # fmt: skip
    except Exception as error:  # any error inside a user template is reported, not raised
        path, line = _template_frame(error.__traceback__, layout_file, root)
        problems.append(
            Problem(LAYOUT_ERROR.id, f"{type(error).__name__}: {error}", "", line, 0, path)
        )
    return EmailOutput("", "", None, None, tuple(problems))


# --- layout shells -----------------------------------------------------------------------------
# Rendering the layout with Jinja costs as much as compiling the MJML. The layout's output
# depends on the copy only through four values, so it is rendered once per layout, locale,
# direction, kind and brand with sentinels in their place, and the sentinels are replaced per
# email. A shell is trusted only after it reproduced a full render exactly (a layout that
# transforms a value, e.g. `subject|upper`, keeps being rendered in full).

_SENTINEL_PREFIX = "MMSHELL"
_SENTINELS = {name: f"{_SENTINEL_PREFIX}{name.upper()}X" for name in
              ("content", "subject", "preheader", "unsubscribe_url")}  # fmt: skip
_SHELLS: dict[tuple[object, ...], tuple[str, tuple[Problem, ...], ShellSkeleton | None]] = {}
_UNTRUSTED: set[tuple[object, ...]] = set()
_BRANDS: dict[int, Brand] = {}  # keeps each keyed brand alive, so its id stays unique


def _shell_key(
    template: str, locale: str, direction: str, kind: str, brand: Brand, templates_path: Path,
    asset_base: str, root: Path | None, values: dict[str, str],
) -> tuple[object, ...]:  # fmt: skip
    _BRANDS.setdefault(id(brand), brand)
    filled = (bool(values["subject"]), bool(values["preheader"]), bool(values["unsubscribe_url"]))
    return (template, locale, direction, kind, id(brand), str(templates_path), asset_base,
            str(root), filled)  # fmt: skip


def reset_layout_cache() -> None:
    """Forget every layout shell and file lookup: a build calls it first, so edited templates
    and added or removed assets count."""
    _SHELLS.clear()
    _UNTRUSTED.clear()
    _BRANDS.clear()
    _FOUND.clear()


def _fill_shell(shell: str, values: dict[str, str]) -> str:
    parts, names = _cut_shell(shell)
    out = [parts[0]]
    for name, part in zip(names, parts[1:], strict=True):
        out.append(values[name] if name == "content" else str(escape(values[name])))
        out.append(part)
    return "".join(out)


_SENTINEL = re.compile("|".join(_SENTINELS.values()))
_NAMES = {sentinel: name for name, sentinel in _SENTINELS.items()}


@functools.lru_cache(maxsize=64)
def _cut_shell(shell: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The shell's text between its sentinels, and the value each sentinel stands for (cut
    once: every email of the layout is filled into it)."""
    names = tuple(_NAMES[m.group(0)] for m in _SENTINEL.finditer(shell))
    return tuple(_SENTINEL.split(shell)), names


def _learn_shell(
    key: tuple[object, ...], source: str, problems: list[Problem], values: dict[str, str],
    template: str, **context: Any,
) -> None:  # fmt: skip
    if key in _UNTRUSTED:
        return
    probe = {name: (_SENTINELS[name] if values[name] else "") for name in values}
    rendered = _render_layout(template, probe, **context)
    if isinstance(rendered, EmailOutput) or _fill_shell(rendered[0], values) != source:
        _UNTRUSTED.add(key)
        return
    _SHELLS[key] = (rendered[0], tuple(problems), shell_skeleton(rendered[0], _SENTINEL_PREFIX))


# --- skeletons ----------------------------------------------------------------------------------
# MRML runs once per shape of email, not once per email (see .skeleton). The cache is keyed by
# what makes the skeleton's whole MJML, layout included, so an edited layout never finds a
# stale entry.

SKELETONS: SkeletonCache[tuple[Cut, Cut | None, Cut | None] | None] = SkeletonCache()


def _by_skeleton(values: dict[str, str], shell: ShellSkeleton) -> Compiled | None:
    """The email compiled through its skeleton, or None to compile it in full: when no
    skeleton can stand for it, or MRML warns about or rejects the skeleton (remembered, so it
    is not compiled again; the full compile reports the problem at the real text)."""
    skel = skeleton(values, shell)
    if skel is None:
        return None
    # the skeleton's MJML is the shell filled with these values; the shell's text is the same
    # object from email to email, so Python hashes its 16 KB once, not per email
    key = (shell.text, *(skel.values[name] for name in _SENTINELS))
    kept, cut = SKELETONS.find(key)
    if not kept:
        words = len(skel.html)  # the same for every email of this key: each has a token
        try:
            compiled = compile_mjml(_fill_shell(shell.text, skel.values))
            cut = None if compiled.warnings else (
                Cut.of(compiled.html, words), _cut(compiled.title, words),
                _cut(compiled.preview, words)
            )  # fmt: skip
        except OSError:
            cut = None
        SKELETONS.put(key, cut)
    if cut is None:
        return None
    html, title, preview = cut
    return Compiled(skel.fill(html), skel.fill_raw(title), skel.fill_raw(preview), ())


def _cut(text: str | None, words: int) -> Cut | None:
    return None if text is None else Cut.of(text, words)


def compile_mjml(source: str) -> Compiled:
    """Compile MJML with MRML, keeping block-level tokens in place. Raises OSError on bad MJML."""
    body = source.find("<mj-body")
    if body >= 0:
        source = source[:body] + _BARE_TOKENS.sub(_wrap_tokens, source[body:])
    output = mrml.to_html(source, render_options=_RENDER_OPTIONS)
    html = _WRAPPED.sub(r"\1", output.content)
    encoded = source.encode()
    warnings = tuple(
        (w.kind, _char_offset(encoded, w.start), _char_offset(encoded, w.end))
        for w in output.warnings
    )
    return Compiled(html, output.title, output.preview, warnings)


def _char_offset(encoded: bytes, offset: int) -> int:
    """MRML counts UTF-8 bytes; Python strings count characters."""
    return len(encoded[:offset].decode("utf-8", errors="ignore"))


def _wrap_tokens(match: re.Match[str]) -> str:
    return ">" + _ONE_TOKEN.sub(lambda m: f"<!--{m.group(0)}-->", match.group(1)) + "<"


# --- templates ---------------------------------------------------------------------------------

_ENVIRONMENTS: dict[tuple[Path, ...], jinja2.Environment] = {}


def environment(templates_path: Path) -> jinja2.Environment:
    """The Jinja environment for a templates folder (cached; templates reload when edited)."""
    dirs = tuple(d.resolve() / "email" for d in template_dirs(templates_path))
    env = _ENVIRONMENTS.get(dirs)
    if env is None:
        env = jinja2.Environment(
            loader=jinja2.FileSystemLoader([str(d) for d in dirs]),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
            auto_reload=True,
        )
        _ENVIRONMENTS[dirs] = env
    return env


# Where a layout or asset name was found, by templates folder and name. Every email and every
# preview looks its layout and images up again; on a 1,000-moment catalog the stat calls behind
# those lookups took seconds. Forgotten at the start of each build (reset_layout_cache).
_FOUND: dict[tuple[Path, str], Path | None] = {}


def _find(templates_path: Path, name: str) -> Path | None:
    key = (templates_path, name)
    if key in _FOUND:
        return _FOUND[key]
    found = None
    for folder in template_dirs(templates_path):
        candidate = folder / "email" / name
        if candidate.is_file():
            found = candidate
            break
    _FOUND[key] = found
    return found


def _not_found(
    error: jinja2.TemplateNotFound, template: str, templates_path: Path, root: Path | None
) -> Problem:
    from ..layouts import available_layouts

    missing = str(error.name)
    if missing == f"layouts/{template}.mjml":
        choices = sorted(available_layouts(templates_path))
        return Problem(
            LAYOUT_ERROR.id, f"unknown email layout {template!r}",
            f"layouts are: {', '.join(choices)}", 0, 0,
            display_path(templates_path / "email" / "layouts", root),
        )  # fmt: skip
    path, line = _template_frame(error.__traceback__, None, root)
    return Problem(
        LAYOUT_ERROR.id, f"template {missing!r} not found",
        "partials live in templates/email/partials/", line, 0, path,
    )  # fmt: skip


def _template_frame(
    tb: TracebackType | None, fallback: Path | None, root: Path | None
) -> tuple[str, int]:
    """The innermost template file and line in a traceback (Jinja rewrites frames to them)."""
    found: tuple[str, int] | None = None
    for frame, line in traceback.walk_tb(tb):
        filename = frame.f_code.co_filename
        if filename.endswith((".mjml", ".html", ".xml")):
            found = (display_path(Path(filename), root), line)
    if found is not None:
        return found
    return (display_path(fallback, root) if fallback else "", 0)


def _locate(
    source: str, start: int | None, templates_path: Path, root: Path | None, layout: str
) -> tuple[str, int, str]:
    """Map an offset in the rendered MJML back to a template file and line by finding the
    offending line's text in the templates; falls back to the layout file."""
    if start is None:
        return layout, 0, ""
    line_start = source.rfind("\n", 0, start) + 1
    line_end = source.find("\n", start)
    text = source[line_start : line_end if line_end >= 0 else len(source)].strip()
    if not text:
        return layout, 0, ""
    for folder in template_dirs(templates_path):
        for file in sorted((folder / "email").rglob("*.mjml")):
            try:
                lines = file.read_text(encoding="utf-8").split("\n")
            except (OSError, UnicodeDecodeError):
                continue
            for number, candidate in enumerate(lines, start=1):
                if candidate.strip() == text:
                    return display_path(file, root), number, text[:80]
    return layout, 0, text[:80]


# --- assets ------------------------------------------------------------------------------------


def asset_dirs(templates_path: Path) -> list[Path]:
    """Folders that hold email assets, project first."""
    return [d / ASSETS for d in template_dirs(templates_path) if (d / ASSETS).is_dir()]


def find_asset(templates_path: Path, name: str) -> Path | None:
    """The file behind asset ``name`` (``logo.png``, ``icons/truck.png``), or None."""
    if not name or name.startswith("/") or ".." in name.split("/"):
        return None
    return _find(templates_path, "assets/" + name)


def check_assets(doc: Document, templates_path: Path) -> list[Problem]:
    """A problem for each copy image whose asset does not exist (path None: the copy)."""
    problems = []
    for image in doc.images():
        name = asset_name(image.src)
        if name is not None and find_asset(templates_path, name) is None:
            problems.append(
                Problem(
                    UNKNOWN_ASSET.id,
                    f"image {image.src!r} not found",
                    _asset_hint(templates_path, name),
                    image.line,
                )
            )
        elif name is None and not _variable_or_absolute(image.src):
            problems.append(
                Problem(
                    UNKNOWN_ASSET.id,
                    f"image {image.src!r} is neither an asset nor a URL",
                    "write assets/NAME for a file in templates/email/assets/, or an https URL",
                    image.line,
                )
            )
    return problems


def _variable_or_absolute(src: str) -> bool:
    return src.startswith(("https://", "http://", "cid:")) or bool(_ONE_TOKEN.match(src))


def _asset_hint(templates_path: Path, name: str) -> str:
    from ..diagnostics import suggestion

    names = sorted(
        p.relative_to(folder).as_posix()
        for folder in asset_dirs(templates_path)
        for p in folder.rglob("*")
        if p.is_file()
    )
    close = suggestion(name, names)
    return f"add it to templates/email/assets/{close}" if close else (
        "add it to templates/email/assets/"
    )  # fmt: skip


def _asset_function(
    templates_path: Path, asset_base: str, problems: list[Problem], brand: Brand,
    root: Path | None, layout: str,
) -> Callable[[str], str]:  # fmt: skip
    reported: set[str] = set()

    def asset(name: str) -> str:
        if name not in reported and find_asset(templates_path, name) is None:
            reported.add(name)
            logo = brand.logo is not None and name in (brand.logo.src, brand.logo.dark_src)
            source = layout
            if logo and brand.source is not None:
                source = display_path(brand.source, root)
            what = "the logo in brand.yml" if logo else "the layout"
            problems.append(
                Problem(
                    UNKNOWN_ASSET.id,
                    f"asset {name!r} used by {what} not found",
                    _asset_hint(templates_path, name),
                    0,
                    0,
                    source,
                )
            )
        return asset_base + name

    return asset


__all__ = [
    "LAYOUT_ERROR",
    "MJML_ERROR",
    "MJML_WARNING",
    "UNKNOWN_ASSET",
    "Compiled",
    "EmailOutput",
    "asset_dirs",
    "check_assets",
    "compile_mjml",
    "environment",
    "find_asset",
    "render_email",
]
