// The workbench as a person uses it (issue 14): every defect a test can see,
// on the real window (offscreen) with a tiny synthetic model, and synthetic
// routing batches where a shape the tiny model lacks is needed (64 experts,
// long or odd token texts, small gate weights).
#include "chartexporter.h"
#include "enginecontroller.h"
#include "heatmaps.h"
#include "mainwindow.h"
#include "models.h"
#include "panels.h"
#include "routingdata.h"
#include "views.h"

#include "model/synth.h"
#include "quant/quant.h"
#include "store/run.h"
#include "telemetry/routing.h"

#include <QAction>
#include <QApplication>
#include <QFileInfo>
#include <QFormLayout>
#include <QHeaderView>
#include <QImageReader>
#include <QMenuBar>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollBar>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTextBrowser>
#include <QValueAxis>

namespace {

// `frames` routing frames of `layers` x `k`, token texts from `texts` (cycled),
// expert (t + 3j) % experts with weight weights[j].
StreamBatch makeBatch(int first, int frames, int layers, int experts, int k, const QStringList& texts,
    const QVector<float>& weights, bool prompt = false) {
    StreamBatch b;
    b.firstFrame = first;
    b.nLayers = layers;
    b.k = k;
    for (int f = 0; f < frames; ++f) {
        const int t = first + f;
        b.frameTokens << t % 50;
        b.framePos << t;
        b.frameText << texts[t % texts.size()];
        b.framePrompt << prompt;
        b.frameBytes << 1000.0;
        for (int l = 0; l < layers; ++l)
            for (int j = 0; j < k; ++j) {
                b.ids << (t + 3 * j + l) % experts;
                b.weights << weights[j % weights.size()];
            }
    }
    return b;
}

QAction* menuAction(QMainWindow* w, const QString& text) {
    for (QAction* menu : w->menuBar()->actions())
        if (menu->menu())
            for (QAction* a : menu->menu()->actions())
                if (a->text().remove(QLatin1Char('&')) == text) return a;
    return nullptr;
}

} // namespace

class TestUsability : public QObject {
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    QString m_model;
    QString m_model2;
    std::unique_ptr<MainWindow> m_w;

    void load(const QString& path) {
        QSignalSpy loaded(m_w->controller(), &EngineController::modelLoaded);
        m_w->openModel(path);
        QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 1, 30000);
    }
    RunView chat(const QString& text, int maxTokens) {
        GenerationSettings s = m_w->settingsPanel()->settings();
        s.temperature = 0.0;
        s.maxTokens = maxTokens;
        m_w->settingsPanel()->setSettings(s);
        QSignalSpy done(m_w->controller(), &EngineController::generationFinished);
        Q_EMIT m_w->chat()->sendRequested(text);
        [&] { QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, 60000); }();
        return done.count() ? done.first().first().value<RunView>() : RunView {};
    }
    // Synthetic routing straight into the window's views, as the worker's batches arrive.
    void feed(const StreamBatch& b) {
        const int before = m_w->routingData()->frameCount();
        m_w->onBatchForBenchmark(b);
        QTRY_COMPARE(m_w->routingData()->frameCount(), b.firstFrame == 0 ? b.frameCount() : before + b.frameCount());
    }

