# One image for every part of Waypoint: the gateway (the default command), Rasa, the action
# server and the migrations. docker-compose.yml and docs/kubernetes/ choose the command.
#
#   docker build -t waypoint:local .
#
# The spaCy pipeline is built and the Rasa model trained while building (about five minutes on
# two cores), so nothing is downloaded or trained when a container starts. No secret and no
# database goes into the image: they come from the environment (see docker-compose.yml).
FROM python:3.10-slim-bookworm

# The last four are what bot.training.rasa_environment() gives every process under the supervisor.
ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    RASA_TELEMETRY_ENABLED=false \
    TF_CPP_MIN_LOG_LEVEL=3 \
    PYTHONWARNINGS=ignore \
    SQLALCHEMY_SILENCE_UBER_WARNING=1

WORKDIR /srv/waypoint

# The pinned dependencies first: this layer is rebuilt only when the lock file changes.
COPY requirements/lock.txt requirements/lock.txt
RUN python -m pip install --upgrade pip "setuptools==70.3.0" wheel \
 && python -m pip install -r requirements/lock.txt

# What training needs, then the training itself: rebuilt only when these change, not on every
# change of the code. Not `python -m bot.prepare`: it would also write a .env with secrets and a
# SQLite database into the image.
COPY pyproject.toml config.yml domain.yml ./
COPY data data
COPY bot/__init__.py bot/settings.py bot/training.py bot/
COPY bot/nlp bot/nlp
RUN python -m bot.nlp.build_pipeline \
 && python -m bot.training \
 && rm -rf .rasa var/train.log

# The code, and the configuration `rasa run` reads from the working directory.
COPY endpoints.yml credentials.yml ./
COPY bot bot
COPY actions actions
RUN python -m pip install --no-deps -e . && python -m pip check

# Run as an unprivileged user, with every secret from the environment (docker-compose.yml refuses to
# start without them), so load_settings() writes no .env. /data/media is where MEDIA_DIR points in
# docker-compose.yml and docs/kubernetes/: pictures and exports.
RUN groupadd --system --gid 10001 waypoint \
 && useradd --system --uid 10001 --gid 10001 --create-home --home-dir /home/waypoint waypoint \
 && mkdir -p /data/media && chown 10001:10001 /data/media && chmod 700 /data/media
USER 10001:10001

EXPOSE 8080 5005 5055
CMD ["python", "-m", "bot.gateway"]
