#include "enginecontroller.h"

#include "runview.h"

#include "run/bench.h"
#include "run/recorder.h"
#include "run/runner.h"
#include "store/store.h"
#include "telemetry/routing.h"
#include "tokenizer/chat_template.h"
#include "tokenizer/tokenizer.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QRandomGenerator>
#include <QUuid>

#include <memory>

// ---------------------------------------------------------------------------
// Worker: converts between Qt values and the engine's run API (engine/run),
// batches what streams, and emits signals. Nothing here decides how a run
// is loaded, measured, recorded or compared.

struct EngineWorker::State final : moe::RoutingObserver {
    EngineWorker* q = nullptr;
    std::unique_ptr<moe::Runner> runner;
    LoadOptions options;
    double deviceBandwidth = 0.0; // bytes/s (0: not measured)
    // The conversation as the GUI sees it (for regenerate / edit).
    QVector<QPair<QString, QString>> turns; // (user, assistant)

    // Streaming state of the turn in flight.
    quint64 job = 0;
    StreamBatch pending;
    QElapsedTimer sinceFlush;
    QElapsedTimer sinceToken;
    bool decoding = false;
    int frameCount = 0; // frames in the conversation so far
    int lastTokenFrame = -1; // the frame index the latest generated token went out with

    QString storePathWanted; // set by the controller (empty: the default file)
    std::unique_ptr<moe::RunRecorder> recorder;
    QString storeError; // said once, not on every retry
    // The store on this thread (one connection per thread); null when it
    // cannot be opened, which is said when the reason changes.
    moe::RunRecorder& runRecorder() {
        if (!recorder) recorder = std::make_unique<moe::RunRecorder>(storePathWanted.toStdString());
        return *recorder;
    }
    moe::RunStore* openStore() {
        moe::RunStore* s = runRecorder().store();
        const QString why = QString::fromStdString(recorder->last_error());
        if (!s && why != storeError)
            Q_EMIT q->storeMessage(EngineWorker::tr("The run store cannot be opened: %1").arg(why));
        storeError = s ? QString() : why;
        return s;
    }

    QString tokenText(int32_t id) const {
        if (const moe::Tokenizer* tok = runner ? runner->tokenizer() : nullptr)
            return QString::fromUtf8(moe::sanitize_utf8(tok->token_bytes(id, true)));
        return QStringLiteral("\u27e8%1\u27e9").arg(id);
    }

    void on_routing(const moe::RoutingFrame& f) override {
        // Stop between tokens even when no text piece came out of the last one.
        if (q->m_stop.load()) runner->cancel();
        // A frame's index is its position in the context: after Regenerate or
        // Edit, the new turn's frames replace the discarded reply's.
        frameCount = f.pos;
        if (pending.frameTokens.isEmpty()) pending.firstFrame = frameCount;
        pending.nLayers = f.n_layers;
        pending.k = f.k;
        pending.frameTokens.append(f.token);
        pending.framePos.append(f.pos);
        pending.frameText.append(tokenText(f.token));
        pending.framePrompt.append(!decoding);
        pending.frameBytes.append(double(runner->model().weight_bytes_read(f.ids, f.n_layers, f.k)));
        const size_t n = size_t(f.n_layers) * size_t(f.k);
        for (size_t i = 0; i < n; ++i) {
            pending.ids.append(f.ids[i]);
            pending.weights.append(f.weights[i]);
        }
        ++frameCount;
        maybeFlush();
    }

    void onToken(int32_t id, const QString& text) {
        q->m_tokens.fetch_add(1);
        if (const int delay = q->m_stepDelayMs.load(); delay > 0) QThread::msleep(ulong(delay));
        StreamToken t;
        t.id = id;
        t.text = text;
        t.ms = sinceToken.nsecsElapsed() / 1e6;
        sinceToken.restart();
        // The next forward pass is this token's: its frame gets the next index.
        t.frameIndex = frameCount;
        lastTokenFrame = frameCount;
        decoding = true;
        pending.tokens.append(t);
        maybeFlush();
    }

    // A reasoning model's thinking: with the token that completed it, as the
    // answer's text is (a token may carry both, around </think>).
    void onReasoning(const QString& text) {
        if (!pending.tokens.isEmpty()) {
            pending.tokens.last().reasoning += text;
            return;
        }
        StreamToken t;
        t.id = -1;
        t.reasoning = text;
        t.ms = -1.0;
        t.frameIndex = lastTokenFrame;
        pending.tokens.append(t);
        maybeFlush();
    }

