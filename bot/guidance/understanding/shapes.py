"""Shapes of English replies that a phrase list cannot say, because where a word stands matters:
a question's opening, a correction after a first answer, a remark after "no", yes at the very end.
The words themselves, wherever they stand, live in the phrase files (bot/defaults/conversation/)."""

from __future__ import annotations

import re

QUESTION_OPENING = re.compile(
    r"^(?:sorry\s+|wait\s+|so\s+|um+\s+|hmm+\s+)?(?:what|whats|what's|wat|wats|wot|whit|why|how|hows|how's|who|whos|which|when|where|wheres|where's|does|do|did|is|isnt|are|can|could|"
    r"should|will|would|may|you mean|do you mean|like(?=[^?]*\?\s*$))\b",
    re.I,
)
# A question opening that asks about something rather than for something ("can I ..." asks for it).
ASKING_ABOUT = re.compile(r"^(?:sorry\s+|wait\s+|so\s+|um+\s+|hmm+\s+)?(?:what|whats|what's|why|how|who|whos|which|when|where|does|do|did|is|isnt|are|was|will|would|you mean|do you mean|like(?=[^?]*\?\s*$))\b", re.I)
LEADING_FILLER = re.compile(r"^(?:(?:honestly|genuinely|tbh|hmm+|um+|uh+|well|ok|okay|so|lol|erm+|oh|ah|ngl|actually|sorry|ooh+|ooo+)\b[\s,.?!]*)+", re.I)
# "like my school situation or my home situation?", "what, like a job i did?": asking which is meant.
CLARIFYING = re.compile(
    r"^(?:(?:what|whit|oh|so|sorry|wait|hmm+)\W+)?(?:like|as in|(?:do |d'?)?(?:you|u) mean|(?:is|does) (?:that|this|it) (?:mean|like|include|count|about))\b[^?]*\?",
    re.I,
)
# After "no," at "any more?": a remark, not an item ("no, i'm happy with my three", "nah bro", "no ta").
REMARK = re.compile(
    r"^(?:thanks|thank you|ta|cheers|bro|mate|love|im|i'?m|i am|ive|i'?ve|i have|that'?s|that is|its|it'?s|"
    r"two|three|four|five|those|these|this|that|all|enough|happy|good|fine|alright|all good|not now|not today|only|just|nobody|no one|none|"
    r"nothing|is enough|is fine|i think|i guess)\b",
    re.I,
)
# After "idk," or "nothing," a sentence about the client, not about the question's subject, says why
# ("I don't know, I never think about this"); "idk, maybe nursing" answers after all.
ABOUT_ITSELF = re.compile(
    r"^(?:i|i'?m|im|i'?ve|ive|i'?d|id|it|it'?s|its|this|that|thats|that'?s|there|never|not|been|no one|nobody|you|u|everything|everyone|everyone'?s|everybody)\b"
    r"(?!\s+(?:guess|think|suppose|reckon|like|love|enjoy|want|would like|could|might|maybe)\b)",
    re.I,
)
# A no after a first answer, then another: "2? no. 1 tbh", "end of april, no, end of may".
CORRECTED = re.compile(
    r"(?<=\S)[,.?!…]+\s*(?:(?:hmm+|um+|oh|wait)\W+)?(?:no|nah|nope|sorry|or rather|let us say|lets say|let's say|call it)\b[\s,.]*(?=\w)"
    r"|\bbut (?:realistically|really|honestly|actually|in reality)\b[\s,]*(?:it'?s|its)?\s*(?:a\s)?(?=\w)",
    re.I,
)
# After "no.": a remark about the paraphrase, nothing put instead ("No. That is the opposite.").
JUST_WRONG = re.compile(r"^(?:that is|thats|that's|its|it's|it is) (?:the opposite|wrong|not it|not right|not what i said|not true|backwards|the wrong way round)\W*$", re.I)
# Yes at the end of a remark: "groundbreaking stuff 😂 but yes".
YES_AT_THE_END = re.compile(r"(?:\bbut|\bso|,)\s*(?:yes|yeah|yep|yup|ya)\W*$", re.I)
RIGHT_AFTER_ALL = re.compile(r"^(?:thats|that's|that is|you were|you're|youre|it was|it's|its|it is) (?:right|correct|fine|it)\b", re.I)
NOUN_PHRASE = re.compile(r"^(?:the|a|an|my|our|your|this|that|those|these)\b", re.I)
# A list question's question back: "do you want them ranked?", "should they be in order?".
ASKING_THE_LIST = re.compile(r"^(?:do you want|should i|shall i|do i (?:have|need)|do they|does it|should they|must they|goals like|like)\b", re.I)
# A rating with a hedge and a question mark still answers: "maybe 3?", "like a 4?".
HEDGED_ANSWER = re.compile(r"^(?:maybe|like|prob|probably|about|around|perhaps|i'?d say|id say|er+m*|um+|a)\b", re.I)
# A remark about the client's day, which a strict question cannot read: off-topic, not asked again.
CHATTY = re.compile(r"\b(?:today|this morning|last night|last nite|omg)\b|😂|🙄|\blol\b", re.I)
# Off-topic openers that only change the subject: what follows decides ("by the way i also have a forklift licence").
BY_THE_WAY = re.compile(r"^(?:by the way|btw|incidentally|on another note|changing the subject|unrelated|totally unrelated|off topic)\b", re.I)
# A rating with a question mark asks about the scale only with words that ask ("1 is good or bad?", "so 3
# is like in the middle?"); "not sure, maybe a 2?" gives a 2.
ASKING_ABOUT_THE_SCALE = re.compile(r"\b(?:or|mean|means|middle|good|bad|best|worst|high|low|most|least|is|does)\b", re.I)
# An example told without its subject, as a past-tense verb first ("fixed my mates pc"): "you" is said before it
# ("speed awareness course" is no verb).
PAST_VERB_FIRST = re.compile(
    r"^(?:\w{2,}(?<!e)ed|made|did|ran|taught|built|wrote|led|gave|got|went|told|found|kept|held|drove|sold|won|spoke|"
    r"brought|bought|thought|caught|took|sat|stood|met|paid|sent|spent|lent|dealt|fed|fought|knew|saw|threw|came)\b",
    re.I,
)
# What happened today, told at "by when?": a verb in the past and no word of intent ("i'll do it today").
HAPPENED_TODAY = re.compile(
    r"^(?!.*\b(?:i'?ll|ill|i will|will|gonna|going to|by|before|until|till|can|could|should|must|want to|plan to|do it|finish|(?:did|done|finished|completed|sorted) (?:it|that|this))\b)"
    r".*\b(?:\w{3,}ed|made|did|had|was|were|got|went|came|saw|met|told|gave|took)\b.*\b(?:today|tonight)\b",
    re.I,
)
# After "soon" or "at some point", a day named after all ("soon, maybe next friday", "later today");
# "whenever i get a day off" names none.
NAMES_A_DAY = re.compile(
    r"\b(?:\d+(?:st|nd|rd|th)?|today|tonight|tomorrow|tmrw|2moro|week|weekend|wk|fortnight|month|year|"
    r"mon|monday|tue|tues|tuesday|wed|weds|wednesday|thu|thur|thurs|thursday|fri|friday|sat|saturday|sun|sunday|"
    r"jan|january|feb|february|mar|march|apr|april|may|jun|june|jul|july|aug|august|sep|sept|september|oct|october|"
    r"nov|november|dec|december|christmas|xmas|easter|new year)\b",
    re.I,
)
# An off-topic opener telling what is happening around the client now: what follows decides.
INTERRUPTION = re.compile(r"\bjust\b", re.I)
