"""The SMS (MM5xx) and push (MM6xx) checks on real spec files, with positions asserted."""

from __future__ import annotations

import json
from pathlib import Path

from micromoments.checks.push import check_push
from micromoments.checks.sms import check_sms, sms_summary
from micromoments.diagnostics import RULES, Report, Severity
from micromoments.model import Channel, Moment
from micromoments.text.push import (
    MAX_PAYLOAD_BYTES,
    PushLimits,
    PushMessage,
    analyse_push,
    apns_payload,
    fcm_payload,
    payload_bytes,
)
from micromoments.text.sms import analyse_sms
from support_specs import SAMPLE_DATA, moment_file, position_of, write_project


def load_one(tmp_path: Path, text: str, extra: dict[str, str] | None = None) -> Moment:
    catalog = write_project(tmp_path, {"order.md": text, **(extra or {})})
    return catalog.moments["order"]


def diagnostics(report: Report, rule: str) -> list[tuple[str, int, int]]:
    return [(d.path, d.line, d.col) for d in report if d.rule == rule]


# --- SMS -----------------------------------------------------------------------------------------
SMS_COPY = (
    "## SMS\n\nHej {{ first_name }}, tak for din ordre – den er på vej. Følg den: {{ order_url }}"
)
SMS_DATA = {k: SAMPLE_DATA[k] for k in ("first_name", "order_url")}


def test_ucs2_points_at_the_character_in_the_copy(tmp_path: Path) -> None:
    text = moment_file(SMS_COPY, data=SMS_DATA)
    moment = load_one(tmp_path, text)
    rendered = {
        (
            "da",
            None,
        ): "Hej Mette, tak for din ordre – den er på vej. Følg den: https://shop.example/ordre/100234"
    }
    report = Report()
    check_sms(moment, rendered, {}, report)
    assert diagnostics(report, "MM501") == [("moments/order.md", *position_of(text, "–"))]
    found = next(iter(report))
    assert found.severity is Severity.WARNING
    assert "– → -" in found.message
    assert "1 segment(s)" in found.hint


def test_ucs2_from_sample_data_points_at_the_section_heading(tmp_path: Path) -> None:
    text = moment_file("## SMS\n\nHej {{ first_name }}, tak for din ordre.",
                       data={"first_name": {**SAMPLE_DATA["first_name"], "example": "Zoë"}})  # fmt: skip
    moment = load_one(tmp_path, text)
    report = Report()
    check_sms(moment, {("da", None): "Hej Zoë, tak for din ordre."}, {}, report)
    assert diagnostics(report, "MM501") == [("moments/order.md", *position_of(text, "## SMS"))]
    assert "ë → e" in next(iter(report)).message


def test_emoji_are_named_with_remove(tmp_path: Path) -> None:
    text = moment_file("## SMS\n\nTak for din ordre 🎉")
    moment = load_one(tmp_path, text)
    report = Report()
    check_sms(moment, {("da", None): "Tak for din ordre 🎉"}, {}, report)
    assert diagnostics(report, "MM501") == [("moments/order.md", *position_of(text, "🎉"))]
    assert "remove 🎉" in next(iter(report)).message


def test_gsm7_sms_within_budget_passes(tmp_path: Path) -> None:
    text = moment_file("## SMS\n\nTak for din ordre. Følg den her: {{ order_url }}",
                       data={"order_url": SAMPLE_DATA["order_url"]})  # fmt: skip
    moment = load_one(tmp_path, text)
    report = Report()
    check_sms(moment, {("da", None): "Tak for din ordre. Følg den her: https://shop.example/o/1"},
              {}, report)  # fmt: skip
    assert list(report) == []


