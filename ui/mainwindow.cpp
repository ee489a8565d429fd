#include "mainwindow.h"

#include "chartexporter.h"
#include "hardwareview.h"
#include "heatmaps.h"
#include "language.h"
#include "models.h"
#include "panels.h"
#include "routingdata.h"
#include "routinglab.h"
#include "views.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QCoreApplication>
#include <QDir>
#include <QDockWidget>
#include <QDragEnterEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QSplitter>
#include <QStatusBar>
#include <QTabWidget>
#include <QTimer>
#include <QToolBar>

#include <utility>

static void initResources() {
    Q_INIT_RESOURCE(workbench);
} // the .qrc lives in a static library

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent) {
    initResources();
    setWindowTitle(tr("MoE Workbench"));
    setWindowIcon(QIcon(QStringLiteral(":/icons/moe-workbench.svg")));
    setAcceptDrops(true);
    m_controller = new EngineController(this);
    m_routing = new RoutingData(this);
    m_throughput = new ThroughputModel(this);
    m_runs = new RunsModel(this);

    m_chat = new ChatPanel(this);
    m_experts = new ExpertsView(m_routing, this);
    m_balance = new BalanceView(m_routing, this);
    m_throughputView = new ThroughputView(m_routing, m_throughput, this);
    m_history = new HistoryView(m_runs, this);
    m_compare = new CompareView(this);
    m_tabs = new QTabWidget(this);
    m_tabs->addTab(m_experts, tr("Experts"));
    m_tabs->addTab(m_balance, tr("Balance"));
    m_tabs->addTab(m_throughputView, tr("Throughput"));
    m_tabs->addTab(m_history, tr("History"));
    m_tabs->addTab(m_compare, tr("Compare"));
    m_lab = new RoutingLabView(m_controller, this);
    m_tabs->addTab(m_lab, tr("Experiments"));
    m_experts->attachLab(m_lab); // mask or force an expert from the load heatmap's menu
    m_history->attachLab(m_lab); // stored sweeps listed under the runs, opened in Experiments
    m_hardware = new HardwareView(this);
    m_tabs->addTab(m_hardware, tr("Hardware"));
    auto* split = new QSplitter(Qt::Horizontal, this);
    split->addWidget(m_chat);
    split->addWidget(m_tabs);
    split->setStretchFactor(0, 2);
    split->setStretchFactor(1, 3);
    split->setSizes({ 420, 760 });
    setCentralWidget(split);

    m_card = new ModelCardView(this);
    m_settings = new SettingsPanel(this);
    m_settings->load();
    auto* side = new QTabWidget(this);
    side->addTab(m_card, tr("Model"));
    side->addTab(m_settings, tr("Settings"));
    auto* dock = new QDockWidget(tr("Model and settings"), this);
    dock->setObjectName(QStringLiteral("modelDock"));
    dock->setWidget(side);
    addDockWidget(Qt::LeftDockWidgetArea, dock);

    m_progress = new QProgressBar(this);
    m_progress->setRange(0, 100);
    m_progress->setMaximumWidth(220);
    m_progress->hide();
    m_cancelLoad = new QPushButton(tr("Cancel"), this);
    m_cancelLoad->hide();
    m_speed = new QLabel(this);
    statusBar()->addPermanentWidget(m_speed);
    statusBar()->addPermanentWidget(m_progress);
    statusBar()->addPermanentWidget(m_cancelLoad);
    buildMenus();

    // Heavier views refresh at a few Hz while tokens stream, and only the visible tab.
    m_refresh = new QTimer(this);
    m_refresh->setInterval(250);
    connect(m_refresh, &QTimer::timeout, this, [this] {
        if (m_dirty) refreshVisible();
    });
    m_refresh->start();
    m_applyTimer = new QTimer(this);
    m_applyTimer->setSingleShot(true);
    m_applyTimer->setInterval(33);
    connect(m_applyTimer, &QTimer::timeout, this, &MainWindow::applyPending);
    connect(m_tabs, &QTabWidget::currentChanged, this, &MainWindow::refreshVisible);

    ChartPanel::setInfoProvider([this] {
        ExportInfo info;
        info.model = m_controller->modelCard().name;
        info.hardware = m_controller->modelCard().cpuModel;
        if (!m_compare->runs().isEmpty() && m_tabs->currentWidget() == m_compare) {
            QStringList ids;
            for (const RunView& r : m_compare->runs())
                ids << r.id;
            info.runId = ids.join(QStringLiteral(", "));
        } else {
            info.runId = m_lastRunId;
        }
        return info;
    });

    // Engine -> window.
    connect(m_controller, &EngineController::loadStarted, this, [this](const QString& path) {
        m_progress->setValue(0);
        m_progress->show();
        m_cancelLoad->show();
        m_chat->setReady(false);
        setStatus(tr("Loading %1\u2026").arg(QFileInfo(path).fileName()));
    });
    connect(m_controller, &EngineController::loadProgress, this, [this](double f, const QString& stage) {
        m_progress->setValue(int(f * 100));
        setStatus(stage);
    });
    connect(m_cancelLoad, &QPushButton::clicked, m_controller, &EngineController::cancelLoad);
    auto loadEnded = [this] {
        m_progress->hide();
        m_cancelLoad->hide();
    };
    // A cancelled or failed open leaves the model in use as it was: its card,
    // its conversation and Send.
    auto keptModel = [this] {
        const bool kept = m_controller->hasModel();
        m_chat->setReady(kept);
        return kept ? tr("%1 is still loaded.").arg(m_controller->modelCard().name) : QString();
    };
    connect(m_controller, &EngineController::loadCancelled, this, [this, loadEnded, keptModel] {
        loadEnded();
        setStatus(QStringLiteral("%1 %2").arg(tr("Loading cancelled."), keptModel()).trimmed());
    });
    connect(m_controller, &EngineController::loadFailed, this, [this, loadEnded, keptModel](const QString& message) {
        loadEnded();
        const QString kept = keptModel();
        if (kept.isEmpty()) m_card->clear();
        setStatus(QStringLiteral("%1 %2").arg(tr("The model could not be opened."), kept).trimmed());
        warn(tr("Could not open the model"), kept.isEmpty() ? message : QStringLiteral("%1\n\n%2").arg(message, kept));
    });
    connect(m_controller, &EngineController::modelLoaded, this, [this, loadEnded](const ModelCard& card) {
        loadEnded();
        m_card->setCard(card);
        const bool lowered = m_settings->setModel(card);
        m_throughputView->setModelCard(card);
        m_routing->reset(card.moeLayers, card.experts, card.expertsUsed);
        m_throughput->clear();
        m_throughputView->clear();
        m_chat->clearTranscript();
        m_chat->setReady(true);
        addRecent(card.path);
        setWindowTitle(windowTitleFor(card));
        QString status = tr("%1 loaded on %2").arg(card.name, card.backend);
        if (lowered)
            status += QLatin1String(". ")
                + tr("Max tokens lowered to %1: the context holds %2 positions, and the next "
                     "message needs room too")
                      .arg(m_settings->settings().maxTokens)
                      .arg(card.contextInUse);
        setStatus(status);
        m_controller->refreshRuns();
    });
    connect(m_controller, &EngineController::batchAvailable, this, &MainWindow::onBatch);
    connect(m_controller, &EngineController::generationStarted, this, [this] {
        m_chat->setBusy(true);
        // Until the first token: the prompt is being read (seconds on a large model).
        m_chat->setWaiting(true);
        m_speed->setText(tr("Reading the prompt\u2026"));
    });
    connect(m_controller, &EngineController::generationFinished, this, [this](const RunView& run) {
        applyPending(); // the last tokens before the run's summary
        m_chat->setBusy(false);
        m_lastRunId = run.id;
        m_chat->endAssistant(run.stopReason == QLatin1String("cancelled") ? tr("stopped")
                : run.stopReason == QLatin1String("length")               ? tr("max tokens reached")
                                                                          : QString());
        m_throughputView->setRun(run);
        m_hardware->setRun(run);
        m_runs->addRun(run);
        m_controller->refreshRuns(); // the store's view, once the run is written
        if (run.nGenerated == 0)
            m_speed->setText(tr("stopped while reading the prompt"));
        else if (run.nGenerated == 1 || run.decodeTps <= 0)
            m_speed->setText(tr("1 token"));
        else
            m_speed->setText(tr("%1 tokens at %2 tokens/s").arg(run.nGenerated).arg(run.decodeTps, 0, 'f', 1));
        refreshVisible();
    });
    connect(m_controller, &EngineController::generationFailed, this, [this](const QString& message) {
        applyPending();
        m_chat->setBusy(false);
        m_chat->showError(message);
        setStatus(message);
    });
    connect(m_controller, &EngineController::runsAvailable, m_runs, &RunsModel::setRuns);
    connect(m_controller, &EngineController::runsLoaded, this, [this](const QVector<RunView>& runs) {
        m_compare->setRuns(runs);
        if (!runs.isEmpty()) m_hardware->setRun(runs.first());
        m_tabs->setCurrentWidget(m_compare);
    });
    connect(m_controller, &EngineController::storeMessage, this, &MainWindow::setStatus);

    // Window -> engine.
    connect(m_chat, &ChatPanel::sendRequested, this, [this](const QString& text) {
        send(text, m_pendingEditText.isNull() ? EngineController::Mode::Send : EngineController::Mode::EditLast);
    });
    connect(m_chat, &ChatPanel::stopRequested, m_controller, &EngineController::stop);
    connect(m_chat, &ChatPanel::regenerateRequested, this, [this] {
        if (m_chat->hasTurns()) send(m_chat->lastUserMessage(), EngineController::Mode::Regenerate);
    });
    connect(m_chat, &ChatPanel::editRequested, this, [this] {
        m_pendingEditText = m_chat->lastUserMessage();
        m_chat->setInput(m_pendingEditText);
    });
    connect(m_chat, &ChatPanel::frameClicked, this, [this](int frame) {
        m_experts->showFrame(frame);
        m_tabs->setCurrentWidget(m_experts);
    });
    // The token picked (in the chat or the heatmap) is marked in both.
    connect(m_experts, &ExpertsView::frameSelected, m_chat, &ChatPanel::setSelectedFrame);
    connect(m_settings, &SettingsPanel::changed, this, [this] { m_settings->save(); });
    connect(m_settings, &SettingsPanel::reloadRequested, this, &MainWindow::applyModelOptions);
    connect(m_history, &HistoryView::refreshRequested, m_controller, &EngineController::refreshRuns);
    connect(m_history, &HistoryView::compareRequested, this, &MainWindow::compareRuns);

    QSettings s;
    restoreGeometry(s.value(QStringLiteral("window/geometry")).toByteArray());
    restoreState(s.value(QStringLiteral("window/state")).toByteArray());
    if (!s.contains(QStringLiteral("window/geometry"))) resize(1400, 860);
    m_controller->refreshRuns();
}

