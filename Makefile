# Two commands from a fresh clone: `make show` and `make test`. Both build .venv on first use.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: show test snapshots contact-sheet osc-map bench bench-osc clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	# the sound's compiled kernels into numba's cache now (10 s on a cold machine), not at a show's start
	$(PY) -c "import stagecraft.sound.dsp.kernels"
	touch $(STAMP)

show: $(STAMP)
	$(PY) run.py

test: $(STAMP)
	SDL_VIDEODRIVER=offscreen SDL_AUDIODRIVER=dummy $(PY) -m pytest $(PYTEST_ARGS)

# Regenerate the committed reference images after looking at them.
snapshots: $(STAMP)
	SDL_VIDEODRIVER=offscreen $(PY) -m tests.make_snapshots $(NAMES)

# The README's picture of every piece; regenerate after changing how a piece looks.
contact-sheet: $(STAMP)
	SDL_VIDEODRIVER=offscreen $(PY) run.py contact-sheet -o docs/contact-sheet.png

# The OSC address dictionary the README links to; a test fails when it drifts from the code.
osc-map: $(STAMP)
	$(PY) run.py osc-map > docs/osc-map.md

bench: $(STAMP)
	SDL_VIDEODRIVER=offscreen $(PY) bench/frame.py

bench-osc: $(STAMP)
	SDL_VIDEODRIVER=offscreen $(PY) bench/osc.py

clean:
	rm -rf $(VENV) out tests/output