def test_segments_over_budget_is_an_error_at_the_body(tmp_path: Path) -> None:
    long_text = "Tak for din ordre. " * 20  # 380 characters: 3 GSM-7 segments
    text = moment_file(f"## SMS\n\n{long_text}")
    moment = load_one(tmp_path, text)
    report = Report()
    check_sms(moment, {("da", None): long_text.strip()}, {}, report)
    assert diagnostics(report, "MM502") == [("moments/order.md", *position_of(text, "Tak for"))]
    found = next(iter(report))
    assert found.severity is Severity.ERROR
    assert "3 segments" in found.message and "budget is 2" in found.message

    within = Report()
    check_sms(moment, {("da", None): long_text.strip()}, {"sms_max_segments": 3}, within)
    assert list(within) == []


def test_segment_hint_suggests_swaps_when_they_are_enough(tmp_path: Path) -> None:
    sms = "Tak for din ordre’ " * 6  # UCS-2: 114 units, 2 segments; GSM-7: 1 segment
    text = moment_file(f"## SMS\n\n{sms}")
    moment = load_one(tmp_path, text)
    report = Report()
    check_sms(moment, {("da", None): sms.strip()}, {"sms_max_segments": 1}, report)
    segments = [d for d in report if d.rule == "MM502"]
    assert len(segments) == 1
    assert "swap the characters" in segments[0].hint


def test_variant_and_fallback_locale_use_the_right_section(tmp_path: Path) -> None:
    text = moment_file("## SMS\n\nTak for din ordre.\n\n## SMS [B]\n\nTak – ordren er modtaget.")
    moment = load_one(tmp_path, text)
    report = Report()
    rendered = {("da", "B"): "Tak – ordren er modtaget.", ("en", "B"): "Tak – ordren er modtaget."}
    check_sms(moment, rendered, {}, report)
    # en has no translation: its SMS is the Danish one, so both point at the same place.
    assert set(diagnostics(report, "MM501")) == {("moments/order.md", *position_of(text, "–"))}


def test_configured_severity_applies(tmp_path: Path) -> None:
    text = moment_file("## SMS\n\nTak – ordren er modtaget.")
    moment = load_one(tmp_path, text)
    report = Report(severities={"MM501": Severity.OFF})
    check_sms(moment, {("da", None): "Tak – ordren er modtaget."}, {}, report)
    assert list(report) == []


def test_sms_summary_for_the_catalog_bubble() -> None:
    summary = sms_summary("Tak’")
    assert summary["encoding"] == "UCS-2"
    assert summary["segments"] == 1
    assert summary["characters"] == 4
    assert summary["per_segment"] == 70
    assert summary["forcing"] == [{"index": 3, "char": "’", "swap": "'", "advice": "’ → '"}]
    assert json.dumps(summary)  # JSON-ready for the page
    assert sms_summary("a" * 200)["per_segment"] == 153


# --- push ----------------------------------------------------------------------------------------
def push_moment(tmp_path: Path, title: str, body: str) -> tuple[str, Moment]:
    text = moment_file(f"## Push\nTitle: {title}\nLink: https://shop.example/o/1\n\n{body}",
                       channels=("push",))  # fmt: skip
    return text, load_one(tmp_path, text)


def test_payloads_hold_title_body_and_link() -> None:
    message = PushMessage("Ordre bekræftet", "Tak, Mette.", "https://shop.example/o/1")
    assert apns_payload(message) == {
        "aps": {"alert": {"title": "Ordre bekræftet", "body": "Tak, Mette."}, "sound": "default"},
        "link": "https://shop.example/o/1",
    }
    assert fcm_payload(message) == {
        "message": {
            "notification": {"title": "Ordre bekræftet", "body": "Tak, Mette."},
            "data": {"link": "https://shop.example/o/1"},
        }
    }
    assert "link" not in apns_payload(PushMessage("T", "B"))
    assert "data" not in fcm_payload(PushMessage("T", "B"))["message"]


def test_payload_bytes_count_utf8() -> None:
    ascii_size = payload_bytes({"a": "ae"})
    assert payload_bytes({"a": "æ"}) == ascii_size  # æ is two bytes in UTF-8, like "ae"
    assert payload_bytes({"a": "🎉"}) == ascii_size + 2  # four bytes


