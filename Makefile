# Two commands for a fresh machine:
#   make lab    set everything up and open the course in JupyterLab
#   make test   set everything up and run every test (what CI runs)
# and one for the edit-test loop:
#   make check  lint + the fast tests (no notebooks, no browser, no apt): well under a minute
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
FIRST  := course/01_chain_rule/01_chain_rule.ipynb
PYTEST_ARGS ?=
# pytest-xdist workers for make test (tests/conftest.py keeps tests that share a fixture together)
WORKERS ?= 2
LAB_ARGS ?=
# JupyterLab refuses to run as root (containers, cloud machines) unless told it may
ALLOW_ROOT := $(shell [ "$$(id -u)" = 0 ] && echo --allow-root)
FAST   := not notebooks and not browser and not slow

.PHONY: setup system lab lint check test course clean learner-edition

$(VENV)/.installed: requirements.txt requirements-dev.txt pyproject.toml instructor/pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	@# setuptools' editable builds print an "Editable installation" notice meant for package authors
	PYTHONWARNINGS=ignore::UserWarning $(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@
	@echo "Set up in $(VENV). Next: 'make lab' opens the course, 'make check' runs the fast tests."

# JupyterLab's (and Notebook 7's) defaults for this environment, from binder/overrides.json (Binder: postBuild):
# widget state saved in notebooks, so a reopened notebook shows its explorers' last pictures.
LAB_OVERRIDES := $(VENV)/share/jupyter/lab/settings/overrides.d/backprop-by-hand.json
$(LAB_OVERRIDES): binder/overrides.json
	install -D -m 644 $< $@

setup: $(VENV)/.installed $(LAB_OVERRIDES)

# Debian's Chromium for the browser tests (never `playwright install`) and bubblewrap, the grader's sandbox.
system:
	@{ command -v chromium && command -v bwrap; } >/dev/null || { $(SUDO) apt-get update -qq && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium bubblewrap; }

lab: setup
	PYTHONPATH=$(CURDIR) $(VENV)/bin/jupyter lab $(ALLOW_ROOT) --notebook-dir=$(CURDIR) $(LAB_ARGS) $(FIRST)

lint: setup
	$(VENV)/bin/ruff check .

check: lint
	PYTHONPATH=$(CURDIR) $(PY) -m pytest -m "$(FAST)" $(PYTEST_ARGS)

test: setup system hub-deps lint
	PYTHONPATH=$(CURDIR) $(PY) -m pytest -n $(WORKERS) --dist loadgroup --durations=25 $(PYTEST_ARGS)

# The JupyterHub test's proxy: configurable-http-proxy from npm, pinned in tests/hub/package-lock.json
# (needs Node.js >= 20 and npm; reinstalled only when the lock file changes).
hub-deps:
	@[ tests/hub/node_modules/.package-lock.json -nt tests/hub/package-lock.json ] || { \
	  command -v npm >/dev/null || { echo "hub-deps: the JupyterHub test needs Node.js >= 20 and npm" >&2; exit 1; }; \
	  cd tests/hub && npm ci --no-audit --no-fund --loglevel=error; }

# Regenerate the learner notebooks from the instructor notebooks with nbgrader.
course: setup
	PYTHONPATH=$(CURDIR) $(PY) -m autograder release $(if $(SEALS),--seals $(SEALS))

clean:
	rm -rf $(VENV) artifacts .pytest_cache

# What learners get, into DIR (course/, backprop, binder/, requirements, README; no answers): autograder/edition.py.
# REPO=owner/name is the edition's own GitHub repository, for its Binder link (default: a placeholder).
learner-edition: setup
	@[ -n "$(DIR)" ] || { echo "usage: make learner-edition DIR=folder [REPO=owner/name]" >&2; exit 2; }
	PYTHONPATH=$(CURDIR) $(PY) -m autograder edition "$(DIR)" $(if $(REPO),--repo "$(REPO)")
