"""Fill a fresh database with a made-up caseload, through the same storage functions the bot and portal use.

Every client goes through the process as far as their stage, in order (agreeing, the start,
reflection, options, a decision, a plan, check-ins, the closing feedback), sends summaries along
the way (some keeping an option they turned down to themselves), and some show distress; their
practitioners write to some of them and note the next session (some changed, some already past);
their dates are then spread over the last months, as a real caseload's would be. Nothing here is real.
"""

from __future__ import annotations

import random
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from bot.demo.material import FIRST_NAMES, FLAG_OUTCOMES, INITIALS, NOTES, PRACTITIONER_MESSAGES, STORIES, Story
from bot.guidance.consent import CONSENT_TEXT_VERSION
from bot.handoff.summary import OPTION_PREFIX
from bot.portal.practitioners import create_account
from bot.storage import message_log
from bot.storage.assignment import assign_client
from bot.storage.contact import record_practitioner_message, set_next_session
from bot.storage.decisions import complete_decision, decision_in_progress, options_of, set_criteria, set_outcome, set_rating
from bot.storage.deletion import delete_client
from bot.storage.feedback import save_feedback
from bot.storage.handoffs import approve, kept_items, remove_items, start_draft
from bot.storage.invites import create_invite, redeem_invite, revoke_invite
from bot.storage.labels import set_label
from bot.storage.models import (
    ADMINISTRATOR,
    PRACTITIONER,
    ROUND_COMPLETE,
    STEP_BLOCKED,
    STEP_DONE,
    Client,
    ConsentRecord,
    Feedback,
    Goal,
    Handoff,
    Intake,
    Message,
    PhaseProgress,
    Practitioner,
    PractitionerChange,
    PractitionerNote,
    ReadinessRating,
    Reflection,
    SafetyFlag,
    SessionDate,
    utcnow,
)
from bot.storage.notes import add_note
from bot.storage.options import complete_option_set, option_set_in_progress, set_own_options
from bot.storage.plans import complete_plan, latest_plan, plan_in_progress, set_due_date, set_steps
from bot.storage.progress import CONSENT_GIVEN, record_consent, save_intake
from bot.storage.reflections import finish_reflection, save_reflection
from bot.storage.identity import WEB_CHANNEL
from bot.storage.reviews import complete_review, record_step_status, review_in_progress, steps_in
from bot.storage.safety import mark_handled, raise_safety_flag

PRACTITIONERS = (("Amira Haddad", "amira.haddad"), ("Ben Okafor", "ben.okafor"), ("Carmen Ruiz", "carmen.ruiz"))
ADMINISTRATOR_ACCOUNT = ("Dana Kowalski", "dana.kowalski")
EMAIL_DOMAIN = "demo.example.org"
# The stages, in the process's order; every client is at one of them.
STAGES = (
    "invited", "agreed", "start", "reflecting", "reflected", "exploring", "decided", "planned", "reviewing", "closed",
)  # fmt: skip
WITHOUT_INVITE = 5  # clients who came without an invite (administrators give them a practitioner)
PHASE_MOMENTS = {"start": 0.05, "reflection": 0.2, "options": 0.35, "decision": 0.5, "planning": 0.65, "review": 0.85, "closing": 0.97}
FLAG_KINDS = (("self_harm", "clear", "statement"), ("suicidal_passive", "possible", "unclear_check"), ("unspecified", "clear", "not_safe"))


@dataclass(frozen=True)
class Login:
    name: str
    email: str
    password: str
    role: str


class NotEmpty(Exception):
    """The database already holds accounts or clients: the demo is never mixed into real data."""


def holdings(session: Session) -> tuple[int, int]:
    """How many accounts and clients the database holds."""
    return (
        session.execute(select(func.count()).select_from(Practitioner)).scalar_one(),
        session.execute(select(func.count()).select_from(Client)).scalar_one(),
    )


def new_password() -> str:
    return secrets.token_urlsafe(12)


