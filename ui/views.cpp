#include "views.h"

#include "run/sweep.h"
#include "store/compare.h"
#include "store/run.h"

#include "heatmaps.h"
#include "models.h"
#include "panels.h"
#include "routingdata.h"
#include "routinglab.h"
#include "runview.h"

#include "telemetry/metrics.h"
#include "whatif/catalog.h"

#include <QBarCategoryAxis>
#include <QBarSeries>
#include <QBarSet>
#include <QChart>
#include <QChartView>
#include <QComboBox>
#include <QGridLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLegend>
#include <QLegendMarker>
#include <QLineEdit>
#include <QLineSeries>
#include <QMenu>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollBar>
#include <QSortFilterProxyModel>
#include <QSpinBox>
#include <QSplitter>
#include <QStandardItemModel>
#include <QTableView>
#include <QTableWidget>
#include <QTimer>
#include <QVBarModelMapper>
#include <QVBoxLayout>
#include <QVXYModelMapper>
#include <QValueAxis>

#include <algorithm>

// ---- MatrixTableModel -----------------------------------------------------------

class MatrixTableModel : public QAbstractTableModel {
public:
    using QAbstractTableModel::QAbstractTableModel;
    void setMatrix(int rows, int cols, const QVector<double>& v, const QString& rowName, const QString& colName) {
        beginResetModel(); // bulk replacement, a few times a second at most
        m_rows = rows;
        m_cols = cols;
        m_v = v;
        m_rowName = rowName;
        m_colName = colName;
        endResetModel();
    }
    int rowCount(const QModelIndex& p = {}) const override { return p.isValid() ? 0 : m_rows; }
    int columnCount(const QModelIndex& p = {}) const override { return p.isValid() ? 0 : m_cols + 1; }
    QVariant data(const QModelIndex& i, int role) const override {
        if (!i.isValid() || (role != Qt::DisplayRole && role != RawValueRole)) return {};
        if (i.column() == 0) return i.row();
        return m_v[i.row() * m_cols + i.column() - 1];
    }
    QVariant headerData(int s, Qt::Orientation o, int role) const override {
        if (o != Qt::Horizontal || role != Qt::DisplayRole) return {};
        return s == 0 ? m_rowName : QStringLiteral("%1 %2").arg(m_colName).arg(s - 1);
    }

private:
    int m_rows = 0, m_cols = 0;
    QVector<double> m_v;
    QString m_rowName, m_colName;
};

// A table as wide as its columns: its minimum width is theirs, so a layout
// never hides the last ones behind a scroll bar.
class FitTable : public QTableView {
public:
    using QTableView::QTableView;
    void fitColumns() {
        resizeColumnsToContents();
        // The columns' own widths (the header's length includes the stretched last one).
        m_columns = 0;
        for (int c = 0; model() && c < model()->columnCount(); ++c)
            m_columns += std::max(horizontalHeader()->sectionSizeHint(c), sizeHintForColumn(c));
        updateGeometry();
    }
    QSize minimumSizeHint() const override {
        return { m_columns + 2 * frameWidth() + verticalScrollBar()->sizeHint().width(),
            QTableView::minimumSizeHint().height() };
    }

private:
    int m_columns = 0;

protected:
    void showEvent(QShowEvent* e) override {
        QTableView::showEvent(e);
        fitColumns(); // the style's fonts are known now
    }
};

namespace {

QChartView* chartView(QChart* chart) {
    chart->setMargins(QMargins(4, 4, 4, 4));
    chart->setBackgroundRoundness(0);
    chart->legend()->setAlignment(Qt::AlignBottom);
    auto* v = new QChartView(chart);
    v->setRenderHint(QPainter::Antialiasing);
    v->setMinimumHeight(160);
    return v;
}

QValueAxis* valueAxis(const QString& title, const QString& format = QStringLiteral("%.0f")) {
    auto* a = new QValueAxis;
    a->setTitleText(title);
    a->setLabelFormat(format);
    a->setRange(0, 1);
    return a;
}

double niceMax(double v) {
    if (v <= 0) return 1.0;
    const double p = std::pow(10.0, std::floor(std::log10(v)));
    for (double m : { 1.0, 1.2, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0 })
        if (m * p >= v * 1.05) return m * p;
    return 10 * p;
}

const QList<QColor>& runColors() {
    static const QList<QColor> c = { QColor(0x1f, 0x77, 0xb4), QColor(0xff, 0x7f, 0x0e), QColor(0x2c, 0xa0, 0x2c),
        QColor(0xd6, 0x27, 0x28), QColor(0x94, 0x67, 0xbd), QColor(0x8c, 0x56, 0x4b) };
    return c;
}

// Column `y` against column `x` of a model, at most ~maxPoints points (even stride).
QList<QPointF> modelPoints(const QAbstractItemModel* m, int x, int y, int maxPoints = 1500) {
    const int rows = m->rowCount();
    const int stride = std::max(1, (rows + maxPoints - 1) / maxPoints);
    QList<QPointF> pts;
    pts.reserve(rows / stride + 1);
    for (int r = 0; r < rows; r += stride)
        pts.append(QPointF(
            m->data(m->index(r, x), RawValueRole).toDouble(), m->data(m->index(r, y), RawValueRole).toDouble()));
    return pts;
}

} // namespace

// ---- ExpertsView --------------------------------------------------------------------

