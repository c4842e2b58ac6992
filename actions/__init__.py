"""Custom actions run by the action server (python -m bot.action_server)."""
