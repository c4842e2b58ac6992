"""The OpenAPI document describes every route, and real responses match its schemas."""

from __future__ import annotations

import copy
from typing import Any

import jsonschema
import pytest

from bot.gateway.openapi import openapi_document

DOCUMENT = openapi_document()


def json_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """An OpenAPI 3.0 schema as plain JSON Schema: `nullable` becomes a null type, refs are resolved."""
    schema = copy.deepcopy(schema)
    if "$ref" in schema:
        return json_schema(DOCUMENT["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]])
    if schema.pop("nullable", False):
        schema["type"] = [schema["type"], "null"]
    for key in ("properties",):
        if key in schema:
            schema[key] = {name: json_schema(value) for name, value in schema[key].items()}
    for key in ("items", "additionalProperties"):
        if isinstance(schema.get(key), dict):
            schema[key] = json_schema(schema[key])
    return schema


async def assert_matches_document(response, path: str, method: str) -> None:
    operation = DOCUMENT["paths"][path][method]
    documented = operation["responses"].get(str(response.status))
    assert documented is not None, f"{method.upper()} {path} answered {response.status}, which is not documented"
    content = documented.get("content", {})
    if "application/json" in content and "schema" in content["application/json"]:
        jsonschema.validate(await response.json(), json_schema(content["application/json"]["schema"]))


def test_every_route_is_documented_and_every_documented_route_exists(gateway):
    routes = set()
    for route in gateway.app.router.routes():
        info = route.get_info()
        path = info.get("path") or info.get("formatter")
        if route.method in ("HEAD", "*") or path is None or path.startswith(("/static", "/portal", "/widget", "/telegram")):
            continue
        routes.add((path, route.method.lower()))
    documented = {(path, method) for path, item in DOCUMENT["paths"].items() for method in item}
    assert routes == documented


async def test_the_document_is_served_and_is_openapi_3(gateway):
    response = await gateway.get("/api/openapi.json")
    assert response.status == 200
    served = await response.json()
    assert served["openapi"].startswith("3.")
    assert served == DOCUMENT


@pytest.mark.parametrize(
    "method, path, body, authorised",
    [
        ("post", "/api/messages", {"text": "hello"}, True),
        ("post", "/api/messages", {"text": ""}, True),
        ("post", "/api/messages", {"text": "x" * 5000}, True),
        ("post", "/api/messages", {"nope": 1}, True),
        ("post", "/api/messages", {"text": "hello"}, False),
        ("get", "/api/messages", None, True),
        ("get", "/api/messages", None, False),
        ("get", "/healthz", None, False),
    ],
)
async def test_responses_match_their_schemas(gateway, method, path, body, authorised):
    session = await gateway.post("/api/sessions")
    await assert_matches_document(session, "/api/sessions", "post")
    headers = {"Authorization": f"Bearer {(await session.json())['client_token']}"} if authorised else {}
    response = await gateway.request(method.upper(), path, json=body, headers=headers)
    await assert_matches_document(response, path, method)


async def test_a_queued_answer_matches_its_schema(gateway, fake_rasa):
    session = await gateway.post("/api/sessions")
    headers = {"Authorization": f"Bearer {(await session.json())['client_token']}"}
    fake_rasa.available = False
    response = await gateway.post("/api/messages", json={"text": "hello"}, headers=headers)
    assert response.status == 202
    await assert_matches_document(response, "/api/messages", "post")
