#include "heatmaps.h"

#include "routingdata.h"

#include <QContextMenuEvent>
#include <QHelpEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QToolTip>

namespace {

constexpr int kLeft = 46;
constexpr int kTop = 10;
constexpr int kBottom = 24;
constexpr int kLegend = 48;
constexpr int kPhaseKey = 16; // the token heatmap's "prompt / generated" key above the cells
const QColor kPromptColor(170, 170, 180);
const QColor kGeneratedColor(40, 110, 220);
const QColor kEmpty(0xf3, 0xf4, 0xf7);

// Labels every `step` cells so that they are at least `minPx` apart.
int labelStep(double cellPx, double minPx) {
    static const int steps[] = { 1, 2, 4, 5, 8, 10, 16, 20, 25, 32, 50, 64, 100, 128, 200, 250, 500, 1000, 2000, 5000 };
    for (int s : steps)
        if (s * cellPx >= minPx) return s;
    return 10000;
}

// The hovered cell's description, or no tooltip outside the cells.
void showCellToolTip(QWidget* w, const QHelpEvent* e, const QString& text) {
    if (text.isEmpty())
        QToolTip::hideText();
    else
        QToolTip::showText(e->globalPos(), text, w);
}

void drawLegend(QPainter& p, const QRectF& r, double lo, double hi, int prec) {
    const int h = int(r.height());
    if (h <= 0) return;
    QImage ramp(1, h, QImage::Format_RGB32);
    for (int y = 0; y < h; ++y)
        ramp.setPixel(0, y, heatColor(1.0 - double(y) / std::max(1, h - 1)).rgb());
    const QRectF bar(r.left(), r.top(), 10, r.height());
    p.drawImage(bar, ramp);
    p.setPen(QColor(90, 90, 90));
    p.drawRect(bar);
    const QFontMetrics fm = p.fontMetrics();
    p.drawText(QPointF(bar.right() + 4, bar.top() + fm.ascent()), QString::number(hi, 'f', prec));
    p.drawText(QPointF(bar.right() + 4, bar.bottom()), QString::number(lo, 'f', prec));
}

} // namespace

// ---- TokenHeatmap ---------------------------------------------------------------

namespace {
constexpr int kTextBand = 54; // rotated token texts under the index labels
constexpr int kMaxExportPlot = 16000; // widest exported plot (px); more tokens share pixels
} // namespace

TokenHeatmap::TokenHeatmap(RoutingData* data, QWidget* parent)
    : QWidget(parent)
    , m_data(data) {
    setMouseTracking(true);
    setAttribute(Qt::WA_OpaquePaintEvent);
    m_scroll = new QScrollBar(Qt::Horizontal, this);
    connect(m_scroll, &QScrollBar::valueChanged, this, [this](int v) {
        m_follow = v >= m_scroll->maximum();
        update();
    });
    connect(data, &RoutingData::framesAppended, this, &TokenHeatmap::onAppended);
    connect(data, &RoutingData::cleared, this, [this] {
        m_selected = -1;
        m_follow = true;
        m_layer = std::min(m_layer, std::max(0, m_data->nLayers() - 1));
        m_layerMax = QVector<float>(m_data->nLayers(), 0.0f);
        m_upright = false;
        if (m_data->frameCount() > 0) onAppended(0, m_data->frameCount() - 1); // frames kept by a truncation
        updateScrollBar();
        update();
    });
}

void TokenHeatmap::setLayer(int layer) {
    m_layer = std::clamp(layer, 0, std::max(0, m_data->nLayers() - 1));
    update();
}

void TokenHeatmap::setSelectedFrame(int frame) {
    m_selected = frame;
    // Bring the selected token into view.
    const HeatmapMapping m = mapping();
    if (frame >= 0 && (frame < m.firstColumn || frame >= m.firstColumn + m.columns)) {
        m_follow = false;
        m_scroll->setValue(std::max(0, frame - m.columns / 2));
    }
    update();
}

void TokenHeatmap::setCellWidth(int px) {
    m_cellWidth = std::max(1, px);
    m_upright = false;
    measureLabels(0, m_data->frameCount() - 1);
    updateScrollBar();
    if (m_selected >= 0) setSelectedFrame(m_selected);
    update();
}

QFont TokenHeatmap::labelFont() const {
    QFont f = font();
    f.setPointSizeF(f.pointSizeF() * 0.85);
    return f;
}