def fill(session: Session, clients: int = 120, seed: int = 16, today: date | None = None) -> list[Login]:
    """Make the accounts and `clients` clients at every stage; returns the logins (shown once, never stored)."""
    accounts, existing = holdings(session)
    if accounts or existing:
        raise NotEmpty(f"{accounts} account(s) and {existing} client(s)")
    rng = random.Random(seed)
    today = today or utcnow().date()
    logins = []
    practitioners = []
    for name, user in PRACTITIONERS:
        password = new_password()
        practitioners.append(create_account(session, f"{user}@{EMAIL_DOMAIN}", name, password, PRACTITIONER))
        logins.append(Login(name, f"{user}@{EMAIL_DOMAIN}", password, "practitioner"))
    password = new_password()
    name, user = ADMINISTRATOR_ACCOUNT
    administrator = create_account(session, f"{user}@{EMAIL_DOMAIN}", name, password, ADMINISTRATOR)
    logins.append(Login(name, f"{user}@{EMAIL_DOMAIN}", password, "administrator"))

    labels_used: set[str] = set()
    # The practitioners' messages and sessions draw from their own generator, so that adding them left
    # every other made-up fact of a seed as it was.
    contact_rng = random.Random(seed + 1)
    for number in range(clients):
        practitioner = None if number < WITHOUT_INVITE else practitioners[number % len(practitioners)]
        # Stages spread evenly, the unassigned ones among the early and middle stages.
        stage = STAGES.index("agreed") + number % 5 if practitioner is None else number % len(STAGES)
        label = _label(rng, labels_used)
        DemoClient(session, rng, today, practitioner, administrator, label, STORIES[number % len(STORIES)], stage, number, contact_rng).build()

    _moves_and_farewells(session, rng, practitioners, administrator)
    for practitioner in practitioners:  # a few invites still waiting, one withdrawn
        for index in range(2):
            invite = create_invite(session, practitioner.id, _label(rng, labels_used), 14).invite
            if index == 1:
                revoke_invite(session, invite)
    session.flush()
    return logins


def _label(rng: random.Random, used: set[str]) -> str:
    while True:
        label = f"{rng.choice(FIRST_NAMES)} {rng.choice(INITIALS)}."
        if label not in used:
            used.add(label)
            return label


