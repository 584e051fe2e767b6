"""The benchmark's synthetic catalogs: valid, varied, deterministic; and its small helpers."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
import yaml

from bench.generate import REPO, generate, generate_plain, parse_spec
from bench.serve_latency import add_word, marker_word
from bench.stats import median, p95, percentile, ratio
from micromoments.checks.push import check_push
from micromoments.checks.sms import check_sms
from micromoments.config import ProjectConfig
from micromoments.diagnostics import Report
from micromoments.load.loader import Catalog, load_catalog
from micromoments.model import Channel, Moment
from micromoments.render.fill import Filler, missing_values, sample_values
from micromoments.render.protect import Slots
from micromoments.text.push import PushMessage

N = 20


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate(tmp_path_factory.mktemp("catalog"), N, seed=7)


@pytest.fixture(scope="module")
def catalog(project: Path) -> Catalog:
    return load_catalog(ProjectConfig(root=project))


def files_of(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_the_catalog_checks_without_any_diagnostic(catalog: Catalog) -> None:
    assert [d.format() for d in catalog.report.sorted()] == []
    assert len(catalog.moments) == N
    assert all(m.ok for m in catalog.moments.values())


def test_every_moment_has_email_sms_and_push_in_both_locales(catalog: Catalog) -> None:
    for moment in catalog.moments.values():
        assert moment.spec is not None
        assert {c.value for c in moment.spec.channels} == {"email", "sms", "push"}
        assert set(moment.translations) == {"da", "en"}
        for translation in moment.translations.values():
            channels = {channel for channel, _variant in translation.sections}
            assert channels == {Channel.EMAIL, Channel.SMS, Channel.PUSH}, moment.id


def rendered(moment: Moment, locale: str, body: str, values: str) -> str:
    data = moment.data_in(locale)
    slots = Slots()
    protected = slots.protect(body.strip(), join_lines=True)
    scenario = sample_values(data) if values == "sample" else missing_values(data)
    return Filler(slots.slots, data, scenario).fill(protected.text, escape=False)


@pytest.mark.parametrize("values", ["sample", "missing-data"])
def test_sms_and_push_fit_their_limits_when_rendered(catalog: Catalog, values: str) -> None:
    # `micromoments check` judges SMS and push on rendered text; render them as it does.
    report = Report()
    for moment in catalog.moments.values():
        sms: dict[tuple[str, str | None], str] = {}
        push: dict[tuple[str, str | None], PushMessage] = {}
        for locale in moment.translations:
            sms_section = moment.section(locale, Channel.SMS)
            push_section = moment.section(locale, Channel.PUSH)
            assert sms_section is not None and push_section is not None
            sms[(locale, None)] = rendered(moment, locale, sms_section.body, values)
            push[(locale, None)] = PushMessage(
                title=rendered(moment, locale, push_section.field_value("title"), values),
                body=rendered(moment, locale, push_section.body, values),
            )
        check_sms(moment, sms, {}, report)
        check_push(moment, push, {}, report)
    assert [d.format() for d in report] == []


def test_ids_are_unique_and_numbered(project: Path, catalog: Catalog) -> None:
    mains = [p for p in (project / "moments").rglob("*.md") if p.name.count(".") == 1]
    stems = [p.stem for p in mains]
    assert len(stems) == len(set(stems)) == N
    assert sorted(catalog.moments) == sorted(stems)
    assert sorted(int(s.rsplit("-", 1)[1]) for s in stems) == list(range(1, N + 1))


def email_body(path: Path) -> str:
    section = parse_spec(path.read_text(encoding="utf-8")).section("email")
    assert section is not None
    return section.body


def test_copy_differs_between_moments_and_from_the_examples(project: Path) -> None:
    mains = sorted(p for p in (project / "moments").rglob("*.md") if p.name.count(".") == 1)
    bodies = [email_body(p) for p in mains]
    assert len(set(bodies)) == len(bodies)
    # moments 1 and 11 start from the same example; both differ from it and from each other
    first, eleventh = (next(p for p in mains if p.stem.endswith(f"-{n:04d}")) for n in (1, 11))
    base = first.stem.rsplit("-", 1)[0]
    assert eleventh.stem.rsplit("-", 1)[0] == base
    example = next((REPO / "moments").rglob(f"{base}.md"))
    assert len({email_body(first), email_body(eleventh), email_body(example)}) == 3


def test_the_same_seed_gives_byte_identical_projects(tmp_path: Path) -> None:
    one = files_of(generate(tmp_path / "one", 12, seed=3))
    two = files_of(generate(tmp_path / "two", 12, seed=3))
    other = files_of(generate(tmp_path / "other", 12, seed=4))
    assert one == two
    assert one.keys() == other.keys()
    assert one != other


def test_generate_refuses_to_mix_with_an_existing_catalog(tmp_path: Path) -> None:
    generate(tmp_path, 2)
    with pytest.raises(FileExistsError):
        generate(tmp_path, 3)
    generate(tmp_path, 3, overwrite=True)
    assert len(list((tmp_path / "moments").rglob("*.en.md"))) == 3


def test_the_project_keeps_moment_pages_out_of_the_nav(project: Path) -> None:
    config = yaml.safe_load((project / "mkdocs.yml").read_text(encoding="utf-8"))
    assert config["nav"] == [{"Home": "index.md"}]
    assert config["not_in_nav"] == "/moments/*.md"
    assert any(isinstance(p, dict) and "micromoments" in p for p in config["plugins"])
    journey = yaml.safe_load((project / "moments" / "journey.yml").read_text(encoding="utf-8"))
    assert list(journey["locales"]) == ["da", "en"]


def test_generate_plain_writes_one_page_per_moment_without_the_plugin(
    project: Path, tmp_path: Path
) -> None:
    plain = generate_plain(tmp_path / "plain", N + 5, like=project)
    pages = sorted((plain / "docs" / "moments").glob("*.md"))
    assert len(pages) == N + 5
    config = yaml.safe_load((plain / "mkdocs.yml").read_text(encoding="utf-8"))
    assert not any(isinstance(p, dict) and "micromoments" in p for p in config["plugins"])
    assert config["not_in_nav"] == "/moments/*.md"
    spec = sorted((project / "moments").rglob("*-0001.md"))[0]
    page = (plain / "docs" / "moments" / f"{spec.stem}.md").read_text(encoding="utf-8")
    title = yaml.safe_load(spec.read_text(encoding="utf-8").split("---")[1])["title"]
    assert page.startswith(f"# {title}\n")
    assert "{{" not in page and "{%" not in page
    assert "## Copy (da)" in page and "## Copy (en)" in page
    # about as long as the spec and its translation together
    source = len(spec.read_text(encoding="utf-8")) + len(
        spec.with_name(f"{spec.stem}.en.md").read_text(encoding="utf-8")
    )
    assert 0.5 * source < len(page) < 2 * source


def test_add_word_extends_the_first_email_paragraph() -> None:
    text = (
        "---\ntitle: T\nsummary: S\n---\n\n## SMS\n\nHej.\n\n## Email\n\nSubject: Hej\n\n"
        "### Overskrift\n\nHej{% if first_name %} {{ first_name }}{% endif %}\n\n"
        "Din ordre er modtaget.\n"
    )
    word = marker_word(3)
    assert add_word(text, word).endswith(f"Din ordre er modtaget. {word}.\n")
    assert f"summary: S {word}\n" in add_word(text, word, "summary")
    assert len({marker_word(n) for n in range(1000)}) == 1000


def test_stats_match_the_linear_percentile_definition() -> None:
    values = [5.0, 1.0, 4.0, 2.0, 3.0]
    assert median(values) == 3.0
    assert median([1.0, 2.0, 3.0, 10.0]) == 2.5
    assert p95(values) == pytest.approx(4.8)
    assert percentile(values, 0) == 1.0 and percentile(values, 100) == 5.0
    assert ratio(3.0, 2.0) == 1.5
    assert math.isinf(ratio(1.0, 0.0))
    with pytest.raises(ValueError, match="no values"):
        median([])


def test_memory_of_a_forking_command_counts_shared_pages_once() -> None:
    """A parent that fills 200 MB and forks a child that only reads it: RSS counts the pages in
    both processes, PSS splits them, so the tree's PSS stays near one copy."""
    import sys
    import textwrap

    from bench.plain_site import measure_command

    child = textwrap.dedent(
        """
        import os, time
        block = bytearray(os.urandom(1 << 20)) * 200  # 200 MB, resident
        pid = os.fork()
        if pid == 0:
            time.sleep(1.5)  # reads nothing, writes nothing: every page stays shared
            os._exit(0)
        os.waitpid(pid, 0)
        """
    )
    measured = measure_command([sys.executable, "-c", child])
    assert measured.returncode == 0
    mb = 1 << 20
    assert measured.peak_rss_bytes >= 200 * mb
    assert measured.peak_tree_rss_bytes >= 380 * mb  # both processes count all 200 MB
    assert 190 * mb <= measured.peak_tree_pss_bytes <= 300 * mb  # one copy, plus interpreters