ExpertsView::ExpertsView(RoutingData* data, QWidget* parent)
    : QWidget(parent)
    , m_data(data) {
    auto* lay = new QVBoxLayout(this);
    lay->setContentsMargins(4, 4, 4, 4);
    auto* bar = new QHBoxLayout;
    bar->addWidget(new QLabel(tr("Layer"), this));
    m_layer = new QSpinBox(this);
    m_layer->setRange(0, 0);
    bar->addWidget(m_layer);
    bar->addSpacing(16);
    bar->addWidget(new QLabel(tr("Load over"), this));
    m_window = new QComboBox(this);
    m_window->addItem(tr("the whole conversation"), 0);
    m_window->addItem(tr("the last 64 tokens"), 64);
    m_window->addItem(tr("the last 256 tokens"), 256);
    bar->addWidget(m_window);
    bar->addSpacing(16);
    bar->addWidget(new QLabel(tr("Token columns"), this));
    m_columns = new QComboBox(this);
    m_columns->addItem(tr("with their text"), 14);
    m_columns->addItem(tr("wide"), 24);
    m_columns->addItem(tr("narrow (more tokens)"), 6);
    bar->addWidget(m_columns);
    bar->addStretch(1);
    lay->addLayout(bar);
    // What the mouse is over, on a line of its own under the controls (the
    // tab is narrow beside the chat), elided: it never widens the window.
    m_hover = new ElidedLabel(this);
    m_hover->setPlaceholder(tr("Point at the heatmap: the expert under the mouse and the tokens it handled last "
                               "appear here. Click a column to see that token in every layer."));
    lay->addWidget(m_hover);

    m_tokens = new TokenHeatmap(data, this);
    m_tokenData = new TokenModel(data, this); // the heatmap's data, for CSV: every token's experts in the layer
    m_tokensPanel = new ChartPanel(tr("Tokens \u00d7 experts (gate weight)"), m_tokens, m_tokenData, this);
    // Exported whole: every token of the conversation, not the scrolled view.
    m_tokensPanel->setExportPainter(
        [this] { return m_tokens->exportSize(); }, [this](QPainter& p) { m_tokens->paintExport(p); });
    connect(m_columns, &QComboBox::currentIndexChanged, this,
        [this] { m_tokens->setCellWidth(m_columns->currentData().toInt()); });
    m_loadData = new MatrixTableModel(this);
    m_load = new MatrixHeatmap(this);
    m_load->setAxisTitles(tr("layer"), tr("expert"));
    m_load->setToolTipFormatter([this](int l, int e, double v) {
        const QVector<int> frames = m_data->framesOfExpert(l, e, 12);
        QStringList toks;
        for (int f : frames)
            toks << QStringLiteral("\u201c%1\u201d").arg(m_data->text(f).toHtmlEscaped());
        return tr("<b>Layer %1, expert %2</b>: %3 tokens<br>recent: %4")
            .arg(l)
            .arg(e)
            .arg(qint64(v))
            .arg(toks.isEmpty() ? tr("none") : toks.join(QStringLiteral(" ")));
    });
    m_loadPanel = new ChartPanel(tr("Layers \u00d7 experts load"), m_load, m_loadData, this);
    m_frameData = new MatrixTableModel(this);
    auto* frameBox = new QWidget(this);
    auto* fl = new QVBoxLayout(frameBox);
    fl->setContentsMargins(0, 0, 0, 0);
    m_frameLabel
        = new QLabel(tr("Click a token in the chat or in the heatmap to see its routing across all layers."), frameBox);
    m_frameLabel->setWordWrap(true);
    m_frameLabel->setTextFormat(Qt::PlainText); // token texts are shown as they are ("&", "<b>")
    m_frame = new MatrixHeatmap(frameBox);
    m_frame->setAxisTitles(tr("layer"), tr("expert"));
    m_frame->setToolTipFormatter([](int l, int e, double w) {
        return w > 0 ? tr("Layer %1, expert %2: gate weight %3").arg(l).arg(e).arg(w, 0, 'f', 3)
                     : tr("Layer %1, expert %2: not routed").arg(l).arg(e);
    });
    fl->addWidget(m_frameLabel);
    fl->addWidget(m_frame, 1);
    m_framePanel = new ChartPanel(tr("One token across all layers"), frameBox, m_frameData, this);
    // One expert's tokens: what it is for (OLMoE's vocabulary specialisation)
    m_expertTokens = new QStandardItemModel(0, 5, this);
    // the share first: the panel is narrow beside the two heatmaps
    m_expertTokens->setHorizontalHeaderLabels({ tr("token"), tr("share"), tr("routed"), tr("seen"), tr("id") });
    auto* expertBox = new QWidget(this);
    auto* el = new QVBoxLayout(expertBox);
    el->setContentsMargins(0, 0, 0, 0);
    m_expertLabel = new QLabel(expertBox);
    m_expertLabel->setWordWrap(true);
    m_expertLabel->setTextFormat(Qt::PlainText);
    auto* expertTable = new QTableView(expertBox);
    expertTable->setModel(m_expertTokens);
    expertTable->verticalHeader()->hide();
    expertTable->setEditTriggers(QAbstractItemView::NoEditTriggers);
    expertTable->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    expertTable->horizontalHeader()->setStretchLastSection(true);
    el->addWidget(m_expertLabel);
    el->addWidget(expertTable, 1);
    m_expertPanel = new ChartPanel(tr("One expert's tokens"), expertBox, m_expertTokens, this);
    updateExpertTokens();

    auto* split = new QSplitter(Qt::Vertical, this);
    split->addWidget(m_tokensPanel);
    auto* lower = new QSplitter(Qt::Horizontal, split);
    lower->addWidget(m_loadPanel);
    lower->addWidget(m_framePanel);
    lower->addWidget(m_expertPanel);
    split->addWidget(lower);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    lay->addWidget(split, 1);

    connect(m_layer, &QSpinBox::valueChanged, this, [this](int l) {
        m_tokens->setLayer(l);
        m_tokenData->setLayer(l);
        m_load->setHighlightedRow(l);
    });
    connect(m_window, &QComboBox::currentIndexChanged, this, &ExpertsView::refresh);
    connect(m_tokens, &TokenHeatmap::frameClicked, this, &ExpertsView::showFrame);
    connect(m_load, &MatrixHeatmap::cellClicked, this, [this](int l, int e) {
        m_layer->setValue(l);
        selectExpert(l, e);
    });
    connect(m_load, &MatrixHeatmap::cellMenuRequested, this,
        [this](int l, int e, const QPoint& at) { cellMenu(l, e)->popup(at); });
    connect(m_tokens, &TokenHeatmap::expertHovered, this, [this](int l, int e) {
        const QVector<int> frames = m_data->framesOfExpert(l, e, 8);
        QStringList toks;
        for (int f : frames)
            toks << QStringLiteral("\u201c%1\u201d").arg(TokenHeatmap::columnLabel(m_data->text(f)));
        m_hover->setText(tr("Expert %1 (layer %2): %3 tokens, recent %4")
                             .arg(e)
                             .arg(l)
                             .arg(m_data->count(l, e))
                             .arg(toks.join(QStringLiteral(" "))));
    });
    connect(data, &RoutingData::cleared, this, &ExpertsView::onCleared);
}

QList<ChartPanel*> ExpertsView::panels() const {
    return { m_tokensPanel, m_loadPanel, m_framePanel, m_expertPanel };
}

void ExpertsView::selectExpert(int layer, int expert) {
    m_selLayer = layer;
    m_selExpert = expert;
    updateExpertTokens();
}

QString ExpertsView::expertTokensCaption() const {
    return m_expertLabel->text();
}

void ExpertsView::updateExpertTokens() {
    m_expertTokens->setRowCount(0);
    if (m_selExpert < 0 || m_selLayer < 0 || m_selLayer >= m_data->nLayers() || m_selExpert >= m_data->nExperts()) {
        m_expertLabel->setText(tr("Click a cell of the layers \u00d7 experts load to see the tokens that expert takes "
                                  "most; right-click it to mask or force the expert."));
        return;
    }
    // as `moe-cli runs show --experts-for`: tokens seen at least twice, by the share of them routed here
    constexpr int kTop = 16, kMinSeen = 2;
    const std::vector<moe::TokenAffinity> toks = m_data->expertTokens(m_selLayer, m_selExpert, kTop, kMinSeen);
    for (const moe::TokenAffinity& a : toks) {
        QList<QStandardItem*> row;
        auto num = [](double v, const QString& text) {
            auto* it = new QStandardItem(text);
            it->setData(v, RawValueRole);
            it->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
            return it;
        };
        row << new QStandardItem(TokenHeatmap::columnLabel(m_data->tokenText(a.token)))
            << num(a.specialisation, QStringLiteral("%1 %").arg(100.0 * a.specialisation, 0, 'f', 0))
            << num(double(a.routed), QString::number(a.routed)) << num(double(a.seen), QString::number(a.seen))
            << num(a.token, QString::number(a.token));
        m_expertTokens->appendRow(row);
    }
    const qint64 n = m_data->count(m_selLayer, m_selExpert);
    m_expertLabel->setText(toks.empty()
            ? tr("Layer %1, expert %2: %3 tokens routed here, none of them seen twice yet.")
                  .arg(m_selLayer)
                  .arg(m_selExpert)
                  .arg(n)
            : tr("Layer %1, expert %2: %3 tokens routed here. Its tokens by the share of their occurrences "
                 "routed to it (tokens seen at least twice):")
                  .arg(m_selLayer)
                  .arg(m_selExpert)
                  .arg(n));
}

QMenu* ExpertsView::cellMenu(int layer, int expert) {
    auto* menu = new QMenu(this);
    menu->setAttribute(Qt::WA_DeleteOnClose);
    menu->addSection(tr("Layer %1, expert %2").arg(layer).arg(expert));
    const int now = m_load->cellMark(layer, expert);
    const QList<QPair<QString, int>> items
        = { { tr("Mask this expert"), 1 }, { tr("Force this expert"), 2 }, { tr("Clear"), 0 } };
    for (const auto& [text, state] : items) {
        QAction* a = menu->addAction(text);
        a->setCheckable(true);
        a->setChecked(now == state && state != 0);
        a->setEnabled(now != state);
        a->setData(state);
        connect(a, &QAction::triggered, this,
            [this, layer, expert, state = state] { Q_EMIT maskRequested(layer, expert, state); });
    }
    menu->addSeparator();
    QAction* show = menu->addAction(tr("Show its tokens"));
    connect(show, &QAction::triggered, this, [this, layer, expert] { selectExpert(layer, expert); });
    return menu;
}

void ExpertsView::setExpertMarks(const QVector<int>& marks) {
    m_load->setCellMarks(marks);
}

