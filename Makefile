# Two commands for a new user: `make run` and `make test`. Everything they need is installed from here.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8501

.PHONY: run test bench bench-browser load load-all lint deps dev-deps chromium nginx clean

$(VENV)/bin/activate:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# Stamp files make re-runs instant while a changed requirements file still reinstalls.
$(VENV)/.deps: requirements.txt | $(VENV)/bin/activate
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev-deps: requirements-dev.txt requirements.txt $(VENV)/.deps
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

deps: $(VENV)/.deps
dev-deps: $(VENV)/.dev-deps

run: deps
	$(PY) -m streamlit run app.py --server.address 127.0.0.1 --server.port $(PORT)

# Browser tests drive Debian's chromium (Playwright cannot download its own browser here); the scale-out tests
# and `make load` put two replicas behind Debian's nginx. Both come from apt when we are root.
APT_INSTALL = (apt-get install -y -qq $(1) || (apt-get update -qq && apt-get install -y -qq $(1))) >/dev/null

chromium:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then $(call APT_INSTALL,chromium); \
	  else echo "chromium missing and not root: browser tests will skip (fail under CI=true)"; fi; \
	fi

nginx:
	@if ! command -v nginx >/dev/null && [ ! -x /usr/sbin/nginx ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then $(call APT_INSTALL,nginx); \
	  else echo "nginx missing and not root: the scale-out tests will skip (fail under CI=true)"; fi; \
	fi

lint: dev-deps
	$(VENV)/bin/ruff check .

test: dev-deps chromium nginx lint
	$(PY) -m pytest

bench: dev-deps
	$(PY) -m bench

# Real Chromium against normlab and a one-slider floor app started side by side: ticks, first charts, live
# training, the race, as ratios to the floor (bench/browser/; writes bench/browser/last_run.md).
bench-browser: dev-deps chromium
	$(PY) -m bench.browser

# The classroom targets of issue #15 (docs/deploy.md, *Measuring*): the class on the optimizer and normalization
# pages (N = 10 and 30, direct and through two nginx replicas), the class under an adversary (the heaviest links and
# 100 distinct heavy races), and a lecture of 30 (60 via nginx) pressing Play on live training. load-all spreads the
# class over every page, live training included, for capacity planning.
load: dev-deps nginx
	$(PY) -m bench.load --scenario class adversary lecture --page optimizers --page normalization

load-all: dev-deps nginx
	$(PY) -m bench.load

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
