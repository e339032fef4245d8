# The two commands: `make build` and `make test`. Everything else is installed by them.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
# Material prints a notice about its future on every build: editors need only our messages.
export NO_MKDOCS_2_WARNING := 1

.PHONY: build serve test check bench audio art clean system-deps

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is needed: install python3.11 (e.g. apt-get install python3.11 python3.11-venv)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e .
	@touch $@

$(TEST_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e ".[test]"
	@touch $@

## build: install, then build the site into site/ (the old site stays if the build fails)
build: $(STAMP)
	$(BIN)/mkdocs build --strict
	@echo "Built site/ ($$(du -sh site | cut -f1))"

## serve: live preview at http://127.0.0.1:8000/ with drafts, reloading on every change
serve: $(STAMP)
	$(BIN)/mkdocs serve --livereload

## check: validate content without building (cln check)
check: $(STAMP)
	$(BIN)/cln check

## test: install everything the tests need, then run them all
test: $(TEST_STAMP) system-deps node_modules/.package-lock.json
	$(BIN)/python -m pytest -q

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
bench: $(STAMP) system-deps
	$(BIN)/python scripts/bench.py

clean:
	rm -rf site .site-tmp site-media .cache
