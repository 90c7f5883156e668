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
FAST   := not notebooks and not browser and not slow

.PHONY: setup system lab lint check test course clean

$(VENV)/.installed: requirements.txt requirements-dev.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@
	@echo "Set up in $(VENV). Next: 'make lab' opens the course, 'make check' runs the fast tests."

setup: $(VENV)/.installed

# Debian's Chromium for the browser tests (never `playwright install`).
system:
	@command -v chromium >/dev/null || { $(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }

lab: setup
	PYTHONPATH=$(CURDIR) $(VENV)/bin/jupyter lab --notebook-dir=$(CURDIR) $(FIRST)

lint: setup
	$(VENV)/bin/ruff check .

check: lint
	PYTHONPATH=$(CURDIR) $(PY) -m pytest -m "$(FAST)" $(PYTEST_ARGS)

test: setup system lint
	PYTHONPATH=$(CURDIR) $(PY) -m pytest $(PYTEST_ARGS)

# Regenerate the learner notebooks from the instructor notebooks with nbgrader.
course: setup
	PYTHONPATH=$(CURDIR) $(PY) -m autograder release

clean:
	rm -rf $(VENV) artifacts .pytest_cache
