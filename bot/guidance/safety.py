"""The rule-based safety net: phrases that show obvious risk, from a file the service can extend.

Applied by the gateway before the language model sees a message, so that a misclassified
message showing obvious risk still gets the crisis answer at once. The model stays the
first line for everything else; these patterns only add certainty where it matters most.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

DISTRESS_PAYLOAD = "/express_distress"


@dataclass(frozen=True)
class SafetyNet:
    patterns: tuple[re.Pattern[str], ...]

    def shows_obvious_risk(self, text: str | None) -> bool:
        if not text:
            return False
        # Curly apostrophes from phones would otherwise slip past "can't" and "don't".
        normalised = " ".join(text.replace("\u2019", "'").split())
        return any(pattern.search(normalised) for pattern in self.patterns)


def load_safety_net(path: Path) -> SafetyNet:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    patterns = tuple(re.compile(str(pattern), re.IGNORECASE) for pattern in data.get("patterns") or ())
    if not patterns:
        raise ValueError(f"{path} lists no distress patterns; the safety net must never be empty.")
    return SafetyNet(patterns)
