"""The conversation's phrase files of one language: how clients reply, what they mention alongside,
what each question means, and the work values a reflection can name.

`bot/defaults/conversation/<language>/` holds replies.yml, asides.yml, questions.yml and values.yml;
a service's own folder (CONVERSATION_WORDS_DIR) adds to them (bot/guidance/phrase_files.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from bot.guidance.phrase_files import PhraseCompiler, folders, read
from bot.guidance.phrases import PhraseBook
from bot.guidance.understanding.reading import ASIDES

# Reply phrases: their words stand together unless a phrase allows a gap.
REPLY_GAP = 0
REPLY_KINDS = (
    "yes", "no", "correction_openers", "change_of_mind", "unsure", "nothing", "rather_not", "vague",
    "question_back", "request_forms", "cancel", "fillers", "conversation_words", "career_words",
    "asks_for_examples", "off_topic_openers", "nothing_to_add",
)  # fmt: skip


KNOWN_REPLY_KEYS = {
    *REPLY_KINDS, "words_of_request", "requests_in_words", "choice_synonyms", "yes_symbols", "no_symbols", "unsure_symbols",
}


@dataclass(frozen=True)
class Explanation:
    """What a question means, said when a client asks, and a gentler way in when they don't know."""

    explanation: str
    example: str = ""


@dataclass(frozen=True)
class ConversationWords:
    replies: Mapping[str, PhraseBook]
    words_of_request: Mapping[str, PhraseBook]  # per intent
    requests_in_words: Mapping[str, PhraseBook]  # per intent: asking for it in so many words
    choice_synonyms: Mapping[str, PhraseBook]  # an option title's first word -> other words for it
    yes_symbols: frozenset[str]
    no_symbols: frozenset[str]
    unsure_symbols: frozenset[str]
    asides: Mapping[str, PhraseBook]
    asides_of_others: Mapping[str, PhraseBook]  # the same feelings said of someone else
    acknowledgements: Mapping[str, tuple[str, ...]]
    questions: Mapping[str, Explanation]
    values: Mapping[str, PhraseBook]  # a work value's name -> the phrases that show it
    irregular: Mapping[str, str] = field(default_factory=dict)

    def explanation(self, key: str) -> Explanation:
        """The question's own explanation, or the general one of its kind of question."""
        return self.questions.get(key) or self.questions.get(key.split(".")[0]) or self.questions["default"]


def load_conversation_words(language: str = "en", extra_dir: Path | None = None) -> ConversationWords:
    phrase_folders = folders("conversation", language, extra_dir, "CONVERSATION_WORDS_DIR")
    compiler = PhraseCompiler(language, phrase_folders)
    replies: dict[str, list] = {kind: [] for kind in REPLY_KINDS}
    requests: dict[str, list] = {}
    asked: dict[str, list] = {}
    synonyms: dict[str, list] = {}
    symbols: dict[str, set[str]] = {"yes_symbols": set(), "no_symbols": set(), "unsure_symbols": set()}
    asides: dict[str, list] = {kind: [] for kind in ASIDES}
    of_others: dict[str, list] = {kind: [] for kind in ASIDES}
    acknowledgements: dict[str, list[str]] = {kind: [] for kind in ASIDES}
    questions: dict[str, Explanation] = {}
    values: dict[str, list] = {}
    for folder in phrase_folders:
        data = read(folder / "replies.yml")
        unknown = set(data) - KNOWN_REPLY_KEYS
        if unknown:  # a renamed or misspelt list would otherwise be ignored without a word
            raise ValueError(f"{folder / 'replies.yml'}: unknown lists {sorted(unknown)}; known: {sorted(KNOWN_REPLY_KEYS)}")
        for kind in REPLY_KINDS:
            replies[kind] += compiler.phrases(data.get(kind), REPLY_GAP, f"{folder / 'replies.yml'} ({kind})", kind=kind)
        for intent, notation in (data.get("words_of_request") or {}).items():
            where = f"{folder / 'replies.yml'} (words_of_request: {intent})"
            requests.setdefault(str(intent), []).extend(compiler.phrases([notation], 0, where))
        for intent, notations in (data.get("requests_in_words") or {}).items():
            where = f"{folder / 'replies.yml'} (requests_in_words: {intent})"
            asked.setdefault(str(intent), []).extend(compiler.phrases(notations, REPLY_GAP, where))
        for first_word, notation in (data.get("choice_synonyms") or {}).items():
            where = f"{folder / 'replies.yml'} (choice_synonyms: {first_word})"
            synonyms.setdefault(str(first_word).lower(), []).extend(compiler.phrases([notation], 0, where))
        for name in symbols:
            symbols[name] |= {str(symbol) for symbol in data.get(name) or []}
        data = read(folder / "asides.yml")
        for kind in ASIDES:
            entry: Any = data.get(kind) or {}
            # Exact: a feeling's near-spellings are other words ("cancel" is not "cancer").
            asides[kind] += compiler.phrases(entry.get("phrases"), 2, f"{folder / 'asides.yml'} ({kind})", exact=True, kind=kind)
            of_others[kind] += compiler.phrases(entry.get("someone_else"), 1, f"{folder / 'asides.yml'} ({kind}, someone_else)", exact=True)
            acknowledgements[kind] += [str(text).strip() for text in entry.get("acknowledgements") or []]
        for key, entry in (read(folder / "questions.yml").get("questions") or {}).items():
            questions[str(key)] = Explanation(str(entry.get("explanation", "")).strip(), str(entry.get("example", "")).strip())
        for name, notations in (read(folder / "values.yml").get("values") or {}).items():
            values.setdefault(str(name), []).extend(compiler.phrases(notations, 1, f"{folder / 'values.yml'} ({name})"))
    if "default" not in questions:
        raise ValueError("questions.yml must explain a `default` question")
    for kind, texts in acknowledgements.items():
        if not texts:
            raise ValueError(f"asides.yml has no acknowledgement for {kind!r}")
    book = lambda phrases: PhraseBook(phrases, compiler.irregular)  # noqa: E731
    return ConversationWords(
        replies={kind: book(phrases) for kind, phrases in replies.items()},
        words_of_request={intent: book(phrases) for intent, phrases in requests.items()},
        requests_in_words={intent: book(phrases) for intent, phrases in asked.items()},
        choice_synonyms={word: book(phrases) for word, phrases in synonyms.items()},
        yes_symbols=frozenset(symbols["yes_symbols"]),
        no_symbols=frozenset(symbols["no_symbols"]),
        unsure_symbols=frozenset(symbols["unsure_symbols"]),
        asides={kind: book(phrases) for kind, phrases in asides.items()},
        asides_of_others={kind: book(phrases) for kind, phrases in of_others.items()},
        acknowledgements={kind: tuple(texts) for kind, texts in acknowledgements.items()},
        questions=questions,
        values={name: book(phrases) for name, phrases in values.items()},
        irregular=compiler.irregular,
    )
