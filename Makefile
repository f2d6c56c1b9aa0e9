# Two entry points for a fresh machine: `make demo` and `make test`. Each installs what it needs.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
CDK := node_modules/.bin/cdk
# Checkov lives in its own environment: it pins boto3/botocore older than the app's (requirements-checkov.txt).
CHECKOV_VENV := .venv-checkov
export CHECKOV := $(CURDIR)/$(CHECKOV_VENV)/bin/checkov
# jsii prints a banner on every synth when Node is end-of-life (Node 20 here). It is about this
# machine's Node, not the app; the value names the one major version whose warning is silenced.
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION := 20
export CDK_DISABLE_CLI_TELEMETRY := true

.PHONY: demo report test lint typecheck unit integration infra synth bench wheel wheel-check docs clean

$(VENV)/.installed: requirements.txt requirements-lambda.txt requirements-dev.txt pyproject.toml setup.py
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	# This checkout, editable: the console script and the report --demo entry point name subnet_ip_monitor.*
	# (setup.py maps the folders), and the checkout's own top-level packages (cli, lambdas...) go on the path.
	$(PY) -m pip install --quiet --no-deps -e .
	echo "$(CURDIR)" > "$$($(PY) -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')/subnet-ip-monitor-checkout.pth"
	touch $@

$(CHECKOV_VENV)/.installed: requirements-checkov.txt
	$(PYTHON) -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(CHECKOV_VENV)/bin/python -m pip install --quiet -r requirements-checkov.txt
	touch $@

$(CDK): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

## demo: seed a local emulator (moto, in-process) and run the real collectors against it
demo: $(VENV)/.installed
	$(PY) -m demo

## report: the read-only report of your account (subnet-ip-monitor report; ARGS="--profile p --region r")
report: $(VENV)/.installed
	$(VENV)/bin/subnet-ip-monitor report $(ARGS)

## test: lint (import contracts included), type-check, unit, integration and infrastructure tests (Checkov included),
## a CLI synth + cfn-lint, the wheel check and the docs site
test: lint typecheck $(CHECKOV_VENV)/.installed
	$(PY) -m pytest
	$(MAKE) synth
	$(MAKE) wheel-check
	$(MAKE) docs

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	# The layering (pyproject.toml [tool.importlinter]; docs/architecture.md).
	$(VENV)/bin/lint-imports --no-cache

typecheck: $(VENV)/.installed
	$(VENV)/bin/mypy

## synth: the real CDK CLI, offline and without credentials; cfn-lint on what it wrote
synth: $(VENV)/.installed $(CDK)
	$(CDK) synth --quiet --no-notices --no-version-reporting
	$(VENV)/bin/cfn-lint cdk.out/SubnetIpMonitor.template.json

## bench: API calls against the floor, time and memory at S, M, L (one account) and XL (hub); writes BENCHMARKS.md
bench: $(VENV)/.installed
	$(PY) -m bench --sizes S,M,L,XL,storm --write

## docs: the documentation site into site/ (mkdocs build --strict: a broken link, anchor or page fails)
docs: $(VENV)/.installed
	NO_MKDOCS_2_WARNING=1 $(VENV)/bin/mkdocs build --strict --quiet

## wheel: the package into dist/ (pip install dist/subnet_ip_monitor-*.whl, with [cdk] or [demo] as needed)
wheel: $(VENV)/.installed
	rm -rf build
	$(PY) -m pip wheel --quiet --no-deps --wheel-dir dist .

## wheel-check: build the wheel, install it in a clean venv, run the CLI and synthesize a user's app with the construct
wheel-check: $(VENV)/.installed
	PYTHON="$(CURDIR)/$(PY)" bash .ci/wheel-check

clean:
	rm -rf $(VENV) $(CHECKOV_VENV) node_modules cdk.out build dist site .pytest_cache .mypy_cache .ruff_cache .import_linter_cache
