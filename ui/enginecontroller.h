#pragma once
// The one way the GUI talks to the engine. EngineController lives on the GUI
// thread and owns a QThread running an EngineWorker; every engine call
// (model load, prefill, decode, run store I/O) happens on that worker. Results
// come back as values (types.h) through queued signals, batched on the worker
// so that at most ~30 batches a second reach the GUI however fast tokens come.
// Stale results (a load that was cancelled or superseded) are dropped by a
// job id check.
#include "types.h"

#include <QObject>
#include <QPointer>
#include <QThread>

#include <atomic>
#include <functional>

class EngineWorker;
namespace moe {
class Runner;
class RunRecorder;
} // namespace moe
// Work queued on the engine's worker thread with the loaded runner (null
// without a model) and the run store's recorder (the routing lab's policy
// and sweeps, ui/routinglab.h).
using WorkerJob = std::function<void(moe::Runner* runner, moe::RunRecorder& recorder)>;

struct LoadOptions {
    QString backend = QStringLiteral("auto"); // auto, cpu, cuda
    int threads = 0;
    int context = 0;
    int expertsPerToken = 0; // 0: the model's own
    bool measureBandwidth = true;
};
Q_DECLARE_METATYPE(LoadOptions)

class EngineController : public QObject {
    Q_OBJECT
public:
    enum class Mode { Send, Regenerate, EditLast };
    Q_ENUM(Mode)

    explicit EngineController(QObject* parent = nullptr);
    ~EngineController() override;

    bool isLoading() const { return m_loadJob != 0; }
    bool isGenerating() const { return m_genJob != 0; }
    bool hasModel() const { return m_hasModel; }
    const ModelCard& modelCard() const { return m_card; }
    const QVector<RunView>& runs() const { return m_runs; }
    // Minimum interval between two stream batches, in ms (33: ~30 Hz).
    void setBatchInterval(int ms);
    // Sleeps this long after every token on the worker: tests of Stop use it
    // so that a tiny model does not finish before the click.
    void setStepDelayForTesting(int ms);
    // The run store file; empty: the default location. Takes effect at the next open.
    void setStorePath(const QString& path);
    QString storePath() const { return m_storePath; }
    // Tokens the worker had streamed when Stop was last pressed.
    int tokensAtStop() const { return m_tokensAtStop; }

public Q_SLOTS:
    void loadModel(const QString& path, const LoadOptions& options = {});
    void cancelLoad();
    void unloadModel();
    void send(const QString& text, const GenerationSettings& settings, Mode mode = Mode::Send);
    void stop();
    void newConversation();
    void refreshRuns();
    // Whole runs (routing included) for Compare; answered by runsLoaded.
    void loadRuns(const QStringList& ids);
    // Runs `job` on the worker thread, in turn with the other engine work.
    void runOnWorker(WorkerJob job);

Q_SIGNALS:
    void loadStarted(const QString& path);
    void loadProgress(double fraction, const QString& stage);
    void modelLoaded(const ModelCard& card);
    void loadFailed(const QString& message);
    void loadCancelled();
    void generationStarted();
    void batchAvailable(const StreamBatch& batch);
    void generationFinished(const RunView& run);
    void generationFailed(const QString& message);
    void conversationCleared();
    void runsAvailable(const QVector<RunView>& runs);
    void runsLoaded(const QVector<RunView>& runs);
    void runRecorded(const RunView& run);
    void storeMessage(const QString& message);
    void busyChanged(bool busy);

private:
    void onLoaded(quint64 job, const ModelCard& card);
    void onLoadFailed(quint64 job, const QString& message);
    void onLoadProgress(quint64 job, double f, const QString& stage);
    void onBatch(const StreamBatch& b);
    void onTurnFinished(quint64 job, const RunView& run);
    void onTurnFailed(quint64 job, const QString& message);

    QThread m_thread;
    EngineWorker* m_worker = nullptr;
    quint64 m_nextJob = 1;
    quint64 m_loadJob = 0;
    quint64 m_genJob = 0;
    bool m_hasModel = false;
    int m_tokensAtStop = -1;
    ModelCard m_card;
    QVector<RunView> m_runs;
    QString m_storePath;
    QVector<RunView> m_pendingKnown;
    QStringList m_pendingOrder;
};

// Lives on the worker thread. Everything here may block.
class EngineWorker : public QObject {
    Q_OBJECT
public:
    EngineWorker();
    ~EngineWorker() override;

    // Thread-safe: ask the running job to stop at the next token / stage.
    void requestStop() { m_stop.store(true); }
    void setBatchInterval(int ms) { m_batchIntervalMs.store(ms); }
    void setStepDelay(int ms) { m_stepDelayMs.store(ms); }
    // Tokens streamed in the turn in flight (thread-safe).
    int tokensSoFar() const { return m_tokens.load(); }
    // On the worker thread: the job with the runner and the recorder.
    void runJob(const WorkerJob& job);

public Q_SLOTS:
    void loadModel(quint64 job, const QString& path, const LoadOptions& options);
    void unload();
    void generate(quint64 job, const QString& text, const GenerationSettings& settings, int mode);
    void newConversation();
    void setStorePath(const QString& path);
    void listRuns();
    void loadRuns(const QStringList& ids);
    void shutdown();

Q_SIGNALS:
    void loadProgress(quint64 job, double fraction, const QString& stage);
    void loaded(quint64 job, const ModelCard& card);
    void loadFailed(quint64 job, const QString& message);
    void batch(const StreamBatch& batch);
    void turnFinished(quint64 job, const RunView& run);
    void turnFailed(quint64 job, const QString& message);
    void runsListed(const QVector<RunView>& runs);
    void runsLoaded(const QVector<RunView>& runs);
    void storeMessage(const QString& message);

private:
    struct State;
    State* d;
    std::atomic<bool> m_stop { false };
    std::atomic<int> m_batchIntervalMs { 33 };
    std::atomic<int> m_tokens { 0 };
    std::atomic<int> m_stepDelayMs { 0 };
};