void ExpertsView::attachLab(RoutingLabView* lab) {
    connect(this, &ExpertsView::maskRequested, lab, &RoutingLabView::setCellFromHeatmap);
    connect(lab, &RoutingLabView::gridChanged, this, &ExpertsView::setExpertMarks);
    setExpertMarks(lab->gridStates());
}

QString ExpertsView::frameCaption() const {
    return m_frameLabel->text();
}
QString ExpertsView::hoverText() const {
    return m_hover->text();
}

void ExpertsView::onCleared() {
    m_layer->setRange(0, std::max(0, m_data->nLayers() - 1));
    updateExpertTokens();
    m_hover->clear();
    if (m_shownFrame >= 0) Q_EMIT frameSelected(-1);
    m_shownFrame = -1;
    m_frame->setMatrix(0, 0, {});
    m_frameLabel->setText(tr("Click a token in the chat or in the heatmap to see its routing across all layers."));
    refresh();
}

void ExpertsView::setLayer(int layer) {
    m_layer->setValue(layer);
}

void ExpertsView::refresh() {
    const int L = m_data->nLayers(), E = m_data->nExperts();
    const QVector<qint64> counts = m_data->loadMatrix(m_window->currentData().toInt());
    QVector<double> v(counts.begin(), counts.end());
    m_load->setMatrix(L, E, v);
    m_load->setHighlightedRow(m_layer->value());
    m_loadData->setMatrix(L, E, v, tr("layer"), tr("expert"));
    if (m_selExpert >= 0) updateExpertTokens();
    if (m_shownFrame < 0 && m_data->frameCount() > 0) {
        // Until a token is picked, follow the latest one.
        const int f = m_data->frameCount() - 1;
        QVector<double> w(qsizetype(L) * E, 0.0);
        for (int l = 0; l < L; ++l)
            for (int j = 0; j < m_data->k(); ++j) {
                const int e = m_data->ids(f, l)[j];
                if (e >= 0 && e < E) w[l * E + e] = m_data->weights(f, l)[j];
            }
        m_frame->setMatrix(L, E, w);
        m_frameData->setMatrix(L, E, w, tr("layer"), tr("expert"));
        m_frameLabel->setText(
            tr("Latest token %1 \u201c%2\u201d").arg(f).arg(TokenHeatmap::columnLabel(m_data->text(f))));
    }
}

void ExpertsView::showFrame(int frame) {
    if (frame < 0 || frame >= m_data->frameCount()) {
        m_frameLabel->setText(tr("The routing of this token arrives with the next forward pass."));
        return;
    }
    m_shownFrame = frame;
    m_tokens->setSelectedFrame(frame);
    const int L = m_data->nLayers(), E = m_data->nExperts();
    QVector<double> w(qsizetype(L) * E, 0.0);
    for (int l = 0; l < L; ++l)
        for (int j = 0; j < m_data->k(); ++j) {
            const int e = m_data->ids(frame, l)[j];
            if (e >= 0 && e < E) w[l * E + e] = m_data->weights(frame, l)[j];
        }
    m_frame->setMatrix(L, E, w);
    m_frameData->setMatrix(L, E, w, tr("layer"), tr("expert"));
    m_frameLabel->setText(tr("Token %1 \u201c%2\u201d (%3): its experts in every layer, gate weight as colour")
                              .arg(frame)
                              .arg(TokenHeatmap::columnLabel(m_data->text(frame)))
                              .arg(m_data->isPrompt(frame) ? tr("prompt") : tr("generated")));
    Q_EMIT frameSelected(frame);
}

// ---- BalanceView ----------------------------------------------------------------------

