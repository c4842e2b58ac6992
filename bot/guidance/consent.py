"""The consent text's version. Bump it whenever utter_ask_consent_answer in domain.yml changes.

tests/test_consent_version.py fails when the text changes and the fingerprint below does not,
so every stored consent record names the exact text the client agreed to.
"""

CONSENT_TEXT_VERSION = "2026-12-v4"
CONSENT_TEXT_FINGERPRINT = "f7809a5c6ef0872f"

# What each version added, and what an earlier consent means now (see docs/privacy.md):
# - 2026-12-v4: the practitioner can write short messages into the chat and note the next session's
#   date, kept with the conversation. Consents to v3 stay valid and are not asked again: nobody sees
#   more of the client than before, and what is added is their practitioner's own words in a
#   conversation v3 already said is stored (each message says who wrote it); a client who minds can
#   have it all deleted, as before.
