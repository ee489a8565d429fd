#include "panels.h"

#include <QAbstractItemModel>
#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QMenu>
#include <QMessageBox>
#include <QPainter>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollBar>
#include <QSettings>
#include <QSpinBox>
#include <QTextBlock>
#include <QTextBrowser>
#include <QToolButton>
#include <QVBoxLayout>

namespace {
std::function<ExportInfo()>& infoProvider() {
    static std::function<ExportInfo()> f;
    return f;
}
} // namespace

// ---- ElidedLabel ----------------------------------------------------------------

ElidedLabel::ElidedLabel(QWidget* parent)
    : QWidget(parent) {
    setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Fixed);
}

void ElidedLabel::setText(const QString& text) {
    if (text == m_text) return;
    m_text = text;
    setToolTip(text);
    update();
}

QSize ElidedLabel::sizeHint() const {
    return { fontMetrics().averageCharWidth() * 40, fontMetrics().height() };
}
QSize ElidedLabel::minimumSizeHint() const {
    return { 0, fontMetrics().height() };
}

void ElidedLabel::setPlaceholder(const QString& text) {
    m_placeholder = text;
    update();
}

void ElidedLabel::paintEvent(QPaintEvent*) {
    QPainter p(this);
    const bool empty = m_text.isEmpty();
    p.setPen(palette().color(empty ? QPalette::PlaceholderText : QPalette::WindowText));
    p.drawText(rect(), Qt::AlignLeft | Qt::AlignVCenter,
        fontMetrics().elidedText(empty ? m_placeholder : m_text, Qt::ElideRight, width()));
}

// ---- DefaultSpinBox -----------------------------------------------------------------

void DefaultSpinBox::stepBy(int steps) {
    if (value() == minimum() && !specialValueText().isEmpty() && m_default > minimum()) {
        // From the default, step from the number it stands for.
        const int to = m_default + steps;
        setValue(to <= minimum() ? minimum() + 1 : std::min(to, maximum()));
        selectAll();
        return;
    }
    QSpinBox::stepBy(steps);
}

QAbstractSpinBox::StepEnabled DefaultSpinBox::stepEnabled() const {
    if (value() == minimum() && !specialValueText().isEmpty() && m_default > minimum())
        return StepUpEnabled | StepDownEnabled;
    return QSpinBox::stepEnabled();
}

void DefaultSpinBox::keyPressEvent(QKeyEvent* e) {
    QSpinBox::keyPressEvent(e);
    if (e->key() == Qt::Key_Return || e->key() == Qt::Key_Enter) Q_EMIT returnPressed();
}

// ---- ChartPanel -----------------------------------------------------------------

ChartPanel::ChartPanel(const QString& title, QWidget* content, QAbstractItemModel* data, QWidget* parent)
    : QWidget(parent)
    , m_title(title)
    , m_content(content)
    , m_data(data) {
    auto* lay = new QVBoxLayout(this);
    lay->setContentsMargins(2, 2, 2, 2);
    lay->setSpacing(2);
    m_header = new QWidget(this);
    auto* head = new QHBoxLayout(m_header);
    head->setContentsMargins(4, 0, 0, 0);
    auto* label = new QLabel(QStringLiteral("<b>%1</b>").arg(title.toHtmlEscaped()), m_header);
    head->addWidget(label);
    head->addStretch();
    auto* button = new QToolButton(m_header);
    button->setText(tr("Export"));
    button->setToolTip(tr("Export this chart or its data"));
    button->setPopupMode(QToolButton::InstantPopup);
    auto* menu = new QMenu(button);
    menu->addAction(tr("Chart as PNG, SVG or PDF\u2026"), this, &ChartPanel::askExportChart);
    QAction* csv = menu->addAction(tr("Data as CSV\u2026"), this, &ChartPanel::askExportData);
    connect(menu, &QMenu::aboutToShow, this, [this, csv] { csv->setEnabled(m_data); });
    button->setMenu(menu);
    head->addWidget(button);
    lay->addWidget(m_header);
    lay->addWidget(content, 1);
}

