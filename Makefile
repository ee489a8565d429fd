# The two commands of the README. Both install what is missing (Debian
# packages, see packaging/install-deps.sh), configure and build.
BUILD_DIR ?= build
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
CMAKE_FLAGS ?=
DEMO_MODEL ?= $(BUILD_DIR)/models/demo-qwen3moe-tiny-q8_0.gguf

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

$(DEMO_MODEL): build
	@mkdir -p $(dir $(DEMO_MODEL))
	$(BUILD_DIR)/app/cli/moe-cli make-model --arch qwen3moe --preset tiny --quant Q8_0 --seed 7 -o $(DEMO_MODEL)

# Until the trained demo model and the workbench window land, `make run`
# shows the engine on a synthetic model that needs no download.
run: build $(DEMO_MODEL)
	$(BUILD_DIR)/app/cli/moe-cli info $(DEMO_MODEL)
	$(BUILD_DIR)/app/cli/moe-cli generate $(DEMO_MODEL) --tokens 1,2,3,4 -n 16 --temp 0.8 --seed 7 --routing

clean:
	rm -rf $(BUILD_DIR)
