// moe-workbench: the desktop window. Thin: arguments, settings, wiring.
#include "mainwindow.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QLibraryInfo>
#include <QLocale>
#include <QTranslator>

int main(int argc, char** argv) {
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("MoE Workbench"));
    QApplication::setApplicationName(QStringLiteral("moe-workbench"));
    QApplication::setApplicationVersion(QStringLiteral(MOE_VERSION));

    QTranslator translator;
    if (translator.load(QLocale(), QStringLiteral("moe-workbench"), QStringLiteral("_"), QStringLiteral(":/i18n")))
        QApplication::installTranslator(&translator);

    QCommandLineParser parser;
    parser.setApplicationDescription(QApplication::translate("main", "Chat with a mixture-of-experts model and watch its experts."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument(QStringLiteral("model"), QApplication::translate("main", "GGUF model to open"), QStringLiteral("[model]"));
    parser.process(app);

    MainWindow w;
    w.show();
    const QStringList args = parser.positionalArguments();
    const QString model = MainWindow::startupModel(args.isEmpty() ? QString() : args.first());
    if (!model.isEmpty()) w.openModel(model);
    return app.exec();
}