void ChartPanel::setInfoProvider(std::function<ExportInfo()> f) {
    infoProvider() = std::move(f);
}

ExportInfo ChartPanel::exportInfo() const {
    ExportInfo info = infoProvider() ? infoProvider()() : ExportInfo {};
    info.title = m_title;
    return info;
}

void ChartPanel::setExportPainter(std::function<QSize()> size, std::function<void(QPainter&)> paint) {
    m_exportSize = std::move(size);
    m_exportPaint = std::move(paint);
}

bool ChartPanel::exportChart(const QString& path, QString* error) {
    if (m_exportPaint) return ChartExporter::exportPainted(m_exportSize(), m_exportPaint, path, exportInfo(), error);
    return ChartExporter::exportWidget(m_content, path, exportInfo(), error);
}

bool ChartPanel::exportData(const QString& path, QString* error) {
    if (!m_data) {
        if (error) *error = tr("This chart has no data to export.");
        return false;
    }
    return ChartExporter::exportCsv(m_data, path, error);
}

void ChartPanel::askExportChart() {
    QString selected;
    const QString path = QFileDialog::getSaveFileName(
        this, tr("Export %1").arg(m_title), m_title + QStringLiteral(".png"), ChartExporter::chartFilter(), &selected);
    if (path.isEmpty()) return;
    QString error;
    if (!exportChart(path, &error)) {
        auto* box = new QMessageBox(QMessageBox::Warning, tr("Export failed"), error, QMessageBox::Ok, this);
        box->setAttribute(Qt::WA_DeleteOnClose);
        box->open();
    }
}

void ChartPanel::askExportData() {
    const QString path = QFileDialog::getSaveFileName(
        this, tr("Export data of %1").arg(m_title), m_title + QStringLiteral(".csv"), tr("CSV table (*.csv)"));
    if (path.isEmpty()) return;
    QString error;
    if (!exportData(path, &error)) {
        auto* box = new QMessageBox(QMessageBox::Warning, tr("Export failed"), error, QMessageBox::Ok, this);
        box->setAttribute(Qt::WA_DeleteOnClose);
        box->open();
    }
}

// ---- ModelCardView -------------------------------------------------------------------

ModelCardView::ModelCardView(QWidget* parent)
    : QWidget(parent) {
    auto* lay = new QVBoxLayout(this);
    m_title = new QLabel(this);
    m_title->setWordWrap(true);
    QFont f = m_title->font();
    f.setPointSizeF(f.pointSizeF() * 1.2);
    f.setBold(true);
    m_title->setFont(f);
    lay->addWidget(m_title);
    m_form = new QFormLayout;
    m_form->setLabelAlignment(Qt::AlignLeft);
    m_form->setRowWrapPolicy(QFormLayout::DontWrapRows);
    const QList<QPair<QString, QString>> rows = {
        { QStringLiteral("architecture"), tr("Architecture") },
        { QStringLiteral("layers"), tr("Layers") },
        { QStringLiteral("experts"), tr("Experts") },
        { QStringLiteral("topk"), tr("Experts per token") },
        { QStringLiteral("shared"), tr("Shared experts") },
        { QStringLiteral("design"), tr("Design") },
        { QStringLiteral("params"), tr("Parameters") },
        { QStringLiteral("deactivated"), tr("Deactivated per token") },
        { QStringLiteral("quant"), tr("Quantization") },
        { QStringLiteral("context"), tr("Context") },
        { QStringLiteral("memory"), tr("Memory needed") },
        { QStringLiteral("backend"), tr("Backend") },
        { QStringLiteral("bandwidth"), tr("Memory bandwidth") },
        { QStringLiteral("chat"), tr("Chat format") },
        { QStringLiteral("file"), tr("File") },
    };
    for (const auto& [key, label] : rows) {
        auto* value = new QLabel(this);
        value->setWordWrap(true);
        value->setTextInteractionFlags(Qt::TextSelectableByMouse);
        m_form->addRow(label, value);
        m_fields.insert(key, value);
    }
    lay->addLayout(m_form);
    lay->addStretch();
    clear();
}

