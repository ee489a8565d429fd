#include "models.h"

#include "routingdata.h"

#include "telemetry/metrics.h"

#include <QCoreApplication>
#include <QLocale>

#include <algorithm>

namespace {

// The names of the six load-balance metrics, in the column order both
// balance models share (imbalance first).
QVariant balanceMetricName(int i) {
    static const char* const names[]
        = { QT_TRANSLATE_NOOP("BalanceMetrics", "Imbalance"), QT_TRANSLATE_NOOP("BalanceMetrics", "Efficiency"),
              QT_TRANSLATE_NOOP("BalanceMetrics", "CV"), QT_TRANSLATE_NOOP("BalanceMetrics", "Entropy"),
              QT_TRANSLATE_NOOP("BalanceMetrics", "Coverage"), QT_TRANSLATE_NOOP("BalanceMetrics", "Stability") };
    if (i < 0 || i >= int(std::size(names))) return {};
    return QCoreApplication::translate("BalanceMetrics", names[i]);
}

QVariant number(double v, int prec, int role) {
    if (role == Qt::DisplayRole) return QString::number(v, 'f', prec);
    if (role == RawValueRole || role == Qt::EditRole) return v;
    if (role == Qt::TextAlignmentRole) return int(Qt::AlignRight | Qt::AlignVCenter);
    return {};
}

// A figure that does not exist: a dash to read, `raw` to sort by.
QVariant dash(double raw, int role) {
    if (role == Qt::DisplayRole) return QStringLiteral("\u2014");
    if (role == RawValueRole || role == Qt::EditRole) return raw;
    if (role == Qt::TextAlignmentRole) return int(Qt::AlignRight | Qt::AlignVCenter);
    return {};
}

} // namespace

// ---- TokenModel --------------------------------------------------------------

TokenModel::TokenModel(RoutingData* data, QObject* parent)
    : QAbstractTableModel(parent)
    , m_data(data) {
    m_rows = data->frameCount();
    connect(data, &RoutingData::aboutToAppend, this, [this](int first, int last) { beginInsertRows({}, first, last); });
    connect(data, &RoutingData::framesAppended, this, [this](int, int last) {
        m_rows = last + 1;
        endInsertRows();
    });
    connect(data, &RoutingData::aboutToClear, this, [this] { beginResetModel(); });
    connect(data, &RoutingData::cleared, this, [this] {
        m_rows = m_data->frameCount();
        m_layer = std::min(m_layer, std::max(0, m_data->nLayers() - 1));
        endResetModel();
    });
}

void TokenModel::setLayer(int layer) {
    if (layer == m_layer || layer < 0) return;
    m_layer = layer;
    if (m_rows > 0 && columnCount() > FirstRouteColumn)
        Q_EMIT dataChanged(index(0, FirstRouteColumn), index(m_rows - 1, columnCount() - 1));
}

int TokenModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : m_rows;
}
int TokenModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : FirstRouteColumn + 2 * m_data->k();
}

QVariant TokenModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid)) return {};
    const int f = index.row();
    if (role == FrameRole) return f;
    const bool hasLayer = m_layer < m_data->nLayers();
    switch (index.column()) {
    case IndexColumn:
        if (role == Qt::DisplayRole || role == RawValueRole) return f;
        break;
    case TextColumn:
        if (role == Qt::DisplayRole || role == RawValueRole) return m_data->text(f);
        break;
    case IdColumn:
        if (role == Qt::DisplayRole || role == RawValueRole) return m_data->token(f);
        break;
    case PhaseColumn:
        if (role == Qt::DisplayRole) return m_data->isPrompt(f) ? tr("prompt") : tr("generated");
        if (role == RawValueRole) return m_data->isPrompt(f) ? 0 : 1;
        break;
    default: {
        const int j = (index.column() - FirstRouteColumn) / 2;
        if (!hasLayer || j >= m_data->k()) break;
        if ((index.column() - FirstRouteColumn) % 2 == 0) {
            if (role == Qt::DisplayRole || role == RawValueRole) return m_data->ids(f, m_layer)[j];
        } else {
            return number(m_data->weights(f, m_layer)[j], 3, role);
        }
        break;
    }
    }
    return {};
}

QVariant TokenModel::headerData(int section, Qt::Orientation o, int role) const {
    if (o != Qt::Horizontal || role != Qt::DisplayRole) return {};
    switch (section) {
    case IndexColumn:
        return tr("#");
    case TextColumn:
        return tr("Token");
    case IdColumn:
        return tr("Id");
    case PhaseColumn:
        return tr("Phase");
    }
    if (section >= FirstRouteColumn) {
        const int j = (section - FirstRouteColumn) / 2 + 1;
        return (section - FirstRouteColumn) % 2 == 0 ? tr("Expert %1").arg(j) : tr("Weight %1").arg(j);
    }
    return {};
}

