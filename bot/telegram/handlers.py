"""The Telegram update handlers: each turns an update into a message for the relay, or a kind word.

Private chats only: the conversation is personal, so nothing from a group or channel is stored.
Everything a client writes goes through `relay.accept`, like the web: rate limit, safety net,
message log and the "one moment" notice when Rasa is away. The replies come back through
TelegramSender, which the relay's outbox calls after each turn.

PTB handles one update at a time, so a handler never waits long: the gateway's own kind words
(to stickers, edits, groups) get one short retry at most, are limited per user, and a group hears
once that the bot is private-only before the bot leaves it. A link code is only used once the
client has confirmed, in this chat, that the web conversation it connects to is their own.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.orm import sessionmaker
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot.gateway.inbound import Rejection, read_chat_message
from bot.gateway.relay import TurnRelay
from bot.gateway.rate_limit import SlidingWindowLimit
from bot.gateway.wording import (
    DATABASE_AWAY_NOTICE,
    DATABASE_RETRY_SECONDS,
    OPENING_PAYLOAD,
    QUEUED_NOTICE,
    TOO_MANY_LINK_ATTEMPTS,
)
from bot.handoff.invitations import invite_answer, invite_choices
from bot.settings import Settings
from bot.storage import invites, linking
from bot.storage.engine import DATABASE_AWAY, transaction
from bot.storage.identity import TELEGRAM_CHANNEL, create_telegram_client, find_telegram_account, telegram_external_id
from bot.telegram.delivery import TelegramSender
from bot.telegram.rendering import CallbackPayloads
from bot.telegram.sending import QUICK

logger = logging.getLogger(__name__)

SERVICES = "waypoint"  # the key of Services in application.bot_data

# Commands as the intents Rasa knows; the dialogue answers them like the buttons that carry them.
COMMAND_PAYLOADS = {
    "help": "/help",
    "plan": "/show_plan",
    "progress": "/show_progress",
    "pause": "/pause",
    "delete": "/delete_my_data",
}
LINK_PREFIX = "link-"  # /start link-<code>: a deep link from the web chat's "continue on Telegram"
# The callback data of the Yes/No buttons under the question before linking: "waypoint-link:yes:<code>"
# (30 bytes with a 12-character code; Telegram allows 64). Rasa's payloads start with "/".
LINK_CONFIRM_PREFIX = "waypoint-link:"
LINK_CONFIRM_PATTERN = rf"^{LINK_CONFIRM_PREFIX}(yes|no):"
# The same for the question before an invitation moves a client to another practitioner (42 bytes).
INVITE_CONFIRM_PREFIX = "waypoint-invite:"
INVITE_CONFIRM_PATTERN = rf"^{INVITE_CONFIRM_PREFIX}(yes|no):"
EXPLANATION_INTERVAL_SECONDS = 10.0  # one kind explanation per user in this time; more are dropped
LEFT_GROUP_MEMORY_SECONDS = 600.0  # updates a group sent before the bot left get no second answer

ONLY_TEXT = "I can only read text messages. Could you write it in words?"
EDITED = (
    "I saw you edited a message; I read only new messages, so please send it again if you changed something."
)
ONLY_PRIVATE = (
    "I work only in a private chat, so that what you share stays between us. "
    "Please open a chat with me directly."
)
STALE_BUTTON = "That button is from an earlier conversation, so I can't read it any more. Could you type your answer?"
CONVERSATION_GONE = "Your earlier conversation was deleted. Send me a message to start afresh."
LINK_ANSWERS = {
    linking.LINKED: "Done: this chat now continues the conversation you started on the web.",
    linking.ALREADY_LINKED: "This chat is already linked to that conversation; just carry on.",
    linking.UNKNOWN: "I couldn't find that code. Please check it, or ask for a new one in the web chat.",
    linking.EXPIRED: "That code has expired (codes last 15 minutes). Please ask for a new one in the web chat.",
    linking.USED: "That code has already been used. Please ask for a new one in the web chat.",
    linking.HAS_OWN_PROCESS: (
        "This Telegram chat already leads to a conversation of its own, and I never mix two of them. "
        "To continue the other one here instead, the one this chat leads to would have to be deleted first "
        "with /delete. That deletes it completely, wherever you have been having it (the web chat too, if "
        "you linked one), so only do it if you are sure. Then use the code again."
    ),
    linking.OTHER_ACCOUNT: (
        "That conversation is already connected to another Telegram account, and one conversation follows "
        "one Telegram account only. Please carry on there; nothing has changed here."
    ),
}
LINK_DECLINED = "Alright, nothing is connected. If someone sent you that link or code, you can simply ignore it."
LINK_YES = "Yes, connect"
LINK_NO = "No"
LINK_USAGE = (
    "To continue a conversation you started in the web chat, send the code shown there like this: "
    "/link ABCD2345EFGH"
)


@dataclass
class Services:
    """What the handlers need from the gateway, kept in application.bot_data."""

    relay: TurnRelay
    sessions: sessionmaker
    settings: Settings
    sender: TelegramSender
    payloads: CallbackPayloads
    link_attempts: SlidingWindowLimit  # per Telegram user here, as the web counts them per address
    waiting: set[asyncio.Task] = field(default_factory=set)  # typing indicators, held until done
    # (user id, explanation) -> when they last got it
    explained: dict[tuple[int, str], float] = field(default_factory=dict)
    left_groups: dict[int, float] = field(default_factory=dict)  # group chat id -> when the bot left it


def services(context: ContextTypes.DEFAULT_TYPE) -> Services:
    return context.bot_data[SERVICES]


def link_question(started_at: datetime) -> str:
    """Asked before a link code is used: the code may have come from someone else."""
    when = f"{started_at.day} {started_at:%B %Y, %H:%M} UTC"
    return (
        f"This connects this Telegram chat to a conversation started in a web browser on {when}. "
        "Only do this if you started that conversation yourself: whoever has it can read what you write here. "
        "Connect?"
    )


# -- handlers -------------------------------------------------------------------------------


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Open the conversation; a deep link may carry a practitioner's invitation or a link code."""
    argument = context.args[0] if context.args else ""
    if argument.startswith(LINK_PREFIX):
        await _ask_to_link(update, context, argument[len(LINK_PREFIX) :])
        return
    found = await _client_of(update, context)
    if argument:
        await _redeem_invite(update, context, found.client_id, argument)
    if found.created:
        await _forward(update, context, found.client_id, None, OPENING_PAYLOAD, from_client=False)
    else:
        # A returning client's "hello": the dialogue welcomes them back where they paused.
        await _forward(update, context, found.client_id, "/start", OPENING_PAYLOAD, trusted_payload=True)


