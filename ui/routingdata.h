#pragma once
// The GUI-side record of the conversation's routing: every frame streamed so
// far (kept in an engine moe::RoutingTrace so the load-balance metrics are
// the engine's own), the token texts, and cumulative expert counts per layer.
// Item models and the heatmaps are views over this object.
#include "types.h"

#include "telemetry/routing_stats.h"

#include <QObject>

#include <memory>
#include <vector>

namespace moe {
class RoutingTrace;
}

class RoutingData : public QObject {
    Q_OBJECT
public:
    explicit RoutingData(QObject* parent = nullptr);
    ~RoutingData() override;

    // A new model: shape of the routing to expect. Clears everything.
    void reset(int nLayers, int nExperts, int k);
    // A new conversation: clears the frames, keeps the shape.
    void clear();
    // Keeps the first `frames` frames (the rest were a discarded reply);
    // signalled as a clear, after which the views read the frames kept.
    void truncate(int frames);
    void append(const StreamBatch& batch);

    int frameCount() const;
    int nLayers() const { return m_nLayers; }
    int nExperts() const { return m_nExperts; }
    int k() const { return m_k; }

    qint32 token(int frame) const;
    const QString& text(int frame) const { return m_text[frame]; }
    bool isPrompt(int frame) const { return m_prompt[frame]; }
    double bytes(int frame) const { return m_bytes[frame]; }
    const qint32* ids(int frame, int layer) const;
    const float* weights(int frame, int layer) const;
    // Gate weight of `expert` for this frame and layer, 0 when not routed there.
    float weightOf(int frame, int layer, int expert) const;

    const moe::RoutingTrace& trace() const { return *m_trace; }
    // Tokens routed to (layer, expert) over the whole conversation.
    qint64 count(int layer, int expert) const { return m_counts[qsizetype(layer) * m_nExperts + expert]; }
    // (layers, experts) counts over the last `lastFrames` frames (<= 0: all).
    QVector<qint64> loadMatrix(int lastFrames) const;
    // Frames routed to (layer, expert), most recent first, at most `limit`.
    QVector<int> framesOfExpert(int layer, int expert, int limit) const;
    // The engine's statistics over the conversation (telemetry/routing_stats.h),
    // as `moe-cli runs show --load-over-position / --experts-for` prints them.
    // Load of one layer per window of `window` tokens (none before any frame).
    moe::LoadOverPosition loadOverPosition(int layer, int window) const;
    // The tokens (layer, expert) takes most relative to their frequency, at
    // most topN, among tokens seen at least minSeen times.
    std::vector<moe::TokenAffinity> expertTokens(int layer, int expert, int topN, int minSeen) const;
    // A token's text as the conversation shows it (the first frame holding it; "" when none does).
    QString tokenText(qint32 token) const;

Q_SIGNALS:
    void aboutToAppend(int first, int last);
    void framesAppended(int first, int last);
    void aboutToClear();
    void cleared();

private:
    int m_nLayers = 0;
    int m_nExperts = 0;
    int m_k = 0;
    std::unique_ptr<moe::RoutingTrace> m_trace;
    QVector<QString> m_text;
    QVector<bool> m_prompt;
    QVector<double> m_bytes;
    QVector<qint64> m_counts; // (layers, experts)
};
