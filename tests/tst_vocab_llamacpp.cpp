// The tokenizer against llama.cpp's own vocabulary goldens: every
// models/ggml-vocab-*.gguf of llama.cpp v0.5.0 (the source bundle of
// node-llama-cpp, checked out by the llamacpp_source fixture) with its
// .inp/.out files (texts and the ids HF tokenizers gave, add_special off,
// special tokens as plain text). Every line must come out identical for the
// vocabularies whose pre-tokenizer the engine knows; the others are listed.
// Skipped when the bundle is not installed (tests/llamacpp/setup.sh).
#include "error.h"
#include "gguf/gguf.h"
#include "tokenizer/pretokenizer.h"
#include "tokenizer/tokenizer.h"
#include "tokenizer/vocab_io.h"

#include <QtTest>

#include <filesystem>
#include <sstream>

using namespace moe;

namespace {

const std::string k_models = MOE_LLAMACPP_MODELS;

std::vector<std::string> split_tests(const std::string& inp) {
    const std::string sep = "\n__ggml_vocab_test__\n";
    std::vector<std::string> out;
    size_t at = 0;
    while (true) {
        const size_t next = inp.find(sep, at);
        if (next == std::string::npos) break;
        out.push_back(inp.substr(at, next - at));
        at = next + sep.size();
    }
    return out;
}

std::vector<std::vector<int32_t>> read_ids(const std::string& out) {
    std::vector<std::vector<int32_t>> all;
    std::istringstream lines(out);
    for (std::string line; std::getline(lines, line);) {
        std::istringstream ids(line);
        std::vector<int32_t> v;
        for (int32_t id; ids >> id;)
            v.push_back(id);
        all.push_back(std::move(v));
    }
    return all;
}

} // namespace

class TestVocabLlamacpp : public QObject {
    Q_OBJECT

private slots:
    void vocabularies_data();
    void vocabularies();
};

void TestVocabLlamacpp::vocabularies_data() {
    QTest::addColumn<QString>("name");
    QTest::addColumn<bool>("required"); // the engine claims this vocabulary
    // byte-level BPE with a known pre-tokenizer, and SentencePiece
    for (const char* n : { "qwen2", "qwen35", "llama-bpe", "gpt-2", "command-r", "llama-spm", "phi-3" })
        QTest::newRow(n) << n << true;
    // not supported: pre-tokenizers the engine does not implement (deepseek-llm,
    // deepseek-coder), byte-level vocabularies without a token for every byte
    // (refact, starcoder, mpt, falcon), other models (WordPiece, Gemma 4)
    for (const char* n : { "deepseek-llm", "deepseek-coder", "refact", "starcoder", "falcon", "mpt", "gpt-neox",
             "bert-bge", "gemma-4", "baichuan", "aquila", "nomic-bert-moe" })
        QTest::newRow(n) << n << false;
}

void TestVocabLlamacpp::vocabularies() {
    QFETCH(QString, name);
    QFETCH(bool, required);
    const std::string base = k_models + "/ggml-vocab-" + name.toStdString() + ".gguf";
    if (!std::filesystem::exists(base)) QSKIP("llama.cpp's source bundle is not checked out (tests/llamacpp/setup.sh)");
    if (!std::filesystem::exists(base + ".out")) QSKIP("llama.cpp has no goldens for this vocabulary");
    const std::vector<std::string> texts = split_tests(read_text_file(base + ".inp", uint64_t(16) << 20));
    const auto want = read_ids(read_text_file(base + ".out", uint64_t(16) << 20));
    if (texts.size() != want.size()) {
        if (!required) QSKIP("its .inp and .out do not pair up");
        QCOMPARE(texts.size(), want.size());
    }
    std::unique_ptr<Tokenizer> tok;
    try {
        const GgufFile f = GgufFile::open(base);
        tok = Tokenizer::from_gguf(f);
    } catch (const Error& e) {
        if (required) QFAIL(e.what());
        QSKIP(qPrintable(QString("not supported: %1").arg(e.what())));
    }
    std::string warning;
    PreTokenizer::for_name(tok->info().pre, &warning);
    int bad = 0;
    for (size_t i = 0; i < texts.size(); ++i) {
        const std::vector<int32_t> got = tok->encode(texts[i]);
        if (got != want[i] && ++bad <= 3 && required) {
            std::string g, w;
            for (int32_t id : got)
                g += std::to_string(id) + " ";
            for (int32_t id : want[i])
                w += std::to_string(id) + " ";
            qWarning("line %zu %s\n  want %s\n  got  %s", i, texts[i].c_str(), w.c_str(), g.c_str());
        }
    }
    qInfo("%s (model %s, pre %s, rule %s): %zu lines, %d differ", qPrintable(name), tok->info().model.c_str(),
        tok->info().pre.c_str(), tok->info().pre_rule.c_str(), texts.size(), bad);
    if (!required) {
        if (bad) QSKIP(qPrintable(QString("not supported: %1 of %2 lines differ").arg(bad).arg(texts.size())));
        return;
    }
    if (tok->info().model == "gpt2") QVERIFY2(warning.empty(), warning.c_str()); // a known splitting rule
    QCOMPARE(bad, 0);
}

QTEST_GUILESS_MAIN(TestVocabLlamacpp)
#include "tst_vocab_llamacpp.moc"
