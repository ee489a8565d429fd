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
# (resources/models/MODEL_CARD.md). With no display there is no window to
# show: it renders the window offscreen into $(BUILD_DIR)/screenshots and
# runs the same model in the terminal instead.
run: build
	@if [ -n "$$DISPLAY$$WAYLAND_DISPLAY" ]; then \
	  $(BUILD_DIR)/app/workbench/moe-workbench $(DEMO_MODEL); \
	else \
	  echo "no display: pictures of the window go to $(BUILD_DIR)/screenshots, then the model runs here"; \
	  QT_QPA_PLATFORM=offscreen $(BUILD_DIR)/tests/bench_ui_screenshots $(DEMO_MODEL) $(BUILD_DIR)/screenshots && \
	  $(MAKE) --no-print-directory run-cli; \
	fi

run-cli: build
	$(BUILD_DIR)/app/cli/moe-cli info $(DEMO_MODEL)
	$(BUILD_DIR)/app/cli/moe-cli generate $(DEMO_MODEL) -p 'ROMEO:' -n 200 --temp 0.8 --seed 1 --routing

# The README's screenshots, of the real window under Xvfb.
screenshots: build
	xvfb-run -a -s "-screen 0 1600x1000x24" $(BUILD_DIR)/tests/bench_ui_screenshots $(DEMO_MODEL) resources/screenshots

bench-ui: build
	QT_QPA_PLATFORM=offscreen $(BUILD_DIR)/tests/bench_ui

clean:
	rm -rf $(BUILD_DIR)
