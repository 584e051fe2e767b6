"""Synthetic micromoments projects for the benchmark, derived from the example moments.

:func:`generate` writes a complete project (mkdocs.yml, docs/, moments/, templates/) with ``n``
moments on the channels email, SMS and push, each with a translation per extra locale. Every
moment starts from one of the real example moments in ``moments/`` and is varied
deterministically by its seed: a new id and title, re-ordered sentences, extra sentences from
the other examples' copy (filtered by the moment's tone rules so the copy stays valid), nudged
numbers, KPI values and priorities. SMS and push sections that an example lacks are built from
its own email copy (preheader, button label, short sentences), so they only use variables the
moment declares. The result passes ``micromoments check`` with no errors and no warnings.

:func:`generate_plain` writes the baseline of the benchmark: a plain mkdocs-material project
with one static Markdown page per moment of a generated catalog, of about the same length.

Everything is text manipulation on the example files (no YAML dumping per moment), so 10,000
moments take a few seconds.

    python -m bench.generate ROOT N [--locales da,en] [--seed 0] [--plain PLAIN_ROOT]
"""

from __future__ import annotations

import argparse
import functools
import hashlib
import json
import random
import re
import shutil
import sys
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from micromoments.text.readability import lix
from micromoments.text.sms import analyse_sms
from micromoments.text.tone import WE_WORDS, rule_language
from micromoments.text.words import language_of

REPO = Path(__file__).resolve().parents[1]
CHANNELS = ("email", "sms", "push")
SMS_BUDGET = 290  # characters with sample data; 2 GSM-7 segments are 306, leave some room
PUSH_TITLE_MAX = 45  # iOS shows 50
PUSH_BODY_MAX = 55  # a collapsed Android notification shows 55
_CHANNEL_NAMES = {"email": "email", "e-mail": "email", "sms": "sms", "push": "push",
                  "web": "web", "in-app": "in-app"}  # fmt: skip
_FIELD_NAMES = {"subject", "preheader", "title", "link"}

_KEY_LINE = re.compile(r"^([A-Za-z_][\w-]*)[ \t]*:")
_HEADING = re.compile(r"^##[ \t]+(?P<name>[^\[\n]*?)[ \t]*(?:\[(?P<variant>[^\]\n]*)\])?[ \t]*$")
_FIELD = re.compile(r"^(?P<name>[A-Za-z]+)[ \t]*:[ \t]*(?P<value>.*)$")
_SENTENCE_END = re.compile(r"(?<=[.?!])[ \t]+(?=[A-ZÆØÅ\"«])")
_VAR = re.compile(r"\{\{\s*([A-Za-z_][\w.]*)\s*\}\}")
_STMT = re.compile(r"\{%.*?%\}")
_BUTTON = re.compile(r"\[(?P<label>[^\]]+)\]\((?P<href>\{\{[^}]*\}\}|[^)\s]+)\)\{\.button\}")
_NUMBER = re.compile(r"(?<![\d.,])\d{1,2}(?![\d.,]\d)")
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _yaml(text: str) -> Any:
    return yaml.load(text, Loader=_LOADER)  # a safe loader, libyaml's when installed


@functools.lru_cache(maxsize=65536)
def _lix_words_and_score(text: str, locale: str) -> tuple[int, int]:
    """Words and rounded LIX of ``text`` (cached: the same sentences recur across moments)."""
    score = lix(text, language_of(locale))
    return (0, 0) if score is None else (score.words, score.rounded)


@functools.lru_cache(maxsize=65536)
def _gsm7(text: str) -> str:
    """``text`` with the characters that would force UCS-2 swapped for GSM-7 ones."""
    analysis = analyse_sms(text)
    return analysis.swapped_text if analysis.forcing else text


# --- the example moments, parsed by text ----------------------------------------------------------
@dataclass(frozen=True)
class Section:
    """One copy section: ``## Email [B]`` with its fields and body."""

    channel: str
    variant: str | None
    name: str  # the heading as written, e.g. "Email" or "In-app"
    fields: tuple[tuple[str, str], ...]
    body: str

    def field(self, name: str) -> str | None:
        """The value of field ``name`` (case-insensitive), or None."""
        return next((v for k, v in self.fields if k.lower() == name), None)

    def render(self) -> str:
        """The section as Markdown, heading included."""
        heading = f"## {self.name}" + (f" [{self.variant}]" if self.variant else "")
        lines = [heading, ""]
        if self.fields:
            lines.extend(f"{k}: {v}" for k, v in self.fields)
            lines.append("")
        lines.append(self.body.strip("\n"))
        return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class SpecFile:
    """A spec or translation file: front-matter blocks by top-level key, rationale, sections."""

    blocks: tuple[tuple[str, str], ...]  # (key, the block's YAML text, newline-terminated)
    front: Mapping[str, Any]
    rationale: str
    sections: tuple[Section, ...]

    def section(self, channel: str, variant: str | None = None) -> Section | None:
        """The section for ``channel`` and ``variant``, or None."""
        return next(
            (s for s in self.sections if s.channel == channel and s.variant == variant), None
        )