BalanceView::BalanceView(RoutingData* data, QWidget* parent)
    : QWidget(parent)
    , m_data(data) {
    m_layers = new LayerBalanceModel(data, this);
    m_load = new ExpertLoadModel(data, this);
    m_time = new BalanceTimeModel(data, 32, this);

    auto* lay = new QVBoxLayout(this);
    lay->setContentsMargins(4, 4, 4, 4);
    auto* bar = new QHBoxLayout;
    bar->addWidget(new QLabel(tr("Layer"), this));
    m_layer = new QSpinBox(this);
    bar->addWidget(m_layer);
    bar->addSpacing(16);
    bar->addWidget(new QLabel(tr("Metrics over"), this));
    m_window = new QComboBox(this);
    // The metrics are recomputed a few times a second; over a window their
    // cost stays flat however long the conversation grows.
    m_window->addItem(tr("the last 1024 tokens"), 1024);
    m_window->addItem(tr("the last 256 tokens"), 256);
    m_window->addItem(tr("the whole conversation"), 0);
    bar->addWidget(m_window);
    bar->addStretch();
    lay->addLayout(bar);
    m_layers->setWindow(1024);

    // Expert load of one layer: bars read from ExpertLoadModel.
    m_loadChart = new QChart;
    m_loadChart->setTitle(tr("Tokens routed to each expert"));
    auto* bars = new QBarSeries;
    auto* mapper = new QVBarModelMapper(this);
    mapper->setFirstBarSetColumn(ExpertLoadModel::CountColumn);
    mapper->setLastBarSetColumn(ExpertLoadModel::CountColumn);
    mapper->setSeries(bars);
    mapper->setModel(m_load);
    m_loadChart->addSeries(bars);
    // A value axis under the bars (bar i at x = i): with 64 or 128 experts a
    // category axis would squeeze every number into "…"; this one labels
    // every 1, 2, 4, 8 or 16 experts, as the width allows.
    auto* experts = valueAxis(tr("expert"));
    experts->setTickType(QValueAxis::TicksDynamic);
    experts->setTickAnchor(0);
    m_loadY = valueAxis(tr("tokens"));
    m_loadChart->addAxis(experts, Qt::AlignBottom);
    m_loadChart->addAxis(m_loadY, Qt::AlignLeft);
    bars->attachAxis(experts);
    bars->attachAxis(m_loadY);
    bars->setBarWidth(0.9);
    m_loadChart->legend()->hide();
    m_loadX = experts;
    connect(m_loadChart, &QChart::plotAreaChanged, this, &BalanceView::updateExpertTicks);
    connect(data, &RoutingData::cleared, this, [this, bars] {
        m_loadX->setRange(-0.5, std::max(1, m_data->nExperts()) - 0.5);
        updateExpertTicks();
        m_layer->setRange(0, std::max(0, m_data->nLayers() - 1));
        for (QBarSet* s : bars->barSets())
            s->setColor(QColor(49, 104, 142));
    });
    connect(bars, &QBarSeries::barsetsAdded, this, [](const QList<QBarSet*>& sets) {
        for (QBarSet* s : sets)
            s->setColor(QColor(49, 104, 142));
    });

    // Metrics over time (windows of 32 tokens), read from BalanceTimeModel.
    m_timeChart = new QChart;
    m_timeChart->setTitle(tr("Mean over layers, windows of %1 tokens").arg(m_time->window()));
    m_timeX = valueAxis(tr("token"));
    auto* unit = valueAxis(tr("0 to 1"), QStringLiteral("%.1f"));
    unit->setTickCount(6);
    m_timeImbalance = valueAxis(tr("imbalance"), QStringLiteral("%.1f"));
    m_timeChart->addAxis(m_timeX, Qt::AlignBottom);
    m_timeChart->addAxis(unit, Qt::AlignLeft);
    m_timeChart->addAxis(m_timeImbalance, Qt::AlignRight);
    const QList<QPair<int, QString>> lines = { { BalanceTimeModel::EntropyColumn, tr("entropy") },
        { BalanceTimeModel::CoverageColumn, tr("coverage") }, { BalanceTimeModel::StabilityColumn, tr("stability") },
        { BalanceTimeModel::EfficiencyColumn, tr("efficiency") },
        { BalanceTimeModel::ImbalanceColumn, tr("imbalance") } };
    for (const auto& [col, name] : lines) {
        auto* s = new QLineSeries;
        s->setName(name);
        s->setProperty("column", col);
        m_timeChart->addSeries(s);
        s->attachAxis(m_timeX);
        s->attachAxis(col == BalanceTimeModel::ImbalanceColumn ? m_timeImbalance : unit);
    }

    auto* table = new FitTable(this);
    table->setModel(m_layers);
    table->verticalHeader()->hide();
    // Sized to the contents when the layers change, not on every update: a
    // ResizeToContents header measures every cell each time the data moves.
    // Sized to the contents when the layers change, not on every update: a
    // ResizeToContents header measures every cell each time the data moves.
    // The table then asks for the width of all its columns, so no metric
    // hides behind a horizontal scroll bar.
    table->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    table->horizontalHeader()->setStretchLastSection(true);
    table->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    connect(m_layers, &QAbstractItemModel::modelReset, table, &FitTable::fitColumns);
    table->setSelectionBehavior(QAbstractItemView::SelectRows);
    connect(table, &QTableView::clicked, this, [this](const QModelIndex& i) { m_layer->setValue(i.row()); });

    m_coact = new MatrixHeatmap(this);
    m_coact->setAxisTitles(tr("expert"), tr("expert"));
    m_coact->setToolTipFormatter([](int a, int b, double v) {
        return tr("Experts %1 and %2 chosen together for %3 tokens").arg(a).arg(b).arg(qint64(v));
    });
    m_coactData = new MatrixTableModel(this);

    // Load over position: the layer's expert load per window of tokens
    // (moe::load_over_position, as `moe-cli runs show --load-over-position`)
    auto* positionBox = new QWidget(this);
    auto* pl = new QVBoxLayout(positionBox);
    pl->setContentsMargins(0, 0, 0, 0);
    auto* pbar = new QHBoxLayout;
    pbar->addWidget(new QLabel(tr("Windows of"), positionBox));
    m_positionWindow = new QComboBox(positionBox);
    for (int w : { 16, 32, 64, 128, 256, 1024 })
        m_positionWindow->addItem(tr("%1 tokens").arg(w), w);
    m_positionWindow->setCurrentIndex(1);
    pbar->addWidget(m_positionWindow);
    pbar->addStretch(1);
    pl->addLayout(pbar);
    m_positionLabel = new QLabel(positionBox);
    m_positionLabel->setWordWrap(true);
    pl->addWidget(m_positionLabel);
    m_position = new MatrixHeatmap(positionBox);
    m_position->setAxisTitles(tr("expert"), tr("tokens from"));
    m_positionData = new QStandardItemModel(this);
    m_position->setColumnLabeler(
        [this](int c) { return c < m_positionData->rowCount() ? m_positionData->item(c, 0)->text() : QString(); });
    m_position->setToolTipFormatter([this](int e, int w, double v) {
        if (w >= m_positionData->rowCount()) return QString();
        return tr("<b>Tokens %1\u2013%2, expert %3</b>: %4 % of the window's load (%5 % over the whole "
                  "conversation)<br>drift from the whole: %6")
            .arg(m_positionData->item(w, 0)->text(), m_positionData->item(w, 1)->text())
            .arg(e)
            .arg(100.0 * v, 0, 'f', 1)
            .arg(100.0 * m_positionWhole.value(e), 0, 'f', 1)
            .arg(m_positionData->item(w, 3)->text());
    });
    pl->addWidget(m_position, 1);
    connect(m_positionWindow, &QComboBox::currentIndexChanged, this, &BalanceView::refreshPosition);

    QChartView* loadView = chartView(m_loadChart);
    loadView->setRenderHint(QPainter::Antialiasing, false); // axis-aligned bars: nothing to smooth, half the paint
    m_panels = { new ChartPanel(tr("Expert load per layer"), loadView, m_load, this),
        new ChartPanel(tr("Balance over time"), chartView(m_timeChart), m_time, this),
        new ChartPanel(tr("Metrics per layer"), table, m_layers, this),
        new ChartPanel(tr("Co-activation"), m_coact, m_coactData, this),
        new ChartPanel(tr("Load over position"), positionBox, m_positionData, this) };
    // Three rows: the load bars across the whole width (64 or 128 experts
    // need it), the metrics table (as wide as its columns) beside the
    // co-activation square, and the metrics over time across the width with
    // its five names at the side. Splitters let a person give any of them more room.
    m_timeChart->legend()->setAlignment(Qt::AlignRight);
    auto* middle = new QSplitter(Qt::Horizontal, this);
    middle->addWidget(m_panels[2]);
    middle->addWidget(m_panels[3]);
    middle->setStretchFactor(0, 1);
    middle->setStretchFactor(1, 1);
    middle->setChildrenCollapsible(false);
    // the metrics over time beside the load over position: both read along the conversation
    auto* bottom = new QSplitter(Qt::Horizontal, this);
    bottom->addWidget(m_panels[1]);
    bottom->addWidget(m_panels[4]);
    bottom->setStretchFactor(0, 1);
    bottom->setStretchFactor(1, 1);
    bottom->setSizes({ 1000, 1000 }); // half each to start with
    bottom->setChildrenCollapsible(false);
    auto* rows = new QSplitter(Qt::Vertical, this);
    rows->addWidget(m_panels[0]);
    rows->addWidget(middle);
    rows->addWidget(bottom);
    for (int i = 0; i < 3; ++i)
        rows->setStretchFactor(i, 1);
    rows->setSizes({ 1000, 1000, 1000 }); // a third each to start with
    rows->setChildrenCollapsible(false);
    lay->addWidget(rows, 1);

    connect(m_layer, &QSpinBox::valueChanged, this, [this](int l) {
        m_load->setLayer(l);
        refresh();
    });
    connect(m_window, &QComboBox::currentIndexChanged, this,
        [this] { m_layers->setWindow(m_window->currentData().toInt()); });
}

QList<ChartPanel*> BalanceView::panels() const {
    return m_panels;
}

int BalanceView::layer() const {
    return m_layer->value();
}

void BalanceView::setLayer(int layer) {
    m_layer->setValue(layer);
}

void BalanceView::setPositionWindow(int tokens) {
    const int i = m_positionWindow->findData(tokens);
    if (i >= 0) {
        m_positionWindow->setCurrentIndex(i);
    } else {
        m_positionWindow->addItem(tr("%1 tokens").arg(tokens), tokens);
        m_positionWindow->setCurrentIndex(m_positionWindow->count() - 1);
    }
}

int BalanceView::positionWindow() const {
    return m_positionWindow->currentData().toInt();
}

QString BalanceView::positionCaption() const {
    return m_positionLabel->text();
}

void BalanceView::refreshPosition() {
    const int layer = m_layer->value(), E = m_data->nExperts();
    const moe::LoadOverPosition lp = m_data->loadOverPosition(layer, positionWindow());
    const int W = int(lp.windows.size());
    m_positionData->clear();
    QStringList header { tr("first token"), tr("last token"), tr("imbalance"), tr("drift"), tr("top expert"),
        tr("top share") };
    for (int e = 0; e < E; ++e)
        header << tr("expert %1").arg(e);
    m_positionData->setColumnCount(int(header.size()));
    m_positionData->setHorizontalHeaderLabels(header);
    QVector<double> v(qsizetype(E) * W, 0.0);
    for (int w = 0; w < W; ++w) {
        const moe::LoadWindow& x = lp.windows[size_t(w)];
        QList<QStandardItem*> row;
        auto num = [](double value, const QString& text) {
            auto* it = new QStandardItem(text);
            it->setData(value, RawValueRole);
            return it;
        };
        row << num(double(x.begin), QString::number(x.begin)) << num(double(x.end - 1), QString::number(x.end - 1))
            << num(x.imbalance, QString::number(x.imbalance, 'f', 2)) << num(x.drift, QString::number(x.drift, 'f', 4))
            << num(x.top_expert, QString::number(x.top_expert))
            << num(x.top_share, QString::number(x.top_share, 'f', 4));
        for (int e = 0; e < E; ++e) {
            const double share = e < int(x.share.size()) ? x.share[size_t(e)] : 0.0;
            row << num(share, QString::number(share, 'f', 4));
            v[qsizetype(e) * W + w] = share;
        }
        m_positionData->appendRow(row);
    }
    m_positionWhole = QVector<double>(lp.whole.begin(), lp.whole.end());
    m_position->setMatrix(W > 0 ? E : 0, W, v);
    m_position->setTitle(W > 0 ? tr("Layer %1: share of each window's expert load").arg(layer) : QString());
    if (W == 0) {
        m_positionLabel->setText(tr("How the experts' load moves along the conversation appears here once tokens "
                                    "have been routed."));
        return;
    }
    const moe::LoadWindow& far = lp.windows[lp.max_drift_window];
    m_positionLabel->setText(tr("Drift (Jensen\u2013Shannon divergence of a window's load from the whole "
                                "conversation's, nats, at most 0.693): mean %1, largest %2 at tokens %3\u2013%4, "
                                "where expert %5 takes %6 %.")
                                 .arg(lp.mean_drift, 0, 'f', 4)
                                 .arg(lp.max_drift, 0, 'f', 4)
                                 .arg(far.begin)
                                 .arg(far.end - 1)
                                 .arg(far.top_expert)
                                 .arg(100.0 * far.top_share, 0, 'f', 0));
}

