// Pre-tokenizers of the 2026 families that neither llama.cpp's bundle nor
// npm has a vocabulary for, against llama.cpp's own llama_tokenize: a real
// byte-level vocabulary (tests/tokenizer/vocab) written into a GGUF whose
// tokenizer.ggml.pre names the family, the 2,663-line corpus tokenized by our
// engine and by llama.cpp v0.5.0 (tests/llamacpp/llama_tokenize_lines.cpp):
//   kimi-k2   Kimi K2 (Han runs apart; llama.cpp's own handler in unicode.cpp), on the o200k vocabulary
//   glm4      GLM-4.5/4.6 (llama.cpp's CHATGLM4 rule), on the Qwen3 vocabulary
//   dbrx      Granite 4.0 (its GGUFs carry "dbrx"; llama.cpp's DBRX rule), on the Llama 3 vocabulary
// llama.cpp's ids are committed (tests/tokenizer/goldens/llamacpp-<pre>.jsonl)
// so CI checks them without llama.cpp; where llama.cpp is built
// (tests/llamacpp/setup.sh) they are also taken live and must equal both.
// MOE_WRITE_GOLDENS=1 rewrites the goldens from llama.cpp
// (tests/llamacpp/make_pretokenizer_goldens.sh).
#include "gguf/gguf.h"
#include "tokenizer/pretokenizer.h"
#include "tokenizer/tokenizer.h"
#include "tokenizer/vocab_io.h"

#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

using namespace moe;
using json = nlohmann::json;

namespace {

const std::string k_data = MOE_TOKENIZER_DATA;
const QString k_tool = QStringLiteral(MOE_LLAMA_TOKENIZE);

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string l; std::getline(in, l);)
        out.push_back(l);
    return out;
}

std::vector<std::vector<int32_t>> ids_of(const std::string& text) {
    std::vector<std::vector<int32_t>> out;
    for (const std::string& l : lines_of(text))
        out.push_back(json::parse(l).get<std::vector<int32_t>>());
    return out;
}

std::string show(const std::vector<int32_t>& ids) {
    std::string s;
    for (int32_t i : ids)
        s += std::to_string(i) + ",";
    return s;
}

// The vocabulary as a GGUF llama.cpp loads with vocab_only: a llama header
// (its loader reads the hyperparameters first) and the tokenizer section.
std::vector<uint8_t> vocab_gguf(const VocabData& v) {
    GgufWriter w;
    w.set_string("general.architecture", "llama");
    w.set_string("general.name", "vocabulary " + v.pre);
    w.set_uint32("llama.block_count", 1);
    w.set_uint32("llama.context_length", 4096);
    w.set_uint32("llama.embedding_length", 64);
    w.set_uint32("llama.feed_forward_length", 128);
    w.set_uint32("llama.attention.head_count", 4);
    w.set_uint32("llama.attention.head_count_kv", 4);
    w.set_float32("llama.rope.freq_base", 10000.0f);
    w.set_float32("llama.attention.layer_norm_rms_epsilon", 1e-5f);
    w.set_uint32("llama.vocab_size", uint32_t(v.tokens.size()));
    write_vocab(w, v);
    return w.to_bytes();
}

} // namespace

