"""Typed access to the objects of a JSON file, each refusal naming the field by its full
path and an accepted form. Written by hand, not with a validation library, so that a
hundred thousand claims are read in about a second.
"""

from __future__ import annotations

import json
import re
import uuid as uuidlib
from datetime import date, datetime
from typing import Any

from claimtrack.deadlines.days import parse_date
from claimtrack.errors import BadInput
from claimtrack.records import storable
from claimtrack.records.moments import Clock
from claimtrack.records.validation import (
    check_language,
    check_url,
)


def parse_json(text: str, where: str) -> Any:
    """The JSON text of a file, or one line saying where it stops being JSON."""
    if not text.strip():
        raise BadInput(where, "is empty; give a claimtrack document (claimtrack export)")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        if error.pos >= len(text.rstrip()) or error.msg.startswith("Unterminated string"):
            problem = "ends before the JSON document does (is it truncated?)"
        else:
            problem = f"is not JSON: {error.msg} at line {error.lineno} column {error.colno}"
        raise BadInput(
            where, f"{problem}; give a claimtrack document (claimtrack export --format json)"
        ) from None
    except RecursionError:
        raise BadInput(where, "is nested too deep to be a claimtrack document") from None
    if storable.json_may_hold(text):
        storable.check_all(data, where)
    return data


# --- reading ------------------------------------------------------------------------------------


class Fields:
    """Typed access to one JSON object, raising BadInput with the field's full path."""

    __slots__ = ("data", "where")

    def __init__(self, data: Any, where: str) -> None:
        if not isinstance(data, dict):
            raise BadInput(where, f"expected an object {{...}}, found {kind_of(data)}")
        self.data: dict[str, Any] = data
        self.where = where

    def fail(self, key: str, message: str) -> BadInput:
        return BadInput(f"{self.where}: field '{key}'", message)

    def text(self, key: str, *, required: bool = False) -> str | None:
        value = self.data.get(key)
        if value is None:
            if required:
                raise self.fail(key, "is missing; give a string")
            return None
        if not isinstance(value, str):
            raise self.fail(key, f"expected a string, found {kind_of(value)}")
        value = value.strip()
        if required and not value:
            raise self.fail(key, "is empty; give a string")
        return value or None

    def required_text(self, key: str) -> str:
        value = self.text(key, required=True)
        assert value is not None
        return value

    def choice(self, key: str, choices: tuple[str, ...], default: str | None) -> str | None:
        value = self.text(key)
        if value is None:
            return default
        if value not in choices:
            raise self.fail(key, f"'{value}' is not one of {', '.join(choices)}")
        return value

    def day(self, key: str) -> date | None:
        value = self.text(key)
        return None if value is None else parse_date(value, f"{self.where}: field '{key}'")

    def moment(self, key: str) -> datetime | None:
        value = self.text(key)
        if value is None:
            return None
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            moment = None
        if moment is None or moment.tzinfo is None:
            raise self.fail(
                key, f"'{value}' is not a date-time with its offset; e.g. 2024-09-27T18:00:00+00:00"
            )
        return moment

    def past(self, key: str, clock: Clock) -> datetime | None:
        """A moment that has happened: nothing is recorded as done after now."""
        moment = self.moment(key)
        if moment is not None and moment > clock.now:
            raise self.fail(key, f"{moment.isoformat()} is after now ({clock.now.isoformat()})")
        return moment

    def correction(self, key: str, clock: Clock) -> tuple[datetime | None, str | None]:
        """A retraction or removal, ``{"on": moment, "reason": text}``, or (None, None)."""
        raw = self.data.get(key)
        if raw is None:
            return None, None
        inner = Fields(raw, f"{self.where}.{key}")
        on = inner.past("on", clock)
        if on is None:
            raise inner.fail("on", "is missing; e.g. 2025-10-02T09:00:00+00:00")
        return on, inner.required_text("reason")

    def items(self, key: str) -> list[Any]:
        value = self.data.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            raise self.fail(key, f"expected a list [...], found {kind_of(value)}")
        return value

    def strings(self, key: str) -> list[str]:
        values = []
        for index, item in enumerate(self.items(key)):
            if not isinstance(item, str) or not item.strip():
                raise self.fail(f"{key}[{index}]", f"expected a non-empty string, found {item!r}")
            values.append(item.strip())
        return values

    def url(self, key: str) -> str | None:
        value = self.text(key)
        if value is None:
            return None
        return check_url(value, f"{self.where}: field '{key}'")

    def language(self, key: str, default: str | None) -> str | None:
        value = self.text(key)
        if value is None:
            return default
        return check_language(value, f"{self.where}: field '{key}'")


def kind_of(value: Any) -> str:
    names = {dict: "an object", list: "a list", str: "a string", bool: "true/false"}
    if value is None:
        return "null"
    return names.get(type(value), "a number" if isinstance(value, int | float) else "a value")


_CANONICAL_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def uuid_or_none(value: str) -> str | None:
    """The uuid in its canonical form, or None; exports hold canonical ones (the quick path)."""
    if _CANONICAL_UUID.fullmatch(value):
        return value
    try:
        return str(uuidlib.UUID(value))
    except ValueError:
        return None
