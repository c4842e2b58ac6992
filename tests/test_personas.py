"""Simulated clients over the whole journey through the real stack (tests/personas.py): the share
of their turns the bot misunderstood, printed at the end of the run; the transcripts go to
reports/personas/, the figures to reports/personas.json."""

from __future__ import annotations

import json
import subprocess

import pytest

from bot.settings import PROJECT_ROOT
from tests.personas import Simulation, load_personas, write_transcripts

pytestmark = pytest.mark.stack

TARGET = 0.03
REPORTS = PROJECT_ROOT / "reports"


def test_simulated_clients_are_understood_over_the_whole_journey(stack, evaluation_summaries):
    transcripts = [Simulation(stack, persona).run() for persona in load_personas()]
    write_transcripts(transcripts, REPORTS / "personas")
    turns = sum(len(t.turns) for t in transcripts)
    missed = sum(len(t.misunderstood) for t in transcripts)
    share = missed / turns if turns else 1.0
    lines = [f"simulated clients: {missed} of {turns} turns misunderstood ({share:.1%}; target at most {TARGET:.0%})"]
    lines += [f"  {t.persona:<14} {len(t.misunderstood):>3} of {len(t.turns):>3}" for t in transcripts]
    summary = "\n".join(lines)
    evaluation_summaries.append(summary)
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=PROJECT_ROOT, capture_output=True, text=True).stdout.strip()
    (REPORTS / "personas.json").write_text(json.dumps({
        "what": "tests/personas.py: simulated clients through the real stack over the whole journey",
        "commit": commit,
        "target": TARGET,
        "turns": turns,
        "misunderstood": missed,
        "by_persona": {t.persona: {"turns": len(t.turns), "misunderstood": len(t.misunderstood)} for t in transcripts},
    }, indent=2) + "\n")
    assert turns >= 200, summary  # four whole journeys
    assert share <= TARGET, summary + "\n" + "\n".join(f"{t.persona}: {turn.said!r}: {turn.problem}" for t in transcripts for turn in t.misunderstood)
