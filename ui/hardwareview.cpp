#include "hardwareview.h"

#include "panels.h"

#include "store/run.h"
#include "whatif/offload.h"
#include "whatif/projection.h"
#include "whatif/report.h"

#include <QBarCategoryAxis>
#include <QBarSeries>
#include <QBarSet>
#include <QChart>
#include <QChartView>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLegend>
#include <QLocale>
#include <QMenu>
#include <QSplitter>
#include <QStandardItemModel>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>
#include <QValueAxis>

#include <algorithm>
#include <cmath>

namespace {

QString qs(const std::string& s) {
    return QString::fromStdString(s);
}

// A table model filled from one of the engine's text tables, numbers kept
// sortable and right-aligned.
void fill(QStandardItemModel* m, const moe::TextTable& t) {
    m->clear();
    QStringList header;
    for (const std::string& h : t.header)
        header << qs(h);
    m->setHorizontalHeaderLabels(header);
    for (const auto& r : t.rows) {
        QList<QStandardItem*> row;
        for (size_t c = 0; c < r.size(); ++c) {
            auto* item = new QStandardItem(qs(r[c]));
            bool number = false;
            const double v = qs(r[c]).toDouble(&number);
            if (number) {
                item->setData(v, Qt::UserRole);
                item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
            }
            item->setEditable(false);
            row << item;
        }
        m->appendRow(row);
    }
}

QTableView* tableView(QStandardItemModel* m, QWidget* parent) {
    auto* v = new QTableView(parent);
    v->setModel(m);
    v->verticalHeader()->hide();
    v->setAlternatingRowColors(true);
    v->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    v->setSelectionBehavior(QAbstractItemView::SelectRows);
    return v;
}

} // namespace

HardwareView::HardwareView(QWidget* parent)
    : QWidget(parent) {
    auto* lay = new QVBoxLayout(this);
    lay->setContentsMargins(4, 4, 4, 4);
    m_title = new QLabel(this);
    m_title->setWordWrap(true);
    QFont bold = m_title->font();
    bold.setBold(true);
    m_title->setFont(bold);
    lay->addWidget(m_title);
    m_basis = new QLabel(this);
    m_basis->setWordWrap(true);
    m_basis->setTextInteractionFlags(Qt::TextSelectableByMouse);
    lay->addWidget(m_basis);
    m_message = new QLabel(this);
    m_message->setWordWrap(true);
    m_message->setStyleSheet(QStringLiteral("color: palette(mid);"));
    lay->addWidget(m_message);

    auto* controls = new QHBoxLayout;
    controls->addWidget(new QLabel(tr("Also at efficiency"), this));
    m_efficiency = new QDoubleSpinBox(this);
    m_efficiency->setRange(0, 100);
    m_efficiency->setDecimals(0);
    m_efficiency->setSuffix(tr(" %"));
    m_efficiency->setSpecialValueText(tr("off"));
    m_efficiency->setToolTip(tr("Besides the bandwidth share the run reached, project at this share of each device's "
                                "bandwidth"));
    controls->addWidget(m_efficiency);
    controls->addWidget(new QLabel(tr("Prefill at"), this));
    m_precision = new QComboBox(this);
    m_precision->addItem(tr("BF16"), QStringLiteral("bf16"));
    m_precision->addItem(tr("FP8"), QStringLiteral("fp8"));
    m_precision->addItem(tr("FP4"), QStringLiteral("fp4"));
    controls->addWidget(m_precision);
    controls->addSpacing(24);
    controls->addWidget(new QLabel(tr("Offload plan: GPU memory"), this));
    m_vram = new QDoubleSpinBox(this);
    m_vram->setRange(0.001, 4096);
    m_vram->setDecimals(3);
    m_vram->setValue(16);
    m_vram->setSuffix(tr(" GiB"));
    controls->addWidget(m_vram);
    controls->addWidget(new QLabel(tr("bandwidth of"), this));
    m_gpu = new QComboBox(this);
    controls->addWidget(m_gpu);
    controls->addStretch(1);
    lay->addLayout(controls);

    m_chart = new QChart;
    m_chart->setTitle(tr("Batch-1 decode tokens/s at the run's bandwidth share, by vendor and year (* announced)"));
    m_chart->setMargins(QMargins(4, 4, 4, 4));
    m_chart->setBackgroundRoundness(0);
    m_chart->legend()->setAlignment(Qt::AlignBottom);
    auto* chartView = new QChartView(m_chart);
    chartView->setRenderHint(QPainter::Antialiasing);
    chartView->setMinimumHeight(220);
    m_table = new QStandardItemModel(this);
    m_offload = new QStandardItemModel(this);
    auto* projection = tableView(m_table, this);
    projection->setSortingEnabled(false);
    // the price column is edited in place (double-click); right-click resets it
    projection->setEditTriggers(
        QAbstractItemView::DoubleClicked | QAbstractItemView::EditKeyPressed | QAbstractItemView::AnyKeyPressed);
    projection->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(projection, &QWidget::customContextMenuRequested, this, &HardwareView::showPriceMenu);
    m_projectionView = projection;
    connect(m_table, &QStandardItemModel::itemChanged, this, &HardwareView::priceEdited);
    auto* offloadBox = new QWidget(this);
    auto* offloadLay = new QVBoxLayout(offloadBox);
    offloadLay->setContentsMargins(0, 0, 0, 0);
    m_offloadText = new QLabel(offloadBox);
    m_offloadText->setWordWrap(true);
    m_offloadText->setTextInteractionFlags(Qt::TextSelectableByMouse);
    offloadLay->addWidget(m_offloadText);
    offloadLay->addWidget(tableView(m_offload, offloadBox), 1);

    m_panels = { new ChartPanel(tr("Across hardware generations"), chartView, m_table, this),
        new ChartPanel(tr("Projection per device"), projection, m_table, this),
        new ChartPanel(tr("Expert offload plan"), offloadBox, m_offload, this) };
    // the chart across the top; the table and the offload plan side by side below
    auto* bottom = new QSplitter(Qt::Horizontal, this);
    bottom->addWidget(m_panels[1]);
    bottom->addWidget(m_panels[2]);
    bottom->setStretchFactor(0, 3);
    bottom->setStretchFactor(1, 2);
    auto* split = new QSplitter(Qt::Vertical, this);
    split->addWidget(m_panels[0]);
    split->addWidget(bottom);
    split->setStretchFactor(0, 1);
    split->setStretchFactor(1, 1);
    lay->addWidget(split, 1);

    try {
        setCatalog(moe::load_catalog());
    } catch (const std::exception& e) {
        m_message->setText(tr("The device file could not be read: %1").arg(QString::fromUtf8(e.what())));
        setCatalog(moe::merge_catalog({}, {}));
    }
    connect(m_efficiency, qOverload<double>(&QDoubleSpinBox::valueChanged), this, &HardwareView::recompute);
    connect(m_precision, qOverload<int>(&QComboBox::currentIndexChanged), this, &HardwareView::recompute);
    connect(m_vram, qOverload<double>(&QDoubleSpinBox::valueChanged), this, &HardwareView::recomputeOffload);
    connect(m_gpu, qOverload<int>(&QComboBox::currentIndexChanged), this, &HardwareView::recomputeOffload);
}

