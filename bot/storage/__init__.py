"""Storage: SQLAlchemy models, engine creation and the repository over a session."""