MainWindow::~MainWindow() = default;

void MainWindow::buildMenus() {
    QMenu* file = menuBar()->addMenu(tr("&File"));
    QAction* open = file->addAction(tr("&Open model\u2026"), this, [this] {
        const QString dir = QSettings().value(QStringLiteral("lastDir")).toString();
        const QString path = QFileDialog::getOpenFileName(
            this, tr("Open a GGUF model"), dir, tr("GGUF models (*.gguf);;All files (*)"));
        if (!path.isEmpty()) openModel(path);
    });
    open->setShortcut(QKeySequence::Open);
    m_recentMenu = file->addMenu(tr("Open &recent"));
    updateRecentMenu();
    file->addAction(tr("&Close model"), m_controller, [this] {
        m_controller->unloadModel();
        m_card->clear();
        m_chat->setReady(false);
    });
    file->addSeparator();
    file->addAction(tr("Export the charts of this tab\u2026"), this, [this] {
        const QString dir = QFileDialog::getExistingDirectory(this, tr("Export charts into"));
        if (dir.isEmpty()) return;
        QList<ChartPanel*> panels;
        if (m_tabs->currentWidget() == m_experts)
            panels = m_experts->panels();
        else if (m_tabs->currentWidget() == m_balance)
            panels = m_balance->panels();
        else if (m_tabs->currentWidget() == m_throughputView)
            panels = m_throughputView->panels();
        else if (m_tabs->currentWidget() == m_compare)
            panels = m_compare->panels();
        else if (m_tabs->currentWidget() == m_hardware)
            panels = m_hardware->panels();
        QStringList failed;
        for (ChartPanel* p : panels) {
            const QString base = QDir(dir).filePath(
                p->title().replace(QLatin1Char(' '), QLatin1Char('_')).replace(QChar(0xd7), QLatin1Char('x')));
            QString err;
            for (const char* ext : { ".png", ".svg", ".pdf" })
                if (!p->exportChart(base + QLatin1String(ext), &err)) failed << err;
            if (p->dataModel() && !p->exportData(base + QStringLiteral(".csv"), &err)) failed << err;
        }
        if (!failed.isEmpty())
            warn(tr("Export failed"), failed.join(QLatin1Char('\n')));
        else
            setStatus(tr("Exported %1 charts to %2").arg(panels.size()).arg(dir));
    });
    file->addSeparator();
    file->addAction(tr("&Quit"), QKeySequence::Quit, this, &QWidget::close);

    QMenu* chat = menuBar()->addMenu(tr("&Chat"));
    QAction* fresh = chat->addAction(tr("&New conversation"), this, [this] {
        m_controller->newConversation();
        m_chat->clearTranscript();
        m_routing->clear();
        m_throughput->clear();
        m_throughputView->clear();
        m_chat->focusInput(); // ready to type the first message
    });
    fresh->setShortcut(QKeySequence::New);
    QAction* stop = chat->addAction(tr("&Stop"), m_controller, &EngineController::stop);
    stop->setShortcut(Qt::Key_Escape);
    chat->addAction(tr("&Regenerate"), m_chat, &ChatPanel::regenerateRequested);
    chat->addAction(tr("&Edit last message"), m_chat, &ChatPanel::editRequested);

    QToolBar* tb = addToolBar(tr("Main"));
    tb->setObjectName(QStringLiteral("mainToolbar"));
    tb->addAction(open);
    tb->addAction(fresh);
    tb->addAction(stop);

    menuBar()->addMenu(Language::menu(this)); // takes effect at the next start
    QMenu* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About"), this, [this] {
        QMessageBox::about(this, tr("About MoE Workbench"),
            tr("<b>MoE Workbench %1</b><p>Chat with a mixture-of-experts model and watch its routing, load "
               "balance and speed as it runs.</p>")
                .arg(QStringLiteral(MOE_VERSION)));
    });
}

