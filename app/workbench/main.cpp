// moe-workbench: the desktop window. Thin: arguments, settings, wiring.
#include "enginecontroller.h"
#include "language.h"
#include "mainwindow.h"

#include <QApplication>
#include <QCommandLineParser>

int main(int argc, char** argv) {
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("MoE Workbench"));
    QApplication::setApplicationName(QStringLiteral("moe-workbench"));
    QApplication::setApplicationVersion(QStringLiteral(MOE_VERSION));

    // The saved language, else the system's (Language menu; translations/README.md).
    Language::install(app);

    QCommandLineParser parser;
    parser.setApplicationDescription(
        QApplication::translate("main", "Chat with a mixture-of-experts model and watch its experts."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument(
        QStringLiteral("model"), QApplication::translate("main", "GGUF model to open"), QStringLiteral("[model]"));
    const QCommandLineOption db(QStringLiteral("db"),
        QApplication::translate("main",
            "run store to record into and read History from "
            "(default: the one moe-cli uses, $XDG_DATA_HOME/moe-workbench/runs.sqlite)"),
        QStringLiteral("path"));
    parser.addOption(db);
    parser.process(app);

    MainWindow w;
    if (parser.isSet(db)) w.controller()->setStorePath(parser.value(db));
    w.show();
    const QStringList args = parser.positionalArguments();
    const QString model = MainWindow::startupModel(args.isEmpty() ? QString() : args.first());
    if (!model.isEmpty()) w.openModel(model);
    return app.exec();
}
