# Wins: two commands set everything up. `make run` serves the app with demo
# data; `make test` runs every test. `make` alone lists the targets.

SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
# Installed requirements are remembered by a stamp; it is redone when they change.
STAMP_RUN := $(VENV)/.installed-run
STAMP_DEV := $(VENV)/.installed-dev

# The first interpreter of 3.12 or newer: on PATH, then under pyenv.
PYTHON ?= $(shell for c in python3.14 python3.13 python3.12 python3 \
	$$(ls -d $${PYENV_ROOT:-$$HOME/.pyenv}/versions/3.1[2-9]*/bin/python3 2>/dev/null | sort -rV); do \
	  p=$$(command -v $$c 2>/dev/null) || continue; \
	  $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && { echo $$p; break; }; \
	done)

# Development runs in DEBUG unless told otherwise; production sets its own environment.
RUN_ENV := DEBUG=$${DEBUG:-true}

.PHONY: help
help: ## List the targets
	@echo "Wins: make <target>"
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-12s %s\n", $$1, $$2}'

.PHONY: python
python:
	@if [ -z "$(PYTHON)" ]; then \
	  echo "No Python 3.12 or newer found (Django 6.1 needs it)."; \
	  echo "Install one (apt install python3.12, pyenv install 3.13, ...) or run: make PYTHON=/path/to/python3.12 ..."; \
	  exit 1; fi

$(PY): | python
	@echo "Creating $(VENV) with $(PYTHON)"
	@$(PYTHON) -m venv $(VENV)
	@$(PIP) install --quiet --upgrade pip

$(STAMP_RUN): requirements.txt | $(PY)
	$(PIP) install --quiet -r requirements.txt
	@touch $@

$(STAMP_DEV): requirements.txt requirements-dev.txt | $(PY)
	$(PIP) install --quiet -r requirements-dev.txt
	@touch $@ $(STAMP_RUN)

.PHONY: install
install: $(STAMP_RUN) ## Make the virtual environment with the runtime requirements

.PHONY: install-dev
install-dev: $(STAMP_DEV) system-deps ## Add test tools, Chromium, gettext and Java

# Chromium (browser tests), gettext (translations) and Java (the HTML checker,
# tests/test_html_valid.py) come from Debian's packages.
.PHONY: system-deps
system-deps:
	@missing=""; \
	[ -x /usr/bin/chromium ] || missing="$$missing chromium"; \
	command -v msgfmt >/dev/null || missing="$$missing gettext"; \
	command -v java >/dev/null || missing="$$missing default-jre-headless"; \
	[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf ] || missing="$$missing fonts-dejavu-core"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing$$missing from Debian's packages"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else \
	    echo "Missing$$missing: install with 'sudo apt-get install$$missing'. Tests that need them are skipped."; \
	  fi; \
	fi

.PHONY: run
run: $(STAMP_RUN) ## Set up, load demo data and serve on http://127.0.0.1:8000 with a worker and beat
	@mkdir -p var
	$(RUN_ENV) $(PY) manage.py migrate --no-input
	$(RUN_ENV) $(PY) manage.py createcachetable
	$(RUN_ENV) $(PY) manage.py seed_demo
	@echo "Serving on http://127.0.0.1:8000 (Ctrl-C stops web, worker and beat)"
	PATH="$(CURDIR)/$(VENV)/bin:$$PATH" $(RUN_ENV) $(VENV)/bin/honcho -f Procfile.dev start

.PHONY: test
test: install-dev ## Set up and run every test
	@mkdir -p var
	$(PY) -m pytest -n $${PYTEST_WORKERS:-auto} --dist loadgroup $(PYTEST_ARGS)

.PHONY: lint
lint: $(STAMP_DEV) ## Check code, templates, migrations, translations and the layers
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	git ls-files '*.py' | xargs $(VENV)/bin/django-upgrade --target-version 6.1 --check
	$(VENV)/bin/djlint templates --check --quiet
	$(VENV)/bin/djlint templates --lint --quiet
	DEBUG=true $(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/lint-imports

.PHONY: fmt
fmt: $(STAMP_DEV) ## Format code and templates
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .
	$(VENV)/bin/djlint templates --reformat --quiet || true

# makemessages writes only locale/ (our own strings). compilemessages compiles every
# folder of LOCALE_PATHS, so also locale_overrides/: the hand-kept "tú" versions of
# the packages' strings (allauth, the admin), which makemessages would drop.
.PHONY: messages
messages: $(STAMP_DEV) ## Update the Spanish .po files from the code, then compile them
	DEBUG=true $(PY) manage.py makemessages -l es --no-obsolete --add-location file -i ".venv/*" -i "var/*"
	DEBUG=true $(PY) manage.py compilemessages -l es -i ".venv"

.PHONY: bench
bench: $(STAMP_DEV) ## Run the benchmarks under bench/ (slow; not part of the tests)
	@for b in bench/*.py; do echo "== $$b"; $(PY) $$b || exit 1; done

.PHONY: clean
clean: ## Remove the virtual environment and local data under var/
	rm -rf $(VENV) var