void HardwareView::setCatalog(std::vector<moe::DeviceSpec> catalog) {
    // by vendor, kind (datacenter, workstation) and year: generations side by side
    std::stable_sort(catalog.begin(), catalog.end(), [](const moe::DeviceSpec& a, const moe::DeviceSpec& b) {
        if (a.vendor != b.vendor) return a.vendor < b.vendor;
        if (a.kind != b.kind) return a.kind < b.kind;
        return a.year < b.year;
    });
    m_catalog = std::move(catalog);
    const QSignalBlocker block(m_gpu);
    const QString was = m_gpu->currentText();
    m_gpu->clear();
    for (const moe::DeviceSpec& d : m_catalog)
        if (d.kind == "workstation" || d.kind == "datacenter")
            m_gpu->addItem(tr("%1 (%2 GB/s)").arg(qs(d.name)).arg(d.bandwidth_gb_s, 0, 'f', 0), d.bandwidth_gb_s);
    const int i = m_gpu->findText(was);
    m_gpu->setCurrentIndex(i >= 0 ? i : std::max(0, m_gpu->findText(QStringLiteral("RTX 4090"), Qt::MatchStartsWith)));
    recompute();
}

void HardwareView::setVramGiB(double gib) {
    m_vram->setValue(gib);
}

void HardwareView::setRun(const RunView& run) {
    m_record = run.record;
    m_footprint = {};
    m_footprintNote.clear();
    if (m_record) {
        try {
            std::string note;
            m_footprint = moe::footprint_for_run(*m_record, {}, &note);
            m_footprintNote = qs(note);
        } catch (const std::exception& e) {
            m_footprint = moe::footprint_of(*m_record);
            m_footprintNote = QString::fromUtf8(e.what());
        }
    }
    recompute();
}

QString HardwareView::ruleText() const {
    return m_offloadText->property("rule").toString();
}

QString HardwareView::message() const {
    return m_message->text();
}