    // Text that completes after its token went out (a character split
    // across tokens, the tail flushed at the end of a reply) joins the latest
    // token still waiting, else goes as text alone: no latency of its own.
    void onText(const QString& text) {
        if (!pending.tokens.isEmpty()) {
            pending.tokens.last().text += text;
            return;
        }
        StreamToken t;
        t.id = -1;
        t.text = text;
        t.ms = -1.0;
        t.frameIndex = lastTokenFrame;
        pending.tokens.append(t);
        maybeFlush();
    }

    void maybeFlush() {
        if (sinceFlush.elapsed() >= q->m_batchIntervalMs.load()) flush();
    }
    void flush() {
        sinceFlush.restart();
        if (pending.isEmpty()) return;
        pending.job = job;
        Q_EMIT q->batch(pending);
        pending = StreamBatch {};
    }
};

EngineWorker::EngineWorker()
    : d(new State) {
    d->q = this;
}

EngineWorker::~EngineWorker() {
    delete d;
}

void EngineWorker::shutdown() {
    // Drop the engine on its own thread before the thread ends.
    delete d;
    d = new State;
    d->q = this;
}

void EngineWorker::loadModel(quint64 job, const QString& path, const LoadOptions& options) {
    m_stop.store(false);
    moe::LoadRequest req;
    req.path = path.toStdString();
    req.backend = options.backend == QLatin1String("cpu") ? moe::BackendKind::cpu
        : options.backend == QLatin1String("cuda")        ? moe::BackendKind::cuda
                                                          : moe::BackendKind::automatic;
    req.options.n_ctx = options.context;
    req.options.n_threads = options.threads;
    req.options.top_k = options.expertsPerToken;
    // The model in use stays until the new one is ready: a failed or
    // cancelled open leaves it as it was.
    try {
        std::unique_ptr<moe::Runner> next = moe::Runner::load(req, [&](double f, const std::string& stage) {
            Q_EMIT loadProgress(job, f * 0.9, QString::fromStdString(stage));
            return !m_stop.load();
        });
        if (!next) return; // cancelled
        ModelCard card = cardFromDescription(next->description());
        if (const moe::ChatTemplate* t = next->chat_template()) {
            card.thinkingSwitch = t->supports_thinking_switch();
            card.reasoningEffort = t->supports_reasoning_effort();
        }
        if (options.measureBandwidth) {
            Q_EMIT loadProgress(job, 0.9, tr("Measuring memory bandwidth"));
            const moe::BandwidthMeasurement bw = moe::device_bandwidth(next->backend(), options.threads);
            card.deviceBandwidth = bw.gb_per_s * 1e9;
            card.bandwidthLowest = bw.min_gb_per_s * 1e9;
            card.bandwidthRepetitions = bw.repetitions;
            card.bandwidthBusy = bw.busy();
            next->set_memory_bandwidth(bw.gb_per_s);
        }
        if (m_stop.load()) return;
        Q_EMIT loadProgress(job, 1.0, tr("Ready"));
        next->session().set_routing_observer(nullptr);
        d->runner = std::move(next);
        d->options = options;
        d->deviceBandwidth = card.deviceBandwidth;
        d->turns.clear();
        d->frameCount = 0;
        Q_EMIT loaded(job, card);
    } catch (const std::exception& e) {
        Q_EMIT loadFailed(job, QString::fromUtf8(e.what()));
    }
}

void EngineWorker::unload() {
    d->runner.reset();
    d->turns.clear();
}

void EngineWorker::newConversation() {
    d->turns.clear();
    d->frameCount = 0;
    if (d->runner) d->runner->new_conversation();
}