// ---- LayerBalanceModel ---------------------------------------------------------

LayerBalanceModel::LayerBalanceModel(RoutingData* data, QObject* parent)
    : QAbstractTableModel(parent)
    , m_data(data) {
    connect(data, &RoutingData::aboutToClear, this, [this] { beginResetModel(); });
    connect(data, &RoutingData::cleared, this, [this] {
        m_rows = m_data->nLayers();
        m_values = QVector<double>(qsizetype(m_rows) * ColumnCount, 0.0);
        for (int l = 0; l < m_rows; ++l)
            m_values[l * ColumnCount] = l;
        endResetModel();
    });
}

void LayerBalanceModel::setWindow(int frames) {
    m_window = frames;
    recompute();
}

void LayerBalanceModel::recompute() {
    if (m_rows == 0) return;
    const size_t n = size_t(m_data->frameCount());
    const size_t begin = m_window > 0 && size_t(m_window) < n ? n - size_t(m_window) : 0;
    for (int l = 0; l < m_rows; ++l) {
        double* v = m_values.data() + l * ColumnCount;
        if (n == 0) {
            std::fill(v + 1, v + ColumnCount, 0.0);
            continue;
        }
        const moe::LayerBalance b = moe::layer_balance(m_data->trace(), l, m_data->nExperts(), begin, n);
        v[ImbalanceColumn] = b.imbalance;
        v[EfficiencyColumn] = b.efficiency;
        v[CvColumn] = b.cv;
        v[EntropyColumn] = b.entropy;
        v[CoverageColumn] = b.coverage;
        v[StabilityColumn] = b.stability;
    }
    Q_EMIT dataChanged(index(0, ImbalanceColumn), index(m_rows - 1, ColumnCount - 1));
}

double LayerBalanceModel::value(int layer, int column) const {
    return m_values[layer * ColumnCount + column];
}

int LayerBalanceModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : m_rows;
}
int LayerBalanceModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant LayerBalanceModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid)) return {};
    if (index.column() == LayerColumn) {
        if (role == Qt::DisplayRole || role == RawValueRole) return index.row();
        return {};
    }
    return number(value(index.row(), index.column()), 3, role);
}

QVariant LayerBalanceModel::headerData(int section, Qt::Orientation o, int role) const {
    if (o != Qt::Horizontal || role != Qt::DisplayRole) return {};
    return section == LayerColumn ? tr("Layer") : balanceMetricName(section - ImbalanceColumn);
}

// ---- ExpertLoadModel -------------------------------------------------------------

ExpertLoadModel::ExpertLoadModel(RoutingData* data, QObject* parent)
    : QAbstractTableModel(parent)
    , m_data(data) {
    connect(data, &RoutingData::aboutToClear, this, [this] { beginResetModel(); });
    connect(data, &RoutingData::cleared, this, [this] {
        m_rows = m_data->nExperts();
        m_layer = std::min(m_layer, std::max(0, m_data->nLayers() - 1));
        endResetModel();
    });
}

void ExpertLoadModel::setLayer(int layer) {
    if (layer < 0 || layer == m_layer) return;
    m_layer = layer;
    refresh();
}

void ExpertLoadModel::refresh() {
    if (m_rows > 0) Q_EMIT dataChanged(index(0, CountColumn), index(m_rows - 1, ShareColumn));
}

int ExpertLoadModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : m_rows;
}
int ExpertLoadModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ExpertLoadModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid)) return {};
    const int e = index.row();
    if (m_layer >= m_data->nLayers()) return {};
    const qint64 c = m_data->count(m_layer, e);
    switch (index.column()) {
    case ExpertColumn:
        if (role == Qt::DisplayRole || role == RawValueRole) return e;
        break;
    case CountColumn:
        if (role == Qt::DisplayRole || role == RawValueRole || role == Qt::EditRole) return c;
        break;
    case ShareColumn: {
        const double total = double(m_data->frameCount()) * m_data->k();
        return number(total > 0 ? double(c) / total : 0.0, 4, role);
    }
    }
    return {};
}

QVariant ExpertLoadModel::headerData(int section, Qt::Orientation o, int role) const {
    if (role != Qt::DisplayRole) return {};
    if (o == Qt::Vertical) return section;
    switch (section) {
    case ExpertColumn:
        return tr("Expert");
    case CountColumn:
        return tr("Tokens");
    case ShareColumn:
        return tr("Load share");
    }
    return {};
}

