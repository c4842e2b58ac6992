"""Finding phrases the way people write them (bot/guidance/phrases.py)."""

from __future__ import annotations

import pytest

from bot.guidance.phrases import NotationError, PhraseBook, compile_phrase, stem

GROUPS = {"SELF": ["myself", "my self"], "PILLS": ["pills", "tablets", "sleeping pills"]}
IRREGULAR = {"took": "take", "kil": "kill", "dont": "do not"}


def book(*notations: str, **options) -> PhraseBook:
    return PhraseBook([compile_phrase(n, GROUPS, IRREGULAR, **options) for n in notations], IRREGULAR)


def found(phrases: PhraseBook, text: str) -> list[str]:
    return [text[f.start : f.end] for f in phrases.find(text)]


@pytest.mark.parametrize("word, same_as", [("killing", "kill"), ("killed", "kills"), ("cutting", "cut"), ("taking", "take"), ("lives", "living")])
def test_inflections_meet_at_one_stem(word, same_as):
    assert stem(word) == stem(same_as)


def test_a_phrase_is_found_inflected_and_in_any_case():
    phrases = book("kill @SELF")
    assert found(phrases, "I keep thinking about KILLING myself") == ["KILLING myself"]
    assert found(phrases, "he killed it") == []


def test_up_to_two_words_may_stand_between_the_words_of_a_phrase_but_not_a_sentence_end():
    phrases = book("too many @PILLS")
    assert found(phrases, "took too many of my pills") == ["too many of my pills"]
    assert found(phrases, "too many. pills") == []
    assert found(phrases, "too many of all my old pills") == []  # three words between


def test_spelling_slips_in_longer_words_are_forgiven_but_not_the_first_letter():
    phrases = book("suicidal", "kill @SELF")
    assert found(phrases, "im suicdal") == ["suicdal"]  # a letter missing
    assert found(phrases, "feeling suicidla") == ["suicidla"]  # two letters swapped
    assert found(phrases, "kil myself") == ["kil myself"]  # a short word's slip, from the irregular forms
    assert found(phrases, "I fill myself with coffee") == []  # the first letter differs


def test_contractions_read_the_same_with_and_without_apostrophes():
    phrases = book("do not want to live")
    for text in ("I don't want to live", "i dont want to live", "I do not want to live", "i don’t want to live"):
        assert found(phrases, text), text


def test_optional_words_choices_and_word_sequences():
    phrases = book("really? want to die", "(go to sleep|fall asleep) forever")
    assert found(phrases, "i really want to die") == ["really want to die"]
    assert found(phrases, "i want to die") == ["want to die"]
    assert found(phrases, "i want to fall asleep forever") == ["fall asleep forever"]


def test_books_of_different_irregular_forms_read_the_same_message_each_their_own_way():
    # The tokenised message is shared between books: a book must still read it with its own forms.
    with_slips = PhraseBook([compile_phrase("kill @SELF", GROUPS, IRREGULAR)], IRREGULAR)
    without_slips = PhraseBook([compile_phrase("kill @SELF", GROUPS, {})], {})
    for _ in range(2):  # the second time from what was kept of the first
        assert found(with_slips, "kil myself") == ["kil myself"]
        assert found(without_slips, "kil myself") == []


def test_a_phrase_is_found_wherever_it_starts_with_or_without_its_optional_opening():
    phrases = book("(really|truly)? (want|wish) to die")
    assert found(phrases, "some days i truly wish to die") == ["truly wish to die"]
    assert found(phrases, "some days i wish to die") == ["wish to die"]
    assert found(phrases, "truly. wish to die") == ["wish to die"]


def test_at_one_place_the_longest_choice_is_read_whatever_the_order_it_is_written_in():
    phrases = book("(nothin|nothin i can think of|nowt)")
    assert found(phrases, "nothin i can think of") == ["nothin i can think of"]
    assert found(phrases, "nothin really") == ["nothin"]


def test_a_phrase_with_a_requirement_counts_only_when_the_message_holds_it():
    phrases = PhraseBook([compile_phrase("kill me now", requires_any="lol|😂|monday")], {})
    assert found(phrases, "kill me now") == []
    assert found(phrases, "team meeting again, kill me now lol") == ["kill me now"]
    assert found(phrases, "kill me now 😂") == ["kill me now"]


def test_an_exact_phrase_allows_no_spelling_slips():
    assert found(PhraseBook([compile_phrase("carer", exact=True)], {}), "i want a career") == []
    assert found(PhraseBook([compile_phrase("carer")], {}), "i want a carers job") == ["carers"]


@pytest.mark.parametrize("notation", ["@UNKNOWN words", "word?", "( )"])
def test_a_phrase_that_cannot_be_read_names_itself(notation):
    with pytest.raises(NotationError, match="has|uses"):
        compile_phrase(notation, GROUPS)


def test_a_phrase_file_with_a_key_twice_is_refused_naming_the_key(tmp_path):
    # YAML would keep only the second list and drop the first without a word.
    from bot.guidance.phrase_files import read

    path = tmp_path / "replies.yml"
    path.write_text("requests_in_words:\n  pause:\n    - stop\n  help:\n    - help\n  pause:\n    - wait\n", encoding="utf-8")
    with pytest.raises(ValueError, match="'pause' appears twice"):
        read(path)


def test_a_replies_file_with_an_unknown_list_is_refused(tmp_path):
    from bot.guidance.understanding.words import load_conversation_words

    (tmp_path / "en").mkdir()
    (tmp_path / "en" / "replies.yml").write_text("stopping_for_now:\n  - can we stop\n", encoding="utf-8")
    with pytest.raises(ValueError, match="stopping_for_now"):
        load_conversation_words("en", tmp_path)