void EngineWorker::generate(quint64 job, const QString& text, const GenerationSettings& s, int mode) {
    m_stop.store(false);
    if (!d->runner) {
        Q_EMIT turnFailed(job, tr("No model is loaded."));
        return;
    }
    moe::Runner& runner = *d->runner;
    moe::GenerateOptions go;
    go.n_predict = s.maxTokens;
    go.sampler.temperature = float(s.temperature);
    go.sampler.top_k = s.topK;
    go.sampler.top_p = float(s.topP);
    go.sampler.min_p = float(s.minP);
    go.sampler.repeat_penalty = float(s.repeatPenalty);
    // A random seed is drawn per reply (so Regenerate gives another reply)
    // and kept in the run, where it can be typed back in to repeat it.
    go.sampler.seed = s.randomSeed ? QRandomGenerator::global()->bounded(2147483647u) : s.seed;

    m_tokens.store(0);
    d->job = job;
    d->pending = StreamBatch {};
    d->decoding = false;
    d->sinceFlush.start();
    d->sinceToken.start();

    moe::RunCallbacks cb;
    cb.routing = d;
    moe::RunOutcome out;
    try {
        const EngineController::Mode m = EngineController::Mode(mode);
        const bool rewind = m != EngineController::Mode::Send && !d->turns.isEmpty();
        if (rewind) d->turns.removeLast();
        if (runner.tokenizer()) {
            const std::string sys = s.systemPrompt.toStdString();
            if (d->turns.isEmpty() && !rewind) {
                // A new conversation takes the system prompt as it is now.
                runner.new_conversation();
                runner.set_system_prompt(sys);
            } else if (rewind) {
                // Drop the last turn; the KV cache keeps the common prefix.
                std::vector<moe::ChatMessage> msgs;
                if (!sys.empty()) msgs.push_back({ "system", sys });
                for (const auto& t : std::as_const(d->turns)) {
                    msgs.push_back({ "user", t.first.toStdString() });
                    msgs.push_back({ "assistant", t.second.toStdString() });
                }
                runner.set_chat_messages(std::move(msgs));
            }
            cb.on_token = [&](int32_t id) {
                d->onToken(id, QString());
                return !m_stop.load();
            };
            cb.on_text = [&](const std::string& piece, int32_t) {
                d->onText(QString::fromUtf8(piece));
                return !m_stop.load();
            };
            cb.on_reasoning = [&](const std::string& piece, int32_t) {
                d->onReasoning(QString::fromUtf8(piece));
                return !m_stop.load();
            };
            // Thinking on/off and its effort, where the model's template reads them.
            moe::ChatOptions chat;
            if (const moe::ChatTemplate* t = runner.chat_template()) {
                if (s.thinking != 0 && t->supports_thinking_switch()) chat.thinking = s.thinking == 1;
                if (!s.reasoningEffort.isEmpty() && t->supports_reasoning_effort())
                    chat.reasoning_effort = s.reasoningEffort.toStdString();
            }
            runner.set_chat_options(chat);
            moe::ChatTurnRequest req;
            req.message = text.toStdString();
            req.options = go;
            out = runner.chat_turn(req, cb);
        } else {
            // A model without a tokenizer takes token ids, and each message starts afresh.
            d->frameCount = 0;
            d->turns.clear();
            cb.on_token = [&](int32_t id) {
                d->onToken(id, d->tokenText(id));
                return !m_stop.load();
            };
            moe::GenerateRequest req;
            req.prompt.ids = moe::parse_token_ids(text.toStdString());
            req.options = go;
            out = runner.generate(req, cb);
        }
        d->flush();
    } catch (const std::exception& e) {
        d->flush();
        Q_EMIT turnFailed(job, QString::fromUtf8(e.what()));
        return;
    }
    auto record = std::make_shared<moe::RunRecord>(std::move(out.record));
    const QString output
        = record->output_text.empty() && !runner.tokenizer() ? QString() : QString::fromStdString(record->output_text);
    d->turns.append({ text, output });

    // Recorded as moe-cli records a chat turn; a store that cannot be written
    // keeps the run in memory and as JSON for `moe-cli runs import`, and says so.
    const moe::RecordOutcome kept = d->runRecorder().record(*record);
    if (kept.saved()) {
        record->id = *kept.id;
    } else if (!kept.lost()) {
        Q_EMIT storeMessage(tr("The run was not recorded (%1); it is kept in %2 for `moe-cli runs import`.")
                                .arg(QString::fromStdString(kept.error), QString::fromStdString(kept.kept_path)));
    } else {
        Q_EMIT storeMessage(
            tr("The run was not recorded and could not be kept: %1").arg(QString::fromStdString(kept.error)));
    }
    RunView run = viewFromRecord(record);
    if (!kept.saved()) run.id = QUuid::createUuid().toString(QUuid::WithoutBraces); // until a store takes it
    run.when = QDateTime::currentDateTime();
    run.settings = s; // with the system prompt
    run.settings.seed = go.sampler.seed; // the seed used
    run.modelPath = QFileInfo(QString::fromStdString(runner.model().path())).absoluteFilePath();
    run.deviceBandwidth = d->deviceBandwidth;
    Q_EMIT turnFinished(job, run);
}