// ---- ThroughputModel -------------------------------------------------------------

ThroughputModel::ThroughputModel(QObject* parent)
    : QAbstractTableModel(parent) {
}

void ThroughputModel::append(const QVector<StreamToken>& tokens) {
    const auto timed = [](const StreamToken& t) { return t.id >= 0; };
    const int n_timed = int(std::count_if(tokens.begin(), tokens.end(), timed));
    if (n_timed == 0) return;
    const int first = int(m_ms.size());
    beginInsertRows({}, first, first + n_timed - 1);
    for (const StreamToken& t : tokens) {
        if (!timed(t)) continue;
        m_ms.append(t.ms);
        // Smoothed speed: tokens over the time of the last 8.
        double sum = 0;
        int n = 0;
        for (qsizetype i = m_ms.size() - 1; i >= 0 && n < 8; --i, ++n)
            sum += m_ms[i];
        const double tps = sum > 0 ? 1000.0 * n / sum : 0.0;
        m_tps.append(tps);
        m_maxMs = std::max(m_maxMs, t.ms);
        m_maxTps = std::max(m_maxTps, tps);
    }
    endInsertRows();
}

void ThroughputModel::clear() {
    beginResetModel();
    m_ms.clear();
    m_tps.clear();
    m_maxMs = m_maxTps = 0;
    endResetModel();
}

int ThroughputModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : int(m_ms.size());
}
int ThroughputModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ThroughputModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid)) return {};
    switch (index.column()) {
    case TokenColumn:
        if (role == Qt::DisplayRole || role == RawValueRole || role == Qt::EditRole) return index.row();
        break;
    case LatencyColumn:
        return number(m_ms[index.row()], 2, role);
    case TokensPerSecondColumn:
        return number(m_tps[index.row()], 1, role);
    }
    return {};
}

QVariant ThroughputModel::headerData(int section, Qt::Orientation o, int role) const {
    if (o != Qt::Horizontal || role != Qt::DisplayRole) return {};
    switch (section) {
    case TokenColumn:
        return tr("Token");
    case LatencyColumn:
        return tr("Latency (ms)");
    case TokensPerSecondColumn:
        return tr("Tokens/s");
    }
    return {};
}

// ---- BalanceTimeModel ----------------------------------------------------------------

BalanceTimeModel::BalanceTimeModel(RoutingData* data, int window, QObject* parent)
    : QAbstractTableModel(parent)
    , m_data(data)
    , m_window(std::max(2, window)) {
    connect(data, &RoutingData::framesAppended, this, &BalanceTimeModel::onAppended);
    connect(data, &RoutingData::aboutToClear, this, [this] { beginResetModel(); });
    connect(data, &RoutingData::cleared, this, [this] {
        m_values.clear();
        m_done = 0;
        endResetModel();
        if (m_data->frameCount() > 0) onAppended(0, m_data->frameCount() - 1); // frames kept by a truncation
    });
}

void BalanceTimeModel::onAppended(int, int last) {
    const int complete = (last + 1) / m_window;
    const int have = m_done / m_window;
    if (complete <= have) return;
    const int L = m_data->nLayers();
    beginInsertRows({}, have, complete - 1);
    for (int w = have; w < complete; ++w) {
        const size_t b = size_t(w) * size_t(m_window), e = b + size_t(m_window);
        double acc[ColumnCount] = {};
        for (int l = 0; l < L; ++l) {
            const moe::LayerBalance lb = moe::layer_balance(m_data->trace(), l, m_data->nExperts(), b, e);
            acc[ImbalanceColumn] += lb.imbalance;
            acc[EfficiencyColumn] += lb.efficiency;
            acc[CvColumn] += lb.cv;
            acc[EntropyColumn] += lb.entropy;
            acc[CoverageColumn] += lb.coverage;
            acc[StabilityColumn] += lb.stability;
        }
        m_values.append(double(e));
        for (int c = 1; c < ColumnCount; ++c)
            m_values.append(L ? acc[c] / L : 0.0);
    }
    m_done = complete * m_window;
    endInsertRows();
}

int BalanceTimeModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : int(m_values.size() / ColumnCount);
}
int BalanceTimeModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant BalanceTimeModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid)) return {};
    return number(value(index.row(), index.column()), index.column() == FrameColumn ? 0 : 3, role);
}

QVariant BalanceTimeModel::headerData(int section, Qt::Orientation o, int role) const {
    if (o != Qt::Horizontal || role != Qt::DisplayRole) return {};
    return section == FrameColumn ? tr("Token") : balanceMetricName(section - ImbalanceColumn);
}

