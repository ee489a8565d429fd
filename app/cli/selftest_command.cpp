// Registers `moe-cli selftest` (selftest_cmd.cpp: the GPU backend against the CPU reference).
#include "command.h"
#include "selftest_cmd.h"

#include <memory>

Command selftest_command(CLI::App& app) {
    auto a = std::make_shared<SelftestArgs>();
    return { add_selftest_command(app, *a), [a] { return run_selftest_command(*a); } };
}
