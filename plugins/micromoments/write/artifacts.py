"""The files developers download: per moment, locale (and variant), plus the manifest."""

from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING, Any

from ..checks.sms import sms_summary
from ..context import Context
from ..diagnostics import Severity
from ..model import Moment
from ..render.brand import Brand
from ..render.outputs import Rendition
from ..text.push import PushMessage, apns_payload, fcm_payload
from .eml import Envelope, build_eml

if TYPE_CHECKING:
    from ..build import CatalogBuild, MomentBuild


def _json(value: Any) -> bytes:
    return (json.dumps(value, indent=2, ensure_ascii=False, sort_keys=True) + "\n").encode()


def folder(locale: str, variant: str | None) -> str:
    """``da/`` or ``da/B/``: where one rendition's files go inside the moment's folder."""
    return f"{locale}/" + (f"{variant}/" if variant else "")


def _envelope(brand: Brand, sample: Rendition, marketing: bool) -> Envelope:
    values = {name: d.example for name, d in sample.data.items()}
    to_email = next(
        (str(v) for n, v in values.items() if sample.data[n].type == "email" and v),
        "kunde@example.com",
    )
    first = values.get("first_name") or "Kunde"
    unsubscribe = ""
    if marketing and sample.email is not None:
        unsubscribe = str(values.get("unsubscribe_url") or "")
    return Envelope(
        sender_name=brand.sender.name,
        sender_email=brand.sender.email,
        to_name=str(first),
        to_email=to_email,
        reply_to=brand.reply_to or "",
        unsubscribe_url=unsubscribe,
        unsubscribe_mailto=f"mailto:{brand.sender.email}?subject=unsubscribe" if marketing else "",
    )


def rendition_files(
    moment: Moment, production: Rendition, sample: Rendition, brand: Brand
) -> dict[str, bytes]:
    """The files of one locale/variant: production modules, plus the sample .eml."""
    files: dict[str, bytes] = {}
    if production.email is not None and sample.email is not None:
        email = production.email
        files["email.html"] = email.html.encode()
        files["email.txt"] = email.text.encode()
        files["email.mjml"] = email.mjml.encode()
        marketing = email.kind == "marketing"
        files["email.eml"] = build_eml(
            subject=sample.email.subject,
            text=sample.email.text,
            html=sample.email.html,
            envelope=_envelope(brand, sample, marketing),
            marketing=marketing,
            locale=sample.locale,
            moment_id=moment.id,
        )
    if production.sms is not None:
        files["sms.txt"] = (production.sms.rstrip("\n") + "\n").encode()
    if production.push is not None:
        files["push.json"] = _json(_push(production))
    if production.web is not None:
        files["web.html"] = production.web.html.encode()
    if production.in_app is not None:
        p = production.in_app
        files["in-app.json"] = _json({"title": p.title, "body": p.body, "link": p.link or None})
    return files


def _push(production: Rendition) -> dict[str, Any]:
    assert production.push is not None
    p = production.push
    message = PushMessage(p.title, p.body, p.link or None)
    return {
        "title": p.title,
        "body": p.body,
        "link": p.link or None,
        "apns": apns_payload(message),
        "fcm": fcm_payload(message),
    }