@dataclass(frozen=True)
class Example:
    """One real example moment: its files by locale and what it needs to be varied."""

    id: str
    phase: str
    tone: str
    files: Mapping[str, SpecFile]  # locale -> file; the default locale's is the main file
    samples: Mapping[str, Mapping[str, str]]  # locale -> variable -> its example as printed


def parse_spec(text: str) -> SpecFile:
    """Split a spec file into front-matter blocks, rationale and copy sections."""
    front_text, body = "", text
    if text.startswith("---\n"):
        end = text.find("\n---\n", 3)
        if end < 0:
            raise ValueError("unclosed front-matter")
        front_text, body = text[4 : end + 1], text[end + 5 :]
    blocks: list[tuple[str, list[str]]] = []
    for line in front_text.splitlines(keepends=True):
        match = _KEY_LINE.match(line)
        if match or not blocks:
            blocks.append((match.group(1) if match else "#", [line]))
        else:
            blocks[-1][1].append(line)
    front = _front_matter(tuple((key, "".join(text)) for key, text in blocks))
    lines = body.split("\n")
    starts: list[tuple[int, str, str | None, str]] = []
    for index, line in enumerate(lines):
        heading = _HEADING.match(line)
        channel = _CHANNEL_NAMES.get(heading.group("name").strip().lower()) if heading else None
        if heading and channel:
            variant = heading.group("variant")
            starts.append((index, channel, variant.strip() if variant else None,
                           heading.group("name").strip()))  # fmt: skip
    first = starts[0][0] if starts else len(lines)
    sections = []
    for n, (index, channel, variant, name) in enumerate(starts):
        end = starts[n + 1][0] if n + 1 < len(starts) else len(lines)
        sections.append(_parse_section(lines[index + 1 : end], channel, variant, name))
    return SpecFile(
        blocks=tuple((key, "".join(text)) for key, text in blocks),
        front=front,
        rationale="\n".join(lines[:first]).strip("\n"),
        sections=tuple(sections),
    )


@functools.lru_cache(maxsize=4096)
def _block(text: str) -> Any:
    return _yaml(text)


def _front_matter(blocks: tuple[tuple[str, str], ...]) -> dict[str, Any]:
    """The front-matter as data, parsed block by block: generated moments share most blocks
    (data, trigger, goals), so each distinct one is parsed once."""
    front: dict[str, Any] = {}
    try:
        for key, text in blocks:
            value = _block(text) if key != "#" else None
            if isinstance(value, dict):
                front.update(value)
    except yaml.YAMLError:
        value = _yaml("".join(text for _key, text in blocks))
        return value if isinstance(value, dict) else {}
    return front


def _parse_section(lines: list[str], channel: str, variant: str | None, name: str) -> Section:
    index = 0
    while index < len(lines) and not lines[index].strip():
        index += 1
    fields: list[tuple[str, str]] = []
    while index < len(lines):
        match = _FIELD.match(lines[index])
        if not match or match.group("name").lower() not in _FIELD_NAMES:
            break
        fields.append((match.group("name"), match.group("value").strip()))
        index += 1
    body = "\n".join(lines[index:]).strip("\n")
    return Section(channel, variant, name, tuple(fields), body)


def _sample_text(value: Any) -> str:
    if isinstance(value, (list, dict)) or value is None:
        return ""
    return str(value)


def _example_values(data: Mapping[str, Any]) -> dict[str, str]:
    """Variable to its example as printed, for the variables that give one."""
    return {
        str(name): _sample_text(d.get("example"))
        for name, d in data.items()
        if isinstance(d, dict) and "example" in d
    }


def load_examples(source: Path, locales: Sequence[str]) -> list[Example]:
    """The example moments of ``source`` that have email copy and a file for every locale."""
    moments_dir = source / "moments"
    journey = _yaml((moments_dir / "journey.yml").read_text(encoding="utf-8"))
    default = journey["default_locale"]
    if locales[0] != default:
        raise ValueError(f"the first locale must be the default locale {default!r}")
    examples = []
    for main in sorted(moments_dir.rglob("*.md")):
        stem = main.name[: -len(".md")]
        if "." in stem or main.name.lower() in ("index.md", "readme.md"):
            continue
        files = {default: parse_spec(main.read_text(encoding="utf-8"))}
        for locale in locales[1:]:
            translation = main.with_name(f"{stem}.{locale}.md")
            if translation.is_file():
                files[locale] = parse_spec(translation.read_text(encoding="utf-8"))
        spec = files[default]
        if len(files) < len(locales) or spec.section("email") is None:
            continue
        samples = _example_values(spec.front.get("data") or {})
        examples.append(Example(
            id=stem,
            phase=str(spec.front["phase"]),
            tone=str(spec.front["tone"]),
            files=files,
            # a translation may give its own examples (dates and prices in its language)
            samples={loc: {**samples, **_example_values(f.front.get("data") or {})}
                     for loc, f in files.items()},
        ))  # fmt: skip
    if not examples:
        raise ValueError(f"no example moment in {moments_dir} has email copy in {list(locales)}")
    return examples


