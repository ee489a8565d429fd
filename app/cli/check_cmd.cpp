// moe-cli check MODEL [--json]: loads the model (every structural check of
// the loader) and reads every tensor, dequantized, for NaN and Inf. Exit 0
// when all values are finite, 1 when a tensor holds a non-finite value.
#include "command.h"
#include "options.h"

#include "common/units.h"
#include "model/model.h"
#include "model/verify.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <iostream>
#include <memory>

Command check_command(CLI::App& app) {
    struct Args {
        std::string path;
        int threads = 0;
        bool json = false;
    };
    auto a = std::make_shared<Args>();
    CLI::App* cmd = app.add_subcommand("check", "read every tensor of a model and report NaN or Inf values");
    cmd->add_option("model", a->path, "GGUF model file")->required();
    cmd->add_option("-t,--threads", a->threads, "threads (default: all; at most 1024)")->check(whole_number(0, 1024));
    cmd->add_flag("--json", a->json, "print JSON");
    return { cmd, [a] {
                const auto model = moe::Model::load(a->path);
                const auto t0 = std::chrono::steady_clock::now();
                const moe::TensorScan scan = moe::verify_tensors(*model, a->threads);
                const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
                if (a->json) {
                    nlohmann::ordered_json bad = nlohmann::ordered_json::array();
                    for (const moe::NonFinite& b : scan.bad) {
                        bad.push_back({ { "tensor", b.tensor }, { "non_finite", b.count },
                            { "first_index", b.first_index }, { "first_value", fmt::format("{}", b.first_value) } });
                    }
                    const nlohmann::ordered_json j = { { "model", a->path }, { "tensors", scan.n_tensors },
                        { "scanned", scan.n_scanned }, { "bytes", scan.bytes_scanned }, { "seconds", s },
                        { "non_finite", bad }, { "skipped", scan.skipped }, { "ok", scan.bad.empty() } };
                    std::cout << j.dump(2) << "\n";
                    return scan.bad.empty() ? 0 : 1;
                }
                fmt::print("{}: {} of {} tensors read ({}) in {:.2f} s\n", a->path, scan.n_scanned, scan.n_tensors,
                    moe::format_bytes(double(scan.bytes_scanned)), s);
                for (const std::string& t : scan.skipped)
                    fmt::print("  not read (type not supported): {}\n", t);
                if (scan.bad.empty()) {
                    fmt::print("every value is finite\n");
                    return 0;
                }
                for (const moe::NonFinite& b : scan.bad)
                    fmt::print("  {}\n", b.describe());
                fmt::print("{} tensor{} hold NaN or Inf: this model's output would be garbage\n", scan.bad.size(),
                    scan.bad.size() == 1 ? "" : "s");
                return 1;
            } };
}
