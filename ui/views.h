#pragma once
// The tabs of the window: Experts, Balance, Throughput, History, Compare.
// Each reads from item models (charts through Qt Charts model mappers) or,
// for the heatmaps, directly from RoutingData. refresh() does the work that
// is too heavy per batch (metrics over the whole conversation); the window
// calls it a few times a second while tokens stream, and only when shown.
#include "types.h"

#include "store/sweep_record.h"

#include <QWidget>

#include <vector>

class BalanceTimeModel;
class ChartPanel;
class ElidedLabel;
class ExpertLoadModel;
class TokenModel;
class LayerBalanceModel;
class MatrixHeatmap;
class QAbstractItemModel;
class QChart;
class QChartView;
class QComboBox;
class QLabel;
class QLineEdit;
class QLineSeries;
class QMenu;
class QProgressBar;
class QSortFilterProxyModel;
class QSpinBox;
class QStandardItemModel;
class QTableView;
class QTableWidget;
class QValueAxis;
class RoutingData;
class RoutingLabView;
class RunsModel;
class ThroughputModel;
class TokenHeatmap;

// A (rows, columns) matrix as a table, for CSV export of the heatmaps.
class MatrixTableModel;

class ExpertsView : public QWidget {
    Q_OBJECT
public:
    explicit ExpertsView(RoutingData* data, QWidget* parent = nullptr);
    void refresh();
    void showFrame(int frame); // a token's routing across all layers
    void setLayer(int layer);
    TokenHeatmap* tokenHeatmap() const { return m_tokens; }
    MatrixHeatmap* loadHeatmap() const { return m_load; }
    MatrixHeatmap* frameHeatmap() const { return m_frame; }
    QList<ChartPanel*> panels() const;
    QString frameCaption() const; // the caption over one token's routing
    QString hoverText() const; // the expert under the mouse, in words
    int shownFrame() const { return m_shownFrame; }
    // One expert's tokens (telemetry/routing_stats.h, as `runs show --experts-for`):
    // picked by clicking a cell of the layers x experts load.
    void selectExpert(int layer, int expert);
    int selectedLayer() const { return m_selLayer; }
    int selectedExpert() const { return m_selExpert; }
    QStandardItemModel* expertTokensModel() const { return m_expertTokens; }
    QString expertTokensCaption() const;
    // The menu a right click on a load cell opens: mask, force, clear.
    QMenu* cellMenu(int layer, int expert);
    // Masked (1) and forced (2) experts, (layers, experts), shown on the load heatmap.
    void setExpertMarks(const QVector<int>& marks);
    // Sends mask requests to the routing lab and shows its grid's state.
    void attachLab(RoutingLabView* lab);

Q_SIGNALS:
    void frameSelected(int frame); // a token picked here or in the chat (-1: none)
    // From the cell menu: 0 clear, 1 mask, 2 force (layer, expert).
    void maskRequested(int layer, int expert, int state);

private:
    void onCleared();
    void updateExpertTokens();
    RoutingData* m_data;
    QSpinBox* m_layer;
    QComboBox* m_window;
    QComboBox* m_columns;
    TokenHeatmap* m_tokens;
    TokenModel* m_tokenData;
    MatrixHeatmap* m_load;
    MatrixHeatmap* m_frame;
    QLabel* m_frameLabel;
    ElidedLabel* m_hover;
    MatrixTableModel* m_loadData;
    MatrixTableModel* m_frameData;
    ChartPanel* m_tokensPanel;
    ChartPanel* m_loadPanel;
    ChartPanel* m_framePanel;
    ChartPanel* m_expertPanel;
    QLabel* m_expertLabel;
    QStandardItemModel* m_expertTokens;
    int m_shownFrame = -1;
    int m_selLayer = -1;
    int m_selExpert = -1;
};