# --- text helpers -----------------------------------------------------------------------------------
def sentences(text: str) -> list[str]:
    """``text`` split into sentences (a full stop before a capital letter ends one)."""
    return [s for s in _SENTENCE_END.split(text.strip()) if s]


def approx_render(text: str, samples: Mapping[str, str]) -> str:
    """``text`` as the preview prints it, roughly: variables by their example, tags removed.

    Both branches of an ``if`` stay, so lengths are an upper bound.
    """
    text = _STMT.sub("", text)
    return _VAR.sub(lambda m: samples.get(m.group(1).split(".")[0], m.group(1)), text)


def _is_prose(block: str) -> bool:
    """A one-line paragraph of whole sentences: safe to re-order and extend."""
    return (
        "\n" not in block
        and bool(block)
        and block[0].isalpha()
        and block.rstrip()[-1:] in ".?!"
        and "{%" not in block
        and not _FIELD.match(block)
    )


def _plain_sentence(sentence: str) -> bool:
    return (
        re.search(r"[{}\[\]|*`#<>]", sentence) is None
        and sentence[:1].isupper()
        and sentence[-1:] in ".?"
        and len(sentence.split()) >= 4
    )


def _words(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text)]


@dataclass
class Pools:
    """Variable-free sentences from every example's copy, by locale, that fit a tone."""

    tones: Mapping[str, Mapping[str, Any]]
    by_locale: dict[str, list[str]] = field(default_factory=dict)
    _fits: dict[tuple[str, str], list[str]] = field(default_factory=dict)

    def add(self, locale: str, text: str) -> None:
        """Collect the plain sentences of ``text``."""
        pool = self.by_locale.setdefault(locale, [])
        for sentence in sentences(text):
            if _plain_sentence(sentence) and sentence not in pool:
                pool.append(sentence)

    def lix_ranges(self, tone: str) -> Mapping[str, Sequence[int]]:
        """Channel to the LIX range of ``tone``."""
        rules = (self.tones.get(tone) or {}).get("rules") or {}
        return {str(k): v for k, v in (rules.get("lix") or {}).items()}

    def fitting(self, locale: str, tone: str) -> list[str]:
        """Sentences that keep a section valid under ``tone``: not too long, no banned word,
        no exclamation or we-word (so the you/we ratio can only improve)."""
        key = (locale, tone)
        if key not in self._fits:
            rules = (self.tones.get(tone) or {}).get("rules") or {}
            max_words = int(rules.get("max_sentence_words") or 25)
            banned = [str(b).lower() for b in (rules.get("banned_words") or {})]
            we_words = WE_WORDS[rule_language(language_of(locale))]
            self._fits[key] = [
                s for s in self.by_locale.get(locale, [])
                if len(s.split()) <= max_words - 2  # numbers may grow a word
                and "!" not in s
                and not we_words.intersection(_words(s))
                and not any(re.search(rf"\b{re.escape(b)}\b", s.lower()) for b in banned)
            ]  # fmt: skip
        return self._fits[key]


def build_pools(examples: Iterable[Example], tones: Mapping[str, Mapping[str, Any]]) -> Pools:
    """Collect the filler sentences of every example's copy."""
    pools = Pools(tones)
    for example in examples:
        for locale, spec in example.files.items():
            for section in spec.sections:
                for block in section.body.split("\n\n"):
                    if _is_prose(block):
                        pools.add(locale, block)
    return pools


def _nudge_numbers(sentence: str, rng: random.Random) -> str:
    delta = rng.randint(1, 5)
    return _NUMBER.sub(lambda m: str(int(m.group(0)) + delta), sentence)


def _filler(pool: Sequence[str], rng: random.Random, used: set[str] | None = None) -> str:
    """A sentence of ``pool`` not in ``used`` (when possible), with its numbers nudged."""
    choice = rng.choice(pool)
    if used is not None:
        for _ in range(5):
            if choice not in used:
                break
            choice = rng.choice(pool)
        used.add(choice)
    return _nudge_numbers(choice, rng)


