// Test helper for tst_store_faults: saves runs into a store in a loop and
// prints "saved ID SEQ" after each commit, until it is killed. The test
// SIGKILLs it mid-save and checks that every run it reported is intact.
//   store_child DB_PATH N_TOKENS N_LAYERS
#include "store/store.h"
#include "store_child/synthetic_run.h"

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>

int main(int argc, char** argv) {
    if (argc != 4) {
        std::fprintf(stderr, "usage: store_child DB_PATH N_TOKENS N_LAYERS\n");
        return 2;
    }
    try {
        moe_test::SyntheticRouting o;
        o.n_tokens = std::atoi(argv[2]);
        o.n_layers = std::atoi(argv[3]);
        o.seed = 11;
        // one record made up front, so the process spends its time saving
        moe::RunRecord rec = moe_test::synthetic_run(o, 16);
        moe::RunStore store(argv[1]);
        for (long seq = 0;; ++seq) {
            rec.notes = "seq " + std::to_string(seq);
            const int64_t id = store.save(rec);
            std::printf("saved %lld %ld\n", static_cast<long long>(id), seq);
            std::fflush(stdout);
        }
    } catch (const std::exception& e) {
        std::fprintf(stderr, "store_child: %s\n", e.what());
        return 1;
    }
}
