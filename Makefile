# Cordée — the two commands: `make run` and `make test`.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PG_URL ?= postgres://cordee:cordee@127.0.0.1:5432/cordee
# Each checkout gets its own PostgreSQL test databases (pytest-xdist adds _gw0, _gw1…): two
# checkouts testing at once on one server must not drop each other's.
PG_TEST_DB ?= test_cordee_$(shell printf %s "$(CURDIR)" | md5sum | cut -c1-8)
# pytest on every core (pytest-xdist), whole modules per worker (their rows are built once per
# module) in the order tests/conftest.py gives (longest first), and the 25 slowest tests listed.
PYTEST_WORKERS ?= auto
PYTEST_ARGS ?= -n $(PYTEST_WORKERS) --dist loadfile --no-loadscope-reorder --durations=25
TIMED := bash scripts/timed
export PIP_DISABLE_PIP_VERSION_CHECK := 1
# this machine's pip.conf lists local mirrors that warn for every package they lack
QUIET_PIP := 2>&1 | { grep -v '^WARNING: Location' || true; }


.PHONY: gettext pango run test lint typecheck migrations-check test-sqlite test-postgres test-browser chromium postgres demo-large lock clean messages

$(VENV)/.run-installed: requirements/run.lock pyproject.toml setup.py cordee/analytics/_paths_kernel.c
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q -r requirements/run.lock $(QUIET_PIP)
	$(BIN)/pip install -q --no-deps -e . $(QUIET_PIP)
	touch $@

$(VENV)/.dev-installed: $(VENV)/.run-installed requirements/dev.lock requirements/bench.lock
	$(BIN)/pip install -q -r requirements/dev.lock $(QUIET_PIP)
	# ChannelAttribution (GPL, compared against in tests and benchmarks only) builds from source
	$(BIN)/pip install -q -r requirements/bench.lock $(QUIET_PIP)
	touch $@

## make run: install from the lock file, migrate SQLite, load the demo once, serve on :8000 with the worker
## (CORDEE_LANGUAGE=en: print in English instead of the instance's French)
run: $(VENV)/.run-installed pango
	DEBUG=$${DEBUG:-1} $(BIN)/cordee run $(if $(CORDEE_LANGUAGE),--language $(CORDEE_LANGUAGE))

## make test: lint, types, migrations, the suite on SQLite and PostgreSQL, real-browser tests;
## prints each phase's wall time at the end
test: $(VENV)/.dev-installed chromium gettext postgres pango
	@export CORDEE_TIMINGS=$$(mktemp); start=$$(date +%s); \
	trap 'printf "\nmake test, wall time of each phase:\n"; cat "$$CORDEE_TIMINGS"; \
	      printf "%-24s %7s s\n" "test phase, in all" $$(( $$(date +%s) - start )); \
	      rm -f "$$CORDEE_TIMINGS"' EXIT; \
	$(MAKE) --no-print-directory lint typecheck migrations-check; \
	$(MAKE) --no-print-directory test-sqlite test-postgres

lint: $(VENV)/.dev-installed
	$(TIMED) "ruff check" $(BIN)/ruff check .
	$(TIMED) "ruff format --check" $(BIN)/ruff format --check .
	$(TIMED) "lint-imports" $(BIN)/lint-imports

typecheck: $(VENV)/.dev-installed
	CORDEE_TESTING=1 $(TIMED) mypy $(BIN)/mypy cordee

migrations-check: $(VENV)/.dev-installed
	CORDEE_TESTING=1 CORDEE_VAR_DIR=$$(mktemp -d) $(TIMED) "makemigrations --check" \
	  $(BIN)/cordee makemigrations --check --dry-run

# The test passes keep the bytecode of the code and the tests (pytest's rewritten modules) in
# __pycache__, whatever the shell says (PYTHONDONTWRITEBYTECODE=1): otherwise each xdist worker
# of each pass compiles and rewrites them all again (measured: 10.9 s of CPU to collect the suite
# instead of 6.7 s).
test-sqlite test-postgres: export PYTHONDONTWRITEBYTECODE :=

## the whole suite on SQLite, with the browser and slow tests
test-sqlite: $(VENV)/.dev-installed chromium
	CORDEE_TESTING=1 $(TIMED) "pytest on SQLite" $(BIN)/pytest $(PYTEST_ARGS)

## the suite again on PostgreSQL (browser and slow tests are SQLite-only); then, alone since it
## restarts the cluster under every connection, PostgreSQL restarted while a server answers
## (tests/core/test_database_outage.py)
test-postgres: $(VENV)/.dev-installed postgres
	CORDEE_TESTING=1 DATABASE_URL=$(PG_URL) CORDEE_TEST_DB_NAME=$(PG_TEST_DB) \
	  $(TIMED) "pytest on PostgreSQL" \
	  $(BIN)/pytest $(PYTEST_ARGS) -m "not browser and not slow" -p no:randomly
	CORDEE_TESTING=1 DATABASE_URL=$(PG_URL) CORDEE_TEST_DB_NAME=$(PG_TEST_DB)_restart \
	  CORDEE_PG_RESTART_TEST=1 $(TIMED) "PostgreSQL restart" \
	  $(BIN)/pytest tests/core/test_database_outage.py -k restart -p no:randomly -q

chromium:
	@test -x /usr/bin/chromium || { echo "Installing Debian's chromium for browser tests…"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core fonts-noto-color-emoji >/dev/null; }

postgres:
	@bash scripts/postgres-bootstrap.sh

# The executive report's PDF (WeasyPrint) lays its text out with Pango, from Debian.
pango:
	@ldconfig -p | grep -q 'libpangoft2-1.0.so.0' || { echo "Installing Debian's Pango for the PDF reports…"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core >/dev/null; }

# GNU gettext is a developer tool (makemessages); users get the compiled catalogues.
gettext:
	@command -v xgettext >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gettext >/dev/null; }

## regenerate the lock files after changing pyproject.toml
lock:
	$(PYTHON) -m pip install -q uv
	$(PYTHON) -m uv pip compile pyproject.toml --python-version 3.11 --no-header -o requirements/run.lock
	$(PYTHON) -m uv pip compile pyproject.toml --extra dev --python-version 3.11 --no-header -o requirements/dev.lock
	$(PYTHON) -m uv pip compile pyproject.toml --extra dev --extra bench --python-version 3.11 --no-header -o requirements/bench.lock

## make messages: refresh and compile the French catalogue (needs GNU gettext)
messages: $(VENV)/.dev-installed
	cd cordee && export CORDEE_TESTING=1 && ../$(BIN)/cordee makemessages -l fr --no-location --no-obsolete && ../$(BIN)/cordee compilemessages -l fr

demo-large: $(VENV)/.run-installed
	$(BIN)/cordee demo --size large

clean:
	rm -rf $(VENV) var/*.sqlite3* var/static .pytest_cache .mypy_cache .ruff_cache
