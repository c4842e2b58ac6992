# `make run` starts the whole stack; `make test` runs every test. Both set up what is missing first.
PYTHON := .venv/bin/python
export TF_CPP_MIN_LOG_LEVEL := 3
export RASA_TELEMETRY_ENABLED := false

.PHONY: run test setup lock

run: setup
	$(PYTHON) -m bot.supervisor

test: setup
	scripts/run-tests

setup:
	scripts/setup-env
	$(PYTHON) -m bot.prepare

# Re-resolve requirements/direct.txt into requirements/lock.txt in a scratch environment.
lock:
	scripts/relock
