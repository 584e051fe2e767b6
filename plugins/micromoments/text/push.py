"""Push notifications: the APNs and FCM payloads of a message, their size, and visible length.

Both services reject a payload over 4,096 bytes (APNs: the whole JSON payload of a regular
remote notification; FCM: the message's notification and data). Long before that, the lock
screen cuts the text: iOS shows about 50 characters of a title and about 178 of a body (four
lines) on the lock screen; a collapsed Android notification shows one line of each, about 65
characters of title and 55 of body. These visible limits are defaults; a project can change them
through :meth:`PushLimits.from_options`.

The payloads are the smallest realistic ones (title, body, deep link, default sound), so the
size check measures the copy, not the options an app adds.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

from .words import visible_length

MAX_PAYLOAD_BYTES = 4096


@dataclass(frozen=True, slots=True)
class PushMessage:
    """A push notification as rendered with sample data: title, body and an optional deep link."""

    title: str
    body: str
    link: str | None = None


@dataclass(frozen=True, slots=True)
class PushLimits:
    """Visible characters per platform (what shows before the text is cut with an ellipsis)."""

    ios_title: int = 50
    ios_body: int = 178
    android_title: int = 65
    android_body: int = 55

    OPTION_PREFIX = "push_"

    @classmethod
    def from_options(cls, options: Mapping[str, Any]) -> PushLimits:
        """Limits with overrides from options named ``push_ios_title``, ``push_android_body``..."""
        values: dict[str, int] = {}
        for item in fields(cls):
            raw = options.get(cls.OPTION_PREFIX + item.name)
            if isinstance(raw, int) and not isinstance(raw, bool) and raw > 0:
                values[item.name] = raw
        return cls(**values)

    def title_limits(self) -> dict[str, int]:
        """Platform name to its visible title length."""
        return {"iOS": self.ios_title, "Android": self.android_title}

    def body_limits(self) -> dict[str, int]:
        """Platform name to its visible body length."""
        return {"iOS": self.ios_body, "Android": self.android_body}


def apns_payload(message: PushMessage) -> dict[str, Any]:
    """The APNs JSON payload: an ``aps.alert`` with title and body; the link as a custom key."""
    payload: dict[str, Any] = {
        "aps": {"alert": {"title": message.title, "body": message.body}, "sound": "default"}
    }
    if message.link:
        payload["link"] = message.link
    return payload


def fcm_payload(message: PushMessage) -> dict[str, Any]:
    """The FCM HTTP v1 ``message`` (without a target token): notification plus data.link."""
    body: dict[str, Any] = {"notification": {"title": message.title, "body": message.body}}
    if message.link:
        body["data"] = {"link": message.link}
    return {"message": body}


def payload_bytes(payload: Mapping[str, Any]) -> int:
    """Size of ``payload`` as compact UTF-8 JSON, as the services measure it."""
    text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return len(text.encode("utf-8"))


@dataclass(frozen=True, slots=True)
class PushAnalysis:
    """Sizes and visible lengths of one push message."""

    title_length: int
    body_length: int
    apns_bytes: int
    fcm_bytes: int

    def title_over(self, limits: PushLimits) -> dict[str, int]:
        """Platforms whose visible title length the title exceeds, with their limit."""
        return {k: v for k, v in limits.title_limits().items() if self.title_length > v}

    def body_over(self, limits: PushLimits) -> dict[str, int]:
        """Platforms whose visible body length the body exceeds, with their limit."""
        return {k: v for k, v in limits.body_limits().items() if self.body_length > v}

    def payload_over(self, limit: int = MAX_PAYLOAD_BYTES) -> dict[str, int]:
        """Services whose payload limit is exceeded, with the payload size."""
        sizes = {"APNs": self.apns_bytes, "FCM": self.fcm_bytes}
        return {k: v for k, v in sizes.items() if v > limit}


def analyse_push(message: PushMessage) -> PushAnalysis:
    """Visible lengths and payload sizes of ``message``."""
    return PushAnalysis(
        title_length=visible_length(message.title),
        body_length=visible_length(message.body),
        apns_bytes=payload_bytes(apns_payload(message)),
        fcm_bytes=payload_bytes(fcm_payload(message)),
    )
