// moe-cli with text: tokenize, generate -p, chat over standard input,
// score on text, chat templates, and the errors a person meets with text.
// Models carry real vocabularies imported with make-model --tokenizer.
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QtTest>

#include <fstream>

class TestCliText : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void tokenizeMatchesGoldens();
    void tokenizeSpecials();
    void generateText();
    void generateChat();
    void thinkingSwitch();
    void chatMultiTurn();
    void chatTemplateFile();
    void scoreText();
    void errors_data();
    void errors();

private:
    struct Result {
        int code;
        QByteArray out;
        QByteArray err;
    };
    Result run(const QStringList& args, const QByteArray& input = {});
    QTemporaryDir m_dir;
    QString m_qwen, m_mixtral;
};

TestCliText::Result TestCliText::run(const QStringList& args, const QByteArray& input) {
    QProcess p;
    p.start(QStringLiteral(MOE_CLI_PATH), args);
    if (!input.isEmpty()) p.write(input);
    p.closeWriteChannel();
    if (!p.waitForFinished(300000)) return { -1, {}, "timed out" };
    return { p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -2, p.readAllStandardOutput(),
        p.readAllStandardError() };
}

void TestCliText::initTestCase() {
    QVERIFY(m_dir.isValid());
    const QString data = QStringLiteral(MOE_TOKENIZER_DATA);
    m_qwen = m_dir.filePath("qwen.gguf");
    m_mixtral = m_dir.filePath("mixtral.gguf");
    Result r = run({ "make-model", "--arch", "qwen3moe", "--preset", "tiny", "--quant", "Q8_0", "--tokenizer",
        data + "/vocab/qwen3/tokenizer.json.zst", "-o", m_qwen });
    QVERIFY2(r.code == 0, r.err.constData());
    r = run({ "make-model", "--arch", "llama", "--preset", "tiny", "--quant", "Q8_0", "--tokenizer",
        data + "/vocab/llama2/tokenizer.json.zst", "-o", m_mixtral });
    QVERIFY2(r.code == 0, r.err.constData());
}

void TestCliText::tokenizeMatchesGoldens() {
    // corpus lines 20 ("Hello world") and 36, from a file, against the reference ids
    QFile corpus(QStringLiteral(MOE_TOKENIZER_DATA) + "/corpus.jsonl");
    QFile golden(QStringLiteral(MOE_TOKENIZER_DATA) + "/goldens/qwen3.jsonl");
    QVERIFY(corpus.open(QIODevice::ReadOnly) && golden.open(QIODevice::ReadOnly));
    const QList<QByteArray> lines = corpus.readAll().split('\n');
    const QList<QByteArray> ids = golden.readAll().split('\n');
    for (int i : { 20, 36, 100, 2000 }) {
        const QString text = QJsonDocument::fromJson("[" + lines[i] + "]").array()[0].toString();
        const QString file = m_dir.filePath(QString("line%1.txt").arg(i));
        QFile f(file);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(text.toUtf8());
        f.close();
        Result r = run({ "tokenize", m_qwen, "--text-file", file, "--json" });
        QVERIFY2(r.code == 0, r.err.constData());
        const QJsonObject o = QJsonDocument::fromJson(r.out).object();
        QCOMPARE(o["ids"].toArray(), QJsonDocument::fromJson(ids[i]).array());
        QCOMPARE(o["pieces"].toArray().size(), o["ids"].toArray().size());
    }
}

void TestCliText::tokenizeSpecials() {
    Result plain = run({ "tokenize", m_qwen, "-p", "<|im_end|>", "--json" });
    Result special = run({ "tokenize", m_qwen, "-p", "<|im_end|>", "--json", "--parse-special" });
    QCOMPARE(plain.code, 0);
    QCOMPARE(special.code, 0);
    const QJsonArray p = QJsonDocument::fromJson(plain.out).object()["ids"].toArray();
    const QJsonArray s = QJsonDocument::fromJson(special.out).object()["ids"].toArray();
    QVERIFY(p.size() > 1);
    QVERIFY(!p.contains(151645));
    QCOMPARE(s, QJsonArray { 151645 });
    // text output: id and piece per line
    Result t = run({ "tokenize", m_mixtral, "-p", "Hello world" });
    QCOMPARE(t.code, 0);
    QVERIFY2(t.out.contains("22557 \" Hello\"") && t.out.contains("1526 \" world\""), t.out.constData());
    // a piece that is part of a character shows its bytes in hex
    Result e = run({ "tokenize", m_qwen, "-p", "\xF0\x9F\xAB\xA8" }); // U+1FAE8, split into byte tokens
    QCOMPARE(e.code, 0);
    QVERIFY2(e.out.contains("<0xF0>") || e.out.contains("\xF0"), e.out.constData());
}

