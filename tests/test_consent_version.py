import hashlib

import yaml

from bot.guidance.consent import CONSENT_TEXT_FINGERPRINT
from bot.settings import PROJECT_ROOT


def test_consent_text_and_its_version_change_together():
    domain = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text())
    consent_text = domain["responses"]["utter_ask_consent_answer"][0]["text"]
    fingerprint = hashlib.sha256(consent_text.encode()).hexdigest()[:16]
    assert fingerprint == CONSENT_TEXT_FINGERPRINT, (
        "The consent text changed: bump CONSENT_TEXT_VERSION in bot/guidance/consent.py "
        f"and set CONSENT_TEXT_FINGERPRINT to {fingerprint!r}."
    )
