#include "enginecontroller.h"

#include "runsummary.h"

#include "error.h"
#include "model/model.h"
#include "quant/quant.h"
#include "runtime/backend.h"
#include "runtime/session.h"
#include "telemetry/hardware.h"
#include "telemetry/metrics.h"
#include "telemetry/routing.h"
#include "runtime/conversation.h"
#include "store/recording.h"
#include "store/run.h"
#include "store/store.h"

#include <nlohmann/json.hpp>

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QRegularExpression>
#include <QUuid>

#include <chrono>
#include <memory>

namespace {

moe::BackendKind backendKind(const QString& s) {
    if (s == QLatin1String("cpu")) return moe::BackendKind::cpu;
    if (s == QLatin1String("cuda")) return moe::BackendKind::cuda;
    return moe::BackendKind::automatic;
}

ModelCard describe(const moe::Model& m, moe::Backend& b, const QString& why, const moe::HostInfo& host) {
    const moe::ModelConfig& c = m.config();
    const moe::ModelStats& s = m.stats();
    ModelCard card;
    card.path = QFileInfo(QString::fromStdString(m.path())).absoluteFilePath();
    card.name = QString::fromStdString(m.name());
    card.architecture = QString::fromLatin1(moe::arch_name(c.arch));
    card.backend = QString::fromStdString(b.name());
    card.backendNote = why;
    card.isMoe = c.is_moe;
    card.layers = c.n_layer;
    card.moeLayers = b.n_moe_layers();
    card.experts = c.n_expert;
    card.expertsUsedModel = c.n_expert_used;
    card.expertsUsed = b.top_k();
    card.sharedExperts = c.n_expert_shared;
    card.contextTrain = c.n_ctx_train;
    card.contextInUse = b.n_ctx();
    card.vocabulary = c.n_vocab;
    card.embedding = c.n_embd;
    card.totalParams = s.total_params;
    card.activeParams = s.active_params;
    card.weightBytes = s.weight_bytes;
    card.activeWeightBytes = s.active_weight_bytes;
    card.kvCacheBytes = m.kv_cache_bytes(b.n_ctx());
    card.availableBytes = host.available_bytes;
    card.ramBytes = host.ram_bytes;
    for (const auto& [name, v] : s.by_type) card.quantMix.append({QString::fromStdString(name), quint64(v.second)});
    card.cpuModel = QString::fromStdString(host.cpu_model);
    card.threads = host.threads;
    return card;
}

} // namespace

// ---------------------------------------------------------------------------
// Worker

struct EngineWorker::State final : moe::RoutingObserver {
    EngineWorker* q = nullptr;
    std::shared_ptr<moe::Model> model;
    std::unique_ptr<moe::Conversation> conversation;
    std::unique_ptr<moe::Session> session; // only without a chat tokenizer
    ModelCard card;
    LoadOptions options;
    QString systemPrompt;
    // The conversation as the GUI sees it (for regenerate / edit).
    QVector<QPair<QString, QString>> turns; // (user, assistant)

    // Streaming state of the turn in flight.
    quint64 job = 0;
    StreamBatch pending;
    QElapsedTimer sinceFlush;
    QElapsedTimer sinceToken;
    bool decoding = false;
    int frameCount = 0; // frames in the conversation so far
    moe::RoutingTrace turnTrace;

    std::unique_ptr<moe::RunStore> store;
    QString storePath;           // the path `store` was opened with (or last failed to open)
    QString storeError;          // why it last failed (said once, not on every retry)
    QString storePathWanted;     // set by the controller (empty: the default file)
    moe::ModelIdentity identity; // hashed once per load
    moe::HardwareInfo hardware;
    // Opens the store on this thread (one connection per thread); null when it
    // cannot be opened. A store that failed is tried again on the next use (a
    // lock may have gone), and the reason is shown when it changes.
    moe::RunStore* openStore(const QString& path) {
        if (store && path == storePath) return store.get();
        store.reset();
        if (path != storePath) storeError.clear();
        storePath = path;
        try {
            store = std::make_unique<moe::RunStore>(path.isEmpty() ? moe::RunStore::default_path() : path.toStdString());
            storeError.clear();
        } catch (const std::exception& e) {
            const QString why = QString::fromUtf8(e.what());
            if (why != storeError)
                Q_EMIT q->storeMessage(EngineWorker::tr("The run store cannot be opened: %1").arg(why));
            storeError = why;
        }
        return store.get();
    }

