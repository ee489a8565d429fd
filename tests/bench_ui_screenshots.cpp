// Takes the README's screenshots of the real window (not a test):
//   xvfb-run -s "-screen 0 1600x1000x24" bench_ui_screenshots MODEL OUTDIR [MODEL64]
// (or QT_QPA_PLATFORM=offscreen). Chats with the model, then saves
// chat-experts.png, balance.png, throughput.png and compare.png (the same
// prompt at the model's top-k and at twice that), experiments.png (the
// routing lab's sweep of the held-out excerpt) and history.png (the runs and
// the stored sweep). With a
// third model (one with many experts, e.g. `moe-cli make-model --preset
// olmoe-1b-7b --quant Q4_K`), a short chat with it too: experts-64.png and
// balance-64.png.
#include "enginecontroller.h"
#include "language.h"
#include "mainwindow.h"
#include "panels.h"
#include "routingdata.h"
#include "routinglab.h"
#include "views.h"

#include <QApplication>
#include <QDir>
#include <QEventLoop>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTimer>

#include <cstdio>

namespace {

template <typename Signal> bool waitFor(EngineController* sender, Signal signal, int ms) {
    QEventLoop loop;
    QTimer::singleShot(ms, &loop, [&] { loop.exit(1); });
    QObject::connect(sender, signal, &loop, [&] { loop.exit(0); });
    return loop.exec() == 0;
}

void settle(int ms) {
    QEventLoop loop;
    QTimer::singleShot(ms, &loop, &QEventLoop::quit);
    loop.exec();
}

} // namespace

int main(int argc, char** argv) {
    QApplication app(argc, argv);
    if (argc < 3) {
        std::fprintf(stderr, "usage: bench_ui_screenshots MODEL OUTDIR\n");
        return 2;
    }
    QTemporaryDir tmp;
    qputenv("XDG_CONFIG_HOME", tmp.filePath(QStringLiteral("config")).toUtf8());
    qputenv("XDG_DATA_HOME", tmp.filePath(QStringLiteral("data")).toUtf8());
    QCoreApplication::setOrganizationName(QStringLiteral("moe-workbench-screens"));
    // the system locale speaks (LC_ALL=zh_CN.UTF-8, de_DE.UTF-8; MOE_WORKBENCH_TRANSLATIONS: the .qm files)
    Language::install(app);
    const QString model = QString::fromLocal8Bit(argv[1]);
    const QDir out(QString::fromLocal8Bit(argv[2]));
    QDir().mkpath(out.absolutePath());

    MainWindow w;
    w.resize(1560, 940);
    w.show();
    EngineController* c = w.controller();
    w.openModel(model);
    if (!waitFor(c, &EngineController::modelLoaded, 120000)) {
        std::fprintf(stderr, "the model did not load: %s\n", qPrintable(w.lastWarning()));
        return 1;
    }
    GenerationSettings s;
    s.temperature = 0.7;
    s.seed = 42;
    s.randomSeed = false;
    s.maxTokens = 160;
    w.settingsPanel()->setSettings(s);
    const QString prompt = QStringLiteral("ROMEO:\nBut soft, what light");
    auto chat = [&] {
        Q_EMIT w.chat()->sendRequested(prompt);
        return waitFor(c, &EngineController::generationFinished, 300000);
    };
    if (!chat()) return 1;
    const QString first = c->runs().last().id;
    settle(300);
    w.tabs()->setCurrentWidget(w.experts());
    w.experts()->setLayer(1);
    w.experts()->showFrame(w.routingData()->frameCount() - 20);
    w.experts()->selectExpert(1, 5); // the punctuation expert of the model card: its tokens beside the load
    w.experts()->refresh();
    settle(300);
    w.grab().save(out.filePath(QStringLiteral("chat-experts.png")));
    w.tabs()->setCurrentWidget(w.balance());
    settle(300);
    w.grab().save(out.filePath(QStringLiteral("balance.png")));
    w.tabs()->setCurrentWidget(w.throughput());
    settle(300);
    w.grab().save(out.filePath(QStringLiteral("throughput.png")));

    // The same prompt with twice the experts per token, then Compare.
    LoadOptions o;
    o.expertsPerToken = 2 * c->modelCard().expertsUsed;
    o.measureBandwidth = true;
    c->loadModel(model, o);
    if (!waitFor(c, &EngineController::modelLoaded, 120000)) return 1;
    if (!chat()) return 1;
    const QString second = c->runs().last().id;
    w.compareRuns({ first, second });
    if (!waitFor(c, &EngineController::runsLoaded, 60000)) return 1;
    settle(400);
    w.grab().save(out.filePath(QStringLiteral("compare.png")));

    // The Experiments tab: the model as trained again, a sweep of the held-out excerpt it opens with
    c->loadModel(model, LoadOptions {});
    if (!waitFor(c, &EngineController::modelLoaded, 120000)) return 1;
    RoutingLabView* lab = w.routingLab();
    w.tabs()->setCurrentWidget(lab);
    lab->setSweepSpec(QStringLiteral("top-k=1..8; top-p=0.5:0.95:0.05; entropy=1..4"));
    {
        QEventLoop loop;
        QTimer::singleShot(600000, &loop, [&] { loop.exit(1); });
        QObject::connect(lab, &RoutingLabView::sweepFinished, &loop, [&] { loop.exit(0); });
        lab->startSweep();
        if (loop.exec() != 0) return 1;
    }
    settle(400);
    w.grab().save(out.filePath(QStringLiteral("experiments.png")));
    // the sweep stored as one record, listed under the runs
    w.tabs()->setCurrentWidget(w.history());
    settle(600);
    w.grab().save(out.filePath(QStringLiteral("history.png")));

    if (argc > 3) {
        // A model with many experts: the views at 64 experts a layer.
        const QString many = QString::fromLocal8Bit(argv[3]);
        w.settingsPanel()->setSettings(s); // its own experts per token
        w.openModel(many);
        if (!waitFor(c, &EngineController::modelLoaded, 600000)) {
            std::fprintf(stderr, "the model did not load: %s\n", qPrintable(w.lastWarning()));
            return 1;
        }
        GenerationSettings s64 = s;
        s64.maxTokens = 48;
        w.settingsPanel()->setSettings(s64);
        Q_EMIT w.chat()->sendRequested(QStringLiteral("The experts of a mixture each learn a part of the language."));
        if (!waitFor(c, &EngineController::generationFinished, 900000)) return 1;
        settle(300);
        w.tabs()->setCurrentWidget(w.experts());
        w.experts()->setLayer(3);
        w.experts()->showFrame(w.routingData()->frameCount() - 6);
        w.experts()->refresh();
        settle(300);
        w.grab().save(out.filePath(QStringLiteral("experts-64.png")));
        w.tabs()->setCurrentWidget(w.balance());
        settle(400);
        w.grab().save(out.filePath(QStringLiteral("balance-64.png")));
    }
    std::printf("screenshots in %s\n", qPrintable(out.absolutePath()));
    return 0;
}