async def link(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Link this chat to a conversation started on the web, with the code shown there."""
    if not context.args:
        await _offer_web_link(update, context)
        return
    await _ask_to_link(update, context, "".join(context.args))


async def link_confirmed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The answer to "Connect?": Yes links (if the code is still good), No leaves everything as it was."""
    answer = await _yes_or_no(update)
    if answer is None:
        return
    said_yes, code = answer
    if said_yes:
        await _link(update, context, code)
    else:
        await _tell(update, context, LINK_DECLINED)


async def invite_answered(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The answer to "Switch to ...?": yes moves the client (if the invitation is still good), no keeps everything."""
    answer = await _yes_or_no(update)
    if answer is None:
        return
    said_yes, code = answer
    found = await _client_of(update, context)
    await _redeem_invite(update, context, found.client_id, code, move=said_yes)


async def _yes_or_no(update: Update) -> tuple[bool, str] | None:
    """A press of one of the gateway's own Yes/No buttons ("<prefix>:yes:<code>"): acknowledged, its keyboard
    taken away; (yes?, code), or None outside a private chat."""
    query = update.callback_query
    try:
        await query.answer()
    except TelegramError as error:
        logger.debug("could not answer a button press (%s)", type(error).__name__)
    if update.effective_chat is None or update.effective_chat.type != "private":
        return None
    _, answer, code = (query.data or "").split(":", 2)
    await _remove_keyboard(query)
    return answer == "yes", code


async def command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Send a command's intent (/plan, /progress, …) to the dialogue, as its button would."""
    name = update.effective_message.text.split()[0].lstrip("/").split("@")[0].lower()
    found = await _opened_conversation(update, context)
    await _forward(update, context, found.client_id, f"/{name}", COMMAND_PAYLOADS[name], trusted_payload=True)


async def text_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Forward what the client wrote; the first message opens the conversation with the greeting."""
    try:
        message = read_chat_message({"text": update.effective_message.text}, services(context).settings.max_message_chars)
    except Rejection as rejection:
        await _explain(update, context, rejection.message)
        return
    found = await _opened_conversation(update, context)
    await _forward(update, context, found.client_id, message.text, None)


async def button_pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Acknowledge the press first, then send the button's payload with its title as the text."""
    query = update.callback_query
    private = update.effective_chat is not None and update.effective_chat.type == "private"
    try:
        # Straight away: it stops the spinner on the client's button.
        await query.answer() if private else await query.answer(ONLY_PRIVATE, show_alert=True)
    except TelegramError as error:
        logger.debug("could not answer a button press (%s)", type(error).__name__)
    if not private:
        return
    data = query.data or ""
    payload = services(context).payloads.payload_for(data)
    if payload is None:
        await _tell(update, context, STALE_BUTTON)
        return
    try:
        message = read_chat_message(
            {"text": _button_title(query.message, data) or payload, "payload": payload},
            services(context).settings.max_message_chars,
        )
    except Rejection:
        await _tell(update, context, STALE_BUTTON)  # callback data that none of our buttons carries
        return
    await _remove_keyboard(query)
    found = await _opened_conversation(update, context)
    await _forward(update, context, found.client_id, message.text, message.payload)


async def unsupported_content(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Stickers, photos, voice, files, locations…: explain kindly that only text can be read."""
    await _explain(update, context, ONLY_TEXT)


async def edited_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """An edit is not a new message: say so, rather than silently ignoring the change."""
    await _explain(update, context, EDITED)


async def not_private(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Groups and channels: say once that the bot works only in a private chat, then leave."""
    chat = update.effective_chat
    if chat is None:
        return
    left = services(context).left_groups
    now = time.monotonic()
    for chat_id in [c for c, at in left.items() if now - at > LEFT_GROUP_MEMORY_SECONDS]:
        del left[chat_id]
    if chat.id in left:
        return  # sent before the bot left: they have heard it
    left[chat.id] = now
    await _tell(update, context, ONLY_PRIVATE)
    try:
        await services(context).sender.leave_chat(chat.id, QUICK)
    except TelegramError as error:
        logger.info("could not leave a group (%s)", type(error).__name__)


async def log_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log a failed update by the error's type only: updates carry client text, which stays out of logs.

    An update that failed because the database was away is kept and handled again (see
    `_hold_until_the_database_is_back`), the client told once that it will be.
    """
    if isinstance(context.error, DATABASE_AWAY) and isinstance(update, Update):
        logger.warning("database unavailable for a Telegram update (%s); trying again shortly", type(context.error).__name__)
        _hold_until_the_database_is_back(update, context)
        return
    logger.error("a Telegram update could not be handled: %s", type(context.error).__name__)
    logger.debug("details of the Telegram error", exc_info=context.error)


DATABASE_HOLD_ATTEMPTS = 120  # ten minutes at DATABASE_RETRY_SECONDS; kept in memory only


@dataclass
class HeldChat:
    """A chat's updates that met the database away, handled again in the order they came."""

    updates: list[Update] = field(default_factory=list)
    failed_again: bool = False  # set by log_error while the head is being handled again


def _hold_until_the_database_is_back(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    held: dict[int, HeldChat] = context.application.bot_data.setdefault("held_chats", {})
    chat_id = update.effective_chat.id if update.effective_chat else 0
    chat = held.get(chat_id)
    if chat is not None and chat.updates and chat.updates[0] is update:
        chat.failed_again = True  # the worker below is handling it again: it keeps it
        return
    if chat is None:
        chat = held[chat_id] = HeldChat()
        # Told once per outage and chat; then the chat's updates are handled again, in order.
        for work in (_explain(update, context, DATABASE_AWAY_NOTICE), _handle_held_updates(context, chat_id, chat)):
            task = asyncio.create_task(work)
            services(context).waiting.add(task)
            task.add_done_callback(services(context).waiting.discard)
    chat.updates.append(update)


async def _handle_held_updates(context: ContextTypes.DEFAULT_TYPE, chat_id: int, chat: HeldChat) -> None:
    attempts = 0
    try:
        while chat.updates and attempts < DATABASE_HOLD_ATTEMPTS:
            await asyncio.sleep(DATABASE_RETRY_SECONDS)
            chat.failed_again = False
            await context.application.process_update(chat.updates[0])
            if chat.failed_again:
                attempts += 1
                continue
            chat.updates.pop(0)
            while chat.updates:  # the database is back: the rest go at once, in order
                chat.failed_again = False
                await context.application.process_update(chat.updates[0])
                if chat.failed_again:
                    break
                chat.updates.pop(0)
        if chat.updates:
            logger.error("%d Telegram update(s) dropped: the database stayed unavailable", len(chat.updates))
    finally:
        context.application.bot_data.get("held_chats", {}).pop(chat_id, None)


# -- helpers --------------------------------------------------------------------------------


@dataclass(frozen=True)
class FoundClient:
    client_id: str
    created: bool


async def _client_of(update: Update, context: ContextTypes.DEFAULT_TYPE) -> FoundClient:
    """The client behind this Telegram user, created on first contact; their chat is remembered."""
    user_id, chat_id = update.effective_user.id, update.effective_chat.id

    def find_or_create() -> FoundClient:
        with transaction(services(context).sessions) as session:
            account = find_telegram_account(session, user_id)
            if account is not None:
                account.address = str(chat_id)
                return FoundClient(account.client_id, created=False)
            return FoundClient(create_telegram_client(session, user_id, chat_id).id, created=True)

    found = await asyncio.to_thread(find_or_create)
    services(context).sender.remember(found.client_id, chat_id)
    return found


async def _opened_conversation(update: Update, context: ContextTypes.DEFAULT_TYPE) -> FoundClient:
    """The client, with the greeting sent on their behalf first if this is their first contact.

    The bot then introduces itself and asks for consent before it answers what they wrote.
    """
    found = await _client_of(update, context)
    if found.created:
        await _forward(update, context, found.client_id, None, OPENING_PAYLOAD, from_client=False, follow=False)
    return found


async def _forward(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    client_id: str,
    text: str | None,
    payload: str | None,
    from_client: bool = True,
    follow: bool = True,
    trusted_payload: bool = False,
) -> None:
    """Hand a message to the relay, then show "typing…" until it is answered (or say it will be)."""
    relay = services(context).relay
    try:
        inbound = await relay.accept(
            client_id, TELEGRAM_CHANNEL, text, payload, from_client=from_client, trusted_payload=trusted_payload
        )
    except Rejection as rejection:
        await _explain(update, context, CONVERSATION_GONE if rejection.code == "unknown_client" else rejection.message)
        return
    if follow:
        # In the background: handlers should return quickly, so that other clients' updates flow.
        task = asyncio.create_task(_wait_for_answer(services(context), update.effective_chat.id, inbound["id"]))
        services(context).waiting.add(task)
        task.add_done_callback(services(context).waiting.discard)


async def _wait_for_answer(waypoint: Services, chat_id: int, message_id: int) -> None:
    """Typing while Rasa thinks; the "one moment" notice if it is away or slow (the answer follows later)."""
    typing = asyncio.create_task(waypoint.sender.keep_typing(chat_id))
    try:
        turn = await waypoint.relay.wait_for_turn(message_id, waypoint.settings.reply_wait_seconds)
    finally:
        typing.cancel()
    if turn is None:
        try:
            await waypoint.sender.send_text(chat_id, QUEUED_NOTICE)
        except TelegramError as error:
            logger.warning("could not send the waiting notice (%s)", type(error).__name__)


async def _redeem_invite(
    update: Update, context: ContextTypes.DEFAULT_TYPE, client_id: str, code: str, move: bool | None = None
) -> None:
    """Use a practitioner's invitation; a client who has a practitioner gets the question before moving, with buttons."""

    def redeem() -> invites.Redemption:
        with transaction(services(context).sessions) as session:
            return invites.redeem_invite(session, code.strip(), client_id, move)

    redemption = await asyncio.to_thread(redeem)
    if redemption.outcome != invites.MOVE_ASKED:
        await _tell(update, context, invite_answer(redemption))
        return
    switch, stay = invite_choices(redemption.practitioner, redemption.current_practitioner)
    buttons = InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(switch, callback_data=f"{INVITE_CONFIRM_PREFIX}yes:{code.strip()}")],
            [InlineKeyboardButton(stay, callback_data=f"{INVITE_CONFIRM_PREFIX}no:{code.strip()}")],
        ]
    )
    await _tell(update, context, invite_answer(redemption), reply_markup=buttons)


async def _offer_web_link(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A one-time link to go on in the web chat; without a conversation here, how to link one."""
    waypoint = services(context)

    def code_for_this_user() -> linking.NewLinkCode | None:
        with transaction(waypoint.sessions) as session:
            account = find_telegram_account(session, update.effective_user.id)
            if account is None or not linking.has_own_process(session, account.client_id):
                return None
            return linking.create_link_code(session, account.client_id)

    new_code = await asyncio.to_thread(code_for_this_user)
    if new_code is None:
        await _tell(update, context, LINK_USAGE)
        return
    web_link = f"{waypoint.settings.public_url}/?link={new_code.code}"
    await _tell(
        update,
        context,
        f"To go on in the web chat, open this link: {web_link}\nIt works once, for 15 minutes, and both chats then "
        f"lead to the same conversation. {LINK_USAGE}",
    )


async def _ask_to_link(update: Update, context: ContextTypes.DEFAULT_TYPE, code: str) -> None:
    """Ask before linking: a deep link or a code can come from someone else, who would then read along.

    Nothing is used or linked yet; a code that would be refused is answered at once instead.
    """
    waypoint = services(context)
    user_id = update.effective_user.id
    if waypoint.link_attempts.take(f"telegram:{user_id}"):
        await _tell(update, context, TOO_MANY_LINK_ATTEMPTS)
        return

    def preview() -> linking.LinkPreview:
        with transaction(waypoint.sessions) as session:
            return linking.preview_link(session, code, TELEGRAM_CHANNEL, telegram_external_id(user_id))

    proposal = await asyncio.to_thread(preview)
    if proposal.outcome != linking.READY or proposal.started_at is None:
        await _link(update, context, code)  # the same refusal, worded in one place (or "already linked")
        return
    buttons = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(LINK_YES, callback_data=f"{LINK_CONFIRM_PREFIX}yes:{proposal.code}"),
                InlineKeyboardButton(LINK_NO, callback_data=f"{LINK_CONFIRM_PREFIX}no:{proposal.code}"),
            ]
        ]
    )
    await _tell(update, context, link_question(proposal.started_at), reply_markup=buttons)


async def _link(update: Update, context: ContextTypes.DEFAULT_TYPE, code: str) -> None:
    """Continue the conversation of the client who showed `code` in this chat (see bot/storage/linking.py)."""
    waypoint = services(context)
    user_id, chat_id = update.effective_user.id, update.effective_chat.id

    def link_here() -> linking.LinkResult:
        with transaction(waypoint.sessions) as session:
            return linking.link_account(session, code, TELEGRAM_CHANNEL, telegram_external_id(user_id), str(chat_id))

    result = await asyncio.to_thread(link_here)
    if result.abandoned_client_id is not None:
        await waypoint.relay.erase(result.abandoned_client_id)  # an empty conversation: a greeting at most
    await _tell(update, context, LINK_ANSWERS[result.outcome])
    if result.outcome == linking.LINKED and result.client_id is not None:
        waypoint.sender.remember(result.client_id, chat_id)
        # A greeting on their behalf: the dialogue welcomes them back at the point they reached.
        await _forward(update, context, result.client_id, None, OPENING_PAYLOAD, from_client=False)


def _button_title(message: Any, data: str) -> str | None:
    """The title of the pressed button, read from the keyboard it sat on, for the message log."""
    markup = getattr(message, "reply_markup", None)
    for row in getattr(markup, "inline_keyboard", None) or ():
        for button in row:
            if button.callback_data == data:
                return button.text
    return None


async def _remove_keyboard(query: Any) -> None:
    """Take the buttons away once one is pressed, so that a double tap does not answer twice."""
    try:
        await query.edit_message_reply_markup(reply_markup=None)
    except TelegramError as error:
        logger.debug("could not remove a keyboard (%s)", type(error).__name__)


async def _tell(update: Update, context: ContextTypes.DEFAULT_TYPE, text: str, **options: Any) -> None:
    """A direct answer from the gateway (not from the dialogue); not stored, and never raises.

    Sent while the update is handled, so with one short retry at most: a long wait here would hold
    up every other chat. A 429 asking for longer drops it (the client can ask again).
    """
    chat = update.effective_chat
    if chat is None:
        return
    try:
        await services(context).sender.send_text(chat.id, text, QUICK, **options)
    except TelegramError as error:
        logger.info("could not answer in a chat (%s)", type(error).__name__)


async def _explain(update: Update, context: ContextTypes.DEFAULT_TYPE, text: str) -> None:
    """A kind explanation (only text, an edit, a refused message): the same one once per user per interval.

    A hundred stickers get one answer, not a hundred that would run into Telegram's flood control;
    a different explanation (say, "too long" after "only text") is still given.
    """
    user = update.effective_user
    key = (user.id if user is not None else (update.effective_chat.id if update.effective_chat else 0), text)
    explained = services(context).explained
    now = time.monotonic()
    last = explained.get(key)
    if last is not None and now - last < EXPLANATION_INTERVAL_SECONDS:
        logger.debug("dropping an explanation: one was sent moments ago")
        return
    if len(explained) > 10_000:
        for stale in [k for k, at in explained.items() if now - at >= EXPLANATION_INTERVAL_SECONDS]:
            del explained[stale]
    explained[key] = now
    await _tell(update, context, text)
