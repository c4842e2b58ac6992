"""The gateway's HTTP API as an OpenAPI 3 document, served at /api/openapi.json.

tests/test_openapi.py checks that every route is described here and that real
responses match these schemas, so the document stays true.
"""

from __future__ import annotations

import copy
from typing import Any


def _json(schema_name: str, description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema_name}"}}},
    }


def _errors(*statuses: int) -> dict[str, Any]:
    """The refusals of a route, and the 503 of every route that reads or writes the database."""
    errors = {str(status): _json("Error", "The request could not be handled; `message` says why.") for status in statuses}
    errors["503"] = {
        **_json("Error", "The database is away for a moment (`database_unavailable`): nothing was stored; send again."),
        "headers": {"Retry-After": {"description": "Seconds to wait before sending again.", "schema": {"type": "integer"}}},
    }
    return errors


def _limited(what: str) -> dict[str, Any]:
    """The 429 of a limit kept per address (behind TRUSTED_PROXIES, the client's)."""
    return {
        "429": {
            **_json("Error", f"Too many {what} from this address lately; `message` says so kindly."),
            "headers": {"Retry-After": {"description": "Seconds until one is possible again.", "schema": {"type": "integer"}}},
        }
    }


# What bot/gateway/inbound.py accepts as a button payload, as a JSON Schema pattern.
PAYLOAD_SCHEMA_PATTERN = (
    "^(/[A-Za-z_]{1,64}(\\{[^\\x00-\\x08\\x0b-\\x1f\\x7f]{0,200}\\})?|[^\\x00-\\x1f\\x7f/][^\\x00-\\x1f\\x7f]{0,63})$"
)

SCHEMAS: dict[str, Any] = {
    "Error": {
        "type": "object",
        "required": ["error", "message"],
        "properties": {
            "error": {"type": "string", "description": "A stable code, e.g. message_too_long."},
            "message": {"type": "string", "description": "A friendly explanation to show the person."},
        },
    },
    "Button": {
        "type": "object",
        "required": ["title", "payload"],
        "properties": {"title": {"type": "string"}, "payload": {"type": "string"}},
    },
    "Message": {
        "type": "object",
        "required": ["id", "direction", "text", "buttons", "image", "attachment", "status", "created_at"],
        "properties": {
            "id": {"type": "integer"},
            "direction": {"type": "string", "enum": ["in", "out"]},
            "text": {"type": "string", "nullable": True},
            "buttons": {"type": "array", "items": {"$ref": "#/components/schemas/Button"}},
            "image": {"type": "string", "nullable": True},
            "attachment": {
                "type": "string",
                "nullable": True,
                "description": "A file to download (the client's data export), as a path on the gateway.",
            },
            "status": {"type": "string", "enum": ["pending", "answered", "sent"]},
            "created_at": {"type": "string", "format": "date-time"},
            "author": {
                "type": "object",
                "nullable": True,
                "description": "Set on a message the client's practitioner wrote (null for the bot's and the client's): "
                "who wrote it, the label to show with it, and a note on where replies go.",
                "required": ["role", "name", "label", "note"],
                "properties": {
                    "role": {"type": "string", "enum": ["practitioner"]},
                    "name": {"type": "string"},
                    "label": {"type": "string"},
                    "note": {"type": "string"},
                },
            },
        },
    },
    "OutgoingMessage": {
        "type": "object",
        "required": ["text"],
        "properties": {
            "text": {
                "type": "string",
                # Something readable: control characters and a leading "/" are dropped, and an
                # empty message is refused (422); the longest is MAX_MESSAGE_CHARS (413 beyond).
                "pattern": "[^\\s/\\x00-\\x1f\\x7f]",
                "description": "What the client wrote, or the title of the button pressed.",
            },
            "payload": {
                "type": "string",
                "nullable": True,
                "pattern": PAYLOAD_SCHEMA_PATTERN,
                "description": "The payload of the button pressed, if any: an intent (\"/affirm\") or a short text.",
            },
        },
    },
    "Session": {
        "type": "object",
        "required": ["client_token"],
        "properties": {"client_token": {"type": "string", "description": "Secret; send as a bearer token."}},
    },
    "Ended": {
        "type": "object",
        "required": ["outcome", "message"],
        "properties": {
            "outcome": {"type": "string", "enum": ["ended"]},
            "message": {"type": "string", "description": "What to tell the client."},
        },
    },
    "Answered": {
        "type": "object",
        "required": ["status", "message", "replies"],
        "properties": {
            "status": {"type": "string", "enum": ["answered"]},
            "message": {"$ref": "#/components/schemas/Message"},
            "replies": {"type": "array", "items": {"$ref": "#/components/schemas/Message"}},
        },
    },
    "Queued": {
        "type": "object",
        "required": ["status", "message", "notice"],
        "properties": {
            "status": {"type": "string", "enum": ["queued"]},
            "message": {"$ref": "#/components/schemas/Message"},
            "notice": {"type": "string"},
        },
    },
    "Code": {
        "type": "object",
        "required": ["code"],
        "properties": {
            "code": {
                "type": "string",
                "pattern": "\\S",
                "maxLength": 100,
                "description": "The code from a practitioner's invitation, or from /link on Telegram.",
            }
        },
    },
    "InviteCode": {
        "type": "object",
        "required": ["code"],
        "properties": {
            "code": {"type": "string", "pattern": "\\S", "maxLength": 100, "description": "The code from a practitioner's invitation."},
            "move": {
                "type": "boolean",
                "description": (
                    "The client's answer to `confirm_move`: true switches to this invitation's practitioner, "
                    "false keeps the one they have. Without it, a client who has a practitioner is asked first."
                ),
            },
        },
    },
    "InviteRedeemed": {
        "type": "object",
        "required": ["outcome", "message"],
        "properties": {
            "outcome": {"type": "string", "enum": ["bound", "already_bound", "confirm_move", "moved", "stayed"]},
            "message": {"type": "string", "description": "What to tell the client; with confirm_move, the question."},
            "choices": {
                "type": "array",
                "description": "With confirm_move: the two answers, each to send back as `move`.",
                "items": {
                    "type": "object",
                    "required": ["title", "move"],
                    "properties": {"title": {"type": "string"}, "move": {"type": "boolean"}},
                },
            },
        },
    },
    "LinkCode": {
        "type": "object",
        "required": ["code", "telegram_link", "expires_at"],
        "properties": {
            "code": {
                "type": "string",
                "description": "Single-use; send it to the Telegram bot as /link <code>. Shown once.",
            },
            "telegram_link": {
                "type": "string",
                "nullable": True,
                "description": "A t.me deep link that sends the code by itself; null when no bot username is set.",
            },
            "expires_at": {"type": "string", "format": "date-time"},
        },
    },
    "LinkRedeemed": {
        "type": "object",
        "required": ["client_token", "outcome", "message"],
        "properties": {
            "client_token": {"type": "string", "description": "This browser's token for the linked conversation."},
            "outcome": {"type": "string", "enum": ["linked", "already_linked"]},
            "message": {"type": "string", "description": "What to tell the client."},
        },
    },
    "History": {
        "type": "object",
        "required": ["messages"],
        "properties": {
            "messages": {"type": "array", "items": {"$ref": "#/components/schemas/Message"}},
            "next_before": {
                "type": "integer",
                "nullable": True,
                "description": "Without `after`: pass it as `before` for the older page; null when there is none.",
            },
        },
    },
    "Health": {
        "type": "object",
        "required": ["status", "components"],
        "properties": {
            "status": {"type": "string", "enum": ["ok", "degraded"]},
            "components": {
                "type": "object",
                "additionalProperties": {"type": "string", "enum": ["ok", "unavailable"]},
            },
        },
    },
}

