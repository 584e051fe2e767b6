"""The command line: check, new, schema, rules."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import REPO, VALID, Project
from micromoments.cli import main
from micromoments.rules_doc import rules_markdown
from micromoments.schema import SCHEMAS, render_schema


def run(args: list[str], cwd: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    old = Path.cwd()
    os.chdir(cwd)
    try:
        code = main(args)
    finally:
        os.chdir(old)
    out, err = capsys.readouterr()
    return code, out + err


def test_check_clean_project_exits_zero(
    project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    project.moment(VALID)
    code, out = run(["check"], project.root, capsys)
    assert code == 0
    assert out.strip().startswith("All checks passed (1 moment checked).")


def test_check_prints_ruff_style_lines_with_source_and_hint(project: Project, capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    project.moment(VALID.replace("audiences: [private]", "audiences: [private]\nchanels: [email]"))
    code, out = run(["check", "moments/"], project.root, capsys)
    assert code == 1
    lines = out.splitlines()
    assert (
        lines[0]
        == "moments/order-confirmation.md:7:1: MM102 [error] unknown key 'chanels' (did you mean 'channels'?)"
    )
    assert "  7 | chanels: [email]" in lines
    assert "  hint: rename it to 'channels'" in lines
    assert lines[-1] == "Found 1 error in 1 file (1 moment checked)."


def test_check_json(project: Project, capsys: pytest.CaptureFixture[str]) -> None:
    project.moment(VALID.replace("phase: purchase", "phase: purchse"))
    code, out = run(["check", "--format", "json"], project.root, capsys)
    payload = json.loads(out)
    assert code == 1
    assert {k: payload["summary"][k] for k in ("errors", "warnings", "moments", "suppressed")} == {
        "errors": 1,
        "warnings": 0,
        "moments": 1,
        "suppressed": 0,
    }
    d = payload["diagnostics"][0]
    assert (d["rule"], d["name"], d["line"], d["column"]) == ("MM110", "unknown-phase", 4, 8)


def test_strict_fails_on_warnings(project: Project, capsys: pytest.CaptureFixture[str]) -> None:
    project.moment(VALID.replace("email.bounced", "email.bounce"))
    assert run(["check"], project.root, capsys)[0] == 0
    assert run(["check", "--strict"], project.root, capsys)[0] == 1


def test_check_limits_output_to_a_file(
    project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    project.moment(VALID.replace("phase: purchase", "phase: x"), "one")
    project.moment(VALID, "two")
    code, out = run(["check", "moments/two.md"], project.root, capsys)
    assert code == 0 and "one.md" not in out


def test_unknown_rule_in_config_is_a_clean_error(project: Project, capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    project.write(
        "mkdocs.yml", "site_name: x\nplugins:\n  - micromoments:\n      rules: {MM999: off}\n"
    )
    code, out = run(["check"], project.root, capsys)
    assert code == 1 and "MM999" in out and "Traceback" not in out


def test_a_bad_jobs_variable_is_a_clean_error(
    project: Project, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MICROMOMENTS_JOBS", "two")
    code, out = run(["check"], project.root, capsys)
    assert code == 1 and "MICROMOMENTS_JOBS='two'" in out and "Traceback" not in out
    monkeypatch.setenv("MICROMOMENTS_JOBS", "1")
    assert run(["check"], project.root, capsys)[0] == 0


def test_new_scaffolds_a_spec_that_passes_check(project: Project, capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    code, out = run(["new", "order-shipped", "--phase", "deliver", "--channels", "email,sms,push"],
                    project.root, capsys)  # fmt: skip
    assert code == 0, out
    created = project.root / "moments" / "order-shipped.md"
    assert created.is_file()
    code, out = run(["check", "--format", "json"], project.root, capsys)
    payload = json.loads(out)
    assert code == 0
    assert payload["summary"]["errors"] == 0
    problems = {d["rule"] for d in payload["diagnostics"] if d["severity"] != "info"}
    assert problems <= {"MM135"}  # only: no 'en' translation yet


def test_new_refuses_unknown_phase_and_existing_file(project: Project, capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    code, out = run(["new", "x", "--phase", "delivr"], project.root, capsys)
    assert code == 2 and "did you mean 'deliver'" in out
    project.moment(VALID, "x")
    code, out = run(["new", "x", "--phase", "deliver"], project.root, capsys)
    assert code == 1 and "already exists" in out


def test_new_rejects_bad_channel(project: Project, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run(
        ["new", "x", "--phase", "deliver", "--channels", "email,pigeon"], project.root, capsys
    )
    assert code == 2 and "pigeon" in out


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_committed_schemas_are_up_to_date(name: str) -> None:
    committed = (REPO / "schemas" / f"{name}.schema.json").read_text(encoding="utf-8")
    assert committed == render_schema(name), "run `make schemas`"


def test_moment_schema_validates_the_example_front_matter() -> None:
    import jsonschema

    from micromoments.yamlsource import load_yaml

    schema = json.loads(render_schema("moment"))
    front = VALID.split("---\n")[1]
    doc, _ = load_yaml(front)
    assert doc is not None
    jsonschema.validate(doc.data, schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**doc.data, "chanels": []}, schema)


def test_committed_rules_doc_is_up_to_date() -> None:
    committed = (REPO / "docs" / "rules.md").read_text(encoding="utf-8")
    assert committed == rules_markdown(), "run `make docs-rules`"


def test_rules_lists_every_rule_with_examples(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["rules", "--format", "json"])
    rules = json.loads(capsys.readouterr().out)
    assert code == 0 and len(rules) >= 40
    from micromoments.diagnostics import RULES

    for rule in RULES.values():
        assert rule.bad and rule.good, f"{rule.id} needs a bad and a good example for the docs"


def test_console_script_runs_without_traceback(project: Project) -> None:
    project.moment("not a spec")
    result = subprocess.run([sys.executable, "-m", "micromoments.cli", "check"], cwd=project.root,
                            capture_output=True, text=True, timeout=60)  # fmt: skip
    assert result.returncode == 1
    assert "MM003" in result.stdout and "Traceback" not in result.stderr


def test_watch_rechecks_after_an_edit(project: Project) -> None:
    spec = project.moment(VALID)
    proc = subprocess.Popen([sys.executable, "-m", "micromoments.cli", "check", "--watch", "--no-source"],
                            cwd=project.root, stdout=subprocess.PIPE, text=True)  # fmt: skip
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline().startswith("micromoments: checking")
        assert proc.stdout.readline().startswith("All checks passed")
        time.sleep(0.1)
        spec.write_text(VALID.replace("phase: purchase", "phase: purchse"), encoding="utf-8")
        assert proc.stdout.readline().startswith("micromoments: checking")
        assert "MM110" in proc.stdout.readline()
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_suppressed_diagnostics_are_listed_in_json_only(project: Project, capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    text = VALID.replace(
        "Hej {{ first_name }}.\n",
        "<!-- micromoments: ignore MM201 -- fornavn comes from the ESP -->\nHej {{ fornavn }}.\n",
    )
    project.moment(text)
    code, out = run(["check", "--no-source"], project.root, capsys)
    assert code == 0 and "MM201" not in out
    code, out = run(["check", "--format", "json"], project.root, capsys)
    payload = json.loads(out)
    assert payload["summary"]["suppressed"] == 1
    assert payload["suppressed"][0]["rule"] == "MM201"
    assert payload["suppressed"][0]["suppressed"] == "fornavn comes from the ESP"