void ModelCardView::clear() {
    m_title->setText(tr("No model loaded"));
    for (QLabel* l : std::as_const(m_fields))
        l->setText(QStringLiteral("\u2014"));
}

void ModelCardView::setCard(const ModelCard& c) {
    m_title->setText(c.name);
    m_fields[QStringLiteral("architecture")]->setText(
        c.isMoe ? tr("%1, mixture of experts").arg(c.architecture) : tr("%1, dense").arg(c.architecture));
    m_fields[QStringLiteral("layers")]->setText(tr("%1 (%2 with experts)").arg(c.layers).arg(c.moeLayers));
    m_fields[QStringLiteral("experts")]->setText(tr("%1 per layer").arg(c.experts));
    m_fields[QStringLiteral("topk")]->setText(c.expertsUsed == c.expertsUsedModel
            ? tr("top-%1").arg(c.expertsUsed)
            : tr("top-%1 (model: top-%2)").arg(c.expertsUsed).arg(c.expertsUsedModel));
    m_fields[QStringLiteral("shared")]->setText(QString::number(c.sharedExperts));
    // the engine's own lines (English, as moe-cli info prints them): one home for what a block is
    QStringList design;
    for (const auto& [key, value] : c.design)
        design << QStringLiteral("<i>%1</i>: %2").arg(key.toHtmlEscaped(), value.toHtmlEscaped());
    m_fields[QStringLiteral("design")]->setText(
        design.isEmpty() ? QStringLiteral("\u2014") : design.join(QStringLiteral("<br>")));
    m_fields[QStringLiteral("params")]->setText(
        tr("%1 total, %2 active").arg(formatCount(double(c.totalParams)), formatCount(double(c.activeParams))));
    m_fields[QStringLiteral("deactivated")]->setText(
        tr("%1 % of the parameters").arg(100.0 * c.deactivatedShare(), 0, 'f', 1));
    m_fields[QStringLiteral("quant")]->setText(c.quantSummary());
    m_fields[QStringLiteral("context")]->setText(tr("%1 in use (trained: %2)").arg(c.contextInUse).arg(c.contextTrain));
    const double need = double(c.weightBytes + c.kvCacheBytes);
    QString mem = tr("%1 (weights %2 + KV cache %3), %4 available")
                      .arg(formatBytes(need), formatBytes(double(c.weightBytes)), formatBytes(double(c.kvCacheBytes)),
                          formatBytes(double(c.availableBytes)));
    if (c.availableBytes && need > double(c.availableBytes))
        mem = QStringLiteral("<span style='color:#c0392b'>%1</span>").arg(mem);
    m_fields[QStringLiteral("memory")]->setText(mem);
    m_fields[QStringLiteral("backend")]->setText(
        c.backendNote.isEmpty() ? c.backend : QStringLiteral("%1 (%2)").arg(c.backend, c.backendNote));
    // Measured once per program start: the best repetition, the spread, and whether the machine was busy.
    QString bw = tr("%1 GB/s read, best of %2 (lowest %3), measured once at start, %4")
                     .arg(c.deviceBandwidth / 1e9, 0, 'f', 1)
                     .arg(c.bandwidthRepetitions)
                     .arg(c.bandwidthLowest / 1e9, 0, 'f', 1)
                     .arg(c.cpuModel);
    if (c.bandwidthBusy)
        bw += QStringLiteral("<br><span style='color:#b9770e'>%1</span>")
                  .arg(tr("The repetitions spread widely: the machine was busy, so shares of it are rough."));
    m_fields[QStringLiteral("bandwidth")]->setText(c.deviceBandwidth > 0 ? bw : tr("not measured"));
    m_fields[QStringLiteral("chat")]->setText(c.chatTemplate);
    m_fields[QStringLiteral("file")]->setText(c.path);
}

