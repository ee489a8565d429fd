#include "chatpanel.h"

#include <QHBoxLayout>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollBar>
#include <QTextBlock>
#include <QTextBrowser>
#include <QVBoxLayout>

#include <algorithm>

namespace {

QColor dimmed() {
    return QColor(0x80, 0x80, 0x80);
}

// The "You" block and its text.
void writeUser(QTextCursor& c, const QString& text) {
    QTextBlockFormat bf;
    bf.setTopMargin(c.position() > 0 ? 10 : 0);
    bf.setBackground(QColor(0xee, 0xf2, 0xfa));
    QTextCharFormat head;
    head.setFontWeight(QFont::Bold);
    head.setForeground(QColor(0x2c, 0x5a, 0xa0));
    if (c.position() > 0)
        c.insertBlock(bf);
    else
        c.setBlockFormat(bf);
    c.insertText(ChatPanel::tr("You") + QLatin1Char('\n'), head);
    c.insertText(text, QTextCharFormat());
}

// The "Assistant" heading; its reply follows on the next line.
void writeAssistantHeading(QTextCursor& c) {
    QTextBlockFormat bf;
    bf.setTopMargin(6);
    QTextCharFormat head;
    head.setFontWeight(QFont::Bold);
    head.setForeground(QColor(0x1e, 0x7a, 0x4f));
    c.insertBlock(bf, QTextCharFormat());
    c.insertText(ChatPanel::tr("Assistant") + QLatin1Char('\n'), head);
}

} // namespace

ChatPanel::ChatPanel(QWidget* parent)
    : QWidget(parent) {
    auto* lay = new QVBoxLayout(this);
    lay->setContentsMargins(4, 4, 4, 4);
    m_view = new QTextBrowser(this);
    m_view->setOpenLinks(false);
    m_view->setOpenExternalLinks(false);
    m_view->setPlaceholderText(tr("Open a model (File \u203a Open, or drop a .gguf file here), then type below."));
    connect(m_view, &QTextBrowser::anchorClicked, this, [this](const QUrl& url) {
        const QString s = url.toString();
        if (s.startsWith(QLatin1String("f:"))) Q_EMIT frameClicked(s.mid(2).toInt());
        if (s.startsWith(QLatin1String("r:"))) toggleReasoning(s.mid(2).toInt());
    });
    lay->addWidget(m_view, 1);
    m_input = new QPlainTextEdit(this);
    m_input->setPlaceholderText(tr("Message (Ctrl+Enter sends)"));
    m_input->setMaximumHeight(90);
    lay->addWidget(m_input);
    auto* buttons = new QHBoxLayout;
    m_regenerate = new QPushButton(tr("Regenerate"), this);
    m_edit = new QPushButton(tr("Edit last"), this);
    m_stop = new QPushButton(tr("Stop"), this);
    m_send = new QPushButton(tr("Send"), this);
    m_send->setDefault(true);
    m_send->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Return));
    buttons->addWidget(m_regenerate);
    buttons->addWidget(m_edit);
    buttons->addStretch();
    buttons->addWidget(m_stop);
    buttons->addWidget(m_send);
    lay->addLayout(buttons);
    connect(m_send, &QPushButton::clicked, this, [this] {
        const QString text = m_input->toPlainText().trimmed();
        if (text.isEmpty()) return;
        Q_EMIT sendRequested(text);
    });
    connect(m_stop, &QPushButton::clicked, this, &ChatPanel::stopRequested);
    connect(m_regenerate, &QPushButton::clicked, this, &ChatPanel::regenerateRequested);
    connect(m_edit, &QPushButton::clicked, this, &ChatPanel::editRequested);
    setBusy(false);
}

void ChatPanel::setBusy(bool generating) {
    m_busy = generating;
    // A button about to be disabled hands the focus to the message box, not
    // to whatever widget comes next in the window.
    if (generating && (m_send->hasFocus() || m_regenerate->hasFocus() || m_edit->hasFocus())) m_input->setFocus();
    m_stop->setEnabled(generating);
    m_send->setEnabled(!generating && m_ready);
    m_regenerate->setEnabled(!generating && m_ready && !m_turns.isEmpty());
    m_edit->setEnabled(!generating && m_ready && !m_turns.isEmpty());
}

