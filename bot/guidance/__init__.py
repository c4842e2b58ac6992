"""Guidance logic in plain functions: parsing answers, wording replies. No Rasa, no database."""
