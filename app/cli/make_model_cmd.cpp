// moe-cli make-model --arch A --preset P --quant T -o FILE: synthetic models with published shapes.
#include "command.h"

#include "error.h"
#include "model/synth.h"
#include "quant/quant.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

namespace {

struct MakeModelArgs {
    moe::SynthOptions synth;
    std::string quant = "F32", out;
};

int make_model(const MakeModelArgs& a) {
    moe::SynthOptions so = a.synth;
    if (!moe::type_from_name(a.quant.c_str(), &so.quant))
        throw moe::Error(fmt::format("unknown --quant '{}'", a.quant));
    int last = -1;
    moe::write_synthetic_model(so, a.out, [&](double f) {
        const int pct = int(f * 100.0);
        if (pct / 10 != last / 10) {
            spdlog::info("writing {}: {} %", a.out, pct);
            last = pct;
        }
    });
    spdlog::info("wrote {}", a.out);
    return 0;
}

} // namespace

Command make_model_command(CLI::App& app) {
    auto a = std::make_shared<MakeModelArgs>();
    CLI::App* cmd = app.add_subcommand("make-model", "write a synthetic model with published shapes");
    cmd->add_option("--arch", a->synth.arch,
        "architecture for the tiny and small presets (qwen3moe, qwen2moe, llama, olmoe, qwen3, deepseek2, glm4moe, "
        "gpt-oss, granitemoe, llama4, ernie4_5-moe)");
    cmd->add_option("--preset", a->synth.preset,
        "tiny, small, olmoe-1b-7b, qwen3-30b-a3b, mixtral-8x7b, qwen1.5-moe-a2.7b, deepseek-v2-lite, "
        "moonlight-16b-a3b, glm-4.5-air, gpt-oss-20b (MXFP4 experts), granite-3.1-3b-a800m; deepseek2 test variants "
        "tiny-lite (V2-Lite-like), tiny-kvb (one attn_kv_b); gpt-oss tiny-mxfp4 (MXFP4 experts); granitemoe "
        "tiny-shared (a shared expert); llama-4-scout, ernie-4.5-21b-a3b; llama4 tiny-chunk (chunks of 16); "
        "ernie4_5-moe tiny-step2 (MoE every second block)");
    cmd->add_option("--quant", a->quant, "type of the weights: F32, F16, BF16, Q8_0, Q4_0, Q4_K, Q5_K, Q6_K, ...");
    cmd->add_option("--seed", a->synth.seed, "random seed");
    cmd->add_option("-t,--threads", a->synth.threads, "threads");
    cmd->add_option("-o,--output", a->out, "output file")->required();
    cmd->add_option("--tokenizer", a->synth.tokenizer_json,
        "carry this Hugging Face tokenizer.json (or .json.zst) instead of a synthetic vocabulary");
    cmd->add_option(
        "--tokenizer-config", a->synth.tokenizer_config, "its tokenizer_config.json (default: the one next to it)");
    return { cmd, [a] { return make_model(*a); } };
}