# --- what each example offers, computed once --------------------------------------------------------
@dataclass(frozen=True)
class Material:
    """One example in one locale, with everything the variation draws from."""

    locale: str
    spec: SpecFile
    samples: Mapping[str, str]
    fillers: tuple[str, ...]  # sentences from every example's copy that fit the tone
    sms_fillers: tuple[str, ...]  # the GSM-7 ones
    sms_lix: tuple[int, int] | None
    own: tuple[str, ...]  # plain, we-free sentences of the email, for a built SMS
    greeting: str | None  # "Hej{% if first_name %} {{ first_name }}{% endif %}"
    button: str | None  # "Label: {{ url }}", the email's button as an SMS link
    push: Section  # the push section; built ones get their body per moment
    push_bodies: tuple[str, ...]  # bodies for a built push; empty when the example has one

    def reads_right(self, text: str) -> bool:
        """True when the tone's SMS LIX range accepts ``text`` with sample data (texts under
        10 words are not judged, as in the tone check)."""
        return _lix_fits(approx_render(text, self.samples), self.locale, self.sms_lix)


def _lix_fits(text: str, locale: str, bounds: Sequence[int] | None) -> bool:
    if not bounds:
        return True
    words, score = _lix_words_and_score(text, locale)
    return words < 10 or bounds[0] <= score <= bounds[1]


def _we_free(sentence: str, locale: str) -> bool:
    return not WE_WORDS[rule_language(language_of(locale))].intersection(_words(sentence))


def _email_sentences(email: Section, locale: str) -> list[str]:
    """Plain sentences of the preheader and prose paragraphs without we-words."""
    found = []
    preheader = email.field("preheader")
    if preheader and "{%" not in preheader:
        found.extend(sentences(preheader))
    for block in email.body.split("\n\n"):
        if _is_prose(block):
            found.extend(s for s in sentences(block) if "[" not in s and "*" not in s)
    return [s for s in found if _we_free(s, locale)]


def _greeting(email: Section) -> str | None:
    for line in email.body.split("\n"):
        if "{% if first_name %}" in line and len(line) < 60 and line[:1].isalpha():
            return line.rstrip(",.")
    return None


def _visible(text: str, samples: Mapping[str, str]) -> int:
    return len(approx_render(text, samples).replace("**", ""))


def _push(spec: SpecFile, email: Section, own: Sequence[str], samples: Mapping[str, str],
          locale: str, lix_ranges: Mapping[str, Sequence[int]],
          fillers: Sequence[str]) -> tuple[Section, tuple[str, ...]]:  # fmt: skip
    """The example's push as is; else its in-app message or its email made into one."""
    existing = spec.section("push")
    if existing is not None:
        return existing, ()
    in_app = spec.section("in-app")
    headline = next((line[4:].strip() for line in email.body.split("\n")
                     if line.startswith("### ")), None)  # fmt: skip
    titles = [in_app.field("title") if in_app else None, email.field("subject"), headline]
    title = next((t for t in titles if t and _visible(t, samples) <= PUSH_TITLE_MAX),
                 str(spec.front.get("title", "Lunden")))  # fmt: skip
    texts = [*([in_app.body] if in_app and "\n" not in in_app.body else []), *own]
    bodies = [
        s for text in texts for s in dict.fromkeys([text, *sentences(text)])
        if "{%" not in s and "[" not in s and _we_free(s, locale)
        and 15 <= _visible(s, samples) <= PUSH_BODY_MAX
        and _lix_fits(approx_render(s, samples), locale, lix_ranges.get("push"))
    ]  # fmt: skip
    if not bodies:
        bodies = [s for s in fillers if len(s) <= PUSH_BODY_MAX] or [title]
    fields = [("Title", title)]
    link = in_app.field("link") if in_app else None
    if link:
        fields.append(("Link", link))
    return Section("push", None, "Push", tuple(fields), ""), tuple(bodies)


def material(example: Example, locale: str, pools: Pools) -> Material:
    """What ``example`` offers in ``locale`` to vary from."""
    spec = example.files[locale]
    email = spec.section("email")
    assert email is not None  # load_examples keeps only examples with email copy
    fillers = tuple(pools.fitting(locale, example.tone))
    lix_ranges = pools.lix_ranges(example.tone)
    sms_lix = lix_ranges.get("sms")
    own = tuple(_email_sentences(email, locale))
    button = _BUTTON.search(email.body)
    samples = example.samples[locale]
    push, push_bodies = _push(spec, email, own, samples, locale, lix_ranges, fillers)
    return Material(
        locale=locale,
        spec=spec,
        samples=samples,
        fillers=fillers,
        sms_fillers=tuple(s for s in fillers if _gsm7(s) == s),
        sms_lix=(int(sms_lix[0]), int(sms_lix[1])) if sms_lix else None,
        own=own,
        greeting=_greeting(email),
        button=f"{button.group('label')}: {button.group('href')}" if button else None,
        push=push,
        push_bodies=push_bodies,
    )