void MainWindow::updateRecentMenu() {
    m_recentMenu->clear();
    const QStringList recent = QSettings().value(QStringLiteral("recentFiles")).toStringList();
    for (const QString& path : recent)
        m_recentMenu->addAction(QFileInfo(path).fileName(), this, [this, path] { openModel(path); })->setToolTip(path);
    m_recentMenu->setEnabled(!recent.isEmpty());
}

void MainWindow::addRecent(const QString& path) {
    QSettings s;
    QStringList recent = s.value(QStringLiteral("recentFiles")).toStringList();
    const QString abs = QFileInfo(path).absoluteFilePath();
    recent.removeAll(abs);
    recent.prepend(abs);
    while (recent.size() > 8)
        recent.removeLast();
    s.setValue(QStringLiteral("recentFiles"), recent);
    s.setValue(QStringLiteral("lastModel"), abs);
    s.setValue(QStringLiteral("lastDir"), QFileInfo(abs).absolutePath());
    updateRecentMenu();
}

QString MainWindow::bundledModel() {
    // Next to the sources (a build tree) or installed under share/.
    const QString app = QCoreApplication::applicationDirPath();
    const QStringList dirs = { qEnvironmentVariable("MOE_WORKBENCH_MODELS"),
        app + QStringLiteral("/../../resources/models"), app + QStringLiteral("/../../../resources/models"),
        app + QStringLiteral("/../share/moe-workbench/models"), QStringLiteral(MOE_SOURCE_DIR "/resources/models") };
    for (const QString& d : dirs) {
        if (d.isEmpty()) continue;
        const QFileInfoList files = QDir(d).entryInfoList({ QStringLiteral("*.gguf") }, QDir::Files, QDir::Name);
        if (!files.isEmpty()) return files.first().absoluteFilePath();
    }
    return {};
}

