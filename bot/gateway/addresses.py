"""The address a request came from, for the limits kept per address.

Without TRUSTED_PROXIES it is the connection's address: X-Forwarded-For is written by whoever
sends the request, so believing it would let anyone choose a fresh address for every request.
Behind proxies the operator names, it is the first address, read from the right of
X-Forwarded-For, that none of those proxies has: everything further left was written by the
client and is not believed.
"""

from __future__ import annotations

import math
from functools import lru_cache
from ipaddress import ip_address

from aiohttp import web

from bot.gateway import keys
from bot.gateway.rate_limit import SlidingWindowLimit
from bot.settings import Network, trusted_networks

UNKNOWN = "unknown"


@lru_cache(maxsize=8)
def _trusted(entries: tuple[str, ...]) -> tuple[Network, ...]:
    return trusted_networks(entries)


def _is_trusted(address: str, trusted: tuple[Network, ...]) -> bool:
    try:
        parsed = ip_address(address)
    except ValueError:
        return False
    return any(parsed in network for network in trusted)


def client_address(request: web.Request) -> str:
    """Where the request came from: the connection, or the client behind the trusted proxies."""
    address = request.remote or UNKNOWN
    trusted = _trusted(request.app[keys.SETTINGS].trusted_proxies)
    if not trusted:
        return address
    forwarded = [
        hop.strip()
        for header in request.headers.getall("X-Forwarded-For", [])
        for hop in header.split(",")
        if hop.strip()
    ]
    while forwarded and _is_trusted(address, trusted):
        hop = forwarded.pop()
        try:
            address = str(ip_address(hop))
        except ValueError:
            break  # not written by a proxy that knows its job: keep the last address we could believe
    return address


def refusal_over_limit(
    request: web.Request, limit: web.AppKey[SlidingWindowLimit], code: str, message: str
) -> web.Response | None:
    """Count this request against its address's `limit`; a kind 429 with Retry-After when over it."""
    wait = request.app[limit].take(client_address(request))
    if not wait:
        return None
    response = web.json_response({"error": code, "message": message}, status=429)
    response.headers["Retry-After"] = str(math.ceil(wait))
    return response
