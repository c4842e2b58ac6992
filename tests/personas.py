"""Simulated clients: a persona (tests/corpora/personas/*.yml) driven through the real stack over the
whole journey, answering whatever the bot asks from that persona's replies, and a check on every
turn: did the bot take the reply the way the persona meant it?

The bot notes on each question what it asks (the message's `custom` note: a key such as
"options.attracts" and, where several alike questions are asked, which one); the simulation reads
the notes from the message log, picks the persona's next reply for that key, and checks:

- an answer, a yes, a no or a correction moves on (the same question is not asked again) and, where
  the persona says what should be stored, it is stored (the options' titles, a due date, a choice);
- a non-answer, a question back or something off-topic keeps the question (it is asked again) and
  stores nothing;
- a request does what it asks (`then`: the same question again, or a text the reply must hold);
- a feeling or an event is acknowledged first;
- nothing ever gets the crisis answer or the check question (the personas are not at risk).

A turn whose check fails is misunderstood. The transcripts go to reports/personas/.
"""

from __future__ import annotations

import datetime
import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import text

from bot.guidance.understanding.words import load_conversation_words
from bot.settings import PROJECT_ROOT
from bot.storage.engine import make_engine
from tests.stack_support import ChatClient, Stack

PERSONAS_DIR = PROJECT_ROOT / "tests" / "corpora" / "personas"
MOVES_ON = ("answer", "yes", "no", "correction", "valid_non_answer")
STAYS = ("non_answer", "question", "off_topic")
MAX_TURNS = 200


@dataclass
class Reply:
    say: str
    expect: str = "answer"
    value: Any = None  # what should be stored, where the simulation can look
    aside: bool = False  # the reply mentions a feeling or an event: acknowledged first
    payload: str | None = None  # a button's payload, when the persona taps one
    then: str | None = None  # for a request: "same question", or words the bot's answer holds


@dataclass
class Persona:
    name: str
    description: str
    replies: dict[str, list[Reply]]
    requests: list[Reply]

    @classmethod
    def load(cls, path: Path) -> "Persona":
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        replies = {key: [Reply(**r) for r in items] for key, items in (data.get("replies") or {}).items()}
        return cls(data["name"], data["description"], replies, [Reply(**r) for r in data.get("requests") or []])


@dataclass
class Turn:
    question: str | None
    said: str
    expected: str
    bot: list[str]
    problem: str | None = None


@dataclass
class Transcript:
    persona: str
    turns: list[Turn] = field(default_factory=list)

    @property
    def misunderstood(self) -> list[Turn]:
        return [turn for turn in self.turns if turn.problem]

    def as_markdown(self) -> str:
        lines = [f"# {self.persona}: {len(self.turns)} turns, {len(self.misunderstood)} misunderstood", ""]
        for turn in self.turns:
            lines.append(f"**client** ({turn.question or 'between parts'}, meant as {turn.expected}): {turn.said}")
            for said in turn.bot:
                lines.append(f"> **bot**: {said}".replace("\n", "\n> "))
            if turn.problem:
                lines.append(f"**MISUNDERSTOOD**: {turn.problem}")
            lines.append("")
        return "\n".join(lines)