void BalanceView::updateExpertTicks() {
    // One label per step of experts such that labels are ~40 px apart.
    const int E = std::max(1, m_data->nExperts());
    const double plotW = m_loadChart->plotArea().width() > 0 ? m_loadChart->plotArea().width() : 400.0;
    int step = 1;
    for (int s : { 1, 2, 4, 8, 16, 32, 64 })
        if (step = s; plotW * s / E >= 32) break;
    if (m_loadX->tickInterval() != step) m_loadX->setTickInterval(step);
}

void BalanceView::refresh() {
    m_layers->recompute();
    m_load->refresh();
    const int layer = m_load->layer();
    qint64 mx = 0;
    for (int e = 0; e < m_data->nExperts(); ++e)
        mx = std::max(mx, m_data->count(layer, e));
    m_loadY->setRange(0, niceMax(double(mx)));
    m_loadY->applyNiceNumbers();
    const int rows = m_time->rowCount();
    double imb = 1.0;
    for (int r = 0; r < rows; ++r)
        imb = std::max(imb, m_time->value(r, BalanceTimeModel::ImbalanceColumn));
    m_timeX->setRange(0, std::max(double(m_time->window()), rows ? m_time->value(rows - 1, 0) : 1.0));
    m_timeImbalance->setRange(0, niceMax(imb));
    m_timeImbalance->applyNiceNumbers();
    for (QAbstractSeries* a : m_timeChart->series())
        if (auto* s = qobject_cast<QLineSeries*>(a))
            s->replace(modelPoints(m_time, BalanceTimeModel::FrameColumn, s->property("column").toInt()));
    // Co-activation of the layer (diagonal left out: it is the load itself).
    const int E = m_data->nExperts();
    if (E > 0 && layer < m_data->nLayers()) {
        const size_t n = size_t(m_data->frameCount());
        const int w = m_window->currentData().toInt();
        const size_t begin = w > 0 && size_t(w) < n ? n - size_t(w) : 0;
        const moe::LayerBalance b = moe::layer_balance(m_data->trace(), layer, E, begin, n);
        QVector<double> v(qsizetype(E) * E, 0.0);
        for (int a = 0; a < E && !b.coactivation.empty(); ++a)
            for (int c = 0; c < E; ++c)
                if (a != c) v[a * E + c] = double(b.coactivation[size_t(a) * size_t(E) + size_t(c)]);
        m_coact->setMatrix(E, E, v);
        m_coact->setTitle(tr("Layer %1: tokens that chose both experts").arg(layer));
        m_coactData->setMatrix(E, E, v, tr("expert"), tr("expert"));
    }
    refreshPosition();
}

// ---- ThroughputView ------------------------------------------------------------------------

ThroughputView::ThroughputView(RoutingData* data, ThroughputModel* model, QWidget* parent)
    : QWidget(parent)
    , m_data(data)
    , m_model(model) {
    auto* lay = new QVBoxLayout(this);
    lay->setContentsMargins(4, 4, 4, 4);
    auto* grid = new QGridLayout;
    auto figure = [&](int row, int col, const QString& name) {
        auto* title = new QLabel(name, this);
        title->setStyleSheet(QStringLiteral("color: palette(mid);"));
        auto* value = new QLabel(QStringLiteral("\u2014"), this);
        QFont f = value->font();
        f.setPointSizeF(f.pointSizeF() * 1.4);
        f.setBold(true);
        value->setFont(f);
        grid->addWidget(title, row * 2, col);
        grid->addWidget(value, row * 2 + 1, col);
        return value;
    };
    m_decode = figure(0, 0, tr("Decode tokens/s"));
    m_ttft = figure(0, 1, tr("Time to first token"));
    m_prefill = figure(0, 2, tr("Prefill tokens/s"));
    m_latency = figure(0, 3, tr("Latency p50 / p99"));
    m_bytes = figure(1, 0, tr("Weights read per token"));
    m_bandwidth = figure(1, 1, tr("Achieved bandwidth"));
    m_energy = figure(2, 0, tr("Energy per token"));
    m_cost = figure(2, 1, tr("Cost per million tokens"));
    m_share = new QProgressBar(this);
    m_share->setRange(0, 1000);
    m_share->setFormat(tr("%p% of the device's bandwidth"));
    m_share->setValue(0);
    grid->addWidget(new QLabel(tr("Against the device"), this), 2, 2, 1, 2);
    grid->addWidget(m_share, 3, 2, 1, 2);
    lay->addLayout(grid);

    auto makeChart = [&](const QString& title, int column, const QString& yTitle, QValueAxis*& x, QValueAxis*& y) {
        auto* chart = new QChart;
        chart->setTitle(title);
        // Points are replaced in bulk from the model a few times a second
        // (a model mapper would insert one point per row, redrawing the line each time).
        auto* s = new QLineSeries;
        s->setName(yTitle);
        s->setProperty("column", column);
        chart->addSeries(s);
        x = valueAxis(tr("generated token"));
        y = valueAxis(yTitle, QStringLiteral("%.1f"));
        chart->addAxis(x, Qt::AlignBottom);
        chart->addAxis(y, Qt::AlignLeft);
        s->attachAxis(x);
        s->attachAxis(y);
        chart->legend()->hide();
        return chart;
    };
    m_speedChart = makeChart(tr("Decode speed (tokens/s, last 8 tokens)"), ThroughputModel::TokensPerSecondColumn,
        tr("tokens/s"), m_speedX, m_speedY);
    m_latencyChart = makeChart(tr("Latency per token (ms)"), ThroughputModel::LatencyColumn, tr("ms"), m_latX, m_latY);
    m_panels = { new ChartPanel(tr("Decode speed"), chartView(m_speedChart), m_model, this),
        new ChartPanel(tr("Latency per token"), chartView(m_latencyChart), m_model, this) };
    auto* split = new QSplitter(Qt::Vertical, this);
    split->addWidget(m_panels[0]);
    split->addWidget(m_panels[1]);
    lay->addWidget(split, 1);
}

void ThroughputView::setModelCard(const ModelCard& card) {
    m_card = card;
}

void ThroughputView::clear() {
    m_final = false;
    for (QLabel* l : { m_decode, m_ttft, m_prefill, m_latency, m_bytes, m_bandwidth, m_energy, m_cost })
        l->setText(QStringLiteral("\u2014"));
    m_energy->setToolTip(QString());
    m_share->setValue(0);
}