# --- varying one moment ---------------------------------------------------------------------------
@functools.lru_cache(maxsize=256)
def _split_email(
    body: str,
) -> tuple[tuple[str, ...], tuple[int, ...], tuple[tuple[str, ...], ...]]:
    """Blocks of ``body``, which of them are prose, and their sentences (cached per body)."""
    blocks = tuple(body.split("\n\n"))
    prose = tuple(i for i, block in enumerate(blocks) if _is_prose(block))
    return blocks, prose, tuple(tuple(sentences(blocks[i])) for i in prose)


def vary_email(section: Section, fillers: Sequence[str], rng: random.Random) -> Section:
    """Shuffle sentences within paragraphs and add one to five filler sentences."""
    split_blocks, prose, split_parts = _split_email(section.body)
    blocks = list(split_blocks)
    parts = {i: list(split_parts[n]) for n, i in enumerate(prose)}
    used = {s for sents in parts.values() for s in sents}
    for i in prose:
        if len(parts[i]) > 1 and rng.random() < 0.5:
            rng.shuffle(parts[i])
    if fillers:
        for _ in range(rng.randint(1, 3)):
            if prose:
                target = parts[rng.choice(prose)]
                target.insert(rng.randint(1, len(target)), _filler(fillers, rng, used))
        if rng.random() < 0.4 or not prose:
            # a new paragraph of one or two sentences, before the last block (often the footer)
            new = " ".join(_filler(fillers, rng, used) for _ in range(rng.randint(1, 2)))
            at = rng.randint(1, max(1, len(blocks) - 1))
            blocks.insert(at, new)
            parts = {(i + 1 if i >= at else i): s for i, s in parts.items()}
    for i, sents in parts.items():
        blocks[i] = " ".join(sents)
    return replace(section, body="\n\n".join(blocks))


def _fit_sms(parts: list[str], samples: Mapping[str, str]) -> str:
    text = " ".join(parts)
    while len(parts) > 2 and len(approx_render(text, samples)) > SMS_BUDGET:
        del parts[-2]  # keep the greeting and the link
        text = " ".join(parts)
    return _gsm7(text)


def vary_sms(m: Material, rng: random.Random) -> Section:
    """The example's SMS with a filler sentence, or one built from its email copy."""
    existing = m.spec.section("sms")
    if existing is not None:
        body = existing.body
        if "{%" not in body and m.sms_fillers and rng.random() < 0.7:
            parts = sentences(body)
            # only after a full stop: a filler after a closing URL would run into it
            after = [i + 1 for i, p in enumerate(parts) if p[-1:] in ".?!"]
            parts.insert(rng.choice(after or [0]), _filler(m.sms_fillers, rng))
            candidate = " ".join(parts)
            if len(approx_render(candidate, m.samples)) <= SMS_BUDGET and m.reads_right(candidate):
                body = candidate
        return replace(existing, body=body)
    own = list(m.own)
    text = ""
    for _ in range(20):  # a few draws until LIX is in the tone's range
        rng.shuffle(own)
        parts = [m.greeting + "."] if m.greeting else []
        parts.extend(own[: rng.randint(1, 3)])
        if m.button:
            parts.append(m.button)
        text = _fit_sms(parts, m.samples)
        if m.reads_right(text):
            break
    return Section("sms", None, "SMS", (), text)


def vary_push(m: Material, rng: random.Random) -> Section:
    """The example's push, or a built one with a body drawn for this moment."""
    if not m.push_bodies:
        return m.push
    return replace(m.push, body=rng.choice(m.push_bodies))


def _flow(mapping: Mapping[str, Any]) -> str:
    def scalar(value: Any) -> str:
        text = str(value)
        return text if re.fullmatch(r"[\w.]+", text) else json.dumps(text, ensure_ascii=False)

    return "{" + ", ".join(f"{k}: {scalar(v)}" for k, v in mapping.items()) + "}"


def _kpis(kpis: Sequence[Mapping[str, Any]], metrics: Mapping[str, Any],
          rng: random.Random) -> str:  # fmt: skip
    lines = ["kpis:"]
    for kpi in kpis:
        kpi = dict(kpi)
        unit = (metrics.get(str(kpi.get("metric"))) or {}).get("unit")
        if unit == "rate":
            # scaling both down keeps them inside 0..1 and keeps the target the better one
            factor = rng.uniform(0.8, 1.0)
            baseline = round(float(kpi["baseline"]) * factor, 4)
            target = round(float(kpi["target"]) * factor, 4)
            if baseline != target:
                kpi["baseline"], kpi["target"] = baseline, target
        lines.append(f"  - {_flow(kpi)}")
    return "\n".join(lines) + "\n"


