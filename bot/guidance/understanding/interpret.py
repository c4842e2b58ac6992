"""The one interpretation step for every reply to a question: what the reply is, in the context of
the question it answers.

Input: the question (its kind, and for a choice its options), the client's text, and what the
classifier heard in it (`Heard`). Output: one `Reading`: an answer with its clean value, yes, no or
a correction, a non-answer, a question about the question, a request to do something else, or
something off-topic; with any feeling or event mentioned alongside.

The order follows how a practitioner listens: what the question can take comes first (a date in
"next friday" answers "by when?" whatever the classifier heard); a request must look like one in an
open question ("the reflection questions" answers "what helped you?"); a message that is nothing but
"idk" is a non-answer, while "idk how to find a game tester job" answers "what don't you know yet?".
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from typing import Any, Mapping

from bot.guidance.dates import parse_due_date
from bot.guidance.phrases import Found
from bot.guidance.understanding.choices import chosen, last_named
from bot.guidance.understanding import shapes
from bot.guidance.understanding.edits import edit_of
from bot.guidance.understanding.lists import EDGES, is_only_non_answer, split_items, strip_fillers
from bot.guidance.understanding.numbers import rating_in_words, ratings_in
from bot.guidance.understanding.reading import (
    ANSWER,
    ASIDES,
    CHOICE,
    CONFIRM,
    CORRECTION,
    DATE,
    EXAMPLES,
    LIST,
    NO,
    NON_ANSWER,
    NOTHING,
    OFF_TOPIC,
    OPEN,
    QUESTION,
    RATHER_NOT,
    RATING,
    REQUEST,
    UNSURE,
    VAGUE,
    YES,
    YES_NO,
    Question,
    Reading,
)
from bot.guidance.understanding.words import ConversationWords

# Intents that ask to do something else, and the confidence at which the classifier is believed.
REQUEST_INTENTS = {
    "pause", "help", "request_human", "bot_challenge", "show_progress", "show_plan", "delete_my_data",
    "show_my_data", "greet", "resume", "go_back", "skip", "goodbye", "start_reflection", "explore_options",
    "make_decision", "plan_actions", "review_progress", "give_feedback", "edit_options",
}  # fmt: skip
PHASE_INTENTS = {"start_reflection", "explore_options", "make_decision", "plan_actions", "review_progress", "give_feedback"}
SURE = 0.8
LESS_SURE = 0.5
MAX_WORDS_OF_A_COMMAND = 6
# A request in so many words counts this many words into a message ("hold on can we go back one"), or
# a few words into a later sentence or after "so" (_asked_in_words says which).
MAX_WORDS_BEFORE_A_REQUEST = 7
STRICT = (RATING, DATE, CHOICE, CONFIRM, YES_NO)
# Questions whose answer may well be a question: the client's message for their practitioner.
QUESTIONS_WELCOME = {"handoff.message"}
# Questions about what the client wants from the process: "decide between teaching and museum
# work" or "plan my next steps" is a goal there; stepping out takes asking ("can we plan my steps").
QUESTIONS_OF_WANTS = {"goals"}
_COMMAND_VERBS = {"plan", "review", "reflect", "explore", "decide", "help", "give", "check", "weigh", "compare", "update", "show", "skip", "pause", "stop", "go", "delete", "send", "talk", "tell"}


@dataclass(frozen=True)
class Heard:
    """What the classifier made of a message."""

    intent: str | None = None
    confidence: float = 0.0

    @classmethod
    def from_parse(cls, parse: Mapping[str, Any] | None) -> "Heard":
        intent = (parse or {}).get("intent") or {}
        return cls(intent.get("name"), float(intent.get("confidence") or 0.0))


def interpret(
    question: Question, text: str | None, heard: Heard, words: ConversationWords, today: datetime.date
) -> Reading:
    said = "\n".join(" ".join(line.split()) for line in (text or "").splitlines() if line.strip())
    if said.startswith("/"):
        return _button(question, said)
    reading = _Listener(question, said, heard, words, today).read()
    return Reading(reading.outcome, reading.value, aside_in(said, words), reading.intent)


class _Listener:
    """Reads one reply; each method answers one question about it."""

    def __init__(self, question: Question, said: str, heard: Heard, words: ConversationWords, today: datetime.date) -> None:
        self.question, self.said, self.heard, self.words, self.today = question, said, heard, words, today
        self.plain = strip_fillers(said, words) or said.strip(EDGES)

    def read(self) -> Reading:
        # "remove 2" answers the handoff's "would you like to take anything out?".
        edit = edit_of(self.said) if self.question.key != "handoff.remove" else None
        if edit is not None:
            return Reading(REQUEST, edit.as_dict(), intent="edit_options")
        asks_to_cancel = self._whole("cancel") or self._starts_with("cancel") or (self._first("cancel") and self._first("request_forms"))
        if self.question.key.startswith("handoff.") and asks_to_cancel:
            return Reading(REQUEST, "cancel", intent="deny")
        return getattr(self, f"_{self.question.kind}")()

    # -- the kinds of question -----------------------------------------------------------------

    def _confirm(self) -> Reading:
        answer = self._yes_or_no()
        if answer is not None and self._only_yes_or_no():
            return Reading(answer)
        if self._says_i_was_right():
            return Reading(YES)
        if non_answer := self._non_answer(leading=True):
            return Reading(*non_answer)
        if self._first("question_back"):
            return self._question_back()
        correction = self._correction()
        if correction and shapes.RIGHT_AFTER_ALL.match(correction):
            return Reading(YES)  # "no actually thats right, ignore me"
        if correction is not None and not self._first("request_forms"):
            return Reading(CORRECTION, correction) if correction else Reading(NO)
        if other := self._other():
            return other
        if correction is not None:
            return Reading(CORRECTION, correction) if correction else Reading(NO)
        if answer is not None:
            return Reading(answer)
        if shapes.YES_AT_THE_END.search(self.said) and not self.words.replies["no"].find(self.said):
            return Reading(YES)
        return Reading(CORRECTION, shapes.LEADING_FILLER.sub("", self.said).strip(EDGES))

    def _yes_no(self) -> Reading:
        answer = self._yes_or_no()
        asks_more = self._first("request_forms", after=self._first_yes_or_no_end())
        if answer is not None and (self._only_yes_or_no() or not asks_more):
            return Reading(answer)
        if non_answer := self._non_answer(leading=True):
            return Reading(*non_answer)
        if other := self._other():
            return other
        if answer is not None:
            return Reading(answer)
        if self.heard.intent in ("affirm", "deny") and self.heard.confidence >= SURE:
            return Reading(YES if self.heard.intent == "affirm" else NO)
        return self._unread()

    def _rating(self) -> Reading:
        if self._opens_off_topic() and self.said.rstrip().endswith("?"):
            return Reading(OFF_TOPIC)  # "By the way you know where I can change my licence for a UK one?"; "btw its a 4" rates
        if self._first("request_forms") and (other := self._other()):
            return other
        change = self._change_of_mind_at()
        ratings = ratings_in(self.said, change)
        rating_last = re.search(r"[,.;:]\s*\d\s*[.!]?$", self.said)  # "is very important, 5"
        # "1 is good or bad?", "so 3 is like in the middle?" ask about the scale; "maybe 3?" answers.
        about_the_scale = (
            self.said.rstrip().endswith("?") and len(self.said.split()) >= 3
            and not shapes.HEDGED_ANSWER.match(self.said) and bool(shapes.ASKING_ABOUT_THE_SCALE.search(self.said))
        )  # fmt: skip
        if ratings and not about_the_scale and (not shapes.QUESTION_OPENING.match(self.said) or rating_last):
            if len(set(ratings)) == 1 or change is not None:
                return Reading(ANSWER, ratings[-1] if change is not None else ratings[0])
            return Reading(ANSWER, ratings)  # several at once ("4 2 5"): the phase decides whether it takes them
        if non_answer := self._non_answer(leading=True):
            return Reading(*non_answer)
        if other := self._other():
            return other
        in_words = rating_in_words(self.plain) if len(self.said.split()) <= 6 else None
        return Reading(ANSWER, in_words) if in_words is not None else self._unread()

    def _date(self) -> Reading:
        opening = shapes.LEADING_FILLER.sub("", self.said).strip(EDGES)
        vague = [f for f in self.words.replies["vague"].find(opening) if f.first == 0]
        # "soon" is vague; "soon, maybe next friday" and "later today" name a day after it.
        after_vague = opening[max(f.end for f in vague) :] if vague else ""
        if vague and not (shapes.NAMES_A_DAY.search(after_vague) and parse_due_date(after_vague, self.today)):
            return Reading(NON_ANSWER, VAGUE)
        if self._first("request_forms") and (other := self._other()):
            return other
        change = self._change_of_mind_at()
        day = (parse_due_date(self.said[change:], self.today) if change is not None else None) or parse_due_date(self.said, self.today)
        if day == self.today and shapes.HAPPENED_TODAY.search(self.said):
            day = None  # "my year 9s made me a card today" tells of today, it does not answer "by when?"
        if day is not None and day >= self.today and not self._question_shaped():
            return Reading(ANSWER, day.isoformat())
        if self._first("vague"):
            return Reading(NON_ANSWER, VAGUE)
        if non_answer := self._non_answer(leading=True):
            return Reading(*non_answer)
        if other := self._other():
            return other
        return self._unread()

    def _choice(self) -> Reading:
        options = self.question.options
        if asked := self._asked_in_words():
            return Reading(REQUEST, asked, intent=asked)  # "wait can u remind me whats in my plan so far" postpones nothing
        if self.said.rstrip().endswith("?") and self._first("question_back"):
            return self._question_back()  # "if i pick one can i change it later?" postpones nothing
        change = self._change_of_mind_at()
        pick = self._option_in(self.said[change:]) if change is not None else None
        pick = pick or self._option_in(self.said)
        asked_elsewhere = shapes.QUESTION_OPENING.match(self.said) and (self.said.rstrip().endswith("?") or self._off_topic_intent())
        if pick is not None and not asked_elsewhere:
            return Reading(ANSWER, pick)
        if non_answer := self._non_answer(leading=True):
            return Reading(*non_answer)
        if other := self._other():
            return other
        named = last_named(self.said, options)
        return Reading(ANSWER, named) if named is not None else self._unread()

    def _list(self) -> Reading:
        if self.question.nothing_is_an_answer and self._says_no_more():
            return Reading(NO)
        if non_answer := self._non_answer():
            return Reading(*non_answer)
        if self._yes_or_no() == YES and self._only_yes_or_no(loose=True):
            return Reading(NON_ANSWER, VAGUE)  # "ok, fine" names nothing: never an item called "fine"
        if other := self._other():
            return other
        return Reading(ANSWER, split_items(self.said, self.words) or None)

    def _open(self) -> Reading:
        if self.question.nothing_is_an_answer and self._says_no_more(opening_only=True):
            return Reading(NO)  # "no" to "anything you'd like to tell them? ... or say no message" is no message
        if non_answer := self._non_answer():
            return Reading(*non_answer)
        if other := self._other():
            return other
        answer = self.said.strip()
        return Reading(ANSWER, answer if any(ch.isalnum() for ch in answer) else None)

    # -- what a reply can be besides an answer -------------------------------------------------

    def _other(self) -> Reading | None:
        """A question about the question, a request, or something off-topic; None when none."""
        if self.question.key in QUESTIONS_WELCOME:
            intent = self._requested()
            return Reading(REQUEST, intent, intent=intent) if intent and self._asks_or_commands() else None
        if asked := self._asked_in_words():
            return Reading(REQUEST, asked, intent=asked)  # "how do i rate this bot" asks to give feedback
        if self._opens_off_topic():
            return Reading(OFF_TOPIC)
        # The classifier alone hears a question back only where the reply is not about the options
        # or working life ("what the pay is like" answers "what don't you know yet?").
        classifier_asks = self.heard.intent == "ask_clarification" and self.heard.confidence >= 0.5 and self._question_shaped()
        if self._first("question_back") or (shapes.CLARIFYING.match(self.said) and self.question.kind != LIST) or self._asks_which():
            return self._question_back()
        if classifier_asks and (self.question.kind in STRICT or self._about_something_else()):
            # "whats the best spf for oily skin" asks about something else entirely, not about the question.
            return Reading(OFF_TOPIC) if self._asks_about_something_else() else self._question_back()
        # "will my advisor know?", "is 5 the most important?": asking about the conversation, not for something.
        short_question = self.question.kind in STRICT or len(self.said.split()) <= 10
        about = shapes.ASKING_ABOUT.match(self.said) or (self.said.rstrip().endswith("?") and not self._first("request_forms"))
        if short_question and about and self._first("conversation_words"):
            return self._question_back()
        if intent := self._requested():
            return Reading(REQUEST, intent, intent=intent)
        if self._question_shaped() and (self.question.kind in STRICT or self.said.rstrip().endswith("?") or len(self.said.split()) <= 12):
            # A question in reply: about the conversation (what the bot asked, the process, the
            # practitioner) or about something else. In an open question a long one can be an answer
            # ("how much it costs to start one" answers "what don't you know yet?").
            if self._first("conversation_words") and self.heard.intent != "out_of_scope":
                return self._question_back()
            if self.question.kind in STRICT or (self._off_topic_intent() and self._about_something_else()):
                return Reading(OFF_TOPIC)
        if self._off_topic_intent() and (self.question.kind in STRICT or self._is_command()):
            return Reading(OFF_TOPIC)
        if self._question_shaped() and len(self.said.split()) <= 12 and self._about_something_else():
            return Reading(OFF_TOPIC)  # "hows the traffic on the m6 rn", whatever the classifier made of it
        return None

    def _asks_which(self) -> bool:
        """"per week or per year?", "at work or in general?": which of two is meant. At a list
        question "nursing or teaching?" names two items; "do you want them ranked?" still asks."""
        if not self.said.rstrip().endswith("?"):
            return False
        if self.question.kind == LIST:
            return bool(shapes.ASKING_THE_LIST.match(self.said))
        # "can we stop now or carry on later?" asks for something, not which is meant.
        return bool(re.search(r"\bor\b", self.said, re.I)) and len(self.said.split()) <= 12 and not self._first("request_forms")

    def _opens_off_topic(self) -> bool:
        """"By the way, ...", "random but ...", "do you know any good ...": about something else,
        unless it asks about the question itself."""
        opener = self._first("off_topic_openers")
        if opener is None or self._first("question_back"):
            return False  # "do you know what criteria means?" asks about the question
        opening = self.said[opener.start : opener.end]
        if shapes.INTERRUPTION.search(opening):
            # "sorry the window cleaner has just turned up": the news comes after who brought it.
            return opener.first <= 6 and self._about_something_else()
        if opener.first > 3:
            return False
        if not shapes.BY_THE_WAY.match(opening):
            return True  # "u know any good kebab shops", "tell me a joke": about something else whatever follows
        # "by the way i also have a forklift licence" still answers; "unrelated but is it just me or ..." asks.
        after = re.sub(r"^[\s,:;.!-]*(?:but\s+)?", "", self.said[opener.end :])
        return "?" in self.said or bool(shapes.QUESTION_OPENING.match(after)) or self._about_something_else()

    def _about_something_else(self) -> bool:
        """No word of work, study, money, the people around the client, the conversation or the options."""
        if self._first("career_words") or self._first("conversation_words"):
            return False
        said = self.said.lower()
        return not any(word in said for option in self.question.options for word in option.lower().split() if len(word) > 3)

    def _asks_about_something_else(self) -> bool:
        """A question of some length about something else, naming what it asks about ("how does that
        work?" points back at the conversation)."""
        said_words = re.findall(r"[\w']+", self.said.lower())
        pointing_back = {"that", "this", "it", "those", "these", "one"}
        return len(said_words) >= 5 and not pointing_back.intersection(said_words) and self._about_something_else()

    def _unread(self) -> Reading:
        """A reply a strict question could not read: off-topic when it is about something else
        ("lmao my cat just knocked my tea over" at a rating), otherwise asked again."""
        if len(self.said.split()) >= 3 and (self._about_something_else() or (len(self.said.split()) >= 5 and shapes.CHATTY.search(self.said))):
            return Reading(OFF_TOPIC)  # "my manager just brought doughnuts in today lol" at a date
        return Reading(ANSWER, None)

    def _question_back(self) -> Reading:
        """A question about the question; "can u give me examples" asks for examples in particular."""
        return Reading(QUESTION, EXAMPLES if self._first("asks_for_examples") else None)

    def _question_shaped(self) -> bool:
        return bool(shapes.QUESTION_OPENING.match(self.said) or self.said.rstrip().endswith("?"))

    def _off_topic_intent(self) -> bool:
        return self.heard.intent == "out_of_scope" and self.heard.confidence >= SURE

    def _requested(self) -> str | None:
        """The intent the client asks to carry out instead of answering, if they clearly do."""
        asked = self._asked_in_words()
        if asked is not None:
            return asked
        intent = _disambiguated(self.heard.intent, self.said)
        if intent not in REQUEST_INTENTS:
            return None
        short = len(self.said.split()) <= MAX_WORDS_OF_A_COMMAND
        asks = self._first("request_forms") is not None
        book = self.words.words_of_request.get(intent)
        says_what = book is None or bool(book.find(self.said))
        # Less sure, the classifier is still believed when the words ask for just that ("can i see my plan first").
        if self.heard.confidence < (SURE if not (asks and says_what and book is not None) else LESS_SURE):
            return None
        if self.question.key in QUESTIONS_OF_WANTS and not asks:
            return None
        if intent in PHASE_INTENTS:
            # Naming a part is an answer ("the reflection questions helped"); asking for it is a request.
            return intent if says_what and (asks or self._is_command()) else None
        confident = self.heard.confidence >= 0.95 and len(self.said.split()) <= 10 and bool(shapes.QUESTION_OPENING.match(self.said) or self._is_command())
        # In an open question a short noun phrase is an answer ("the plan" helped most); a short
        # command or a request asks ("show my plan", "can i see my plan").
        short = short and not shapes.NOUN_PHRASE.match(self.plain)
        if self.question.kind in (OPEN, LIST) and not (says_what and (short or asks or confident)):
            return None
        if self.question.kind in STRICT and not says_what:
            return None
        return intent

    def _asked_in_words(self) -> str | None:
        """What the client asks for in so many words as the message opens, whatever the classifier heard.
        A request opening a later sentence counts too ("I'm not very good with computers dear, how does this
        thing work?"). At a question about what they want, or for their practitioner, asking to go to a
        part or to speak to someone is an answer ("i'd like to explore options", "i would like to speak to
        a real person in the industry", "could we talk about my options next time")."""
        found = [
            (f.first, f.first - f.last, intent)  # the earliest, then the longest: "go back to basics" over "go back"
            for intent, book in self.words.requests_in_words.items()
            if not (self.question.key in QUESTIONS_OF_WANTS | QUESTIONS_WELCOME and intent in PHASE_INTENTS | {"request_human"})
            for f in book.find(self.said)
            if f.first <= MAX_WORDS_BEFORE_A_REQUEST or re.search(r"(?:[,.;:!?]|\bso\b)\s*(?:[\w']+\s+){0,6}$", self.said[: f.start])
        ]
        return min(found)[2] if found else None

    def _asks_or_commands(self) -> bool:
        return self._first("request_forms") is not None or self._is_command()

    def _is_command(self) -> bool:
        """A bare command: a verb first, and short ("plan my steps", "review my progress")."""
        first = self.plain.split()[0].lower() if self.plain.split() else ""
        return first in _COMMAND_VERBS and len(self.said.split()) <= MAX_WORDS_OF_A_COMMAND

    # -- yes, no and corrections ---------------------------------------------------------------

    def _yes_or_no(self) -> str | None:
        """YES or NO as the message opens (or as lone symbols), or None."""
        stripped = self.said.strip()
        if stripped and all(ch.isspace() or ch in "".join(self.words.yes_symbols) for ch in stripped):
            return YES
        if stripped and all(ch.isspace() or ch in "".join(self.words.no_symbols) for ch in stripped):
            return NO
        if self._says_i_was_right():
            return YES
        for text in (self.said, self.plain):
            found = [(f, kind) for kind in ("yes", "no") for f in self.words.replies[kind].find(text)]
            # An opening yes or no; in a yes-or-no question also a telling phrase anywhere ("id rather not share it").
            opening = [
                (f.first, -(f.last - f.first), kind) for f, kind in found
                if f.first == 0 or (self.question.kind == YES_NO and f.last > f.first)
            ]
            if opening:
                return YES if min(opening)[2] == "yes" else NO
        return None

    def _says_no_more(self, opening_only: bool = False) -> bool:
        """At "name it or say no": a no ("no, i'm happy with my three"), nothing more to add in other
        words ("thats the lot"), or a no to end with ("no one's suggested anything, no"); with
        `opening_only` (an open question's answer can end in a no: "if my manager says no") not the last."""
        if self._yes_or_no() == NO and (self._only_yes_or_no(loose=True) or self._no_then_remark()):
            return True
        if self._whole("nothing_to_add"):
            return True
        opening = [f for f in self.words.replies["nothing_to_add"].find(self.said) if f.first == 0]
        if opening:  # "thats the lot, thanks" says no more; "those two are enough but add plumbing" adds one
            rest = self.said[max(f.end for f in opening) :].strip(EDGES)
            return not rest or bool(shapes.REMARK.match(rest))
        return not opening_only and bool(re.search(r"(?:^|[\s,.])(?:no|nope|nah)\W*$", self.said, re.I)) and len(self.said.split()) > 1

    def _no_then_remark(self) -> bool:
        """A no as the message opens, and after it a remark about the list, not another item."""
        opening = [f for f in self.words.replies["no"].find(self.said) if f.first == 0]
        rest = self.said[max(f.end for f in opening) :].strip(EDGES) if opening else None
        return rest is not None and (not rest or bool(shapes.REMARK.match(rest)))

    def _first_yes_or_no_end(self) -> int:
        found = [f for kind in ("yes", "no") for f in self.words.replies[kind].find(self.said) if f.first <= 1]
        return max((f.end for f in found), default=0)

    def _says_i_was_right(self) -> bool:
        """"no I meant what you said before was right": a yes, whatever word it opens with."""
        return any(
            re.search(r"\b(right|correct)\b", self.said[f.start : f.end], re.I) and f.last - f.first >= 3
            for f in self.words.replies["yes"].find(self.said)
        )

    def _only_yes_or_no(self, loose: bool = False) -> bool:
        """The message is only yes or no words (and fillers), with nothing after them that says more."""
        rest = self.said
        for kind in ("yes", "no"):
            while found := self.words.replies[kind].find(rest):
                longest = max(found, key=lambda f: f.end - f.start)
                rest = rest[: longest.start] + " " + rest[longest.end :]
        rest = re.sub(r"[\W_]+", " ", strip_fillers(rest, self.words)).strip()
        left = [w for w in rest.split() if w.lower() not in {"im", "i", "good", "thanks", "thank", "you", "please", "pls", "mate"}] if loose else rest.split()
        return len(left) <= (1 if not loose else 0) and not re.search(r"\bbut\b", self.said, re.I)

    def _correction(self) -> str | None:
        """What the client says instead, after "no,", "not quite:", "ya... actually no,"; "" when the
        rest is not a correction but an aside ("no. sorry, bit all over the place today")."""
        said = shapes.LEADING_FILLER.sub("", self.said) if re.match(r"^(?:well|hmm+|oh|ah|um+|erm|lol|ok|okay|so|sorry)\b", self.said, re.I) else self.said
        openers = [f for f in self.words.replies["correction_openers"].find(said) if f.first == 0]
        # A change of mind splits off what came before only when that was a yes or no ("ya... actually no,").
        changes = [
            f for f in self.words.replies["change_of_mind"].find(said)
            if f.first == 0 or self._only_yes_or_no_in(said[: f.start])
        ]
        marks = openers + changes
        if not marks:
            return None
        end = max(f.end for f in marks)
        rest = re.sub(r"^[^\w]+", "", said[end:]).strip(EDGES)  # "noo 🙈 more like ...": the emoji goes too
        # A second opener after the first ("nah other way round, ..."), and politeness ("I'm afraid:").
        again = [f for f in self.words.replies["correction_openers"].find(rest) if f.first == 0]
        rest = rest[max(f.end for f in again) :].strip(EDGES) if again else rest
        rest = re.sub(r"^(?:actually|no|nah|but|except|though|however|i'?m afraid|im afraid|i am afraid|sadly|unfortunately)\b[\s,:]*", "", rest, flags=re.I).strip(EDGES)
        rest = re.sub(r"^(?:(?:lol|haha+|lmao|tbh|mate|honestly)\b[\s,.]*)+", "", rest, flags=re.I).strip(EDGES)  # "nope lol visual merchandiser"
        if re.match(r"^(?:sorry|thanks|thank you|ok|okay|just)\b", rest, re.I) or not rest:
            return ""
        if self._only_yes_or_no_in(rest) or re.match(r"^not (?:me|really|at all|quite|so much|even close|feeling it|for me)$", rest, re.I) or shapes.JUST_WRONG.match(rest):
            return ""  # "nah not me": a no said twice, nothing instead
        return rest

    def _only_yes_or_no_in(self, text: str) -> bool:
        rest = text
        for kind in ("yes", "no"):
            while found := self.words.replies[kind].find(rest):
                longest = max(found, key=lambda f: f.end - f.start)
                rest = rest[: longest.start] + " " + rest[longest.end :]
        return bool(text.strip(EDGES)) and not re.sub(r"[\W_]+", "", rest)

    def _change_of_mind_at(self) -> int | None:
        """Where the client's last change of mind ends ("like a 4. actually no, 3" -> before "3";
        "thursday. sorry friday" and "3. hmm no 2" too)."""
        found = [f.end for f in self.words.replies["change_of_mind"].find(self.said)]
        found += [m.end() for m in shapes.CORRECTED.finditer(self.said)]
        return max(found) if found else None

    # -- non-answers ---------------------------------------------------------------------------

    def _non_answer(self, leading: bool = False) -> tuple[str, str] | None:
        """(NON_ANSWER, what kind) when the message is a non-answer; with `leading`, also when it opens
        with one (a strict question has nothing else to take: "not sure, depends on my rota")."""
        for kind, value in (("rather_not", RATHER_NOT), ("nothing", NOTHING), ("unsure", UNSURE)):
            if self._whole(kind) or (kind == "rather_not" and self._first(kind)):
                return NON_ANSWER, value
            if leading and self._starts_with(kind):
                return NON_ANSWER, value
            if not strip_fillers(self.said, self.words) and self._first(kind):
                return NON_ANSWER, value  # nothing but fillers and "idk"
        if is_only_non_answer(self.said, self.words):
            return NON_ANSWER, UNSURE
        if not any(ch.isalnum() for ch in self.said) and any(symbol in self.said for symbol in self.words.unsure_symbols):
            return NON_ANSWER, UNSURE
        for kind, value in (("nothing", NOTHING), ("unsure", UNSURE)):
            if self._opens_with_then_explains(kind):
                return NON_ANSWER, value
        return None

    def _opens_with_then_explains(self, kind: str) -> bool:
        """"I don't know, I never think about this", "nothing, it was very well done": the non-answer,
        then a sentence about it; a hedge after it brings an answer after all ("idk, maybe nursing")."""
        opening = shapes.LEADING_FILLER.sub("", self.said).strip(EDGES)
        for found in self.words.replies[kind].find(opening):
            rest = opening[found.end :]
            if found.first == 0 and re.match(r"^\s*[,.;!…–—-]", rest) and shapes.ABOUT_ITSELF.match(rest.strip(EDGES)):
                return True
        return False

    # -- choices -------------------------------------------------------------------------------

    def _option_in(self, text: str) -> str | None:
        """An option by its other words ("stuck" is Blocked; the longest found wins), else by title or number."""
        by_synonym = []
        for option in self.question.options:
            book = self.words.choice_synonyms.get(option.split()[0].lower()) if option.split() else None
            by_synonym += [(f.last - f.first, option) for f in (book.find(text) if book else [])]
        if by_synonym:
            return max(by_synonym)[1]
        return chosen(text, self.question.options)

    # -- helpers -------------------------------------------------------------------------------

    def _first(self, kind: str, after: int = 0) -> Found | None:
        found = [f for f in self.words.replies[kind].find(self.said) if f.start >= after]
        return min(found, key=lambda f: (f.start, -f.end)) if found else None

    def _whole(self, kind: str) -> bool:
        """The `kind` phrases make up the whole message (bar fillers and punctuation)."""
        for text in {self.plain.strip(EDGES), self.said.strip(EDGES)}:
            covered = set()
            for found in self.words.replies[kind].find_all(text):
                covered.update(range(found.start, found.end))
            rest = "".join(ch for i, ch in enumerate(text) if i not in covered)
            if text and covered and not re.sub(r"[\W_]+", "", strip_fillers(rest, self.words) if rest.strip(EDGES) else ""):
                return True
        return False

    def _starts_with(self, kind: str) -> bool:
        opening = shapes.LEADING_FILLER.sub("", self.said).strip(EDGES)
        return any(f.first == 0 for f in self.words.replies[kind].find(opening))


def _disambiguated(intent: str | None, said: str) -> str | None:
    """Where two requests sound alike, the words decide ("can i see my plan" shows it; "plan my steps" makes one)."""
    lowered = said.lower()
    if intent in ("show_plan", "plan_actions"):
        if re.search(r"\b(see|show|look at|view|read|check)\b.*\bplan\b|\bmy plan\b\s*(?:so far|again)?\s*\??$", lowered):
            return "show_plan"
        if re.search(r"\b(plan|make|set|create|write|add)\b.*\b(steps|plan|actions)\b", lowered):
            return "plan_actions"
    if intent in ("show_progress", "review_progress"):
        if re.search(r"\b(review|check in|check-in|update|done|did)\b", lowered):
            return "review_progress"
        if re.search(r"\b(where am i|so far|how far|show)\b", lowered):
            return "show_progress"
    return intent


def aside_in(said: str, words: ConversationWords) -> str | None:
    """The feeling or event mentioned alongside, the first kind found in ASIDES order."""
    for kind in ASIDES:
        someone_elses = words.asides_of_others[kind].find_all(said)
        if any(not any(found.overlaps(other) for other in someone_elses) for found in words.asides[kind].find_all(said)):
            return kind
    return None


def _button(question: Question, payload: str) -> Reading:
    intent = payload[1:].split("{", 1)[0]
    if intent in ("affirm", "deny") and question.kind in (CONFIRM, YES_NO):
        return Reading(YES if intent == "affirm" else NO)
    if intent == "deny" and question.nothing_is_an_answer:
        return Reading(NO)
    if intent == "skip":
        return Reading(REQUEST, "skip", intent="skip")
    return Reading(REQUEST, intent, intent=intent)
