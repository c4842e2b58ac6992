"""Rasa and the action server face only the gateway: they listen on loopback unless an operator
says otherwise twice, by naming another interface and by allowing public interfaces."""

from __future__ import annotations

import ipaddress

LOOPBACK_NAMES = {"localhost"}


def is_loopback(host: str) -> bool:
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:  # a host name other than localhost may resolve to anything
        return False


def refusal(service: str, variable: str, host: str, allow_public: bool) -> str | None:
    """Why `service` must not listen on `host`, or None when it may."""
    if is_loopback(host) or allow_public:
        return None
    return (
        f"{service} would listen on {host}, which is not loopback. It has its own token, but only the "
        f"gateway is meant to face the network. If {service} really runs on another machine (several "
        f"Rasa processes, containers), set ALLOW_PUBLIC_INTERFACES=true as well as {variable}, and "
        "keep that network private."
    )