void EngineWorker::setStorePath(const QString& path) {
    d->storePathWanted = path;
    d->recorder.reset();
    d->storeError.clear();
}

void EngineWorker::listRuns() {
    QVector<RunView> out;
    if (moe::RunStore* store = d->openStore()) {
        try {
            for (const moe::RunSummary& s : store->list())
                out.append(viewFromListing(s));
        } catch (const std::exception& e) {
            Q_EMIT storeMessage(tr("Could not list the runs: %1").arg(QString::fromUtf8(e.what())));
        }
    }
    Q_EMIT runsListed(out);
}

void EngineWorker::runJob(const WorkerJob& job) {
    job(d->runner.get(), d->runRecorder());
}

void EngineWorker::loadRuns(const QStringList& ids) {
    QVector<RunView> out;
    if (moe::RunStore* store = d->openStore()) {
        for (const QString& id : ids) {
            bool ok = false;
            const qint64 n = id.toLongLong(&ok);
            if (!ok) continue;
            try {
                out.append(viewFromRecord(std::make_shared<const moe::RunRecord>(store->load(n))));
            } catch (const std::exception& e) {
                Q_EMIT storeMessage(tr("Could not load run %1: %2").arg(id, QString::fromUtf8(e.what())));
            }
        }
    }
    Q_EMIT runsLoaded(out);
}

// ---------------------------------------------------------------------------
// Controller

EngineController::EngineController(QObject* parent)
    : QObject(parent) {
    registerUiMetaTypes();
    m_worker = new EngineWorker;
    m_worker->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    connect(m_worker, &EngineWorker::loadProgress, this, &EngineController::onLoadProgress);
    connect(m_worker, &EngineWorker::loaded, this, &EngineController::onLoaded);
    connect(m_worker, &EngineWorker::loadFailed, this, &EngineController::onLoadFailed);
    connect(m_worker, &EngineWorker::batch, this, &EngineController::onBatch);
    connect(m_worker, &EngineWorker::turnFinished, this, &EngineController::onTurnFinished);
    connect(m_worker, &EngineWorker::turnFailed, this, &EngineController::onTurnFailed);
    connect(m_worker, &EngineWorker::storeMessage, this, &EngineController::storeMessage);
    connect(m_worker, &EngineWorker::runsLoaded, this, [this](const QVector<RunView>& loaded) {
        // In the order asked for.
        QVector<RunView> all = m_pendingKnown + loaded, ordered;
        for (const QString& id : std::as_const(m_pendingOrder))
            for (const RunView& r : all)
                if (r.id == id) {
                    ordered.append(r);
                    break;
                }
        m_pendingKnown.clear();
        Q_EMIT runsLoaded(ordered);
    });
    connect(m_worker, &EngineWorker::runsListed, this, [this](const QVector<RunView>& stored) {
        // Stored runs, with this session's fuller record of the same run where
        // there is one; then this session's runs the store does not hold.
        QVector<RunView> all = stored;
        for (const RunView& r : std::as_const(m_runs)) {
            bool known = false;
            for (RunView& s : all)
                if (s.id == r.id) {
                    s = r;
                    s.fromStore = true;
                    known = true;
                }
            if (!known) all.append(r);
        }
        Q_EMIT runsAvailable(all);
    });
    m_thread.setObjectName(QStringLiteral("engine"));
    m_thread.start();
}

EngineController::~EngineController() {
    // Shutdown: stop the job in flight, let the worker release the engine on
    // its own thread, then end the thread.
    m_worker->requestStop();
    QMetaObject::invokeMethod(m_worker, &EngineWorker::shutdown, Qt::QueuedConnection);
    m_thread.quit();
    m_thread.wait();
}

void EngineController::setBatchInterval(int ms) {
    m_worker->setBatchInterval(ms);
}

void EngineController::setStepDelayForTesting(int ms) {
    m_worker->setStepDelay(ms);
}

void EngineController::setStorePath(const QString& path) {
    m_storePath = path;
    QMetaObject::invokeMethod(
        m_worker, [w = m_worker, path] { w->setStorePath(path); }, Qt::QueuedConnection);
    refreshRuns(); // History shows the store now in use
}

void EngineController::loadModel(const QString& path, const LoadOptions& options) {
    if (m_genJob) stop();
    if (m_loadJob) m_worker->requestStop();
    m_loadJob = m_nextJob++; // the model in use stays until the new one is loaded
    const quint64 job = m_loadJob;
    Q_EMIT loadStarted(path);
    Q_EMIT busyChanged(true);
    QMetaObject::invokeMethod(
        m_worker, [w = m_worker, job, path, options] { w->loadModel(job, path, options); }, Qt::QueuedConnection);
}