// ---- RunsModel ------------------------------------------------------------------------

QString RunsModel::stopReasonText(const QString& id) {
    // Why a run ended (session stop reasons and stored run statuses), in words.
    if (id == QLatin1String("length")) return tr("max tokens reached");
    if (id == QLatin1String("stop_token")) return tr("end of reply");
    if (id == QLatin1String("context_full")) return tr("context full");
    if (id == QLatin1String("cancelled")) return tr("stopped");
    if (id == QLatin1String("complete")) return tr("complete");
    if (id == QLatin1String("failed")) return tr("failed");
    return id;
}

bool RunsSortProxy::lessThan(const QModelIndex& left, const QModelIndex& right) const {
    return QSortFilterProxyModel::lessThan(right, left);
}

RunsModel::RunsModel(QObject* parent)
    : QAbstractTableModel(parent) {
}

void RunsModel::setRuns(const QVector<RunView>& runs) {
    beginResetModel();
    m_runs = runs;
    endResetModel();
}

void RunsModel::addRun(const RunView& run) {
    for (const RunView& r : m_runs)
        if (r.id == run.id) return;
    beginInsertRows({}, int(m_runs.size()), int(m_runs.size()));
    m_runs.append(run);
    endInsertRows();
}

int RunsModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : int(m_runs.size());
}
int RunsModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant RunsModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid)) return {};
    const RunView& r = m_runs[index.row()];
    if (role == Qt::ToolTipRole && index.column() != StopColumn) return r.prompt.left(400);
    auto text = [&](const QVariant& display, const QVariant& raw) -> QVariant {
        if (role == Qt::DisplayRole) return display;
        if (role == RawValueRole) return raw;
        return {};
    };
    switch (index.column()) {
    case WhenColumn:
        return text(QLocale().toString(r.when, QLocale::ShortFormat), r.when);
    case ModelColumn:
        return text(r.model, r.model);
    case QuantColumn:
        return text(r.quant, r.quant);
    case BackendColumn:
        return text(r.backend, r.backend);
    case ExpertsColumn:
        return text(r.expertsUsed > 0 ? QVariant(r.expertsUsed) : QVariant(QStringLiteral("\u2014")), r.expertsUsed);
    case PromptColumn:
        return text(r.prompt.simplified().left(80), r.prompt);
    case PromptTokensColumn:
        return text(r.nPrompt, r.nPrompt);
    case GeneratedColumn:
        return text(r.nGenerated, r.nGenerated);
    // Figures a stopped run never reached read as a dash (and sort as 0).
    case DecodeColumn:
        return r.nGenerated >= 2 && r.decodeTps > 0 ? number(r.decodeTps, 1, role) : dash(0.0, role);
    case PrefillColumn:
        return r.prefillTps > 0 ? number(r.prefillTps, 1, role) : dash(0.0, role);
    case TtftColumn:
        return r.nGenerated >= 1 && r.ttftMs > 0 ? number(r.ttftMs, 1, role) : dash(0.0, role);
    case BandwidthColumn:
        return r.nGenerated >= 2 && r.achievedBandwidth > 0 ? number(r.achievedBandwidth / 1e9, 2, role)
                                                            : dash(0.0, role);
    case ImbalanceColumn:
        return number(r.meanImbalance, 2, role);
    case StopColumn:
        if (role == Qt::ToolTipRole) return r.stopReason; // the id as stored
        return text(stopReasonText(r.stopReason), r.stopReason);
    }
    return {};
}

QVariant RunsModel::headerData(int section, Qt::Orientation o, int role) const {
    if (o != Qt::Horizontal || role != Qt::DisplayRole) return {};
    switch (section) {
    case WhenColumn:
        return tr("When");
    case ModelColumn:
        return tr("Model");
    case QuantColumn:
        return tr("Quantization");
    case BackendColumn:
        return tr("Backend");
    case ExpertsColumn:
        return tr("Experts/token");
    case PromptColumn:
        return tr("Prompt");
    case PromptTokensColumn:
        return tr("Prompt tokens");
    case GeneratedColumn:
        return tr("Generated");
    case DecodeColumn:
        return tr("Decode tok/s");
    case PrefillColumn:
        return tr("Prefill tok/s");
    case TtftColumn:
        return tr("TTFT (ms)");
    case BandwidthColumn:
        return tr("GB/s");
    case ImbalanceColumn:
        return tr("Imbalance");
    case StopColumn:
        return tr("Stop");
    }
    return {};
}
