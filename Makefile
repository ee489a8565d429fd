# The two commands of the README. Both install what is missing (Debian
# packages, see packaging/install-deps.sh), configure and build.
BUILD_DIR ?= build
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
CMAKE_FLAGS ?=
DEMO_MODEL ?= resources/models/shakespeare-moe.gguf

.PHONY: all deps configure build test test-slow run run-cli screenshots bench-ui clean format format-check test-asan test-asan-ci fuzz package

all: build

deps:
	@bash packaging/install-deps.sh

configure: deps
	cmake -S . -B $(BUILD_DIR) $(CMAKE_FLAGS)

build: configure
	cmake --build $(BUILD_DIR) -j $(JOBS)

# The whole suite but the checks labelled slow (minutes each; `make test-slow`)
test: build
	cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS) -LE slow

test-slow: build
	cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS) -L slow

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
# In English whatever the system speaks; SCREENSHOT_LOCALE=zh_CN.UTF-8 (or
# de_DE.UTF-8) with SCREENSHOT_DIR=... takes them in another language.
SCREENSHOT_LOCALE ?= C.UTF-8
SCREENSHOT_DIR ?= resources/screenshots
screenshots: build
	LANGUAGE= LC_ALL=$(SCREENSHOT_LOCALE) MOE_WORKBENCH_TRANSLATIONS=$(BUILD_DIR)/app/workbench \
	  xvfb-run -a -s "-screen 0 1600x1000x24" $(BUILD_DIR)/tests/bench_ui_screenshots $(DEMO_MODEL) $(SCREENSHOT_DIR)

bench-ui: build
	QT_QPA_PLATFORM=offscreen $(BUILD_DIR)/tests/bench_ui

# The Debian package (packaging/package.cmake), made by CPack from the build
# tree: $(BUILD_DIR)/moe-workbench_VERSION-1_amd64.deb, which
# `apt install ./build/moe-workbench_*.deb` installs. The package is CPU-only;
# where the build has the CUDA backend, package a CPU-only build instead:
# make package BUILD_DIR=build-cpu CMAKE_FLAGS=-DMOE_CUDA=OFF
package: build
	cd $(BUILD_DIR) && cpack -G DEB
	@ls -l $(BUILD_DIR)/moe-workbench_*.deb

# The whole suite built with AddressSanitizer and UBSan (-DMOE_SANITIZE=ON);
# any report fails the test that made it. ASAN_TESTS narrows it, e.g.
# ASAN_TESTS='-R "^tst_(gguf|model)$$"'. -O0 but the hot loops at -O1
# (engine/CMakeLists.txt: half the build of -O1 everywhere); no CUDA backend
# (nvcc's code is not instrumented).
# Leaks inside system libraries the UI loads are suppressed, each named with
# its reason, in tests/asan/lsan.supp.
ASAN_DIR ?= build-asan
ASAN_TESTS ?=
ASAN_CMAKE_FLAGS = -DMOE_SANITIZE=ON -DMOE_CUDA=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O0 -g1 -DNDEBUG" "-DCMAKE_C_FLAGS_RELWITHDEBINFO=-O0 -g1 -DNDEBUG"
ASAN_ENV = ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
  LSAN_OPTIONS=suppressions=$(CURDIR)/tests/asan/lsan.supp:print_suppressions=0 \
  UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
test-asan: deps
	cmake -S . -B $(ASAN_DIR) $(ASAN_CMAKE_FLAGS) $(CMAKE_FLAGS)
	cmake --build $(ASAN_DIR) -j $(JOBS)
	cd $(ASAN_DIR) && $(ASAN_ENV) ctest --output-on-failure -j $(JOBS) $(ASAN_TESTS)

# The sanitizer step CI runs (.ci/run, after `make test`): the same build,
# but only the engine and moe-cli suites (ctest label asan-ci, listed at the
# end of tests/CMakeLists.txt) and only what they need (target
# asan_ci_targets): no Qt UI, no Python reference checks, which run
# unsanitized in `make test`.
test-asan-ci: deps
	cmake -S . -B $(ASAN_DIR) $(ASAN_CMAKE_FLAGS) $(CMAKE_FLAGS)
	cmake --build $(ASAN_DIR) -j $(JOBS) --target asan_ci_targets
	cd $(ASAN_DIR) && $(ASAN_ENV) ctest --output-on-failure -j $(JOBS) -L asan-ci

# libFuzzer (clang): every target for FUZZ_SECONDS each, on one core, from
# the generated seeds; new inputs gather in $(FUZZ_DIR)/corpus/TARGET, and a
# finding is written to $(FUZZ_DIR)/findings/ (keep it under
# tests/fuzz/regressions/TARGET/, where ctest replays it).
FUZZ_DIR ?= build-fuzz
FUZZ_SECONDS ?= 60
FUZZ_TARGETS ?= fuzz_gguf fuzz_model fuzz_tokenizer fuzz_pretokenizer fuzz_template fuzz_jinja
fuzz: deps
	cmake -S . -B $(FUZZ_DIR) -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ -DMOE_FUZZ=ON -DMOE_CUDA=OFF $(CMAKE_FLAGS)
	cmake --build $(FUZZ_DIR) -j $(JOBS) --target $(FUZZ_TARGETS) fuzz_seeds_gen
	$(FUZZ_DIR)/tests/fuzz_seeds_gen $(FUZZ_DIR)/seeds
	@mkdir -p $(FUZZ_DIR)/findings
	@set -e; for t in $(FUZZ_TARGETS); do \
	  mkdir -p $(FUZZ_DIR)/corpus/$$t; \
	  echo "== $$t for $(FUZZ_SECONDS) s"; \
	  $(FUZZ_DIR)/tests/$$t $(FUZZ_DIR)/corpus/$$t $(FUZZ_DIR)/seeds/$${t#fuzz_} \
	    -max_total_time=$(FUZZ_SECONDS) -timeout=30 -rss_limit_mb=2048 -print_final_stats=1 \
	    -artifact_prefix=$(FUZZ_DIR)/findings/$$t- > $(FUZZ_DIR)/$$t.log 2>&1 \
	    || { tail -40 $(FUZZ_DIR)/$$t.log; echo "$$t: a finding, see $(FUZZ_DIR)/findings/"; exit 1; }; \
	  grep -E "^#[0-9]+ +DONE|stat::number_of_executed_units|stat::peak_rss" $(FUZZ_DIR)/$$t.log; \
	done

# One format for the whole tree (.clang-format, Debian's clang-format 14);
# CI fails on a file that is not formatted.
CXX_SOURCES = $(shell git ls-files '*.cpp' '*.h' '*.cu' '*.cuh')
format:
	clang-format -i $(CXX_SOURCES)

format-check: deps
	clang-format --dry-run --Werror $(CXX_SOURCES)

clean:
	rm -rf $(BUILD_DIR)
