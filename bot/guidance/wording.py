"""What the bot says back about a client's stored progress."""

from __future__ import annotations

from datetime import date
from typing import Mapping, Sequence

from bot.guidance.journey import PHASES, suggestion_text
from bot.guidance.dates import describe_date
from bot.guidance.second_person import in_plain_words, to_second_person
from bot.storage.models import STEP_BLOCKED, STEP_DONE, STEP_OPEN, ActionPlan, CareerOption, Decision, StepUpdate
from bot.storage.progress import PHASE_DONE, PHASE_IN_PROGRESS, ClientSnapshot

MENTION_KINDS = {"OCCUPATION": "an occupation", "FIELD_OF_STUDY": "a field of study", "SKILL": "a skill"}
READINESS_LABELS = {"clarity": "clarity about what you want", "confidence": "confidence about next steps"}
THEME_LABELS = {
    "values": "What matters to you",
    "interests": "Your interests",
    "strengths": "A strength",
    "experiences": "A meaningful experience",
    "circumstances": "Your circumstances",
}


def bullet_list(items: Sequence[str]) -> str:
    return "\n".join(f"• {item}" for item in items)


def resuming_phase(label: str) -> str:
    return (
        f"Let's go on. We paused in the middle of the {label.lower()}. Here's the question where we "
        "stopped; you can also say \"skip\", \"back\" or name another part."
    )


def welcome_back(snapshot: ClientSnapshot) -> str:
    if snapshot.goals:
        goals = f"When we last spoke, your goals for the process were:\n{bullet_list(snapshot.goals)}"
    else:
        goals = "When we last spoke, you hadn't put your goals into words yet, and that's fine."
    return f"Welcome back! {goals}\n\n{suggestion_text(snapshot)} You can ask \"where am I?\" at any time."


def reflection_summary(reflections) -> str:
    lines = ["Thank you for reflecting with me. Here is what you told me:"]
    for row in reflections:
        if row.answer is None:
            lines.append(f"• {THEME_LABELS[row.theme]}: skipped for now")
        else:
            example = f" (for example: {to_second_person(row.example)})" if row.example else ""
            lines.append(f"• {THEME_LABELS[row.theme]}: {to_second_person(in_plain_words(row.answer))}{example}")
    lines.append("\nIt's stored, and you can come back to it any time.")
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


PHASE_MARKS = {PHASE_DONE: "✓", PHASE_IN_PROGRESS: "…"}


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
    lines = ["Here's where you are:", "✓ Start: your situation and readiness are noted."]
    for phase in PHASES:
        status = snapshot.phases.get(phase.name)
        state = {
            PHASE_DONE: "done",
            PHASE_IN_PROGRESS: f"started; say \"{phase.how_to_start}\" to go on",
        }.get(status, f"not started; say \"{phase.how_to_start}\" when you like")
        lines.append(f"{PHASE_MARKS.get(status, '○')} {phase.label}: {state}.")
    if snapshot.due_steps:
        lines.append(f"{snapshot.due_steps} step(s) of your plan are due.")
    goals = bullet_list(snapshot.goals) if snapshot.goals else "• (none yet)"
    lines += [f"Your goals:\n{goals}", "", suggestion_text(snapshot)]
    return "\n".join(lines)


def options_summary(options: Sequence[CareerOption]) -> str:
    if not options:
        return "You haven't named options this time; we can come back to them whenever you like."
    lines = ["Here are your options, as you described them:"]
    for option in options:
        lines.append(f"• {option.title}")
        if option.attracts:
            lines.append(f"  What attracts you: {option.attracts}")
        if option.unknowns:
            lines.append(f"  What you want to find out: {option.unknowns}")
    lines.append("\nThey're stored; you can explore them again whenever you like.")
    return "\n".join(lines)


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


def decision_summary(decision: Decision, chosen: CareerOption | None) -> str:
    if chosen is not None:
        lines = [f"You've chosen: {chosen.title}."]
        if decision.rationale:
            lines.append(f"Your reasons, in your words: {decision.rationale}")
    else:
        lines = ["You've decided to wait with this choice for now, and that's a decision too."]
        if decision.rationale:
            lines.append(f"What you'd like to wait for or find out: {decision.rationale}")
    if decision.gut_feeling:
        lines.append(f"How the result felt: {decision.gut_feeling}")
    lines.append("It's stored with your criteria and ratings; you can weigh your options again whenever you like.")
    return "\n".join(lines)