void HardwareView::priceEdited(QStandardItem* item) {
    if (m_filling || !item || item->column() != m_priceColumn) return;
    const QString device = item->data(Qt::UserRole + 1).toString();
    QString text = item->text().trimmed();
    if (text.startsWith(QLatin1Char('$'))) text = text.mid(1).trimmed();
    std::optional<double> price;
    bool ok = true;
    if (!text.isEmpty() && text != QLatin1String("-")) {
        double v = QLocale().toDouble(text, &ok);
        if (!ok) v = text.toDouble(&ok);
        ok = ok && std::isfinite(v) && v >= 0;
        price = v;
    }
    // The table is refilled after the edit has finished, not inside it.
    QTimer::singleShot(0, this, [this, device, price, ok, text] {
        if (!ok) {
            recompute();
            m_message->setText(tr("\"%1\" is not a price for %2: give US dollars per hour, 0 or more (say 2.5), or "
                                  "nothing for the catalogue's.")
                                   .arg(text, device));
            return;
        }
        setPrice(device, price);
    });
}

void HardwareView::setPrice(const QString& device, std::optional<double> price) {
    const std::string path = moe::user_catalog_path();
    try {
        moe::set_user_price(path, device.toStdString(), price);
        setCatalog(moe::load_catalog(path));
    } catch (const std::exception& e) {
        recompute();
        m_message->setText(tr("The price was not changed: %1").arg(QString::fromUtf8(e.what())));
        return;
    }
    m_message->setText(price ? tr("%1 now costs %2 USD an hour (kept in %3).").arg(device).arg(*price).arg(qs(path))
                             : tr("%1 is back at the catalogue's price.").arg(device));
}

void HardwareView::showPriceMenu(const QPoint& at) {
    const QModelIndex index = m_projectionView->indexAt(at);
    if (!index.isValid() || m_priceColumn < 0) return;
    const QString device = m_table->item(index.row(), m_priceColumn)->data(Qt::UserRole + 1).toString();
    QMenu menu(this);
    menu.addAction(tr("Edit the price of %1").arg(device), this,
        [this, index] { m_projectionView->edit(m_table->index(index.row(), m_priceColumn)); });
    menu.addAction(
        tr("Reset the price of %1 to the catalogue's").arg(device), this, [this, device] { resetPrice(device); });
    menu.exec(m_projectionView->viewport()->mapToGlobal(at));
}