QString ModelCardView::fieldText(const QString& key) const {
    return key == QLatin1String("title") ? m_title->text()
        : m_fields.value(key)            ? m_fields.value(key)->text()
                                         : QString();
}

// ---- SettingsPanel ------------------------------------------------------------------------

SettingsPanel::SettingsPanel(QWidget* parent)
    : QWidget(parent) {
    // Three groups, each a form with its labels beside their fields, and the
    // spare height below them (a form stretched over the whole tab spreads
    // its rows apart).
    auto* lay = new QVBoxLayout(this);
    auto group = [&](const QString& title) {
        auto* box = new QGroupBox(title, this);
        auto* form = new QFormLayout(box);
        form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
        form->setLabelAlignment(Qt::AlignLeft | Qt::AlignVCenter);
        lay->addWidget(box);
        return form;
    };
    auto dspin = [&](double lo, double hi, double step, int dec) {
        auto* s = new QDoubleSpinBox(this);
        s->setRange(lo, hi);
        s->setSingleStep(step);
        s->setDecimals(dec);
        connect(s, &QDoubleSpinBox::valueChanged, this, &SettingsPanel::changed);
        return s;
    };
    auto ispin = [&](QSpinBox* s, int lo, int hi) {
        s->setRange(lo, hi);
        connect(s, &QSpinBox::valueChanged, this, &SettingsPanel::changed);
        return s;
    };

    QFormLayout* conv = group(tr("Conversation"));
    m_system = new QPlainTextEdit(this);
    m_system->setPlaceholderText(tr("System prompt (applies to new conversations)"));
    m_system->setMaximumHeight(80);
    conv->addRow(tr("System prompt"), m_system);

    QFormLayout* sampling = group(tr("Sampling (the next reply)"));
    m_temperature = dspin(0.0, 5.0, 0.05, 2);
    m_temperature->setToolTip(tr("0 picks the most likely token every time"));
    sampling->addRow(tr("Temperature"), m_temperature);
    m_topK = ispin(new QSpinBox(this), 0, 1000);
    m_topK->setSpecialValueText(tr("off"));
    m_topK->setToolTip(tr("Sample the next token among the k most likely tokens of the vocabulary (not the experts)"));
    sampling->addRow(tr("Sampling top-k"), m_topK);
    m_topP = dspin(0.0, 1.0, 0.01, 2);
    sampling->addRow(tr("Top-p"), m_topP);
    m_minP = dspin(0.0, 1.0, 0.01, 2);
    sampling->addRow(tr("Min-p"), m_minP);
    m_repeat = dspin(0.5, 3.0, 0.05, 2);
    sampling->addRow(tr("Repetition penalty"), m_repeat);
    m_seed = ispin(new QSpinBox(this), -1, 2147483647);
    m_seed->setSpecialValueText(tr("random"));
    m_seed->setToolTip(tr("random: a new seed each reply (History shows the one used); a number repeats a reply"));
    sampling->addRow(tr("Seed"), m_seed);
    m_maxTokens = ispin(new QSpinBox(this), 1, 32768);
    sampling->addRow(tr("Max tokens"), m_maxTokens);

    // Reasoning models: the switches the model's chat template reads (enabled in setModel).
    QFormLayout* thinking = group(tr("Thinking (reasoning models)"));
    m_thinking = new QComboBox(this);
    m_thinking->addItem(tr("model's default"), 0);
    m_thinking->addItem(tr("on"), 1);
    m_thinking->addItem(tr("off"), 2);
    connect(m_thinking, &QComboBox::currentIndexChanged, this, &SettingsPanel::changed);
    thinking->addRow(tr("Think first"), m_thinking);
    m_effort = new QComboBox(this);
    m_effort->addItem(tr("model's default"), QString());
    m_effort->addItem(tr("low"), QStringLiteral("low"));
    m_effort->addItem(tr("medium"), QStringLiteral("medium"));
    m_effort->addItem(tr("high"), QStringLiteral("high"));
    connect(m_effort, &QComboBox::currentIndexChanged, this, &SettingsPanel::changed);
    thinking->addRow(tr("Reasoning effort"), m_effort);
    m_collapseThinking = new QCheckBox(tr("Fold the thinking away once the answer starts"), this);
    connect(m_collapseThinking, &QCheckBox::toggled, this, &SettingsPanel::changed);
    thinking->addRow(m_collapseThinking);
    setThinkingSupport(false, false);

    QFormLayout* model = group(tr("Model (applying reloads it)"));
    m_experts = new DefaultSpinBox(this);
    ispin(m_experts, 0, 512);
    m_experts->setSpecialValueText(tr("model's own"));
    m_experts->setToolTip(
        tr("Experts each token is routed to in every MoE layer (the router's top-k), for this model"));
    model->addRow(tr("Experts per token"), m_experts);
    m_context = new DefaultSpinBox(this);
    m_context->setRange(0, 1 << 20);
    m_context->setSingleStep(256);
    m_context->setSpecialValueText(tr("model's default"));
    m_context->setToolTip(
        tr("Positions the KV cache holds: prompt, replies and every earlier turn of the conversation"));
    model->addRow(tr("Context"), m_context);
    m_kvCost = new QLabel(this);
    m_kvCost->setWordWrap(true);
    model->addRow(QString(), m_kvCost);
    m_applyModel = new QPushButton(tr("Apply"), this);
    m_applyModel->setToolTip(
        tr("Reload the model with these; the conversation starts over (Enter in a box does the same)"));
    model->addRow(QString(), m_applyModel);
    auto apply = [this] { Q_EMIT reloadRequested(m_experts->value(), m_context->value()); };
    connect(m_applyModel, &QPushButton::clicked, this, apply);
    connect(m_experts, &DefaultSpinBox::returnPressed, this, apply);
    connect(m_context, &DefaultSpinBox::returnPressed, this, apply);
    connect(m_context, &QSpinBox::valueChanged, this, &SettingsPanel::updateKvCost);
    lay->addStretch(1);
    connect(m_system, &QPlainTextEdit::textChanged, this, &SettingsPanel::changed);
}