class DemoClient:
    """One made-up client taken through the process as far as their stage, then given realistic dates."""

    def __init__(
        self, session, rng, today, practitioner, administrator, label, story: Story, stage: int, number: int, contact_rng: random.Random
    ) -> None:
        self.session, self.rng, self.today, self.story, self.stage, self.number = session, rng, today, story, stage, number
        self.contact_rng = contact_rng
        self.practitioner, self.administrator, self.label = practitioner, administrator, label
        self.client = Client()
        session.add(self.client)
        session.flush()
        self.id = self.client.id
        now = datetime.combine(today, datetime.min.time()) + timedelta(hours=12)
        self.last_active = now - timedelta(days=rng.choice([0, 0, 1, 2, 3, 5, 8, 13, 20, 26, 34, 45]), hours=rng.randint(0, 10))
        self.created = self.last_active - timedelta(days=10 + 12 * stage + rng.randint(0, 20))
        self.handoffs: list[tuple[Handoff, float]] = []

    def at(self, fraction: float) -> datetime:
        return self.created + (self.last_active - self.created) * fraction

    def reached(self, name: str) -> bool:
        return self.stage >= STAGES.index(name)

    def build(self) -> None:
        session, story, rng = self.session, self.story, self.rng
        if self.practitioner is not None:
            code = create_invite(session, self.practitioner.id, self.label, 14).code
            redeem_invite(session, code, self.id)
        if self.reached("agreed"):
            record_consent(session, self.id, CONSENT_GIVEN, CONSENT_TEXT_VERSION)
            if self.practitioner is None and rng.random() < 0.6:
                set_label(session, self.id, None, self.label)  # named by an administrator; the others are not yet
        if self.reached("start"):
            start = {"clarity": rng.randint(1, 3), "confidence": rng.randint(1, 3)}
            save_intake(session, self.id, story.situation, start, list(story.goals))
            if rng.random() < 0.5:
                self.send_summary(PHASE_MOMENTS["start"] + 0.02)
        if self.reached("reflecting"):
            themes = list(story.reflections.items())
            for theme, answer in themes if self.reached("reflected") else themes[:2]:
                save_reflection(session, self.id, theme, answer, answer, True)
            if self.reached("reflected"):
                finish_reflection(session, self.id)
        if self.reached("exploring"):
            options = option_set_in_progress(session, self.id)
            set_own_options(session, options, [title for title, _, _ in story.options])
            for option, (_, attracts, unknowns) in zip(options.options, story.options):
                option.attracts, option.unknowns = attracts, unknowns
            if self.reached("decided"):
                complete_option_set(session, options)
                self.decide()
        if self.reached("planned"):
            self.plan()
            self.send_summary(PHASE_MOMENTS["planning"] + 0.03)
        if self.reached("reviewing"):
            self.review()
            if rng.random() < 0.6:
                self.send_summary(PHASE_MOMENTS["review"] + 0.05)
        if self.reached("closed"):
            closing = {"clarity": rng.randint(3, 5), "confidence": rng.randint(3, 5)}
            save_feedback(session, self.id, closing, rng.randint(3, 5), rng.randint(3, 5), rng.randint(3, 5), story.helped, story.improve or None)
            if rng.random() < 0.6:
                self.send_summary(0.99)  # the others' readiness at the close has not reached their practitioner
        self.distress()
        self.notes()
        self.contact()
        self.date_everything()

    def send_summary(self, moment: float) -> None:
        draft = start_draft(self.session, self.id)
        if self.rng.random() < 0.3:
            draft.message = self.rng.choice(
                ["Could we meet before Christmas?", "Please call me, I have questions about the application.",
                 "I'd like to talk about money next time.", "Thank you, this helped."]
            )  # fmt: skip
        draft.share_transcript = False
        if self.number % 4 == 2:
            self.keep_an_option_to_themselves(draft)
        approve(self.session, draft)
        self.handoffs.append((draft, moment))

    def keep_an_option_to_themselves(self, draft: Handoff) -> None:
        """Take the last option (never the chosen one) out before approving, as "remove <its number>" in the
        chat does: some clients keep one they turned down to themselves. It leaves the decision matrix too."""
        kept = kept_items(draft)
        options = [number for number, item in enumerate(kept, start=1) if item.key.startswith(OPTION_PREFIX)]
        if len(options) > 1:
            remove_items(draft, options[-1:])

    def decide(self) -> None:
        session, story = self.session, self.story
        decision = decision_in_progress(session, self.id)
        set_criteria(session, decision, [name for name, _ in story.criteria])
        for criterion, (_, weight) in zip(decision.criteria, story.criteria):
            criterion.weight = weight
        options = options_of(session, decision)
        for criterion in decision.criteria:
            for option in options:
                set_rating(session, decision, criterion.id, option.id, self.rng.randint(2, 5))
        set_outcome(decision, options[0].id if self.rng.random() < 0.8 else None)
        decision.rationale = "It fits what matters most to me."
        complete_decision(session, decision)

    def plan(self) -> None:
        session, story = self.session, self.story
        plan = plan_in_progress(session, self.id)
        set_steps(session, plan, [text for text, _, _ in story.steps])
        for offset, (step, (_, support, if_then)) in enumerate(zip(plan.steps, story.steps)):
            set_due_date(step, self.today + timedelta(days=7 + 10 * offset + self.rng.randint(0, 6)), None)
            # Stored as the chat stores "if I'm tired, then I'll go on Saturday": the obstacle, and the plan for it.
            obstacle, _, plan_for_it = if_then.removeprefix("if ").partition(", then ")
            step.support, step.obstacle, step.if_then = support or None, obstacle or None, plan_for_it or None
        plan.skills = story.skills
        complete_plan(session, plan)

    def review(self) -> None:
        """Some steps fell due: one done, one blocked, the rest still due (waiting for the practitioner's eye)."""
        session = self.session
        for offset, step in enumerate(current_plan_steps(session, self.id)):
            set_due_date(step, self.today - timedelta(days=3 + 5 * offset), None)
        review = review_in_progress(session, self.id)
        statuses = [STEP_DONE, STEP_BLOCKED] if self.rng.random() < 0.5 else [STEP_DONE]
        for step, status in zip(steps_in(session, review), statuses):
            record_step_status(session, review, step, status)
        complete_review(session, review)

    def distress(self) -> None:
        """One client in seven who got as far as the start showed distress (every practitioner has some);
        every other flag was handled, with what was done."""
        if not self.reached("start") or self.number % 7 != 3:
            return
        category, level, reason = FLAG_KINDS[self.number % len(FLAG_KINDS)]
        flag = raise_safety_flag(self.session, self.id, category, level, reason)
        if flag is not None and self.practitioner is not None and (self.number // 7) % 2 == 0:
            mark_handled(self.session, flag, self.practitioner.id, FLAG_OUTCOMES[self.number % len(FLAG_OUTCOMES)])

    def notes(self) -> None:
        if self.practitioner is None or not self.reached("start") or self.rng.random() > 0.45:
            return
        handoff = self.handoffs[0][0] if self.handoffs else None
        for text in self.rng.sample(NOTES, self.rng.randint(1, 2)):
            add_note(self.session, self.id, self.practitioner.id, text, handoff_id=handoff.id if handoff else None)

    def contact(self) -> None:
        """About half of the clients under way hear from their practitioner, and most of those have a next
        session noted (a few moved once; for some it has passed)."""
        rng = self.contact_rng
        if self.practitioner is None or not self.reached("start") or self.reached("closed") or rng.random() > 0.5:
            return
        for text in rng.sample(PRACTITIONER_MESSAGES, rng.randint(1, 2)):
            record_practitioner_message(self.session, self.id, self.practitioner, text, WEB_CHANNEL, message_log.SENT)
        if rng.random() < 0.8:
            day = self.today + timedelta(days=rng.randint(-6, 20))
            if rng.random() < 0.25:
                set_next_session(self.session, self.id, self.practitioner.id, day - timedelta(days=rng.randint(2, 7)))
            set_next_session(self.session, self.id, self.practitioner.id, day)

    def date_everything(self) -> None:
        """Spread the client's history from their first day to their last activity."""
        session, client_id = self.session, self.id
        self.client.created_at, self.client.opened_at, self.client.last_active_at = self.created, self.created, self.last_active
        for model, column in (
            (ConsentRecord, ConsentRecord.recorded_at), (Intake, Intake.recorded_at), (Goal, Goal.created_at),
        ):  # fmt: skip
            session.execute(update(model).where(model.client_id == client_id).values({column: self.at(0.02)}))
        session.execute(
            update(ReadinessRating).where(ReadinessRating.client_id == client_id, ReadinessRating.moment == "start").values(recorded_at=self.at(0.05))
        )
        session.execute(
            update(ReadinessRating).where(ReadinessRating.client_id == client_id, ReadinessRating.moment == "closing").values(recorded_at=self.at(0.97))
        )
        session.execute(update(Feedback).where(Feedback.client_id == client_id).values(recorded_at=self.at(0.97)))
        session.execute(update(Reflection).where(Reflection.client_id == client_id).values(recorded_at=self.at(0.2)))
        for row in session.execute(select(PhaseProgress).where(PhaseProgress.client_id == client_id)).scalars():
            row.updated_at = self.at(PHASE_MOMENTS.get(row.phase, 0.5))
        for handoff, moment in self.handoffs:
            handoff.created_at = handoff.approved_at = self.at(moment)
            if self.rng.random() < (0.9 if moment < 0.9 else 0.35) and self.practitioner is not None:
                handoff.reviewed_at, handoff.reviewed_by = self.at(min(1.0, moment + 0.03)), self.practitioner.id
        for flag in session.execute(select(SafetyFlag).where(SafetyFlag.client_id == client_id)).scalars():
            flag.raised_at = self.at(self.rng.uniform(0.3, 0.95))
            if flag.handled_at is not None:
                flag.handled_at = flag.raised_at + timedelta(hours=self.rng.randint(1, 20))
        first_note = self.handoffs[0][1] if self.handoffs else 0.1
        for note in session.execute(select(PractitionerNote).where(PractitionerNote.client_id == client_id)).scalars():
            note.created_at = self.at(min(1.0, first_note + self.rng.uniform(0.01, 0.3)))
        contacts = [
            *session.execute(select(Message).where(Message.client_id == client_id, Message.author_id.is_not(None))).scalars(),
            *session.execute(select(SessionDate).where(SessionDate.client_id == client_id)).scalars(),
        ]
        moments = sorted(self.contact_rng.uniform(0.5, 1.0) for _ in contacts)  # in the order they were made
        for row, moment in zip(sorted(contacts, key=lambda row: (isinstance(row, SessionDate), row.id)), moments):
            stamp = self.at(moment)
            if isinstance(row, Message):
                row.created_at = stamp
            else:  # set before the day it names
                row.recorded_at = min(stamp, datetime.combine(row.session_on, datetime.min.time()) - timedelta(days=1))
        session.flush()


def current_plan_steps(session: Session, client_id: str) -> list:
    plan = latest_plan(session, client_id, ROUND_COMPLETE)
    return list(plan.steps) if plan else []


def _moves_and_farewells(session: Session, rng: random.Random, practitioners: list[Practitioner], administrator: Practitioner) -> None:
    """Two clients an administrator moved to a colleague, and one who deleted their data."""
    for source, target in ((0, 1), (2, 0)):
        client_id = session.execute(
            select(Client.id).where(Client.practitioner_id == practitioners[source].id).order_by(Client.created_at).limit(1)
        ).scalar_one()
        assign_client(session, client_id, practitioners[target].id, administrator.id)
    session.execute(update(PractitionerChange).values(told_at=utcnow(), changed_at=utcnow() - timedelta(days=4)))
    farewell = Client(practitioner_id=practitioners[1].id)
    session.add(farewell)
    session.flush()
    set_label(session, farewell.id, practitioners[1].id, "Rami H.")
    farewell.deletion_requested_at = utcnow()
    delete_client(session, farewell.id)
