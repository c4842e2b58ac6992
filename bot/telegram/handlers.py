"""The Telegram update handlers: each turns an update into a message for the relay, or a kind word.

Private chats only: the conversation is personal, so nothing from a group or channel is stored.
Everything a client writes goes through `relay.accept`, like the web: rate limit, safety net,
message log and the "one moment" notice when Rasa is away. The replies come back through
TelegramSender, which the relay calls after each turn.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import sessionmaker
from telegram import Update
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot.gateway.inbound import Rejection, read_chat_message
from bot.gateway.relay import TurnRelay
from bot.gateway.routes import OPENING_PAYLOAD, QUEUED_NOTICE
from bot.handoff.invitations import INVITE_ANSWERS
from bot.settings import Settings
from bot.storage import invites, linking
from bot.storage.engine import transaction
from bot.storage.identity import TELEGRAM_CHANNEL, create_telegram_client, find_telegram_account, telegram_external_id
from bot.telegram.delivery import TelegramSender
from bot.telegram.rendering import CallbackPayloads

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
        "You already have a conversation of your own here on Telegram, and I never mix two of them. "
        "To continue the web one here instead, first delete your data here with /delete, then use the code again."
    ),
}
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
    waiting: set[asyncio.Task] = field(default_factory=set)  # typing indicators, held until done


def services(context: ContextTypes.DEFAULT_TYPE) -> Services:
    return context.bot_data[SERVICES]


# -- handlers -------------------------------------------------------------------------------


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Open the conversation; a deep link may carry a practitioner's invitation or a link code."""
    argument = context.args[0] if context.args else ""
    if argument.startswith(LINK_PREFIX):
        await _link(update, context, argument[len(LINK_PREFIX) :])
        return
    found = await _client_of(update, context)
    if argument:
        await _redeem_invite(update, context, found.client_id, argument)
    if found.created:
        await _forward(update, context, found.client_id, None, OPENING_PAYLOAD, from_client=False)
    else:
        # A returning client's "hello": the dialogue welcomes them back where they paused.
        await _forward(update, context, found.client_id, "/start", OPENING_PAYLOAD)


async def link(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Link this chat to a conversation started on the web, with the code shown there."""
    if not context.args:
        await _offer_web_link(update, context)
        return
    await _link(update, context, "".join(context.args))


async def command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Send a command's intent (/plan, /progress, …) to the dialogue, as its button would."""
    name = update.effective_message.text.split()[0].lstrip("/").split("@")[0].lower()
    found = await _opened_conversation(update, context)
    await _forward(update, context, found.client_id, f"/{name}", COMMAND_PAYLOADS[name])


async def text_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Forward what the client wrote; the first message opens the conversation with the greeting."""
    try:
        message = read_chat_message({"text": update.effective_message.text}, services(context).settings.max_message_chars)
    except Rejection as rejection:
        await _tell(update, context, rejection.message)
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
    await _tell(update, context, ONLY_TEXT)


async def edited_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """An edit is not a new message: say so, rather than silently ignoring the change."""
    await _tell(update, context, EDITED)


async def not_private(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Groups and channels: say once per message that the bot works only in a private chat."""
    if update.edited_message is not None or update.edited_channel_post is not None:
        return  # they heard it when the message was new
    await _tell(update, context, ONLY_PRIVATE)


async def log_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log a failed update by the error's type only: updates carry client text, which stays out of logs."""
    logger.error("a Telegram update could not be handled: %s", type(context.error).__name__)
    logger.debug("details of the Telegram error", exc_info=context.error)


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
) -> None:
    """Hand a message to the relay, then show "typing…" until it is answered (or say it will be)."""
    relay = services(context).relay
    try:
        inbound = await relay.accept(client_id, TELEGRAM_CHANNEL, text, payload, from_client=from_client)
    except Rejection as rejection:
        await _tell(update, context, CONVERSATION_GONE if rejection.code == "unknown_client" else rejection.message)
        return
    if follow:
        # In the background: handlers should return quickly, so that other clients' updates flow.
        task = asyncio.create_task(_wait_for_answer(services(context), update.effective_chat.id, inbound["id"]))
        services(context).waiting.add(task)
        task.add_done_callback(services(context).waiting.discard)


async def _wait_for_answer(found: Services, chat_id: int, message_id: int) -> None:
    """Typing while Rasa thinks; the "one moment" notice if it is away or slow (the answer follows later)."""
    typing = asyncio.create_task(found.sender.keep_typing(chat_id))
    try:
        turn = await found.relay.wait_for_turn(message_id, found.settings.reply_wait_seconds)
    finally:
        typing.cancel()
    if turn is None:
        try:
            await found.sender.send_text(chat_id, QUEUED_NOTICE)
        except TelegramError as error:
            logger.warning("could not send the waiting notice (%s)", type(error).__name__)


async def _redeem_invite(update: Update, context: ContextTypes.DEFAULT_TYPE, client_id: str, code: str) -> None:
    def redeem() -> str:
        with transaction(services(context).sessions) as session:
            return invites.redeem_invite(session, code.strip(), client_id)

    await _tell(update, context, INVITE_ANSWERS[await asyncio.to_thread(redeem)])


async def _offer_web_link(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A one-time link to go on in the web chat; without a conversation here, how to link one."""
    found = services(context)

    def code_for_this_user() -> linking.NewLinkCode | None:
        with transaction(found.sessions) as session:
            account = find_telegram_account(session, update.effective_user.id)
            if account is None or not linking.has_own_process(session, account.client_id):
                return None
            return linking.create_link_code(session, account.client_id)

    new_code = await asyncio.to_thread(code_for_this_user)
    if new_code is None:
        await _tell(update, context, LINK_USAGE)
        return
    web_link = f"{found.settings.public_url}/?link={new_code.code}"
    await _tell(
        update,
        context,
        f"To go on in the web chat, open this link: {web_link}\nIt works once, for 15 minutes, and both chats then "
        f"lead to the same conversation. {LINK_USAGE}",
    )


async def _link(update: Update, context: ContextTypes.DEFAULT_TYPE, code: str) -> None:
    """Continue the conversation of the client who showed `code` in this chat (see bot/storage/linking.py)."""
    found = services(context)
    user_id, chat_id = update.effective_user.id, update.effective_chat.id

    def link_here() -> linking.LinkResult:
        with transaction(found.sessions) as session:
            return linking.link_account(session, code, TELEGRAM_CHANNEL, telegram_external_id(user_id), str(chat_id))

    result = await asyncio.to_thread(link_here)
    if result.abandoned_client_id is not None:
        await found.relay.erase(result.abandoned_client_id)  # an empty conversation: a greeting at most
    await _tell(update, context, LINK_ANSWERS[result.outcome])
    if result.outcome == linking.LINKED and result.client_id is not None:
        found.sender.remember(result.client_id, chat_id)
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


async def _tell(update: Update, context: ContextTypes.DEFAULT_TYPE, text: str) -> None:
    """A direct answer from the gateway (not from the dialogue); not stored, and never raises."""
    chat = update.effective_chat
    if chat is None:
        return
    try:
        await services(context).sender.send_text(chat.id, text)
    except TelegramError as error:
        logger.info("could not answer in a chat (%s)", type(error).__name__)
