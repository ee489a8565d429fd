#include "routinglab.h"

#include "error.h"
#include "panels.h"
#include "run/recorder.h"
#include "runtime/routing_policy.h"
#include "store/store.h"

#include <QApplication>
#include <QChart>
#include <QChartView>
#include <QComboBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLegendMarker>
#include <QLineEdit>
#include <QLineSeries>
#include <QPlainTextEdit>
#include <QPointer>
#include <QProgressBar>
#include <QPushButton>
#include <QScatterSeries>
#include <QSpinBox>
#include <QSplitter>
#include <QTabWidget>
#include <QTableView>
#include <QTableWidget>
#include <QVBoxLayout>
#include <QValueAxis>

#include <algorithm>
#include <cmath>
#include <map>

namespace {

// Runs f on the GUI thread with the view, unless the view is gone by then.
void post(QPointer<RoutingLabView> view, std::function<void(RoutingLabView*)> f) {
    QMetaObject::invokeMethod(
        qApp,
        [view, f = std::move(f)] {
            if (view) f(view.data());
        },
        Qt::QueuedConnection);
}

QString pointName(const moe::SweepPoint& p) {
    return p.baseline ? RoutingLabView::tr("model's own") : QString::fromStdString(p.policy);
}

const QColor k_masked(220, 80, 70);
const QColor k_forced(70, 150, 90);

} // namespace

// ---- SweepModel ------------------------------------------------------------------

int SweepModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : int(m_points.size());
}

int SweepModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant SweepModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() >= int(m_points.size())) return {};
    const moe::SweepPoint& p = m_points[size_t(index.row())];
    if (role == Qt::TextAlignmentRole) {
        return index.column() <= Family ? QVariant(Qt::AlignLeft | Qt::AlignVCenter)
                                        : QVariant(Qt::AlignRight | Qt::AlignVCenter);
    }
    if (role != Qt::DisplayRole && role != Qt::UserRole) return {};
    const bool raw = role == Qt::UserRole;
    switch (index.column()) {
    case Policy:
        return pointName(p);
    case Family:
        return QString::fromStdString(p.family);
    case Perplexity:
        return raw ? QVariant(p.perplexity) : QVariant(QString::number(p.perplexity, 'f', 3));
    case Kl:
        return raw ? QVariant(p.kl) : QVariant(QString::number(p.kl, 'f', 4));
    case Top1:
        return raw ? QVariant(p.top1_agreement) : QVariant(QString::number(100.0 * p.top1_agreement, 'f', 1) + " %");
    case Experts:
        return raw ? QVariant(p.experts_per_token) : QVariant(QString::number(p.experts_per_token, 'f', 2));
    case Bytes:
        return raw ? QVariant(p.weight_bytes_per_token)
                   : QVariant(QString::number(p.weight_bytes_per_token / 1e6, 'f', 3));
    case Speed:
        return raw ? QVariant(p.decode_tokens_per_s) : QVariant(QString::number(p.decode_tokens_per_s, 'f', 0));
    case Pareto:
        return raw ? QVariant(p.pareto) : QVariant(p.pareto ? QStringLiteral("\u2605") : QString());
    default:
        return {};
    }
}

QVariant SweepModel::headerData(int section, Qt::Orientation o, int role) const {
    if (o != Qt::Horizontal || role != Qt::DisplayRole) return {};
    switch (section) {
    case Policy:
        return tr("policy");
    case Family:
        return tr("curve");
    case Perplexity:
        return tr("perplexity");
    case Kl:
        return tr("KL (nats)");
    case Top1:
        return tr("top-1 agree");
    case Experts:
        return tr("experts/token");
    case Bytes:
        return tr("weight MB/token");
    case Speed:
        return tr("decode tok/s");
    case Pareto:
        return tr("Pareto");
    default:
        return {};
    }
}

void SweepModel::append(const moe::SweepPoint& p) {
    beginInsertRows({}, int(m_points.size()), int(m_points.size()));
    m_points.push_back(p);
    endInsertRows();
}

