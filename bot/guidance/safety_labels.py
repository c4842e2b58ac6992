"""How a safety flag is named to the practitioner (portal) and in the handoff summary: what the risk
was about and what raised it, in neutral words and never the client's own."""

from __future__ import annotations

CATEGORY_LABELS = {
    "suicidal_active": "thoughts of suicide",
    "suicidal_passive": "wishes not to be alive",
    "self_harm": "self-harm",
    "harm_from_others": "harm or threats from someone else",
    "harm_to_others": "thoughts of harming someone else",
    "medical_emergency": "a medical emergency",
    "unspecified": "distress",
}
REASON_LABELS = {
    "statement": "said in a message",
    "confirmed_check": "confirmed when asked",
    "unclear_check": "an unclear answer when asked",
    "not_safe": "said they were not safe right now",
    "unsure_if_safe": "not sure they were safe right now",
}


def flag_description(category: str | None, reason: str | None) -> str:
    """"thoughts of suicide (said they were not safe right now)"; flags from before categories were kept: "distress"."""
    what = CATEGORY_LABELS.get(category or "", "distress")
    why = REASON_LABELS.get(reason or "")
    return f"{what} ({why})" if why else what
