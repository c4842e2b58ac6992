"""The widget's script and pages are served, and only the widget's chat page may be framed, by the allowed origins."""

from __future__ import annotations

import dataclasses
import re

import pytest

from bot.gateway.widget_routes import frame_ancestors

EMBEDDING_SITES = frozenset({"https://guidance.example.org", "http://localhost:8080"})


@pytest.fixture
def settings(settings):
    """The conftest settings, with two websites allowed to embed the widget."""
    return dataclasses.replace(settings, allowed_origins=EMBEDDING_SITES)


def csp_directives(response) -> dict[str, list[str]]:
    policy = response.headers["Content-Security-Policy"]
    directives = [part.split() for part in policy.split(";") if part.strip()]
    return {name: sources for name, *sources in directives}


async def test_the_script_is_javascript_from_the_gateway_only(gateway):
    response = await gateway.get("/widget/widget.js")
    assert response.status == 200
    assert response.headers["Content-Type"].startswith("text/javascript")
    script = await response.text()
    assert "attachShadow" in script and 'title = "Waypoint chat"' in script
    # No CDN, no third-party host: the only URLs are the W3C's SVG namespace and comments' example.
    urls = set(re.findall(r"https?://[^\s\"')]+", script))
    assert urls <= {"http://www.w3.org/2000/svg", "https://bot.example.org/widget/widget.js"}


async def test_the_widget_styles_are_css(gateway):
    response = await gateway.get("/widget/widget.css")
    assert response.status == 200
    assert response.headers["Content-Type"].startswith("text/css")
    assert "http" not in await response.text()


async def test_the_widget_page_shares_the_chat_script_and_may_be_framed_by_the_allowed_origins(gateway):
    response = await gateway.get("/widget")
    assert response.status == 200
    page = await response.text()
    assert '<script src="/static/chat.js"></script>' in page
    assert '<script src="/static/widget-frame.js"></script>' in page
    assert 'aria-label="Conversation"' in page
    directives = csp_directives(response)
    assert sorted(directives["frame-ancestors"]) == sorted(["'self'", *EMBEDDING_SITES])
    # Framing is the only thing that differs: scripts and styles still come from the gateway only.
    assert directives["default-src"] == ["'self'"]
    assert directives["connect-src"] == ["'self'"]


@pytest.mark.parametrize("path", ["/", "/widget/demo", "/widget/widget.js", "/api/openapi.json"])
async def test_every_other_page_refuses_to_be_framed(gateway, path):
    response = await gateway.get(path)
    assert response.status == 200
    assert csp_directives(response)["frame-ancestors"] == ["'none'"]


async def test_the_demo_page_embeds_the_widget_with_one_script_tag_and_no_inline_script(gateway):
    response = await gateway.get("/widget/demo")
    assert response.status == 200
    page = await response.text()
    assert "Example Guidance Service" in page
    scripts = re.findall(r"<script\b[^>]*>", page)
    assert scripts == ['<script src="/widget/widget.js" data-title="Talk to Waypoint" data-position="right" defer>']
    assert "style=" not in page
    assert "script-src" not in csp_directives(response) and "'unsafe-inline'" not in response.headers["Content-Security-Policy"]


def test_only_well_formed_origins_reach_the_frame_ancestors():
    sources = frame_ancestors(["https://ok.example", "https://evil.example; script-src *", "javascript:alert(1)"])
    assert sources == "'self' https://ok.example"


async def test_the_chat_page_keeps_its_markup_for_the_shared_script(gateway):
    page = await (await gateway.get("/")).text()
    for needed in ('id="log"', 'id="typing"', 'id="announcer"', 'id="status"', 'id="composer"', 'id="text"'):
        assert needed in page
    assert "widget-frame.js" not in page


async def test_error_pages_carry_the_security_headers_too(gateway):
    response = await gateway.get("/no-such-page")
    assert response.status == 404
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
