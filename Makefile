# Two commands matter: `make demo` (set up and serve the sandbox) and `make test` (set up and run every test).
# Both create or reuse .venv from the pinned requirements; nothing is installed outside it except, for the browser
# tests, Debian's chromium package when it is missing and we may install it.

PYTHON ?= $(shell for p in python3.12 python3.11 python3; do command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' && echo $$p && break; done)
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8000
MFE_PORT ?= 2000
PYTEST_ARGS ?=
# The service-backed run (make test-services): its own database on the machine's MariaDB, Redis as the broker.
SERVICES_DATABASE_URL ?= mysql://root@127.0.0.1:3306/offline_delivery_ci
SERVICES_BROKER_URL ?= redis://127.0.0.1:6379/7

.PHONY: help demo demo-reset serve test test-services test-lowest test-edx-proctoring bench stress quality docs requirements translations clean
I18N_IGNORE := -i '.venv/*' -i 'sandbox/*' -i 'tests/*' -i 'benchmarks/*' -i 'stress/*' -i 'docs/*' -i 'var/*' -i 'node_modules/*' -i 'test-results/*' \
	-i 'offline_delivery_plugin/static/offline_delivery_plugin/js/service-worker.js'

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

$(VENV)/bin/python:
	@test -n "$(PYTHON)" || { echo "Python 3.11 or newer is needed (python3.11, python3.12 or python3)." >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip

$(VENV)/.sandbox: $(VENV)/bin/python requirements/base.txt requirements/sandbox.txt setup.py
	$(PY) -m pip install -q -r requirements/sandbox.txt
	$(PY) -m pip install -q --no-deps -e .
	@touch $@

$(VENV)/.test: $(VENV)/.sandbox requirements/test.txt
	$(PY) -m pip install -q -r requirements/test.txt
	@touch $@

$(VENV)/.services: $(VENV)/.test requirements/services.txt
	bash scripts/ensure-mysqlclient-build.sh
	$(PY) -m pip install -q -r requirements/services.txt
	@touch $@

$(VENV)/.edx-proctoring-suite: $(VENV)/.test requirements/edx-proctoring-suite.txt
	$(PY) -m pip install -q -r requirements/edx-proctoring-suite.txt
	@touch $@

$(VENV)/.bench: $(VENV)/.services requirements/bench.txt
	$(PY) -m pip install -q -r requirements/bench.txt
	@touch $@

# axe-core for the accessibility checks in Chromium, pinned in package.json and package-lock.json.
node_modules/.installed: package.json package-lock.json
	@command -v npm >/dev/null 2>&1 || { echo "npm (Node.js) is needed for the accessibility checks and the MFE shell." >&2; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

# The sandbox's learning MFE shell: its src/ and the real @edx/frontend-lib-special-exams (package-lock.json), bundled
# by esbuild (pinned there too). react-intl is frontend-platform's own copy, as in an MFE's build.
# Its env.config.jsx is what tutor-mfe renders from the Tutor plugin's MFE patches and slots (sandbox/mfe_shell/env_config.py).
MFE_SHELL = var/mfe-shell/shell.js
MFE_ENV_CONFIG = var/mfe-shell/env.config.jsx
$(MFE_ENV_CONFIG): sandbox/mfe_shell/env_config.py tutor-plugin/tutor_offline_delivery/mfe.py $(wildcard tutor-plugin/tutor_offline_delivery/patches/mfe-*)
	@test -n "$(PYTHON)" || { echo "Python 3.11 or newer is needed (python3.11, python3.12 or python3)." >&2; exit 1; }
	$(PYTHON) sandbox/mfe_shell/env_config.py $@
$(MFE_SHELL): node_modules/.installed $(MFE_ENV_CONFIG) $(wildcard sandbox/mfe_shell/src/*)
	@mkdir -p $(dir $@)
	node_modules/.bin/esbuild sandbox/mfe_shell/src/index.jsx --bundle --minify --outfile=$@ --log-level=warning \
		--loader:.js=jsx --loader:.svg=dataurl --loader:.scss=empty --loader:.css=empty \
		--alias:env.config=./$(MFE_ENV_CONFIG) \
		--alias:react-intl=./node_modules/@edx/frontend-platform/node_modules/react-intl \
		--define:process.env.NODE_ENV='"production"' --define:process.env.APP_ID='"learning"' '--define:process.env={}' \
		--define:global=window
	cp node_modules/@openedx/paragon/dist/core.min.css node_modules/@openedx/paragon/dist/light.min.css $(dir $@)

$(VENV)/.docs: $(VENV)/.test requirements/docs.txt
	$(PY) -m pip install -q -r requirements/docs.txt
	@touch $@

demo: $(VENV)/.sandbox $(MFE_SHELL) ## set up and serve the sandbox on 127.0.0.1:$(PORT) and its MFE shell on :$(MFE_PORT) (SQLite, eager Celery)
	$(PY) manage.py migrate --noinput -v 0
	$(PY) manage.py seed_demo
	@echo
	@echo "  Sandbox:   http://127.0.0.1:$(PORT)/   (who is who, and where each person goes)"
	@echo "  Course:    http://127.0.0.1:$(PORT)/courses/course-v1:SandboxU+EXAM101+2026/"
	@echo "  Password:  edx, for every login above (make demo-reset: the course as new, to walk the demo again)"
	@echo
	$(PY) -m sandbox.mfe_shell.server --lms http://127.0.0.1:$(PORT) --port $(MFE_PORT) & shell=$$!; \
		trap 'kill $$shell' EXIT INT TERM; \
		SANDBOX_MFE_URL=http://127.0.0.1:$(MFE_PORT) $(PY) manage.py runserver 127.0.0.1:$(PORT)

demo-reset: $(VENV)/.sandbox ## bring the demo course back to its first state (every attempt, answer, request and report gone)
	$(PY) manage.py migrate --noinput -v 0
	$(PY) manage.py reset_demo

test: $(VENV)/.test node_modules/.installed $(MFE_SHELL) ## set up and run the whole suite on the embedded defaults (unit, integration, browser)
	bash scripts/ensure-chromium.sh
	$(PY) -m pytest $(PYTEST_ARGS)

test-services: $(VENV)/.services node_modules/.installed $(MFE_SHELL) ## the same suite on MariaDB, with Redis and a real Celery worker
	bash scripts/ensure-chromium.sh
	bash scripts/ensure-services.sh "$(SERVICES_DATABASE_URL)" "$(SERVICES_BROKER_URL)"
	DATABASE_URL="$(SERVICES_DATABASE_URL)" CELERY_BROKER_URL="$(SERVICES_BROKER_URL)" OFFLINE_DELIVERY_SERVICES=1 \
		$(PY) -m pytest -m "$(SERVICES_MARKERS)" $(PYTEST_ARGS)

# The service-backed run leaves out the Chromium tests (make test runs every one of them); SERVICES_MARKERS=
# (empty) runs them on MariaDB too.
SERVICES_MARKERS ?= not browser

# The lowest supported set (requirements/lowest.txt) in a virtualenv of its own, on the tests of everything the
# plugin asks of edx-proctoring, openedx-filters, DRF and Django: the REST API and its limits, the filters and tabs,
# attempts, check-in, reopening, deliveries, requests, allowances and retakes, reports, the sweeper, the demo's reset.
LOWEST_VENV ?= .venv-lowest
LOWEST_TESTS ?= tests/extensions tests/rest_api tests/security/test_limits.py \
	tests/test_attempts.py tests/test_onsite.py tests/test_reopening.py tests/test_monitor.py tests/test_deliveries.py \
	tests/test_learner_requests.py tests/test_notifications.py tests/test_reports.py tests/test_sweeper.py \
	tests/test_exams.py tests/test_hall_roles.py tests/test_course_settings.py tests/sandbox/test_demo.py \
	tests/sandbox/test_studio_pages.py
$(LOWEST_VENV)/.lowest: requirements/base.txt requirements/sandbox.txt requirements/test.txt requirements/lowest.txt setup.py
	@test -n "$(PYTHON)" || { echo "Python 3.11 or newer is needed." >&2; exit 1; }
	test -x $(LOWEST_VENV)/bin/python || $(PYTHON) -m venv $(LOWEST_VENV)
	$(LOWEST_VENV)/bin/python -m pip install -q --upgrade pip
	$(LOWEST_VENV)/bin/python -m pip install -q -r requirements/sandbox.txt
	$(LOWEST_VENV)/bin/python -m pip install -q -r requirements/test.txt
	$(LOWEST_VENV)/bin/python -m pip install -q -r requirements/lowest.txt
	$(LOWEST_VENV)/bin/python -m pip install -q --no-deps -e .
	$(LOWEST_VENV)/bin/python -m pip check
	@touch $@

test-lowest: $(LOWEST_VENV)/.lowest $(MFE_SHELL) ## the plugin's contract tests on the lowest supported versions (requirements/lowest.txt)
	$(LOWEST_VENV)/bin/python -m pip freeze | grep -iE '^(django|celery|djangorestframework|edx-django-utils|edx-proctoring|edx-when|openedx-filters)=='
	$(LOWEST_VENV)/bin/python -m pytest -q -p no:cacheprovider -m "not browser" $(LOWEST_TESTS) $(PYTEST_ARGS)

# Arguments for both runs of edx-proctoring's suite, e.g. EDX_PROCTORING_SUITE_ARGS='-k test_views'.
EDX_PROCTORING_SUITE_ARGS ?=

test-edx-proctoring: $(VENV)/.edx-proctoring-suite ## edx-proctoring's own suite (pinned sdist) without and with the plugin; fails on what only the plugin fails
	$(PY) -m tests.edx_proctoring_suite.run $(EDX_PROCTORING_SUITE_ARGS)

BENCH_DATABASE_URL ?= mysql://root@127.0.0.1:3306/offline_delivery_bench

bench: $(VENV)/.bench ## the benchmarks on MariaDB (gunicorn, Chromium); JSON lines and docs/benchmarks.rst
	bash scripts/ensure-chromium.sh
	bash scripts/ensure-services.sh "$(BENCH_DATABASE_URL)" "$(SERVICES_BROKER_URL)"
	DATABASE_URL="$(BENCH_DATABASE_URL)" DJANGO_SETTINGS_MODULE=benchmarks.settings $(PY) -m benchmarks.run

STRESS_DATABASE_URL ?= mysql://root@127.0.0.1:3306/offline_delivery_stress

stress: $(VENV)/.bench node_modules/.installed $(MFE_SHELL) ## the long battery: browser chaos, then 1,000 candidates with database cuts and restarts
	bash scripts/ensure-chromium.sh
	bash scripts/ensure-services.sh "$(STRESS_DATABASE_URL)" "$(SERVICES_BROKER_URL)"
	OFFLINE_DELIVERY_STRESS=1 $(PY) -m pytest $(PYTEST_ARGS)
	DATABASE_URL="$(STRESS_DATABASE_URL)" DJANGO_SETTINGS_MODULE=stress.settings $(PY) -m stress.load

quality: $(VENV)/.test ## lint, and the package's layers and doors (.importlinter: docs/decisions/0013)
	$(VENV)/bin/ruff check offline_delivery_plugin sandbox tests benchmarks stress tutor-plugin conftest.py setup.py manage.py
	$(VENV)/bin/lint-imports --no-cache

docs: $(VENV)/.docs ## build the Sphinx docs, warnings as errors
	$(VENV)/bin/sphinx-build -W --keep-going -q -b html docs docs/_build/html

requirements: $(VENV)/.test ## recompile the pinned requirements from requirements/*.in
	$(PY) -m pip install -q pip-tools
	cd requirements && for f in base sandbox test services docs bench; do \
		../$(VENV)/bin/pip-compile -q --allow-unsafe --no-strip-extras --output-file=$$f.txt $$f.in; done

translations: $(VENV)/.test ## extract the plugin's strings into conf/locale and compile them (needs gettext)
	$(PY) manage.py makemessages -l sv -l en -d django --settings=sandbox.settings.test $(I18N_IGNORE)
	$(PY) manage.py makemessages -l sv -l en -d djangojs --settings=sandbox.settings.test $(I18N_IGNORE)
	$(PY) manage.py compilemessages --settings=sandbox.settings.test -i '.venv' -i 'var'

clean: ## remove the virtualenv, the sandbox's data and build output
	rm -rf $(VENV) $(LOWEST_VENV) node_modules var docs/_build .pytest_cache *.egg-info
