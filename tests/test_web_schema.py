"""The API holds to its OpenAPI description, as schemathesis checks it: in-process against
the application, with the write token, every check, on both databases.

Each operation gets a bounded number of generated requests, valid and invalid ones, from a
fixed seed, so that a run is repeatable and the suite stays short; CLAIMTRACK_TEST_EXAMPLES
raises the number for a longer hunt. (schemathesis's own pytest loader, from_fixture, does
not run under pytest 9, so the test drives its Hypothesis strategies itself.)
"""

from __future__ import annotations

import os
from dataclasses import replace

import pytest
import schemathesis
from hypothesis import HealthCheck, given, seed, settings
from schemathesis.generation.modes import GenerationMode

from claimtrack.web.app import create_app
from tests.conftest import TOKEN

EXAMPLES = int(os.environ.get("CLAIMTRACK_TEST_EXAMPLES", "20"))
AUTH = {"Authorization": f"Bearer {TOKEN}"}


def operations(app):
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    return [result.ok() for result in schema.get_all_operations()]


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_every_operation_answers_as_described(site, seeded, mode):
    app = create_app(replace(site, token=TOKEN))
    checked = []
    for operation in operations(app):

        @seed(20261202)
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            database=None,
        )
        @given(case=operation.as_strategy(generation_mode=mode))
        def answers_as_described(case):
            case.call_and_validate(headers={**AUTH, **(case.headers or {})})

        answers_as_described()
        checked.append(operation.label)
    assert len(checked) == 10  # every operation of the API, the writes among them
