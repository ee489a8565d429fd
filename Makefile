# The two commands of the README. Both install what is missing (Debian
# packages, see packaging/install-deps.sh), configure and build.
BUILD_DIR ?= build
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
CMAKE_FLAGS ?=
DEMO_MODEL ?= resources/models/shakespeare-moe.gguf

.PHONY: all deps configure build test run clean

all: build

deps:
	@bash packaging/install-deps.sh

configure: deps
	cmake -S . -B $(BUILD_DIR) $(CMAKE_FLAGS)

build: configure
	cmake --build $(BUILD_DIR) -j $(JOBS)

test: build
	cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS)

# `make run` opens the bundled, trained demo model (resources/models/MODEL_CARD.md).
run: build
	$(BUILD_DIR)/app/cli/moe-cli info $(DEMO_MODEL)
	$(BUILD_DIR)/app/cli/moe-cli generate $(DEMO_MODEL) -p 'ROMEO:' -n 200 --temp 0.8 --seed 1 --routing

clean:
	rm -rf $(BUILD_DIR)