    moe::Session* activeSession() {
        if (conversation) return &conversation->session();
        return session.get();
    }

    QString tokenText(int32_t id) const {
        if (conversation) {
            const moe::Tokenizer& tok = conversation->tokenizer();
            return QString::fromUtf8(moe::sanitize_utf8(tok.token_bytes(id, true)));
        }
        return QStringLiteral("\u27e8%1\u27e9").arg(id);
    }

    void on_routing(const moe::RoutingFrame& f) override {
        // Stop between tokens even when no text piece came out of the last one.
        if (q->m_stop.load()) {
            if (moe::Session* s = activeSession()) s->cancel();
        }
        if (pending.frameTokens.isEmpty()) pending.firstFrame = frameCount;
        pending.nLayers = f.n_layers;
        pending.k = f.k;
        pending.frameTokens.append(f.token);
        pending.framePos.append(f.pos);
        pending.frameText.append(tokenText(f.token));
        pending.framePrompt.append(!decoding);
        pending.frameBytes.append(double(model->weight_bytes_read(f.ids, f.n_layers, f.k)));
        const size_t n = size_t(f.n_layers) * size_t(f.k);
        for (size_t i = 0; i < n; ++i) {
            pending.ids.append(f.ids[i]);
            pending.weights.append(f.weights[i]);
        }
        turnTrace.on_routing(f);
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
        decoding = true;
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
        pending = StreamBatch{};
    }
};

EngineWorker::EngineWorker() : d(new State) { d->q = this; }

EngineWorker::~EngineWorker() { delete d; }

void EngineWorker::shutdown() {
    // Drop the engine on its own thread before the thread ends.
    delete d;
    d = new State;
    d->q = this;
}

void EngineWorker::loadModel(quint64 job, const QString& path, const LoadOptions& options) {
    m_stop.store(false);
    auto stage = [&](double f, const QString& what) {
        Q_EMIT loadProgress(job, f, what);
        return !m_stop.load();
    };
    try {
        // Release the previous model first: two large models may not fit together.
        d->conversation.reset();
        d->session.reset();
        d->model.reset();
        d->turns.clear();
        d->frameCount = 0;
        if (!stage(0.05, tr("Opening %1").arg(QFileInfo(path).fileName()))) return;
        std::shared_ptr<moe::Model> model = moe::Model::load(path.toStdString());
        if (!stage(0.35, tr("Creating the backend"))) return;
        moe::BackendOptions bo;
        bo.n_ctx = options.context;
        bo.n_threads = options.threads;
        bo.top_k = options.expertsPerToken;
        std::string why;
        auto backend = moe::make_backend(backendKind(options.backend), model, bo, &why);
        if (!stage(0.6, tr("Preparing the chat"))) return;
        const moe::HostInfo host = moe::host_info();
        ModelCard card = describe(*model, *backend, QString::fromStdString(why), host);
        try {
            d->conversation = std::make_unique<moe::Conversation>(model, std::move(backend));
            // The reason names the format ("chat format plain (...)"); the card's label says the rest.
            card.chatTemplate = QString::fromStdString(d->conversation->template_why());
            card.chatTemplate.remove(QRegularExpression(QStringLiteral("^chat format ")));
            if (card.chatTemplate.isEmpty()) card.chatTemplate = QString::fromStdString(d->conversation->chat_template().name);
        } catch (const std::exception& e) {
            // A model without a usable tokenizer still runs on token ids.
            card.chatTemplate = tr("none: %1 (prompts are token ids)").arg(QString::fromUtf8(e.what()));
            if (!backend) backend = moe::make_backend(backendKind(options.backend), model, bo, &why);
        }
        if (!d->conversation)
        {
            if (card.chatTemplate.isEmpty()) card.chatTemplate = tr("none (prompts are token ids)");
            d->session = std::make_unique<moe::Session>(model, std::move(backend));
        }
        d->model = model;
        d->activeSession()->set_routing_observer(d);
        d->identity = moe::model_identity(*model);
        d->hardware = moe::hardware_info();
        if (d->activeSession()->backend().name() == "cuda") moe::fill_gpu_info(d->hardware);
        if (options.measureBandwidth) {
            if (!stage(0.75, tr("Measuring memory bandwidth"))) return;
            card.deviceBandwidth = moe::measure_read_bandwidth(host.threads, size_t(256) << 20, 3);
        }
        if (!stage(1.0, tr("Ready"))) return;
        d->card = card;
        d->options = options;
        Q_EMIT loaded(job, card);
    } catch (const std::exception& e) {
        d->conversation.reset();
        d->session.reset();
        d->model.reset();
        Q_EMIT loadFailed(job, QString::fromUtf8(e.what()));
    }
}

