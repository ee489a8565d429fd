// Responsiveness benchmark of the workbench window (not a test): a synthetic
// event source on its own thread streams tokens at a given rate with
// 48 layers x 128 experts x top-8 routing, batched every 33 ms as the engine
// worker does, into the real MainWindow. Reports GUI event-loop latency
// (p50/p99 of a probe posted every 5 ms from another thread) and paint time
// per frame (the top-level window's update, all dirty widgets painted).
//
//   bench_ui [--rate 2000] [--seconds 6] [--layers 48] [--experts 128] [--k 8]
// Runs offscreen (QT_QPA_PLATFORM=offscreen) or under xvfb-run.
#include "enginecontroller.h"
#include "mainwindow.h"
#include "routingdata.h"
#include "views.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QTabWidget>
#include <QThread>
#include <QTimer>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <random>

#include <time.h>

namespace {

QElapsedTimer g_clock;

double pct(std::vector<double> v, double q) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    const double h = q * double(v.size() - 1);
    const size_t i = size_t(h);
    return i + 1 < v.size() ? v[i] + (h - double(i)) * (v[i + 1] - v[i]) : v[i];
}

double threadCpuMs() {
    timespec ts {};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return double(ts.tv_sec) * 1e3 + double(ts.tv_nsec) / 1e6;
}

// Times how long the top-level window takes to handle an UpdateRequest
// (paint of every dirty widget plus flush): one frame. Wall time, and the
// GUI thread's own CPU time (wall time less the moments another thread,
// the synthetic source on a 2-core machine, had the core).
class FrameTimer : public QObject {
public:
    std::vector<double> frames, cpu;
    bool eventFilter(QObject* o, QEvent* e) override {
        if (e->type() == QEvent::UpdateRequest && !m_inside) {
            m_inside = true;
            QElapsedTimer t;
            t.start();
            const double c0 = threadCpuMs();
            static_cast<QObject*>(o)->event(e);
            frames.push_back(t.nsecsElapsed() / 1e6);
            cpu.push_back(threadCpuMs() - c0);
            m_inside = false;
            return true;
        }
        return false;
    }

private:
    bool m_inside = false;
};

} // namespace

