# `make run` sets everything up and starts the app on the bundled seed articles;
# `make test` sets everything up and runs the linters, the type checker and the test suite.
.PHONY: setup run test lint bench screenshot

setup:
	@bash scripts/bootstrap.sh

run: setup
	@bash scripts/run-app.sh $(ARGS)

lint: setup
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/mypy

test: lint
	.venv/bin/python -m pytest -q $(PYTEST_ARGS)

bench: setup
	.venv/bin/python -m tests.benchmarks.run $(ARGS)

screenshot: setup
	@bash scripts/screenshot.sh