void EngineWorker::unload() {
    d->conversation.reset();
    d->session.reset();
    d->model.reset();
    d->turns.clear();
}

void EngineWorker::newConversation() {
    d->turns.clear();
    d->frameCount = 0;
    if (d->conversation) d->conversation->clear();
    if (d->session) d->session->reset();
}

namespace {

// Prompt text as token ids when the model has no chat tokenizer: "1, 2, 3"
// is taken literally, other text byte by byte (modulo the vocabulary).
std::vector<int32_t> idsFromText(const QString& text, int nVocab) {
    std::vector<int32_t> out;
    bool allNumbers = !text.trimmed().isEmpty();
    const QStringList parts = text.split(QRegularExpression(QStringLiteral("[,\\s]+")), Qt::SkipEmptyParts);
    for (const QString& p : parts) {
        bool ok = false;
        const int v = p.toInt(&ok);
        if (!ok || v < 0 || v >= nVocab) {
            allNumbers = false;
            break;
        }
        out.push_back(v);
    }
    if (allNumbers) return out;
    out.clear();
    const QByteArray utf8 = text.toUtf8();
    for (char c : utf8) out.push_back(int32_t(uint8_t(c)) % nVocab);
    return out;
}

} // namespace

namespace {

GenerationSettings settingsFromRecord(const moe::RunSettings& r) {
    GenerationSettings s;
    s.temperature = r.temperature;
    s.topK = r.top_k;
    s.topP = r.top_p;
    s.minP = r.min_p;
    s.repeatPenalty = r.repeat_penalty;
    s.seed = r.seed;
    s.maxTokens = r.n_predict;
    s.expertsPerToken = r.top_k_override;
    return s;
}

QDateTime timeFromIso(const std::string& iso) {
    QDateTime t = QDateTime::fromString(QString::fromStdString(iso), Qt::ISODate);
    return t.isValid() ? t.toLocalTime() : t;
}

// A stored run, whole: settings, timings and its routing trace.
RunSummary summaryFromRecord(const moe::RunRecord& rec) {
    RunSummary r;
    r.id = QString::number(rec.id);
    r.when = timeFromIso(rec.created_at);
    r.model = QString::fromStdString(rec.model.name);
    r.modelPath = QString::fromStdString(rec.model.path);
    r.modelHash = QString::fromStdString(rec.model.content_hash);
    r.architecture = QString::fromStdString(rec.model.arch);
    r.quant = QString::fromStdString(rec.model.quant_mix);
    r.backend = QString::fromStdString(rec.backend);
    r.hardware = QStringLiteral("%1 (%2 threads)").arg(QString::fromStdString(rec.hardware.cpu_model)).arg(rec.hardware.cpu_threads);
    if (!rec.hardware.gpu_name.empty()) r.hardware = QString::fromStdString(rec.hardware.gpu_name);
    r.settings = settingsFromRecord(rec.settings);
    r.expertsUsed = rec.settings.experts_used;
    r.prompt = QString::fromStdString(rec.prompt_text);
    r.output = QString::fromStdString(rec.output_text);
    r.stopReason = QString::fromStdString(rec.stop_reason);
    r.nPrompt = int(rec.prompt_ids.size());
    r.nGenerated = int(rec.output_ids.size());
    r.prefillMs = rec.prefill_ms;
    r.ttftMs = rec.ttft_ms;
    r.prefillTps = rec.prefill_tokens_per_s;
    r.decodeTps = rec.decode_tokens_per_s;
    r.p50Ms = rec.p50_ms;
    r.p99Ms = rec.p99_ms;
    r.tokenMs = QVector<double>(rec.token_ms.begin(), rec.token_ms.end());
    r.nExperts = rec.model.n_experts;
    // Bytes per token as recorded (generate, chat and bench runs name it alike).
    if (!rec.figures_json.empty()) {
        const nlohmann::json fig = nlohmann::json::parse(rec.figures_json, nullptr, false);
        if (fig.is_object()) {
            r.bytesPerToken = fig.value("weight_bytes_per_token", 0.0);
            r.achievedBandwidth = r.bytesPerToken * r.decodeTps;
            r.deviceBandwidth = fig.value("memory_bandwidth_gb_per_s", 0.0) * 1e9;
        }
    }
    r.routing = std::make_shared<const moe::RoutingTrace>(rec.routing);
    fillRoutingMetrics(r);
    return r;
}

} // namespace