bool TokenHeatmap::showsTokenText() const {
    return m_cellWidth >= QFontMetrics(labelFont()).height() - 3;
}

int TokenHeatmap::bottomBand(double cellWidth) const {
    // Texts across their columns take a line; upright, a band as tall as a short word.
    const QFontMetrics fm(labelFont());
    if (cellWidth < fm.height() - 3) return kBottom;
    return kBottom + (m_upright || cellWidth < m_cellWidth ? kTextBand : fm.height() + 2);
}

void TokenHeatmap::measureLabels(int first, int last) {
    // Once one label does not fit across its column, all stand upright (for
    // this conversation): the plot does not jump as the view scrolls.
    if (m_upright) return;
    const QFontMetrics fm(labelFont());
    for (int f = std::max(0, first); f <= last && !m_upright; ++f)
        m_upright = fm.horizontalAdvance(columnLabel(m_data->text(f))) > m_cellWidth - 1;
}

QString TokenHeatmap::columnLabel(const QString& t) {
    QString s = t;
    s.replace(QLatin1Char('\n'), QChar(0x21b5))
        .replace(QLatin1Char('\t'), QChar(0x2192))
        .replace(QLatin1Char('\r'), QString());
    if (s.trimmed().isEmpty()) return QString(s.size(), QChar(0x2423)); // only spaces: one open box each
    return s.trimmed();
}

QRectF TokenHeatmap::plotRect() const {
    const int sb = m_scroll->isVisible() ? m_scroll->height() : 0;
    const int top = kTop + 6 + kPhaseKey;
    return QRectF(
        kLeft, top, std::max(0, width() - kLeft - kLegend), std::max(0, height() - top - bottomBand(m_cellWidth) - sb));
}

HeatmapMapping TokenHeatmap::mapping() const {
    HeatmapMapping m;
    QRectF r = plotRect();
    m.columns = std::max(1, int(r.width()) / m_cellWidth);
    m.rows = std::max(1, m_data->nExperts());
    r.setWidth(double(m.columns) * m_cellWidth);
    m.plot = r;
    const int total = m_data->frameCount();
    m.firstColumn = m_follow ? HeatmapMapping::followFirstColumn(total, m.columns)
                             : std::min(m_scroll->value(), std::max(0, total - 1));
    return m;
}

double TokenHeatmap::colourMax() const {
    const float mx = m_layer < m_layerMax.size() ? m_layerMax[m_layer] : 0.0f;
    return mx > 0 ? double(mx) : 1.0;
}

void TokenHeatmap::updateScrollBar() {
    const HeatmapMapping m = mapping();
    const int max = HeatmapMapping::followFirstColumn(m_data->frameCount(), m.columns);
    const QSignalBlocker block(m_scroll);
    m_scroll->setRange(0, max);
    m_scroll->setPageStep(m.columns);
    if (m_follow) m_scroll->setValue(max);
}

void TokenHeatmap::onAppended(int first, int last) {
    // The colour scale's top: the largest weight of each layer so far (gate
    // weights that are not renormalised stay far below 1).
    const int L = m_data->nLayers(), K = m_data->k();
    if (m_layerMax.size() != L) m_layerMax = QVector<float>(L, 0.0f);
    for (int f = first; f <= last; ++f)
        for (int l = 0; l < L; ++l) {
            const float* w = m_data->weights(f, l);
            for (int j = 0; j < K; ++j)
                m_layerMax[l] = std::max(m_layerMax[l], w[j]);
        }
    if (showsTokenText()) measureLabels(first, last);
    updateScrollBar();
    update(); // coalesced by Qt: at most one paint per event-loop pass
}

void TokenHeatmap::resizeEvent(QResizeEvent*) {
    const int h = m_scroll->sizeHint().height();
    m_scroll->setGeometry(kLeft, height() - h, std::max(0, width() - kLeft - kLegend), h);
    updateScrollBar();
}

void TokenHeatmap::paintEvent(QPaintEvent*) {
    QPainter p(this);
    paintHeatmap(p, mapping(), rect());
}

QSize TokenHeatmap::exportSize() const {
    const int frames = std::max(1, m_data->frameCount());
    const int plotW = int(std::min<qint64>(qint64(frames) * m_cellWidth, kMaxExportPlot));
    const int sb = m_scroll->isVisible() ? m_scroll->height() : 0;
    // The on-screen height (less the scroll bar), the text band where the export's columns carry text.
    const int h = height() - sb - bottomBand(m_cellWidth) + bottomBand(double(plotW) / frames);
    return { kLeft + plotW + kLegend, std::max(h, 160) };
}

