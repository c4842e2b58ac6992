"""Crisis resources from the operator's configuration file."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml


@dataclass(frozen=True)
class CrisisResources:
    intro: str
    resources: list[dict[str, str]]
    safety_question: str

    def as_text(self) -> str:
        lines = [self.intro, ""]
        lines += [f"• {item['name']}: {item['contact']}" for item in self.resources]
        lines += ["", self.safety_question]
        return "\n".join(lines)


def load_crisis_resources(path: Path) -> CrisisResources:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    resources = [
        {"name": str(item["name"]), "contact": str(item["contact"])} for item in data.get("resources") or []
    ]
    if not resources:
        raise ValueError(f"{path} lists no crisis resources; a client in distress must always be given some.")
    return CrisisResources(
        intro=str(data.get("intro") or "").strip(),
        resources=resources,
        safety_question=str(data.get("safety_question") or "Are you safe right now?"),
    )
