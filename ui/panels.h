#pragma once
// Building blocks of the window: a titled chart panel with export, the model
// card and the generation settings (persisted with QSettings); the chat is
// chatpanel.h.
#include "chartexporter.h"
#include "chatpanel.h"
#include "types.h"

#include <QAbstractItemModel>
#include <QPointer>
#include <QSpinBox>
#include <QWidget>

#include <functional>

class QAbstractItemModel;
class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QFormLayout;
class QLabel;
class QPainter;
class QPlainTextEdit;
class QPushButton;
class QSpinBox;
class QTextBrowser;
class QToolButton;

// One line of plain text that never asks for more width than it gets: the
// text is elided to the width the layout gives, whole in the tooltip. For
// text that changes with the mouse (a hover readout), so the window's
// minimum width never follows it.
class ElidedLabel : public QWidget {
    Q_OBJECT
public:
    explicit ElidedLabel(QWidget* parent = nullptr);
    void setText(const QString& text);
    QString text() const { return m_text; }
    void clear() { setText(QString()); }
    // Shown, greyed, while there is no text.
    void setPlaceholder(const QString& text);
    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

protected:
    void paintEvent(QPaintEvent*) override;

private:
    QString m_text;
    QString m_placeholder;
};

// A spin box whose lowest value stands for a default shown in words ("model's
// own (2)"). The arrows step from the default's number, not from the
// placeholder value: up from "model's own (2)" is 3, down is 1. Enter emits
// returnPressed.
class DefaultSpinBox : public QSpinBox {
    Q_OBJECT
public:
    using QSpinBox::QSpinBox;
    // The number the special value stands for (0: none known; steps go from the minimum).
    void setDefaultValue(int v) { m_default = v; }
    void stepBy(int steps) override;

Q_SIGNALS:
    void returnPressed();

protected:
    void keyPressEvent(QKeyEvent* e) override;
    StepEnabled stepEnabled() const override;

private:
    int m_default = 0;
};

// A title, an Export menu (chart as PNG/SVG/PDF, data as CSV) and the chart.
class ChartPanel : public QWidget {
    Q_OBJECT
public:
    ChartPanel(const QString& title, QWidget* content, QAbstractItemModel* data, QWidget* parent = nullptr);
    QWidget* content() const { return m_content; }
    // What an export draws instead of the widget as shown (a heatmap draws
    // every token, not the scrolled view): its size and a painter callback.
    void setExportPainter(std::function<QSize()> size, std::function<void(QPainter&)> paint);
    QAbstractItemModel* dataModel() const { return m_data; }
    void setDataModel(QAbstractItemModel* m) { m_data = m; }
    QString title() const { return m_title; }
    QWidget* headerWidget() const { return m_header; }
    // Run id, model and hardware of what is shown, for the export caption.
    static void setInfoProvider(std::function<ExportInfo()> f);
    ExportInfo exportInfo() const;
    bool exportChart(const QString& path, QString* error = nullptr);
    bool exportData(const QString& path, QString* error = nullptr);

private:
    void askExportChart();
    void askExportData();
    QString m_title;
    QWidget* m_content;
    QWidget* m_header;
    QPointer<QAbstractItemModel> m_data;
    std::function<QSize()> m_exportSize;
    std::function<void(QPainter&)> m_exportPaint;
};

class ModelCardView : public QWidget {
    Q_OBJECT
public:
    explicit ModelCardView(QWidget* parent = nullptr);
    void setCard(const ModelCard& card);
    void clear();
    QString fieldText(const QString& key) const; // for tests

private:
    QFormLayout* m_form;
    QMap<QString, QLabel*> m_fields;
    QLabel* m_title;
};

class SettingsPanel : public QWidget {
    Q_OBJECT
public:
    explicit SettingsPanel(QWidget* parent = nullptr);
    GenerationSettings settings() const;
    void setSettings(const GenerationSettings& s);
    void load(); // from QSettings
    void save() const;
    // The loaded model's limits and what is in effect: the experts-per-token
    // and context boxes show the model's own values as their defaults, the
    // context is capped by the memory its KV cache needs, and a max tokens at
    // or above the context is brought below it (returns true when it was).
    bool setModel(const ModelCard& card);
    // 0: the model's own (the boxes' special values).
    int expertsPerToken() const;
    int context() const;
    DefaultSpinBox* expertsBox() const { return m_experts; } // for tests
    DefaultSpinBox* contextBox() const { return m_context; } // for tests
    QPushButton* applyButton() const { return m_applyModel; } // for tests
    QComboBox* thinkingBox() const { return m_thinking; } // for tests
    QComboBox* effortBox() const { return m_effort; } // for tests
    QCheckBox* collapseThinkingBox() const { return m_collapseThinking; } // for tests
    QString kvCostText() const; // for tests

Q_SIGNALS:
    void changed();
    // Experts per token and context (0: the model's own): needs a reload.
    void reloadRequested(int expertsPerToken, int context);

private:
    void updateKvCost();
    void setThinkingSupport(bool thinkingSwitch, bool reasoningEffort);
    QPlainTextEdit* m_system;
    QDoubleSpinBox* m_temperature;
    QSpinBox* m_topK;
    QDoubleSpinBox* m_topP;
    QDoubleSpinBox* m_minP;
    QDoubleSpinBox* m_repeat;
    QSpinBox* m_seed;
    QSpinBox* m_maxTokens;
    QComboBox* m_thinking;
    QComboBox* m_effort;
    QCheckBox* m_collapseThinking;
    DefaultSpinBox* m_experts;
    DefaultSpinBox* m_context;
    QLabel* m_kvCost;
    QPushButton* m_applyModel;
    double m_kvBytesPerPosition = 0.0;
    int m_contextDefault = 0;
    QString m_modelPath;
};
