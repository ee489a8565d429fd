// GPU-vs-CPU parity (CTest label `gpu`): the CUDA kernels against the CPU
// ops on random data, family by family, and small synthetic models of every
// architecture and tensor type on both backends (NLL within 1e-2, identical
// top-k expert sets except near-ties, identical greedy tokens for 64 steps
// on F32). Where no GPU (or no CUDA build) is present the GPU cases skip with
// the reason; the harness itself is checked everywhere: the CPU ops through
// the same per-op harness, the CPU model against itself, the mat-vec
// kernels' tile and decode arithmetic (kernels/matvec_tile.h) run on the host.
#include "runtime/cuda_hook.h"
#include "selftest_cmd.h"

#include "../kernels/matvec_tile.h"
#include "cpu/op_checks.h"
#include "error.h"
#include "model/model.h"
#include "model/synth.h"
#include "quant/quant.h"

#include <cmath>
#include <cstring>
#include <random>

#include <QTemporaryDir>
#include <QtTest>

// QSKIP must run in the test function itself to end it.
#define REQUIRE_GPU()                                                                                                  \
    do {                                                                                                               \
        std::string why_;                                                                                              \
        if (!selftest::backend_available("cuda", &why_))                                                               \
            QSKIP(qPrintable(QStringLiteral("no GPU: %1").arg(QString::fromStdString(why_))));                         \
    } while (0)

class tst_GpuParity : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;

