"""Typed keys for what the gateway application holds."""

from aiohttp import web
from sqlalchemy.engine import Engine
from sqlalchemy.orm import sessionmaker

from bot.gateway.devices import OpenChats
from bot.gateway.rasa_client import RasaClient
from bot.gateway.rate_limit import SlidingWindowLimit
from bot.gateway.relay import TurnRelay
from bot.settings import Settings

SETTINGS = web.AppKey("settings", Settings)
ENGINE = web.AppKey("engine", Engine)
SESSIONS = web.AppKey("sessions", sessionmaker)
RASA = web.AppKey("rasa", RasaClient)
RELAY = web.AppKey("relay", TurnRelay)
# Per address (bot/gateway/addresses.py): new chat sessions, and attempts to use a link code.
SESSION_LIMIT = web.AppKey("session_limit", SlidingWindowLimit)
LINK_ATTEMPT_LIMIT = web.AppKey("link_attempt_limit", SlidingWindowLimit)
OPEN_CHATS = web.AppKey("open_chats", OpenChats)