QString MainWindow::startupModel(const QString& argument) {
    if (!argument.isEmpty()) return argument;
    const QString last = QSettings().value(QStringLiteral("lastModel")).toString();
    if (!last.isEmpty() && QFileInfo::exists(last)) return last;
    return bundledModel();
}

void MainWindow::openModel(const QString& path) {
    // The experts-per-token and context overrides belong to the model they
    // were set on: another model opens with its own.
    LoadOptions o;
    const bool same = m_controller->hasModel()
        && QFileInfo(path).absoluteFilePath() == QFileInfo(m_controller->modelCard().path).absoluteFilePath();
    o.expertsPerToken = same ? m_settings->expertsPerToken() : 0;
    o.context = same ? m_settings->context() : 0;
    o.measureBandwidth = m_measureBandwidth;
    m_controller->loadModel(path, o);
}

QString MainWindow::windowTitleFor(const ModelCard& card) {
    // The name may carry the file's own top-k ("8x top-2"): an override is said after it.
    if (card.expertsUsed != card.expertsUsedModel)
        return tr("%1 at top-%2 of %3 experts \u2014 MoE Workbench")
            .arg(card.name)
            .arg(card.expertsUsed)
            .arg(card.experts);
    return tr("%1 \u2014 MoE Workbench").arg(card.name);
}

void MainWindow::setRefreshInterval(int ms) {
    m_refresh->setInterval(ms);
}

QString MainWindow::speedText() const {
    return m_speed->text();
}

void MainWindow::compareRuns(const QStringList& ids) {
    m_controller->loadRuns(ids);
}

