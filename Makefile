# The two commands: `make build` and `make test`. Everything else is installed by them.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
# Every Python package at one exact version (README, "Dependencies"); `make lock` remakes them.
LOCK := requirements.lock
TEST_LOCK := requirements-test.lock
# The web editor's script (Decap CMS, from npm): `make build` installs it for /admin/.
EDITOR := node_modules/decap-cms/dist/decap-cms.js
# Material prints a notice about its future on every build: editors need only our messages.
export NO_MKDOCS_2_WARNING := 1

.PHONY: build serve edit test test-fast lint lock check fix bench audio art clean system-deps

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is needed: install python3.11 (e.g. apt-get install python3.11 python3.11-venv)"; exit 1; }
	$(PYTHON) -m venv $(VENV)

# The lock first (pip, the build backend and every dependency, exactly as pinned, nothing
# resolved), then the project alone; `pip check` fails if the lock lacks something a package
# needs, and `lock.py --check` if it no longer fits pyproject.toml's ranges. A changed lock
# or pyproject.toml reinstalls.
$(STAMP): $(BIN)/python pyproject.toml $(LOCK)
	$(BIN)/python -m pip install --quiet --no-deps -r $(LOCK)
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	$(BIN)/python -m pip check
	$(BIN)/python scripts/lock.py --check
	@touch $@

$(TEST_STAMP): $(STAMP) $(TEST_LOCK)
	$(BIN)/python -m pip install --quiet --no-deps -r $(TEST_LOCK)
	$(BIN)/python -m pip check
	$(BIN)/python scripts/lock.py --check
	@touch $@

## lock: re-resolve pyproject.toml's ranges in a throwaway virtualenv and rewrite both lock files
lock:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is needed: install python3.11 (e.g. apt-get install python3.11 python3.11-venv)"; exit 1; }
	$(PYTHON) scripts/lock.py

## build: install, then build the site into site/ (the old site stays if the build fails)
build: $(STAMP) $(EDITOR)
	$(BIN)/mkdocs build --strict
	@echo "Built site/ ($$(du -sh site | cut -f1))"

## serve: live preview at http://127.0.0.1:8000/ with drafts; after an edit only the pages it touches
## are made again (--dirty, answered exactly by the plugin: see plugins/cln/preview.py)
serve: $(STAMP)
	$(BIN)/mkdocs serve --dirty --livereload

## edit: the web editor at http://127.0.0.1:8000/admin/ against this working tree (decap-server
## saves straight into case_studies/ and podcasts/, no pull request), with `make serve`'s preview
edit: $(STAMP) $(EDITOR)
	@echo "Open http://127.0.0.1:8000/admin/ and choose Login: what you save is written into this folder. Ctrl-C stops."
	@trap 'kill $$decap 2>/dev/null' EXIT INT TERM; \
	MODE=fs PORT=8081 BIND_HOST=localhost LOG_LEVEL=warn GIT_REPO_DIRECTORY="$(CURDIR)" node_modules/.bin/decap-server & decap=$$!; \
	$(BIN)/mkdocs serve --dirty --livereload

## check: validate content without building (cln check)
check: $(STAMP)
	$(BIN)/cln check

## fix: rewrite names as slugs and day-first dates as YYYY-MM-DD where sure (cln fix; DRY=1 only shows)
fix: $(STAMP)
	$(BIN)/cln fix $(if $(DRY),--dry-run)

## test: install everything the tests need, lint, then run them all (both engines compared included)
test: $(TEST_STAMP) system-deps node_modules/.package-lock.json lint
	$(BIN)/python -m pytest -q

## lint: ruff (style, bugs, complexity) and mypy (types), as configured in pyproject.toml
lint: $(TEST_STAMP)
	$(BIN)/ruff check plugins scripts tests
	$(BIN)/mypy

## test-fast: the unit tests only: no whole-site builds, no browser
test-fast: $(TEST_STAMP) system-deps
	$(BIN)/python -m pytest -q tests/unit -m "not slow and not browser"

# The web editor (/admin/): Decap CMS's built script, served by the site, and decap-server for
# `make edit`, both pinned in package-lock.json; npm from Debian when missing. Without them
# (mkdocs run by hand) the site is built without /admin/.
$(EDITOR): package-lock.json
	@command -v npm >/dev/null 2>&1 || { \
	  echo "Installing Debian's npm (for the web editor)"; SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq npm >/dev/null; }
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

# Lighthouse, from npm, for the browser tests (run against Debian's Chromium, never a downloaded one)
node_modules/.package-lock.json: package-lock.json | system-deps
	npm ci --no-audit --no-fund --loglevel=error

## system-deps: Debian packages for real MP3s and a real browser (skipped when present)
system-deps:
	@missing=""; \
	for cmd in chromium:chromium espeak-ng:espeak-ng lame:lame npm:npm; do \
	  command -v $${cmd%%:*} >/dev/null 2>&1 || missing="$$missing $${cmd##*:}"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing fonts-dejavu-core >/dev/null; \
	fi

## audio / art: remake the sample episodes' MP3s and transcripts, and the show art
audio: $(STAMP) system-deps
	$(BIN)/python scripts/make_audio.py --all
art: $(STAMP)
	$(BIN)/python scripts/make_art.py

## bench: time our build against plain MkDocs Material at 100, 1,000 and 3,000 case studies (about 15 minutes)
bench: $(TEST_STAMP) system-deps
	$(BIN)/python scripts/bench.py

clean:
	rm -rf site .site-tmp site-media .cache