void TokenHeatmap::paintExport(QPainter& p) const {
    const QSize size = exportSize();
    const int frames = std::max(1, m_data->frameCount());
    HeatmapMapping m;
    m.columns = frames;
    m.rows = std::max(1, m_data->nExperts());
    m.firstColumn = 0;
    const int top = kTop + 6 + kPhaseKey;
    const double plotW = size.width() - kLeft - kLegend;
    m.plot = QRectF(kLeft, top, plotW, std::max(0, size.height() - top - bottomBand(plotW / frames)));
    paintHeatmap(p, m, QRect(QPoint(0, 0), size));
}

void TokenHeatmap::paintHeatmap(QPainter& p, const HeatmapMapping& m, const QRect& area) const {
    p.fillRect(area, palette().window());
    const int L = m_data->nLayers(), E = m_data->nExperts(), K = m_data->k();
    if (E == 0 || L == 0) {
        p.setPen(palette().color(QPalette::PlaceholderText));
        p.drawText(area, Qt::AlignCenter, tr("Open a model and send a prompt: every token's experts appear here."));
        return;
    }
    const double hi = colourMax();
    const int total = m_data->frameCount();
    const int last = std::min(total, m.firstColumn + m.columns);
    // Cells: one pixel per (token, expert), scaled up without smoothing.
    QImage img(m.columns, E, QImage::Format_RGB32);
    img.fill(kEmpty);
    for (int f = m.firstColumn; f < last; ++f) {
        const qint32* ids = m_data->ids(f, m_layer);
        const float* w = m_data->weights(f, m_layer);
        for (int j = 0; j < K; ++j)
            if (ids[j] >= 0 && ids[j] < E)
                img.setPixel(f - m.firstColumn, ids[j], heatColor(normaliseValue(w[j], 0.0, hi)).rgb());
    }
    p.drawImage(m.plot, img);
    // Phase strip above the cells: prompt grey, generated blue, with its key.
    for (int f = m.firstColumn; f < last; ++f) {
        const QRectF c = m.cellRect(f, 0);
        p.fillRect(
            QRectF(c.left(), m.plot.top() - 5, c.width(), 4), m_data->isPrompt(f) ? kPromptColor : kGeneratedColor);
    }
    {
        const QFontMetrics kfm = p.fontMetrics();
        const QString gen = tr("generated"), prompt = tr("prompt");
        double x = m.plot.right() - kfm.horizontalAdvance(gen);
        const double y = m.plot.top() - 8 - kfm.descent();
        p.setPen(palette().color(QPalette::WindowText));
        p.drawText(QPointF(x, y), gen);
        x -= 16;
        p.fillRect(QRectF(x, y - kfm.ascent() / 2.0 - 2, 12, 4), kGeneratedColor);
        x -= 12 + kfm.horizontalAdvance(prompt);
        p.drawText(QPointF(x, y), prompt);
        x -= 16;
        p.fillRect(QRectF(x, y - kfm.ascent() / 2.0 - 2, 12, 4), kPromptColor);
    }
    p.setPen(QColor(150, 150, 160));
    p.drawRect(m.plot.adjusted(-0.5, -0.5, 0.5, 0.5));
    const bool selectedShown = m_selected >= m.firstColumn && m_selected < last;
    if (selectedShown) {
        p.setPen(QPen(QColor(230, 40, 40), 2));
        p.drawRect(m.cellRect(m_selected, 0).adjusted(0, 0, 0, m.plot.height() - m.cellHeight()));
    }
    // Axes.
    p.setPen(palette().color(QPalette::WindowText));
    const QFontMetrics fm = p.fontMetrics();
    const int ystep = labelStep(m.cellHeight(), fm.height() + 2);
    for (int e = 0; e < E; e += ystep) {
        const QRectF c = m.cellRect(m.firstColumn, e);
        p.drawText(QRectF(0, c.center().y() - fm.height() / 2.0, kLeft - 6, fm.height()),
            Qt::AlignRight | Qt::AlignVCenter, QString::number(e));
    }
    const int xstep = labelStep(m.cellWidth(), fm.horizontalAdvance(QStringLiteral("00000")) + 8);
    const int x0 = (m.firstColumn + xstep - 1) / xstep * xstep;
    for (int f = x0; f < m.firstColumn + m.columns; f += xstep) {
        const double x = m.mapColumnToX(f);
        p.drawLine(QPointF(x, m.plot.bottom()), QPointF(x, m.plot.bottom() + 3));
        p.drawText(QPointF(x + 2, m.plot.bottom() + fm.ascent() + 3), QString::number(f));
    }
    p.drawText(QRectF(0, m.plot.bottom() + 3, kLeft - 6, fm.height()), Qt::AlignRight | Qt::AlignTop, tr("token"));
    // Each column's token text where the columns are wide enough: across when
    // every visible one fits its column, else turned upright.
    if (bottomBand(m.cellWidth()) > kBottom) {
        p.save();
        p.setFont(labelFont());
        const QFontMetrics lfm = p.fontMetrics();
        const double y0 = m.plot.bottom() + kBottom - 4;
        const double band = bottomBand(m.cellWidth()) - kBottom;
        QVector<QString> labels;
        bool across = true;
        for (int f = m.firstColumn; f < last; ++f) {
            labels.append(columnLabel(m_data->text(f)));
            across = across && lfm.horizontalAdvance(labels.back()) <= m.cellWidth() - 1;
        }
        for (int f = m.firstColumn; f < last; ++f) {
            const QString& label = labels[f - m.firstColumn];
            const bool sel = f == m_selected;
            QFont lf = labelFont();
            lf.setBold(sel);
            p.setFont(lf);
            p.setPen(sel ? QColor(200, 30, 30) : palette().color(QPalette::WindowText));
            const QRectF c = m.cellRect(f, 0);
            if (across) {
                p.drawText(QRectF(c.left(), y0, c.width(), lfm.height()), Qt::AlignHCenter | Qt::AlignTop, label);
            } else {
                p.save();
                p.translate(c.center().x(), y0);
                p.rotate(-90);
                const QRectF box(-band + 2, -c.width() / 2.0, band - 4, c.width());
                p.drawText(box, Qt::AlignRight | Qt::AlignVCenter,
                    QFontMetrics(lf).elidedText(label, Qt::ElideRight, int(box.width())));
                p.restore();
            }
        }
        p.restore();
    }
    p.save();
    p.translate(10, m.plot.center().y());
    p.rotate(-90);
    p.drawText(QRectF(-60, -8, 120, 16), Qt::AlignCenter, tr("expert"));
    p.restore();
    drawLegend(p, QRectF(m.plot.right() + 8, m.plot.top(), 10, m.plot.height()), 0.0, hi, 2);
}