void EngineController::cancelLoad() {
    if (!m_loadJob) return;
    m_worker->requestStop();
    m_loadJob = 0;
    Q_EMIT loadCancelled();
    Q_EMIT busyChanged(isGenerating());
}

void EngineController::unloadModel() {
    stop();
    m_hasModel = false;
    QMetaObject::invokeMethod(m_worker, &EngineWorker::unload, Qt::QueuedConnection);
}

void EngineController::send(const QString& text, const GenerationSettings& settings, Mode mode) {
    if (!m_hasModel) {
        Q_EMIT generationFailed(tr("Open a model first."));
        return;
    }
    if (m_genJob) return; // one turn at a time; Stop first
    if (m_loadJob) {
        Q_EMIT generationFailed(tr("A model is being opened; send again when it is ready."));
        return;
    }
    m_genJob = m_nextJob++;
    const quint64 job = m_genJob;
    Q_EMIT generationStarted();
    Q_EMIT busyChanged(true);
    QMetaObject::invokeMethod(
        m_worker, [w = m_worker, job, text, settings, mode] { w->generate(job, text, settings, int(mode)); },
        Qt::QueuedConnection);
}

void EngineController::stop() {
    if (!m_genJob) return;
    m_tokensAtStop = m_worker->tokensSoFar();
    m_worker->requestStop();
}

void EngineController::newConversation() {
    stop();
    QMetaObject::invokeMethod(m_worker, &EngineWorker::newConversation, Qt::QueuedConnection);
    Q_EMIT conversationCleared();
}

void EngineController::runOnWorker(WorkerJob job) {
    QMetaObject::invokeMethod(
        m_worker, [w = m_worker, job = std::move(job)] { w->runJob(job); }, Qt::QueuedConnection);
}

void EngineController::refreshRuns() {
    QMetaObject::invokeMethod(m_worker, &EngineWorker::listRuns, Qt::QueuedConnection);
}

void EngineController::loadRuns(const QStringList& ids) {
    // Runs of this session are at hand; the rest come from the store.
    QVector<RunView> known;
    QStringList missing;
    for (const QString& id : ids) {
        bool found = false;
        for (const RunView& r : std::as_const(m_runs))
            if (r.id == id && r.routing) {
                known.append(r);
                found = true;
                break;
            }
        if (!found) missing << id;
    }
    if (missing.isEmpty()) {
        // Answered from the event loop, like a store read, never inside the call.
        QMetaObject::invokeMethod(
            this, [this, known] { Q_EMIT runsLoaded(known); }, Qt::QueuedConnection);
        return;
    }
    QMetaObject::invokeMethod(
        m_worker, [w = m_worker, missing] { w->loadRuns(missing); }, Qt::QueuedConnection);
    m_pendingKnown = known;
    m_pendingOrder = ids;
}

void EngineController::onLoadProgress(quint64 job, double f, const QString& stage) {
    if (job == m_loadJob) Q_EMIT loadProgress(f, stage);
}

void EngineController::onLoaded(quint64 job, const ModelCard& card) {
    if (job != m_loadJob) return; // cancelled or superseded
    m_loadJob = 0;
    m_hasModel = true;
    m_card = card;
    Q_EMIT modelLoaded(card);
    Q_EMIT busyChanged(isGenerating());
}

void EngineController::onLoadFailed(quint64 job, const QString& message) {
    if (job != m_loadJob) return;
    m_loadJob = 0;
    Q_EMIT loadFailed(message);
    Q_EMIT busyChanged(isGenerating());
}

void EngineController::onBatch(const StreamBatch& b) {
    if (b.job != m_genJob) return;
    Q_EMIT batchAvailable(b);
}

void EngineController::onTurnFinished(quint64 job, const RunView& run) {
    if (job != m_genJob) return;
    m_genJob = 0;
    m_runs.append(run);
    Q_EMIT generationFinished(run);
    Q_EMIT runRecorded(run);
    Q_EMIT busyChanged(isLoading());
}

void EngineController::onTurnFailed(quint64 job, const QString& message) {
    if (job != m_genJob) return;
    m_genJob = 0;
    Q_EMIT generationFailed(message);
    Q_EMIT busyChanged(isLoading());
}