void TestCliText::generateText() {
    Result r = run({ "generate", m_qwen, "-p", "Explain mixture of experts", "-n", "12", "--temp", "0", "--json" });
    QVERIFY2(r.code == 0, r.err.constData());
    const QJsonObject o = QJsonDocument::fromJson(r.out).object();
    QCOMPARE(o["prompt_text"].toString(), QString("Explain mixture of experts"));
    QVERIFY(o["tokens"].toArray().size() >= 1);
    QVERIFY(o.contains("text"));
    // streamed text equals the JSON text
    Result s = run({ "generate", m_qwen, "-p", "Explain mixture of experts", "-n", "12", "--temp", "0" });
    QCOMPARE(s.code, 0);
    QCOMPARE(QString::fromUtf8(s.out).trimmed(), o["text"].toString().trimmed());
    // SentencePiece: BOS added as the metadata asks
    Result m = run({ "generate", m_mixtral, "-p", "Hello world", "-n", "4", "--json" });
    QVERIFY2(m.code == 0, m.err.constData());
    QCOMPARE(QJsonDocument::fromJson(m.out).object()["prompt"].toArray(), (QJsonArray { 1, 22557, 1526 }));
}

void TestCliText::generateChat() {
    Result r
        = run({ "generate", m_qwen, "-p", "Hi <|im_end|>", "--chat", "--system", "Be brief.", "-n", "4", "--json" });
    QVERIFY2(r.code == 0, r.err.constData());
    QVERIFY2(r.err.contains("the model's own Jinja chat template"), r.err.constData());
    const QJsonObject o = QJsonDocument::fromJson(r.out).object();
    const QJsonArray prompt = o["prompt"].toArray();
    int im_end = 0;
    for (const auto& v : prompt)
        im_end += v.toInt() == 151645 ? 1 : 0;
    QCOMPARE(im_end, 2); // after the system and the user turn; the user's own "<|im_end|>" is text
    QCOMPARE(o["prompt_text"].toString(),
        QString("<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi "
                "<|im_end|><|im_end|>\n<|im_start|>assistant\n"));
}

// Qwen3's own template has enable_thinking: --think off closes the thought
// before the answer; it has no reasoning effort, which is said and ignored.
void TestCliText::thinkingSwitch() {
    Result off = run({ "generate", m_qwen, "-p", "Hi", "--chat", "--think", "off", "-n", "2", "--json" });
    QVERIFY2(off.code == 0, off.err.constData());
    QVERIFY(QJsonDocument::fromJson(off.out).object()["prompt_text"].toString().endsWith(
        "<|im_start|>assistant\n<think>\n\n</think>\n\n"));
    Result on = run({ "generate", m_qwen, "-p", "Hi", "--chat", "--think", "on", "--reasoning-effort", "high", "-n",
        "2", "--json" });
    QVERIFY2(on.code == 0, on.err.constData());
    QVERIFY(QJsonDocument::fromJson(on.out).object()["prompt_text"].toString().endsWith("<|im_start|>assistant\n"));
    QVERIFY2(
        on.err.contains("--reasoning-effort high: this model's chat template does not read it"), on.err.constData());
    Result bad = run({ "generate", m_qwen, "-p", "Hi", "--chat", "--think", "maybe" });
    QVERIFY(bad.code != 0);
}

