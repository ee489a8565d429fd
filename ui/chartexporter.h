#pragma once
// Exports a chart (any widget: a QChartView or a custom-painted heatmap) as
// PNG, SVG or PDF with a caption naming the run, model and hardware (also
// written into the file's metadata), and a model's data as CSV.
#include <QSize>
#include <QString>

#include <functional>

class QAbstractItemModel;
class QPainter;
class QWidget;

struct ExportInfo {
    QString title; // chart title
    QString runId;
    QString model;
    QString hardware;
    QString caption() const;
};

namespace ChartExporter {
// Format from the suffix: .png, .svg or .pdf. Returns false with *error set.
bool exportWidget(QWidget* widget, const QString& path, const ExportInfo& info, QString* error = nullptr);
// The same for a picture drawn by `paint` into a (size) area (a view larger than the screen).
bool exportPainted(QSize size, const std::function<void(QPainter&)>& paint, const QString& path, const ExportInfo& info,
    QString* error = nullptr);
// Header row from headerData, then every row (RawValueRole, else DisplayRole).
bool exportCsv(const QAbstractItemModel* model, const QString& path, QString* error = nullptr);
QString csvField(const QString& s);
// "PNG image (*.png);;SVG ..." for a file dialog.
QString chartFilter();
} // namespace ChartExporter
