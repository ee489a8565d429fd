#pragma once
// Custom-painted routing views (Qt Charts has no heatmap):
//  - TokenHeatmap: tokens (x, scrolling with generation) x experts (y) of one
//    layer, gate weight as colour;
//  - MatrixHeatmap: any rows x columns matrix (layers x experts load, one
//    token's routing across layers, expert co-activation).
// Cells are drawn as one image scaled without smoothing: cheap at 48 x 128.
#include "heatmapmapping.h"

#include <QImage>
#include <QScrollBar>
#include <QVector>
#include <QWidget>

#include <functional>

class QPainter;
class RoutingData;

class TokenHeatmap : public QWidget {
    Q_OBJECT
public:
    explicit TokenHeatmap(RoutingData* data, QWidget* parent = nullptr);
    void setLayer(int layer);
    int layer() const { return m_layer; }
    void setSelectedFrame(int frame);
    int selectedFrame() const { return m_selected; }
    void setCellWidth(int px);
    int cellWidth() const { return m_cellWidth; }
    // Where the cells are drawn now (for tests and tooltips).
    HeatmapMapping mapping() const;
    // The top of the colour scale: the largest gate weight of the layer so far (1 before any).
    double colourMax() const;
    // Whether columns are wide enough to carry their token's text under the axis.
    bool showsTokenText() const;
    // A token as its column label: spaces and line breaks made visible.
    static QString columnLabel(const QString& tokenText);
    // The whole conversation's heatmap (every token, no scroll bar), for export.
    QSize exportSize() const;
    void paintExport(QPainter& p) const;
    bool following() const { return m_follow; }
    QSize sizeHint() const override { return { 640, 360 }; }
    QSize minimumSizeHint() const override { return { 200, 120 }; }
    // Tooltip text at a widget position (empty: nothing there).
    QString describeAt(const QPoint& pos) const;

Q_SIGNALS:
    void frameClicked(int frame);
    void expertHovered(int layer, int expert);

protected:
    void paintEvent(QPaintEvent*) override;
    void resizeEvent(QResizeEvent*) override;
    void mouseMoveEvent(QMouseEvent*) override;
    void mousePressEvent(QMouseEvent*) override;
    bool event(QEvent* e) override;

private:
    void onAppended(int first, int last);
    void measureLabels(int first, int last);
    void updateScrollBar();
    QRectF plotRect() const;
    int bottomBand(double cellWidth) const;
    QFont labelFont() const;
    void paintHeatmap(QPainter& p, const HeatmapMapping& m, const QRect& area) const;

    RoutingData* m_data;
    QScrollBar* m_scroll;
    int m_layer = 0;
    int m_selected = -1;
    int m_cellWidth = 14;
    bool m_follow = true;
    QVector<float> m_layerMax; // largest gate weight per layer so far
    bool m_upright = false; // some token's text is wider than its column: labels turned upright
};

class MatrixHeatmap : public QWidget {
    Q_OBJECT
public:
    explicit MatrixHeatmap(QWidget* parent = nullptr);
    // values: (rows, columns) row-major; colour from 0 to max (or the given max).
    void setMatrix(int rows, int columns, QVector<double> values, double maxValue = -1.0);
    void setAxisTitles(const QString& rowTitle, const QString& columnTitle);
    void setTitle(const QString& title);
    // Formats the tooltip of a cell; default: "row r, column c: value".
    void setToolTipFormatter(std::function<QString(int row, int column, double value)> f) { m_format = std::move(f); }
    void setHighlightedRow(int row);
    // Labels under the columns (default: the column's index).
    void setColumnLabeler(std::function<QString(int column)> f) { m_columnLabel = std::move(f); }
    // Marks drawn over cells, (rows, columns) like the values: 0 none,
    // 1 masked (a red cross), 2 forced (a green frame). Empty: none.
    void setCellMarks(QVector<int> marks);
    int cellMark(int row, int column) const;
    HeatmapMapping mapping() const;
    double value(int row, int column) const { return m_values[row * m_columns + column]; }
    int rows() const { return m_rows; }
    int columns() const { return m_columns; }
    QSize sizeHint() const override { return { 520, 320 }; }
    QSize minimumSizeHint() const override { return { 160, 100 }; }
    QString describeAt(const QPoint& pos) const;

Q_SIGNALS:
    void cellClicked(int row, int column);
    // A right click (or the menu key) over a cell.
    void cellMenuRequested(int row, int column, const QPoint& globalPos);

protected:
    void paintEvent(QPaintEvent*) override;
    void mousePressEvent(QMouseEvent*) override;
    void contextMenuEvent(QContextMenuEvent*) override;
    bool event(QEvent* e) override;

private:
    QRectF plotRect() const;
    QVector<int> m_marks;
    std::function<QString(int)> m_columnLabel;
    int m_rows = 0;
    int m_columns = 0;
    QVector<double> m_values;
    double m_max = 0.0;
    QImage m_image;
    QString m_rowTitle, m_columnTitle, m_title;
    int m_highlightRow = -1;
    std::function<QString(int, int, double)> m_format;
};