class Simulation:
    def __init__(self, stack: Stack, persona: Persona) -> None:
        self.stack, self.persona = stack, persona
        self.engine = make_engine(stack.database_url)
        self.client = ChatClient(stack)
        self.client_id = ""
        self.used: dict[str, int] = {}
        self.corrected: dict[str, Any] = {}  # a correction said back, stored once the persona agrees
        self.requests = list(persona.requests)
        self.acknowledgements = {t for texts in load_conversation_words().acknowledgements.values() for t in texts}

    # -- reading the log ---------------------------------------------------------------------

    def _rows(self, query: str, **params: Any) -> list[Any]:
        with self.engine.connect() as connection:
            return connection.execute(text(query), {"c": self.client_id, **params}).all()

    def _bot_since(self, message_id: int) -> list[tuple[str, dict]]:
        rows = self._rows("SELECT text, content FROM messages WHERE client_id = :c AND direction = 'out' AND id > :m ORDER BY id", m=message_id)
        return [(t or "", (json.loads(c) if isinstance(c, str) else c) or {}) for t, c in rows]

    @staticmethod
    def _note(replies: list[tuple[str, dict]]) -> dict | None:
        for _, content in reversed(replies):
            custom = content.get("custom") or {}
            if custom.get("asks") == "question":
                return custom.get("question")
            if custom.get("asks"):
                return {"key": custom["asks"]}
        return None

    # -- the conversation --------------------------------------------------------------------

    def run(self) -> Transcript:
        transcript = Transcript(self.persona.name)
        opening = self._wait_for_opening()
        note, last_id = self._note(opening), 0
        for _ in range(MAX_TURNS):
            reply, key = self._next(note)
            if reply is None:
                break
            status, body = self.client.say(reply.say, reply.payload)
            assert status in (200, 202), body
            message_id = body["message"]["id"]
            if not self.client_id:
                self.client_id = self._rows("SELECT client_id FROM messages WHERE id = :m", m=message_id)[0][0]
            if status == 202:
                self.client.wait_for_reply_after(message_id)
            time.sleep(0.05)
            replies = self._bot_since(message_id)
            new_note = self._note(replies)
            turn = Turn(key, reply.say, reply.expect, [t for t, _ in replies])
            turn.problem = self._check(reply, note, new_note, replies)
            transcript.turns.append(turn)
            note, last_id = new_note, message_id
        self.engine.dispose()
        return transcript

    def _wait_for_opening(self) -> list[tuple[str, dict]]:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            messages = self.client.history()
            if any(m["buttons"] for m in messages):
                first_id = messages[0]["id"]
                self.client_id = self._rows("SELECT client_id FROM messages WHERE id = :m", m=first_id)[0][0]
                return self._bot_since(first_id - 1)
            time.sleep(0.2)
        raise AssertionError("the bot did not open the conversation")

    def _next(self, note: dict | None) -> tuple[Reply | None, str | None]:
        key = (note or {}).get("key")
        if key in self.persona.replies:
            used = self.used.get(key, 0)
            replies = self.persona.replies[key]
            self.used[key] = used + 1
            if used < len(replies):
                return replies[used], key
            # Asked once more than the persona has replies for: a real client agrees with what was
            # said back, or skips, rather than saying the same thing forever.
            if key.endswith("_check"):
                return Reply("yes", "yes", value=self.corrected.pop(key, None)), key
            return Reply("skip", "request"), key
        if key is not None and key not in ("safety", "risk_check"):
            return Reply("ok, fine", "answer"), key  # a question the persona has no reply for: a plain one
        return (self.requests.pop(0) if self.requests else None), None

    # -- the checks --------------------------------------------------------------------------

    def _check(self, reply: Reply, before: dict | None, after: dict | None, replies: list[tuple[str, dict]]) -> str | None:
        if any((content.get("custom") or {}).get("asks") in ("safety", "risk_check") for _, content in replies):
            return "got the crisis answer or the check question"
        if not replies:
            return "no answer"
        same = before is not None and after is not None and (before.get("key"), before.get("item")) == (after.get("key"), after.get("item"))
        if reply.aside and replies[0][0] not in self.acknowledgements:
            return "the feeling or event was not acknowledged first"
        if reply.expect == "correction" and same:
            # A correction is said back to be confirmed: right when the words said back are the new ones.
            self.corrected[before["key"]] = reply.value
            return None if _said_back(reply.say, replies[-1][0]) else "the correction was not said back"
        if reply.expect in MOVES_ON and same:
            return "the same question was asked again"
        if reply.expect in STAYS and not same:
            return "the question was not asked again"
        if reply.expect == "request" and reply.then:
            said = "\n".join(t for t, _ in replies)
            if reply.then == "same question" and not same:
                return "the question was not asked again after the request"
            if reply.then != "same question" and reply.then.lower() not in said.lower():
                return f"the answer does not say {reply.then!r}"
        if reply.value is not None and before is not None:
            return self._check_stored(before, reply.value)
        if reply.expect == "no" and before is not None and before.get("key") == "handoff.message":
            rows = self._rows("SELECT message FROM handoffs WHERE client_id = :c ORDER BY id DESC LIMIT 1")
            if rows and rows[0][0]:
                return f"the message for the practitioner stored as {rows[0][0]!r}"
        return None

    def _check_stored(self, note: dict, expected: Any) -> str | None:
        key, item = note.get("key"), note.get("item") or ""
        _, _, item_id = item.partition(":")
        if key in ("options.list", "decision.options"):
            titles = [t for (t,) in self._rows(
                "SELECT o.title FROM options o JOIN option_sets s ON s.id = o.option_set_id WHERE s.client_id = :c "
                "AND s.id = (SELECT MAX(id) FROM option_sets WHERE client_id = :c) AND o.origin = 'own' ORDER BY o.position")]
            return None if [t.lower() for t in titles] == [e.lower() for e in expected] else f"options stored as {titles}"
        if key == "decision.criteria":
            names = [n for (n,) in self._rows(
                "SELECT name FROM criteria WHERE decision_id = (SELECT MAX(id) FROM decisions WHERE client_id = :c) ORDER BY position")]
            return None if [n.lower() for n in names] == [e.lower() for e in expected] else f"criteria stored as {names}"
        if key in ("planning.steps",):
            steps = [d for (d,) in self._rows(
                "SELECT description FROM action_steps WHERE plan_id = (SELECT MAX(id) FROM action_plans WHERE client_id = :c) ORDER BY position")]
            return None if [s.lower() for s in steps] == [e.lower() for e in expected] else f"steps stored as {steps}"
        if key == "goals":
            goals = [g for (g,) in self._rows("SELECT text FROM goals WHERE client_id = :c AND status = 'active' ORDER BY position")]
            return None if [g.lower() for g in goals] == [e.lower() for e in expected] else f"goals stored as {goals}"
        if key == "planning.due" and item_id:
            rows = self._rows("SELECT due_date FROM action_steps WHERE id = :s", s=int(item_id))
            day = str(rows[0][0]) if rows and rows[0][0] is not None else None
            return None if day == expected_date(expected) else f"due date stored as {day}"
        if key == "decision.choice":
            rows = self._rows(
                "SELECT o.title FROM decisions d LEFT JOIN options o ON o.id = d.chosen_option_id WHERE d.client_id = :c ORDER BY d.id DESC LIMIT 1")
            chosen = rows[0][0] if rows else None
            return None if (chosen or "").lower() == str(expected).lower() else f"choice stored as {chosen}"
        if key.endswith("_check"):
            theme = key.removesuffix("_check")
            rows = self._rows("SELECT answer FROM reflections WHERE client_id = :c AND theme = :t ORDER BY id DESC LIMIT 1", t=theme)
            stored = rows[0][0] if rows else None
            return None if (stored or "").lower() == str(expected).lower() else f"{theme} stored as {stored!r}"
        return None


