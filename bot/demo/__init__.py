"""A demo caseload for a fresh database: `python -m bot.demo` (see docs/practitioners.md)."""
