#pragma once
// The Hardware tab: a stored or just-finished run projected onto every
// device of the catalogue (engine/whatif), as a chart across generations and
// a table, and the expert offload plan for a GPU memory budget with its
// llama.cpp --override-tensor rule. The numbers are the engine's; this only
// lays them out (the same tables moe-cli whatif and offload-plan print).
#include "types.h"

#include "whatif/catalog.h"
#include "whatif/footprint.h"

#include <QWidget>

#include <memory>
#include <optional>
#include <vector>

class ChartPanel;
class QChart;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QStandardItem;
class QStandardItemModel;
class QTableView;

namespace moe {
struct RunRecord;
}

class HardwareView : public QWidget {
    Q_OBJECT
public:
    explicit HardwareView(QWidget* parent = nullptr);
    // Projects `run` (its record must be whole: routing and figures).
    void setRun(const RunView& run);
    // The catalogue to project onto (default: built-in merged with the user's file).
    void setCatalog(std::vector<moe::DeviceSpec> catalog);
    void setVramGiB(double gib);
    QStandardItemModel* projectionModel() const { return m_table; }
    QStandardItemModel* offloadModel() const { return m_offload; }
    QChart* chart() const { return m_chart; }
    QString ruleText() const; // the --override-tensor value shown
    QString message() const; // what the tab says instead of numbers, or ""
    QList<ChartPanel*> panels() const { return m_panels; }
    // A device's price per hour, kept in the user's device file (the one
    // moe-cli whatif reads); no price: the catalogue's own again. The table's
    // "$/h" cells are edited through this; a refused value leaves the file as
    // it was and message() says why.
    void setPrice(const QString& device, std::optional<double> price);
    void resetPrice(const QString& device) { setPrice(device, std::nullopt); }
    int priceColumn() const { return m_priceColumn; } // in projectionModel(), -1 without a run
    QTableView* projectionView() const { return m_projectionView; }

private:
    void recompute();
    void recomputeOffload();
    void priceEdited(QStandardItem* item);
    void showPriceMenu(const QPoint& at);

    std::vector<moe::DeviceSpec> m_catalog;
    std::shared_ptr<const moe::RunRecord> m_record;
    moe::ModelFootprint m_footprint;
    QString m_footprintNote;
    QLabel* m_title;
    QLabel* m_basis;
    QLabel* m_message;
    QDoubleSpinBox* m_efficiency;
    QComboBox* m_precision;
    QDoubleSpinBox* m_vram;
    QComboBox* m_gpu;
    QLabel* m_offloadText;
    QChart* m_chart;
    QStandardItemModel* m_table;
    QStandardItemModel* m_offload;
    QTableView* m_projectionView;
    int m_priceColumn = -1;
    bool m_filling = false; // the table is being refilled: its changes are not edits
    QList<ChartPanel*> m_panels;
};
