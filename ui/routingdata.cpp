#include "routingdata.h"

#include "telemetry/routing.h"

RoutingData::RoutingData(QObject* parent)
    : QObject(parent)
    , m_trace(std::make_unique<moe::RoutingTrace>()) {
}

RoutingData::~RoutingData() = default;

void RoutingData::reset(int nLayers, int nExperts, int k) {
    Q_EMIT aboutToClear();
    m_nLayers = nLayers;
    m_nExperts = nExperts;
    m_k = k;
    m_trace->clear();
    m_text.clear();
    m_prompt.clear();
    m_bytes.clear();
    m_counts = QVector<qint64>(qsizetype(nLayers) * nExperts, 0);
    Q_EMIT cleared();
}

void RoutingData::clear() {
    reset(m_nLayers, m_nExperts, m_k);
}

void RoutingData::truncate(int frames) {
    if (frames >= frameCount()) return;
    if (frames <= 0) {
        clear();
        return;
    }
    // Keep the first `frames`: the trace has no truncation, so it is rebuilt
    // (once per Regenerate or Edit, not per token).
    Q_EMIT aboutToClear();
    auto kept = std::make_unique<moe::RoutingTrace>();
    kept->reserve(size_t(frames), m_nLayers, m_k);
    for (int i = 0; i < frames; ++i) {
        moe::RoutingFrame f;
        f.pos = m_trace->pos(size_t(i));
        f.token = m_trace->token(size_t(i));
        f.n_layers = m_nLayers;
        f.k = m_k;
        f.ids = m_trace->ids(size_t(i), 0);
        f.weights = m_trace->weights(size_t(i), 0);
        kept->on_routing(f);
    }
    m_trace = std::move(kept);
    m_text.resize(frames);
    m_prompt.resize(frames);
    m_bytes.resize(frames);
    m_counts.fill(0);
    for (int i = 0; i < frames; ++i)
        for (int l = 0; l < m_nLayers; ++l)
            for (int j = 0; j < m_k; ++j) {
                const int e = ids(i, l)[j];
                if (e >= 0 && e < m_nExperts) ++m_counts[qsizetype(l) * m_nExperts + e];
            }
    Q_EMIT cleared();
}

int RoutingData::frameCount() const {
    return int(m_trace->size());
}

qint32 RoutingData::token(int frame) const {
    return m_trace->token(size_t(frame));
}

const qint32* RoutingData::ids(int frame, int layer) const {
    return m_trace->ids(size_t(frame), layer);
}

const float* RoutingData::weights(int frame, int layer) const {
    return m_trace->weights(size_t(frame), layer);
}

float RoutingData::weightOf(int frame, int layer, int expert) const {
    const qint32* id = ids(frame, layer);
    const float* w = weights(frame, layer);
    for (int j = 0; j < m_k; ++j)
        if (id[j] == expert) return w[j];
    return 0.0f;
}

void RoutingData::append(const StreamBatch& b) {
    const int n = b.frameCount();
    if (n == 0) return;
    // A batch whose shape disagrees (an override applied mid-way) starts over.
    if (b.nLayers != m_nLayers || b.k != m_k) reset(b.nLayers, m_nExperts, b.k);
    // Frames are numbered by their position in the context. A batch that
    // starts before the end replaces what follows: a new conversation (0), or
    // a regenerated or edited last turn, whose discarded reply leaves the views.
    if (b.firstFrame < frameCount()) truncate(b.firstFrame);
    const int first = frameCount();
    Q_EMIT aboutToAppend(first, first + n - 1);
    const qsizetype stride = qsizetype(b.nLayers) * b.k;
    for (int i = 0; i < n; ++i) {
        moe::RoutingFrame f;
        f.pos = b.framePos[i];
        f.token = b.frameTokens[i];
        f.n_layers = b.nLayers;
        f.k = b.k;
        f.ids = b.ids.constData() + i * stride;
        f.weights = b.weights.constData() + i * stride;
        m_trace->on_routing(f);
        for (int l = 0; l < b.nLayers; ++l)
            for (int j = 0; j < b.k; ++j) {
                const int e = f.ids[l * b.k + j];
                if (e >= 0 && e < m_nExperts) ++m_counts[qsizetype(l) * m_nExperts + e];
            }
    }
    m_text += b.frameText;
    m_prompt += b.framePrompt;
    m_bytes += b.frameBytes;
    Q_EMIT framesAppended(first, first + n - 1);
}

QVector<qint64> RoutingData::loadMatrix(int lastFrames) const {
    if (lastFrames <= 0 || lastFrames >= frameCount()) return m_counts;
    QVector<qint64> m(qsizetype(m_nLayers) * m_nExperts, 0);
    for (int f = frameCount() - lastFrames; f < frameCount(); ++f)
        for (int l = 0; l < m_nLayers; ++l) {
            const qint32* id = ids(f, l);
            for (int j = 0; j < m_k; ++j)
                if (id[j] >= 0 && id[j] < m_nExperts) ++m[qsizetype(l) * m_nExperts + id[j]];
        }
    return m;
}

QVector<int> RoutingData::framesOfExpert(int layer, int expert, int limit) const {
    QVector<int> out;
    for (int f = frameCount() - 1; f >= 0 && out.size() < limit; --f) {
        const qint32* id = ids(f, layer);
        for (int j = 0; j < m_k; ++j)
            if (id[j] == expert) {
                out.append(f);
                break;
            }
    }
    return out;
}

moe::LoadOverPosition RoutingData::loadOverPosition(int layer, int window) const {
    if (frameCount() == 0 || layer < 0 || layer >= m_nLayers || window <= 0) return {};
    return moe::load_over_position(*m_trace, layer, m_nExperts, size_t(window));
}

std::vector<moe::TokenAffinity> RoutingData::expertTokens(int layer, int expert, int topN, int minSeen) const {
    if (frameCount() == 0 || layer < 0 || layer >= m_nLayers || expert < 0 || expert >= m_nExperts) return {};
    auto all = moe::expert_token_affinity(*m_trace, layer, m_nExperts, size_t(std::max(0, topN)), minSeen);
    return std::move(all[size_t(expert)]);
}

QString RoutingData::tokenText(qint32 token) const {
    for (int f = 0; f < frameCount(); ++f)
        if (m_trace->token(size_t(f)) == token) return m_text[f];
    return {};
}
