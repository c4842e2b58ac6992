"""Information sources for an option, from a file the service edits for its country."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml


@dataclass(frozen=True)
class Topic:
    words: tuple[str, ...]
    sources: tuple[dict[str, str], ...]

    def matches(self, title: str) -> bool:
        lowered = title.casefold()
        return any(re.search(rf"\b{re.escape(word.casefold())}\b", lowered) for word in self.words)


def load_topics(path: Path) -> dict[str, Topic]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    topics = {
        name: Topic(
            words=tuple(str(word) for word in topic.get("words") or ()),
            sources=tuple({"name": str(s["name"]), "where": str(s["where"])} for s in topic.get("sources") or ()),
        )
        for name, topic in (data.get("topics") or {}).items()
    }
    if "general" not in topics or not topics["general"].sources:
        raise ValueError(f"{path} has no general sources; every option must get at least one.")
    return topics


def sources_for(title: str, topics: dict[str, Topic]) -> list[dict[str, str]]:
    """The sources of every topic the option's title touches, then the general ones."""
    found = [source for name, topic in topics.items() if name != "general" and topic.matches(title) for source in topic.sources]
    return found + list(topics["general"].sources)


def sources_text(title: str, sources: list[dict[str, str]]) -> str:
    lines = [f"Where to find reliable, up-to-date information about \"{title}\":"]
    lines += [f"• {source['name']}: {source['where']}" for source in sources]
    return "\n".join(lines)
