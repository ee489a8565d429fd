#pragma once
// The Experiments tab: the routing lab. Choose a routing policy for the
// loaded model (fixed top-k, top-p by router mass, entropy-adaptive k, a
// skip threshold) and mask or force experts by clicking a layers x experts
// grid; run a quality-versus-cost sweep (engine/run/sweep.h) on the worker
// with a progress bar and Cancel, and see its frontier (experts or bytes per
// token against perplexity or KL, one curve per policy family, Pareto-best
// points marked) beside the table, exportable like every chart.
#include "enginecontroller.h"
#include "run/sweep.h"

#include <QAbstractTableModel>
#include <QWidget>

#include <atomic>
#include <memory>
#include <vector>

class ChartPanel;
class QChart;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QTableView;
class QTableWidget;

// The sweep's points as a table: one row per setting.
class SweepModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { Policy, Family, Perplexity, Kl, Top1, Experts, Bytes, Speed, Pareto, ColumnCount };
    using QAbstractTableModel::QAbstractTableModel;
    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation o, int role = Qt::DisplayRole) const override;
    void append(const moe::SweepPoint& p);
    void setPoints(const std::vector<moe::SweepPoint>& points); // the finished sweep (Pareto marks)
    void clear();
    const std::vector<moe::SweepPoint>& points() const { return m_points; }

private:
    std::vector<moe::SweepPoint> m_points;
};

class RoutingLabView : public QWidget {
    Q_OBJECT
public:
    explicit RoutingLabView(EngineController* controller, QWidget* parent = nullptr);
    ~RoutingLabView() override;

    // A newly loaded model: the grid gets its layers and experts, the policy is the model's own again.
    void setModel(const ModelCard& card);
    // The policy the controls describe (runtime/routing_policy.h text; "" for the model's own).
    QString policyText() const;
    QString policyInEffect() const { return m_inEffect; }
    void applyPolicy();
    // Mask state of one grid cell: 0 none, 1 masked, 2 forced (clicking cycles through them).
    int cellState(int layer, int expert) const;
    void toggleCell(int layer, int expert);
    void setCellState(int layer, int expert, int state);
    // From the Experts tab's heatmap menu: the cell set and the policy applied to the next runs.
    void setCellFromHeatmap(int layer, int expert, int state);
    // Every cell's state, (layers, experts) row-major.
    QVector<int> gridStates() const;
    // A stored sweep (store/sweep_record.h) shown in the chart and table.
    void showSweep(const moe::SweepResult& sweep);
    // Lists the stored sweeps on the worker; answered by sweepsListed.
    void refreshSweeps();
    void askExportSweep(const moe::SweepResult& sweep);
    // CSV (points as `moe-cli sweep --csv`) or JSON by the file's suffix.
    static bool exportSweep(const moe::SweepResult& sweep, const QString& path, QString* error = nullptr);
    // The sweep last finished or opened (id 0: not stored).
    const moe::SweepResult& shownSweep() const { return m_shown; }
    void startSweep();
    void cancelSweep();
    bool isSweeping() const { return m_sweeping; }
    void setSweepSpec(const QString& spec);
    void setSweepText(const QString& text);
    void setDecodeTokens(int n) { m_decodeTokens = n; }
    SweepModel* sweepModel() const { return m_model; }
    QChart* chart() const { return m_chart; }
    ChartPanel* chartPanel() const { return m_chartPanel; }
    QString statusText() const;

Q_SIGNALS:
    void policyApplied(const QString& policy);
    void policyFailed(const QString& message);
    void sweepFinished(bool cancelled);
    void sweepFailed(const QString& message);
    void gridChanged(const QVector<int>& states);
    void sweepsListed(const std::vector<moe::SweepResult>& sweeps);

private:
    void updateControls();
    void redrawChart();
    void onPoint(const moe::SweepPoint& p);
    void onFinished(const moe::SweepResult& r);
    void onFailed(const QString& message);

    EngineController* m_controller;
    QComboBox* m_kind;
    QSpinBox* m_k;
    QDoubleSpinBox* m_p;
    QSpinBox* m_min;
    QSpinBox* m_max;
    QDoubleSpinBox* m_skip;
    QTableWidget* m_grid;
    QPushButton* m_apply;
    QLabel* m_effect;
    QPlainTextEdit* m_text;
    QLineEdit* m_spec;
    QPushButton* m_run;
    QPushButton* m_cancel;
    QProgressBar* m_progress;
    QLabel* m_status;
    QComboBox* m_x;
    QComboBox* m_y;
    QChart* m_chart;
    ChartPanel* m_chartPanel;
    QTableView* m_table;
    SweepModel* m_model;
    QString m_inEffect;
    moe::SweepResult m_shown;
    int m_modelK = 0;
    int m_experts = 0;
    int m_decodeTokens = 16;
    bool m_sweeping = false;
    std::shared_ptr<std::atomic<bool>> m_stop;
};
