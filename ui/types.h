#pragma once
// Value types that cross from the engine worker thread to the GUI thread
// through queued signals. They are plain data (implicitly shared Qt
// containers), copied once per coalesced batch, never per token.
#include <QDateTime>
#include <QList>
#include <QMetaType>
#include <QPair>
#include <QString>
#include <QVariantMap>
#include <QVector>

#include <cstdint>
#include <memory>

namespace moe {
class RoutingTrace;
struct RunRecord;
} // namespace moe

// What a person wants to know about a loaded model (the model card).
struct ModelCard {
    QString path;
    QString name;
    QString architecture;
    QString backend; // backend in use
    QString backendNote; // why that backend (e.g. "no CUDA device, using the CPU")
    QString chatTemplate; // chat format in use (empty without a tokenizer)
    bool thinkingSwitch = false; // the chat template turns thinking on and off (enable_thinking)
    bool reasoningEffort = false; // the chat template reads reasoning_effort (gpt-oss)
    bool isMoe = false;
    int layers = 0;
    int moeLayers = 0;
    int experts = 0;
    int expertsUsedModel = 0; // top-k from the file
    int expertsUsed = 0; // top-k in effect (override applied)
    int sharedExperts = 0;
    // What the architecture's blocks are made of, as `moe-cli info` says it (moe::description_lines):
    // block kinds, attention, gating and routing, and the notes particular to the family
    QList<QPair<QString, QString>> design;
    int contextTrain = 0;
    int contextInUse = 0;
    int vocabulary = 0;
    int embedding = 0;
    quint64 totalParams = 0;
    quint64 activeParams = 0;
    quint64 weightBytes = 0;
    quint64 activeWeightBytes = 0;
    quint64 kvCacheBytes = 0;
    quint64 availableBytes = 0;
    quint64 ramBytes = 0;
    QList<QPair<QString, quint64>> quantMix; // ggml type name -> bytes
    QString cpuModel;
    int threads = 0;
    double deviceBandwidth
        = 0.0; // bytes/s, the best of the repetitions measured once per program start (0: not measured)
    double bandwidthLowest = 0.0; // bytes/s, the slowest repetition
    int bandwidthRepetitions = 0;
    bool bandwidthBusy = false; // the repetitions spread widely: something else used memory meanwhile

    double deactivatedShare() const { return totalParams ? 1.0 - double(activeParams) / double(totalParams) : 0.0; }
    QString quantSummary() const;
};
Q_DECLARE_METATYPE(ModelCard)

// Sampling and generation settings of one turn (persisted with QSettings).
struct GenerationSettings {
    double temperature = 0.8;
    int topK = 40;
    double topP = 0.95;
    double minP = 0.05;
    double repeatPenalty = 1.0;
    quint64 seed = 0;
    bool randomSeed = true; // a new seed each reply (Regenerate gives another); the one used is recorded
    int maxTokens = 256;
    int expertsPerToken = 0; // 0: the model's own (applied when the model is loaded)
    QString systemPrompt;
    // Reasoning models, where the chat template reads them: thinking on or
    // off (0: the template's default, 1: on, 2: off) and its effort (empty:
    // the template's default; low, medium, high).
    int thinking = 0;
    QString reasoningEffort;
    bool collapseThinking = true; // the chat folds a reply's thinking away once its answer starts

    QVariantMap toMap() const;
    static GenerationSettings fromMap(const QVariantMap& m);
    bool operator==(const GenerationSettings&) const = default;
};
Q_DECLARE_METATYPE(GenerationSettings)

// A generated token as streamed: the text piece it completed (may be empty
// while a UTF-8 character is incomplete) and the index its routing frame
// will have in the conversation's frame list.
struct StreamToken {
    qint32 id = 0; // -1: text completed after its token was sent, no token of its own
    QString text; // the answer's text
    double ms = 0.0; // time since the previous token (the first: since the prompt went in); -1 with id -1
    int frameIndex = -1;
    QString reasoning; // a reasoning model's thinking (RunCallbacks::on_reasoning), apart from the answer
};

// A coalesced batch from the worker: routing frames of every token processed
// (prompt and generated) and the generated tokens, since the last batch.
struct StreamBatch {
    quint64 job = 0;
    int firstFrame = 0; // conversation index of the first frame (0 after a restart)
    int nLayers = 0;
    int k = 0;
    QVector<qint32> frameTokens; // (frames)
    QVector<qint32> framePos; // (frames)
    QVector<QString> frameText; // (frames) token as text
    QVector<bool> framePrompt; // (frames) part of the prompt (prefill)
    QVector<double> frameBytes; // (frames) weight bytes its forward pass read
    QVector<qint32> ids; // (frames, nLayers, k)
    QVector<float> weights; // (frames, nLayers, k)
    QVector<StreamToken> tokens; // generated tokens

    int frameCount() const { return int(frameTokens.size()); }
    bool isEmpty() const { return frameTokens.isEmpty() && tokens.isEmpty(); }
};
Q_DECLARE_METATYPE(StreamBatch)

// One recorded run (a chat turn): what History lists and Compare overlays.
struct RunView {
    QString id;
    QDateTime when;
    QString model;
    QString modelPath;
    QString modelHash;
    QString architecture;
    QString quant;
    QString backend;
    QString hardware;
    GenerationSettings settings;
    int expertsUsed = 0;
    QString prompt;
    QString output;
    QString reasoning; // a reasoning model's thinking, apart (output holds the reply as generated)
    QString stopReason;
    int nPrompt = 0;
    int nGenerated = 0;
    double prefillMs = 0.0;
    double ttftMs = 0.0;
    double prefillTps = 0.0;
    double decodeTps = 0.0;
    double bytesPerToken = 0.0;
    double achievedBandwidth = 0.0; // bytes/s
    double deviceBandwidth = 0.0; // bytes/s
    QVector<double> tokenMs; // per generated token
    double p50Ms = 0.0;
    double p99Ms = 0.0;
    // Routing of the run (every token processed) and per layer metrics.
    // Shared and immutable: copies of a summary share one trace.
    int nLayers = 0;
    int nExperts = 0;
    int k = 0;
    std::shared_ptr<const moe::RoutingTrace> routing;
    bool fromStore = false; // listed from the run store (routing loaded on demand)
    // The whole run as the engine recorded it (null for a run only listed
    // from the store): what Compare hands to moe::compare_runs.
    std::shared_ptr<const moe::RunRecord> record;
    QVector<double> layerImbalance;
    QVector<double> layerEntropy;
    double meanImbalance = 0.0;
    double meanEntropy = 0.0;
    double meanStability = 0.0;
};
Q_DECLARE_METATYPE(RunView)

// Registers the types above for queued connections; call once before use.
void registerUiMetaTypes();

// "1.2 GiB", "3.4 M": numbers as a person reads them.
QString formatBytes(double bytes);
QString formatCount(double n);
