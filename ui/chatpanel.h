#pragma once
// The chat: the transcript and the input. Generated tokens are anchors
// ("f:<frame>") so a click shows that token's routing. A reasoning model's
// thinking goes into a block of its own above the answer, dimmed, headed
// "Thinking…" while it streams and "Thought for N tokens, s" after; a click
// on the header ("r:<turn>") folds it away or opens it. It folds away by
// itself once the answer starts when the user's setting says so.
#include "types.h"

#include <QWidget>

class QPlainTextEdit;
class QPushButton;
class QTextBrowser;
class QTextCursor;

class ChatPanel : public QWidget {
    Q_OBJECT
public:
    explicit ChatPanel(QWidget* parent = nullptr);
    void setBusy(bool generating);
    void setReady(bool modelLoaded);
    QString input() const;
    void setInput(const QString& text);

    // Transcript.
    void beginUser(const QString& text);
    void beginAssistant();
    void appendTokens(const QVector<StreamToken>& tokens);
    void endAssistant(const QString& note = {});
    void showError(const QString& message);
    void removeLastTurn(); // for regenerate / edit
    void clearTranscript();
    void disableFrameLinks(); // earlier tokens' routing is gone (transcript restarted)
    // Marks the reply token whose routing is shown (-1: none) and scrolls to it.
    void setSelectedFrame(int frame);
    int selectedFrame() const { return m_selectedFrame; }
    QString selectedText() const; // the marked token's text (for tests)
    // "Reading the prompt" in the reply being written, until its first token.
    void setWaiting(bool waiting);
    void focusInput();
    QString transcriptText() const;
    QString lastUserMessage() const;
    bool hasTurns() const { return !m_turns.isEmpty(); }
    int turnCount() const { return int(m_turns.size()); }
    QTextBrowser* transcript() const { return m_view; }

    // Reasoning: whether the reply being written folds its thinking away
    // once the answer starts (the user's setting, read when a reply begins).
    void setCollapseThinking(bool collapse) { m_collapseThinking = collapse; }
    // The thinking and the answer of a turn as received, its block's header,
    // and whether the block is open (shown); for tests and the window.
    QString reasoningText(int turn) const;
    QString answerText(int turn) const;
    QString reasoningHeader(int turn) const;
    bool reasoningOpen(int turn) const;
    // Opens or folds a turn's thinking (what a click on its header does).
    void toggleReasoning(int turn);

Q_SIGNALS:
    void sendRequested(const QString& text);
    void stopRequested();
    void regenerateRequested();
    void editRequested();
    void frameClicked(int frame);

private:
    struct Piece {
        QString text;
        int frame;
    };
    struct Turn {
        QString user;
        QVector<Piece> reply;
        QVector<Piece> reasoning;
        int reasoningTokens = 0; // tokens that carried thinking
        double reasoningMs = 0.0; // their time
        bool reasoningOpen = true; // the block shows the thinking
        bool done = false; // the reply has ended
        QString note;
        bool error = false;
    };
    void render();
    // Writes a turn's reply (thinking block, answer, note) at the cursor.
    void writeReply(QTextCursor& c, int turn);
    // Rewrites the reply being written from where it starts.
    void rewriteLastReply();
    void appendPieces(const QVector<Piece>& pieces, bool reasoning);
    void scrollToEnd();
    void markSelected(bool scroll);

    QTextBrowser* m_view;
    QPlainTextEdit* m_input;
    QPushButton* m_send;
    QPushButton* m_stop;
    QPushButton* m_regenerate;
    QPushButton* m_edit;
    QVector<Turn> m_turns;
    bool m_linksValid = true;
    bool m_busy = false;
    bool m_ready = false;
    bool m_collapseThinking = true;
    int m_selectedFrame = -1;
    int m_waitingAt = -1; // document position of the "reading the prompt" note, -1: none
    int m_replyAt = -1; // document position where the last turn's reply starts, -1: none
};
