"""The spaCy pipeline Rasa loads: a blank English tokenizer plus an entity ruler built from patterns/."""
