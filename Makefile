# kentei — two commands do all the set-up: `make run` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
export KENTEI_DATABASE_URL ?= sqlite:///var/kentei.db

.PHONY: install run test bench clean translations

$(BIN)/kentei: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(BIN)/kentei

VENDOR := web/static/vendor
$(VENDOR)/node_modules/.installed: $(VENDOR)/package.json
	npm install --prefix $(VENDOR) --no-audit --no-fund --loglevel=error
	touch $@

# the Camunda 7 JavaScript worker client the tests run against /engine-rest (tests/js/worker.mjs)
TESTJS := tests/js
$(TESTJS)/node_modules/.installed: $(TESTJS)/package.json
	npm install --prefix $(TESTJS) --no-audit --no-fund --loglevel=error
	touch $@

install: $(BIN)/kentei $(VENDOR)/node_modules/.installed $(TESTJS)/node_modules/.installed

## The main job: install, create the database, deploy workflows/, seed demo staff and run 200 demo
## applications through the lifecycle (simulators included), then serve the inbox with the scheduler
## on http://127.0.0.1:8000/ (sign in as reviewer1-13, password Kentei-demo-2026), with the demo's
## simulators (住基ネット, national system, an SMTP sink) so approved applications can go on, and the
## portal's demo sign-in (/portal/login lists some demo applicants; never turn it on in production).
run: install
	$(BIN)/kentei init
	$(BIN)/kentei deploy workflows/
	$(BIN)/kentei demo -n 200
	KENTEI_PORTAL_DEMO_SIGNIN=1 $(BIN)/kentei serve --simulators

## The whole test suite (PostgreSQL tests start their own server from the installed binaries).
test: install
	$(BIN)/python -m pytest -q

bench: install
	$(BIN)/python bench/engine_overhead.py -n 300

## Re-read the Japanese text from web/ into the English catalogs (staff pages, applicant portal), keep
## their translations, and compile them. Translate the new entries in the .po files, then run it again.
translations: install
	for c in staff portal; do \
	  $(BIN)/pybabel -q extract --project=kentei -F web/translations/$$c.cfg -k _l -k lazy_gettext --no-location --sort-output \
	    -o web/translations/$$c.pot web && \
	  if [ -f web/translations/$$c/en/LC_MESSAGES/messages.po ]; then \
	    $(BIN)/pybabel -q update --no-fuzzy-matching --ignore-obsolete -i web/translations/$$c.pot -d web/translations/$$c -l en; \
	  else $(BIN)/pybabel -q init -i web/translations/$$c.pot -d web/translations/$$c -l en; fi && \
	  $(BIN)/pybabel compile --statistics -d web/translations/$$c && rm web/translations/$$c.pot; \
	done

clean:
	rm -rf $(VENV) var .pytest_cache