void ThroughputView::refresh() {
    const int rows = m_model->rowCount();
    for (QChart* c : { m_speedChart, m_latencyChart })
        for (QAbstractSeries* a : c->series())
            if (auto* s = qobject_cast<QLineSeries*>(a))
                s->replace(modelPoints(m_model, ThroughputModel::TokenColumn, s->property("column").toInt()));
    m_speedX->setRange(0, std::max(8, rows));
    m_latX->setRange(0, std::max(8, rows));
    m_speedY->setRange(0, niceMax(m_model->maxTokensPerSecond()));
    m_latY->setRange(0, niceMax(m_model->maxLatency()));
    m_speedY->applyNiceNumbers();
    m_latY->applyNiceNumbers();
    if (rows == 0 || m_final) return; // the finished turn's exact figures stay
    const double tps = m_model->tokensPerSecond(rows - 1);
    m_decode->setText(QString::number(tps, 'f', 1));
    // Bytes the latest decode steps read, times the current speed.
    double bytes = 0;
    int n = 0;
    for (int f = m_data->frameCount() - 1; f >= 0 && n < 8 && !m_data->isPrompt(f); --f, ++n)
        bytes += m_data->bytes(f);
    if (n > 0) {
        const double per = bytes / n;
        m_bytes->setText(formatBytes(per));
        const double bw = per * tps;
        m_bandwidth->setText(tr("%1 GB/s").arg(bw / 1e9, 0, 'f', 2));
        if (m_card.deviceBandwidth > 0) m_share->setValue(int(std::min(1000.0, 1000.0 * bw / m_card.deviceBandwidth)));
    }
}

void ThroughputView::setRun(const RunView& r) {
    m_final = true;
    // A figure the run did not reach (stopped while reading the prompt, or
    // after one token: no decode speed) is a dash, never a made-up 0.
    const QString none = QStringLiteral("\u2014");
    const bool decoded = r.nGenerated >= 2 && r.decodeTps > 0;
    m_decode->setText(decoded ? QString::number(r.decodeTps, 'f', 1) : none);
    m_ttft->setText(r.nGenerated >= 1 && r.ttftMs > 0 ? tr("%1 ms").arg(r.ttftMs, 0, 'f', 1) : none);
    m_prefill->setText(r.prefillTps > 0 ? QString::number(r.prefillTps, 'f', 1) : none);
    m_latency->setText(
        r.nGenerated >= 1 && r.p50Ms > 0 ? tr("%1 / %2 ms").arg(r.p50Ms, 0, 'f', 1).arg(r.p99Ms, 0, 'f', 1) : none);
    m_bytes->setText(r.bytesPerToken > 0 ? formatBytes(r.bytesPerToken) : none);
    if (!decoded || r.achievedBandwidth <= 0)
        m_bandwidth->setText(none);
    else if (r.deviceBandwidth > 0)
        m_bandwidth->setText(
            tr("%1 of %2 GB/s").arg(r.achievedBandwidth / 1e9, 0, 'f', 2).arg(r.deviceBandwidth / 1e9, 0, 'f', 1));
    else
        m_bandwidth->setText(tr("%1 GB/s").arg(r.achievedBandwidth / 1e9, 0, 'f', 2));
    m_share->setValue(
        decoded && r.deviceBandwidth > 0 ? int(std::min(1000.0, 1000.0 * r.achievedBandwidth / r.deviceBandwidth)) : 0);
    // energy and cost (run/run_energy.h): a dash with the reason where the hardware reports none
    const moe::RunFigures* f = r.record ? &r.record->figures : nullptr;
    m_energy->setText(f && f->joules_per_token
            ? tr("%1 J (%2)").arg(*f->joules_per_token, 0, 'g', 3).arg(QString::fromStdString(f->energy_source))
            : none);
    m_energy->setToolTip(
        f && !f->energy_note.empty() ? tr("Not counted: %1").arg(QString::fromStdString(f->energy_note)) : QString());
    m_cost->setText(f && f->cost_per_mtok
            ? tr("%1 USD at %2 USD/h").arg(*f->cost_per_mtok, 0, 'g', 3).arg(f->price_per_hour.value_or(0.0), 0, 'f', 2)
            : none);
    m_cost->setToolTip(tr("The price per hour of this machine comes from an entry with its name in %1")
                           .arg(QString::fromStdString(moe::user_catalog_path())));
}

QString ThroughputView::summaryText() const {
    return QStringList { m_decode->text(), m_ttft->text(), m_prefill->text(), m_latency->text(), m_bytes->text(),
        m_bandwidth->text() }
        .join(QStringLiteral(" | "));
}

// ---- HistoryView ------------------------------------------------------------------------------

HistoryView::HistoryView(RunsModel* model, QWidget* parent)
    : QWidget(parent)
    , m_model(model) {
    auto* lay = new QVBoxLayout(this);
    lay->setContentsMargins(4, 4, 4, 4);
    auto* bar = new QHBoxLayout;
    m_filter = new QLineEdit(this);
    m_filter->setPlaceholderText(tr("Filter runs (model, prompt, backend, \u2026)"));
    m_filter->setClearButtonEnabled(true);
    bar->addWidget(m_filter, 1);
    auto* refresh = new QPushButton(tr("Refresh"), this);
    auto* compare = new QPushButton(tr("Compare selected"), this);
    compare->setToolTip(tr("Select two or more runs (Ctrl+click) to see them side by side"));
    bar->addWidget(refresh);
    bar->addWidget(compare);
    lay->addLayout(bar);
    m_proxy = new RunsSortProxy(this);
    m_proxy->setSourceModel(model);
    m_proxy->setSortRole(RawValueRole);
    m_proxy->setFilterKeyColumn(-1);
    m_proxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
    m_table = new QTableView(this);
    m_table->setModel(m_proxy);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(
        RunsModel::WhenColumn, Qt::AscendingOrder); // newest first, under a down arrow (RunsSortProxy)
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setAlternatingRowColors(true);
    lay->addWidget(m_table, 3);
    // Sweeps (the Experiments tab, moe-cli sweep): one record each, its points being score runs above
    auto* sweepBar = new QHBoxLayout;
    sweepBar->addWidget(new QLabel(tr("Sweeps (quality against cost, one record each)"), this), 1);
    auto* openSweep = new QPushButton(tr("Open in Experiments"), this);
    auto* compareSweep = new QPushButton(tr("Compare its runs"), this);
    auto* exportSweep = new QPushButton(tr("Export sweep\u2026"), this);
    for (QPushButton* b : { openSweep, compareSweep, exportSweep })
        sweepBar->addWidget(b);
    lay->addLayout(sweepBar);
    m_sweeps = new QTableWidget(0, 7, this);
    m_sweeps->setHorizontalHeaderLabels({ tr("Sweep"), tr("When (UTC)"), tr("Model"), tr("Settings"), tr("Tokens"),
        tr("Points"), tr("Best perplexity") });
    m_sweeps->verticalHeader()->hide();
    m_sweeps->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_sweeps->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_sweeps->setSelectionMode(QAbstractItemView::SingleSelection);
    m_sweeps->horizontalHeader()->setStretchLastSection(true);
    m_sweeps->setAlternatingRowColors(true);
    lay->addWidget(m_sweeps, 1);
    connect(m_sweeps, &QTableWidget::cellDoubleClicked, this, [this] { openSelectedSweep(); });
    connect(openSweep, &QPushButton::clicked, this, &HistoryView::openSelectedSweep);
    connect(compareSweep, &QPushButton::clicked, this, &HistoryView::compareSelectedSweep);
    connect(exportSweep, &QPushButton::clicked, this, [this] {
        const int i = selectedSweep();
        if (i >= 0) Q_EMIT sweepExportRequested(m_sweepList[size_t(i)]);
    });
    connect(m_filter, &QLineEdit::textChanged, this, &HistoryView::setFilterText);
    connect(refresh, &QPushButton::clicked, this, &HistoryView::refreshRequested);
    connect(compare, &QPushButton::clicked, this, [this] {
        const QStringList ids = selectedIds();
        if (ids.size() >= 2) Q_EMIT compareRequested(ids);
    });
    connect(model, &QAbstractItemModel::modelReset, m_table, &QTableView::resizeColumnsToContents);
}

