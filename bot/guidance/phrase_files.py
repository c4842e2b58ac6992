"""Reading phrase files (YAML) of one language: Waypoint's own, plus whatever a service adds.

A kind of phrase file lives in a folder per language (bot/defaults/safety/en/, say). A service's own
folder may hold files of the same names under the same language folder; everything in them is added
to Waypoint's, never replacing it, so that an update of Waypoint's lists reaches every service. The
language's shared irregular forms (bot/defaults/language/<language>.yml) and each folder's
words.yml (more irregular forms, and word groups for @NAME) apply to every phrase.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable, Mapping

import yaml

from bot.guidance.phrases import NotationError, Phrase, compile_phrase

DEFAULTS_DIR = Path(__file__).resolve().parent.parent / "defaults"


class _UniqueKeyLoader(yaml.SafeLoader):
    """A phrase file whose key appears twice would lose the first list without a word: refuse it."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise ValueError(f"{key!r} appears twice (line {key_node.start_mark.line + 1}); merge the two lists")
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def read(path: Path) -> dict[str, Any]:
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_UniqueKeyLoader) if path.exists() else None  # noqa: S506 (a SafeLoader)
    except ValueError as error:
        raise ValueError(f"{path}: {error}") from None
    if data is not None and not isinstance(data, dict):
        raise ValueError(f"{path} must hold a mapping")
    return data or {}


def folders(kind: str, language: str, extra_dir: Path | None, setting: str) -> list[Path]:
    """Waypoint's folder of `kind` for `language`, then the service's (`extra_dir`, from `setting`)."""
    found = [DEFAULTS_DIR / kind / language]
    if not found[0].is_dir():
        raise ValueError(f"there are no {kind} phrases for the language {language!r} in {DEFAULTS_DIR / kind}")
    if extra_dir is not None:
        if not (extra_dir / language).is_dir():
            raise ValueError(f"{setting} {extra_dir} has no folder {language!r} for this language")
        found.append(extra_dir / language)
    return found


def entries(items: Any, where: str) -> Iterable[dict[str, Any]]:
    """The phrases of a list: each a notation, or a mapping with `phrase` and its options."""
    for item in items or []:
        if isinstance(item, str):
            yield {"phrase": item}
        elif isinstance(item, dict) and isinstance(item.get("phrase"), str):
            yield item
        else:
            raise ValueError(f"{where}: {item!r} is neither a phrase nor a mapping with a phrase")


class PhraseCompiler:
    """Compiles the phrases of a set of folders with their irregular forms and word groups."""

    def __init__(self, language: str, phrase_folders: list[Path]) -> None:
        self.irregular: dict[str, str] = {}
        self.groups: dict[str, list[str]] = {}
        for words in [read(DEFAULTS_DIR / "language" / f"{language}.yml"), *(read(f / "words.yml") for f in phrase_folders)]:
            self.irregular.update({str(k).lower(): str(v).lower() for k, v in (words.get("irregular") or {}).items()})
            for name, members in (words.get("groups") or {}).items():
                known = self.groups.setdefault(str(name), [])
                known += [str(m) for m in members or [] if str(m) not in known]

    def phrase(self, entry: Mapping[str, Any], default_gap: int, where: str, exact: bool = False, **data: Any) -> Phrase:
        try:
            return compile_phrase(
                entry["phrase"],
                self.groups,
                self.irregular,
                max_gap=int(entry.get("gap", default_gap)),
                data={**data, **{k: v for k, v in entry.items() if k not in ("phrase", "gap", "requires_any", "exact")}},
                requires_any=entry.get("requires_any"),
                exact=bool(entry.get("exact", exact)),
            )
        except NotationError as error:
            raise ValueError(f"{where}: {error}") from None

    def phrases(self, items: Any, default_gap: int, where: str, exact: bool = False, **data: Any) -> list[Phrase]:
        return [self.phrase(entry, default_gap, where, exact, **data) for entry in entries(items, where)]
