"""Handoff: the client sees the summary their practitioner would get, takes out what they want,
adds a message, chooses whether the transcript goes too, and approves or cancels.

Nothing reaches the practitioner before the client approves; a cancelled draft keeps nothing.
The questions are a step phase (actions/step_form.py), so back, skip, pause and resume work as
everywhere else. A form paused to ask for the handoff stays paused, and is offered afterwards.
"""

from __future__ import annotations

import re
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlalchemy.orm import Session

from actions.database import client_data
from actions.forms import intent_name, reading_of
from actions.pause import PAUSED_FORM_SLOT
from actions.readers import NOTHING, Message, addition_of, yes_or_no
from actions.step_form import (
    ANSWERED_STEPS_SLOT,
    PHASE_COMPLETE,
    AskNextStep,
    Step,
    StepForm,
    StepPhase,
    answered_by_phase,
    answered_keys,
)
from bot.guidance.journey import HANDOFF_FORM, PHASE_FORMS, suggestion_buttons
from bot.guidance.understanding.reading import REQUEST, YES_NO
from bot.handoff.summary import summary_text
from bot.settings import load_settings
from bot.storage.handoffs import (
    approve,
    cancel,
    discard_draft,
    draft_of,
    kept_items,
    latest_handoff,
    remove_items,
    restore_items,
    start_draft,
)
from bot.storage.models import HANDOFF_APPROVED, Client
from bot.storage.progress import snapshot

KEEP_ALL = "keep"
RESTORE = "restore"
_NUMBER = re.compile(r"\b\d{1,2}\b")
_KEEP_WORDS = re.compile(
    r"^((please|no|nah|nope|oh)[ ,]+)?(keep( (it|them|everything|all|the lot))?( all| as (it|they) (is|are))?|leave (it|them|everything)( as (it|they) (is|are))?|"
    r"nothing|none|no|nope|no thanks|it'?s fine|that'?s fine|thats fine|fine|all good|looks good|all fine|ok(ay)?)"
    r"([ ,]+(please|pls|thanks|thank you|thx|ta|thanks?|it'?s fine|its all fine|that'?s fine))*$"
)
_RESTORE_WORDS = re.compile(r"\b(put (it|them|everything|all)( \w+)* back|restore|undo|bring (it|them) back)\b")
_SEND_WORDS = re.compile(r"\b(send|approve|yes|go ahead|ok(ay)?|sure|do it)\b")
_NOT_SENDING = re.compile(r"\b(don'?t|do not|not|never)( \w+)? send\b")
_CANCEL_WORDS = re.compile(r"\b(cancel|no|stop|never ?mind)\b")
_NOT_SHARING = re.compile(r"\b(don'?t|do not|not|rather not|no need to)\b.*\bshare\b|\bjust the summary\b|\bprivate\b")
_SHARING = re.compile(r"\bshare\b|^(yes|yeah|yep|sure|ok(ay)?|please do|fine)\b")
_NO_WORDS = re.compile(r"^(no|nope|not|don'?t|rather not|no thanks)\b")

# Who reads a handoff of a client who came without a practitioner's invitation.
NO_PRACTITIONER_READER = "the guidance service's team"

_CANCELLING = re.compile(
    r"(please )?(cancel( it| that| this| the (summary|handoff))?|never ?mind|forget it|stop the (summary|handoff)|"
    r"(no,? )?(i )?(don'?t|do not) (want to )?send (it|that|this|anything)( after all)?|(i )?changed my mind)"
)

REMOVE_BUTTONS = ({"title": "Keep everything", "payload": KEEP_ALL},)
MESSAGE_BUTTONS = ({"title": "No message", "payload": "/skip"},)
TRANSCRIPT_BUTTONS = ({"title": "Yes, share it", "payload": "/affirm"}, {"title": "No, just the summary", "payload": "/deny"})
APPROVE_BUTTONS = ({"title": "Send it", "payload": "send"}, {"title": "Don't send", "payload": "cancel"})


def _words(message: Message) -> Text:
    return " ".join((message.get("text") or "").casefold().strip(" .!").split())


def removal_of(message: Message) -> Optional[Any]:
    """The item numbers to take out, KEEP_ALL, RESTORE, or None when unclear."""
    text = _words(message)
    if _RESTORE_WORDS.search(text):
        return RESTORE
    numbers = [int(n) for n in _NUMBER.findall(text)]
    if numbers:
        return numbers
    if _KEEP_WORDS.match(text) or intent_name(message) == "deny":
        return KEEP_ALL
    return None


