import spacy

from bot.nlp.build_pipeline import build, read_patterns


def test_pipeline_finds_occupations_fields_and_skills(tmp_path):
    output = tmp_path / "pipeline"
    assert build(output_dir=output) is True
    nlp = spacy.load(output)
    doc = nlp("I worked as a Care Worker, studied Social Work and I'm good at public speaking.")
    assert {(ent.text, ent.label_) for ent in doc.ents} == {
        ("Care Worker", "OCCUPATION"),
        ("Social Work", "FIELD_OF_STUDY"),
        ("public speaking", "SKILL"),
    }


def test_second_build_with_the_same_patterns_is_skipped(tmp_path):
    output = tmp_path / "pipeline"
    build(output_dir=output)
    assert build(output_dir=output) is False


def test_patterns_have_one_label_per_file_and_no_comments():
    patterns = read_patterns()
    assert {p["label"] for p in patterns} == {"OCCUPATION", "FIELD_OF_STUDY", "SKILL"}
    assert not any(p["pattern"].startswith("#") for p in patterns)