void SweepModel::setPoints(const std::vector<moe::SweepPoint>& points) {
    if (points.size() == m_points.size()) {
        m_points = points; // the same rows, now with their Pareto marks
        if (!m_points.empty()) Q_EMIT dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1));
        return;
    }
    beginResetModel();
    m_points = points;
    endResetModel();
}

void SweepModel::clear() {
    if (m_points.empty()) return;
    beginResetModel();
    m_points.clear();
    endResetModel();
}

// ---- RoutingLabView --------------------------------------------------------------

RoutingLabView::RoutingLabView(EngineController* controller, QWidget* parent)
    : QWidget(parent)
    , m_controller(controller)
    , m_model(new SweepModel(this))
    , m_stop(std::make_shared<std::atomic<bool>>(false)) {
    // the policy: kind and its numbers, masked and forced experts, Apply
    auto* policyBox = new QGroupBox(tr("Routing policy"), this);
    m_kind = new QComboBox(policyBox);
    m_kind->addItems({ tr("the model's own"), tr("top-k"), tr("top-p (router mass)"), tr("entropy-adaptive k") });
    m_k = new QSpinBox(policyBox);
    m_k->setRange(1, 512);
    m_p = new QDoubleSpinBox(policyBox);
    m_p->setRange(0.01, 1.0);
    m_p->setSingleStep(0.05);
    m_p->setValue(0.9);
    m_min = new QSpinBox(policyBox);
    m_min->setRange(1, 512);
    m_max = new QSpinBox(policyBox);
    m_max->setRange(1, 512);
    m_skip = new QDoubleSpinBox(policyBox);
    m_skip->setRange(0.0, 0.99);
    m_skip->setSingleStep(0.05);
    m_skip->setSpecialValueText(tr("off"));
    auto* form = new QFormLayout;
    form->addRow(tr("Policy"), m_kind);
    form->addRow(tr("Experts per token (k)"), m_k);
    form->addRow(tr("Router mass (p)"), m_p);
    auto* range = new QHBoxLayout;
    range->addWidget(m_min);
    range->addWidget(new QLabel(tr("to"), policyBox));
    range->addWidget(m_max);
    form->addRow(tr("k from"), range);
    form->addRow(tr("Skip weights under"), m_skip);
    m_grid = new QTableWidget(policyBox);
    m_grid->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_grid->setSelectionMode(QAbstractItemView::NoSelection);
    m_grid->horizontalHeader()->setMinimumSectionSize(18);
    m_grid->horizontalHeader()->setDefaultSectionSize(24);
    m_grid->verticalHeader()->setDefaultSectionSize(20);
    m_grid->setToolTip(tr("Click an expert: masked (never chosen), again: forced (always chosen), again: as the "
                          "router decides"));
    m_apply = new QPushButton(tr("Apply to the next runs"), policyBox);
    m_effect = new QLabel(policyBox);
    m_effect->setWordWrap(true);
    auto* pl = new QVBoxLayout(policyBox);
    pl->addLayout(form);
    pl->addWidget(new QLabel(tr("Experts (rows: layers; click: mask, force, clear)"), policyBox));
    pl->addWidget(m_grid, 1);
    pl->addWidget(m_apply);
    pl->addWidget(m_effect);

    // the sweep: text, settings, run/cancel, progress
    auto* sweepBox = new QGroupBox(tr("Quality against cost"), this);
    m_text = new QPlainTextEdit(sweepBox);
    m_text->setPlaceholderText(tr("Held-out text to score (longer than the context: scored in windows)"));
    m_text->setMaximumHeight(90);
    m_spec = new QLineEdit(QStringLiteral("top-k=1..4; top-p=0.5:0.95:0.15"), sweepBox);
    m_spec->setToolTip(tr("Settings, ';' between them: top-k=1..8, top-p=0.5:0.95:0.05, entropy=1..8 (k_max), "
                          "skip=0.05:0.3:0.05, or one policy"));
    m_run = new QPushButton(tr("Run sweep"), sweepBox);
    m_cancel = new QPushButton(tr("Cancel"), sweepBox);
    m_progress = new QProgressBar(sweepBox);
    m_status = new QLabel(sweepBox);
    m_status->setObjectName(QStringLiteral("sweepSummary"));
    m_status->setWordWrap(true); // a sweep's summary wraps: the window's width never follows it
    m_x = new QComboBox(sweepBox);
    m_x->addItems({ tr("experts per token"), tr("weight MB per token") });
    m_y = new QComboBox(sweepBox);
    m_y->addItems({ tr("perplexity"), tr("KL from the model's own (nats)") });
    auto* sl = new QVBoxLayout(sweepBox);
    sl->addWidget(m_text);
    auto* row = new QHBoxLayout;
    row->addWidget(new QLabel(tr("Settings"), sweepBox));
    row->addWidget(m_spec, 1);
    row->addWidget(m_run);
    row->addWidget(m_cancel);
    sl->addLayout(row);
    auto* row2 = new QHBoxLayout;
    row2->addWidget(m_progress, 1);
    row2->addWidget(new QLabel(tr("x"), sweepBox));
    row2->addWidget(m_x);
    row2->addWidget(new QLabel(tr("y"), sweepBox));
    row2->addWidget(m_y);
    sl->addLayout(row2);
    sl->addWidget(m_status);
    sl->addStretch(1);

    // the frontier and the table
    m_chart = new QChart;
    m_chart->setMargins(QMargins(4, 4, 4, 4));
    m_chart->setBackgroundRoundness(0);
    m_chart->legend()->setAlignment(Qt::AlignBottom);
    auto* view = new QChartView(m_chart);
    view->setRenderHint(QPainter::Antialiasing);
    view->setMinimumHeight(200);
    m_chartPanel = new ChartPanel(tr("Quality against cost"), view, m_model, this);
    m_table = new QTableView(this);
    m_table->setModel(m_model);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    auto* results = new QSplitter(Qt::Horizontal, this);
    results->addWidget(m_chartPanel);
    results->addWidget(m_table);
    results->setStretchFactor(0, 3);
    results->setStretchFactor(1, 2);

    auto* top = new QHBoxLayout;
    top->addWidget(policyBox, 2);
    top->addWidget(sweepBox, 3);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(top, 2);
    layout->addWidget(results, 3);

    connect(m_kind, &QComboBox::currentIndexChanged, this, &RoutingLabView::updateControls);
    connect(m_grid, &QTableWidget::cellClicked, this, &RoutingLabView::toggleCell);
    connect(m_apply, &QPushButton::clicked, this, &RoutingLabView::applyPolicy);
    connect(m_run, &QPushButton::clicked, this, &RoutingLabView::startSweep);
    connect(m_cancel, &QPushButton::clicked, this, &RoutingLabView::cancelSweep);
    connect(m_x, &QComboBox::currentIndexChanged, this, &RoutingLabView::redrawChart);
    connect(m_y, &QComboBox::currentIndexChanged, this, &RoutingLabView::redrawChart);
    connect(m_controller, &EngineController::modelLoaded, this, &RoutingLabView::setModel);
    updateControls();
    redrawChart();
}

