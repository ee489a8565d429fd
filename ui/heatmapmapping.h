#pragma once
// Value <-> pixel mapping of a heatmap: a grid of `columns` x `rows` cells
// drawn in `plot`, the left edge showing data column `firstColumn`. Kept as a
// plain struct so tst_ui_heatmapmapping can check it row by row.
#include <QColor>
#include <QRectF>

#include <algorithm>
#include <cmath>

struct HeatmapMapping {
    QRectF plot; // pixel area of the cells
    int columns = 0; // cells across the plot
    int rows = 0; // cells down the plot
    int firstColumn = 0; // data column drawn at the left edge

    double cellWidth() const { return columns > 0 ? plot.width() / columns : 0.0; }
    double cellHeight() const { return rows > 0 ? plot.height() / rows : 0.0; }

    // Left edge of data column `column` (may lie outside the plot).
    double mapColumnToX(int column) const { return plot.left() + (column - firstColumn) * cellWidth(); }
    // Top edge of row `row`.
    double mapRowToY(int row) const { return plot.top() + row * cellHeight(); }
    // Data column under pixel x, -1 outside the plot.
    int mapXToColumn(double x) const {
        if (columns <= 0 || x < plot.left() || x >= plot.right()) return -1;
        const int c = int(std::floor((x - plot.left()) / cellWidth()));
        return firstColumn + std::clamp(c, 0, columns - 1);
    }
    // Row under pixel y, -1 outside the plot.
    int mapYToRow(double y) const {
        if (rows <= 0 || y < plot.top() || y >= plot.bottom()) return -1;
        const int r = int(std::floor((y - plot.top()) / cellHeight()));
        return std::clamp(r, 0, rows - 1);
    }
    QRectF cellRect(int column, int row) const {
        return { mapColumnToX(column), mapRowToY(row), cellWidth(), cellHeight() };
    }
    // First data column so that the last of `total` columns is the rightmost visible one.
    static int followFirstColumn(int total, int visibleColumns) { return std::max(0, total - visibleColumns); }
};

// Value in [lo, hi] to [0, 1], clamped; 0 when the range is empty.
inline double normaliseValue(double v, double lo, double hi) {
    if (!(hi > lo)) return 0.0;
    return std::clamp((v - lo) / (hi - lo), 0.0, 1.0);
}

// A perceptually ordered ramp (dark blue -> teal -> yellow, after viridis).
inline QColor heatColor(double t) {
    static const float stops[][3] = { { 68, 1, 84 }, { 72, 40, 120 }, { 62, 73, 137 }, { 49, 104, 142 },
        { 38, 130, 142 }, { 31, 158, 137 }, { 53, 183, 121 }, { 109, 205, 89 }, { 180, 222, 44 }, { 253, 231, 37 } };
    constexpr int n = int(sizeof(stops) / sizeof(stops[0]));
    t = std::clamp(t, 0.0, 1.0) * (n - 1);
    const int i = std::min(int(t), n - 2);
    const double f = t - i;
    auto mix = [&](int c) { return int(std::lround(stops[i][c] + (stops[i + 1][c] - stops[i][c]) * f)); };
    return QColor(mix(0), mix(1), mix(2));
}
