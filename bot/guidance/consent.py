"""The consent text's version. Bump it whenever utter_ask_consent_answer in domain.yml changes.

tests/test_consent_version.py fails when the text changes and the fingerprint below does not,
so every stored consent record names the exact text the client agreed to.
"""

CONSENT_TEXT_VERSION = "2026-11-v3"
CONSENT_TEXT_FINGERPRINT = "d5af8c48f609abd8"