RoutingLabView::~RoutingLabView() {
    m_stop->store(true); // a sweep still on the worker stops at its next setting
}

void RoutingLabView::setModel(const ModelCard& card) {
    m_modelK = card.expertsUsedModel;
    m_experts = card.experts;
    const int layers = card.isMoe ? card.moeLayers : 0;
    m_grid->clear();
    m_grid->setRowCount(layers);
    m_grid->setColumnCount(card.isMoe ? card.experts : 0);
    QStringList rows, cols;
    for (int l = 0; l < layers; ++l)
        rows << tr("layer %1").arg(l);
    for (int e = 0; e < m_grid->columnCount(); ++e)
        cols << QString::number(e);
    m_grid->setVerticalHeaderLabels(rows);
    m_grid->setHorizontalHeaderLabels(cols);
    for (int l = 0; l < layers; ++l)
        for (int e = 0; e < m_grid->columnCount(); ++e) {
            auto* it = new QTableWidgetItem;
            it->setData(Qt::UserRole, 0);
            m_grid->setItem(l, e, it);
        }
    for (QSpinBox* b : { m_k, m_min, m_max })
        b->setMaximum(std::max(1, card.experts));
    m_k->setValue(std::max(1, card.expertsUsed));
    m_min->setValue(1);
    m_max->setValue(std::max(1, card.expertsUsed));
    m_kind->setCurrentIndex(0);
    m_skip->setValue(0.0);
    m_inEffect.clear();
    m_effect->setText(tr("In effect: the model's own routing (top-%1).").arg(card.expertsUsed));
    Q_EMIT gridChanged(gridStates());
    if (m_text->toPlainText().isEmpty()) {
        QFile f(QFileInfo(card.path).dir().filePath(QStringLiteral("heldout-excerpt.txt")));
        if (f.open(QIODevice::ReadOnly)) m_text->setPlainText(QString::fromUtf8(f.read(4096)));
    }
    updateControls();
}