def main_front(spec: SpecFile, number: int, channels: Sequence[str],
               locales: Sequence[str], metrics: Mapping[str, Any], rng: random.Random) -> str:  # fmt: skip
    """The main file's front-matter: the example's, with id-specific and varied keys."""
    used = set(channels)
    fallback = [
        f for f in spec.front.get("fallback") or []
        if str(f.get("when", "")).split(".")[0] in used and f.get("then") in used
    ]  # fmt: skip
    title = f"{spec.front['title']} {number}"
    replaced = {
        "title": f"title: {json.dumps(title, ensure_ascii=False)}\n",
        "channels": f"channels: [{', '.join(channels)}]\n",
        "fallback": "fallback:\n" + "".join(f"  - {_flow(f)}\n" for f in fallback)
        if fallback
        else "",
        "locales": f"locales: [{', '.join(locales)}]\n",
        "priority": f"priority: {{impact: {rng.randint(1, 5)}, effort: {rng.randint(1, 5)}}}\n",
        "kpis": _kpis(spec.front.get("kpis") or [], metrics, rng),
    }
    out = []
    for key, text in spec.blocks:
        out.append(replaced.pop(key, text))
    out.extend(v for k, v in replaced.items() if k in ("locales", "channels"))
    return "".join(out)


def translation_front(spec: SpecFile, number: int) -> str:
    """A translation's front-matter with the numbered title."""
    out = []
    for key, text in spec.blocks:
        if key == "title" and "title" in spec.front:
            title = f"{spec.front['title']} {number}"
            text = f"title: {json.dumps(title, ensure_ascii=False)}\n"
        out.append(text)
    return "".join(out)


def _rationale(text: str, rng: random.Random) -> str:
    """The rationale with its ``###`` parts in a new order."""
    parts = re.split(r"\n(?=### )", text)
    head, rest = (parts[0], parts[1:]) if not parts[0].startswith("### ") else ("", parts)
    rng.shuffle(rest)
    return "\n".join(p.strip("\n") + "\n" for p in ([head] if head else []) + rest).strip("\n")


def vary_file(m: Material, rng: random.Random) -> list[Section]:
    """The email, SMS and push sections of one locale, varied."""
    emails = [vary_email(s, m.fillers, rng) for s in m.spec.sections if s.channel == "email"]
    return [*emails, vary_sms(m, rng), vary_push(m, rng)]


def _channel_order(spec: SpecFile) -> list[str]:
    declared = [str(c) for c in spec.front.get("channels") or [] if c in CHANNELS]
    return declared + [c for c in CHANNELS if c not in declared]


def _file_text(front: str, rationale: str, sections: Sequence[Section]) -> str:
    body = "\n".join(s.render() for s in sections)
    middle = f"\n{rationale}\n\n" if rationale else "\n"
    return f"---\n{front}---\n{middle}{body}"


@dataclass(frozen=True)
class GeneratedMoment:
    """One generated moment: its id, folder and file texts by locale."""

    id: str
    folder: str
    files: Mapping[str, str]


def make_moment(index: int, examples: Sequence[Example],
                materials: Mapping[tuple[str, str], Material], locales: Sequence[str],
                metrics: Mapping[str, Any], seed: int, width: int,
                attempt: int = 0) -> GeneratedMoment:  # fmt: skip
    """Moment number ``index`` (from 0): deterministic for ``seed``, independent of the others."""
    example = examples[index % len(examples)]
    rng = random.Random(f"{seed}:{index}:{attempt}")
    number = index + 1
    mid = f"{example.id}-{number:0{width}d}"
    main = example.files[locales[0]]
    files = {}
    rationale = _rationale(main.rationale, rng)
    for locale in locales:
        m = materials[(example.id, locale)]
        sections = vary_file(m, rng)
        if locale == locales[0]:
            front = main_front(m.spec, number, _channel_order(main), locales, metrics, rng)
            files[locale] = _file_text(front, rationale, sections)
        else:
            files[locale] = _file_text(translation_front(m.spec, number), "", sections)
    return GeneratedMoment(mid, example.phase, files)


def _copy_of(text: str) -> str:
    """The copy sections of a file (what must differ between moments)."""
    return text[text.find("\n## ") :]


def mkdocs_config(source: Path, site_name: str, plugins: list[Any] | None = None) -> str:
    """``source``'s mkdocs.yml with a minimal nav; generated pages stay out of it."""
    config = _yaml((source / "mkdocs.yml").read_text(encoding="utf-8"))
    config["site_name"] = site_name
    config["nav"] = [{"Home": "index.md"}]
    config["not_in_nav"] = "/moments/*.md"
    if plugins is not None:
        config["plugins"] = plugins
    return yaml.safe_dump(config, sort_keys=False, allow_unicode=True, width=100)


