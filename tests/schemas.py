"""The JSON Schemas of docs/, as the tests validate payloads against them (with the formats:
a date-time must be one)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema_rs

DOCS = Path(__file__).resolve().parents[1] / "docs"


def validate_alerts(document: Any) -> None:
    schema = json.loads((DOCS / "webhook-alerts.schema.json").read_text(encoding="utf-8"))
    jsonschema_rs.validator_for(schema, validate_formats=True).validate(document)