void RoutingLabView::updateControls() {
    const int kind = m_kind->currentIndex();
    m_k->setEnabled(kind == 1);
    m_p->setEnabled(kind == 2);
    m_min->setEnabled(kind >= 2);
    m_max->setEnabled(kind >= 2);
    m_run->setEnabled(!m_sweeping);
    m_cancel->setEnabled(m_sweeping);
    m_apply->setEnabled(!m_sweeping);
}

int RoutingLabView::cellState(int layer, int expert) const {
    const QTableWidgetItem* it = m_grid->item(layer, expert);
    return it ? it->data(Qt::UserRole).toInt() : 0;
}

void RoutingLabView::toggleCell(int layer, int expert) {
    setCellState(layer, expert, (cellState(layer, expert) + 1) % 3);
}

void RoutingLabView::setCellState(int layer, int expert, int state) {
    QTableWidgetItem* it = m_grid->item(layer, expert);
    if (!it || state < 0 || state > 2) return;
    it->setData(Qt::UserRole, state);
    it->setBackground(state == 1 ? k_masked : state == 2 ? k_forced : QBrush());
    it->setText(state == 1 ? QStringLiteral("\u00d7") : state == 2 ? QStringLiteral("+") : QString());
    it->setTextAlignment(Qt::AlignCenter);
    Q_EMIT gridChanged(gridStates());
}

void RoutingLabView::setCellFromHeatmap(int layer, int expert, int state) {
    setCellState(layer, expert, state);
    if (!m_sweeping) applyPolicy(); // the next run uses it, as Apply would
}

QVector<int> RoutingLabView::gridStates() const {
    QVector<int> v;
    v.reserve(qsizetype(m_grid->rowCount()) * m_grid->columnCount());
    for (int l = 0; l < m_grid->rowCount(); ++l)
        for (int e = 0; e < m_grid->columnCount(); ++e)
            v.append(cellState(l, e));
    return v;
}

QString RoutingLabView::policyText() const {
    QStringList parts;
    switch (m_kind->currentIndex()) {
    case 1:
        parts << QStringLiteral("top-k=%1").arg(m_k->value());
        break;
    case 2:
        parts << QStringLiteral("top-p=%1,min=%2,max=%3").arg(m_p->value()).arg(m_min->value()).arg(m_max->value());
        break;
    case 3:
        parts << QStringLiteral("entropy,min=%1,max=%2").arg(m_min->value()).arg(m_max->value());
        break;
    default:
        break;
    }
    if (m_skip->value() > 0) parts << QStringLiteral("skip=%1").arg(m_skip->value());
    for (int l = 0; l < m_grid->rowCount(); ++l)
        for (int e = 0; e < m_grid->columnCount(); ++e) {
            const int s = cellState(l, e);
            if (s) parts << QStringLiteral("%1=%2:%3").arg(s == 1 ? "mask" : "force").arg(l).arg(e);
        }
    return parts.join(',');
}