int main(int argc, char** argv) {
    QApplication app(argc, argv);
    QCoreApplication::setOrganizationName(QStringLiteral("moe-workbench-bench"));
    QCommandLineParser p;
    p.addOptions(
        { { QStringLiteral("rate"), QStringLiteral("tokens per second"), QStringLiteral("n"), QStringLiteral("2000") },
            { QStringLiteral("seconds"), QStringLiteral("seconds per tab"), QStringLiteral("n"), QStringLiteral("6") },
            { QStringLiteral("layers"), QStringLiteral("MoE layers"), QStringLiteral("n"), QStringLiteral("48") },
            { QStringLiteral("experts"), QStringLiteral("experts"), QStringLiteral("n"), QStringLiteral("128") },
            { QStringLiteral("k"), QStringLiteral("experts per token"), QStringLiteral("n"), QStringLiteral("8") } });
    p.process(app);
    const int rate = p.value(QStringLiteral("rate")).toInt();
    const int seconds = p.value(QStringLiteral("seconds")).toInt();
    const int L = p.value(QStringLiteral("layers")).toInt(), E = p.value(QStringLiteral("experts")).toInt(),
              K = p.value(QStringLiteral("k")).toInt();

    MainWindow w;
    w.resize(1600, 1000);
    w.show();
    w.routingData()->reset(L, E, K);
    FrameTimer frames;
    w.installEventFilter(&frames);
    EngineController* c = w.controller();
    g_clock.start();

    // Probe: posted from another thread every 5 ms; the GUI records the delay.
    std::vector<double> latency;
    std::atomic<bool> running { true };
    QThread* probe = QThread::create([&] {
        while (running.load()) {
            const qint64 sent = g_clock.nsecsElapsed();
            QMetaObject::invokeMethod(
                &w, [&latency, sent] { latency.push_back((g_clock.nsecsElapsed() - sent) / 1e6); },
                Qt::QueuedConnection);
            QThread::msleep(5);
        }
    });
    // Source: `rate` tokens a second in batches every 33 ms, like the worker.
    std::atomic<long> produced { 0 };
    QThread* source = QThread::create([&] {
        std::mt19937 rng(1);
        std::uniform_int_distribution<int> expert(0, E - 1);
        QElapsedTimer t;
        t.start();
        int frame = 0;
        while (running.load()) {
            QThread::msleep(33);
            const long due = long(t.nsecsElapsed() / 1e9 * rate);
            const int n = int(due - produced.load());
            if (n <= 0) continue;
            StreamBatch b;
            b.firstFrame = frame;
            b.nLayers = L;
            b.k = K;
            b.frameTokens.reserve(n);
            b.ids.reserve(qsizetype(n) * L * K);
            b.weights.reserve(qsizetype(n) * L * K);
            for (int i = 0; i < n; ++i, ++frame) {
                b.frameTokens << frame % 32000;
                b.framePos << frame;
                b.frameText << QStringLiteral(" tok%1").arg(frame % 1000);
                b.framePrompt << false;
                b.frameBytes << 3.0e9;
                for (int l = 0; l < L; ++l) {
                    // Skewed routing: some experts are hot, as in real models.
                    int chosen[64];
                    for (int j = 0; j < K; ++j) {
                        int e;
                        bool dup;
                        do {
                            e = std::min(expert(rng), expert(rng)); // biased to low ids
                            dup = false;
                            for (int q = 0; q < j; ++q)
                                dup = dup || chosen[q] == e;
                        } while (dup);
                        chosen[j] = e;
                        b.ids << e;
                        b.weights << float(1.0 / (j + 2));
                    }
                }
                b.tokens << StreamToken { frame % 32000, QStringLiteral(" tok%1").arg(frame % 1000), 1000.0 / rate,
                    frame + 1 };
            }
            produced.fetch_add(n);
            Q_EMIT c->batchAvailable(b); // queued to the GUI thread
        }
    });
    // The controller only forwards batches of the job in flight: pretend one is.
    QObject::disconnect(c, &EngineController::batchAvailable, nullptr, nullptr);
    QObject::connect(c, &EngineController::batchAvailable, &w, [&w](const StreamBatch& b) {
        QMetaObject::invokeMethod(&w, "onBatchForBenchmark", Qt::DirectConnection, Q_ARG(StreamBatch, b));
    });

    struct Phase {
        QString tab;
        QWidget* widget;
    };
    const QList<Phase> phases = { { QStringLiteral("Experts"), w.experts() },
        { QStringLiteral("Balance"), w.balance() }, { QStringLiteral("Throughput"), w.throughput() } };
    std::printf("bench_ui: %d tokens/s, %d layers x %d experts x top-%d, %d s per tab\n", rate, L, E, K, seconds);
    // The first frame after a tab switch paints and lays out the whole tab
    // once; it is reported on its own, the streaming frames after it together.
    std::printf("| tab        | tokens | event latency p50 ms | p99 ms | max ms | frames | paint/frame p50 ms | p99 ms "
                "| paint CPU p50 ms | p99 ms | tab switch frame ms |\n");
    std::printf("|------------|--------|----------------------|--------|--------|--------|--------------------|--------"
                "|------------------|--------|---------------------|\n");
    probe->start();
    source->start();
    for (const Phase& ph : phases) {
        w.tabs()->setCurrentWidget(ph.widget);
        latency.clear();
        frames.frames.clear();
        frames.cpu.clear();
        const long before = produced.load();
        QElapsedTimer t;
        t.start();
        while (t.elapsed() < seconds * 1000)
            QCoreApplication::processEvents(QEventLoop::AllEvents, 50);
        const double first = frames.frames.empty() ? 0.0 : frames.frames.front();
        std::vector<double> wall(frames.frames.begin() + (frames.frames.empty() ? 0 : 1), frames.frames.end());
        std::vector<double> cpu(frames.cpu.begin() + (frames.cpu.empty() ? 0 : 1), frames.cpu.end());
        std::printf("| %-10s | %6ld | %20.2f | %6.2f | %6.2f | %6zu | %18.2f | %6.2f | %16.2f | %6.2f | %19.2f |\n",
            qPrintable(ph.tab), produced.load() - before, pct(latency, 0.5), pct(latency, 0.99), pct(latency, 1.0),
            wall.size(), pct(wall, 0.5), pct(wall, 0.99), pct(cpu, 0.5), pct(cpu, 0.99), first);
        std::fflush(stdout);
    }
    running.store(false);
    source->wait();
    probe->wait();
    delete source;
    delete probe;
    std::printf("frames in the conversation at the end: %d\n", w.routingData()->frameCount());
    return 0;
}