def expected_date(spec: str, today: datetime.date | None = None) -> str:
    """The date a persona means, worked out here independently of the bot's date reading."""
    today = today or datetime.date.today()
    if spec.startswith("end of month "):  # "end of month 1": the last day of the next January
        month = int(spec.split()[-1])
        year = today.year if month >= today.month else today.year + 1
        following = datetime.date(year + (month == 12), month % 12 + 1, 1)
        return (following - datetime.timedelta(days=1)).isoformat()
    if spec.startswith("in days "):
        return (today + datetime.timedelta(days=int(spec.split()[-1]))).isoformat()
    if spec.startswith("weekday "):  # "weekday 0": the next Monday after today
        target = int(spec.split()[-1])
        ahead = (target - today.weekday()) % 7 or 7
        return (today + datetime.timedelta(days=ahead)).isoformat()
    return spec


def load_personas() -> list[Persona]:
    return [Persona.load(path) for path in sorted(PERSONAS_DIR.glob("*.yml"))]


def write_transcripts(transcripts: list[Transcript], folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for transcript in transcripts:
        (folder / f"{transcript.persona}.md").write_text(transcript.as_markdown(), encoding="utf-8")


def _said_back(correction: str, said_back: str) -> bool:
    """Most of the correction's own words (past its opening "no," or "not quite,") are in what the bot said back."""
    after_opening = correction.split(",", 1)[-1]
    words = [w.strip(".,!?'").lower() for w in after_opening.split() if len(w.strip(".,!?'")) > 3]
    said = said_back.lower()
    return bool(words) and sum(w in said for w in words) >= max(1, len(words) // 2)