def wants_to_cancel(message: Message) -> bool:
    """The whole message asks to stop the handoff ("cancel", "don't send anything", "nah forget it")."""
    reading = reading_of(message)
    if reading is not None:
        return reading.outcome == REQUEST and reading.value == "cancel"
    return _CANCELLING.fullmatch(_words(message)) is not None


def message_of(message: Message) -> Optional[Text]:
    """The client's message for the practitioner, or NOTHING for "no message" (the button's words too)."""
    return NOTHING if re.fullmatch(r"no (message|thanks?)( thanks?)?", _words(message)) else addition_of(message)


def share_transcript_of(message: Message) -> Optional[bool]:
    """True to share the transcript; "no problem, share it" shares, "just the summary" does not."""
    said = yes_or_no(message)
    if said is not None:
        return said
    text, intent = _words(message), intent_name(message)
    if _NOT_SHARING.search(text):
        return False
    if _SHARING.search(text):
        return True
    if _NO_WORDS.match(text):
        return False
    return {"affirm": True, "deny": False}.get(intent)


def approval_of(message: Message) -> Optional[bool]:
    """True to send, False to cancel, None when unclear: a handoff is never cancelled on a guess.

    "Don't send" cancels although it says "send"; "yes, send it, no changes" says both, so it is
    asked again rather than read either way.
    """
    said = yes_or_no(message)
    if said is not None:
        return said
    text, intent = _words(message), intent_name(message)
    if _NOT_SENDING.search(text):
        return False
    sends, cancels = _SEND_WORDS.search(text) is not None, _CANCEL_WORDS.search(text) is not None
    if sends != cancels:
        return sends
    if sends:
        return None
    return {"affirm": True, "deny": False}.get(intent)


def has_practitioner(session: Session, client_id: Text) -> bool:
    client = session.get(Client, client_id)
    return client is not None and client.practitioner_id is not None


def transcript_line(share: Optional[bool]) -> Text:
    return (
        "The transcript of our conversation goes with it."
        if share
        else "The transcript stays private; only the summary goes."
    )


class HandoffPhase(StepPhase):
    name = "handoff"

    def steps(self, session: Session, client_id: Text) -> List[Step]:
        draft = draft_of(session, client_id)
        if draft is None:  # approved or cancelled: the form is through
            return []
        steps = []
        kept = kept_items(draft)
        reader = "your practitioner" if has_practitioner(session, client_id) else NO_PRACTITIONER_READER
        if kept or draft.removed:
            listed = summary_text(kept) if kept else "(You have taken everything out.)"
            steps.append(
                Step(
                    "remove",
                    f"This is what I would send to {reader}:\n{listed}\n\nWould you like to take anything "
                    "out? Say the numbers, for example \"remove 2 and 5\", or keep everything. \"Put them back\" "
                    "restores what you took out.",
                    removal_of,
                    "Which numbers would you like to take out? Or say \"keep everything\".",
                    REMOVE_BUTTONS,
                    strict=True,
                )
            )
        steps += [
            Step(
                "message",
                f"Is there anything you'd like to tell {reader}, or to talk about next time? Write it "
                "here, or say \"no message\".",
                message_of,
                "What would you like your practitioner to know? Or say \"no message\".",
                MESSAGE_BUTTONS,
                nothing_is_an_answer=True,
            ),
            Step(
                "transcript",
                f"Would you like to share the transcript of our conversations too, so {reader} can read them in "
                "full? It is the whole conversation, including anything you took out of the summary. Only if you "
                "want to: the summary is enough.",
                share_transcript_of,
                "Shall I share the transcript as well? Yes or no.",
                TRANSCRIPT_BUTTONS,
                strict=True,
                kind=YES_NO,
            ),
            Step(
                "approve",
                f"Here is what {reader} will see:\n"
                f"{summary_text(kept, draft.message, numbered=False)}\n{transcript_line(draft.share_transcript)}\n\n"
                "Shall I send it? You can also go back and change it, or say \"cancel\".",
                approval_of,
                "Shall I send it to your practitioner? Say \"send it\" or \"don't send\".",
                APPROVE_BUTTONS,
                strict=True,
                kind=YES_NO,
            ),
        ]
        return steps

    def store(
        self, session: Session, client_id: Text, step: Step, value: Any, dispatcher: CollectingDispatcher
    ) -> Optional[List[Text]]:
        draft = draft_of(session, client_id)
        if step.key == "remove":
            if value == RESTORE:
                restore_items(draft)
                dispatcher.utter_message(text=f"I've put everything back:\n{summary_text(kept_items(draft))}")
                return None
            if isinstance(value, list):
                taken = remove_items(draft, value)
                if taken:
                    dispatcher.utter_message(text="Taken out: " + "; ".join(item.text for item in taken))
                else:
                    dispatcher.utter_message(text="I found no item with that number, so everything stays as it was.")
        elif step.key == "message":
            draft.message = value or None
            if draft.message is None and not kept_items(draft):
                # Nothing stored and nothing to say: there is nothing to send, so nothing is asked.
                cancel(session, draft)
                dispatcher.utter_message(text="With nothing stored yet and no message, there's nothing to send for now.")
        elif step.key == "transcript":
            draft.share_transcript = bool(value)
        elif step.key == "approve":
            if value:
                approve(session, draft)
            else:
                cancel(session, draft)
        return None