void TestCliText::chatMultiTurn() {
    Result r = run({ "chat", m_qwen, "-n", "6", "--temp", "0", "--system", "You are terse." },
        "Hello there\n\n/clear\nHello there\nAnd again\n/exit\nnot read\n");
    QVERIFY2(r.code == 0, r.err.constData());
    const QString err = QString::fromUtf8(r.err);
    QVERIFY2(err.contains("the model's own Jinja chat template"), r.err.constData());
    QRegularExpression turn("(\\d+) new prompt tokens, (\\d+) generated .*, (\\d+) in context");
    QList<QRegularExpressionMatch> turns;
    for (auto it = turn.globalMatch(err); it.hasNext();)
        turns.push_back(it.next());
    QCOMPARE(turns.size(), 3); // "not read" comes after /exit
    // after /clear the same first message costs the same prompt
    QCOMPARE(turns[0].captured(1), turns[1].captured(1));
    // the second message of a conversation prefills only what is new
    const int ctx_after_first = turns[1].captured(3).toInt();
    QVERIFY(turns[2].captured(1).toInt() < turns[2].captured(3).toInt() - turns[2].captured(2).toInt());
    QVERIFY(ctx_after_first > 0);
}

void TestCliText::chatTemplateFile() {
    const QString tmpl = m_dir.filePath("plainchat.json");
    QFile f(tmpl);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(
        R"({"name": "plainchat", "user": "Q: {content}\n", "assistant": "A: {content}\n", "generation_prompt": "A:"})");
    f.close();
    Result r = run({ "chat", m_qwen, "-n", "3", "--template", tmpl, "--show-prompt" }, "Why?\n");
    QVERIFY2(r.code == 0, r.err.constData());
    QVERIFY2(r.err.contains("chat format plainchat (given)"), r.err.constData());
    QVERIFY2(r.err.contains(R"(prompt: "Q: Why?\nA:")"), r.err.constData());
    Result b = run({ "chat", m_qwen, "--template", "vicuna" }, "x\n");
    QVERIFY(b.code != 0);
    QVERIFY2(b.err.contains("cannot open vicuna"), b.err.constData());
}

void TestCliText::scoreText() {
    Result r = run({ "score", m_qwen, "-p", "To be, or not to be, that is the question.", "--json" });
    QVERIFY2(r.code == 0, r.err.constData());
    const QJsonObject o = QJsonDocument::fromJson(r.out).object();
    QCOMPARE(o["nll"].toArray().size(), o["n_tokens"].toInt() - 1);
    QVERIFY(o["n_tokens"].toInt() > 5);
}

void TestCliText::errors_data() {
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QByteArray>("file");
    QTest::addColumn<QString>("expected");
    QTest::newRow("invalid utf-8") << QStringList { "tokenize", "QWEN", "--text-file", "FILE" }
                                   << QByteArray("ok \xff\xfe") << "is not valid UTF-8: byte 0xFF at offset 3";
    QTest::newRow("lone surrogate") << QStringList { "generate", "QWEN", "--text-file", "FILE" }
                                    << QByteArray("\xed\xa0\x80") << "byte 0xED at offset 0";
    QTest::newRow("prompt longer than context") << QStringList { "generate", "QWEN", "--text-file", "FILE", "-c", "16" }
                                                << QByteArray(2000, 'a').replace(3, 1, " ") << "and the context is 16";
    QTest::newRow("empty prompt") << QStringList { "generate", "QWEN", "-p", "" } << QByteArray() << "give a prompt";
    QTest::newRow("tokenizer.json not BPE") << QStringList { "make-model", "--tokenizer", "FILE", "-o", "OUT" }
                                            << QByteArray(R"({"model":{"type":"WordPiece","vocab":{}}})") << "only BPE";
    QTest::newRow("missing text file") << QStringList { "tokenize", "QWEN", "--text-file", "/nonexistent/t.txt" }
                                       << QByteArray() << "cannot open /nonexistent/t.txt";
}

void TestCliText::errors() {
    QFETCH(QStringList, args);
    QFETCH(QByteArray, file);
    QFETCH(QString, expected);
    const QString path = m_dir.filePath("input.txt");
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(file);
    f.close();
    args.replaceInStrings("QWEN", m_qwen);
    args.replaceInStrings("FILE", path);
    args.replaceInStrings("OUT", m_dir.filePath("out.gguf"));
    Result r = run(args);
    QVERIFY(r.code != 0);
    QVERIFY2(QString::fromUtf8(r.err).contains(expected), r.err.constData());
}

QTEST_GUILESS_MAIN(TestCliText)
#include "tst_cli_text.moc"
