"""Typed keys for what the gateway application holds."""

from aiohttp import web
from sqlalchemy.engine import Engine
from sqlalchemy.orm import sessionmaker

from bot.gateway.rasa_client import RasaClient
from bot.gateway.relay import TurnRelay
from bot.settings import Settings

SETTINGS = web.AppKey("settings", Settings)
ENGINE = web.AppKey("engine", Engine)
SESSIONS = web.AppKey("sessions", sessionmaker)
RASA = web.AppKey("rasa", RasaClient)
RELAY = web.AppKey("relay", TurnRelay)
