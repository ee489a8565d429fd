// GPU-vs-CPU parity (CTest label `gpu`): the CUDA kernels against their CPU
// twins on random data, and small synthetic models of every architecture and
// tensor type on both backends (NLL within 1e-2, identical top-k expert sets
// except near-ties, identical greedy tokens for 64 steps on F32). Where no
// GPU (or no CUDA build) is present the GPU cases skip with the reason; the
// harness itself is checked everywhere by comparing the CPU with itself.
#include "runtime/cuda_hook.h"
#include "selftest_cmd.h"

#include "error.h"
#include "model/model.h"
#include "model/synth.h"

#include <cmath>

#include <QTemporaryDir>
#include <QtTest>

// QSKIP must run in the test function itself to end it.
#define REQUIRE_GPU()                                                                                  \
    do {                                                                                               \
        std::string why_;                                                                              \
        if (!selftest::backend_available("cuda", &why_))                                               \
            QSKIP(qPrintable(QStringLiteral("no GPU: %1").arg(QString::fromStdString(why_))));         \
    } while (0)

class tst_GpuParity : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;

private slots:
    void harness_cpu_vs_cpu_data() {
        QTest::addColumn<QString>("arch");
        QTest::addColumn<QString>("type");
        QTest::newRow("qwen2moe F32") << "qwen2moe" << "F32";
        QTest::newRow("olmoe Q4_K") << "olmoe" << "Q4_K";
    }
    void harness_cpu_vs_cpu() {
        QFETCH(QString, arch);
        QFETCH(QString, type);
        const auto r = selftest::check_model("cpu", arch.toStdString(), type.toStdString(), m_dir.path().toStdString(), 16, 1);
        QVERIFY2(r.error.empty(), r.error.c_str());
        QVERIFY(r.ok);
        QCOMPARE(r.nll_ref, r.nll_test);
        QVERIFY(r.routing_frames > 0);
    }

    void ops() {
        REQUIRE_GPU();
        const auto checks = moe::cuda_op_checks(1);
        QVERIFY(!checks.empty());
        for (const auto& c : checks) {
            QVERIFY2(c.ok, qPrintable(QStringLiteral("%1: error %2 > tolerance %3 %4")
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
        const auto r = selftest::check_model("cuda", arch.toStdString(), type.toStdString(), m_dir.path().toStdString(), 64, 1);
        QVERIFY2(r.error.empty(), r.error.c_str());
        QVERIFY2(std::fabs(r.nll_ref - r.nll_test) <= 1e-2,
                 qPrintable(QStringLiteral("NLL cpu %1 vs gpu %2").arg(r.nll_ref).arg(r.nll_test)));
        QVERIFY2(r.routing_mismatch == 0,
                 qPrintable(QStringLiteral("%1 of %2 top-k sets differ beyond near-ties").arg(r.routing_mismatch).arg(r.routing_frames)));
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
        auto b = moe::make_backend(moe::BackendKind::automatic, model, moe::BackendOptions{}, &reason);
        QCOMPARE(QString::fromStdString(b->name()), gpu ? QStringLiteral("cuda") : QStringLiteral("cpu"));
        if (!gpu) QVERIFY(!reason.empty());
        if (!gpu) QVERIFY_THROWS_EXCEPTION(moe::Error, moe::make_backend(moe::BackendKind::cuda, model, moe::BackendOptions{}));
    }
};

QTEST_GUILESS_MAIN(tst_GpuParity)
#include "tst_gpu_parity.moc"
