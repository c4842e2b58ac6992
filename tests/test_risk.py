"""The risk assessment (bot/guidance/risk.py) with Waypoint's own phrase files: no model, no Rasa.

The phrasings here are written for this test; the measured figures come from the safety corpus
(tests/corpora/safety/, scripts/safety_eval.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.guidance.risk import CLEAR, NONE, POSSIBLE, UNSPECIFIED, assess
from bot.guidance.safety_words import load_safety_words


@pytest.fixture(scope="module")
def words():
    return load_safety_words("en")


@pytest.mark.parametrize(
    "text, category",
    [
        ("i took too many of my pills about an hour ago", "medical_emergency"),
        ("im standing on the roof of the car park and i want to jump off", "suicidal_active"),
        ("i just wish i didnt exist anymore", "suicidal_passive"),
        ("my boyfriend hit me again last night", "harm_from_others"),
        ("he said he'll kill me if i leave", "harm_from_others"),
        ("im going to stab my manager on monday, ive thought about exactly how", "harm_to_others"),
        ("been cutting my arms again since i lost the job", "self_harm"),
        ("i stopped taking my insulin on purpose", "self_harm"),
        ("honestly im suicdal", "suicidal_active"),
    ],
)
def test_clear_risk_is_clear_with_its_category(words, text, category):
    assessment = assess(text, words)
    assert assessment.level == CLEAR and assessment.category == category


@pytest.mark.parametrize(
    "text",
    [
        "Im 34 and Ive been a shift manager at a supermarket for about 8 years now. its ok but the hours are killing me, lots of evenings and weekends",
        "everything lol. how much it costs to start, rent, whether i could even make a living",
        "it thought i was suicidal twice",
        "i'm dying to get out of retail",
        "stuck in a dead-end job",
        "i want to kill it at the interview",
        "lifting boxes is murder on my back",
        "can you shoot me an email",
        "I'd die of embarrassment",
        "this job killed my self-esteem",
        "i work in a pharmacy counting pills all day",
    ],
)
def test_figurative_speech_work_words_and_negations_are_not_risk(words, text):
    assessment = assess(text, words, distress_confidence=0.99)  # whatever the model hears in it
    assert assessment.level == NONE


def test_a_real_risk_signal_beside_an_idiom_still_counts(words):
    assessment = assess("the hours are killing me and honestly i want to die", words)
    assert assessment.level == CLEAR and assessment.category == "suicidal_passive"


def test_a_vague_phrase_is_possible_and_quotes_the_clients_own_clause(words):
    assessment = assess("work is fine I guess. honestly i cant do this anymore", words)
    assert assessment.level == POSSIBLE
    assert assessment.phrase == "honestly i cant do this anymore"


def test_a_plan_or_a_time_makes_a_vague_phrase_clear(words):
    assert assess("im ending things tonight", words).level == CLEAR


def test_a_possible_risk_the_client_explained_is_not_asked_about_again_but_a_clear_one_stays(words):
    assert assess("i cant do this anymore", words, already_checked=True).level == NONE
    assert assess("i want to kill myself", words, already_checked=True).level == CLEAR


def test_the_model_alone_asks_the_check_question_and_only_about_the_topics_of_risk(words):
    unforeseen = "i have decided this will be my last night on earth"
    assert assess(unforeseen, words).level == NONE  # no phrase foresaw it
    assert assess(unforeseen, words, distress_confidence=0.97).level == POSSIBLE
    assert assess(unforeseen, words, distress_confidence=0.97).category == UNSPECIFIED
    assert assess(unforeseen, words, distress_confidence=0.5).level == NONE
    # The classifier is as sure of distress in a hobby as in a crisis: without a word about life,
    # death, harm or danger its reading does not count.
    assert assess("i like gaming and drawing", words, distress_confidence=1.0).level == NONE
    assert assess("the open day was dead, barely anyone turned up", words, distress_confidence=1.0).level == NONE


def test_the_model_with_a_plan_or_a_time_makes_the_crisis_answer(words):
    assert assess("tonight will be my last night on earth", words, distress_confidence=0.97).level == CLEAR
    assert assess("tonight will be my last night on earth", words, distress_confidence=0.2).level == NONE


def test_several_kinds_of_risk_are_all_named_the_most_urgent_first(words):
    assessment = assess("my husband beats me and i want to die", words)
    assert assessment.categories == ("harm_from_others", "suicidal_passive")


def test_a_button_payload_is_not_assessed(words):
    assert assess("/express_distress", words).level == NONE


def test_a_services_own_phrases_are_added_to_the_defaults(tmp_path: Path):
    (tmp_path / "en").mkdir()
    (tmp_path / "en" / "risk.yml").write_text("clear:\n  suicidal_active:\n    - gone fishing forever\n")
    (tmp_path / "en" / "ordinary.yml").write_text("figurative:\n  - mega killer deal\n")
    words = load_safety_words("en", tmp_path)
    assert assess("i have gone fishing forever", words).level == CLEAR
    assert assess("this mega killer deal", words).level == NONE
    assert assess("i want to kill myself", words).level == CLEAR  # the defaults stay


def test_a_mistake_in_a_services_file_is_named_with_the_file(tmp_path: Path):
    (tmp_path / "en").mkdir()
    (tmp_path / "en" / "risk.yml").write_text("clear:\n  suicidal:\n    - something\n")
    with pytest.raises(ValueError, match="risk.yml: unknown category 'suicidal'"):
        load_safety_words("en", tmp_path)
    with pytest.raises(ValueError, match="has no folder 'en'"):
        load_safety_words("en", tmp_path / "nowhere")



# From a review of the phrases added with development_fresh3 and _fresh4: an ordinary phrase must
# never take back a plain statement of risk, and a new risk phrase must not fire on career talk.


@pytest.mark.parametrize("text", [
    'things are so bad i want to kill myself',
    'it got so bad that i wanted to kill myself',
    'work is so bad i could kill myself tonight',
    'i have worked out the lethal dose of my sertraline',
    'my boyfriend hit me at work yesterday and i might lose my job',
    'he punched me at work again, its happened a few times',
    'i cut myself so many times last night',
    'the cuts on my arms from the kitchen knife are from me',
    'im having a heart attack over here help',
    'i stuck the knife in my arm last night',
    'i am giving up on my life plan i want to die',
    'he hits me hard when he is drunk',
    'my dad hit me that hard',
])
def test_plain_statements_of_risk_near_ordinary_phrases_stay_clear(words, text):
    assert assess(text, words).level == CLEAR


@pytest.mark.parametrize("text", [
    'just kill me now i cant face another day of this',
    'what would you do if i tell you i want it all to stop',
])
def test_hedged_statements_of_risk_get_at_least_the_check_question(words, text):
    assert assess(text, words).level in (POSSIBLE, CLEAR)


@pytest.mark.parametrize("text", [
    'do I have enough stories to talk about in the interview',
    'i know when and where the interview is',
    'i havent finished my cv, im going to do it tonight',
    'i looked up how much it would take to get a degree',
    'i fitted the pipe to the boiler',
    'if the company took me on tomorrow id be so happy',
    'i asked him to take me on as an apprentice',
    'my a level results came back fine, i wanted to ask about uni',
    'i broke my wrist last year so i cant do manual work',
    'i cut a few words from my cover letter and put them into my cv',
    'my manager pushed me to go for the promotion but it was hard',
    'my boss clocked me on my phone again',
    'id have to get rid of my dog if i go to uni',
    'i did a crash course with them in march',
    'ill get my manager to write a reference',
    'im going to get mrs smith to check my cv',
    'ill have a stab at the application',
    'i drive the van into the depot when my shift starts',
    'i hand over my baby to my mum before work',
    'lockdown hit my kids hard',
    'my words come out wrong in interviews',
    'im confused about whether being diabetic stops me being a pilot',
    'i work fitting floors',
    'i was drinking coffee while cleaning',
    'the company took them all on',
    'i dont know what im capable of',
    'i want to know what i could do to my cv',
    'my last shift is friday',
])
def test_career_talk_that_shares_words_with_new_risk_phrases_is_not_risk(words, text):
    assert assess(text, words).level == NONE


# Preparations, coercion, threats, everyday self-harm and emergency signs said in plain words; and the
# career talk that comes nearest to those phrases.


@pytest.mark.parametrize("text, category", [
    ("ive been practising with a belt on the banister so i know i can go through with it", "suicidal_active"),
    ("theres rocks in my coat pockets and im walking down to the canal", "suicidal_active"),
    ("i wont be alive by the weekend so cancel my session", "suicidal_active"),
    ("i wouldnt mind if i never woke up tomorrow", "suicidal_passive"),
    ("i keep hoping the cancer comes back and this time takes me", "suicidal_passive"),
    ("i put the lighter to my wrist again when nobody was home", "self_harm"),
    ("my landlord says i can stay if i sleep with him instead of paying rent", "harm_from_others"),
    ("he showed me a knife in his jacket and told me to keep quiet", "harm_from_others"),
    ("hes got a machete in his car and said he'll sort me out outside the gym", "harm_from_others"),
    ("im going to batter the bloke from the agency when he comes out", "harm_to_others"),
    ("i cant lift my right arm and my face feels weird", "medical_emergency"),
    ("my left side has gone numb and heavy all of a sudden", "medical_emergency"),
    ("worst headache of my life came on suddenly and i keep being sick", "medical_emergency"),
    ("my little one has a fever and a rash that wont fade under a glass", "medical_emergency"),
])
def test_plain_words_for_preparations_threats_and_emergencies_are_clear(words, text, category):
    assessment = assess(text, words)
    assert assessment.level == CLEAR and category in assessment.categories


@pytest.mark.parametrize("text", [
    "my partner says no one would ever believe me if i told",
    "i do stuff to myself when the pressure builds up",
    "the red mist came down at work and i scared myself",
    "my flatmate keeps coming into my room while im asleep",
    "im scared ill hurt the baby when she screams like that",
    "i keep rehearsing how i would do it in my head",
    "my ex parks outside my flat every night and watches",
])
def test_veiled_words_for_risk_get_at_least_the_check_question(words, text):
    assert assess(text, words).level in (POSSIBLE, CLEAR)


@pytest.mark.parametrize("text", [
    "the chef showed me a knife technique for filleting",
    "i comment on my body language in mock interviews",
    "worst headache of my life after that exam",
    "we put a rope on the beam for the rigging practical at college",
    "i carry rocks in my backpack for hiking training",
    "i have enough experience now, just working out when to apply",
    "the scaffold board will take my weight, we tested it",
    "none of this matters after friday, the deadline has passed",
    "im scared ill hurt my back in warehouse work",
    "the agency cut our rates again this month",
    "the wind is going to batter the scaffolding tonight",
    "ten years in the raf and i want out",
    "she clawed back market share at her last company",
    "customers get aggressive when drunk at the bar",
    "i have to wear long sleeves in the lab",
    "my speech went wrong for a minute in the interview",
    "im off travelling, so dont book me in for next month",
    "have to be home by 5 or there'll be trouble with childcare",
    # Found in a read of the new phrases against career talk:
    "got the knife out again for the cookery assessment",
    "i put something in the coffee machine and it broke",
    "the loft ladder wont take my weight",
    "i have to ask permission to leave early",
    "they know where im staying for the conference",
    "my mate got stabbed in the back by his business partner",
    "pouring bleach into the sink all day at the care home",
    "no, its looking after my dad since his stroke, thats what i have to fit around",  # a replies case
    # From a review of the new phrases against career talk:
    "an opportunity came up for me but I'm scared to take it",
    "honestly i dont know where im at, will i ever find a job",
    "my manager said they would get me on the course but i'm scared",
    "I did worse than this in my exams and it hit me hard",
    "my boss makes me do stuff with her clients",
    "my boss gets it, im still learning to use a knife properly",
    "adding thickener into their drinks so they can swallow safely",
    "working in the baby room I could just squeeze them",
    "one side of me feels dead inside about this job",
    "my supervisor was gushing about me then they cut my hours",
    "deciding is giving me the worst headache ever, I'm so confused",
    "i cant lift my arm much since the injury so i'd want a face to face job",
    "my grandad won't be alive by then",
    "I can't sleep with them changing my shifts every week",
    "the head chef showed me the knife skills and I was scared",
    "I'm not sure how I'll do it with the kids",  # "note" once stemmed to "not": every negation held a note
    "this will probably be the last time I talk to you before my interview",
    "I've made peace with it all, leaving teaching was the right call",
    # The NLU's own ordinary examples, which got the crisis answer:
    "im taking everything in my stride",
    "i've finished everything, can i give feedback",
    "write a rap about dogs",
    "ive been killing myself doing doubles to save for the course",
    "i used to self harm as a teen but thats long behind me, just explaining the gap on my cv",
    "im a youth worker with kids who self harm",
    "why does this thing think i want to hurt myself",
    "i meant im done with the job, not done with life",
    "i'd rather die than go back to call centre work",
    "im taking my life back after redundancy",
])
def test_career_talk_near_the_preparation_and_threat_phrases_is_not_risk(words, text):
    assert assess(text, words).level == NONE


@pytest.mark.parametrize("text", [
    "i want to end it all",
    "i'll take my own life",
    "i was raped last year",
    "i used to self harm and i did it again last night",
    "id rather die than carry on like this",
    "my partner stabbed me in the back with a kitchen knife",  # not the idiom, with a weapon
    "ive got a knife in my bag for him",
    "gonna put something in the managers coffee to make him ill",
])
def test_the_narrowed_phrases_still_catch_what_they_were_for(words, text):
    assert assess(text, words).level == CLEAR
