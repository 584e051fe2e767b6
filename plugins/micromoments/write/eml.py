"""The .eml of an email module: a complete MIME message, ready for a test send.

The message carries the sample-data rendering (what a customer would receive), not the merge
tags, so it can go straight to an inbox or an inbox-preview tool. It is deterministic: the
boundary and Message-ID derive from the content, and there is no Date header (the sending
server adds one).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP


@dataclass(frozen=True, slots=True)
class Envelope:
    """Who the message is from and to, and the unsubscribe targets of marketing mail."""

    sender_name: str
    sender_email: str
    to_name: str
    to_email: str
    reply_to: str = ""
    unsubscribe_url: str = ""
    unsubscribe_mailto: str = ""


def build_eml(
    *,
    subject: str,
    text: str,
    html: str,
    envelope: Envelope,
    marketing: bool,
    locale: str,
    moment_id: str,
) -> bytes:
    """multipart/alternative with the plain text first (RFC 2046 5.1.4), then the HTML."""
    digest = hashlib.sha256(
        f"{moment_id}\0{locale}\0{subject}\0{text}\0{html}".encode()
    ).hexdigest()
    message = EmailMessage(policy=SMTP)
    message["Subject"] = subject
    message["From"] = Address(envelope.sender_name, addr_spec=envelope.sender_email)
    message["To"] = Address(envelope.to_name, addr_spec=envelope.to_email)
    if envelope.reply_to:
        message["Reply-To"] = envelope.reply_to
    message["Message-ID"] = f"<{digest[:32]}@{envelope.sender_email.split('@')[-1]}>"
    message["Content-Language"] = locale
    message["X-Micromoments-Moment"] = moment_id
    if marketing:
        targets = [f"<{u}>" for u in (envelope.unsubscribe_url, envelope.unsubscribe_mailto) if u]
        if targets:
            message["List-Unsubscribe"] = ", ".join(targets)
        if envelope.unsubscribe_url:
            message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message.set_content(text, subtype="plain", charset="utf-8", cte="quoted-printable")
    message.add_alternative(html, subtype="html", charset="utf-8", cte="quoted-printable")
    message.set_boundary(f"==mm-{digest[32:56]}==")
    return bytes(message)
