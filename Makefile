# proctui: `make run` starts the app, `make test` runs the tests. Both create .venv first.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
ARGS ?=

.PHONY: run test test-versions screenshots bench clean messages

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else "proctui needs Python 3.10 or newer; this is " + sys.version.split()[0] + " (set PYTHON=python3.x)")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# A stamp per install, so a changed pyproject.toml reinstalls.
# Bytecode is compiled at install, so that even the first start (or every start, where
# PYTHONDONTWRITEBYTECODE is set) does not compile proctui's sources.
$(VENV)/.installed-run: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	@$(BIN)/python -m compileall -q src
	@touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@$(BIN)/python -m compileall -q src
	@touch $@ $(VENV)/.installed-run

run: $(VENV)/.installed-run
	$(BIN)/proctui $(ARGS)

# First the static checks (pyproject.toml configures both): ruff, then mypy as for the
# oldest Python we support (nothing newer slips in unguarded) and the newest (the
# sys.monitoring tracer, which 3.10's stubs lack). A finding fails `make test` before
# pytest starts. STATIC=0 skips them: test-versions does, as they read the source, not
# the interpreter, and would find the same on every version.
# pytest exits 5 when it ran no test: that must fail, never pass quietly.
# tests/system/test_ssh_sessions.py logs in to a throwaway sshd: bench/install-sshd installs
# openssh-server (and ssh, tmux) first where it may (root, apt-get), so that the test is
# skipped only where it cannot be, never because nobody installed it.
STATIC ?= 1
MYPY_VERSIONS ?= 3.10 3.13

test: $(VENV)/.installed-test
	@if [ "$(STATIC)" != 0 ]; then \
	  echo "== ruff check"; $(BIN)/ruff check || exit 1; \
	  for v in $(MYPY_VERSIONS); do \
	    echo "== mypy --python-version $$v"; $(BIN)/mypy --python-version $$v || exit 1; \
	  done; \
	fi
	@bench/install-sshd
	@$(BIN)/python -m pytest $(ARGS); status=$$?; \
	if [ $$status -eq 5 ]; then echo "make test: pytest ran no tests" >&2; fi; \
	exit $$status

# The catalogues (src/proctui/locale): take every message of the source into each
# language's .po (new ones untranslated, gone ones dropped), then compile the .mo files
# the app reads. Translate what is new in the .po, then run it again.
LOCALE := src/proctui/locale
messages: $(VENV)/.installed-test
	$(BIN)/pybabel --quiet extract --keyword=N_ --add-location=file --sort-by-file --no-wrap \
	  --project=proctui --omit-header -o $(LOCALE)/proctui.pot src/proctui
	$(BIN)/pybabel --quiet update --no-fuzzy-matching --ignore-obsolete --no-wrap \
	  -D proctui -i $(LOCALE)/proctui.pot -d $(LOCALE)
	@rm $(LOCALE)/proctui.pot
	$(BIN)/pybabel --quiet compile --statistics -D proctui -d $(LOCALE)

# SVGs of the real app with real processes, for README.md: look at them after a UI change.
screenshots: $(VENV)/.installed-run
	$(BIN)/python scripts/screenshots.py

# Every benchmark of bench/README.md, side by side with htop, ps, raw /proc reads and a bare
# Textual app; each prints its figures and the ratio to its target (about half an hour in all:
# system_scale and classroom are most of it).
BENCHMARKS ?= idle_cpu system_cpu terminal_bytes event_latency startup many_children memory classroom system_scale filter_keys script_output script_pool script_keys time_keys record_cpu
bench: $(VENV)/.installed-test
	@bench/install-htop
	@bench/install-btop
	@bench/install-sshd
	@$(BIN)/python -m compileall -q src
	@cd bench && for b in $(BENCHMARKS); do ../$(BIN)/python $$b.py || exit 1; done

clean:
	rm -rf $(VENV) .venv-* .debian-testing .pytest_cache .mypy_cache .ruff_cache build src/*.egg-info

# The stepper reads stdlib code that differs between CPython releases, the lab leans on
# multiprocessing internals, and 3.14 made forkserver the default start method: run the
# tests again on every CPython 3.10-3.15, each in its own .venv-3.X. 3.10-3.13 come from
# the machine (under pyenv, or on PATH as python3.X). 3.14 and 3.15 too where the machine
# has them; where it does not, from Debian's testing suite, whose binaries need a newer C
# library than Debian 12's: scripts/in-debian-testing makes a root of testing with them
# (once, where it may: root, debootstrap) and runs `make test` inside it. A version that
# cannot be had is named as skipped, with why, and listed again at the end.
# VERSION_TESTS is the domain's tests (tests/core: everything that reads the stdlib or leans
# on multiprocessing lives in proctui.core); VERSION_TESTS="" runs the whole suite on each.
VERSIONS ?= 3.10 3.11 3.12 3.13 3.14 3.15
VERSION_TESTS ?= tests/core

test-versions:
	@set -e; ran=""; skipped=""; for v in $(VERSIONS); do \
	  py=""; \
	  for candidate in $(HOME)/.pyenv/versions/$$v.*/bin/python$$v $$(command -v python$$v); do \
	    if "$$candidate" -c 'import venv' >/dev/null 2>&1; then py=$$candidate; fi; \
	  done; \
	  if [ -n "$$py" ]; then \
	    echo "== Python $$v: $$py"; \
	    $(MAKE) --no-print-directory test STATIC=0 PYTHON=$$py VENV=.venv-$$v ARGS="$(VERSION_TESTS) $(ARGS)"; \
	    ran="$$ran $$v"; continue; \
	  fi; \
	  case $$v in 3.14|3.15) \
	    if scripts/in-debian-testing --can | grep -qx "python$$v"; then \
	      echo "== Python $$v: python$$v of Debian testing (scripts/in-debian-testing)"; \
	      scripts/in-debian-testing $(MAKE) --no-print-directory test STATIC=0 PYTHON=python$$v VENV=.venv-$$v-debian \
	        ARGS="$(VERSION_TESTS) $(ARGS)"; \
	      ran="$$ran $$v"; continue; \
	    fi;; \
	  esac; \
	  echo "== Python $$v: SKIPPED: not on this machine, and not to be had here"; \
	  skipped="$$skipped $$v"; \
	done; \
	echo "== test-versions: ran on$${ran:- nothing}$${skipped:+; SKIPPED (not on this machine):$$skipped}"