void EngineWorker::generate(quint64 job, const QString& text, const GenerationSettings& s, int mode) {
    m_stop.store(false);
    if (!d->model) {
        Q_EMIT turnFailed(job, tr("No model is loaded."));
        return;
    }
    moe::GenerateOptions go;
    go.n_predict = s.maxTokens;
    go.sampler.temperature = float(s.temperature);
    go.sampler.top_k = s.topK;
    go.sampler.top_p = float(s.topP);
    go.sampler.min_p = float(s.minP);
    go.sampler.repeat_penalty = float(s.repeatPenalty);
    go.sampler.seed = s.seed;

    m_tokens.store(0);
    d->job = job;
    d->pending = StreamBatch{};
    d->decoding = false;
    d->turnTrace.clear();
    d->sinceFlush.start();
    d->sinceToken.start();

    QString output;
    std::vector<int32_t> promptIds;
    moe::GenerateResult gen;
    try {
        const EngineController::Mode m = EngineController::Mode(mode);
        const bool rewind = m != EngineController::Mode::Send && !d->turns.isEmpty();
        if (rewind) d->turns.removeLast();
        if (d->conversation) {
            moe::Conversation& conv = *d->conversation;
            const std::string sys = s.systemPrompt.toStdString();
            if (d->turns.isEmpty() && !rewind) {
                // A new conversation takes the system prompt as it is now.
                conv.clear();
                conv.set_system_prompt(sys);
            } else if (rewind) {
                // Drop the last turn; the KV cache keeps the common prefix.
                std::vector<moe::ChatMessage> msgs;
                if (!sys.empty()) msgs.push_back({"system", sys});
                for (const auto& t : d->turns) {
                    msgs.push_back({"user", t.first.toStdString()});
                    msgs.push_back({"assistant", t.second.toStdString()});
                }
                conv.set_messages(std::move(msgs));
            }
            moe::TurnResult r = conv.reply(text.toStdString(), go, [&](const std::string& piece, int32_t id) {
                d->onToken(id, QString::fromUtf8(piece));
                return !m_stop.load();
            });
            promptIds = std::move(r.prompt);
            gen = std::move(r.gen);
            output = QString::fromStdString(r.text);
        } else {
            moe::Session& session = *d->session;
            if (rewind || d->turns.isEmpty()) {
                session.reset();
                d->frameCount = 0;
                d->turns.clear(); // token-id mode keeps no transcript to replay
            }
            promptIds = idsFromText(text, d->model->config().n_vocab);
            gen = session.generate(promptIds, go, [&](int32_t id) {
                const QString t = d->tokenText(id);
                output += t;
                d->onToken(id, t);
                return !m_stop.load();
            });
        }
        d->flush();
        d->turns.append({text, output});
    } catch (const std::exception& e) {
        d->flush();
        Q_EMIT turnFailed(job, QString::fromUtf8(e.what()));
        return;
    }

    // Record the turn as moe-cli records a chat turn (one transaction, on
    // this thread). A store that cannot be written keeps the run in memory
    // and as JSON for `moe-cli runs import`; the GUI says so.
    const moe::RunContext ctx{d->options.threads, 0, d->options.expertsPerToken, d->identity, d->hardware};
    const moe::RunRecord rec =
        moe::make_generate_record(moe::RunKind::chat, *d->model, d->activeSession()->backend(), ctx, go, promptIds, gen,
                                  d->turnTrace, text.toStdString(), output.toStdString());
    // The window's summary is the record's, as History reads it back, plus
    // what only the window knows.
    RunSummary run = summaryFromRecord(rec);
    run.id = QUuid::createUuid().toString(QUuid::WithoutBraces); // until the store gives one
    run.when = QDateTime::currentDateTime();
    run.settings = s; // with the system prompt
    run.modelPath = d->card.path;
    run.deviceBandwidth = d->card.deviceBandwidth;
    QString notSaved;
    if (moe::RunStore* store = d->openStore(d->storePathWanted)) {
        try {
            run.id = QString::number(store->save(rec));
        } catch (const std::exception& e) {
            notSaved = QString::fromUtf8(e.what());
        }
    } else {
        notSaved = tr("the run store could not be opened");
    }
    if (!notSaved.isEmpty()) {
        try {
            const QString file = QString::fromStdString(moe::keep_run_as_json(rec));
            Q_EMIT storeMessage(tr("The run was not recorded (%1); it is kept in %2 for `moe-cli runs import`.")
                                    .arg(notSaved, file));
        } catch (const std::exception& e) {
            Q_EMIT storeMessage(tr("The run was not recorded (%1), and could not be kept as a file either: %2")
                                    .arg(notSaved, QString::fromUtf8(e.what())));
        }
    }
    Q_EMIT turnFinished(job, run);
}