STEP_MARKS = {STEP_OPEN: "○", STEP_DONE: "✓", STEP_BLOCKED: "!"}


def plan_text(plan: ActionPlan, decision: Decision | None, chosen: CareerOption | None, today: date) -> str:
    """The client's plan as they see it with "show my plan": their decision, steps and skills."""
    lines = ["Your plan:"]
    if chosen is not None:
        lines.append(f"Your decision: {chosen.title}." + (f" Why: {decision.rationale}" if decision.rationale else ""))
    elif decision is not None and decision.decided_at is not None:
        lines.append("Your decision: you chose to wait for now." + (f" {decision.rationale}" if decision.rationale else ""))
    if not plan.steps:
        lines.append("No steps yet.")
    for step in plan.steps:
        due = f" (by {describe_date(step.due_date, today, in_brackets=True)})" if step.due_date else ""
        status = " — blocked" if step.status == STEP_BLOCKED else " — done" if step.status == STEP_DONE else ""
        lines.append(f"{STEP_MARKS.get(step.status, '○')} {step.description}{due}{status}")
        if step.support:
            lines.append(f"   Help: {step.support}")
        if step.obstacle:
            lines.append(f"   What might get in the way: {step.obstacle}")
        if step.if_then:
            lines.append(f"   If it does: {step.if_then}")
    if plan.skills:
        lines.append(f"Skills to build: {plan.skills}")
    if plan.steps:
        lines.append("(○ to do · ✓ done · ! blocked)")
    return "\n".join(lines)


REVIEW_STATES = {STEP_DONE: "done", STEP_BLOCKED: "blocked", "replanned": "replanned"}


def review_summary(updates: Sequence[StepUpdate], goals: Sequence[str], goals_revised: bool | None) -> str:
    lines = ["Thank you for checking in. Here is what changed:"]
    for update in updates:
        step = update.step_description
        state = REVIEW_STATES.get(update.status, update.status)
        if update.due_date is not None:
            state += f" for {describe_date(update.due_date, update.recorded_at.date())}"
        detail = f": {update.note}" if update.note else ""
        lines.append(f"• \"{step}\": {state}{detail}")
    if not updates:
        lines.append("• No step changed this time.")
    if goals_revised:
        lines.append(f"Your goals now:\n{bullet_list(goals)}\nYour earlier goals stay stored beside them.")
    elif goals_revised is False:
        lines.append("Your goals still fit.")
    return "\n".join(lines)


def data_summary(export: Mapping[str, Sequence[Mapping[str, object]]]) -> str:
    """What is stored about the client, in words; the attached file holds every detail."""
    if not export:
        return "I have nothing stored about you."
    lines = ["Here is what I have stored about you:"]
    for row in export.get("consent_records", []):
        lines.append(f"• Your answer to the consent question: {row['decision']} on {str(row['recorded_at'])[:10]}")
    goals = export.get("goals", [])
    if goals:
        current = [str(g["text"]) for g in goals if g["status"] == "active"]
        lines.append(f"• Your goals: {'; '.join(current) or 'none now'}" + (
            f" (and {len(goals) - len(current)} earlier ones you revised)" if len(goals) > len(current) else ""
        ))
    counted = {
        "intakes": "answer(s) about your situation",
        "readiness_ratings": "readiness rating(s)",
        "reflections": "reflection answer(s)",
        "options": "option(s) you explored",
        "decisions": "decision(s)",
        "action_steps": "step(s) in your plans",
        "reviews": "check-in(s)",
        "feedback": "feedback answer(s)",
        "safety_flags": "safety alert(s) for your practitioner (what the risk was about and the date, never your words)",
        "messages": "message(s) of our conversation",
        "handoffs": "summary(ies) for your practitioner",
        "practitioner_notes": "note(s) your practitioner wrote about you after reading a summary",
        "invites": "invitation(s) from a practitioner, with the name they gave you in their list",
        "rasa_events": "entries in the dialogue engine's record of our conversation",
    }
    lines += [f"• {len(export[table])} {label}" for table, label in counted.items() if export.get(table)]
    lines.append(
        "The file below holds all of it in full (JSON). The link works for an hour. You can ask me to "
        "delete your data at any time."
    )
    return "\n".join(lines)