private Q_SLOTS:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        qputenv("XDG_CONFIG_HOME", m_dir.filePath(QStringLiteral("config")).toUtf8());
        qputenv("XDG_DATA_HOME", m_dir.filePath(QStringLiteral("data")).toUtf8());
        QCoreApplication::setOrganizationName(QStringLiteral("moe-workbench-usability"));
        moe::SynthOptions so;
        so.arch = "qwen3moe";
        QVERIFY(moe::type_from_name("Q8_0", &so.quant));
        m_model = m_dir.filePath(QStringLiteral("tiny.gguf"));
        moe::write_synthetic_model(so, m_model.toStdString());
        so.arch = "olmoe";
        m_model2 = m_dir.filePath(QStringLiteral("tiny-olmoe.gguf"));
        moe::write_synthetic_model(so, m_model2.toStdString());
        m_w = std::make_unique<MainWindow>();
        m_w->setMeasureBandwidth(false);
        m_w->resize(1300, 820);
        m_w->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_w.get()));
        load(m_model);
    }
    void cleanupTestCase() { m_w.reset(); }

    // Item 1: hovering the heatmap never changes the window's width, however
    // long the tokens under the mouse; the readout goes with a new conversation.
    void hoverNeverWidensTheWindow() {
        m_w->tabs()->setCurrentWidget(m_w->experts());
        const QStringList longTokens = { QStringLiteral(" extraordinarily"), QStringLiteral(" incomprehensibilities"),
            QStringLiteral(" counterrevolutionaries"), QStringLiteral(" uncharacteristically") };
        feed(makeBatch(0, 120, 2, 8, 2, longTokens, { 0.6f, 0.4f }));
        m_w->experts()->refresh();
        QApplication::processEvents();
        const int width = m_w->width();
        const int minWidth = m_w->minimumSizeHint().width();
        TokenHeatmap* heat = m_w->experts()->tokenHeatmap();
        const HeatmapMapping m = heat->mapping();
        for (int e = 0; e < 8; ++e) {
            QTest::mouseMove(heat, m.cellRect(m.firstColumn + 2, e).center().toPoint());
            QApplication::processEvents();
            QVERIFY2(m_w->minimumSizeHint().width() <= minWidth,
                qPrintable(QStringLiteral("minimum width %1 -> %2 after hovering expert %3")
                               .arg(minWidth)
                               .arg(m_w->minimumSizeHint().width())
                               .arg(e)));
            QCOMPARE(m_w->width(), width);
        }
        QVERIFY2(
            m_w->experts()->hoverText().contains(QLatin1String("Expert 7")), qPrintable(m_w->experts()->hoverText()));
        QAction* fresh = menuAction(m_w.get(), QStringLiteral("New conversation"));
        QVERIFY(fresh);
        fresh->trigger();
        QVERIFY(m_w->experts()->hoverText().isEmpty());
    }

    // Item 14: the One-token caption shows a token's text once, not its HTML escape.
    void captionShowsTheTokenAsItIs() {
        feed(makeBatch(
            0, 6, 2, 8, 2, { QStringLiteral("a"), QStringLiteral("&"), QStringLiteral("<b>") }, { 0.6f, 0.4f }));
        m_w->experts()->showFrame(4);
        QVERIFY2(m_w->experts()->frameCaption().startsWith(QStringLiteral("Token 4 \u201c&\u201d")),
            qPrintable(m_w->experts()->frameCaption()));
        m_w->experts()->showFrame(5);
        QVERIFY2(m_w->experts()->frameCaption().startsWith(QStringLiteral("Token 5 \u201c<b>\u201d")),
            qPrintable(m_w->experts()->frameCaption()));
    }

    // Item 10: columns carry their token's text where it fits; spaces and line breaks visible.
    void tokenAxisShowsTheText() {
        TokenHeatmap* heat = m_w->experts()->tokenHeatmap();
        QVERIFY(heat->showsTokenText()); // the default column width holds text
        QCOMPARE(TokenHeatmap::columnLabel(QStringLiteral(" the")), QStringLiteral("the"));
        QCOMPARE(TokenHeatmap::columnLabel(QStringLiteral(" ")), QString(QChar(0x2423)));
        QCOMPARE(TokenHeatmap::columnLabel(QStringLiteral("\n")), QString(QChar(0x21b5)));
        const int before = heat->cellWidth();
        heat->setCellWidth(6);
        QVERIFY(!heat->showsTokenText()); // too narrow: indices only
        heat->setCellWidth(before);
        // The token axis tells which token a column is.
        const HeatmapMapping m = heat->mapping();
        const QPoint under(int(m.cellRect(m.firstColumn, 0).center().x()), int(m.plot.bottom()) + 30);
        QVERIFY2(heat->describeAt(under).contains(QStringLiteral("Token %1").arg(m.firstColumn)),
            qPrintable(heat->describeAt(under)));
    }

    // Item 10: the token picked is marked in the heatmap and in the chat.
    void selectedTokenIsMarkedInBoth() {
        m_w->controller()->newConversation();
        m_w->chat()->clearTranscript();
        QVector<StreamToken> tokens;
        auto c = connect(m_w->controller(), &EngineController::batchAvailable, this,
            [&](const StreamBatch& b) { tokens += b.tokens; });
        const RunView run = chat(QStringLiteral("Mark my words"), 12);
        disconnect(c);
        QVERIFY(run.nGenerated > 2);
        // A reply token with text in the chat (a piece of an unfinished UTF-8
        // character has none) whose routing has arrived (the last one's has not).
        RoutingData* data = m_w->routingData();
        StreamToken picked;
        for (const StreamToken& t : std::as_const(tokens))
            if (!t.text.isEmpty() && t.frameIndex < data->frameCount()) picked = t;
        QVERIFY(picked.frameIndex > 0);
        const int frame = picked.frameIndex;
        Q_EMIT m_w->chat()->frameClicked(frame);
        QCOMPARE(m_w->experts()->tokenHeatmap()->selectedFrame(), frame);
        QCOMPARE(m_w->chat()->selectedFrame(), frame);
        QCOMPARE(m_w->chat()->selectedText(), picked.text);
        QCOMPARE(m_w->chat()->transcript()->extraSelections().size(), 1);
        // Picked in the heatmap: the chat follows.
        m_w->experts()->showFrame(frame - 1);
        QCOMPARE(m_w->chat()->selectedFrame(), frame - 1);
    }

    // Item 11: the colour scale runs from 0 to the largest weight seen, not to 1.
    void colourScaleFitsTheData() {
        feed(makeBatch(0, 40, 2, 8, 2, { QStringLiteral("x") }, { 0.2f, 0.05f }));
        QCOMPARE(m_w->experts()->tokenHeatmap()->colourMax(), double(0.2f));
        m_w->experts()->showFrame(3);
        double mx = 0;
        for (int l = 0; l < 2; ++l)
            for (int e = 0; e < 8; ++e)
                mx = std::max(mx, m_w->experts()->frameHeatmap()->value(l, e));
        QCOMPARE(mx, double(0.2f));
    }

    // Item 12: Balance with 64 experts: expert numbers at a readable spacing,
    // every metric column in view, the heatmap exported whole.
    void sixtyFourExpertsAreReadable() {
        m_w->routingData()->reset(2, 64, 8);
        feed(makeBatch(
            0, 300, 2, 64, 8, { QStringLiteral("tok") }, { 0.2f, 0.15f, 0.1f, 0.1f, 0.1f, 0.05f, 0.05f, 0.05f }));
        m_w->tabs()->setCurrentWidget(m_w->balance());
        m_w->balance()->refresh();
        QTest::qWait(100);
        QVERIFY2(m_w->balance()->expertAxis()->tickInterval() >= 2,
            qPrintable(QString::number(m_w->balance()->expertAxis()->tickInterval())));
        auto* table = qobject_cast<QTableView*>(m_w->balance()->panels()[2]->content());
        QVERIFY(table);
        QVERIFY2(table->horizontalHeader()->length() <= table->viewport()->width(),
            qPrintable(
                QStringLiteral("%1 > %2").arg(table->horizontalHeader()->length()).arg(table->viewport()->width())));
        QVERIFY(!table->horizontalScrollBar()->isVisible());

        // The exported heatmap holds every token, more than the view shows, and no scroll bar.
        m_w->tabs()->setCurrentWidget(m_w->experts());
        QTest::qWait(50);
        TokenHeatmap* heat = m_w->experts()->tokenHeatmap();
        QVERIFY(heat->mapping().columns < 300);
        const QSize size = heat->exportSize();
        QVERIFY(size.width() >= 300 * heat->cellWidth());
        ChartPanel* panel = m_w->experts()->panels().first();
        const QString png = m_dir.filePath(QStringLiteral("tokens.png"));
        QString error;
        QVERIFY2(panel->exportChart(png, &error), qPrintable(error));
        const QImage img = QImageReader(png).read();
        QVERIFY(!img.isNull());
        QVERIFY2(img.width() >= size.width(), qPrintable(QStringLiteral("%1 < %2").arg(img.width()).arg(size.width())));
        load(m_model); // back to the model's own shape
    }

    // Item 7: settings labels beside their fields; the experts spin box steps
    // from the model's own number; Enter applies; Apply asks before clearing.
    void settingsReadAndApplyAsExpected() {
        SettingsPanel* sp = m_w->settingsPanel();
        DefaultSpinBox* box = sp->expertsBox();
        for (auto* form : sp->findChildren<QFormLayout*>())
            for (int r = 0; r < form->rowCount(); ++r) {
                QLayoutItem* label = form->itemAt(r, QFormLayout::LabelRole);
                QLayoutItem* field = form->itemAt(r, QFormLayout::FieldRole);
                if (!label || !field || !label->widget() || !field->widget()) continue;
                sp->parentWidget()->show();
                const QRect lg = label->geometry(), fg = field->geometry();
                QVERIFY2(std::abs(lg.center().y() - fg.center().y()) <= std::max(fg.height(), lg.height()) / 2 + 2,
                    qPrintable(
                        QStringLiteral("label at y %1, its field at y %2").arg(lg.center().y()).arg(fg.center().y())));
            }
        box->setValue(0);
        QCOMPARE(box->text(), QStringLiteral("model's own (2)"));
        box->stepBy(1);
        QCOMPARE(box->value(), 3);
        box->setValue(0);
        box->stepBy(-1);
        QCOMPARE(box->value(), 1);

        // Enter applies; with a conversation open the window asks first, and Cancel keeps it.
        chat(QStringLiteral("Keep this conversation"), 4);
        QSignalSpy reloads(m_w->controller(), &EngineController::loadStarted);
        box->setValue(4);
        box->setFocus();
        QTest::keyClick(box, Qt::Key_Return);
        QMessageBox* ask = m_w->findChild<QMessageBox*>(QStringLiteral("confirmReload"));
        QVERIFY(ask);
        QTRY_VERIFY(ask->isVisible());
        QCOMPARE(reloads.count(), 0);
        ask->button(QMessageBox::Cancel)->click();
        QTest::qWait(50);
        QCOMPARE(reloads.count(), 0);
        QVERIFY(m_w->chat()->hasTurns());
        // Apply, confirmed: the model reloads with top-4.
        QSignalSpy loaded(m_w->controller(), &EngineController::modelLoaded);
        sp->applyButton()->click();
        ask = m_w->findChild<QMessageBox*>(QStringLiteral("confirmReload"));
        QVERIFY(ask);
        ask->button(QMessageBox::Ok)->click();
        QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 1, 30000);
        QCOMPARE(loaded.first().first().value<ModelCard>().expertsUsed, 4);
        box->setValue(0);
        sp->applyButton()->click(); // no conversation now: no question
        QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 2, 30000);
        QCOMPARE(loaded.last().first().value<ModelCard>().expertsUsed, 2);
    }

    // Item 14: a refusal is scrolled into view; the focus goes back to the message box.
    void refusalAndFocusWhereTheReaderIs() {
        QAction* fresh = menuAction(m_w.get(), QStringLiteral("New conversation"));
        fresh->trigger();
        QString longText;
        for (int i = 0; i < 300; ++i)
            longText += QStringLiteral("line %1 of a long message\n").arg(i);
        m_w->chat()->beginUser(longText);
        m_w->chat()->beginAssistant();
        m_w->chat()->transcript()->verticalScrollBar()->setValue(0);
        m_w->chat()->showError(QStringLiteral("The message does not fit the context."));
        QScrollBar* sb = m_w->chat()->transcript()->verticalScrollBar();
        QVERIFY(sb->maximum() > 0);
        QCOMPARE(sb->value(), sb->maximum());

        m_w->activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(m_w.get()));
        m_w->settingsPanel()->expertsBox()->setFocus();
        fresh->trigger();
        QVERIFY(QApplication::focusWidget());
        QCOMPARE(QApplication::focusWidget()->metaObject()->className(), "QPlainTextEdit");
        QCOMPARE(QApplication::focusWidget()->parentWidget(), m_w->chat());
        chat(QStringLiteral("Once"), 4);
        auto* regenerate = m_w->chat()->findChild<QPushButton*>();
        for (QPushButton* b : m_w->chat()->findChildren<QPushButton*>())
            if (b->text() == QLatin1String("Regenerate")) regenerate = b;
        regenerate->setFocus();
        QSignalSpy done(m_w->controller(), &EngineController::generationFinished);
        regenerate->click();
        QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, 60000);
        QCOMPARE(QApplication::focusWidget()->metaObject()->className(), "QPlainTextEdit");
    }

    // Item 6: while the prompt is read, the reply says so and the status bar
    // does not show the previous run's speed.
    void promptReadingIsShown() {
        m_w->controller()->setStepDelayForTesting(30);
        QSignalSpy done(m_w->controller(), &EngineController::generationFinished);
        Q_EMIT m_w->chat()->sendRequested(QStringLiteral("Read me"));
        QVERIFY2(m_w->chat()->transcriptText().contains(QLatin1String("reading the prompt")),
            qPrintable(m_w->chat()->transcriptText()));
        QVERIFY(m_w->speedText().contains(QLatin1String("Reading the prompt")));
        QTRY_VERIFY_WITH_TIMEOUT(m_w->throughputModel()->rowCount() > 0, 30000);
        QTRY_VERIFY(!m_w->chat()->transcriptText().contains(QLatin1String("reading the prompt")));
        QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, 60000);
        m_w->controller()->setStepDelayForTesting(0);
        QVERIFY(!m_w->speedText().contains(QLatin1String("Reading")));
    }

    // Item 2: a failed or cancelled open keeps the model in use: card, title, conversation and Send.
    void failedOrCancelledOpenKeepsTheModel() {
        QAction* fresh = menuAction(m_w.get(), QStringLiteral("New conversation"));
        fresh->trigger();
        chat(QStringLiteral("Before the switch"), 4);
        const QString title = m_w->windowTitle();
        const QString name = m_w->modelCard()->fieldText(QStringLiteral("title"));
        const QString transcript = m_w->chat()->transcriptText();

        const QString bad = m_dir.filePath(QStringLiteral("bad.gguf"));
        QFile f(bad);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("GGUF but not really");
        f.close();
        QSignalSpy failed(m_w->controller(), &EngineController::loadFailed);
        m_w->openModel(bad);
        QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, 20000);
        QVERIFY(m_w->controller()->hasModel());
        QCOMPARE(m_w->windowTitle(), title);
        QCOMPARE(m_w->modelCard()->fieldText(QStringLiteral("title")), name);
        QCOMPARE(m_w->chat()->transcriptText(), transcript);
        QVERIFY2(m_w->lastWarning().contains(QLatin1String("still loaded")), qPrintable(m_w->lastWarning()));
        chat(QStringLiteral("After the failed open"), 4); // Send works, on the same model
        QVERIFY(m_w->chat()->transcriptText().contains(QLatin1String("After the failed open")));

        QSignalSpy cancelled(m_w->controller(), &EngineController::loadCancelled);
        QSignalSpy loaded(m_w->controller(), &EngineController::modelLoaded);
        const QString before = m_w->chat()->transcriptText();
        m_w->openModel(m_model2);
        m_w->controller()->cancelLoad();
        QCOMPARE(cancelled.count(), 1);
        QTest::qWait(300);
        QCOMPARE(loaded.count(), 0);
        QVERIFY(m_w->controller()->hasModel());
        QCOMPARE(m_w->windowTitle(), title);
        QCOMPARE(m_w->chat()->transcriptText(), before);
        chat(QStringLiteral("After the cancelled open"), 4);
        QCOMPARE(m_w->controller()->modelCard().path, QFileInfo(m_model).absoluteFilePath());
    }

    // Item 3: the experts-per-token override belongs to its model; the card and title follow it.
    void overrideIsScopedToItsModel() {
        const ModelCard own = m_w->controller()->modelCard();
        QSignalSpy loaded(m_w->controller(), &EngineController::modelLoaded);
        m_w->chat()->clearTranscript(); // no question before reloading
        m_w->settingsPanel()->expertsBox()->setValue(4);
        m_w->settingsPanel()->applyButton()->click();
        QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 1, 30000);
        const ModelCard top4 = m_w->controller()->modelCard();
        QCOMPARE(top4.expertsUsed, 4);
        QVERIFY(top4.activeParams > own.activeParams);
        QVERIFY(m_w->modelCard()->fieldText(QStringLiteral("params")).contains(formatCount(double(top4.activeParams))));
        QVERIFY2(m_w->windowTitle().contains(QLatin1String("top-4")), qPrintable(m_w->windowTitle()));
        // Another model opens with its own experts per token.
        m_w->openModel(m_model2);
        QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 2, 30000);
        const ModelCard other = m_w->controller()->modelCard();
        QCOMPARE(other.expertsUsed, other.expertsUsedModel);
        QCOMPARE(m_w->settingsPanel()->expertsPerToken(), 0);
        QVERIFY(!m_w->windowTitle().contains(QLatin1String("top-4")));
        load(m_model);
        QCOMPARE(m_w->controller()->modelCard().expertsUsed, own.expertsUsed);
    }

    // Item 4: max tokens stays below the context; the context is a setting with its KV-cache cost.
    void contextIsASettingAndRepliesLeaveRoom() {
        GenerationSettings s = m_w->settingsPanel()->settings();
        s.maxTokens = 100000;
        m_w->settingsPanel()->setSettings(s);
        load(m_model);
        const ModelCard card = m_w->controller()->modelCard();
        QVERIFY(m_w->settingsPanel()->settings().maxTokens < card.contextInUse);
        DefaultSpinBox* ctx = m_w->settingsPanel()->contextBox();
        QCOMPARE(ctx->value(), 0); // the model's default
        QVERIFY(ctx->maximum() <= std::max(card.contextTrain, card.contextInUse));
        QVERIFY2(m_w->settingsPanel()->kvCostText().contains(formatBytes(double(card.kvCacheBytes))),
            qPrintable(m_w->settingsPanel()->kvCostText()));
        QSignalSpy loaded(m_w->controller(), &EngineController::modelLoaded);
        m_w->chat()->clearTranscript();
        ctx->setValue(128);
        m_w->settingsPanel()->applyButton()->click();
        QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 1, 30000);
        QCOMPARE(m_w->controller()->modelCard().contextInUse, 128);
        QCOMPARE(m_w->settingsPanel()->context(), 128);
        QVERIFY(m_w->controller()->modelCard().kvCacheBytes < card.kvCacheBytes);
        QVERIFY(m_w->settingsPanel()->settings().maxTokens < 128);
        ctx->setValue(0);
        m_w->settingsPanel()->applyButton()->click();
        QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 2, 30000);
        QCOMPARE(m_w->controller()->modelCard().contextInUse, card.contextInUse);
    }

    // Item 5: Regenerate samples anew (a random seed per reply, the one used
    // recorded) and the discarded reply leaves the routing views.
    void regenerateSamplesAnewAndForgetsTheOldReply() {
        load(m_model);
        QAction* fresh = menuAction(m_w.get(), QStringLiteral("New conversation"));
        fresh->trigger();
        GenerationSettings s = m_w->settingsPanel()->settings();
        QVERIFY(s.randomSeed); // the default
        s.temperature = 1.0;
        s.maxTokens = 16;
        m_w->settingsPanel()->setSettings(s);
        QSignalSpy done(m_w->controller(), &EngineController::generationFinished);
        Q_EMIT m_w->chat()->sendRequested(QStringLiteral("Roll the dice"));
        QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, 60000);
        const RunView first = done.last().first().value<RunView>();
        const int framesBefore = m_w->routingData()->frameCount();
        Q_EMIT m_w->chat()->regenerateRequested();
        QTRY_COMPARE_WITH_TIMEOUT(done.count(), 2, 60000);
        const RunView second = done.last().first().value<RunView>();
        QVERIFY(second.settings.seed != first.settings.seed);
        QCOMPARE(second.record->settings.seed, second.settings.seed); // the seed used is the one stored
        // Frames of the discarded reply are gone: the count moved by the replies' difference.
        RoutingData* data = m_w->routingData();
        QCOMPARE(data->frameCount(), framesBefore - first.nGenerated + second.nGenerated);
        for (int f = 0; f < data->frameCount(); ++f)
            QCOMPARE(data->trace().pos(size_t(f)), f);
        qint64 routed = 0;
        for (int e = 0; e < data->nExperts(); ++e)
            routed += data->count(0, e);
        QCOMPARE(routed,
            qint64(data->frameCount()) * data->k()); // "the whole conversation" load counts the kept frames only
        s.temperature = 0.0;
        s.randomSeed = false;
        m_w->settingsPanel()->setSettings(s);
    }

    // Item 14 and 9: History lists the newest first under a down arrow, and says why runs stopped in words.
    void historyReadsAsItSorts() {
        RunsModel model;
        RunView a, b;
        a.id = QStringLiteral("1");
        a.when = QDateTime::currentDateTime().addSecs(-60);
        a.stopReason = QStringLiteral("context_full");
        b.id = QStringLiteral("2");
        b.when = QDateTime::currentDateTime();
        b.stopReason = QStringLiteral("cancelled");
        model.setRuns({ a, b });
        HistoryView view(&model);
        QCOMPARE(view.proxy()->data(view.proxy()->index(0, RunsModel::WhenColumn), RawValueRole).toDateTime(), b.when);
        // Qt draws a down arrow for "ascending" and an up arrow for "descending".
        QCOMPARE(view.table()->horizontalHeader()->sortIndicatorOrder(), Qt::AscendingOrder);
        QCOMPARE(model.data(model.index(0, RunsModel::StopColumn)).toString(), QStringLiteral("context full"));
        QCOMPARE(model.data(model.index(1, RunsModel::StopColumn)).toString(), QStringLiteral("stopped"));
        QCOMPARE(
            model.data(model.index(0, RunsModel::StopColumn), RawValueRole).toString(), QStringLiteral("context_full"));
    }
};

QTEST_MAIN(TestUsability)
#include "tst_ui_usability.moc"
