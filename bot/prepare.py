"""Everything the stack needs besides packages: `python -m bot.prepare`.

Builds the spaCy pipeline, trains the Rasa model if its inputs changed, creates
.env with generated secrets, and migrates the database. Each step is skipped
when it is already done.
"""

from bot.nlp.build_pipeline import PIPELINE_DIR, build
from bot.settings import load_settings
from bot.storage.engine import make_engine
from bot.storage.migrate import upgrade
from bot.training import ensure_model


def main() -> None:
    print("setup: spaCy pipeline " + ("built" if build() else "up to date") + f" ({PIPELINE_DIR.name})")
    ensure_model()
    settings = load_settings()
    engine = make_engine(settings.database_url)
    upgrade(engine)
    engine.dispose()
    print("setup: database migrated")


if __name__ == "__main__":
    main()