void HistoryView::setSweeps(const std::vector<moe::SweepResult>& sweeps) {
    const int kept = selectedSweep();
    const int64_t keptId = kept >= 0 ? m_sweepList[size_t(kept)].id : 0;
    m_sweepList = sweeps;
    m_sweeps->setRowCount(int(sweeps.size()));
    for (int i = 0; i < int(sweeps.size()); ++i) {
        const moe::SweepResult& w = sweeps[size_t(i)];
        double best = 0.0;
        for (const moe::SweepPoint& p : w.points)
            if (!p.baseline && (best == 0.0 || p.perplexity < best)) best = p.perplexity;
        const QStringList cells { QStringLiteral("s%1").arg(w.id) + (w.cancelled ? tr(" (cancelled)") : QString()),
            QString::fromStdString(w.created_at), QString::fromStdString(w.model), QString::fromStdString(w.settings),
            QString::number(w.n_tokens), QString::number(w.points.size()),
            best > 0 ? QString::number(best, 'f', 4) : QStringLiteral("\u2014") };
        for (int c = 0; c < int(cells.size()); ++c)
            m_sweeps->setItem(i, c, new QTableWidgetItem(cells[c]));
        if (w.cancelled) m_sweeps->item(i, 0)->setToolTip(QString::fromStdString(moe::sweep_cancel_text(w)));
        if (w.id == keptId) m_sweeps->selectRow(i);
    }
    m_sweeps->resizeColumnsToContents();
}

int HistoryView::selectedSweep() const {
    const QModelIndexList rows = m_sweeps->selectionModel()->selectedRows();
    return rows.isEmpty() || rows.first().row() >= int(m_sweepList.size()) ? -1 : rows.first().row();
}

void HistoryView::selectSweep(int row) {
    m_sweeps->selectRow(row);
}

void HistoryView::openSelectedSweep() {
    const int i = selectedSweep();
    if (i >= 0) Q_EMIT sweepOpenRequested(m_sweepList[size_t(i)]);
}

void HistoryView::compareSelectedSweep() {
    const int i = selectedSweep();
    if (i < 0) return;
    QStringList ids;
    for (const moe::SweepPoint& p : m_sweepList[size_t(i)].points)
        if (p.run_id > 0) ids << QString::number(p.run_id);
    if (ids.size() >= 2) Q_EMIT compareRequested(ids);
}

void HistoryView::attachLab(RoutingLabView* lab) {
    connect(lab, &RoutingLabView::sweepsListed, this, &HistoryView::setSweeps);
    connect(this, &HistoryView::sweepOpenRequested, lab, &RoutingLabView::showSweep);
    connect(this, &HistoryView::sweepExportRequested, lab, &RoutingLabView::askExportSweep);
    connect(this, &HistoryView::refreshRequested, lab, &RoutingLabView::refreshSweeps);
    lab->refreshSweeps();
}

void HistoryView::setFilterText(const QString& text) {
    if (m_filter->text() != text) m_filter->setText(text);
    m_proxy->setFilterFixedString(text);
}

QStringList HistoryView::selectedIds() const {
    QStringList ids;
    const QModelIndexList rows = m_table->selectionModel()->selectedRows();
    for (const QModelIndex& i : rows)
        ids << m_model->run(m_proxy->mapToSource(i).row()).id;
    return ids;
}

void HistoryView::selectRows(const QList<int>& sourceRows) {
    m_table->clearSelection();
    for (int r : sourceRows) {
        const QModelIndex i = m_proxy->mapFromSource(m_model->index(r, 0));
        m_table->selectionModel()->select(i, QItemSelectionModel::Select | QItemSelectionModel::Rows);
    }
}

// ---- CompareView -------------------------------------------------------------------------------

CompareView::CompareView(QWidget* parent)
    : QWidget(parent) {
    auto* lay = new QVBoxLayout(this);
    lay->setContentsMargins(4, 4, 4, 4);
    m_warning = new QLabel(this);
    m_warning->setWordWrap(true);
    m_warning->setStyleSheet(QStringLiteral("color: #b9770e;"));
    m_agreement = new QLabel(tr("Pick two or more runs in History and press Compare selected."), this);
    m_agreement->setWordWrap(true);
    lay->addWidget(m_agreement);
    lay->addWidget(m_warning);
    m_settings = new QTableWidget(this);
    m_settings->verticalHeader()->hide();
    m_settings->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_settings->setWordWrap(true);
    m_latencyChart = new QChart;
    m_latencyChart->setTitle(tr("Latency per generated token (ms)"));
    m_imbalanceChart = new QChart;
    m_imbalanceChart->setTitle(tr("Imbalance per layer"));
    m_agreementChart = new QChart;
    m_agreementChart->setTitle(tr("Routing agreement with the first run, per layer"));
    m_latencyData = new QStandardItemModel(this);
    m_layerData = new QStandardItemModel(this);
    m_panels = { new ChartPanel(tr("Settings and results"), m_settings, nullptr, this),
        new ChartPanel(tr("Latency per token"), chartView(m_latencyChart), m_latencyData, this),
        new ChartPanel(tr("Imbalance per layer"), chartView(m_imbalanceChart), m_layerData, this),
        new ChartPanel(tr("Routing agreement"), chartView(m_agreementChart), m_layerData, this) };
    // The settings table runs the full height beside the three charts.
    auto* grid = new QGridLayout;
    grid->addWidget(m_panels[0], 0, 0, 3, 1);
    grid->addWidget(m_panels[1], 0, 1);
    grid->addWidget(m_panels[2], 1, 1);
    grid->addWidget(m_panels[3], 2, 1);
    // The table (replies and values in full, wrapped) gets the larger share.
    grid->setColumnStretch(0, 3);
    grid->setColumnStretch(1, 2);
    lay->addLayout(grid, 1);
    // Rows grow to their wrapped values whenever the columns change width.
    connect(m_settings->horizontalHeader(), &QHeaderView::sectionResized, m_settings,
        [this] { QTimer::singleShot(0, m_settings, &QTableWidget::resizeRowsToContents); });
    m_settings->setTextElideMode(Qt::ElideNone);
}

QString CompareView::agreementText() const {
    return m_agreement->text();
}

QString CompareView::warningText() const {
    return m_warning->text();
}

