"""The phases of the guidance process, and which one the bot offers next.

The bot only suggests: the suggestion comes with a button, and the client can always choose
another phase by name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.storage.progress import PHASE_DONE, PHASE_IN_PROGRESS, ClientSnapshot


@dataclass(frozen=True)
class Phase:
    name: str  # as stored in phase_progress
    intent: str  # what the client says to start it
    label: str  # in "where am I?"
    offer: str  # the button that offers it
    how_to_start: str  # what the client can say
    form: str
    finish_action: str  # runs when every question of the form is answered
    # Inside another phase, a message switches to this one only if it also names it in some
    # such word, so that a short answer the classifier mistakes for a request stays an answer.
    names: str
    intro: str | None = None  # said before the first question


PHASES = (
    Phase(
        "reflection", "start_reflection", "Reflection", "Let's reflect", "let's reflect",
        "reflection_form", "action_finish_reflection", r"reflect|values|strengths|interests",
    ),
    Phase(
        "options", "explore_options", "Options", "Explore my options", "let's explore my options",
        "options_form", "action_finish_options", r"option|alternative|explor",
    ),
    Phase(
        "decision", "make_decision", "Decision", "Weigh my options", "help me decide",
        "decision_form", "action_finish_decision", r"decid|decision|choos|choice|weigh",
    ),
    Phase(
        "planning", "plan_actions", "Action plan", "Plan my steps", "let's plan my steps",
        "planning_form", "action_finish_planning", r"plan|steps|action",
    ),
    Phase(
        "review", "review_progress", "Review", "Check in on my plan", "let's review my progress",
        "review_form", "action_finish_review", r"review|progress|check.?in",
    ),
    Phase(
        "closing", "give_feedback", "Closing feedback", "Give feedback", "I'd like to give feedback",
        "feedback_form", "action_save_feedback", r"feedback", intro="utter_feedback_intro",
    ),
)  # fmt: skip
PHASE_FORMS = {phase.form: phase for phase in PHASES}
HANDOFF_FORM = "handoff_form"
# Forms a pause, a distress message or the end of a session leaves to be resumed at the same question.
RESUMABLE_FORMS = {**{phase.form: phase.label for phase in PHASES}, HANDOFF_FORM: "summary for your practitioner"}
PHASE_INTENTS = {phase.intent: phase for phase in PHASES}


def names_phase(intent: str, text: str) -> bool:
    """Whether `text` names the phase `intent` starts (button payloads such as "/plan_actions" do)."""
    phase = PHASE_INTENTS.get(intent)
    return phase is not None and re.search(phase.names, text, re.IGNORECASE) is not None
PHASES_BY_NAME = {phase.name: phase for phase in PHASES}
# The order in which phases build on each other; review and feedback come once there is a plan.
BUILDING_PHASES = ("reflection", "options", "decision", "planning")


def suggested_phase(snapshot: ClientSnapshot) -> Phase:
    """A phase left half-way first, then due steps, then the first phase not done yet."""
    for phase in PHASES:
        if snapshot.phases.get(phase.name) == PHASE_IN_PROGRESS:
            return phase
    if snapshot.due_steps:
        return PHASES_BY_NAME["review"]
    for name in BUILDING_PHASES:
        if snapshot.phases.get(name) != PHASE_DONE:
            return PHASES_BY_NAME[name]
    if snapshot.phases.get("closing") != PHASE_DONE:
        return PHASES_BY_NAME["closing"]
    return PHASES_BY_NAME["review"]


def suggestion_text(snapshot: ClientSnapshot) -> str:
    phase = suggested_phase(snapshot)
    if snapshot.phases.get(phase.name) == PHASE_IN_PROGRESS:
        offer = f"You were part-way through the {phase.label.lower()}; shall we go on with it?"
    elif phase.name == "review" and snapshot.due_steps:
        offer = "One or more steps of your plan are due. Would you like to check in on them?"
    else:
        offer = f"A next part could be the {phase.label.lower()}. Would you like that?"
    return f"{offer} Or choose another part: it's up to you."


HANDOFF_OFFER = {"title": "Send a summary to my practitioner", "payload": "/request_human"}


def suggestion_buttons(snapshot: ClientSnapshot, offer_handoff: bool = False) -> list[dict[str, str]]:
    """The suggested next part, then what is always at hand; at the end of a phase, also the handoff."""
    phase = suggested_phase(snapshot)
    buttons = [{"title": phase.offer, "payload": f"/{phase.intent}"}]
    if offer_handoff:
        buttons.append(HANDOFF_OFFER)
    if snapshot.phases.get("planning"):
        buttons.append({"title": "Show my plan", "payload": "/show_plan"})
    return buttons + [{"title": "Where am I?", "payload": "/show_progress"}]