class BalanceView : public QWidget {
    Q_OBJECT
public:
    explicit BalanceView(RoutingData* data, QWidget* parent = nullptr);
    void refresh();
    LayerBalanceModel* layerModel() const { return m_layers; }
    ExpertLoadModel* loadModel() const { return m_load; }
    BalanceTimeModel* timeModel() const { return m_time; }
    MatrixHeatmap* coactivation() const { return m_coact; }
    QChart* loadChart() const { return m_loadChart; }
    QChart* timeChart() const { return m_timeChart; }
    QList<ChartPanel*> panels() const;
    QValueAxis* expertAxis() const { return m_loadX; }
    // Load over position: the layer's expert load per window of tokens
    // (experts x windows), from RoutingData::loadOverPosition.
    MatrixHeatmap* positionHeatmap() const { return m_position; }
    QStandardItemModel* positionModel() const { return m_positionData; }
    void setPositionWindow(int tokens);
    int positionWindow() const;
    int layer() const;
    void setLayer(int layer);
    QString positionCaption() const;

private:
    void updateExpertTicks();
    void refreshPosition();
    RoutingData* m_data;
    QSpinBox* m_layer;
    QComboBox* m_window;
    LayerBalanceModel* m_layers;
    ExpertLoadModel* m_load;
    BalanceTimeModel* m_time;
    QChart* m_loadChart;
    QChart* m_timeChart;
    QValueAxis* m_loadX;
    QValueAxis* m_loadY;
    QValueAxis* m_timeX;
    QValueAxis* m_timeImbalance;
    MatrixHeatmap* m_coact;
    MatrixTableModel* m_coactData;
    MatrixHeatmap* m_position;
    QStandardItemModel* m_positionData;
    QComboBox* m_positionWindow;
    QLabel* m_positionLabel;
    QVector<double> m_positionWhole; // (E) the layer's share over the whole conversation
    QList<ChartPanel*> m_panels;
};

class ThroughputView : public QWidget {
    Q_OBJECT
public:
    ThroughputView(RoutingData* data, ThroughputModel* model, QWidget* parent = nullptr);
    void refresh();
    void setModelCard(const ModelCard& card);
    void setRun(const RunView& run); // the finished turn's exact figures
    void clear();
    QChart* speedChart() const { return m_speedChart; }
    QString summaryText() const;
    QList<ChartPanel*> panels() const { return m_panels; }

private:
    RoutingData* m_data;
    ThroughputModel* m_model;
    ModelCard m_card;
    bool m_final = false;
    QChart* m_speedChart;
    QChart* m_latencyChart;
    QValueAxis* m_speedX;
    QValueAxis* m_speedY;
    QValueAxis* m_latX;
    QValueAxis* m_latY;
    QLabel* m_decode;
    QLabel* m_ttft;
    QLabel* m_prefill;
    QLabel* m_latency;
    QLabel* m_bytes;
    QLabel* m_bandwidth;
    QLabel* m_energy; // per token, where RAPL/NVML could be read
    QLabel* m_cost; // per million tokens, given a price per hour
    QProgressBar* m_share;
    QList<ChartPanel*> m_panels;
};

class HistoryView : public QWidget {
    Q_OBJECT
public:
    explicit HistoryView(RunsModel* model, QWidget* parent = nullptr);
    QStringList selectedIds() const;
    void selectRows(const QList<int>& sourceRows);
    QSortFilterProxyModel* proxy() const { return m_proxy; }
    QTableView* table() const { return m_table; }
    void setFilterText(const QString& text);
    // Stored sweeps (store/sweep_record.h), each one record, under the runs.
    void setSweeps(const std::vector<moe::SweepResult>& sweeps);
    const std::vector<moe::SweepResult>& sweeps() const { return m_sweepList; }
    QTableWidget* sweepTable() const { return m_sweeps; }
    // The sweep selected in its table (-1: none).
    int selectedSweep() const;
    void selectSweep(int row);
    // Opens the selected sweep in the Experiments tab / its runs in Compare.
    void openSelectedSweep();
    void compareSelectedSweep();
    // Lists the stored sweeps through the routing lab, and opens them there.
    void attachLab(RoutingLabView* lab);

Q_SIGNALS:
    void compareRequested(const QStringList& ids);
    void refreshRequested();
    void sweepOpenRequested(const moe::SweepResult& sweep);
    void sweepExportRequested(const moe::SweepResult& sweep);

private:
    RunsModel* m_model;
    QSortFilterProxyModel* m_proxy;
    QTableView* m_table;
    QLineEdit* m_filter;
    QTableWidget* m_sweeps;
    std::vector<moe::SweepResult> m_sweepList;
};

class CompareView : public QWidget {
    Q_OBJECT
public:
    explicit CompareView(QWidget* parent = nullptr);
    void setRuns(const QVector<RunView>& runs);
    const QVector<RunView>& runs() const { return m_runs; }
    QTableWidget* settingsTable() const { return m_settings; }
    QChart* latencyChart() const { return m_latencyChart; }
    QChart* imbalanceChart() const { return m_imbalanceChart; }
    QChart* agreementChart() const { return m_agreementChart; }
    QString agreementText() const;
    QString warningText() const; // "Not like for like: ..." or empty
    QList<ChartPanel*> panels() const { return m_panels; }

private:
    QVector<RunView> m_runs;
    QTableWidget* m_settings;
    QLabel* m_agreement;
    QLabel* m_warning;
    QChart* m_latencyChart;
    QChart* m_imbalanceChart;
    QChart* m_agreementChart;
    QStandardItemModel* m_latencyData;
    QStandardItemModel* m_layerData;
    QList<ChartPanel*> m_panels;
};