def test_a_catalog_build_reports_where_its_time_went(project: Path, tmp_path: Path) -> None:
    """The plugin's closing log line splits the build into moments and pages; the bench reads it."""
    from bench.plain_site import measure_build
    from bench.run import build_phases

    measured = measure_build(project, site_dir=tmp_path / "site")
    phases = build_phases(measured.log, measured.wall_s)
    assert phases is not None, measured.log[-2000:]
    assert f"{N} moments loaded, rendered and checked in" in measured.log
    assert phases["pages"] > N  # every moment page, plus the overview pages
    assert phases["moments_s"] > 0 and phases["pages_s"] > 0
    spent = phases["moments_s"] + phases["pages_s"] - phases["overlap_s"] + phases["other_s"]
    assert spent <= measured.wall_s + 0.2
    assert 0 <= phases["overlap_s"] <= min(phases["moments_s"], phases["pages_s"])
    assert build_phases("INFO - Documentation built in 1.0 seconds", 1.0) is None
    wrapped = (
        "INFO    -  micromoments: 9 moments loaded, rendered and checked in 2.5 s (4 reused "
        "from the build cache);\n           30 pages written in 1.5 s"
    )  # MkDocs wraps lines
    assert build_phases(wrapped, 5.0) == {"moments_s": 2.5, "pages": 30, "pages_s": 1.5,
                                          "overlap_s": 0.0, "other_s": 1.0, "reused": 4}  # fmt: skip
    overlapping = (
        "INFO    -  micromoments: 9 moments loaded, rendered and checked in 2.5 s; 30 pages "
        "written in 1.5 s,\n           1.2 s of it while moments were being built"
    )
    assert build_phases(overlapping, 5.0) == {"moments_s": 2.5, "pages": 30, "pages_s": 1.5,
                                              "overlap_s": 1.2, "other_s": 2.2, "reused": 0}  # fmt: skip


def test_a_cold_build_moves_old_output_aside_and_the_trash_is_emptied_at_the_end(
    tmp_path: Path,
) -> None:
    from bench.run import _cold, _empty_trash

    project = tmp_path / "catalog-3"
    (project / ".cache" / "micromoments").mkdir(parents=True)
    (project / ".cache" / "micromoments" / "builds.sqlite").write_bytes(b"x")
    (project / "site").mkdir()
    (project / "site" / "index.html").write_text("old")
    (project / "mkdocs.yml").write_text("site_name: x\n")
    _cold(project)
    assert sorted(p.name for p in project.iterdir()) == ["mkdocs.yml"]
    moved = sorted((tmp_path / ".trash").iterdir())
    assert [p.name.rsplit("-", 1)[0] for p in moved] == ["catalog-3-cache", "catalog-3-site"]
    assert (moved[1] / "index.html").read_text() == "old"
    _cold(project)  # nothing left to move: still fine
    _empty_trash(tmp_path)
    assert not (tmp_path / ".trash").exists()
