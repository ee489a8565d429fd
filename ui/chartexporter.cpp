#include "chartexporter.h"

#include "models.h"

#include <QAbstractItemModel>
#include <QCoreApplication>
#include <QFile>
#include <QFileInfo>
#include <QImage>
#include <QImageWriter>
#include <QPainter>
#include <QPdfWriter>
#include <QSaveFile>
#include <QSvgGenerator>
#include <QTextStream>
#include <QWidget>

namespace {
struct Tr {
    Q_DECLARE_TR_FUNCTIONS(ChartExporter)
};

constexpr int kCaptionHeight = 40;

void drawCaption(QPainter& p, const QRect& r, const ExportInfo& info) {
    p.fillRect(r, Qt::white);
    p.setPen(QColor(60, 60, 60));
    QFont f = p.font();
    f.setPointSizeF(8.5);
    p.setFont(f);
    p.drawText(r.adjusted(8, 2, -8, -2), Qt::AlignLeft | Qt::AlignVCenter | Qt::TextWordWrap, info.caption());
}

// Draws the picture and the caption below it on any paint device of size (w, h + caption).
void paintChart(QPainter& p, QSize s, const std::function<void(QPainter&)>& paint, const ExportInfo& info) {
    p.fillRect(QRect(QPoint(0, 0), s), Qt::white);
    p.save();
    paint(p);
    p.restore();
    drawCaption(p, QRect(0, s.height(), s.width(), kCaptionHeight), info);
}

// Large pictures (a whole conversation's heatmap) at 1x, the rest at 2x.
constexpr int kMaxPngPixels = 40'000'000;

} // namespace

QString ExportInfo::caption() const {
    QStringList parts;
    if (!title.isEmpty()) parts << title;
    if (!model.isEmpty()) parts << Tr::tr("model: %1").arg(model);
    if (!runId.isEmpty()) parts << Tr::tr("run: %1").arg(runId);
    if (!hardware.isEmpty()) parts << Tr::tr("hardware: %1").arg(hardware);
    parts << Tr::tr("MoE Workbench %1").arg(QStringLiteral(MOE_VERSION));
    return parts.join(QStringLiteral(" \u2014 "));
}

QString ChartExporter::chartFilter() {
    return Tr::tr("PNG image (*.png);;SVG drawing (*.svg);;PDF document (*.pdf)");
}

bool ChartExporter::exportWidget(QWidget* widget, const QString& path, const ExportInfo& info, QString* error) {
    return exportPainted(
        widget->size(), [widget](QPainter& p) { widget->render(&p, QPoint(), QRegion(), QWidget::DrawChildren); }, path,
        info, error);
}

bool ChartExporter::exportPainted(QSize picture, const std::function<void(QPainter&)>& paint, const QString& path,
    const ExportInfo& info, QString* error) {
    const QString suffix = QFileInfo(path).suffix().toLower();
    const QSize size(picture.width(), picture.height() + kCaptionHeight);
    auto fail = [&](const QString& why) {
        if (error) *error = why;
        return false;
    };
    if (picture.width() <= 0 || picture.height() <= 0) return fail(Tr::tr("The chart has no size to export."));
    if (suffix == QLatin1String("png")) {
        // Crisp on high-density screens and in documents, unless that makes the file huge.
        const qreal dpr = qint64(size.width()) * size.height() * 4 <= kMaxPngPixels ? 2.0 : 1.0;
        QImage img(size * dpr, QImage::Format_ARGB32_Premultiplied);
        if (img.isNull())
            return fail(Tr::tr("The chart is too large to export as PNG (%1 x %2 pixels).")
                            .arg(size.width())
                            .arg(size.height()));
        img.setDevicePixelRatio(dpr);
        img.fill(Qt::white);
        {
            QPainter p(&img);
            p.setRenderHint(QPainter::Antialiasing);
            paintChart(p, picture, paint, info);
        }
        img.setText(QStringLiteral("Title"), info.title);
        img.setText(QStringLiteral("Description"), info.caption());
        img.setText(QStringLiteral("Software"), QStringLiteral("MoE Workbench"));
        QImageWriter w(path, "png");
        if (!w.write(img)) return fail(Tr::tr("Could not write %1: %2").arg(path, w.errorString()));
        return true;
    }
    if (suffix == QLatin1String("svg")) {
        QSvgGenerator gen;
        gen.setFileName(path);
        gen.setSize(size);
        gen.setViewBox(QRect(QPoint(0, 0), size));
        gen.setTitle(info.title);
        gen.setDescription(info.caption());
        QPainter p;
        if (!p.begin(&gen)) return fail(Tr::tr("Could not write %1.").arg(path));
        paintChart(p, picture, paint, info);
        p.end();
        if (!QFileInfo(path).exists() || QFileInfo(path).size() == 0)
            return fail(Tr::tr("Could not write %1.").arg(path));
        return true;
    }
    if (suffix == QLatin1String("pdf")) {
        QPdfWriter pdf(path);
        pdf.setTitle(info.title);
        pdf.setCreator(info.caption());
        pdf.setResolution(96);
        pdf.setPageSize(QPageSize(QSizeF(size), QPageSize::Point));
        pdf.setPageMargins(QMarginsF(0, 0, 0, 0));
        QPainter p;
        if (!p.begin(&pdf)) return fail(Tr::tr("Could not write %1.").arg(path));
        // Fit the picture's pixels to the page.
        const QRect page = pdf.pageLayout().paintRectPixels(pdf.resolution());
        const double scale = std::min(page.width() / double(size.width()), page.height() / double(size.height()));
        p.scale(scale, scale);
        paintChart(p, picture, paint, info);
        p.end();
        return true;
    }
    return fail(Tr::tr("Unknown chart format '%1': use .png, .svg or .pdf.").arg(suffix));
}

QString ChartExporter::csvField(const QString& s) {
    if (s.contains(QLatin1Char(',')) || s.contains(QLatin1Char('"')) || s.contains(QLatin1Char('\n'))
        || s.contains(QLatin1Char('\r'))) {
        QString q = s;
        q.replace(QLatin1String("\""), QLatin1String("\"\""));
        return QLatin1Char('"') + q + QLatin1Char('"');
    }
    return s;
}

bool ChartExporter::exportCsv(const QAbstractItemModel* model, const QString& path, QString* error) {
    QSaveFile f(path);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Text)) {
        if (error) *error = Tr::tr("Could not write %1: %2").arg(path, f.errorString());
        return false;
    }
    QTextStream out(&f);
    const int cols = model->columnCount();
    QStringList header;
    for (int c = 0; c < cols; ++c)
        header << csvField(model->headerData(c, Qt::Horizontal).toString());
    out << header.join(QLatin1Char(',')) << '\n';
    for (int r = 0; r < model->rowCount(); ++r) {
        QStringList row;
        for (int c = 0; c < cols; ++c) {
            const QModelIndex i = model->index(r, c);
            QVariant v = model->data(i, RawValueRole);
            if (!v.isValid()) v = model->data(i, Qt::DisplayRole);
            row << csvField(v.typeId() == QMetaType::Double ? QString::number(v.toDouble(), 'g', 10) : v.toString());
        }
        out << row.join(QLatin1Char(',')) << '\n';
    }
    out.flush();
    if (!f.commit()) {
        if (error) *error = Tr::tr("Could not write %1: %2").arg(path, f.errorString());
        return false;
    }
    return true;
}