QString TokenHeatmap::describeAt(const QPoint& pos) const {
    const HeatmapMapping m = mapping();
    const int E = m_data->nExperts();
    if (E == 0) return {};
    const int row = m.mapYToRow(pos.y());
    const int f = m.mapXToColumn(pos.x());
    if (row < 0 && f >= 0 && f < m_data->frameCount() && pos.y() >= m.plot.bottom()
        && pos.y() < m.plot.bottom() + bottomBand(m_cellWidth)) {
        // The token axis: the token under the label.
        return tr("<b>Token %1</b> \u201c%2\u201d (%3)")
            .arg(f)
            .arg(m_data->text(f).toHtmlEscaped())
            .arg(m_data->isPrompt(f) ? tr("prompt") : tr("generated"));
    }
    if (row < 0) return {};
    if (pos.x() < m.plot.left()) {
        // Expert axis: the tokens this expert handled most recently.
        const QVector<int> frames = m_data->framesOfExpert(m_layer, row, 16);
        QStringList toks;
        for (int fr : frames)
            toks << QStringLiteral("%1 \u201c%2\u201d").arg(fr).arg(m_data->text(fr).toHtmlEscaped());
        return tr("<b>Layer %1, expert %2</b>: %3 tokens routed here<br>recent: %4")
            .arg(m_layer)
            .arg(row)
            .arg(m_data->count(m_layer, row))
            .arg(toks.isEmpty() ? tr("none") : toks.join(QStringLiteral(", ")));
    }
    if (f < 0 || f >= m_data->frameCount()) return {};
    const float w = m_data->weightOf(f, m_layer, row);
    return tr("<b>Token %1</b> \u201c%2\u201d (%3)<br>layer %4, expert %5: gate weight %6")
        .arg(f)
        .arg(m_data->text(f).toHtmlEscaped())
        .arg(m_data->isPrompt(f) ? tr("prompt") : tr("generated"))
        .arg(m_layer)
        .arg(row)
        .arg(w > 0 ? QString::number(w, 'f', 3) : tr("not routed"));
}