void MainWindow::send(const QString& text, EngineController::Mode mode) {
    if (mode != EngineController::Mode::Send) m_chat->removeLastTurn();
    m_pendingEditText = QString();
    m_chat->beginUser(text);
    m_chat->setCollapseThinking(m_settings->settings().collapseThinking);
    m_chat->beginAssistant();
    m_throughput->clear();
    m_throughputView->clear();
    m_controller->send(text, m_settings->settings(), mode);
    m_chat->focusInput(); // the next message, whichever button sent this one
}

void MainWindow::applyModelOptions(int k, int context) {
    if (!m_controller->hasModel()) return;
    auto reload = [this, k, context] {
        LoadOptions o;
        o.expertsPerToken = k;
        o.context = context;
        o.measureBandwidth = m_measureBandwidth;
        m_controller->loadModel(m_controller->modelCard().path, o);
    };
    if (!m_chat->hasTurns()) {
        reload();
        return;
    }
    // The reload starts a new conversation: ask first (window-modal, the event loop keeps running).
    auto* box = new QMessageBox(QMessageBox::Question, tr("Reload the model"),
        tr("Applying %1 experts per token and a context of %2 reloads the model and starts a "
           "new conversation; the current one stays in History. Continue?")
            .arg(k > 0 ? QString::number(k) : tr("the model's own number of"))
            .arg(context > 0 ? QString::number(context) : tr("the model's default")),
        QMessageBox::Ok | QMessageBox::Cancel, this);
    box->setObjectName(QStringLiteral("confirmReload"));
    box->button(QMessageBox::Ok)->setText(tr("Reload"));
    box->setDefaultButton(QMessageBox::Ok);
    box->setAttribute(Qt::WA_DeleteOnClose);
    connect(box, &QMessageBox::buttonClicked, this, [box, reload](QAbstractButton* b) {
        if (b == box->button(QMessageBox::Ok)) reload();
    });
    box->open();
}

void MainWindow::onBatch(const StreamBatch& b) {
    // The worker sends at most ~30 batches a second; whatever arrives within
    // one 33 ms frame is applied together, so the views repaint at most ~30
    // times a second however the batches bunch up in the event queue.
    m_pending.append(b);
    if (!m_applyTimer->isActive()) m_applyTimer->start();
}

void MainWindow::applyPending() {
    const QVector<StreamBatch> batches = std::exchange(m_pending, {});
    for (const StreamBatch& b : batches)
        applyBatch(b);
}

void MainWindow::applyBatch(const StreamBatch& b) {
    if (b.firstFrame == 0 && m_routing->frameCount() > 0 && b.frameCount() > 0) m_chat->disableFrameLinks();
    m_routing->append(b);
    m_throughput->append(b.tokens);
    m_chat->appendTokens(b.tokens);
    m_dirty = true;
    if (m_throughput->rowCount() > 0)
        m_speed->setText(tr("%1 tokens/s").arg(m_throughput->tokensPerSecond(m_throughput->rowCount() - 1), 0, 'f', 1));
}

void MainWindow::refreshVisible() {
    m_dirty = false;
    QWidget* w = m_tabs->currentWidget();
    if (w == m_experts)
        m_experts->refresh();
    else if (w == m_balance)
        m_balance->refresh();
    else if (w == m_throughputView)
        m_throughputView->refresh();
}

void MainWindow::setStatus(const QString& text) {
    statusBar()->showMessage(text, 8000);
}

void MainWindow::warn(const QString& title, const QString& message) {
    // Window-modal and non-blocking: the event loop (and the engine's signals) keep running.
    auto* box = new QMessageBox(QMessageBox::Warning, title, message, QMessageBox::Ok, this);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
    m_lastWarning = message;
}

void MainWindow::closeEvent(QCloseEvent* e) {
    QSettings s;
    s.setValue(QStringLiteral("window/geometry"), saveGeometry());
    s.setValue(QStringLiteral("window/state"), saveState());
    m_settings->save();
    m_controller->stop();
    e->accept();
}

void MainWindow::dragEnterEvent(QDragEnterEvent* e) {
    for (const QUrl& u : e->mimeData()->urls())
        if (u.isLocalFile() && u.toLocalFile().endsWith(QLatin1String(".gguf"), Qt::CaseInsensitive)) {
            e->acceptProposedAction();
            return;
        }
}

void MainWindow::dropEvent(QDropEvent* e) {
    for (const QUrl& u : e->mimeData()->urls())
        if (u.isLocalFile()) {
            openModel(u.toLocalFile());
            return;
        }
}
