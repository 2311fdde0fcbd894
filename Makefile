SHELL := /bin/bash
PY := .venv/bin/python

.PHONY: site test serve bench clean

# The isolated environment: created when missing, refreshed when the pins change
# (requirements.txt includes requirements/runtime.txt).
.venv/.installed: requirements.txt $(wildcard requirements/*.txt) pyproject.toml
	@test -x $(PY) || python3 -m venv .venv
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	@touch $@

## make site: build the website into _build/html (executes every notebook that needs it)
site: .venv/.installed
	$(PY) scripts/build_site.py

## make test: every test — package, notebooks, build with warnings as errors, built site
test: .venv/.installed
	bash scripts/test.sh

## make serve: preview the built site on http://localhost:8000
serve:
	@test -f _build/html/index.html || { echo "Build first: make site"; exit 1; }
	$(PY) -m http.server --directory _build/html 8000

## make bench: speed and size benchmarks (prints tables)
bench: .venv/.installed
	$(PY) benchmarks/build_times.py
	$(PY) benchmarks/loss_surface.py
	$(PY) scripts/build_site.py --quiet  # site_weight.py measures the built site
	bash scripts/install_browser.sh
	$(PY) benchmarks/site_weight.py

clean:
	rm -rf _build