void TokenHeatmap::mouseMoveEvent(QMouseEvent* e) {
    const HeatmapMapping m = mapping();
    const int row = m.mapYToRow(e->position().y());
    if (row >= 0) Q_EMIT expertHovered(m_layer, row);
}

void TokenHeatmap::mousePressEvent(QMouseEvent* e) {
    const HeatmapMapping m = mapping();
    const int f = m.mapXToColumn(e->position().x());
    if (f >= 0 && f < m_data->frameCount()) {
        m_selected = f;
        update();
        Q_EMIT frameClicked(f);
    }
}

bool TokenHeatmap::event(QEvent* e) {
    if (e->type() == QEvent::ToolTip) {
        showCellToolTip(this, static_cast<QHelpEvent*>(e), describeAt(static_cast<QHelpEvent*>(e)->pos()));
        return true;
    }
    return QWidget::event(e);
}

// ---- MatrixHeatmap -----------------------------------------------------------------

MatrixHeatmap::MatrixHeatmap(QWidget* parent)
    : QWidget(parent) {
    setMouseTracking(true);
    m_format = [](int r, int c, double v) { return QStringLiteral("%1, %2: %3").arg(r).arg(c).arg(v); };
}

void MatrixHeatmap::setMatrix(int rows, int columns, QVector<double> values, double maxValue) {
    m_rows = rows;
    m_columns = columns;
    m_values = std::move(values);
    m_max = maxValue;
    if (m_max < 0) {
        m_max = 0;
        for (double v : m_values)
            m_max = std::max(m_max, v);
    }
    m_image = QImage(std::max(1, columns), std::max(1, rows), QImage::Format_RGB32);
    m_image.fill(kEmpty);
    for (int r = 0; r < rows; ++r)
        for (int c = 0; c < columns; ++c) {
            const double v = m_values[r * columns + c];
            if (v > 0) m_image.setPixel(c, r, heatColor(normaliseValue(v, 0.0, m_max)).rgb());
        }
    update();
}

void MatrixHeatmap::setCellMarks(QVector<int> marks) {
    m_marks = std::move(marks);
    update();
}

int MatrixHeatmap::cellMark(int row, int column) const {
    const qsizetype i = qsizetype(row) * m_columns + column;
    return row >= 0 && column >= 0 && row < m_rows && column < m_columns && i < m_marks.size() ? m_marks[i] : 0;
}

void MatrixHeatmap::setAxisTitles(const QString& rowTitle, const QString& columnTitle) {
    m_rowTitle = rowTitle;
    m_columnTitle = columnTitle;
    update();
}

void MatrixHeatmap::setTitle(const QString& title) {
    m_title = title;
    update();
}

void MatrixHeatmap::setHighlightedRow(int row) {
    m_highlightRow = row;
    update();
}

QRectF MatrixHeatmap::plotRect() const {
    const int top = m_title.isEmpty() ? kTop : kTop + fontMetrics().height() + 4;
    return QRectF(kLeft, top, std::max(0, width() - kLeft - kLegend - 6), std::max(0, height() - top - kBottom - 6));
}

HeatmapMapping MatrixHeatmap::mapping() const {
    HeatmapMapping m;
    m.plot = plotRect();
    m.columns = std::max(1, m_columns);
    m.rows = std::max(1, m_rows);
    return m;
}

