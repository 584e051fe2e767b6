"""Loading a whole catalog: journey.yml, tones.yml and every moment with its translations."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from pydantic import BaseModel, ValidationError

from ..checks.data import check_data
from ..checks.spec import UNKNOWN_LOCALE, check_spec
from ..checks.tone import check_tone
from ..config import ProjectConfig
from ..context import Context
from ..diagnostics import FILE, Diagnostic, Position, Report, Severity, rule
from ..layouts import available_layouts
from ..model import Channel, Journey, Moment, MomentSpec, Tones, Translation
from ..model.moment import TRANSLATABLE_KEYS, TranslationSpec
from ..packing import pack, unpack
from ..parallel import pmap, shared
from ..results.data import check_kpis
from ..suppress import read_suppressions
from .salvage import salvage
from .sections import parse_body
from .source import read_text, split_front_matter
from .yaml_rules import read_yaml, report_validation_error

MISSING_FILE = rule(
    "MM014", "missing-config-file", Severity.ERROR, "file",
    "moments/journey.yml or moments/tones.yml is missing or empty.",
    bad="moments/ with specs but no journey.yml",
    good="moments/journey.yml with default_locale, locales and phases",
)  # fmt: skip
DUPLICATE_ID = rule(
    "MM106", "duplicate-id", Severity.ERROR, "spec",
    "Two spec files have the same name (the id is the file name), in different folders.",
    bad="moments/purchase/receipt.md and moments/web/receipt.md",
    good="moments/purchase/receipt.md and moments/web/receipt-page.md",
    fix="rename one file; ids must be unique across all folders",
)  # fmt: skip
BAD_ID = rule(
    "MM107", "bad-id", Severity.ERROR, "spec",
    "A file name (the moment id) is not lower-case letters, digits and dashes.",
    bad="moments/Order Confirmation.md",
    good="moments/order-confirmation.md",
)  # fmt: skip
ORPHAN_TRANSLATION = rule(
    "MM108", "orphan-translation", Severity.ERROR, "spec",
    "A translation file has no main file in the default locale.",
    bad="moments/order-confirmation.en.md without moments/order-confirmation.md",
    good="moments/order-confirmation.md and moments/order-confirmation.en.md",
)  # fmt: skip
TRANSLATION_KEY = rule(
    "MM109", "translation-only-wording", Severity.ERROR, "spec",
    "A translation's front-matter sets a key that only the main file may set.",
    bad="---\ntitle: Order confirmation\nphase: purchase\n---",
    good="---\ntitle: Order confirmation\nsummary: A clear, friendly confirmation.\n---",
    fix="translations may set only: " + ", ".join(TRANSLATABLE_KEYS),
)  # fmt: skip

_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_LOCALE_SUFFIX = re.compile(r"^[a-z]{2,3}(?:[-_][A-Za-z]{2,4})?$")
IGNORED_NAMES = {"readme.md", "index.md"}


@dataclass
class Catalog:
    """Everything loaded from a project, plus every diagnostic found while loading."""

    context: Context
    moments: dict[str, Moment] = field(default_factory=dict)
    report: Report = field(default_factory=Report)

    @property
    def config(self) -> ProjectConfig:
        """The project configuration."""
        return self.context.config

    def ordered(self) -> list[Moment]:
        """Moments in journey order (phase, then title)."""
        journey = self.context.journey

        def key(m: Moment) -> tuple[int, str]:
            phase = m.spec.phase if m.spec else ""
            return (journey.phase_index(phase) if journey else 0, m.title.lower())

        return sorted(self.moments.values(), key=key)


def _display(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def _load_model(file: Path, root: Path, model: type[BaseModel], report: Report, *, key: str) -> Any:
    display = _display(file, root)
    if not file.is_file():
        report.add(MISSING_FILE.id, display, FILE, f"{file.name} is missing",
                   f"create {display}; see docs/{key}.md", moment=None)  # fmt: skip
        return None
    text = read_text(file, display, report)
    if text is None:
        return None
    doc = read_yaml(text, display, report)
    if doc is None:
        return None
    if doc.data is None:
        report.add(MISSING_FILE.id, display, FILE, f"{file.name} is empty",
                   f"see docs/{key}.md for what it holds")  # fmt: skip
        return None
    try:
        return model.model_validate(doc.data)
    except ValidationError as error:
        report_validation_error(error, model, doc, display, report)
        return None


def load_context(config: ProjectConfig, report: Report) -> Context:
    """Read journey.yml, tones.yml and the list of email layouts."""
    moments_dir = config.moments_path
    journey = _load_model(moments_dir / "journey.yml", config.root, Journey, report, key="journey")
    tones = _load_model(moments_dir / "tones.yml", config.root, Tones, report, key="tones")
    if journey is not None and journey.default_locale not in journey.locales:
        report.add(UNKNOWN_LOCALE.id, _display(moments_dir / "journey.yml", config.root),
                   Position(1, 1),
                   f"default_locale {journey.default_locale!r} is not under `locales:`",
                   "add it to `locales:`")  # fmt: skip
    return Context(
        config=config,
        journey=journey,
        tones=dict(tones.root) if isinstance(tones, Tones) else {},
        layouts=frozenset(available_layouts(config.templates_path)),
    )


def discover(moments_dir: Path) -> list[Path]:
    """Every Markdown file below the moments folder, in a stable order.

    Folders and files whose names start with ``.`` or ``_`` are skipped, as are README and
    index files. (``os.walk`` rather than ``Path.rglob``: a served catalog lists its thousands
    of files on every rebuild, and pruning hidden folders early also skips their contents.)
    """
    if not moments_dir.is_dir():
        return []
    found: list[Path] = []
    for folder, dirs, names in os.walk(moments_dir, followlinks=True):
        dirs[:] = [d for d in dirs if not d.startswith((".", "_"))]
        base = Path(folder)
        found.extend(base / name for name in names
                     if name.endswith(".md") and not name.startswith((".", "_"))
                     and name.lower() not in IGNORED_NAMES)  # fmt: skip
    return sorted(found)


def split_name(file: Path) -> tuple[str, str | None]:
    """``order-confirmation.en.md`` -> ("order-confirmation", "en"); no suffix -> locale None."""
    stem = file.name[: -len(".md")]
    base, dot, suffix = stem.rpartition(".")
    if dot and base and _LOCALE_SUFFIX.match(suffix):
        return base, suffix
    return stem, None


@dataclass
class MomentFiles:
    """The main file of a moment and its translation files, by locale."""

    id: str
    main: Path | None = None
    translations: dict[str, Path] = field(default_factory=dict)


def group_files(files: Iterable[Path]) -> dict[str, MomentFiles]:
    """Group spec files by moment id."""
    groups: dict[str, MomentFiles] = {}
    for file in files:
        mid, locale = split_name(file)
        group = groups.setdefault(mid, MomentFiles(mid))
        if locale is None:
            if group.main is None:
                group.main = file
            else:
                group.translations.setdefault("\0dup:" + file.as_posix(), file)
        else:
            group.translations[locale] = file
    return groups


def _hash_files(files: Iterable[Path]) -> str:
    digest = hashlib.sha256()
    for file in files:
        digest.update(file.as_posix().encode())
        with contextlib.suppress(OSError):  # unreadable files are reported elsewhere
            digest.update(file.read_bytes())
    return digest.hexdigest()


def load_moment(group: MomentFiles, ctx: Context) -> tuple[Moment | None, list[Diagnostic]]:
    """Load and check one moment from its files. Independent of every other moment."""
    report = Report(ctx.config.rules)
    root = ctx.config.root
    mid = group.id
    if group.main is None:
        for file in group.translations.values():
            report.add(ORPHAN_TRANSLATION.id, _display(file, root), FILE,
                       f"translation without a main file {mid}.md",
                       f"create {mid}.md in the default locale ({ctx.default_locale}), "
                       "or rename this file", moment=mid)  # fmt: skip
        return None, report.diagnostics
    path = _display(group.main, root)
    if not _ID.match(mid):
        report.add(BAD_ID.id, path, FILE, f"{mid!r} is not a valid moment id",
                   f"rename the file to {_slug(mid)}.md (lower-case, digits, dashes)",
                   moment=mid)  # fmt: skip
    moment = Moment(
        id=mid,
        path=path,
        default_locale=ctx.default_locale,
        spec=None,
        yaml=None,
        source_hash=_hash_files([group.main, *sorted(group.translations.values())]),
    )
    text = read_text(group.main, path, report, mid)
    source = split_front_matter(text, path, report, mid) if text is not None else None
    main = Translation(locale=ctx.default_locale, path=path)
    moment.translations[ctx.default_locale] = main
    if source is not None:
        body = parse_body(source.body, source.body_line, path=path, locale=ctx.default_locale,
                          report=report, moment=mid)  # fmt: skip
        doc = read_yaml(source.front_matter, path, report, line_offset=1, moment=mid)
        moment.yaml = doc
        if doc is not None:
            if not isinstance(doc.data, dict):
                report.add("MM103", path, Position(2, 1),
                           "the front-matter must be a mapping of keys to values",
                           "write `key: value` lines between the `---` lines",
                           moment=mid)  # fmt: skip
            else:
                try:
                    moment.spec = MomentSpec.model_validate(doc.data)
                except ValidationError as error:
                    report_validation_error(error, MomentSpec, doc, path, report, moment=mid)
                    moment.spec = salvage(doc.data, _fill_values(mid, ctx, body.sections))
                    moment.complete = False
        main.sections = body.sections
        main.rationale, main.rationale_line = body.rationale, body.rationale_line

    wanted = _wanted_locales(moment, ctx)
    for locale, file in sorted(group.translations.items()):
        tpath = _display(file, root)
        if locale.startswith("\0dup:"):
            report.add(DUPLICATE_ID.id, tpath, FILE,
                       f"another file is also named {mid}.md", moment=mid)  # fmt: skip
            continue
        if ctx.journey is not None and locale not in ctx.journey.locales:
            report.add(UNKNOWN_LOCALE.id, tpath, FILE,
                       f"{locale!r} is not a locale in journey.yml",
                       f"locales: {', '.join(ctx.journey.locales)}", moment=mid)  # fmt: skip
            continue
        if locale == ctx.default_locale:
            report.add(UNKNOWN_LOCALE.id, tpath, FILE,
                       f"{locale!r} is the default locale; its copy belongs in {mid}.md",
                       moment=mid)  # fmt: skip
            continue
        translation = _load_translation(file, tpath, locale, report, mid)
        if translation is not None:
            moment.translations[locale] = translation
    moment.missing_locales = [loc for loc in wanted if loc not in moment.translations]
    if moment.spec is not None:
        check_spec(moment, ctx, report)
        check_data(moment, report)
        check_kpis(moment, ctx, report)
        check_tone(moment, ctx, report)
    files = [(group.main, path)] + [
        (f, _display(f, root)) for loc, f in sorted(group.translations.items())
        if not loc.startswith("\0dup:")
    ]  # fmt: skip
    kept, suppressed = read_suppressions(files, mid).apply(report.diagnostics, "load")
    return moment, [*kept, *suppressed]


def _fill_values(
    mid: str, ctx: Context, sections: Iterable[tuple[Channel, str | None]]
) -> dict[str, Any]:
    """Neutral stand-ins for required keys that failed, so they cause no further diagnostics."""
    channels = sorted({channel.value for channel, _variant in sections}) or ["email"]
    return {
        "title": mid,
        "phase": next(iter(ctx.journey.phases)) if ctx.journey else "unknown",
        "tone": next(iter(ctx.tones), "unknown"),
        "trigger": {"event": "unknown", "source": "unknown"},
        "channels": channels,
    }


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "moment"


def _wanted_locales(moment: Moment, ctx: Context) -> list[str]:
    locales = ctx.locales
    if moment.spec is not None and moment.spec.locales is not None:
        locales = [loc for loc in moment.spec.locales if loc in locales]
    return [loc for loc in locales if loc != ctx.default_locale]


def _load_translation(
    file: Path, path: str, locale: str, report: Report, mid: str
) -> Translation | None:
    text = read_text(file, path, report, mid)
    if text is None:
        return None
    translation = Translation(locale=locale, path=path)
    if text.startswith("---"):
        source = split_front_matter(text, path, report, mid)
        if source is None:
            return None
        doc = read_yaml(source.front_matter, path, report, line_offset=1, moment=mid)
        translation.yaml = doc
        if doc is not None and isinstance(doc.data, dict):
            extra = [k for k in doc.data if k not in TRANSLATABLE_KEYS]
            for key in extra:
                report.add(TRANSLATION_KEY.id, path, doc.key_pos((key,)),
                           f"{key!r} can only be set in the main file", moment=mid)  # fmt: skip
            wording = {k: v for k, v in doc.data.items() if k in TRANSLATABLE_KEYS}
            try:
                translation.spec = TranslationSpec.model_validate(wording)
            except ValidationError as error:
                report_validation_error(error, TranslationSpec, doc, path, report, moment=mid)
        body, body_line = source.body, source.body_line
    else:
        body, body_line = text, 1
    parsed = parse_body(body, body_line, path=path, locale=locale, report=report, moment=mid)
    translation.sections = parsed.sections
    translation.rationale, translation.rationale_line = parsed.rationale, parsed.rationale_line
    return translation


LoadEntry = tuple[Moment | None, list[Diagnostic]]


class LoadCache(dict[str, LoadEntry]):
    """Loaded and checked specs by file content, kept across the rebuilds of ``mkdocs serve``.

    A cache that also keeps them on disk (:class:`.diskcache.StoredLoads`) sets ``packed``: the
    loaders then hand each result back pickled, as the cache will store it, and
    :meth:`add_packed` receives those bytes. Packing in the worker keeps the spec's YAML tree
    (its positions) in the stored copy, and costs the main process nothing extra.
    """

    packed = False

    def add_packed(self, key: str, data: bytes) -> None:
        """Keep the packed form of the entry just added under ``key`` (nothing to do here)."""


def _load_group(group: MomentFiles) -> LoadEntry | bytes:
    state = shared()
    loaded = load_moment(group, state["ctx"])
    return pack(loaded) if state.get("packed") else loaded


def _context_fingerprint(ctx: Context) -> str:
    digest = hashlib.sha256()
    for part in (
        ctx.config.model_dump_json(),
        ctx.journey.model_dump_json() if ctx.journey else "",
        json.dumps({k: v.model_dump(mode="json") for k, v in ctx.tones.items()}, sort_keys=True),
        ",".join(sorted(ctx.layouts)),
    ):
        digest.update(part.encode())
        digest.update(b"\0")
    return digest.hexdigest()


def load_catalog(config: ProjectConfig, *, cache: LoadCache | None = None) -> Catalog:
    """Load every moment of the project and run the spec and data checks on each.

    With ``cache`` (kept across rebuilds of ``mkdocs serve``), a moment whose files and
    context did not change is not parsed or checked again.
    """
    report = Report(config.rules)
    ctx = load_context(config, report)
    catalog = Catalog(context=ctx, report=report)
    groups = list(group_files(discover(config.moments_path)).values())
    shared_print = _context_fingerprint(ctx) if cache is not None else ""
    keys = [
        shared_print + _hash_files([g.main, *sorted(g.translations.values())] if g.main else
                                   sorted(g.translations.values()))
        for g in groups
    ] if cache is not None else []  # fmt: skip
    todo = [g for n, g in enumerate(groups) if cache is None or keys[n] not in cache]
    packed = cache is not None and cache.packed
    fresh = iter(pmap(_load_group, todo, state={"ctx": ctx, "packed": packed}, jobs=config.jobs))
    first_path: dict[str, str] = {}
    for n, _group in enumerate(groups):
        if cache is not None and keys[n] in cache:
            moment, diagnostics = cache[keys[n]]
        else:
            result = next(fresh)
            if isinstance(result, bytes):  # packed for the cache (only when it asks for that)
                assert cache is not None
                cache.add_packed(keys[n], result)
                result = cast(LoadEntry, unpack(result))
            moment, diagnostics = result
            if cache is not None:
                cache[keys[n]] = result
        report.extend(diagnostics)
        if moment is None:
            continue
        if moment.id in first_path:  # pragma: no cover - group_files merges same ids
            continue
        first_path[moment.id] = moment.path
        catalog.moments[moment.id] = moment
    if cache is not None:
        for stale in set(cache) - set(keys):
            del cache[stale]
    return catalog
