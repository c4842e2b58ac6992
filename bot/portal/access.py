"""What a viewer may see: the rules and their queries live in bot/storage/access.py.

Kept as the portal's name for them, so that route modules import what they check from one place.
"""

from bot.storage.access import (  # noqa: F401 (the portal's vocabulary)
    UNLABELLED_PREFIX,
    client_criteria,
    client_label,
    client_labels,
    deletion_criteria,
    handoff_criteria,
    invite_criteria,
    visible_client,
    visible_flag,
    visible_handoff,
)
