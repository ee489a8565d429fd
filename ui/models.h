#pragma once
// Item models: thin views over RoutingData and the run list. Streaming
// appends rows (beginInsertRows); per-layer numbers update with dataChanged.
// Raw numbers are exposed through RawValueRole for charts and sorting.
#include "types.h"

#include <QAbstractTableModel>
#include <QPointer>
#include <QSortFilterProxyModel>

class RoutingData;

enum ModelRoles { RawValueRole = Qt::UserRole + 1, FrameRole };

// One row per token processed (prompt and generated), in order, with its
// k experts and gate weights in one layer (the data of the tokens × experts
// heatmap): #, token, id, phase, expert 1, weight 1, ..., expert k, weight k.
class TokenModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column {
        IndexColumn,
        TextColumn,
        IdColumn,
        PhaseColumn,
        FirstRouteColumn,
        TopExpertColumn = FirstRouteColumn,
        TopWeightColumn
    };
    explicit TokenModel(RoutingData* data, QObject* parent = nullptr);
    void setLayer(int layer);
    int layer() const { return m_layer; }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation o, int role = Qt::DisplayRole) const override;

private:
    RoutingData* m_data;
    int m_layer = 0;
    int m_rows = 0;
};

// One row per MoE layer: the load-balance metrics over the conversation or
// over the last `window` frames. Recomputed on demand (recompute()).
class LayerBalanceModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column {
        LayerColumn,
        ImbalanceColumn,
        EfficiencyColumn,
        CvColumn,
        EntropyColumn,
        CoverageColumn,
        StabilityColumn,
        ColumnCount
    };
    explicit LayerBalanceModel(RoutingData* data, QObject* parent = nullptr);
    void setWindow(int frames); // <= 0: whole conversation
    void recompute();
    double value(int layer, int column) const;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation o, int role = Qt::DisplayRole) const override;

private:
    RoutingData* m_data;
    int m_window = 0;
    QVector<double> m_values; // (layers, ColumnCount)
    int m_rows = 0;
};

// One row per expert of one layer: tokens routed to it and its load share.
class ExpertLoadModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { ExpertColumn, CountColumn, ShareColumn, ColumnCount };
    explicit ExpertLoadModel(RoutingData* data, QObject* parent = nullptr);
    void setLayer(int layer);
    int layer() const { return m_layer; }
    void refresh(); // counts changed

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation o, int role = Qt::DisplayRole) const override;

private:
    RoutingData* m_data;
    int m_layer = 0;
    int m_rows = 0;
};

// One row per generated token: latency and speed, appended as tokens stream.
class ThroughputModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { TokenColumn, LatencyColumn, TokensPerSecondColumn, ColumnCount };
    explicit ThroughputModel(QObject* parent = nullptr);
    void append(const QVector<StreamToken>& tokens);
    void clear();
    double latency(int row) const { return m_ms[row]; }
    double tokensPerSecond(int row) const { return m_tps[row]; }
    double maxLatency() const { return m_maxMs; }
    double maxTokensPerSecond() const { return m_maxTps; }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation o, int role = Qt::DisplayRole) const override;

private:
    QVector<double> m_ms;
    QVector<double> m_tps; // smoothed over the last 8 tokens
    double m_maxMs = 0;
    double m_maxTps = 0;
    int m_total = 0;
};

// Balance metrics over time: one row per window of `window` frames, the
// mean over layers of each metric in that window. Follows RoutingData.
class BalanceTimeModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column {
        FrameColumn,
        ImbalanceColumn,
        EfficiencyColumn,
        CvColumn,
        EntropyColumn,
        CoverageColumn,
        StabilityColumn,
        ColumnCount
    };
    explicit BalanceTimeModel(RoutingData* data, int window = 32, QObject* parent = nullptr);
    int window() const { return m_window; }
    double value(int row, int column) const { return m_values[row * ColumnCount + column]; }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation o, int role = Qt::DisplayRole) const override;

private:
    void onAppended(int first, int last);
    RoutingData* m_data;
    int m_window;
    int m_done = 0; // frames covered by complete windows
    QVector<double> m_values;
};

// Recorded runs (History). Sort and filter with a QSortFilterProxyModel on SortRole.
class RunsModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column {
        WhenColumn,
        ModelColumn,
        QuantColumn,
        BackendColumn,
        ExpertsColumn,
        PromptColumn,
        PromptTokensColumn,
        GeneratedColumn,
        DecodeColumn,
        PrefillColumn,
        TtftColumn,
        BandwidthColumn,
        ImbalanceColumn,
        StopColumn,
        ColumnCount
    };
    explicit RunsModel(QObject* parent = nullptr);
    // "context full" for "context_full": a stop reason or run status as a person reads it.
    static QString stopReasonText(const QString& id);
    void setRuns(const QVector<RunView>& runs);
    void addRun(const RunView& run);
    const RunView& run(int row) const { return m_runs[row]; }
    const QVector<RunView>& runs() const { return m_runs; }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation o, int role = Qt::DisplayRole) const override;

private:
    QVector<RunView> m_runs;
};

// History's sorting. Qt's header draws an up arrow for descending order and a
// down arrow for ascending, the reverse of what most people read (a down
// arrow: largest, newest first). This proxy sorts the other way round, so the
// arrow shown matches the order: Qt::AscendingOrder here lists the largest
// (newest) first under a down arrow.
class RunsSortProxy : public QSortFilterProxyModel {
    Q_OBJECT
public:
    using QSortFilterProxyModel::QSortFilterProxyModel;

protected:
    bool lessThan(const QModelIndex& left, const QModelIndex& right) const override;
};
