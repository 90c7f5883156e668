# Two commands for a fresh machine:
#   make lab    set everything up and open the course in JupyterLab
#   make test   set everything up and run every test (what CI runs)
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
FIRST  := course/01_chain_rule/01_chain_rule.ipynb
PYTEST_ARGS ?=

.PHONY: setup system lab test course clean

$(VENV)/.installed: requirements.txt requirements-dev.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

setup: $(VENV)/.installed

# Debian's Chromium for the browser tests (never `playwright install`).
system:
	@command -v chromium >/dev/null || { $(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }

lab: setup
	PYTHONPATH=$(CURDIR) $(VENV)/bin/jupyter lab --notebook-dir=$(CURDIR) $(FIRST)

test: setup system
	PYTHONPATH=$(CURDIR) $(PY) -m pytest $(PYTEST_ARGS)

# Regenerate the learner notebooks from the instructor notebooks with nbgrader.
course: setup
	PYTHONPATH=$(CURDIR) $(PY) -m autograder release

clean:
	rm -rf $(VENV) artifacts .pytest_cache