void EngineWorker::setStorePath(const QString& path) {
    d->storePathWanted = path;
}

void EngineWorker::listRuns() {
    QVector<RunSummary> out;
    if (moe::RunStore* store = d->openStore(d->storePathWanted)) {
        try {
            for (const moe::RunSummary& s : store->list()) {
                RunSummary r;
                r.fromStore = true;
                r.id = QString::number(s.id);
                r.when = timeFromIso(s.created_at);
                r.model = QString::fromStdString(s.model_name);
                r.modelPath = QString::fromStdString(s.model_file);
                r.modelHash = QString::fromStdString(s.model_hash);
                r.quant = QString::fromStdString(s.quant_mix);
                r.backend = QString::fromStdString(s.backend);
                r.prompt = QString::fromStdString(s.prompt_preview);
                r.nPrompt = s.n_prompt;
                r.nGenerated = s.n_output;
                r.ttftMs = s.ttft_ms;
                r.decodeTps = s.decode_tokens_per_s;
                r.stopReason = QString::fromLatin1(moe::run_status_name(s.status));
                out.append(r);
            }
        } catch (const std::exception& e) {
            Q_EMIT storeMessage(tr("Could not list the runs: %1").arg(QString::fromUtf8(e.what())));
        }
    }
    Q_EMIT runsListed(out);
}

