"""What a write request must pass before the tracker reads its body: the token, then a size.

A client without the token cannot make the server take a large body into memory; with it, a
body over the limit is 413 and a field over its length 422; nothing is written on any of
them. An error the application did not expect is a 500 with the security headers, never a
traceback.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import replace

import pytest
from fastapi.testclient import TestClient

from claimtrack.config import Config, Web
from claimtrack.records import reading
from claimtrack.web.app import create_app
from tests.conftest import TOKEN, dump

AUTH = {"Authorization": f"Bearer {TOKEN}"}
CLAIM = {"text": "La mission se terminera.", "claimants": ["Gouvernement"], "language": "fr"}


def post_counting_reads(app, path: str, chunks: list[bytes], headers: dict[str, str]):
    """POST ``chunks`` straight to the ASGI application; return the status answered, the
    body, and how many chunks the application asked for."""
    asked = 0
    answer: dict = {}

    async def receive():
        nonlocal asked
        asked += 1
        if asked > len(chunks):
            return {"type": "http.disconnect"}
        return {"type": "http.request", "body": chunks[asked - 1], "more_body": asked < len(chunks)}

    async def send(message):
        if message["type"] == "http.response.start":
            answer["status"] = message["status"]
            answer["headers"] = {k.decode(): v.decode() for k, v in message["headers"]}
        elif message["type"] == "http.response.body":
            answer["body"] = answer.get("body", b"") + message.get("body", b"")

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
        "client": ("127.0.0.1", 1),
        "server": ("127.0.0.1", 80),
    }
    asyncio.run(app(scope, receive, send))
    return answer["status"], json.loads(answer["body"]), asked, answer["headers"]


BIG = [b"x" * 65536] * 64  # 4 MiB, in the pieces a server would receive


def test_a_write_to_a_read_only_tracker_is_refused_before_its_body_is_read(site, db):
    before = dump(db)
    status, body, asked, _ = post_counting_reads(create_app(site), "/api/claims", BIG, {})
    assert status == 403
    assert "read-only" in body["detail"]
    assert asked == 0
    assert dump(db) == before


@pytest.mark.parametrize("authorization", [None, "Bearer wrong-token-0123456789", TOKEN])
def test_a_write_without_the_token_is_refused_before_its_body_is_read(site, db, authorization):
    app = create_app(replace(site, token=TOKEN))
    headers = {"authorization": authorization} if authorization else {}
    status, body, asked, answered = post_counting_reads(app, "/api/claims", BIG, headers)
    assert (status, asked) == (401, 0)
    assert body["detail"] == "writing needs the tracker's token: Authorization: Bearer TOKEN"
    assert answered["www-authenticate"] == "Bearer"


def test_a_body_that_declares_more_than_the_limit_is_413_unread(site, db):
    app = create_app(replace(site, token=TOKEN))
    headers = {**AUTH, "content-length": str(sum(map(len, BIG)))}
    status, body, asked, _ = post_counting_reads(app, "/api/claims", BIG, headers)
    assert (status, asked) == (413, 0)
    assert "over the limit of 1048576 bytes" in body["detail"]
    assert "max_body" in body["detail"]


def test_a_body_sent_in_chunks_is_cut_off_at_the_limit(site, db):
    before = dump(db)
    app = create_app(replace(site, token=TOKEN))
    status, _, asked, _ = post_counting_reads(app, "/api/claims", BIG, AUTH)  # no length
    assert status == 413
    assert asked == 17  # 16 chunks make the limit; the 17th passes it, and no more is read
    assert dump(db) == before


def test_a_claim_within_the_limit_sent_in_chunks_is_recorded(site, db):
    app = create_app(replace(site, token=TOKEN))
    raw = json.dumps(CLAIM).encode()
    chunks = [raw[i : i + 7] for i in range(0, len(raw), 7)]
    headers = {**AUTH, "content-type": "application/json"}
    status, body, _, _ = post_counting_reads(app, "/api/claims", chunks, headers)
    assert status == 201
    assert body["text"] == CLAIM["text"]


def test_the_limit_is_the_configurations(site, db):
    small = replace(site, token=TOKEN, config=Config(web=Web(max_body=2048)))
    with TestClient(create_app(small)) as client:
        answer = client.post("/api/claims", json={**CLAIM, "context": "c" * 3000}, headers=AUTH)
        assert answer.status_code == 413
        assert "over the limit of 2048 bytes" in answer.json()["detail"]
        assert client.post("/api/claims", json=CLAIM, headers=AUTH).status_code == 201


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("text", "x" * 20_001),
        ("claimants", ["x" * 501]),
        ("claimants", [f"n{i}" for i in range(101)]),
        ("tags", ["t" * 101]),
        ("deadline", "y" * 501),
        ("source", {"url": "https://example.org/" + "p" * 2000}),
    ],
)
def test_a_field_over_its_length_is_422_and_writes_nothing(writable, db, field, value):
    before = dump(db)
    answer = writable.post("/api/claims", json={**CLAIM, field: value}, headers=AUTH)
    assert answer.status_code == 422
    assert answer.json()["detail"].startswith(f"{field}")
    assert "\n" not in answer.json()["detail"]
    assert dump(db) == before


def test_an_unexpected_failure_is_a_500_with_the_security_headers(site, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(reading, "list_claims", broken)
    with TestClient(create_app(site), raise_server_exceptions=False) as client:
        for path in ("/api/claims", "/?status=due"):
            answer = client.get(path)
            assert answer.status_code == 500
            assert answer.json() == {"detail": "the server failed; the error is logged"}
            assert answer.headers["x-content-type-options"] == "nosniff"
            assert answer.headers["referrer-policy"] == "no-referrer"
            assert "a bug" not in answer.text
