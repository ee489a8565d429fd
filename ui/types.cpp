#include "types.h"

#include "enginecontroller.h"

#include <QCoreApplication>
#include <QLocale>

QString ModelCard::quantSummary() const {
    quint64 total = 0;
    for (const auto& q : quantMix) total += q.second;
    QStringList parts;
    for (const auto& q : quantMix) {
        const double share = total ? 100.0 * double(q.second) / double(total) : 0.0;
        parts << QStringLiteral("%1 %2%").arg(q.first, QString::number(share, 'f', share < 1.0 ? 1 : 0));
    }
    return parts.join(QStringLiteral(", "));
}

QVariantMap GenerationSettings::toMap() const {
    return {{QStringLiteral("temperature"), temperature},
            {QStringLiteral("topK"), topK},
            {QStringLiteral("topP"), topP},
            {QStringLiteral("minP"), minP},
            {QStringLiteral("repeatPenalty"), repeatPenalty},
            {QStringLiteral("seed"), seed},
            {QStringLiteral("maxTokens"), maxTokens},
            {QStringLiteral("expertsPerToken"), expertsPerToken},
            {QStringLiteral("systemPrompt"), systemPrompt}};
}

GenerationSettings GenerationSettings::fromMap(const QVariantMap& m) {
    GenerationSettings s;
    s.temperature = m.value(QStringLiteral("temperature"), s.temperature).toDouble();
    s.topK = m.value(QStringLiteral("topK"), s.topK).toInt();
    s.topP = m.value(QStringLiteral("topP"), s.topP).toDouble();
    s.minP = m.value(QStringLiteral("minP"), s.minP).toDouble();
    s.repeatPenalty = m.value(QStringLiteral("repeatPenalty"), s.repeatPenalty).toDouble();
    s.seed = m.value(QStringLiteral("seed"), s.seed).toULongLong();
    s.maxTokens = m.value(QStringLiteral("maxTokens"), s.maxTokens).toInt();
    s.expertsPerToken = m.value(QStringLiteral("expertsPerToken"), s.expertsPerToken).toInt();
    s.systemPrompt = m.value(QStringLiteral("systemPrompt"), s.systemPrompt).toString();
    return s;
}

void registerUiMetaTypes() {
    qRegisterMetaType<ModelCard>();
    qRegisterMetaType<GenerationSettings>();
    qRegisterMetaType<StreamBatch>();
    qRegisterMetaType<RunSummary>();
    qRegisterMetaType<QVector<RunSummary>>();
    qRegisterMetaType<LoadOptions>();
}

QString formatBytes(double v) {
    if (v >= double(1ull << 30)) return QStringLiteral("%1 GiB").arg(v / double(1ull << 30), 0, 'f', 2);
    if (v >= double(1ull << 20)) return QStringLiteral("%1 MiB").arg(v / double(1ull << 20), 0, 'f', 1);
    if (v >= 1024.0) return QStringLiteral("%1 KiB").arg(v / 1024.0, 0, 'f', 1);
    return QStringLiteral("%1 B").arg(v, 0, 'f', 0);
}

QString formatCount(double v) {
    if (v >= 1e9) return QStringLiteral("%1 B").arg(v / 1e9, 0, 'f', 1);
    if (v >= 1e6) return QStringLiteral("%1 M").arg(v / 1e6, 0, 'f', 1);
    if (v >= 1e3) return QStringLiteral("%1 K").arg(v / 1e3, 0, 'f', 1);
    return QString::number(v, 'f', 0);
}