void ChatPanel::setReady(bool modelLoaded) {
    m_ready = modelLoaded;
    m_view->setPlaceholderText(modelLoaded
            ? tr("Type a message below and press Send (Ctrl+Enter). Click any word of the reply to see its "
                 "experts in every layer.")
            : tr("Open a model (File \u203a Open, or drop a .gguf file here), then type below."));
    setBusy(m_busy);
}

QString ChatPanel::input() const {
    return m_input->toPlainText();
}
void ChatPanel::setInput(const QString& text) {
    m_input->setPlainText(text);
    m_input->setFocus();
}

void ChatPanel::beginUser(const QString& text) {
    Turn t;
    t.user = text;
    m_turns.append(t);
    m_input->clear();
    QTextCursor c(m_view->document());
    c.movePosition(QTextCursor::End);
    writeUser(c, text);
    setBusy(m_busy);
    scrollToEnd(); // what was just sent, and the reply below it
}

void ChatPanel::scrollToEnd() {
    QScrollBar* sb = m_view->verticalScrollBar();
    sb->setValue(sb->maximum());
}

void ChatPanel::setWaiting(bool waiting) {
    if (waiting == (m_waitingAt >= 0)) return;
    QTextCursor c(m_view->document());
    if (waiting) {
        c.movePosition(QTextCursor::End);
        m_waitingAt = c.position();
        QTextCharFormat f;
        f.setForeground(QColor(0x88, 0x88, 0x88));
        f.setFontItalic(true);
        c.insertText(tr("reading the prompt\u2026"), f);
        scrollToEnd();
    } else {
        c.setPosition(std::min(m_waitingAt, m_view->document()->characterCount() - 1));
        c.movePosition(QTextCursor::End, QTextCursor::KeepAnchor);
        c.removeSelectedText();
        m_waitingAt = -1;
    }
}

void ChatPanel::focusInput() {
    m_input->setFocus();
}

void ChatPanel::setSelectedFrame(int frame) {
    m_selectedFrame = frame;
    markSelected(true);
}

// The reply token of the selected frame, as a cursor over its text (null: not in the transcript).
static QTextCursor findAnchor(QTextDocument* doc, const QString& href) {
    for (QTextBlock b = doc->begin(); b.isValid(); b = b.next())
        for (auto it = b.begin(); !it.atEnd(); ++it) {
            const QTextFragment f = it.fragment();
            if (f.isValid() && f.charFormat().isAnchor() && f.charFormat().anchorHref() == href) {
                QTextCursor c(doc);
                c.setPosition(f.position());
                c.setPosition(f.position() + f.length(), QTextCursor::KeepAnchor);
                return c;
            }
        }
    return {};
}

void ChatPanel::markSelected(bool scroll) {
    QList<QTextEdit::ExtraSelection> marks;
    if (m_selectedFrame >= 0) {
        const QTextCursor c = findAnchor(m_view->document(), QStringLiteral("f:%1").arg(m_selectedFrame));
        if (!c.isNull()) {
            QTextEdit::ExtraSelection sel;
            sel.cursor = c;
            sel.format.setBackground(QColor(0xff, 0xd5, 0x4f));
            sel.format.setForeground(QColor(0x20, 0x20, 0x20));
            marks.append(sel);
            if (scroll) {
                QTextCursor at(m_view->document());
                at.setPosition(c.selectionStart());
                m_view->setTextCursor(at);
                m_view->ensureCursorVisible();
            }
        }
    }
    m_view->setExtraSelections(marks);
}

QString ChatPanel::selectedText() const {
    if (m_selectedFrame < 0) return {};
    return findAnchor(m_view->document(), QStringLiteral("f:%1").arg(m_selectedFrame)).selectedText();
}

void ChatPanel::beginAssistant() {
    QTextCursor c(m_view->document());
    c.movePosition(QTextCursor::End);
    writeAssistantHeading(c);
    m_replyAt = c.position();
}