void RoutingLabView::applyPolicy() {
    const QString text = policyText();
    moe::RoutingPolicy policy;
    try {
        policy = moe::parse_routing_policy(text.toStdString());
    } catch (const std::exception& e) {
        m_effect->setText(QString::fromUtf8(e.what()));
        Q_EMIT policyFailed(QString::fromUtf8(e.what()));
        return;
    }
    QPointer<RoutingLabView> self(this);
    m_controller->runOnWorker([self, policy](moe::Runner* runner, moe::RunRecorder&) {
        QString message, effect;
        try {
            if (!runner) throw moe::Error("no model is loaded");
            runner->set_routing(policy);
            effect = QString::fromStdString(runner->context().routing_policy);
        } catch (const std::exception& e) {
            message = QString::fromUtf8(e.what());
        }
        post(self, [message, effect](RoutingLabView* v) {
            if (!message.isEmpty()) {
                v->m_effect->setText(message);
                Q_EMIT v->policyFailed(message);
                return;
            }
            v->m_inEffect = effect;
            v->m_effect->setText(effect.isEmpty() ? tr("In effect: the model's own routing.")
                                                  : tr("In effect for every run from now on: %1").arg(effect));
            Q_EMIT v->policyApplied(effect);
        });
    });
}

void RoutingLabView::setSweepSpec(const QString& spec) {
    m_spec->setText(spec);
}

void RoutingLabView::setSweepText(const QString& text) {
    m_text->setPlainText(text);
}

QString RoutingLabView::statusText() const {
    return m_status->text();
}

void RoutingLabView::startSweep() {
    if (m_sweeping) return;
    moe::SweepRequest req;
    try {
        for (const QString& s : m_spec->text().split(';', Qt::SkipEmptyParts)) {
            for (moe::SweepSetting& x : moe::parse_sweep(s.trimmed().toStdString()))
                req.settings.push_back(std::move(x));
        }
        if (req.settings.empty()) throw moe::Error("give the settings to sweep, e.g. top-k=1..4");
        if (m_text->toPlainText().isEmpty()) throw moe::Error("give a text to score");
    } catch (const std::exception& e) {
        onFailed(QString::fromUtf8(e.what()));
        return;
    }
    req.text.text = m_text->toPlainText().toStdString();
    req.decode_tokens = m_decodeTokens;
    req.spec = m_spec->text().trimmed().toStdString();
    m_model->clear();
    m_sweeping = true;
    m_stop->store(false);
    m_progress->setRange(0, int(req.settings.size()) + 1);
    m_progress->setValue(0);
    m_status->setText(tr("Sweeping %1 settings...").arg(req.settings.size() + 1));
    updateControls();
    redrawChart();
    QPointer<RoutingLabView> self(this);
    auto stop = m_stop;
    m_controller->runOnWorker([self, req, stop](moe::Runner* runner, moe::RunRecorder& recorder) {
        try {
            if (!runner) throw moe::Error("no model is loaded");
            moe::SweepCallbacks cb;
            cb.cancel = stop.get();
            cb.on_progress = [self](int i, int n, const std::string& p) {
                post(self, [i, n, p = QString::fromStdString(p)](RoutingLabView* v) {
                    v->m_progress->setValue(i);
                    v->m_status->setText(tr("%1 of %2: %3").arg(i + 1).arg(n).arg(p.isEmpty() ? tr("model's own") : p));
                });
                return true;
            };
            cb.on_point = [self](const moe::SweepPoint& p) { post(self, [p](RoutingLabView* v) { v->onPoint(p); }); };
            cb.on_record = [&recorder](const moe::RunRecord& r) -> int64_t {
                const moe::RecordOutcome out = recorder.record(r);
                return out.saved() ? *out.id : 0;
            };
            moe::SweepResult res = moe::run_sweep(*runner, req, cb);
            // the sweep as one record beside its runs (History, moe-cli runs show sN)
            QString unsaved;
            if (!res.points.empty()) {
                try {
                    moe::RunStore* store = recorder.store();
                    if (!store) throw moe::Error(recorder.last_error());
                    res.id = store->save_sweep(res);
                } catch (const std::exception& e) {
                    unsaved = QString::fromUtf8(e.what());
                }
            }
            post(self, [res, unsaved](RoutingLabView* v) {
                v->onFinished(res);
                if (!unsaved.isEmpty())
                    v->m_status->setText(tr("%1 The sweep record was not saved: %2").arg(v->m_status->text(), unsaved));
            });
        } catch (const std::exception& e) {
            post(self, [m = QString::fromUtf8(e.what())](RoutingLabView* v) { v->onFailed(m); });
        }
    });
}

