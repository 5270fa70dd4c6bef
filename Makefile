# Impulse: `make run` serves the demo, `make test` runs the tests. Nothing else to install.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test setup setup-dev sysdeps browser translations migrate demo worker lint diagram bench clean

run: setup translations migrate
	@$(FLASK) demo --if-empty --stage scoring
	@echo "Impulse on http://$(HOST):$(PORT) (demo accounts in README.md; password impulse-demo)"
	@trap 'kill 0' INT TERM EXIT; \
	  $(FLASK) jobs worker & \
	  $(FLASK) run --host $(HOST) --port $(PORT)

test: setup-dev browser translations
	$(BIN)/pytest $(PYTEST_ARGS)

setup: $(VENV)/.installed sysdeps
setup-dev: $(VENV)/.installed-dev sysdeps

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(VENV)/.installed $@

# WeasyPrint needs Pango; HarfBuzz-Subset makes PDF letters about 5x faster;
# fonts-dejavu-core's DejaVu Sans covers Latin and Arabic (checked with fontconfig's
# :lang=ar; tests/test_i18n_rtl.py renders an Arabic PDF with it); fonts-noto-core's
# Noto Naskh Arabic is used first by the pages when present. Installed with apt when root.
# DejaVu fonts cover Latin and Arabic; qpdf checks the letters' structure and pdftotext
# (poppler-utils) reads them as an applicant's PDF reader would (tests).
# Installed with apt when we are root.
SYSTEM_LIBS := libpango-1.0.so.0:libpango-1.0-0 libharfbuzz-subset.so.0:libharfbuzz-subset0
sysdeps:
	@missing=""; \
	for pair in $(SYSTEM_LIBS); do \
	  lib=$${pair%%:*}; pkg=$${pair##*:}; \
	  ldconfig -p | grep -q "$$lib" || missing="$$missing $$pkg"; \
	done; \
	[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing="$$missing fonts-dejavu-core"; \
	if command -v fc-list >/dev/null && ! fc-list :lang=ar family | grep -q .; then \
	  missing="$$missing fonts-dejavu-core"; \
	fi; \
	command -v qpdf >/dev/null || missing="$$missing qpdf"; \
	command -v pdftotext >/dev/null || missing="$$missing poppler-utils"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing system packages:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else \
	    echo "Missing system packages:$$missing"; \
	    echo "Install them with: sudo apt-get install$$missing"; \
	    case "$$missing" in *libpango*) exit 1;; esac; \
	  fi; \
	fi

# The end-to-end tests drive Debian's Chromium with its chromedriver (no browser download);
# the accessibility test injects axe-core, installed from tests/e2e/package-lock.json.
AXE := tests/e2e/node_modules/axe-core/axe.min.js
browser: $(AXE)
$(AXE): tests/e2e/package.json tests/e2e/package-lock.json
	@if command -v npm >/dev/null; then \
	  cd tests/e2e && npm ci --no-audit --no-fund --silent && touch node_modules/axe-core/axe.min.js; \
	else \
	  echo "Accessibility test will be skipped: install npm, then run make browser"; \
	fi
browser:
	@if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing chromium and chromium-driver for the browser tests"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null; \
	  else \
	    echo "Browser tests will be skipped: sudo apt-get install chromium chromium-driver"; \
	  fi; \
	fi

translations:
	@$(BIN)/pybabel compile -d app/translations > /dev/null

migrate: setup
	$(FLASK) db upgrade

demo: setup migrate
	$(FLASK) demo

worker: setup
	$(FLASK) jobs worker

# Maintainers: refresh the message catalogues after changing strings.
extract: setup
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k N_ -o app/translations/messages.pot .
	$(BIN)/pybabel update -i app/translations/messages.pot -d app/translations --no-fuzzy-matching
	$(FLASK) i18n fill-source --locale en
	$(BIN)/pybabel extract -F babel-letters.cfg -o app/translations/letters.pot .
	$(BIN)/pybabel update -D letters -i app/translations/letters.pot -d app/translations --no-fuzzy-matching --ignore-obsolete
	$(FLASK) i18n fill-source --locale en --domain letters

diagram: setup
	$(FLASK) workflow diagram

lint: setup-dev
	$(BIN)/ruff check app workflows tests bench

clean:
	rm -rf $(VENV) .pytest_cache