QString ChatPanel::reasoningHeader(int turn) const {
    if (turn < 0 || turn >= m_turns.size() || m_turns[turn].reasoning.isEmpty()) return {};
    const Turn& t = m_turns[turn];
    const QChar arrow = t.reasoningOpen ? QChar(0x25be) : QChar(0x25b8); // ▾ open, ▸ folded
    if (t.reply.isEmpty() && !t.done) return arrow + QLatin1Char(' ') + tr("Thinking\u2026");
    const QString seconds = QString::number(t.reasoningMs / 1000.0, 'f', 1);
    return arrow + QLatin1Char(' ')
        + (t.reasoningTokens == 1 ? tr("Thought for 1 token, %1 s").arg(seconds)
                                  : tr("Thought for %1 tokens, %2 s").arg(t.reasoningTokens).arg(seconds));
}

void ChatPanel::writeReply(QTextCursor& c, int turn) {
    const Turn& t = m_turns[turn];
    if (!t.reasoning.isEmpty()) {
        // The header is a link: a click opens or folds the thinking.
        QTextCharFormat head;
        head.setAnchor(true);
        head.setAnchorHref(QStringLiteral("r:%1").arg(turn));
        head.setForeground(dimmed());
        head.setFontItalic(true);
        head.setToolTip(t.reasoningOpen ? tr("Click to fold the thinking away") : tr("Click to show the thinking"));
        c.insertText(reasoningHeader(turn), head);
        if (t.reasoningOpen) {
            QTextBlockFormat thought;
            thought.setLeftMargin(14);
            thought.setBackground(QColor(0xf4, 0xf4, 0xf4));
            c.insertBlock(thought, QTextCharFormat());
            c.movePosition(QTextCursor::End);
            appendPieces(t.reasoning, true);
            c.movePosition(QTextCursor::End);
        }
        if (!t.reply.isEmpty() || t.done) {
            c.insertBlock(QTextBlockFormat(), QTextCharFormat());
        }
    }
    c.movePosition(QTextCursor::End);
    appendPieces(t.reply, false);
    if (!t.note.isEmpty()) {
        c.movePosition(QTextCursor::End);
        QTextCharFormat f;
        f.setForeground(QColor(0x88, 0x88, 0x88));
        f.setFontItalic(true);
        c.insertText(QStringLiteral("  [%1]").arg(t.note), f);
    }
}

void ChatPanel::rewriteLastReply() {
    if (m_turns.isEmpty() || m_replyAt < 0) return;
    QTextCursor c(m_view->document());
    c.setPosition(std::min(m_replyAt, m_view->document()->characterCount() - 1));
    c.movePosition(QTextCursor::End, QTextCursor::KeepAnchor);
    c.removeSelectedText(); // the block it starts in keeps its format, as when it streamed
    writeReply(c, int(m_turns.size()) - 1);
    markSelected(false);
}

void ChatPanel::appendPieces(const QVector<Piece>& pieces, bool reasoning) {
    QTextCursor c(m_view->document());
    c.movePosition(QTextCursor::End);
    for (const Piece& p : pieces) {
        QTextCharFormat f;
        if (reasoning) f.setForeground(dimmed());
        if (m_linksValid && p.frame >= 0) {
            // A link per token: clicking shows its routing across all layers.
            f.setAnchor(true);
            f.setAnchorHref(QStringLiteral("f:%1").arg(p.frame));
            f.setForeground(reasoning ? dimmed() : palette().color(QPalette::Text));
        }
        c.insertText(p.text, f);
    }
}

void ChatPanel::appendTokens(const QVector<StreamToken>& tokens) {
    if (m_turns.isEmpty()) return;
    Turn& t = m_turns.last();
    QVector<Piece> thought, answer;
    for (const StreamToken& s : tokens) {
        if (!s.reasoning.isEmpty()) {
            thought.append({ s.reasoning, s.frameIndex });
            if (s.id >= 0) {
                ++t.reasoningTokens;
                t.reasoningMs += std::max(0.0, s.ms);
            }
        }
        if (!s.text.isEmpty()) answer.append({ s.text, s.frameIndex });
    }
    if (thought.isEmpty() && answer.isEmpty()) return;
    const bool blockBefore = !t.reasoning.isEmpty();
    const bool answerBefore = !t.reply.isEmpty();
    t.reasoning += thought;
    t.reply += answer;
    setWaiting(false);
    QScrollBar* sb = m_view->verticalScrollBar();
    const bool atEnd = sb->value() >= sb->maximum() - 4;
    // The block is written whole when it appears, when the answer starts
    // (its header says how long the thinking took, and it may fold away) and
    // when thinking comes after the answer began; else the pieces go at the end.
    const bool answerStarts = !answer.isEmpty() && !answerBefore && !t.reasoning.isEmpty();
    if (answerStarts && m_collapseThinking) t.reasoningOpen = false;
    if ((!thought.isEmpty() && (!blockBefore || answerBefore)) || answerStarts) {
        rewriteLastReply();
    } else {
        if (t.reasoningOpen) appendPieces(thought, true);
        appendPieces(answer, false);
    }
    if (atEnd) sb->setValue(sb->maximum());
}

