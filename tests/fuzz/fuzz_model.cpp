// libFuzzer entry point from bytes to a loaded Model: the GGUF reader, the
// typed getters, the loader's checks of hyper-parameters and shapes, and,
// for a model that loads, one forward step and the weight scan. Any input
// either runs or is refused with moe::Error; nothing crashes, hangs or
// allocates more than the file justifies.
// Seeds: build-fuzz/tests/fuzz_seeds writes tiny models of every architecture.
#include "gguf/gguf.h"
#include "model/model.h"
#include "model/verify.h"
#include "runtime/session.h"

#include "error.h"

#include <cstdint>
#include <cstring>
#include <memory>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::unique_ptr<uint8_t[]> copy(new uint8_t[size ? size : 1]);
    if (size) std::memcpy(copy.get(), data, size);
    try {
        auto model = moe::Model::load(moe::GgufFile::from_memory(copy.get(), size, "fuzz"));
        (void)moe::verify_tensors(*model, 1);
        moe::BackendOptions bo;
        bo.n_ctx = 4;
        bo.n_threads = 1;
        bo.max_batch = 2;
        moe::Session s(model, moe::make_backend(moe::BackendKind::cpu, model, bo));
        moe::GenerateOptions go;
        go.n_predict = 2;
        go.sampler.temperature = 0.0f;
        const int32_t prompt[2] = { 0, model->config().n_vocab - 1 };
        (void)s.generate(prompt, go);
    } catch (const moe::Error&) { }
    return 0;
}
