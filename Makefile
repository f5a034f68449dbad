# 留痕 Liuhen — the two commands: `make run` and `make test` (see README.md).
VENV ?= .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask --app webapp:create_app
SUDO := $(shell [ "$$(id -u)" -eq 0 ] || echo sudo)
# CJK font and HarfBuzz subsetting for WeasyPrint; poppler-utils and Chromium for the tests.
DEB_PACKAGES := fonts-noto-cjk libharfbuzz-subset0 poppler-utils chromium chromium-l10n
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test check install system-deps bench

system-deps:
	@missing="$$(for p in $(DEB_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done)"; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages: $$missing"; \
	  $(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	touch $@

install: system-deps $(VENV)/.installed

run: install
	$(FLASK) db upgrade heads
	$(FLASK) liuhen seed-demo
	$(FLASK) liuhen serve --host $(HOST) --port $(PORT)

# one pytest worker per core (pytest-xdist): each worker has its own database (SQLite file or PostgreSQL schema)
test: install check
	$(PY) -m pytest -n auto --dist loadgroup

# style (ruff), types (mypy) and the import layers (import-linter): CI fails on any violation
check: install
	$(VENV)/bin/ruff check handlers documents webapp tests bench
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

bench: install
	$(PY) bench/general_procedure.py
	$(PY) bench/documents.py
	$(PY) bench/rule_base.py
	$(PY) bench/http_load.py
	$(PY) bench/supervision_pages.py --reuse   # builds 100,000 cases per database the first time (~25 min each)
