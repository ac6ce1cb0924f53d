"""The integration API: tokens (missing, wrong, revoked, wrong scope), cursor paging, OpenAPI."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text

from motcua.province.web.api_tokens import ApiTokens
from motcua.province.web.app import make_app
from motcua.web import PasswordHasher, WebSettings
from tests.support.province_data import (
    BEN_THANH,
    NOW,
    ProvinceData,
    seed_two_centres,
    waiting,
)


@pytest.fixture
def data(engine: Engine) -> Iterator[ProvinceData]:
    d = ProvinceData(engine, "t_api")
    seed_two_centres(d)
    yield d
    d.drop()


@pytest.fixture
def client(engine: Engine, data: ProvinceData) -> Iterator[TestClient]:
    app = make_app(engine, data.schema, WebSettings.for_tests(), clock=lambda: NOW,
                   hasher=PasswordHasher(fast_for_tests=True), poll_interval=60)
    with TestClient(app, base_url="https://testserver") as c:
        yield c


def get(c: TestClient, token: str | None, **params: Any) -> Any:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return c.get("/api/v1/tickets", params=params, headers=headers)


def test_tokens_are_checked_with_json_errors(client: TestClient, engine: Engine,
                                            data: ProvinceData) -> None:
    tokens = ApiTokens(engine, data.schema)
    token_id, token = tokens.issue("Hệ thống TTHC tỉnh", ["tickets:read"])
    with engine.connect() as conn:
        stored = conn.execute(text(
            f"SELECT token_sha256 FROM {data.schema}.api_tokens")).scalar_one()
    assert token.split("_")[2] not in stored  # only a digest at rest
    r = get(client, None)
    assert r.status_code == 401 and r.json()["error"]["code"] == "token_missing"
    assert r.headers["www-authenticate"] == "Bearer"
    r = get(client, token[:-2] + "xx")
    assert r.status_code == 401 and r.json()["error"]["code"] == "token_invalid"
    assert get(client, "' OR 1=1 --").json()["error"]["code"] == "token_invalid"
    assert get(client, token).status_code == 200
    tokens.revoke(token_id)
    r = get(client, token)
    assert r.status_code == 401 and r.json()["error"]["code"] == "token_revoked"
    _, other = tokens.issue("Cổng khác", ["tickets:read"])
    with engine.begin() as conn:  # a token without the tickets:read scope
        conn.execute(text(f"UPDATE {data.schema}.api_tokens SET scopes = '{{other}}' "
                          "WHERE client = 'Cổng khác'"))
    r = get(client, other)
    assert r.status_code == 403 and r.json()["error"]["code"] == "scope_missing"
    with pytest.raises(ValueError, match="scope"):
        tokens.issue("x", ["admin"])


def test_cursor_pages_every_ticket_once_then_only_changes(client: TestClient, engine: Engine,
                                                         data: ProvinceData) -> None:
    _, token = ApiTokens(engine, data.schema).issue("TTHC", ["tickets:read"])
    seen: dict[tuple[str, str], dict[str, Any]] = {}
    cursor, pages = "0", 0
    while True:
        body = get(client, token, after=cursor, limit=50).json()
        for item in body["items"]:
            key = (item["stream_id"], item["ticket"])
            assert key not in seen  # nothing twice within one pass
            seen[key] = item
        cursor, pages = body["next_cursor"], pages + 1
        if not body["has_more"]:
            break
    with engine.connect() as conn:
        total = conn.execute(text(f"SELECT count(*) FROM {data.schema}.province_facts")
                             ).scalar_one()
    assert len(seen) == total and pages > 1
    dossier = [i for i in seen.values() if i["dossiers"]]
    assert dossier[0]["dossiers"] == ["000.00.21.H56-251124-0001"]
    assert dossier[0]["outcome"] == "received" and dossier[0]["rating"] == 1
    assert get(client, token, after=cursor).json()["items"] == []  # nothing new
    data.add(BEN_THANH, waiting(NOW.date(), 2, 90, NOW - timedelta(minutes=1)))
    data.sync(BEN_THANH)
    new = get(client, token, after=cursor).json()
    assert [i["label"] for i in new["items"]] == ["W090", "W091"]
    assert get(client, token, after="abc").json()["error"]["code"] == "bad_cursor"
    assert get(client, token, limit=5000).status_code == 422


def test_openapi_documents_the_feed(client: TestClient) -> None:
    spec = client.get("/api/openapi.json").json()
    op = spec["paths"]["/v1/tickets"]["get"]
    assert {"200", "401", "403"} <= set(op["responses"])
    assert "dossiers" in spec["components"]["schemas"]["TicketItem"]["properties"]