void MatrixHeatmap::paintEvent(QPaintEvent*) {
    QPainter p(this);
    p.fillRect(rect(), palette().window());
    const QFontMetrics fm = p.fontMetrics();
    p.setPen(palette().color(QPalette::WindowText));
    if (!m_title.isEmpty())
        p.drawText(QRectF(kLeft, 2, width() - kLeft, fm.height() + 4), Qt::AlignLeft | Qt::AlignVCenter, m_title);
    if (m_rows == 0 || m_columns == 0) {
        p.setPen(palette().color(QPalette::PlaceholderText));
        p.drawText(rect(), Qt::AlignCenter, tr("No routing yet"));
        return;
    }
    const HeatmapMapping m = mapping();
    p.drawImage(m.plot, m_image);
    p.setPen(QColor(150, 150, 160));
    p.drawRect(m.plot.adjusted(-0.5, -0.5, 0.5, 0.5));
    // masked experts crossed out in red, forced ones framed in green (the routing lab's grid)
    for (int r = 0; r < m_rows && !m_marks.isEmpty(); ++r)
        for (int c = 0; c < m_columns; ++c) {
            const int mark = cellMark(r, c);
            if (mark == 0) continue;
            const QRectF cell = m.cellRect(c, r).adjusted(1, 1, -1, -1);
            p.save();
            p.setRenderHint(QPainter::Antialiasing);
            if (mark == 1) {
                p.fillRect(cell, QColor(255, 255, 255, 170));
                p.setPen(QPen(QColor(200, 40, 40), std::clamp(cell.width() / 6, 1.5, 3.0)));
                p.drawLine(cell.topLeft(), cell.bottomRight());
                p.drawLine(cell.topRight(), cell.bottomLeft());
            } else {
                p.setPen(QPen(QColor(30, 150, 60), std::clamp(cell.width() / 6, 1.5, 3.0)));
                p.drawRect(cell);
            }
            p.restore();
        }
    if (m_highlightRow >= 0 && m_highlightRow < m_rows) {
        p.setPen(QPen(QColor(230, 40, 40), 2));
        p.drawRect(QRectF(m.plot.left(), m.mapRowToY(m_highlightRow), m.plot.width(), m.cellHeight()));
    }
    p.setPen(palette().color(QPalette::WindowText));
    const int ystep = labelStep(m.cellHeight(), fm.height() + 2);
    for (int r = 0; r < m_rows; r += ystep) {
        const double y = m.mapRowToY(r) + m.cellHeight() / 2;
        p.drawText(QRectF(0, y - fm.height() / 2.0, kLeft - 6, fm.height()), Qt::AlignRight | Qt::AlignVCenter,
            QString::number(r));
    }
    const int xstep = labelStep(m.cellWidth(), fm.horizontalAdvance(QStringLiteral("0000")) + 6);
    for (int c = 0; c < m_columns; c += xstep) {
        const double x = m.mapColumnToX(c);
        p.drawText(
            QPointF(x + 1, m.plot.bottom() + fm.ascent() + 3), m_columnLabel ? m_columnLabel(c) : QString::number(c));
    }
    if (!m_columnTitle.isEmpty())
        p.drawText(QRectF(m.plot.left(), height() - fm.height() - 1, m.plot.width(), fm.height()), Qt::AlignRight,
            m_columnTitle);
    if (!m_rowTitle.isEmpty()) {
        p.save();
        p.translate(10, m.plot.center().y());
        p.rotate(-90);
        p.drawText(QRectF(-80, -8, 160, 16), Qt::AlignCenter, m_rowTitle);
        p.restore();
    }
    drawLegend(p, QRectF(m.plot.right() + 8, m.plot.top(), 10, m.plot.height()), 0.0, m_max, m_max >= 10 ? 0 : 2);
}

QString MatrixHeatmap::describeAt(const QPoint& pos) const {
    const HeatmapMapping m = mapping();
    const int r = m.mapYToRow(pos.y()), c = m.mapXToColumn(pos.x());
    if (r < 0 || c < 0 || r >= m_rows || c >= m_columns) return {};
    return m_format(r, c, value(r, c));
}

void MatrixHeatmap::mousePressEvent(QMouseEvent* e) {
    const HeatmapMapping m = mapping();
    const int r = m.mapYToRow(e->position().y()), c = m.mapXToColumn(e->position().x());
    if (r >= 0 && c >= 0 && r < m_rows && c < m_columns) Q_EMIT cellClicked(r, c);
}

void MatrixHeatmap::contextMenuEvent(QContextMenuEvent* e) {
    const HeatmapMapping m = mapping();
    const int r = m.mapYToRow(e->pos().y()), c = m.mapXToColumn(e->pos().x());
    if (r >= 0 && c >= 0 && r < m_rows && c < m_columns) Q_EMIT cellMenuRequested(r, c, e->globalPos());
}

bool MatrixHeatmap::event(QEvent* e) {
    if (e->type() == QEvent::ToolTip) {
        showCellToolTip(this, static_cast<QHelpEvent*>(e), describeAt(static_cast<QHelpEvent*>(e)->pos()));
        return true;
    }
    return QWidget::event(e);
}
