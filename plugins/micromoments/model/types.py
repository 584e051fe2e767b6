"""Small value types shared by the models."""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import core_schema

_PART = re.compile(r"(\d+)\s*(w|d|h|m|s)")
_WHOLE = re.compile(r"^\s*(?:\d+\s*[wdhms]\s*)+$")
_UNIT_SECONDS = {"w": 604_800, "d": 86_400, "h": 3_600, "m": 60, "s": 1}

DURATION_PATTERN = r"^\s*(?:\d+\s*[wdhms]\s*)+$"
ID_PATTERN = r"^[a-z0-9][a-z0-9_-]*$"


class Duration(str):
    """A duration written as ``90s``, ``15m``, ``24h``, ``2d``, ``1w`` or ``1h30m``."""

    __slots__ = ("seconds",)
    seconds: int

    def __new__(cls, text: str) -> Duration:
        if not _WHOLE.match(text):
            raise ValueError(
                f"{text!r} is not a duration; write a number and a unit: 30s, 15m, 24h, 2d, 1w"
            )
        self = super().__new__(cls, text.strip())
        self.seconds = sum(int(n) * _UNIT_SECONDS[u] for n, u in _PART.findall(text))
        return self

    def describe(self) -> str:
        """Human wording, e.g. ``24 hours`` or ``immediately``."""
        if self.seconds == 0:
            return "immediately"
        names = [("week", 604_800), ("day", 86_400), ("hour", 3_600), ("minute", 60), ("second", 1)]
        rest, parts = self.seconds, []
        for name, size in names:
            n, rest = divmod(rest, size)
            if n:
                parts.append(f"{n} {name}{'s' if n != 1 else ''}")
        return " ".join(parts)

    @classmethod
    def _validate(cls, value: Any) -> Duration:
        if isinstance(value, Duration):
            return value
        if isinstance(value, int) and not isinstance(value, bool) and value == 0:
            return cls("0m")
        if not isinstance(value, str):
            raise ValueError("a duration is text such as 15m, 24h or 2d")
        return cls(value)

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_plain_validator_function(
            cls._validate, serialization=core_schema.to_string_ser_schema()
        )

    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return {"type": "string", "pattern": DURATION_PATTERN, "examples": ["0m", "24h", "2d"]}


Id = Annotated[str, "id"]