void RoutingLabView::cancelSweep() {
    m_stop->store(true);
    m_status->setText(tr("Cancelling: the setting in progress stops within a batch of tokens and is discarded..."));
}

void RoutingLabView::onPoint(const moe::SweepPoint& p) {
    m_model->append(p);
    m_progress->setValue(m_model->rowCount());
    redrawChart();
}

void RoutingLabView::onFinished(const moe::SweepResult& r) {
    m_sweeping = false;
    m_shown = r;
    m_model->setPoints(r.points);
    m_progress->setValue(r.cancelled ? int(r.points.size()) : m_progress->maximum());
    const QString cancelled = r.discarded.empty()
        ? tr("Cancelled after %1 settings; all kept.").arg(r.points.size())
        : tr("Cancelled during %1 after %2 of %3 tokens: that setting is discarded; the %4 finished settings are kept.")
              .arg(QString::fromStdString(r.discarded))
              .arg(r.discarded_tokens)
              .arg(r.n_tokens)
              .arg(r.points.size());
    m_status->setText(r.cancelled ? cancelled
                                  : tr("%1 settings over %2 tokens; \u2605 Pareto-best (perplexity against experts "
                                       "per token). Each setting is a score run in History.")
                                        .arg(r.points.size())
                                        .arg(r.n_tokens));
    updateControls();
    redrawChart();
    m_controller->refreshRuns();
    refreshSweeps();
    Q_EMIT sweepFinished(r.cancelled);
}

void RoutingLabView::showSweep(const moe::SweepResult& r) {
    if (m_sweeping) return;
    m_shown = r;
    m_model->setPoints(r.points);
    m_progress->setRange(0, std::max(1, int(r.points.size())));
    m_progress->setValue(int(r.points.size()));
    m_status->setText(
        tr("Sweep s%1 of %2 (%3, %4 tokens): %5")
            .arg(r.id)
            .arg(QString::fromStdString(r.created_at), QString::fromStdString(r.model))
            .arg(r.n_tokens)
            .arg(r.cancelled ? QString::fromStdString(moe::sweep_cancel_text(r)) : QString::fromStdString(r.settings)));
    redrawChart();
    if (auto* tabs = qobject_cast<QTabWidget*>(parentWidget() ? parentWidget()->parentWidget() : nullptr))
        tabs->setCurrentWidget(this);
}

void RoutingLabView::refreshSweeps() {
    QPointer<RoutingLabView> self(this);
    m_controller->runOnWorker([self](moe::Runner*, moe::RunRecorder& recorder) {
        std::vector<moe::SweepResult> all;
        try {
            if (moe::RunStore* store = recorder.store()) {
                for (const moe::SweepSummary& s : store->list_sweeps())
                    all.push_back(store->load_sweep(s.id));
            }
        } catch (const std::exception&) {
            // the store says what is wrong with it when runs are listed; no sweeps then
        }
        post(self, [all = std::move(all)](RoutingLabView* v) { Q_EMIT v->sweepsListed(all); });
    });
}

bool RoutingLabView::exportSweep(const moe::SweepResult& r, const QString& path, QString* error) {
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate)) {
        if (error) *error = f.errorString();
        return false;
    }
    const std::string text = path.endsWith(QStringLiteral(".json"), Qt::CaseInsensitive)
        ? moe::sweep_to_json(r).dump(1) + "\n"
        : moe::sweep_to_csv(r);
    if (f.write(text.data(), qint64(text.size())) != qint64(text.size()) || !f.flush()) {
        if (error) *error = f.errorString();
        return false;
    }
    return true;
}