def manifest(
    moment: Moment,
    production: Rendition,
    sample: Rendition,
    files: dict[str, bytes],
    dialect: str,
    ctx: Context,
) -> dict[str, Any]:
    """What a developer needs to wire the module up: contract, trigger, fallbacks, files."""
    spec = moment.spec
    assert spec is not None
    variables = {}
    for name, d in sorted(production.data.items()):
        variables[name] = {
            "type": d.type,
            "source": d.source,
            "required": d.required,
            "fallback": d.fallback,
            "description": d.description,
            "example": d.example,
            **(
                {
                    "items": {
                        k: {"type": v.type, "source": v.source, "fallback": v.fallback}
                        for k, v in d.children().items()
                    }
                }
                if d.children()
                else {}
            ),
            **({"merge_tag": d.merge_tags[dialect]} if dialect in d.merge_tags else {}),
        }
    body: dict[str, Any] = {
        "moment": moment.id,
        "title": moment.title_in(production.locale),
        "locale": production.locale,
        "direction": production.direction,
        "variant": production.variant,
        "dialect": dialect,
        "status": spec.status.value,
        "phase": spec.phase,
        "tone": spec.tone,
        "channels": [c.value for c in spec.channels],
        "trigger": {
            "event": spec.trigger.event,
            "source": spec.trigger.source,
            "delay": str(spec.trigger.delay),
            "delay_seconds": spec.trigger.delay.seconds,
            "conditions": spec.trigger.conditions,
        },
        "fallback": [
            {
                "when": s.when,
                "after": str(s.after) if s.after else None,
                "after_seconds": s.after.seconds if s.after else 0,
                "then": s.then.value,
            }
            for s in spec.fallback
        ],
        "variables": variables,
        "borrowed_from_default_locale": list(production.borrowed),
        "files": {
            name: {"sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}
            for name, data in sorted(files.items())
        },
    }
    if production.email is not None and sample.email is not None:
        body["email"] = {
            "subject": production.email.subject,
            "preheader": production.email.preheader,
            "template": production.email.template,
            "kind": production.email.kind,
            "sample_subject": sample.email.subject,
            "html_bytes_sample": len(sample.email.html.encode()),
        }
    if sample.sms is not None:
        body["sms"] = {"text": production.sms, **sms_summary(sample.sms)}
    if production.push is not None:
        body["push"] = {
            "title": production.push.title,
            "body": production.push.body,
            "link": production.push.link or None,
        }
    return body


def moment_artifacts(
    built: MomentBuild, brand: Brand, dialect: str, ctx: Context
) -> dict[str, bytes]:
    """Every file of one moment, keyed by its path inside the moment's folder."""
    files: dict[str, bytes] = {}
    moment = built.moment
    for (locale, variant), production in sorted(
        built.production.items(), key=lambda i: (i[0][0], i[0][1] or "")
    ):
        sample = built.previews[(locale, variant, "sample")]
        these = rendition_files(moment, production, sample, brand)
        base = folder(locale, variant)
        checks = [d.to_json() for d in built.diagnostics if d.moment == moment.id]
        info = manifest(moment, production, sample, these, dialect, ctx)
        info["checks"] = {
            "errors": sum(1 for d in checks if d["severity"] == "error"),
            "warnings": sum(1 for d in checks if d["severity"] == "warning"),
            "diagnostics": checks,
        }
        these["manifest.json"] = _json(info)
        files.update({base + name: data for name, data in these.items()})
    return files


def catalog_json(result: CatalogBuild, *, remember: bool = False) -> bytes:
    """An index of every moment for tools: metadata, files and check counts.

    The same bytes as ``json.dumps(index, indent=2, sort_keys=True)``, put together from one
    text per moment. With ``remember`` (when builds are cached and reused, as while serving),
    each moment's text is kept on its build, so an edit re-encodes one moment, not all of them.
    """
    entries = []
    for moment in result.catalog.ordered():
        built = result.moments.get(moment.id)
        text = (built and built.index_text) or index_text(moment, built)
        if remember and built is not None:
            built.index_text = text
        entries.append(text)
    dialect = json.dumps(result.dialect, ensure_ascii=False)
    listing = "[\n" + ",\n".join(entries) + "\n  ]" if entries else "[]"
    return f'{{\n  "dialect": {dialect},\n  "moments": {listing}\n}}\n'.encode()


def index_text(moment: Moment, built: MomentBuild | None) -> str:
    """One moment's entry in catalog.json, indented to its place in the list."""
    spec = moment.spec
    diagnostics = built.diagnostics if built else []
    entry = {
        "id": moment.id,
        "path": moment.path,
        "title": moment.title,
        "summary": spec.summary if spec else "",
        "phase": spec.phase if spec else None,
        "status": spec.status.value if spec else None,
        "channels": [c.value for c in spec.channels] if spec else [],
        "tone": spec.tone if spec else None,
        "audiences": spec.audiences if spec else [],
        "tags": spec.tags if spec else [],
        "owner": spec.owner if spec else "",
        "locales": moment.locale_ids(),
        "missing_locales": moment.missing_locales,
        "trigger": {"event": spec.trigger.event, "source": spec.trigger.source} if spec else None,
        "kpis": [k.model_dump(mode="json") for k in spec.kpis] if spec else [],
        "files": sorted(built.sizes) if built else [],
        "errors": sum(1 for d in diagnostics if d.severity is Severity.ERROR),
        "warnings": sum(1 for d in diagnostics if d.severity is Severity.WARNING),
    }
    text = json.dumps(entry, indent=2, ensure_ascii=False, sort_keys=True)
    return "    " + text.replace("\n", "\n    ")