void EngineWorker::loadRuns(const QStringList& ids) {
    QVector<RunSummary> out;
    if (moe::RunStore* store = d->openStore(d->storePathWanted)) {
        for (const QString& id : ids) {
            bool ok = false;
            const qint64 n = id.toLongLong(&ok);
            if (!ok) continue;
            try {
                out.append(summaryFromRecord(store->load(n)));
            } catch (const std::exception& e) {
                Q_EMIT storeMessage(tr("Could not load run %1: %2").arg(id, QString::fromUtf8(e.what())));
            }
        }
    }
    Q_EMIT runsLoaded(out);
}

// ---------------------------------------------------------------------------
// Controller

EngineController::EngineController(QObject* parent) : QObject(parent) {
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
    connect(m_worker, &EngineWorker::runsLoaded, this, [this](const QVector<RunSummary>& loaded) {
        // In the order asked for.
        QVector<RunSummary> all = m_pendingKnown + loaded, ordered;
        for (const QString& id : std::as_const(m_pendingOrder))
            for (const RunSummary& r : all)
                if (r.id == id) {
                    ordered.append(r);
                    break;
                }
        m_pendingKnown.clear();
        Q_EMIT runsLoaded(ordered);
    });
    connect(m_worker, &EngineWorker::runsListed, this, [this](const QVector<RunSummary>& stored) {
        // Stored runs, with this session's fuller record of the same run where
        // there is one; then this session's runs the store does not hold.
        QVector<RunSummary> all = stored;
        for (const RunSummary& r : std::as_const(m_runs)) {
            bool known = false;
            for (RunSummary& s : all)
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

void EngineController::setBatchInterval(int ms) { m_worker->setBatchInterval(ms); }

void EngineController::setStepDelayForTesting(int ms) { m_worker->setStepDelay(ms); }

void EngineController::setStorePath(const QString& path) {
    m_storePath = path;
    QMetaObject::invokeMethod(m_worker, [w = m_worker, path] { w->setStorePath(path); }, Qt::QueuedConnection);
    refreshRuns(); // History shows the store now in use
}

void EngineController::loadModel(const QString& path, const LoadOptions& options) {
    if (m_genJob) stop();
    if (m_loadJob) m_worker->requestStop();
    m_loadJob = m_nextJob++;
    m_hasModel = false;
    const quint64 job = m_loadJob;
    Q_EMIT loadStarted(path);
    Q_EMIT busyChanged(true);
    QMetaObject::invokeMethod(m_worker, [w = m_worker, job, path, options] { w->loadModel(job, path, options); },
                              Qt::QueuedConnection);
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
    m_genJob = m_nextJob++;
    const quint64 job = m_genJob;
    Q_EMIT generationStarted();
    Q_EMIT busyChanged(true);
    QMetaObject::invokeMethod(m_worker, [w = m_worker, job, text, settings, mode] { w->generate(job, text, settings, int(mode)); },
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

void EngineController::refreshRuns() {
    QMetaObject::invokeMethod(m_worker, &EngineWorker::listRuns, Qt::QueuedConnection);
}

void EngineController::loadRuns(const QStringList& ids) {
    // Runs of this session are at hand; the rest come from the store.
    QVector<RunSummary> known;
    QStringList missing;
    for (const QString& id : ids) {
        bool found = false;
        for (const RunSummary& r : std::as_const(m_runs))
            if (r.id == id && r.routing) {
                known.append(r);
                found = true;
                break;
            }
        if (!found) missing << id;
    }
    if (missing.isEmpty()) {
        // Answered from the event loop, like a store read, never inside the call.
        QMetaObject::invokeMethod(this, [this, known] { Q_EMIT runsLoaded(known); }, Qt::QueuedConnection);
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

void EngineController::onTurnFinished(quint64 job, const RunSummary& run) {
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