void ChatPanel::endAssistant(const QString& note) {
    setWaiting(false);
    if (m_turns.isEmpty()) return;
    Turn& t = m_turns.last();
    t.done = true;
    if (!note.isEmpty()) t.note = note;
    if (!t.reasoning.isEmpty()) {
        rewriteLastReply(); // the header says how long it thought
        return;
    }
    if (note.isEmpty()) return;
    QTextCursor c(m_view->document());
    c.movePosition(QTextCursor::End);
    QTextCharFormat f;
    f.setForeground(QColor(0x88, 0x88, 0x88));
    f.setFontItalic(true);
    c.insertText(QStringLiteral("  [%1]").arg(note), f);
}

void ChatPanel::showError(const QString& message) {
    setWaiting(false);
    QTextCursor c(m_view->document());
    c.movePosition(QTextCursor::End);
    QTextCharFormat f;
    f.setForeground(QColor(0xc0, 0x39, 0x2b));
    c.insertBlock();
    c.insertText(message, f);
    if (!m_turns.isEmpty()) {
        m_turns.last().note = message;
        m_turns.last().error = true;
        m_turns.last().done = true;
    }
    scrollToEnd(); // the message is where the reader's eyes should go
}

void ChatPanel::render() {
    m_waitingAt = -1;
    m_replyAt = -1;
    m_view->clear();
    QTextCursor c(m_view->document());
    for (int i = 0; i < m_turns.size(); ++i) {
        c.movePosition(QTextCursor::End);
        writeUser(c, m_turns[i].user);
        writeAssistantHeading(c);
        m_replyAt = c.position();
        writeReply(c, i);
    }
    markSelected(false);
}

void ChatPanel::toggleReasoning(int turn) {
    if (turn < 0 || turn >= m_turns.size() || m_turns[turn].reasoning.isEmpty()) return;
    m_turns[turn].reasoningOpen = !m_turns[turn].reasoningOpen;
    QScrollBar* sb = m_view->verticalScrollBar();
    const int at = sb->value();
    if (turn == m_turns.size() - 1)
        rewriteLastReply();
    else
        render();
    sb->setValue(std::min(at, sb->maximum()));
}

bool ChatPanel::reasoningOpen(int turn) const {
    return turn >= 0 && turn < m_turns.size() && m_turns[turn].reasoningOpen;
}

QString ChatPanel::reasoningText(int turn) const {
    QString s;
    if (turn >= 0 && turn < m_turns.size())
        for (const Piece& p : m_turns[turn].reasoning)
            s += p.text;
    return s;
}

QString ChatPanel::answerText(int turn) const {
    QString s;
    if (turn >= 0 && turn < m_turns.size())
        for (const Piece& p : m_turns[turn].reply)
            s += p.text;
    return s;
}

void ChatPanel::removeLastTurn() {
    if (m_turns.isEmpty()) return;
    m_turns.removeLast();
    render();
    setBusy(m_busy);
}

void ChatPanel::clearTranscript() {
    m_turns.clear();
    m_selectedFrame = -1;
    m_waitingAt = -1;
    m_replyAt = -1;
    m_view->setExtraSelections({});
    m_linksValid = true;
    m_view->clear();
    setBusy(m_busy);
}

void ChatPanel::disableFrameLinks() {
    m_linksValid = false;
    m_selectedFrame = -1;
    render();
    m_linksValid = true;
    // Only the transcript from now on links to routing.
    for (Turn& t : m_turns) {
        for (Piece& p : t.reply)
            p.frame = -1;
        for (Piece& p : t.reasoning)
            p.frame = -1;
    }
}

QString ChatPanel::transcriptText() const {
    return m_view->toPlainText();
}

QString ChatPanel::lastUserMessage() const {
    return m_turns.isEmpty() ? QString() : m_turns.last().user;
}
