#include "language.h"

#include <QAction>
#include <QActionGroup>
#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QLibraryInfo>
#include <QMenu>
#include <QMessageBox>
#include <QSettings>
#include <QTranslator>

namespace Language {

namespace {
const QString kKey = QStringLiteral("language");
const QString kTranslatorName = QStringLiteral("moe-workbench-language");
} // namespace

QList<Choice> choices() {
    // Each language named in itself, so a reader finds theirs whatever the interface speaks.
    return { { QString(), QCoreApplication::translate("Language", "System language") },
        { QStringLiteral("en"), QStringLiteral("English") }, { QStringLiteral("de"), QStringLiteral("Deutsch") },
        { QStringLiteral("zh_CN"), QStringLiteral("\u4e2d\u6587\uff08\u7b80\u4f53\uff09") } };
}

QString saved() {
    return QSettings().value(kKey).toString();
}

void save(const QString& code) {
    QSettings s;
    if (code.isEmpty())
        s.remove(kKey);
    else
        s.setValue(kKey, code);
}

QLocale localeFor(const QString& code) {
    return code.isEmpty() ? QLocale::system() : QLocale(code);
}

QStringList translationDirs() {
    const QString app = QCoreApplication::applicationDirPath();
    QStringList dirs;
    const QString env = qEnvironmentVariable("MOE_WORKBENCH_TRANSLATIONS");
    if (!env.isEmpty()) dirs << env;
    dirs << app + QStringLiteral("/../share/moe-workbench/translations") << app;
    return dirs;
}

QString install(QCoreApplication& app, const QLocale& locale, const QStringList& dirs) {
    // A second call replaces what the first installed.
    for (QTranslator* old : app.findChildren<QTranslator*>(kTranslatorName, Qt::FindDirectChildrenOnly)) {
        QCoreApplication::removeTranslator(old);
        delete old;
    }
    QLocale::setDefault(locale);
    // English is the source language: nothing to load.
    if (locale.language() == QLocale::English || locale.language() == QLocale::C) return {};
    auto* ours = new QTranslator(&app);
    ours->setObjectName(kTranslatorName);
    bool loaded = false;
    for (const QString& dir : dirs)
        if (ours->load(locale, QStringLiteral("moe-workbench"), QStringLiteral("_"), dir)) {
            loaded = true;
            break;
        }
    if (!loaded) {
        delete ours;
        return {};
    }
    QCoreApplication::installTranslator(ours);
    // Qt's own strings (standard buttons, file dialogs), where qt6-translations-l10n is installed.
    auto* qt = new QTranslator(&app);
    qt->setObjectName(kTranslatorName);
    if (qt->load(
            locale, QStringLiteral("qtbase"), QStringLiteral("_"), QLibraryInfo::path(QLibraryInfo::TranslationsPath)))
        QCoreApplication::installTranslator(qt);
    else
        delete qt;
    // the file that loaded names the language: moe-workbench_zh_CN.qm -> zh_CN
    return QFileInfo(ours->filePath()).completeBaseName().section(QLatin1Char('_'), 1);
}

QString install(QCoreApplication& app) {
    return install(app, localeFor(saved()), translationDirs());
}

QMenu* menu(QWidget* parent) {
    auto* m = new QMenu(QCoreApplication::translate("Language", "&Language"), parent);
    auto* group = new QActionGroup(m);
    const QString current = saved();
    for (const Choice& c : choices()) {
        QAction* a = m->addAction(c.name);
        a->setCheckable(true);
        a->setChecked(c.code == current);
        a->setData(c.code);
        group->addAction(a);
        QObject::connect(a, &QAction::triggered, parent, [parent, code = c.code] {
            if (code == saved()) return;
            save(code);
            QMessageBox::information(parent, QCoreApplication::translate("Language", "Language"),
                QCoreApplication::translate(
                    "Language", "MoE Workbench will speak the chosen language the next time it starts."));
        });
    }
    return m;
}

} // namespace Language
