#pragma once
// The workbench window: chat on the left, the live views in tabs on the
// right (Experts, Balance, Throughput, History, Compare), the model card and
// settings in a dock. All engine work goes through EngineController.
#include "enginecontroller.h"

#include <QMainWindow>

class BalanceView;
class ChatPanel;
class CompareView;
class HardwareView;
class ExpertsView;
class HistoryView;
class ModelCardView;
class QLabel;
class QMenu;
class QProgressBar;
class QPushButton;
class QTabWidget;
class QTimer;
class RoutingData;
class RoutingLabView;
class RunsModel;
class SettingsPanel;
class ThroughputModel;
class ThroughputView;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    // The model to open at start: the argument, else the last used, else the bundled demo model.
    static QString startupModel(const QString& argument);
    static QString bundledModel();
    // "name — MoE Workbench", with the experts per token when overridden.
    static QString windowTitleFor(const ModelCard& card);

    void openModel(const QString& path);
    EngineController* controller() const { return m_controller; }
    RoutingData* routingData() const { return m_routing; }
    ChatPanel* chat() const { return m_chat; }
    ExpertsView* experts() const { return m_experts; }
    BalanceView* balance() const { return m_balance; }
    ThroughputView* throughput() const { return m_throughputView; }
    ThroughputModel* throughputModel() const { return m_throughput; }
    HistoryView* history() const { return m_history; }
    RunsModel* runsModel() const { return m_runs; }
    CompareView* compare() const { return m_compare; }
    HardwareView* hardware() const { return m_hardware; }
    RoutingLabView* routingLab() const { return m_lab; }
    ModelCardView* modelCard() const { return m_card; }
    SettingsPanel* settingsPanel() const { return m_settings; }
    QTabWidget* tabs() const { return m_tabs; }
    // Repaint-coalescing interval of the heavier views (ms).
    void setRefreshInterval(int ms);
    void compareRuns(const QStringList& ids);
    // Measure the memory bandwidth at load (about a second); tests turn it off.
    void setMeasureBandwidth(bool on) { m_measureBandwidth = on; }
    QString lastWarning() const { return m_lastWarning; }
    QString speedText() const; // the status bar's speed readout

public Q_SLOTS:
    // The benchmark's synthetic source feeds batches here as the controller would.
    void onBatchForBenchmark(const StreamBatch& b) { onBatch(b); }

protected:
    void closeEvent(QCloseEvent* e) override;
    void dragEnterEvent(QDragEnterEvent* e) override;
    void dropEvent(QDropEvent* e) override;

private:
    void buildMenus();
    void updateRecentMenu();
    void addRecent(const QString& path);
    void onBatch(const StreamBatch& b);
    void applyPending();
    void applyBatch(const StreamBatch& b);
    void refreshVisible();
    void send(const QString& text, EngineController::Mode mode);
    void applyModelOptions(int expertsPerToken, int context);
    void setStatus(const QString& text);
    void warn(const QString& title, const QString& message);

    EngineController* m_controller;
    RoutingData* m_routing;
    ThroughputModel* m_throughput;
    RunsModel* m_runs;
    ChatPanel* m_chat;
    ExpertsView* m_experts;
    BalanceView* m_balance;
    ThroughputView* m_throughputView;
    HistoryView* m_history;
    CompareView* m_compare;
    RoutingLabView* m_lab;
    HardwareView* m_hardware;
    ModelCardView* m_card;
    SettingsPanel* m_settings;
    QTabWidget* m_tabs;
    QMenu* m_recentMenu = nullptr;
    QProgressBar* m_progress;
    QPushButton* m_cancelLoad;
    QLabel* m_speed;
    QTimer* m_refresh;
    QTimer* m_applyTimer;
    QVector<StreamBatch> m_pending;
    bool m_dirty = false;
    QString m_lastRunId;
    QString m_pendingEditText;
    QString m_lastWarning;
    bool m_measureBandwidth = true;
};
