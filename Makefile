# The two commands: `make run` and `make test`. Everything else is a step they call.
PY      ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed
KG_STORE ?= ./kgdata
export KG_STORE

.PHONY: run test install system-deps frontend samples lint bench bench-quick clean

run: install frontend samples
	$(BIN)/kg serve

test: install system-deps frontend
	$(BIN)/ruff check kg web tests
	$(BIN)/pytest -q $(PYTEST_ARGS)

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $(STAMP)

# Debian packages the tests start themselves: Virtuoso (remote-store parity) and Chromium
# (real-browser tests). Installed once; CI runs as root on a clean machine.
system-deps:
	@missing=""; \
	command -v virtuoso-t >/dev/null || missing="$$missing virtuoso-opensource"; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

# Front-end libraries come from the npm registry at build time and are served locally.
frontend:
	@if [ -f web/frontend/package.json ]; then $(MAKE) -C web/frontend; fi

samples: install
	$(BIN)/kg ingest samples

lint: install
	$(BIN)/ruff check kg web tests
	$(BIN)/mypy kg

bench: install system-deps
	$(BIN)/kg bench $(BENCH_ARGS)

bench-quick: install system-deps
	$(BIN)/kg bench --quick

clean:
	rm -rf $(VENV) kgdata web/static/vendor web/frontend/node_modules
