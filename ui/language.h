#pragma once
// The workbench's language: English (the source strings), German or
// Simplified Chinese. The "language" setting chooses one; unset, the system
// locale does. A choice takes effect at the next start.
#include <QList>
#include <QLocale>
#include <QString>

class QCoreApplication;
class QMenu;
class QWidget;

namespace Language {

struct Choice {
    QString code; // "en", "de", "zh_CN"; empty: follow the system
    QString name; // in its own language, as the menu shows it
};

// The languages the menu offers, "follow the system" first.
QList<Choice> choices();
// The saved choice (QSettings "language"); empty when the system decides.
QString saved();
void save(const QString& code);
// The locale the interface speaks for a choice: the system's when empty.
QLocale localeFor(const QString& code);

// Where the compiled translations (moe-workbench_<lang>.qm) are found: next
// to the executable in a build tree, ../share/moe-workbench/translations
// when installed, or $MOE_WORKBENCH_TRANSLATIONS.
QStringList translationDirs();

// Installs the translators for the saved choice (ours and Qt's own, for
// standard dialogs) into app and makes the locale the default one. Returns
// the language loaded ("de", "zh_CN"), or empty for English.
QString install(QCoreApplication& app);
// The same for a given locale and directory; what the tests call.
QString install(QCoreApplication& app, const QLocale& locale, const QStringList& dirs);

// The Language menu: one checkable entry per choice; choosing one saves it
// and says it applies at the next start.
QMenu* menu(QWidget* parent);

} // namespace Language