def _prepare(root: Path, overwrite: bool) -> None:
    for name in ("moments", "docs", "templates"):
        folder = root / name
        if folder.exists() and any(folder.iterdir()):
            if not overwrite:
                raise FileExistsError(f"{folder} is not empty (pass overwrite=True to replace it)")
            shutil.rmtree(folder)
    root.mkdir(parents=True, exist_ok=True)


def generate(root: Path, n: int, *, locales: Sequence[str] = ("da", "en"), seed: int = 0,
             source: Path = REPO, overwrite: bool = False) -> Path:  # fmt: skip
    """Write a synthetic micromoments project with ``n`` moments into ``root``; return ``root``.

    ``locales[0]`` must be the default locale of ``source``'s journey.yml; each further locale
    gets a translation file per moment. The same ``seed`` gives byte-identical files.
    """
    if n < 0:
        raise ValueError("n must be >= 0")
    locales = list(locales)
    _prepare(root, overwrite)
    examples = load_examples(source, locales)
    tones_text = (source / "moments" / "tones.yml").read_text(encoding="utf-8")
    journey = _yaml((source / "moments" / "journey.yml").read_text(encoding="utf-8"))
    pools = build_pools(examples, _yaml(tones_text))
    moments_dir = root / "moments"
    moments_dir.mkdir()
    journey["locales"] = {loc: journey["locales"][loc] for loc in locales}
    (moments_dir / "journey.yml").write_text(
        yaml.safe_dump(journey, sort_keys=False, allow_unicode=True, width=100), encoding="utf-8"
    )
    (moments_dir / "tones.yml").write_text(tones_text, encoding="utf-8")
    if (source / "templates").is_dir():
        shutil.copytree(source / "templates", root / "templates")
    (root / "docs").mkdir()
    (root / "docs" / "index.md").write_text(
        f"# Synthetic catalog\n\n{n:,} generated moments in {', '.join(locales)}, derived from "
        "the example moments for the benchmark (`python -m bench.generate`).\n",
        encoding="utf-8",
    )
    (root / "mkdocs.yml").write_text(
        mkdocs_config(source, f"Benchmark catalog ({n:,} moments)"), encoding="utf-8"
    )
    width = max(4, len(str(n)))
    metrics = journey.get("metrics") or {}
    materials = {(e.id, loc): material(e, loc, pools) for e in examples for loc in locales}
    seen: set[str] = set()
    folders: set[str] = set()
    for index in range(n):
        for attempt in range(50):  # a rare draw repeats an earlier moment's copy: draw again
            moment = make_moment(index, examples, materials, locales, metrics, seed, width,
                                 attempt)  # fmt: skip
            digest = hashlib.sha1(_copy_of(moment.files[locales[0]]).encode()).hexdigest()
            if digest not in seen:
                break
        seen.add(digest)
        folder = moments_dir / moment.folder
        if moment.folder not in folders:
            folder.mkdir(exist_ok=True)
            folders.add(moment.folder)
        for locale, text in moment.files.items():
            name = f"{moment.id}.md" if locale == locales[0] else f"{moment.id}.{locale}.md"
            (folder / name).write_text(text, encoding="utf-8")
    return root


# --- the plain mkdocs-material baseline -----------------------------------------------------------
def _plain_copy(body: str, values: Mapping[str, str]) -> str:
    body = _STMT.sub("", body)
    return _VAR.sub(lambda m: values.get(m.group(1).split(".")[0]) or m.group(1), body)


