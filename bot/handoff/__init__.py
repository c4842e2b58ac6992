"""Handing a client-approved summary over to their practitioner."""