void HardwareView::recompute() {
    m_chart->removeAllSeries();
    for (QAbstractAxis* a : m_chart->axes())
        m_chart->removeAxis(a);
    m_table->clear();
    if (!m_record) {
        m_title->setText(tr("Finish a reply, or compare runs from History, to project the run onto other hardware."));
        m_basis->clear();
        m_message->clear();
        recomputeOffload();
        return;
    }
    const moe::RunRecord& r = *m_record;
    m_title->setText(tr("Run %1: %2, %3 on %4, %5 tokens/s")
                         .arg(r.id)
                         .arg(qs(r.model.name), qs(r.backend), qs(r.hardware.cpu_model))
                         .arg(r.decode_tokens_per_s, 0, 'f', 2));
    moe::ProjectionOptions opt;
    opt.efficiency = m_efficiency->value() / 100.0;
    opt.precision = m_precision->currentData().toString().toStdString();
    moe::RunBasis basis;
    try {
        basis = moe::run_basis(r, m_footprint, opt);
    } catch (const std::exception& e) {
        m_message->setText(QString::fromUtf8(e.what()));
        m_basis->clear();
        recomputeOffload();
        return;
    }
    if (basis.efficiency <= 0 && opt.efficiency <= 0) {
        m_message->setText(tr("This run has no measured memory bandwidth, so it has no efficiency to carry over: set "
                              "one above."));
    } else {
        m_message->setText(m_footprint.source == "model file" ? QString() : m_footprintNote);
    }
    QStringList lines;
    for (const auto& [label, value] : moe::basis_lines(basis, opt))
        lines << QStringLiteral("<b>%1</b>: %2").arg(qs(label).toHtmlEscaped(), qs(value).toHtmlEscaped());
    m_basis->setText(lines.join(QStringLiteral("<br>")));
    std::vector<moe::DeviceProjection> ps;
    for (const moe::DeviceSpec& d : m_catalog)
        ps.push_back(moe::project(basis, d, opt));
    m_filling = true;
    fill(m_table, moe::whatif_table(ps, opt));
    m_priceColumn = -1;
    for (int c = 0; c < m_table->columnCount(); ++c)
        if (m_table->horizontalHeaderItem(c)->text() == QLatin1String("$/h")) m_priceColumn = c;
    if (m_priceColumn >= 0) {
        m_table->horizontalHeaderItem(m_priceColumn)
            ->setToolTip(tr("USD per device-hour: double-click to set your own (kept in %1); right-click to go "
                            "back to the catalogue's")
                             .arg(qs(moe::user_catalog_path())));
        for (int r = 0; r < m_table->rowCount() && r < int(ps.size()); ++r) {
            QStandardItem* item = m_table->item(r, m_priceColumn);
            item->setEditable(true);
            item->setData(qs(ps[size_t(r)].device.name), Qt::UserRole + 1);
            item->setToolTip(ps[size_t(r)].device.origin == "built-in"
                    ? tr("The catalogue's price; double-click to set your own")
                    : tr("From %1; double-click to change, right-click to reset").arg(qs(ps[size_t(r)].device.origin)));
        }
    }
    m_filling = false;
    // the price and what it gives beside the device's name, where a reader looks first
    QHeaderView* header = m_projectionView->horizontalHeader();
    int at = 2; // after device and status
    for (const QString& name : { QStringLiteral("$/h"), QStringLiteral("$/Mtok") })
        for (int c = 0; c < m_table->columnCount(); ++c)
            if (m_table->horizontalHeaderItem(c)->text() == name) header->moveSection(header->visualIndex(c), at++);

    // one bar per device, grouped by vendor and ordered by year
    auto* moeSet = new QBarSet(tr("this model (MoE)"));
    auto* denseSet = new QBarSet(tr("a dense model of the same size"));
    QStringList categories;
    double top = 0;
    for (const moe::DeviceProjection& p : ps) {
        categories << qs(p.device.name) + (p.device.announced() ? QStringLiteral("*") : QString());
        const double v = p.decode_tokens_per_s > 0 ? p.decode_tokens_per_s : p.decode_tokens_per_s_user;
        const double dv = p.decode_tokens_per_s > 0 ? p.dense_tokens_per_s : 0;
        *moeSet << v;
        *denseSet << dv;
        top = std::max(top, v);
    }
    auto* series = new QBarSeries;
    series->append(moeSet);
    series->append(denseSet);
    m_chart->addSeries(series);
    auto* x = new QBarCategoryAxis;
    x->append(categories);
    x->setLabelsAngle(-45);
    QFont small = x->labelsFont();
    small.setPointSizeF(small.pointSizeF() * 0.85);
    x->setLabelsFont(small);
    auto* y = new QValueAxis;
    y->setTitleText(tr("tokens/s"));
    y->setLabelFormat(QStringLiteral("%.3g"));
    y->setRange(0, top > 0 ? top * 1.05 : 1);
    y->applyNiceNumbers();
    m_chart->addAxis(x, Qt::AlignBottom);
    m_chart->addAxis(y, Qt::AlignLeft);
    series->attachAxis(x);
    series->attachAxis(y);
    recomputeOffload();
}

void HardwareView::recomputeOffload() {
    m_offload->clear();
    m_offloadText->setProperty("rule", QString());
    if (!m_record) {
        m_offloadText->setText(tr("No run yet."));
        return;
    }
    const moe::RunRecord& r = *m_record;
    if (m_footprint.expert_bytes.empty() || r.routing.size() == 0) {
        m_offloadText->setText(tr("Nothing to offload: this run has no experts or no routing trace."));
        return;
    }
    moe::OffloadOptions o;
    o.vram_bytes = uint64_t(m_vram->value() * double(uint64_t(1) << 30));
    o.gpu_bandwidth_gb_s = m_gpu->currentData().toDouble() > 0 ? m_gpu->currentData().toDouble() : 1008;
    o.cpu_bandwidth_gb_s = r.figures.memory_bandwidth_gb_per_s > 0 ? r.figures.memory_bandwidth_gb_per_s : 50;
    o.efficiency = r.figures.bandwidth_share() > 0 ? std::min(1.0, r.figures.bandwidth_share()) : 0.6;
    o.context = r.settings.n_ctx > 0 ? r.settings.n_ctx : 4096;
    try {
        const moe::OffloadPlan plan = moe::plan_offload(m_footprint, r.routing, o);
        fill(m_offload, moe::offload_policy_table(plan));
        QStringList lines;
        for (const auto& [label, value] : moe::offload_lines(plan))
            lines << QStringLiteral("<b>%1</b>: %2").arg(qs(label).toHtmlEscaped(), qs(value).toHtmlEscaped());
        m_offloadText->setText(lines.join(QStringLiteral("<br>")));
        m_offloadText->setProperty("rule", qs(plan.override_tensor));
    } catch (const std::exception& e) {
        m_offloadText->setText(QString::fromUtf8(e.what()));
    }
}