class ValidateHandoffForm(StepForm):
    phase = HandoffPhase()

    def read_answer(
        self, requested: Optional[Text], dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        """"Cancel" ends the handoff at any question, before it could be read as an answer or a request."""
        if requested == self.phase.answer_slot() and wants_to_cancel(tracker.latest_message):
            with client_data() as session:
                draft = draft_of(session, tracker.sender_id)
                if draft is not None:
                    cancel(session, draft)
            return {requested: PHASE_COMPLETE}
        return super().read_answer(requested, dispatcher, tracker, domain)


class AskHandoffQuestion(AskNextStep):
    phase = HandoffPhase()


class ActionStartHandoff(Action):
    """Starts a draft from what is stored now, or resumes the one the client left part-way."""

    def name(self) -> Text:
        return "action_start_handoff"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        resuming = bool(answered_keys(tracker, HandoffPhase.name))
        with client_data() as session:
            if not resuming:
                discard_draft(session, tracker.sender_id)
            empty = not start_draft(session, tracker.sender_id).items
        if not resuming:
            dispatcher.utter_message(response="utter_handoff_intro")
            if empty:
                dispatcher.utter_message(text="There's nothing stored yet that I could summarise, but you can send a message.")
        return []


class ActionFinishHandoff(Action):
    """Says what happens next, and offers to go back to a part the client left for the handoff."""

    def name(self) -> Text:
        return "action_finish_handoff"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        paused = tracker.get_slot(PAUSED_FORM_SLOT)
        with client_data() as session:
            handoff = latest_handoff(session, tracker.sender_id)
            sent = handoff is not None and handoff.status == HANDOFF_APPROVED
            to_practitioner = sent and handoff.practitioner_id is not None
            buttons = suggestion_buttons(snapshot(session, tracker.sender_id))
        if sent and not to_practitioner:
            dispatcher.utter_message(
                text=f"Sent to {NO_PRACTITIONER_READER}: you're not linked to a practitioner of your own here yet. "
                "If your practitioner gave you an invitation link, opening it links you."
            )
        elif sent:
            dispatcher.utter_message(text=f"Sent. {load_settings().handoff_next_steps_text}")
        else:
            dispatcher.utter_message(text="All right, I haven't sent anything, and the draft is gone.")
        if paused in PHASE_FORMS:
            phase = PHASE_FORMS[paused]
            buttons = [{"title": "Yes, let's continue", "payload": "/resume"}, *buttons]
            dispatcher.utter_message(
                text=f"Shall we go back to the {phase.label.lower()}, where we were? Or choose something else.",
                buttons=buttons,
            )
        else:
            dispatcher.utter_message(text="What would you like to do next? It's up to you.", buttons=buttons)
        events: List[EventType] = [
            SlotSet(HandoffPhase().answer_slot(), None),
            SlotSet(ANSWERED_STEPS_SLOT, answered_by_phase(tracker, HandoffPhase.name, None)),
        ]
        if paused == HANDOFF_FORM:
            events.append(SlotSet(PAUSED_FORM_SLOT, None))
        return events
