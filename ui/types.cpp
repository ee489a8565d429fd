#include "types.h"

#include "common/units.h"

#include "enginecontroller.h"

#include <QCoreApplication>
#include <QLocale>

#include <algorithm>

QString ModelCard::quantSummary() const {
    quint64 total = 0;
    for (const auto& q : quantMix)
        total += q.second;
    QStringList parts;
    for (const auto& q : quantMix) {
        const double share = total ? 100.0 * double(q.second) / double(total) : 0.0;
        parts << QStringLiteral("%1 %2%").arg(q.first, QString::number(share, 'f', share < 1.0 ? 1 : 0));
    }
    return parts.join(QStringLiteral(", "));
}

QVariantMap GenerationSettings::toMap() const {
    return { { QStringLiteral("temperature"), temperature }, { QStringLiteral("topK"), topK },
        { QStringLiteral("topP"), topP }, { QStringLiteral("minP"), minP },
        { QStringLiteral("repeatPenalty"), repeatPenalty }, { QStringLiteral("seed"), seed },
        { QStringLiteral("randomSeed"), randomSeed }, { QStringLiteral("maxTokens"), maxTokens },
        { QStringLiteral("expertsPerToken"), expertsPerToken }, { QStringLiteral("systemPrompt"), systemPrompt },
        { QStringLiteral("thinking"), thinking }, { QStringLiteral("reasoningEffort"), reasoningEffort },
        { QStringLiteral("collapseThinking"), collapseThinking } };
}

GenerationSettings GenerationSettings::fromMap(const QVariantMap& m) {
    GenerationSettings s;
    s.temperature = m.value(QStringLiteral("temperature"), s.temperature).toDouble();
    s.topK = m.value(QStringLiteral("topK"), s.topK).toInt();
    s.topP = m.value(QStringLiteral("topP"), s.topP).toDouble();
    s.minP = m.value(QStringLiteral("minP"), s.minP).toDouble();
    s.repeatPenalty = m.value(QStringLiteral("repeatPenalty"), s.repeatPenalty).toDouble();
    s.seed = m.value(QStringLiteral("seed"), s.seed).toULongLong();
    s.randomSeed = m.value(QStringLiteral("randomSeed"), s.randomSeed).toBool();
    s.maxTokens = m.value(QStringLiteral("maxTokens"), s.maxTokens).toInt();
    s.expertsPerToken = m.value(QStringLiteral("expertsPerToken"), s.expertsPerToken).toInt();
    s.systemPrompt = m.value(QStringLiteral("systemPrompt"), s.systemPrompt).toString();
    s.thinking = std::clamp(m.value(QStringLiteral("thinking"), s.thinking).toInt(), 0, 2);
    s.reasoningEffort = m.value(QStringLiteral("reasoningEffort"), s.reasoningEffort).toString();
    s.collapseThinking = m.value(QStringLiteral("collapseThinking"), s.collapseThinking).toBool();
    return s;
}

void registerUiMetaTypes() {
    qRegisterMetaType<ModelCard>();
    qRegisterMetaType<GenerationSettings>();
    qRegisterMetaType<StreamBatch>();
    qRegisterMetaType<RunView>();
    qRegisterMetaType<QVector<RunView>>();
    qRegisterMetaType<LoadOptions>();
}

QString formatBytes(double v) {
    return QString::fromStdString(moe::format_bytes(v));
}

QString formatCount(double v) {
    return QString::fromStdString(moe::format_count(v));
}
