// Pictures of the Hardware tab for the README: the window with a stored run
// (moe-cli bench ... --db DB) projected onto the device catalogue and its
// expert offload plan for a GPU memory budget.
//   bench_hardware_screenshots DB RUN_ID OUT.png [VRAM_GIB]
#include "hardwareview.h"
#include "mainwindow.h"
#include "runview.h"

#include "store/store.h"

#include <QApplication>
#include <QTabWidget>
#include <QTimer>

#include <cstdio>

int main(int argc, char** argv) {
    QApplication app(argc, argv);
    if (argc < 4) {
        std::fprintf(stderr, "usage: %s DB RUN_ID OUT.png [VRAM_GIB]\n", argv[0]);
        return 2;
    }
    moe::RunStoreOptions o;
    o.read_only = true;
    std::shared_ptr<const moe::RunRecord> record;
    try {
        moe::RunStore store(argv[1], o);
        record = std::make_shared<const moe::RunRecord>(store.load(std::atoll(argv[2])));
    } catch (const std::exception& e) {
        std::fprintf(stderr, "%s\n", e.what());
        return 1;
    }
    MainWindow w;
    w.resize(1560, 980);
    w.show();
    if (argc > 4) w.hardware()->setVramGiB(std::atof(argv[4]));
    w.hardware()->setRun(viewFromRecord(record));
    w.tabs()->setCurrentWidget(w.hardware());
    QEventLoop loop;
    QTimer::singleShot(800, &loop, &QEventLoop::quit);
    loop.exec();
    if (!w.grab().save(QString::fromLocal8Bit(argv[3]))) return 1;
    std::printf("%s\n", argv[3]);
    return 0;
}
