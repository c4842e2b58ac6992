"""The Telegram application factory: python-telegram-bot with Waypoint's handlers."""

from __future__ import annotations

from telegram import BotCommand, Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot.settings import TELEGRAM_WEBHOOK, Settings
from bot.telegram import handlers

# Channel posts are not asked for: the bot has nothing to say in a channel. (Should one arrive
# all the same, e.g. through a webhook registered before, `not_private` answers it and leaves.)
ALLOWED_UPDATES = [
    Update.MESSAGE,
    Update.EDITED_MESSAGE,
    Update.CALLBACK_QUERY,
]
COMMANDS = [
    BotCommand("start", "Start, or pick up where you left off"),
    BotCommand("help", "What I can do and how to talk to me"),
    BotCommand("plan", "Show my action plan"),
    BotCommand("progress", "Where am I in the process?"),
    BotCommand("pause", "Pause and continue later"),
    BotCommand("delete", "Delete all my data"),
    BotCommand("link", "Continue here a conversation started on the web"),
]


def build_application(settings: Settings) -> Application:
    """The PTB application with Waypoint's handlers; TelegramChannel adds the gateway's services."""
    builder = (
        Application.builder()
        .token(settings.telegram_bot_token)
        .base_url(f"{settings.telegram_api_url}/bot")
        .base_file_url(f"{settings.telegram_api_url}/file/bot")
    )
    if settings.telegram_mode == TELEGRAM_WEBHOOK:
        builder = builder.updater(None)  # updates arrive through the gateway's route instead
    application = builder.build()
    add_handlers(application)
    return application


def add_handlers(application: Application) -> None:
    """Order matters: the first handler whose filter matches an update takes it."""
    private = filters.ChatType.PRIVATE
    new_messages = filters.UpdateType.MESSAGE
    application.add_handler(MessageHandler(~private, handlers.not_private))
    application.add_handler(CallbackQueryHandler(handlers.link_confirmed, pattern=handlers.LINK_CONFIRM_PATTERN))
    application.add_handler(CallbackQueryHandler(handlers.invite_answered, pattern=handlers.INVITE_CONFIRM_PATTERN))
    application.add_handler(CallbackQueryHandler(handlers.button_pressed))
    application.add_handler(MessageHandler(filters.UpdateType.EDITED, handlers.edited_message))
    application.add_handler(CommandHandler("start", handlers.start, filters=private & new_messages))
    application.add_handler(CommandHandler("link", handlers.link, filters=private & new_messages))
    application.add_handler(
        CommandHandler(list(handlers.COMMAND_PAYLOADS), handlers.command, filters=private & new_messages)
    )
    application.add_handler(MessageHandler(private & new_messages & filters.TEXT, handlers.text_message))
    # Service messages (a pin, a changed auto-delete timer) are not something the client wrote.
    application.add_handler(MessageHandler(filters.ALL & ~filters.StatusUpdate.ALL, handlers.unsupported_content))
    application.add_error_handler(handlers.log_error)
