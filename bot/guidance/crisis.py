"""Crisis resources from the operator's configuration file, chosen for what the risk is about.

The file lists resources shown for every crisis, and may add, per category (safety_words.CATEGORIES),
an opening line, resources of its own (domestic-abuse support for harm from others, say) and its own
safety question. Resources of the categories found come first, then the ones for every crisis.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping

import yaml

from bot.guidance.safety_words import CATEGORIES

DEFAULT_SAFETY_QUESTION = "Are you safe right now?"


@dataclass(frozen=True)
class CategoryResources:
    intro: str = ""
    resources: tuple[tuple[str, str], ...] = ()
    safety_question: str = ""


@dataclass(frozen=True)
class CrisisResources:
    intro: str
    resources: list[dict[str, str]]
    safety_question: str
    categories: Mapping[str, CategoryResources] = field(default_factory=dict)

    def as_text(self, categories: Iterable[str] = ()) -> str:
        chosen = [self.categories[c] for c in categories if c in self.categories]
        intro = next((c.intro for c in chosen if c.intro), self.intro)
        question = next((c.safety_question for c in chosen if c.safety_question), self.safety_question)
        listed = [pair for c in chosen for pair in c.resources] + [(r["name"], r["contact"]) for r in self.resources]
        lines = [intro, ""] + [f"• {name}: {contact}" for name, contact in dict.fromkeys(listed)]
        return "\n".join(lines + ["", question])


def _resources(items: Any, path: Path) -> list[tuple[str, str]]:
    pairs = []
    for item in items or []:
        if not isinstance(item, dict) or not item.get("name") or not item.get("contact"):
            raise ValueError(f"{path}: every resource needs a name and a contact, not {item!r}")
        pairs.append((str(item["name"]), str(item["contact"])))
    return pairs


def load_crisis_resources(path: Path) -> CrisisResources:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    resources = [{"name": name, "contact": contact} for name, contact in _resources(data.get("resources"), path)]
    if not resources:
        raise ValueError(f"{path} lists no crisis resources; a client in distress must always be given some.")
    categories = {}
    for name, entry in (data.get("categories") or {}).items():
        if name not in (*CATEGORIES, "unspecified"):
            raise ValueError(f"{path}: unknown category {name!r}; use one of {', '.join(CATEGORIES)}")
        entry = entry or {}
        categories[name] = CategoryResources(
            intro=str(entry.get("intro") or "").strip(),
            resources=tuple(_resources(entry.get("resources"), path)),
            safety_question=str(entry.get("safety_question") or "").strip(),
        )
    return CrisisResources(
        intro=str(data.get("intro") or "").strip(),
        resources=resources,
        safety_question=str(data.get("safety_question") or DEFAULT_SAFETY_QUESTION),
        categories=categories,
    )