void RoutingLabView::askExportSweep(const moe::SweepResult& r) {
    const QString path = QFileDialog::getSaveFileName(
        this, tr("Export sweep"), QStringLiteral("sweep-s%1.csv").arg(r.id), tr("CSV (*.csv);;JSON (*.json)"));
    if (path.isEmpty()) return;
    QString error;
    if (!exportSweep(r, path, &error)) m_status->setText(tr("Could not write %1: %2").arg(path, error));
}

void RoutingLabView::onFailed(const QString& message) {
    m_sweeping = false;
    m_status->setText(message);
    updateControls();
    Q_EMIT sweepFailed(message);
}

void RoutingLabView::redrawChart() {
    m_chart->removeAllSeries();
    for (QAbstractAxis* a : m_chart->axes())
        m_chart->removeAxis(a);
    const bool bytes = m_x->currentIndex() == 1;
    const bool kl = m_y->currentIndex() == 1;
    auto xOf = [&](const moe::SweepPoint& p) { return bytes ? p.weight_bytes_per_token / 1e6 : p.experts_per_token; };
    auto yOf = [&](const moe::SweepPoint& p) { return kl ? p.kl : p.perplexity; };
    auto* ax = new QValueAxis;
    ax->setTitleText(bytes ? tr("weight MB read per token") : tr("experts per token (mean per layer)"));
    ax->setLabelFormat(bytes ? QStringLiteral("%.2f") : QStringLiteral("%.1f"));
    auto* ay = new QValueAxis;
    ay->setTitleText(kl ? tr("KL from the model's own routing (nats)") : tr("perplexity"));
    ay->setLabelFormat(kl ? QStringLiteral("%.3f") : QStringLiteral("%.2f"));
    m_chart->addAxis(ax, Qt::AlignBottom);
    m_chart->addAxis(ay, Qt::AlignLeft);
    const std::vector<moe::SweepPoint>& pts = m_model->points();
    double x0 = 1e300, x1 = -1e300, y0 = 1e300, y1 = -1e300;
    std::map<std::string, std::vector<const moe::SweepPoint*>> curves;
    for (const moe::SweepPoint& p : pts) {
        x0 = std::min(x0, xOf(p));
        x1 = std::max(x1, xOf(p));
        y0 = std::min(y0, yOf(p));
        y1 = std::max(y1, yOf(p));
        if (!p.baseline) curves[p.family].push_back(&p);
    }
    auto attach = [&](QXYSeries* s) {
        m_chart->addSeries(s);
        s->attachAxis(ax);
        s->attachAxis(ay);
    };
    for (auto& [family, list] : curves) {
        std::sort(list.begin(), list.end(), [&](auto* a, auto* b) { return xOf(*a) < xOf(*b); });
        auto* s = new QLineSeries;
        s->setName(QString::fromStdString(family));
        s->setPointsVisible(true);
        for (const moe::SweepPoint* p : list)
            s->append(xOf(*p), yOf(*p));
        attach(s);
    }
    auto* own = new QScatterSeries;
    own->setName(tr("model's own"));
    own->setMarkerSize(13);
    own->setColor(QColor(30, 30, 30));
    auto* front = new QScatterSeries;
    front->setName(tr("Pareto-best"));
    front->setMarkerShape(QScatterSeries::MarkerShapeRectangle);
    front->setMarkerSize(8);
    front->setColor(QColor(240, 190, 30));
    for (const moe::SweepPoint& p : pts) {
        if (p.baseline) own->append(xOf(p), yOf(p));
        if (p.pareto) front->append(xOf(p), yOf(p));
    }
    attach(own);
    attach(front);
    if (pts.empty()) {
        ax->setRange(0, 1);
        ay->setRange(0, 1);
        m_chart->setTitle(tr("Run a sweep to see what fewer experts cost"));
        return;
    }
    m_chart->setTitle(QString());
    const double dx = std::max(x1 - x0, 1e-3), dy = std::max(y1 - y0, 1e-3);
    ax->setRange(std::max(0.0, x0 - 0.05 * dx), x1 + 0.05 * dx);
    ay->setRange(std::max(0.0, y0 - 0.08 * dy), y1 + 0.08 * dy);
}
