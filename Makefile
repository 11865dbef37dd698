# arbox — `make demo` and `make test` are the two commands a new user runs (see README.md).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
DEMO_ARGS ?=
# e.g. BENCH_ARGS="--sizes 10000,100000 --lines 500" or BENCH_ARGS="--cache /tmp/arbox-bench"
BENCH_ARGS ?=
CHAOS_ARGS ?= --kills 100 --mails 200 --imap dovecot --db postgres
# e.g. E2E_ARGS="--db both", "--mix --mails 100", "--arrival live --rate 20", "--json out.json"
E2E_ARGS ?=
# `make test` runs the suite in this many pytest-xdist workers (auto: one per core); 0 runs it
# in one process. e.g. TEST_WORKERS=0 or TEST_WORKERS=4
TEST_WORKERS ?= auto
# worksteal: a worker that runs out takes tests queued on the other (the long end-to-end tests
# do not leave one core idle at the end).
TEST_ARGS ?= -n $(TEST_WORKERS) --dist worksteal

.PHONY: demo test test-unit test-integration lint fixtures bench bench-e2e eval chaos clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall when pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(VENV)/.installed $@

demo: $(VENV)/.installed  ## the whole job on embedded IMAP, Redis, SQLite and an SMTP sink
	$(BIN)/arbox demo $(DEMO_ARGS)

test: $(VENV)/.installed-dev  ## the whole suite, on every core (pytest-xdist)
	$(BIN)/pytest -q $(TEST_ARGS)

test-unit: $(VENV)/.installed-dev
	$(BIN)/pytest -q $(TEST_ARGS) tests/unit

test-integration: $(VENV)/.installed-dev
	$(BIN)/pytest -q $(TEST_ARGS) tests/integration

lint: $(VENV)/.installed-dev  ## ruff (style, complexity), the import layers, mypy
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/mypy core parsers matching ledger outbound worker review

fixtures: $(VENV)/.installed-dev  ## regenerate the sample mail, PDFs and ledgers
	$(BIN)/python fixtures/generate.py
	$(BIN)/python fixtures/generate_corpus.py

bench: $(VENV)/.installed-dev  ## import 1M invoices, matching at 10k/100k/1M, re-imports, parsing, aging of 1M, OCR of scans
	$(BIN)/python bench/matching.py $(BENCH_ARGS)
	$(BIN)/python bench/import_invoices.py
	$(BIN)/python bench/isolation.py
	$(BIN)/python bench/extraction.py
	$(BIN)/python bench/statements.py
	$(BIN)/python bench/aging.py
	$(BIN)/python bench/review_queue.py
	$(BIN)/python bench/bank_import.py
	$(BIN)/python bench/ocr.py
	PYTHONPATH=$(CURDIR) $(BIN)/python -P bench/issue_invoices.py

bench-e2e: $(VENV)/.installed-dev  ## end to end: Dovecot, poller, two workers, Redis, SQLite/PostgreSQL, SMTP sink
	$(BIN)/python bench/e2e.py $(E2E_ARGS)

eval: $(VENV)/.installed-dev  ## the labelled cash-application benchmark (STP, precision, top-3, baseline)
	$(BIN)/python bench/eval.py $(EVAL_ARGS)

chaos: $(VENV)/.installed-dev  ## crash harness: 100 SIGKILLs, Redis restarts, dropped DB connections
	$(BIN)/python bench/chaos.py $(CHAOS_ARGS)

clean:
	rm -rf $(VENV) .arbox arbox.db arbox.db-* *.egg-info .pytest_cache .mypy_cache .ruff_cache