def plain_page(files: Mapping[str, SpecFile]) -> str:
    """A static page with what a moment page shows: facts, rationale and each locale's copy."""
    main = next(iter(files.values()))
    front = main.front
    data = front.get("data") or {}
    values = _example_values(data)
    lines = [f"# {front.get('title', '')}", "", str(front.get("summary", "")), ""]
    lines += ["| | |", "| --- | --- |"]
    for key in ("phase", "status", "owner", "tone", "feeling", "channels", "audiences", "tags"):
        if key in front:
            value = front[key]
            shown = ", ".join(map(str, value)) if isinstance(value, list) else str(value)
            lines.append(f"| {key} | {shown} |")
    trigger = front.get("trigger") or {}
    lines += ["", "## Trigger", "", f"**{trigger.get('event', '')}** from "
              f"{trigger.get('source', '')}, after {trigger.get('delay', '0m')}.", ""]  # fmt: skip
    lines += [f"- {c}" for c in trigger.get("conditions") or []]
    lines += [
        "",
        "## Data",
        "",
        "| Variable | Type | Source | Example |",
        "| --- | --- | --- | --- |",
    ]
    for name, d in data.items():
        d = d or {}
        lines.append(f"| `{name}` | {d.get('type', '')} | {d.get('source', '')} | "
                     f"{values.get(name, '')} |")  # fmt: skip
    lines += ["", "## KPIs", "", "| Metric | Baseline | Target |", "| --- | --- | --- |"]
    lines += [f"| {k.get('metric')} | {k.get('baseline')} | {k.get('target')} |"
              for k in front.get("kpis") or []]  # fmt: skip
    lines += ["", "## Why", "", main.rationale.replace("\n### ", "\n#### "), ""]
    for locale, spec in files.items():
        lines += [f"## Copy ({locale})", ""]
        for section in spec.sections:
            heading = section.name + (f" [{section.variant}]" if section.variant else "")
            lines += [f"### {heading}", ""]
            lines += [f"**{k}:** {_plain_copy(v, values)}  " for k, v in section.fields]
            body = _plain_copy(section.body, values).replace("\n### ", "\n#### ")
            lines += ["", body.replace("### ", "#### ") if body.startswith("### ") else body, ""]
    return "\n".join(lines).rstrip("\n") + "\n"


def generate_plain(root: Path, n: int, *, like: Path, source: Path = REPO,
                   overwrite: bool = False) -> Path:  # fmt: skip
    """Write a plain mkdocs-material project with ``n`` static pages into ``root``.

    Page ``k`` is :func:`plain_page` of the ``k``-th moment (by path) of the generated catalog
    ``like`` (cycling when it has fewer): the same facts, rationale and copy of every locale as
    plain Markdown, so the pages are of the length a moment page is. They are kept out of the
    nav like the catalog's moment pages. Theme, extensions and plugins are ``source``'s, minus
    micromoments.
    """
    _prepare(root, overwrite)
    moments_dir = like / "moments"
    mains: dict[Path, Path] = {}  # file without the .md -> the main file
    translations: dict[Path, dict[str, Path]] = {}
    for path in sorted(moments_dir.rglob("*.md")):
        stem, dot, locale = path.name[: -len(".md")].partition(".")
        if dot:
            translations.setdefault(path.with_name(stem), {})[locale] = path
        else:
            mains[path.with_name(stem)] = path
    if n and not mains:
        raise ValueError(f"{moments_dir} has no moments to mimic")
    journey = _yaml((moments_dir / "journey.yml").read_text(encoding="utf-8")) or {}
    default = str(journey.get("default_locale", "default"))
    config = _yaml((source / "mkdocs.yml").read_text(encoding="utf-8"))
    plugins = [p for p in config.get("plugins") or []
               if not (isinstance(p, dict) and "micromoments" in p) and p != "micromoments"]  # fmt: skip
    (root / "mkdocs.yml").write_text(
        mkdocs_config(source, f"Plain baseline ({n:,} pages)", plugins), encoding="utf-8"
    )
    pages = root / "docs" / "moments"
    pages.mkdir(parents=True)
    (root / "docs" / "index.md").write_text(
        f"# Plain baseline\n\n{n:,} static pages, out of the nav.\n", encoding="utf-8"
    )
    keys = list(mains)
    rendered: dict[Path, str] = {}
    for k in range(n):
        key = keys[k % len(keys)]
        if key not in rendered:
            files = {default: parse_spec(mains[key].read_text(encoding="utf-8"))}
            for locale, path in translations.get(key, {}).items():
                files[locale] = parse_spec(path.read_text(encoding="utf-8"))
            rendered[key] = plain_page(files)
        name = key.name if k < len(keys) else f"{key.name}-{k // len(keys)}"
        (pages / f"{name}.md").write_text(rendered[key], encoding="utf-8")
    return root


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m bench.generate ROOT N``: write a synthetic project and say how long it took."""
    parser = argparse.ArgumentParser(prog="python -m bench.generate", description=__doc__.split(
        "\n\n")[0])  # fmt: skip
    parser.add_argument("root", type=Path)
    parser.add_argument("n", type=int)
    parser.add_argument("--locales", default="da,en", help="comma-separated; the first is default")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--overwrite", action="store_true")
    parser.add_argument("--plain", type=Path, help="also write the plain baseline here")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    generate(args.root, args.n, locales=tuple(args.locales.split(",")), seed=args.seed,
             overwrite=args.overwrite)  # fmt: skip
    took = time.perf_counter() - start
    print(f"{args.n:,} moments in {args.root} ({took:.2f} s)")
    if args.plain:
        start = time.perf_counter()
        generate_plain(args.plain, args.n, like=args.root, overwrite=args.overwrite)
        print(f"{args.n:,} plain pages in {args.plain} ({time.perf_counter() - start:.2f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