GenerationSettings SettingsPanel::settings() const {
    GenerationSettings s;
    s.systemPrompt = m_system->toPlainText();
    s.temperature = m_temperature->value();
    s.topK = m_topK->value();
    s.topP = m_topP->value();
    s.minP = m_minP->value();
    s.repeatPenalty = m_repeat->value();
    s.randomSeed = m_seed->value() < 0;
    s.seed = quint64(std::max(0, m_seed->value()));
    s.maxTokens = m_maxTokens->value();
    s.expertsPerToken = m_experts->value();
    s.thinking = m_thinking->currentData().toInt();
    s.reasoningEffort = m_effort->currentData().toString();
    s.collapseThinking = m_collapseThinking->isChecked();
    return s;
}

void SettingsPanel::setSettings(const GenerationSettings& s) {
    m_system->setPlainText(s.systemPrompt);
    m_temperature->setValue(s.temperature);
    m_topK->setValue(s.topK);
    m_topP->setValue(s.topP);
    m_minP->setValue(s.minP);
    m_repeat->setValue(s.repeatPenalty);
    m_seed->setValue(s.randomSeed ? -1 : int(std::min<quint64>(s.seed, 2147483647u)));
    m_maxTokens->setValue(s.maxTokens);
    m_experts->setValue(s.expertsPerToken);
    m_thinking->setCurrentIndex(std::max(0, m_thinking->findData(s.thinking)));
    m_effort->setCurrentIndex(std::max(0, m_effort->findData(s.reasoningEffort)));
    m_collapseThinking->setChecked(s.collapseThinking);
}

