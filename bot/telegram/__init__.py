"""The Telegram channel: python-telegram-bot inside the gateway, by long polling or a webhook.

Telegram users are clients like any other: each message goes through the gateway's relay and
message log, and the replies come back through a channel sender (bot/telegram/delivery.py).
"""