class TestPretokenizers : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void againstLlamacpp_data() {
        QTest::addColumn<QString>("pre");
        QTest::addColumn<QString>("vocab");
        QTest::addColumn<QString>("rule"); // our rule for that name
        QTest::newRow("kimi-k2") << "kimi-k2"
                                 << "gptoss"
                                 << "kimi-k2";
        QTest::newRow("glm4") << "glm4"
                              << "qwen3"
                              << "llama3";
        QTest::newRow("dbrx (Granite 4.0)") << "dbrx"
                                            << "llama3"
                                            << "llama3";
    }

    void againstLlamacpp() {
        QFETCH(QString, pre);
        QFETCH(QString, vocab);
        QFETCH(QString, rule);
        VocabData v = import_hf_tokenizer(k_data + "/vocab/" + vocab.toStdString() + "/tokenizer.json.zst");
        v.pre = pre.toStdString();
        // llama.cpp makes fill-in-the-middle tokens (<|fim_prefix|>, ...) control
        // tokens when it loads a vocabulary ("auto-detect special tokens by
        // text" in llama-vocab.cpp), so their text is plain text unless special
        // tokens are parsed; the vocabulary says so for both sides alike.
        for (size_t i = 0; i < v.tokens.size(); ++i)
            if (v.tokens[i].find("fim_") != std::string::npos && v.types[i] == int32_t(TokenKind::user_defined))
                v.types[i] = int32_t(TokenKind::control);
        const std::vector<uint8_t> bytes = vocab_gguf(v);
        const GgufFile f = GgufFile::from_memory(bytes.data(), bytes.size(), pre.toStdString());
        const std::unique_ptr<Tokenizer> tok = Tokenizer::from_gguf(f);
        QCOMPARE(QString::fromStdString(tok->info().pre_rule), rule);
        std::string warning;
        PreTokenizer::for_name(v.pre, &warning);
        QVERIFY2(warning.empty(), warning.c_str()); // a name we know, not a fallback

        const std::string corpus_path = k_data + "/corpus.jsonl";
        std::vector<std::string> corpus;
        for (const std::string& l : lines_of(read_text_file(corpus_path)))
            corpus.push_back(json::parse(l).get<std::string>());
        const std::string golden_path = k_data + "/goldens/llamacpp-" + v.pre + ".jsonl";

        // llama.cpp itself, where it is built
        std::vector<std::vector<int32_t>> live;
        const bool write = qEnvironmentVariableIsSet("MOE_WRITE_GOLDENS");
        if (QFileInfo(k_tool).isExecutable()) {
            QTemporaryDir dir;
            const QString gguf = dir.filePath(pre + QStringLiteral(".gguf"));
            {
                std::ofstream out(gguf.toStdString(), std::ios::binary);
                out.write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size()));
            }
            QProcess p;
            p.start(k_tool, { gguf, QString::fromStdString(corpus_path) });
            QVERIFY(p.waitForFinished(300000));
            QVERIFY2(p.exitCode() == 0, p.readAllStandardError().constData());
            const QByteArray out = p.readAllStandardOutput();
            live = ids_of(out.toStdString());
            QCOMPARE(live.size(), corpus.size());
            if (write) {
                std::ofstream g(golden_path, std::ios::binary | std::ios::trunc);
                g.write(out.constData(), out.size());
            }
        } else if (write) {
            QFAIL(qPrintable(k_tool + QStringLiteral(" is not built: run tests/llamacpp/setup.sh")));
        }
        QVERIFY2(std::filesystem::exists(golden_path), golden_path.c_str());
        const auto golden = ids_of(read_text_file(golden_path));
        QCOMPARE(golden.size(), corpus.size());
        if (!live.empty()) QVERIFY2(live == golden, "llama.cpp no longer gives the committed ids: regenerate them");

        int bad = 0;
        size_t tokens = 0;
        for (size_t i = 0; i < corpus.size(); ++i) {
            const std::vector<int32_t> got = tok->encode(corpus[i]);
            tokens += got.size();
            if (got != golden[i] && (++bad <= 5 || qEnvironmentVariableIsSet("MOE_SHOW_ALL")))
                qWarning("line %zu %s\n  llama.cpp %s\n  ours      %s", i, json(corpus[i]).dump().c_str(),
                    show(golden[i]).c_str(), show(got).c_str());
        }
        qInfo("%s on the %s vocabulary: %zu lines, %zu tokens, %d differ from llama.cpp%s", qPrintable(pre),
            qPrintable(vocab), corpus.size(), tokens, bad, live.empty() ? " (committed ids)" : " (live and committed)");
        QCOMPARE(bad, 0);
    }
};

QTEST_GUILESS_MAIN(TestPretokenizers)
#include "tst_pretokenizers.moc"
