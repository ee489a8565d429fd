#pragma once
// Option groups several moe-cli commands share, and what they turn into:
// a LoadRequest, a Prompt, sampler settings, recording.
#include "run/recorder.h"
#include "run/runner.h"
#include "runtime/sampler.h"

#include <CLI/CLI.hpp>

#include <memory>
#include <string>

// The model and how to run it: generate, score, chat, bench.
struct RunArgs {
    std::string model;
    std::string backend = "auto";
    int threads = 0;
    int ctx = 0;
    int top_k = 0;
    std::string policy, mask, force; // routing policy (runtime/routing_policy.h), masked and forced experts
    int batch = 64;
    bool exact = false; // float activations (the reference path), not the 8-bit fast path
    bool json = false;
    moe::LoadRequest request() const;
};
void add_run_options(CLI::App* cmd, RunArgs& a);

// Validators whose messages say what the option takes (CLI11's PositiveNumber
// prints a range up to 1.8e308): a whole number in [lo, hi]; a finite number of
// at least lo; an unsigned 64-bit whole number given without a sign.
CLI::Validator whole_number(long long lo, long long hi);
CLI::Validator finite_number(double lo);
CLI::Validator unsigned_number();

// Loads the model, logging the backend and chat format it chose.
std::unique_ptr<moe::Runner> load_runner(const RunArgs& a, const std::string& chat_template = {});

// Where a command's text comes from: -p TEXT, --text-file F, or --tokens IDS.
struct TextInput {
    std::string text, file, tokens;
    bool lossy = false; // replace invalid UTF-8 with U+FFFD instead of refusing it
    bool parse_special = false; // let special-token strings in the text be control tokens
    bool given() const { return !text.empty() || !file.empty() || !tokens.empty(); }
    bool as_ids() const { return !tokens.empty(); }
    std::string read_text() const; // the text, read and checked as UTF-8
    moe::Prompt prompt() const;
};
void add_text_options(CLI::App* cmd, TextInput& in, const char* what);

void add_sampler_options(CLI::App* cmd, moe::SamplerOptions& so);

// --db PATH and --no-record.
struct RecordOptions {
    std::string db; // empty: the default store
    bool no_record = false;
};
void add_record_options(CLI::App* cmd, RecordOptions& o);

// Records the run unless --no-record and says where it went. Returns false
// when the run was lost (neither saved nor kept), so the command can exit
// non-zero: data loss is never reported as success.
bool record_run(const RecordOptions& o, const moe::RunRecord& rec);

// Ctrl-C cancels the run in progress; a second one, or one while idle, quits.
class SigintCancels {
public:
    explicit SigintCancels(moe::Runner& r);
    ~SigintCancels();
};
