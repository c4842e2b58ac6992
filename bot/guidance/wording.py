"""What the bot says back about a client's stored progress."""

from __future__ import annotations

from typing import Mapping, Sequence

from bot.storage.progress import ClientSnapshot

MENTION_KINDS = {"OCCUPATION": "an occupation", "FIELD_OF_STUDY": "a field of study", "SKILL": "a skill"}
READINESS_LABELS = {"clarity": "clarity about what you want", "confidence": "confidence about next steps"}
COMING_PHASES = "options, decision and action planning"
THEME_LABELS = {
    "values": "What matters to you",
    "interests": "Your interests",
    "strengths": "A strength",
    "experiences": "A meaningful experience",
    "circumstances": "Your circumstances",
}


def bullet_list(items: Sequence[str]) -> str:
    return "\n".join(f"• {item}" for item in items)


def welcome_back(snapshot: ClientSnapshot) -> str:
    if snapshot.goals:
        goals = f"When we last spoke, you set these goals for the process:\n{bullet_list(snapshot.goals)}"
    else:
        goals = "When we last spoke, you hadn't put your goals into words yet, and that's fine."
    reflection = snapshot.phases.get("reflection")
    if reflection == "in_progress":
        offer = "You were in the middle of reflecting on yourself; we can go on whenever you like."
    elif reflection == "done":
        offer = f"You've done the reflection. The next parts ({COMING_PHASES}) are coming soon."
    else:
        offer = "If you like, we can reflect on what matters to you, your interests and your strengths."
    return f"Welcome back! {goals}\n\n{offer} You can ask \"where am I?\" at any time."


def next_step_buttons(snapshot: ClientSnapshot) -> list[dict[str, str]]:
    """What the client may choose next; the bot offers, the client decides."""
    buttons = []
    reflection = snapshot.phases.get("reflection")
    if reflection != "done":
        title = "Go on reflecting" if reflection == "in_progress" else "Let's reflect"
        buttons.append({"title": title, "payload": "/start_reflection"})
    return buttons + [
        {"title": "Where am I?", "payload": "/show_progress"},
        {"title": "What can you do?", "payload": "/help"},
    ]


def reflection_summary(reflections) -> str:
    lines = ["Thank you for reflecting with me. Here is what you told me:"]
    for row in reflections:
        if row.answer is None:
            lines.append(f"• {THEME_LABELS[row.theme]}: skipped for now")
        else:
            lines.append(f"• {THEME_LABELS[row.theme]}: {row.paraphrase}")
    lines.append(
        f"\nIt's stored, and you can come back to it any time. The next parts ({COMING_PHASES}) "
        "are coming soon."
    )
    return "\n".join(lines)


def mentions_from_entities(entities: Sequence[Mapping[str, object]]) -> list[dict[str, str]]:
    """The occupations, fields of study and skills in a message, once each, in order."""
    found: list[dict[str, str]] = []
    for entity in entities:
        kind, value = str(entity.get("entity", "")), str(entity.get("value", "")).strip()
        if kind in MENTION_KINDS and value and all(m["value"].lower() != value.lower() for m in found):
            found.append({"kind": kind, "value": value})
    return found


def intake_summary(
    situation: str | None,
    readiness: Mapping[str, int],
    goals: Sequence[str],
    mentions: Sequence[Mapping[str, str]] = (),
) -> str:
    lines = ["Thank you. Here is what I noted, in your words:"]
    if situation:
        lines.append(f"Your situation: \"{situation}\"")
    if mentions:
        named = ", ".join(f"{m['value']} ({MENTION_KINDS[m['kind']]})" for m in mentions)
        lines.append(f"You mentioned {named}; we can come back to these when we look at options.")
    for item, value in readiness.items():
        lines.append(f"Your {READINESS_LABELS.get(item, item)}: {value} out of 5")
    if goals:
        lines.append(f"Your goals:\n{bullet_list(goals)}")
    else:
        lines.append("You haven't set goals yet; we can come back to them whenever you like.")
    lines.append(
        "\nThat's the start done. When you're ready, we can reflect on what matters to you, "
        "your interests and your strengths: say \"let's reflect\"."
    )
    return "\n".join(lines)


def progress_report(snapshot: ClientSnapshot) -> str:
    if snapshot.stage in ("new", "declined"):
        return (
            "We haven't started yet: I'll only store your answers once you agree. "
            "Say \"hello\" to begin."
        )
    if snapshot.stage == "consented":
        return (
            "You've agreed to start, and we're in the first part: your situation, how ready you "
            "feel, and your goals. Say \"let's continue\" to pick up the next question."
        )
    goals = bullet_list(snapshot.goals) if snapshot.goals else "• (none yet)"
    reflection = {
        "done": "✓ Reflection: done.",
        "in_progress": "… Reflection: started; say \"let's reflect\" to go on.",
    }.get(snapshot.phases.get("reflection"), "○ Reflection: not started; say \"let's reflect\" when you like.")
    return (
        "Here's where you are:\n"
        "✓ Start: your situation and readiness are noted.\n"
        f"{reflection}\n"
        f"Your goals:\n{goals}\n"
        f"Coming soon: {COMING_PHASES}."
    )


def feedback_summary(start: Mapping[str, int], closing: Mapping[str, int]) -> str:
    """Thanks, and readiness at the start beside readiness now, so the change is visible."""
    lines = ["Thank you for your feedback; it is stored with your answers."]
    changes = []
    for item, now in closing.items():
        label = READINESS_LABELS.get(item, item)
        if item in start:
            difference = now - start[item]
            change = "no change" if difference == 0 else f"{difference:+d}"
            changes.append(f"• Your {label}: {start[item]} at the start, {now} now ({change})")
        else:
            changes.append(f"• Your {label}: {now} now")
    if changes:
        lines += ["Here is how your readiness has moved:", *changes]
    lines.append("Whatever comes next, the choices are yours. You can come back here whenever you like.")
    return "\n".join(lines)