BEARER = [{"clientToken": []}]


def openapi_document(max_message_chars: int = 2000) -> dict[str, Any]:
    """The document for a gateway that takes messages of up to `max_message_chars` (MAX_MESSAGE_CHARS)."""
    schemas = copy.deepcopy(SCHEMAS)
    schemas["OutgoingMessage"]["properties"]["text"]["maxLength"] = max_message_chars
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "Waypoint gateway",
            "version": "1",
            "description": (
                "Chat with Waypoint over HTTP or a WebSocket. Every message is stored before it is "
                "forwarded to the dialogue engine; if that engine is not ready, the message is queued "
                "(202) and answered as soon as it is."
            ),
        },
        "paths": {
            "/": {
                "get": {
                    "summary": "A minimal chat page",
                    "responses": {"200": {"description": "HTML page", "content": {"text/html": {}}}},
                }
            },
            "/healthz": {
                "get": {
                    "summary": "Health of the gateway, database, Rasa and action server",
                    "responses": {
                        "200": _json("Health", "Everything answers."),
                        "503": _json("Health", "Some component does not answer; see components."),
                    },
                }
            },
            "/api/openapi.json": {
                "get": {
                    "summary": "This document",
                    "responses": {"200": {"description": "OpenAPI document", "content": {"application/json": {}}}},
                }
            },
            "/api/sessions": {
                "post": {
                    "summary": "Start a chat session as a new client",
                    "description": (
                        "The bot opens the conversation once the client connects (hello on the WebSocket) "
                        "or writes, whichever comes first. NEW_SESSIONS_PER_HOUR sessions per address."
                    ),
                    "responses": {
                        "201": _json("Session", "A new client and its secret token."),
                        **_limited("new sessions"),
                        **_errors(),
                    },
                }
            },
            "/api/sessions/end": {
                "post": {
                    "summary": "End the chat on this device: its token stops working, its open WebSockets close",
                    "description": (
                        "The conversation stays (on the client's other linked devices, e.g. Telegram); "
                        "WebSockets opened with this token get {\"type\": \"ended\", \"message\"} and close."
                    ),
                    "security": BEARER,
                    "responses": {"200": _json("Ended", "This device's token no longer works."), **_errors(401)},
                }
            },
            "/api/invites/redeem": {
                "post": {
                    "summary": "Use a practitioner's invitation: the client is bound to that practitioner",
                    "description": (
                        "A client who already has another practitioner is not moved at once: the answer is "
                        "`confirm_move` with the question to show and two choices; the client's choice is sent "
                        "again with the code as `move`."
                    ),
                    "security": BEARER,
                    "requestBody": {
                        "required": True,
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/InviteCode"}}},
                    },
                    "responses": {
                        "200": _json("InviteRedeemed", "Bound, moved, kept, or the question before moving."),
                        **_errors(400, 401, 404, 409, 410, 413),
                    },
                }
            },
            "/api/link-codes": {
                "post": {
                    "summary": "A one-time code to continue this conversation on Telegram (valid 15 minutes)",
                    "security": BEARER,
                    "responses": {"201": _json("LinkCode", "A new code."), **_errors(401)},
                }
            },
            "/api/link-codes/redeem": {
                "post": {
                    "summary": "Continue here a conversation started on Telegram, with the code from its /link",
                    "description": (
                        "Without a bearer token a new one is made for the linked conversation; with one, "
                        "this browser's conversation is replaced if it is empty, and refused (409) if not."
                    ),
                    "requestBody": {
                        "required": True,
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Code"}}},
                    },
                    "responses": {
                        "200": _json("LinkRedeemed", "This browser now leads to the linked conversation."),
                        **_limited("attempts to use a link code"),
                        **_errors(400, 401, 404, 409, 410, 413),
                    },
                }
            },
            "/api/messages": {
                "post": {
                    "summary": "Send a message and receive the bot's replies",
                    "security": BEARER,
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/OutgoingMessage"}}
                        },
                    },
                    "responses": {
                        "200": _json("Answered", "The message and the bot's replies."),
                        "202": _json("Queued", "Stored; the bot answers once it is ready (poll GET /api/messages)."),
                        **_errors(400, 401, 413, 422, 429),
                    },
                },
                "get": {
                    "summary": "The conversation: its newest 200 messages, or the 200 before a message, oldest first",
                    "security": BEARER,
                    "parameters": [
                        {
                            "name": "before",
                            "in": "query",
                            "required": False,
                            "schema": {"type": "integer", "minimum": 1, "maximum": 2**63 - 1},
                            "description": "The 200 messages before this id (the `next_before` of the page after them).",
                        },
                        {
                            "name": "after",
                            "in": "query",
                            "required": False,
                            "schema": {"type": "integer", "minimum": 0, "maximum": 2**63 - 1},
                            "description": "Instead: up to 200 messages with a larger id, oldest first (what came since).",
                        },
                    ],
                    "responses": {"200": _json("History", "Messages in order."), **_errors(400, 401)},
                },
            },
            "/media/{name}": {
                "get": {
                    "summary": "A picture or file the bot sent (decision matrix, data export), by its unguessable name",
                    "parameters": [{"name": "name", "in": "path", "required": True, "schema": {"type": "string"}}],
                    "responses": {
                        "200": {
                            "description": "PNG image or JSON export",
                            "content": {"image/png": {}, "application/json": {}},
                        },
                        "404": {"description": "No such picture", "content": {"text/plain": {}}},
                    },
                }
            },
            "/api/ws": {
                "get": {
                    "summary": "WebSocket chat",
                    "description": (
                        "Send {\"type\": \"hello\", \"client_token\": ...} first, then "
                        "{\"type\": \"message\", \"text\": ..., \"payload\": ...}. The server sends "
                        "{\"type\": \"ready\"}, {\"type\": \"accepted\", \"message\"}, "
                        "{\"type\": \"message\", \"message\"} for each reply, {\"type\": \"status\", "
                        "\"status\": \"queued\"} while the bot is not ready, {\"type\": \"ended\", \"message\"} when "
                        "the chat was ended on this device, and {\"type\": \"error\", \"error\", \"message\"}."
                    ),
                    "responses": {
                        "101": {"description": "Switching to the WebSocket protocol"},
                        **_errors(400),
                    },
                }
            },
        },
        "components": {
            "schemas": schemas,
            "securitySchemes": {"clientToken": {"type": "http", "scheme": "bearer"}},
        },
    }
