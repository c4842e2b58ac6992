"""Waypoint: a client-centred self-guidance chatbot for career guidance services."""