def test_push_limits_from_options() -> None:
    limits = PushLimits.from_options({"push_android_body": 90, "push_ios_title": "x"})
    assert limits.android_body == 90
    assert limits.ios_title == 50  # not a number: the default stays
    assert analyse_push(PushMessage("a" * 51, "b")).title_over(limits) == {"iOS": 50}


def test_long_title_warns_at_the_title_field(tmp_path: Path) -> None:
    title = "Din ordre er pakket og sendt fra vores lager i Kolding"  # 54 characters
    text, moment = push_moment(tmp_path, title, "Tak, Mette.")
    report = Report()
    check_push(moment, {("da", None): PushMessage(title, "Tak, Mette.")}, {}, report)
    # The title field's value: its line in the file, its column as the loader records it.
    field = moment.translations["da"].sections[(Channel.PUSH, None)].fields["title"]
    line, _col = position_of(text, "Din ordre")
    assert diagnostics(report, "MM601") == [("moments/order.md", line, field.pos.col)]
    found = next(iter(report))
    assert found.severity is Severity.WARNING
    assert "54 characters" in found.message and "iOS shows about 50" in found.message
    assert "Android" not in found.message


def test_long_body_warns_at_the_body(tmp_path: Path) -> None:
    body = "Vi har pakket din ordre, og GLS afleverer den i morgen mellem klokken 8 og 16."
    text, moment = push_moment(tmp_path, "Din ordre er på vej", body)
    report = Report()
    check_push(moment, {("da", None): PushMessage("Din ordre er på vej", body)}, {}, report)
    assert diagnostics(report, "MM602") == [("moments/order.md", *position_of(text, "Vi har"))]
    assert "Android shows about 55" in next(iter(report)).message
    allowed = Report()
    check_push(moment, {("da", None): PushMessage("Din ordre er på vej", body)},
               {"push_android_body": 100}, allowed)  # fmt: skip
    assert list(allowed) == []


def test_short_push_without_link_passes(tmp_path: Path) -> None:
    _text, moment = push_moment(tmp_path, "Ordre bekræftet", "Tak, Mette. Vi pakker nu.")
    report = Report()
    check_push(moment, {("da", None): PushMessage("Ordre bekræftet", "Tak, Mette. Vi pakker nu.")},
               {}, report)  # fmt: skip
    assert list(report) == []


def test_payload_over_4096_bytes_is_an_error_at_the_heading(tmp_path: Path) -> None:
    body = "Ordrelinje med en vare. " * 180  # about 4,300 bytes
    text, moment = push_moment(tmp_path, "Din ordre", body)
    report = Report()
    check_push(moment, {("da", None): PushMessage("Din ordre", body.strip())}, {}, report)
    assert diagnostics(report, "MM603") == [("moments/order.md", *position_of(text, "## Push"))]
    found = next(d for d in report if d.rule == "MM603")
    assert found.severity is Severity.ERROR
    assert "APNs" in found.message and "FCM" in found.message
    assert f"{MAX_PAYLOAD_BYTES:,}" in found.message
    under = "Ordrelinje med en vare. " * 150  # about 3,600 bytes
    fine = Report()
    check_push(moment, {("da", None): PushMessage("Din ordre", under)}, {}, fine)
    assert diagnostics(fine, "MM603") == []


def test_rule_examples_are_true() -> None:
    """The docs' bad examples break the SMS and push rules; the good ones pass."""
    assert analyse_sms(RULES["MM501"].bad).encoding == "UCS-2"
    assert analyse_sms(RULES["MM501"].good).encoding == "GSM-7"
    limits = PushLimits()
    title = RULES["MM601"].bad.removeprefix("Title: ")
    assert analyse_push(PushMessage(title, "")).title_over(limits)
    good_title = RULES["MM601"].good.removeprefix("Title: ")
    assert not analyse_push(PushMessage(good_title, "")).title_over(limits)
    assert analyse_push(PushMessage("", RULES["MM602"].bad)).body_over(limits)
    assert not analyse_push(PushMessage("", RULES["MM602"].good)).body_over(limits)