void SettingsPanel::setThinkingSupport(bool thinkingSwitch, bool reasoningEffort) {
    // The choice stays as set (another model may read it); only the boxes say it does not apply.
    m_thinking->setEnabled(thinkingSwitch);
    m_thinking->setToolTip(thinkingSwitch
            ? tr("on: the model reasons before it answers; off: it answers at once (the template's "
                 "enable_thinking)")
            : tr("This model's chat template has no thinking switch"));
    m_effort->setEnabled(reasoningEffort);
    m_effort->setToolTip(reasoningEffort ? tr("How long the model reasons (the template's reasoning_effort)")
                                         : tr("This model's chat template does not read a reasoning effort"));
}

void SettingsPanel::load() {
    QSettings settings;
    setSettings(GenerationSettings::fromMap(settings.value(QStringLiteral("generation")).toMap()));
}

void SettingsPanel::save() const {
    QSettings settings;
    settings.setValue(QStringLiteral("generation"), this->settings().toMap());
}

bool SettingsPanel::setModel(const ModelCard& c) {
    setThinkingSupport(c.thinkingSwitch, c.reasoningEffort);
    m_experts->setMaximum(std::max(1, c.experts));
    m_experts->setDefaultValue(c.expertsUsedModel);
    m_experts->setSpecialValueText(tr("model's own (%1)").arg(c.expertsUsedModel));
    m_experts->setValue(c.expertsUsed != c.expertsUsedModel ? c.expertsUsed : 0);
    // The context: what the model runs with by default, at most what it was
    // trained for and what the memory left after the weights can hold.
    m_kvBytesPerPosition = c.contextInUse > 0 ? double(c.kvCacheBytes) / c.contextInUse : 0.0;
    // The window opens another model with its default context (the override
    // belongs to the model it was set on), and reloads this one with the box's
    // value: loaded with the box at its default, the context in use is the default.
    if (c.path != m_modelPath || m_context->value() == 0) m_contextDefault = c.contextInUse;
    m_modelPath = c.path;
    int cap = c.contextTrain > 0 ? c.contextTrain : c.contextInUse;
    if (m_kvBytesPerPosition > 0 && c.availableBytes > c.weightBytes)
        cap = int(std::min<double>(cap, double(c.availableBytes - c.weightBytes) / m_kvBytesPerPosition));
    cap = std::max(cap, 1);
    m_context->setMaximum(cap);
    m_context->setDefaultValue(m_contextDefault);
    m_context->setSpecialValueText(tr("model's default (%1)").arg(m_contextDefault));
    m_context->setValue(c.contextInUse != m_contextDefault ? c.contextInUse : 0);
    updateKvCost();
    // A reply may not fill the whole context: the next message needs room.
    if (c.contextInUse > 1 && m_maxTokens->value() >= c.contextInUse) {
        m_maxTokens->setValue(std::max(1, c.contextInUse / 2));
        return true;
    }
    return false;
}

int SettingsPanel::expertsPerToken() const {
    return m_experts->value();
}
int SettingsPanel::context() const {
    return m_context->value();
}
QString SettingsPanel::kvCostText() const {
    return m_kvCost->text();
}

void SettingsPanel::updateKvCost() {
    if (m_kvBytesPerPosition <= 0) {
        m_kvCost->setText(QString());
        return;
    }
    const int n = m_context->value() > 0 ? m_context->value() : m_contextDefault;
    m_kvCost->setText(tr("KV cache: %1 for %2 positions (at most %3 fit in memory and training)")
                          .arg(formatBytes(m_kvBytesPerPosition * n))
                          .arg(n)
                          .arg(m_context->maximum()));
}
