"""Run the gateway: `python -m bot.gateway` (the supervisor does this for you)."""

import logging

from aiohttp import web

from bot.gateway.app import create_app
from bot.settings import settings_or_exit
from bot.storage.engine import make_engine
from bot.storage.migrate import upgrade


def main() -> None:
    settings = settings_or_exit()
    logging.basicConfig(level=settings.log_level, format="%(levelname)s %(name)s: %(message)s")
    engine = make_engine(settings.database_url)
    upgrade(engine)
    engine.dispose()
    web.run_app(create_app(settings), host=settings.gateway_host, port=settings.gateway_port, print=None, access_log=None)


if __name__ == "__main__":
    main()
