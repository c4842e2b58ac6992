"""Deciding whether a message inside a form is an answer or a request to do something else.

Free text inside a form stays an answer unless the client clearly meant to step
out: the intent is one of the navigation intents and the classifier is sure of it.
In an open question ("what helped you?") a long message is an answer even when it
sounds like a request ("being asked instead of told"); only a short one that also says
what it asks for steps out ("maybe a reminder between sessions" is an answer, even if the
classifier hears "pause" in it). A clear risk steps out of any question: the risk assessment
(bot/guidance/risk.py) makes it `express_distress` before the dialogue sees it, and takes that
intent away from idioms, so the intent is never just the classifier's guess.
"""

from __future__ import annotations

import re
from typing import Any, Mapping

from bot.guidance.journey import PHASE_INTENTS, names_phase

# Each of these has a rule in data/rules/interruptions.yml for every form (see bot/dialogue_rules.py).
INTERRUPTING_INTENTS = frozenset(
    {
        "express_distress",
        "pause",
        "help",
        "request_human",
        "bot_challenge",
        "show_progress",
        "show_plan",
        "delete_my_data",
        "show_my_data",
        "greet",
        "resume",
    }
)
# Inside a phase of the journey, naming a phase switches to it. In the consent and start
# questions they are answers ("explore my options" can be a goal).
CONFIDENCE_NEEDED = 0.8
MAX_COMMAND_WORDS_IN_OPEN_ANSWER = 6
# In an open answer a request must also say what it asks for, in one of these words.
WORDS_OF_REQUEST = {
    "pause": r"pause|break|stop|later|another time|enough|tomorrow|not now|busy|come back",
    "help": r"help|what can you do|how does this work|what now|confused|don'?t understand|lost",
    "request_human": r"practitioner|counsel+or|advis[eo]r|coach|human|person|someone|staff|talk to|speak to",
    "bot_challenge": r"bot|robot|human|real|person|ai|machine|computer",
    "show_progress": r"where|progress|how far|status|so far",
    "show_plan": r"plan|steps",
    "delete_my_data": r"delete|erase|remove|forget|wipe",
    "show_my_data": r"data|stored|store|export|download|copy|know about me",
    "greet": r"hi|hello|hey|hiya|morning|afternoon|evening|back",
    "resume": r"continue|resume|carry on|go on|where were we|back",
}


def is_clear_interruption(
    latest_message: Mapping[str, Any], open_answer: bool = False, in_phase: bool = False
) -> bool:
    intent = latest_message.get("intent") or {}
    name = intent.get("name")
    if name == "express_distress":
        return True  # only ever a clear risk (see the module's docstring)
    text = str(latest_message.get("text") or "")
    switches_phase = in_phase and name in PHASE_INTENTS and names_phase(name, text)
    if name not in INTERRUPTING_INTENTS and not switches_phase:
        return False
    confidence = float(intent.get("confidence") or 0.0)
    if confidence < CONFIDENCE_NEEDED:
        return False
    # A button's payload ("/show_plan"), or the safety net's, is meant as it is.
    if not open_answer or text.startswith("/"):
        return True
    words = WORDS_OF_REQUEST.get(name)
    if words is not None and not re.search(rf"\b(?:{words})\b", text, re.IGNORECASE):
        return False
    return len(text.split()) <= MAX_COMMAND_WORDS_IN_OPEN_ANSWER