void CompareView::setRuns(const QVector<RunView>& runs) {
    m_runs = runs;
    // Settings and results side by side, as `moe-cli runs compare` shows them
    // (moe::compare_runs: one comparison for both); rows that differ are marked.
    std::vector<moe::RunRecord> records;
    for (const RunView& r : runs) {
        if (r.record) records.push_back(*r.record);
    }
    const bool whole = records.size() == size_t(runs.size()) && records.size() >= 2;
    const moe::RunComparison cmp = whole ? moe::compare_runs(records) : moe::RunComparison {};
    m_settings->clear();
    m_settings->setColumnCount(int(runs.size()) + 1);
    // The replies first, side by side; then the rows of moe::compare_runs.
    m_settings->setRowCount(int(cmp.rows.size()) + 1);
    m_settings->setItem(0, 0, new QTableWidgetItem(tr("Reply")));
    for (int i = 0; i < runs.size(); ++i)
        m_settings->setItem(0, i + 1, new QTableWidgetItem(runs[i].output.trimmed()));
    QStringList header { tr("Setting") };
    for (int i = 0; i < runs.size(); ++i)
        header << tr("Run %1").arg(runs[i].id.left(8));
    m_settings->setHorizontalHeaderLabels(header);
    for (int r = 0; r < int(cmp.rows.size()); ++r) {
        const moe::CompareRow& row = cmp.rows[size_t(r)];
        const QString label
            = QStringLiteral("%1: %2").arg(QString::fromStdString(row.section), QString::fromStdString(row.label));
        auto* name = new QTableWidgetItem(row.differs ? QStringLiteral("\u25cf ") + label : label);
        m_settings->setItem(r + 1, 0, name);
        for (int c = 0; c < int(row.values.size()); ++c) {
            auto* item = new QTableWidgetItem(QString::fromStdString(row.values[size_t(c)]));
            if (row.differs) {
                item->setBackground(QColor(0xff, 0xf1, 0xc1));
                QFont f = item->font();
                f.setBold(true);
                item->setFont(f);
            }
            m_settings->setItem(r + 1, c + 1, item);
        }
    }
    // Every run's column visible side by side; long values are elided, full in the tooltip.
    m_settings->horizontalHeader()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    for (int c = 1; c < m_settings->columnCount(); ++c)
        m_settings->horizontalHeader()->setSectionResizeMode(c, QHeaderView::Stretch);
    for (int r = 0; r < m_settings->rowCount(); ++r)
        for (int c = 1; c < m_settings->columnCount(); ++c)
            if (QTableWidgetItem* item = m_settings->item(r, c)) item->setToolTip(item->text());
    m_settings->resizeRowsToContents();

    // Overlaid charts: one series per run, the same colour in every chart.
    auto reset = [](QChart* c) {
        c->removeAllSeries();
        for (QAbstractAxis* a : c->axes()) {
            c->removeAxis(a);
            delete a;
        }
    };
    reset(m_latencyChart);
    reset(m_imbalanceChart);
    reset(m_agreementChart);
    auto* lx = valueAxis(tr("generated token"));
    auto* ly = valueAxis(tr("ms"), QStringLiteral("%.1f"));
    auto* ix = valueAxis(tr("layer"));
    auto* iy = valueAxis(tr("imbalance"), QStringLiteral("%.1f"));
    auto* ax = valueAxis(tr("layer"));
    auto* ay = valueAxis(tr("overlap"), QStringLiteral("%.1f"));
    m_latencyChart->addAxis(lx, Qt::AlignBottom);
    m_latencyChart->addAxis(ly, Qt::AlignLeft);
    m_imbalanceChart->addAxis(ix, Qt::AlignBottom);
    m_imbalanceChart->addAxis(iy, Qt::AlignLeft);
    m_agreementChart->addAxis(ax, Qt::AlignBottom);
    m_agreementChart->addAxis(ay, Qt::AlignLeft);
    double maxMs = 0, maxImb = 1, maxTok = 1, maxLayer = 1;
    int maxLayers = 0;
    m_latencyData->clear();
    m_layerData->clear();
    QStringList latHeader { tr("token") }, layerHeader { tr("layer") };
    for (const RunView& r : runs)
        maxLayers = std::max(maxLayers, int(r.layerImbalance.size()));
    int maxTokens = 0;
    for (const RunView& r : runs)
        maxTokens = std::max(maxTokens, int(r.tokenMs.size()));
    m_latencyData->setRowCount(maxTokens);
    m_layerData->setRowCount(maxLayers);
    for (int t = 0; t < maxTokens; ++t)
        m_latencyData->setItem(t, 0, new QStandardItem(QString::number(t)));
    for (int l = 0; l < maxLayers; ++l)
        m_layerData->setItem(l, 0, new QStandardItem(QString::number(l)));
    QStringList agreeLines;
    for (int i = 0; i < runs.size(); ++i) {
        const RunView& r = runs[i];
        const QColor color = runColors()[i % runColors().size()];
        const QString name = tr("run %1").arg(r.id.left(8));
        auto* lat = new QLineSeries;
        lat->setName(name);
        lat->setColor(color);
        latHeader << tr("%1 ms").arg(name);
        for (int t = 0; t < r.tokenMs.size(); ++t) {
            lat->append(t, r.tokenMs[t]);
            maxMs = std::max(maxMs, r.tokenMs[t]);
            m_latencyData->setItem(t, i + 1, new QStandardItem(QString::number(r.tokenMs[t], 'f', 3)));
        }
        maxTok = std::max(maxTok, double(r.tokenMs.size()));
        m_latencyChart->addSeries(lat);
        lat->attachAxis(lx);
        lat->attachAxis(ly);
        auto* imb = new QLineSeries;
        imb->setName(name);
        imb->setColor(color);
        imb->setPointsVisible(true);
        layerHeader << tr("%1 imbalance").arg(name);
        for (int l = 0; l < r.layerImbalance.size(); ++l) {
            imb->append(l, r.layerImbalance[l]);
            maxImb = std::max(maxImb, r.layerImbalance[l]);
            m_layerData->setItem(l, i + 1, new QStandardItem(QString::number(r.layerImbalance[l], 'f', 4)));
        }
        maxLayer = std::max(maxLayer, double(std::max<qsizetype>(1, r.layerImbalance.size() - 1)));
        m_imbalanceChart->addSeries(imb);
        imb->attachAxis(ix);
        imb->attachAxis(iy);
    }
    // Agreement of every later run with the first, from the same comparison.
    for (int i = 1; i < runs.size(); ++i) {
        const QString name = tr("run %1 vs %2").arg(runs[i].id.left(8), runs[0].id.left(8));
        layerHeader << tr("%1 overlap").arg(name);
        const auto g = std::find_if(cmp.agreements.begin(), cmp.agreements.end(),
            [&](const moe::RunAgreement& a) { return a.b == records[size_t(i)].id; });
        if (!whole || g == cmp.agreements.end() || g->agreement.n_compared == 0) {
            agreeLines << tr("%1: no tokens in common to compare (different prompts or no routing recorded)").arg(name);
            continue;
        }
        auto* s = new QLineSeries;
        s->setName(name);
        s->setColor(runColors()[i % runColors().size()]);
        s->setPointsVisible(true);
        double meanOverlap = 0;
        for (const moe::LayerAgreement& l : g->agreement.layers) {
            s->append(l.layer, l.overlap);
            m_layerData->setItem(l.layer, int(runs.size()) + i, new QStandardItem(QString::number(l.overlap, 'f', 4)));
            meanOverlap += l.overlap;
        }
        if (!g->agreement.layers.empty()) meanOverlap /= double(g->agreement.layers.size());
        m_agreementChart->addSeries(s);
        s->attachAxis(ax);
        s->attachAxis(ay);
        if (g->sets_apply) {
            agreeLines << tr("%1: mean top-k overlap %2, identical expert sets in %3 % of (token, layer) pairs over %4 "
                             "common tokens%5")
                              .arg(name)
                              .arg(meanOverlap, 0, 'f', 2)
                              .arg(100.0 * g->agreement.set_match, 0, 'f', 1)
                              .arg(g->agreement.n_compared)
                              .arg(g->agreement.first_divergence >= 0
                                      ? tr(", first divergence at token %1").arg(g->agreement.first_divergence)
                                      : tr(", never diverging"));
        } else {
            agreeLines << tr("%1: mean overlap of the experts chosen %2 over %3 common tokens (the runs use different "
                             "numbers of experts per token, so identical sets do not apply)")
                              .arg(name)
                              .arg(meanOverlap, 0, 'f', 2)
                              .arg(g->agreement.n_compared);
        }
    }
    latHeader.resize(std::min<qsizetype>(latHeader.size(), m_latencyData->columnCount()));
    m_latencyData->setHorizontalHeaderLabels(latHeader);
    m_layerData->setHorizontalHeaderLabels(layerHeader);
    lx->setRange(0, maxTok);
    ly->setRange(0, niceMax(maxMs));
    ly->applyNiceNumbers();
    ix->setRange(0, maxLayer);
    iy->setRange(0, niceMax(maxImb));
    iy->applyNiceNumbers();
    ax->setRange(0, maxLayer);
    ay->setRange(0, 1.0);
    ay->setTickCount(6);
    for (QValueAxis* a : { ix, ax })
        a->setTickCount(std::min(9, int(maxLayer) + 1));

    if (runs.size() < 2) {
        m_agreement->setText(tr("Pick two or more runs in History and press Compare selected."));
    } else {
        m_agreement->setText(tr("<b>Routing agreement</b><br>%1").arg(agreeLines.join(QStringLiteral("<br>"))));
    }
    QStringList warn;
    for (const std::string& w : cmp.warnings)
        warn << QString::fromStdString(w);
    if (!whole && runs.size() >= 2) warn << tr("some runs could not be loaded whole");
    warn.removeDuplicates();
    m_warning->setText(
        warn.isEmpty() ? QString() : tr("Not like for like: %1.").arg(warn.join(QStringLiteral("; ")).toHtmlEscaped()));
    m_warning->setVisible(!warn.isEmpty());
}