private slots:
    void harness_cpu_vs_cpu_data() {
        QTest::addColumn<QString>("arch");
        QTest::addColumn<QString>("type");
        QTest::newRow("qwen2moe F32") << "qwen2moe"
                                      << "F32";
        QTest::newRow("olmoe Q4_K") << "olmoe"
                                    << "Q4_K";
    }
    void harness_cpu_vs_cpu() {
        QFETCH(QString, arch);
        QFETCH(QString, type);
        const auto r
            = selftest::check_model("cpu", arch.toStdString(), type.toStdString(), m_dir.path().toStdString(), 16, 1);
        QVERIFY2(r.error.empty(), r.error.c_str());
        QVERIFY(r.ok);
        QCOMPARE(r.nll_ref, r.nll_test);
        QVERIFY(r.routing_frames > 0);
    }

    // The per-op harness on the CPU's own OpDevice: every family runs, every
    // check passes with no error at all (the same ops on both sides), and the
    // poisoned outputs prove each op wrote everything it should.
    void ops_harness_on_cpu_data() {
        QTest::addColumn<QString>("family");
        for (const auto& f : moe::op_families())
            QTest::newRow(f.c_str()) << QString::fromStdString(f);
    }
    void ops_harness_on_cpu() {
        QFETCH(QString, family);
        auto dev = moe::cpu_op_device();
        const auto checks = moe::run_op_checks(*dev, family.toStdString(), 1);
        QVERIFY(!checks.empty());
        for (const auto& c : checks) {
            QVERIFY2(c.ok && c.max_err == 0.0,
                qPrintable(QStringLiteral("%1: error %2").arg(QString::fromStdString(c.op)).arg(c.max_err)));
        }
    }

    // A broken device is caught: an OpDevice whose matvec leaves its output unwritten fails the check.
    void ops_harness_catches_unwritten_output() {
        struct Lazy : public moe::OpDevice {
            std::unique_ptr<moe::OpDevice> cpu = moe::cpu_op_device();
            std::string name() const override { return "lazy"; }
            void* alloc(size_t b) override { return cpu->alloc(b); }
            void release(void* p) override { cpu->release(p); }
            void upload(void* d, const void* s, size_t b) override { cpu->upload(d, s, b); }
            void download(void* d, const void* s, size_t b) override { cpu->download(d, s, b); }
            double time_ms(const std::function<void()>& f, int r) override { return cpu->time_ms(f, r); }
            void rmsnorm(const float* x, int a, const float* w, float* o, int b, int r, int wd, float e) override {
                cpu->rmsnorm(x, a, w, o, b, r, wd, e);
            }
            void add_bias(float* y, int ld, const float* b, int r, int w) override { cpu->add_bias(y, ld, b, r, w); }
            void add(float* x, const float* y, size_t n) override { cpu->add(x, y, n); }
            void silu_mul(float* a, const float* b, size_t n) override { cpu->silu_mul(a, b, n); }
            void rope_store(float* q, float* k, const float* v, float* kc, float* vc, const float* f, const int32_t* p,
                int n, int h, int kv, int hd, bool x) override {
                cpu->rope_store(q, k, v, kc, vc, f, p, n, h, kv, hd, x);
            }
            void attention(const float* q, const float* k, const float* v, float* o, const int32_t* p, int n, int h,
                int kv, int hd, int c) override {
                cpu->attention(q, k, v, o, p, n, h, kv, hd, c);
            }
            void matvec(const moe::Matrix& w, const float* x, int n, int ldx, float* y, int ldy) override {
                cpu->matvec(w, x, n - 1, ldx, y, ldy); // forgets the last token
            }
            void gemm(const moe::Matrix& w, const float* x, int n, int ldx, float* y, int ldy) override {
                cpu->gemm(w, x, n, ldx, y, ldy);
            }
            void dequant_rows(const moe::Matrix& w, int r0, int n, float* o) override {
                cpu->dequant_rows(w, r0, n, o);
            }
            void embed(const moe::Matrix& w, const int32_t* t, int n, float* o) override { cpu->embed(w, t, n, o); }
            void route(float* l, int n, int E, int K, bool s, bool nt, int32_t* i, float* w, int st,
                const moe::MoeGroups* g) override {
                cpu->route(l, n, E, K, s, nt, i, w, st, g);
            }
            void group(
                const int32_t* i, const float* w, int st, int n, int K, int E, const moe::MoeGroups& g) override {
                cpu->group(i, w, st, n, K, E, g);
            }
            void expert_gate_up(const moe::ExpertsView& a, const moe::ExpertsView& b, const float* x, int ld,
                const moe::MoeGroups& g, int mg, int np, float* h, float* u) override {
                cpu->expert_gate_up(a, b, x, ld, g, mg, np, h, u);
            }
            void expert_down(
                const moe::ExpertsView& a, const float* h, const moe::MoeGroups& g, int mg, int np, float* y) override {
                cpu->expert_down(a, h, g, mg, np, y);
            }
            void combine(float* x, const float* y, const moe::MoeGroups& g, int n, int K, int D, const float* s,
                const float* sg, bool gt) override {
                cpu->combine(x, y, g, n, K, D, s, sg, gt);
            }
        } lazy;
        const auto checks = moe::run_op_checks(lazy, "matvec", 1);
        int failed = 0;
        for (const auto& c : checks)
            failed += c.ok ? 0 : 1;
        QCOMPARE(failed, int(checks.size())); // every check has n >= 1 tokens, so every one misses a row
    }

    // The mat-vec kernels' tiles (kernels/matvec_tile.h) walked on the host
    // lane by lane: staging from the 16-byte boundary below each tile,
    // decoding each chunk with its scales factored out, must give vec_dot's
    // result for every block format, whole and partial tiles, aligned and
    // misaligned rows.
    void matvec_tiles_on_host_data() {
        QTest::addColumn<uint32_t>("type");
        QTest::addColumn<int>("cols");
        QTest::addColumn<int>("offset"); // bytes of the row past a 16-byte boundary
        for (uint32_t t : { moe::GGML_TYPE_Q8_0, moe::GGML_TYPE_Q4_0, moe::GGML_TYPE_Q4_K, moe::GGML_TYPE_Q5_K,
                 moe::GGML_TYPE_Q6_K }) {
            const bool kq = moe::type_traits(t)->block_size == 256;
            for (int cols : { kq ? 256 : 32, kq ? 2816 : 2848, kq ? 8192 : 1024 })
                for (int offset : { 0, 2, 10 })
                    QTest::newRow(qPrintable(QStringLiteral("%1 %2 +%3").arg(moe::type_name(t)).arg(cols).arg(offset)))
                        << t << cols << offset;
        }
    }
    void matvec_tiles_on_host() {
        QFETCH(uint32_t, type);
        QFETCH(int, cols);
        QFETCH(int, offset);
        std::mt19937_64 g(uint64_t(cols) * 31 + type);
        std::normal_distribution<float> nd;
        std::vector<float> w(static_cast<size_t>(cols)), x(static_cast<size_t>(cols));
        for (auto& v : w)
            v = nd(g);
        for (auto& v : x)
            v = nd(g);
        const size_t rb = moe::row_size(type, cols);
        std::vector<uint8_t> buf(rb + 64, 0xAB);
        auto* base = reinterpret_cast<uint8_t*>((reinterpret_cast<uintptr_t>(buf.data()) + 15) & ~uintptr_t(15));
        uint8_t* row = base + offset;
        moe::quantize_row(type, w.data(), row, cols);
        const float ref = moe::vec_dot(type, row, x.data(), cols);
        double got = 0.0;
        auto walk = [&]<uint32_t T>() {
            using namespace moe::cuda;
            const int n_chunks = cols / 32;
            alignas(16) uint8_t stage[16 * Tile<T>::words];
            for (int tile = 0; tile < (n_chunks + 31) / 32; ++tile) {
                const TileSpan sp = tile_span<T>(row, tile, n_chunks);
                QVERIFY(sp.words <= Tile<T>::words);
                std::memcpy(stage, reinterpret_cast<const void*>(sp.aligned), size_t(sp.words) * 16);
                for (int lane = 0; lane < sp.chunks; ++lane) {
                    Chunk ch;
                    decode_chunk<T>(stage + sp.shift + (lane / TypeInfo<T>::chunks) * TypeInfo<T>::block_bytes,
                        lane % TypeInfo<T>::chunks, ch);
                    got += chunk_dot(ch, x.data() + (size_t(tile) * 32 + size_t(lane)) * 32);
                }
            }
        };
        switch (type) {
        case moe::GGML_TYPE_Q8_0:
            walk.template operator()<moe::cuda::T_Q8_0>();
            break;
        case moe::GGML_TYPE_Q4_0:
            walk.template operator()<moe::cuda::T_Q4_0>();
            break;
        case moe::GGML_TYPE_Q4_K:
            walk.template operator()<moe::cuda::T_Q4_K>();
            break;
        case moe::GGML_TYPE_Q5_K:
            walk.template operator()<moe::cuda::T_Q5_K>();
            break;
        case moe::GGML_TYPE_Q6_K:
            walk.template operator()<moe::cuda::T_Q6_K>();
            break;
        default:
            QFAIL("type");
        }
        double scale = 0.0;
        for (int i = 0; i < cols; ++i)
            scale += std::fabs(double(w[size_t(i)]) * x[size_t(i)]);
        QVERIFY2(std::fabs(got - double(ref)) <= 1e-5 * std::max(scale, 1.0),
            qPrintable(QStringLiteral("tiles %1 vs vec_dot %2").arg(got).arg(ref)));
    }

    // After a prefill without all logits only the last row is valid: greedy decoding must start from it.
    void greedy_starts_from_the_last_row() {
        moe::SynthOptions so;
        so.arch = "qwen3moe";
        so.preset = "tiny";
        const std::string path = (m_dir.path() + "/greedy.gguf").toStdString();
        moe::write_synthetic_model(so, path);
        auto model = moe::Model::load(path);
        const int V = model->config().n_vocab;
        moe::BackendOptions o;
        o.n_ctx = 64;
        o.max_batch = 16;
        const std::vector<int32_t> prompt = { 3, 141, 59, 265, 35, 89, 79, 323 };
        auto all = moe::make_backend(moe::BackendKind::cpu, model, o);
        all->forward(prompt.data(), int(prompt.size()), 0, true);
        const float* last = all->logits(int(prompt.size()) - 1);
        const int expect = int(std::max_element(last, last + V) - last);
        auto fresh = moe::make_backend(moe::BackendKind::cpu, model, o);
        const auto toks = selftest::greedy_tokens(*fresh, V, prompt, 3);
        QCOMPARE(int(toks.size()), 3);
        QCOMPARE(toks[0], expect);
    }

    // One check id runs in a process of its own and reports one JSON line.
    void check_ids_cover_every_family() {
        const auto ids = selftest::check_ids({}, {}, true, true);
        for (const auto& f : moe::op_families())
            QVERIFY(std::find(ids.begin(), ids.end(), "op:" + f) != ids.end());
        for (const auto& f : moe::timing_families())
            QVERIFY(std::find(ids.begin(), ids.end(), "time:" + f) != ids.end());
        QCOMPARE(int(ids.size()),
            int(moe::op_families().size() + moe::timing_families().size()
                + selftest::all_archs().size() * selftest::all_types().size()));
        SelftestArgs a;
        a.backend = "cpu";
        const std::string line = selftest::run_check("op:nonsense", a);
        QVERIFY(line.find("\"ok\":false") != std::string::npos);
        QVERIFY(line.find("unknown op family") != std::string::npos);
    }

    // The CUDA backend refuses, before touching a GPU, a tensor type it has no kernel for, naming it.
    void cuda_refuses_types_without_kernels() {
        if (!moe::cuda_built()) QSKIP("this build has no CUDA backend");
        moe::SynthOptions so;
        so.arch = "qwen3moe";
        so.preset = "small";
        bool made = false;
        for (uint32_t t : { moe::GGML_TYPE_Q4_1, moe::GGML_TYPE_Q5_0, moe::GGML_TYPE_Q2_K }) {
            const moe::TypeTraits* tt = moe::type_traits(t);
            if (!tt || !tt->supported || !tt->can_quantize) continue;
            so.quant = t;
            made = true;
            break;
        }
        if (!made) QSKIP("no type the CPU writes and the CUDA backend lacks");
        const std::string path = (m_dir.path() + "/nokernel.gguf").toStdString();
        moe::write_synthetic_model(so, path);
        auto model = moe::Model::load(path);
        try {
            moe::make_cuda_backend(model, moe::BackendOptions {});
            QFAIL("the CUDA backend took a type it has no kernel for");
        } catch (const moe::Error& e) {
            const std::string want = std::string("the CUDA backend has no ") + moe::type_name(so.quant) + " kernel yet";
            QVERIFY2(std::string(e.what()).find(want) != std::string::npos, e.what());
        }
    }

    void ops_data() {
        QTest::addColumn<QString>("family");
        for (const auto& f : moe::op_families())
            QTest::newRow(f.c_str()) << QString::fromStdString(f);
    }
    void ops() {
        REQUIRE_GPU();
        QFETCH(QString, family);
        auto dev = moe::cuda_op_device();
        QVERIFY(dev);
        const auto checks = moe::run_op_checks(*dev, family.toStdString(), 1);
        QVERIFY(!checks.empty());
        for (const auto& c : checks) {
            QVERIFY2(c.ok,
                qPrintable(QStringLiteral("%1: error %2 > tolerance %3 %4")
                               .arg(QString::fromStdString(c.op))
                               .arg(c.max_err)
                               .arg(c.tol)
                               .arg(QString::fromStdString(c.note))));
        }
    }

    void models_data() {
        QTest::addColumn<QString>("arch");
        QTest::addColumn<QString>("type");
        for (const auto& a : selftest::all_archs())
            for (const auto& t : selftest::all_types())
                QTest::newRow((a + " " + t).c_str()) << QString::fromStdString(a) << QString::fromStdString(t);
    }
    void models() {
        REQUIRE_GPU();
        QFETCH(QString, arch);
        QFETCH(QString, type);
        const auto r
            = selftest::check_model("cuda", arch.toStdString(), type.toStdString(), m_dir.path().toStdString(), 64, 1);
        QVERIFY2(r.error.empty(), r.error.c_str());
        QVERIFY2(std::fabs(r.nll_ref - r.nll_test) <= 1e-2,
            qPrintable(QStringLiteral("NLL cpu %1 vs gpu %2").arg(r.nll_ref).arg(r.nll_test)));
        QVERIFY2(r.routing_mismatch == 0,
            qPrintable(QStringLiteral("%1 of %2 top-k sets differ beyond near-ties")
                           .arg(r.routing_mismatch)
                           .arg(r.routing_frames)));
        if (r.greedy_steps > 0) {
            QVERIFY2(r.greedy_match == r.greedy_steps || r.greedy_near_tie,
                qPrintable(QStringLiteral("greedy tokens differ at step %1").arg(r.greedy_match)));
        }
        QVERIFY(r.ok);
    }

    void bad_backend_falls_back() {
        // auto picks the CPU with a reason when CUDA is absent or unusable; with a GPU it picks CUDA
        std::string why;
        const bool gpu = selftest::backend_available("cuda", &why);
        moe::SynthOptions so;
        so.arch = "qwen3moe";
        const std::string path = (m_dir.path() + "/fallback.gguf").toStdString();
        moe::write_synthetic_model(so, path);
        auto model = moe::Model::load(path);
        std::string reason;
        auto b = moe::make_backend(moe::BackendKind::automatic, model, moe::BackendOptions {}, &reason);
        QCOMPARE(QString::fromStdString(b->name()), gpu ? QStringLiteral("cuda") : QStringLiteral("cpu"));
        if (!gpu) QVERIFY(!reason.empty());
        if (!gpu)
            QVERIFY_THROWS_EXCEPTION(
                moe::Error, moe::make_backend(moe::BackendKind::cuda, model, moe::BackendOptions {}));
    }
};

QTEST_GUILESS_MAIN(tst_GpuParity)
#include "tst_gpu_parity.moc"
