"""The .eml of an email module: a complete MIME message, ready for a test send.

The message carries the sample-data rendering (what a customer would receive), not the merge
tags, so it can go straight to an inbox or an inbox-preview tool. It is deterministic: the
boundary and Message-ID derive from the content, and there is no Date header (the sending
server adds one).

The MIME is written directly rather than through ``email.message``: the structure is fixed
(multipart/alternative, text first), and the standard library's generic machinery cost ~6 ms
per message, more than rendering the email itself. The tests parse every .eml back with the
``email`` package.
"""

from __future__ import annotations

import binascii
import hashlib
from dataclasses import dataclass
from email.header import Header
from email.utils import formataddr

CRLF = "\r\n"


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


def _header(name: str, value: str) -> str:
    """One header line, RFC 2047-encoded when it is not plain ASCII, folded at 78."""
    if value.isascii() and len(name) + len(value) + 2 <= 78:
        return f"{name}: {value}"
    encoded = Header(value, "utf-8" if not value.isascii() else "us-ascii", header_name=name)
    return f"{name}: {encoded.encode(linesep=CRLF)}"


def _address(name: str, address: str) -> str:
    return formataddr((name, address), charset="utf-8")


def _quoted_printable(text: str) -> str:
    lines = text.replace("\r\n", "\n").split("\n")
    encoded = binascii.b2a_qp("\n".join(lines).encode("utf-8"), istext=True).decode("ascii")
    return encoded.replace("\n", CRLF)


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
    boundary = f"==mm-{digest[32:56]}=="
    domain = envelope.sender_email.rsplit("@", 1)[-1]
    headers = [
        _header("Subject", subject),
        f"From: {_address(envelope.sender_name, envelope.sender_email)}",
        f"To: {_address(envelope.to_name, envelope.to_email)}",
    ]
    if envelope.reply_to:
        headers.append(f"Reply-To: {envelope.reply_to}")
    headers += [
        f"Message-ID: <{digest[:32]}@{domain}>",
        f"Content-Language: {locale}",
        f"X-Micromoments-Moment: {moment_id}",
    ]
    if marketing:
        targets = [f"<{u}>" for u in (envelope.unsubscribe_url, envelope.unsubscribe_mailto) if u]
        if targets:
            headers.append(_header("List-Unsubscribe", ", ".join(targets)))
        if envelope.unsubscribe_url:
            headers.append("List-Unsubscribe-Post: List-Unsubscribe=One-Click")
    headers += ["MIME-Version: 1.0", f'Content-Type: multipart/alternative; boundary="{boundary}"']
    parts = []
    for subtype, body in (("plain", text), ("html", html)):
        parts.append(
            f"--{boundary}{CRLF}"
            f'Content-Type: text/{subtype}; charset="utf-8"{CRLF}'
            f"Content-Transfer-Encoding: quoted-printable{CRLF}{CRLF}"
            f"{_quoted_printable(body)}{CRLF}"
        )
    message = CRLF.join(headers) + CRLF + CRLF + "".join(parts) + f"--{boundary}--{CRLF}"
    return message.encode("ascii")
