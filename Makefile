# The two commands of the README. Both install what is missing (Debian
# packages, see packaging/install-deps.sh), configure and build.
BUILD_DIR ?= build
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
CMAKE_FLAGS ?=
DEMO_MODEL ?= resources/models/shakespeare-moe.gguf

.PHONY: all deps configure build test run run-cli screenshots bench-ui clean

all: build

deps:
	@bash packaging/install-deps.sh

configure: deps
	cmake -S . -B $(BUILD_DIR) $(CMAKE_FLAGS)

build: configure
	cmake --build $(BUILD_DIR) -j $(JOBS)

test: build
	cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS)

# `make run` opens the workbench on the bundled, trained demo model
# (resources/models/MODEL_CARD.md). With no display it runs under xvfb-run
# when installed, else says how to get a picture or a headless run instead.
run: build
	@if [ -n "$$DISPLAY$$WAYLAND_DISPLAY" ]; then \
	  $(BUILD_DIR)/app/workbench/moe-workbench $(DEMO_MODEL); \
	elif command -v xvfb-run >/dev/null 2>&1; then \
	  echo "no display: running under xvfb-run (make screenshots saves pictures)"; \
	  xvfb-run -a -s "-screen 0 1600x1000x24" $(BUILD_DIR)/app/workbench/moe-workbench $(DEMO_MODEL); \
	else \
	  echo "no display: 'make screenshots' renders the window offscreen, 'make run-cli' runs the model headless"; \
	  exit 1; \
	fi

run-cli: build
	$(BUILD_DIR)/app/cli/moe-cli info $(DEMO_MODEL)
	$(BUILD_DIR)/app/cli/moe-cli generate $(DEMO_MODEL) -p 'ROMEO:' -n 200 --temp 0.8 --seed 1 --routing

screenshots: build
	QT_QPA_PLATFORM=offscreen $(BUILD_DIR)/tests/bench_ui_screenshots $(DEMO_MODEL) resources/screenshots

bench-ui: build
	QT_QPA_PLATFORM=offscreen $(BUILD_DIR)/tests/bench_ui

clean:
	rm -rf $(BUILD_DIR)
