// The Jinja renderer (engine/template) against @huggingface/jinja on the 70
// real chat templates of llama.cpp v0.5.0 (tests/templates/, goldens made by
// make_goldens.mjs), the limits hostile templates run into, the data marks
// that keep message text from becoming special tokens, the chat format's use
// of the model's own template (thinking switches included) and the splitting
// of a reply into thinking and answer.
#include "error.h"
#include "template/jinja.h"
#include "tokenizer/chat_template.h"
#include "tokenizer/reasoning.h"
#include "tokenizer/vocab_io.h"

#include <QtTest>
#include <nlohmann/json.hpp>

#include <chrono>
#include <map>
#include <set>
#include <sstream>

using json = nlohmann::json;
using namespace moe;
using namespace moe::jinja;

namespace {

const std::string k_data = MOE_TEMPLATE_DATA;

json load_json(const std::string& file) {
    return json::parse(read_text_file(k_data + "/" + file, uint64_t(64) << 20));
}

// Message content is data; every other string is the caller's own.
Value to_value(const json& j, bool data) {
    if (j.is_null()) return Value::none();
    if (j.is_boolean()) return Value::boolean(j.get<bool>());
    if (j.is_number_integer()) return Value::integer(j.get<int64_t>());
    if (j.is_number()) return Value::real(j.get<double>());
    if (j.is_string()) return Value::string(Str(j.get<std::string>(), data));
    if (j.is_array()) {
        Array a;
        for (const json& e : j)
            a.push_back(to_value(e, data));
        return Value::array(std::move(a));
    }
    Object o;
    for (const auto& [k, v] : j.items())
        o.set(k, to_value(v, data || k == "content" || k == "reasoning_content"));
    return Value::object(std::move(o));
}

// The fixed clock of the goldens (conversations.json "now", noon UTC).
Limits golden_limits() {
    Limits l;
    l.now = 1768478400; // 2026-01-15T12:00:00Z
    return l;
}

std::string render(const std::string& src, const Object& vars = {}, const Limits& limits = {}) {
    return Template(src).render(vars, limits).text;
}

QString error_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const Error& e) {
        return QString::fromStdString(e.what());
    }
    return {};
}

std::vector<ChatMessage> long_conversation(size_t n) {
    std::vector<ChatMessage> msgs { { "system", "You are a helpful assistant." } };
    for (size_t i = 0; i + 1 < n; ++i) {
        msgs.push_back({ i % 2 == 0 ? "user" : "assistant",
            "Message " + std::to_string(i)
                + ": a sentence or two about mixture-of-experts routing, "
                  "load balancing and the experts each token visits." });
    }
    return msgs;
}

} // namespace

class TestChatTemplates : public QObject {
    Q_OBJECT

private slots:
    void referenceGoldens();
    void expressionsAndStatements();
    void whitespaceControl();
    void hostileTemplates();
    void dataMarks();
    void modelTemplateWins();
    void thinkingSwitch();
    void reasoningSplitter();
    void benchmarkHundredMessages();
};

// Every render the reference produced must come out identical; where the
// reference raised, ours must raise as well.
void TestChatTemplates::referenceGoldens() {
    const json input = load_json("conversations.json");
    const json sources = load_json("templates.json.zst");
    // The reference's str.lstrip(chars) ignores its argument and strips all
    // whitespace; ours strips the characters given, as Python (and so HF
    // transformers) does. These two renders differ for that reason alone.
    const std::set<std::pair<std::string, int>> python_semantics
        = { { "Qwen-QwQ-32B", 12 }, { "HuggingFaceTB-SmolLM3-3B", 12 } };
    std::map<std::string, std::unique_ptr<Template>> parsed;
    std::istringstream lines(read_text_file(k_data + "/renders.jsonl.zst", uint64_t(256) << 20));
    int same = 0, both_raise = 0, known = 0, renders = 0;
    std::set<std::string> templates;
    QStringList failures;
    for (std::string line; std::getline(lines, line);) {
        const json d = json::parse(line);
        const std::string name = d["t"];
        const int c = d["c"];
        ++renders;
        templates.insert(name);
        std::string out, err;
        try {
            auto& t = parsed[name];
            if (!t) t = std::make_unique<Template>(sources.at(name).get<std::string>());
            Object vars;
            vars.set("messages", to_value(input["conversations"][size_t(c)], false));
            vars.set("bos_token", Value::string(input["bos_token"].get<std::string>()));
            vars.set("eos_token", Value::string(input["eos_token"].get<std::string>()));
            vars.set("tools", Value::none());
            for (const auto& [k, v] : d["v"].items())
                vars.set(k, to_value(v, false));
            out = t->render(vars, golden_limits()).text;
        } catch (const Error& e) {
            err = e.what();
        }
        if (d.contains("err")) {
            if (err.empty()) {
                failures << QString("%1 #%2 %3: the reference raised (%4), ours rendered")
                                .arg(name.c_str())
                                .arg(c)
                                .arg(d["v"].dump().c_str(), d["err"].get<std::string>().c_str());
            } else {
                ++both_raise;
            }
            continue;
        }
        if (err.empty() && out == d["out"].get<std::string>()) {
            ++same;
        } else if (python_semantics.count({ name, c })) {
            ++known;
        } else {
            const std::string ref = d["out"];
            size_t at = 0;
            while (at < out.size() && at < ref.size() && out[at] == ref[at])
                ++at;
            failures << QString("%1 #%2 %3: %4")
                            .arg(name.c_str())
                            .arg(c)
                            .arg(d["v"].dump().c_str())
                            .arg(err.empty() ? QString("differs at byte %1: ours %2, reference %3")
                                                   .arg(at)
                                                   .arg(json(out.substr(at, 40)).dump().c_str())
                                                   .arg(json(ref.substr(at, 40)).dump().c_str())
                                             : QString("ours raised: %1").arg(err.c_str()));
        }
    }
    qInfo("%d templates, %d renders: %d identical, %d raised by both, %d differ by Python's lstrip(chars)",
        int(templates.size()), renders, same, both_raise, known);
    for (const QString& f : failures.mid(0, 20))
        qWarning("%s", qPrintable(f));
    QCOMPARE(failures.size(), 0);
    QCOMPARE(int(templates.size()), 70);
    QVERIFY(same > 2000);
    QCOMPARE(known, int(python_semantics.size()));
}

void TestChatTemplates::expressionsAndStatements() {
    QCOMPARE(render("{{ 1 + 2 * 3 }} {{ 7 // 2 }} {{ 7 % 3 }} {{ 2 ** 10 }} {{ 1 / 2 }} {{ 3.0 }}"),
        std::string("7 3 1 1024 0.5 3.0"));
    QCOMPARE(render("{{ 'a' ~ 1 ~ true }} {{ 'x' + 'y' }} {{ [1, 2] + [3] }}"), std::string("a1true xy [1, 2, 3]"));
    QCOMPARE(render("{{ 'abcdef'[1:4] }} {{ 'abcdef'[::-1] }} {{ [1,2,3,4][-2:] }} {{ 'héllo'[1] }}"),
        std::string("bcd fedcba [3, 4] é"));
    QCOMPARE(render("{% for x in [3, 1, 2] | sort %}{{ loop.index }}{{ x }}{% if not loop.last %},{% endif %}"
                    "{% endfor %}"),
        std::string("11,22,33"));
    QCOMPARE(render("{% set ns = namespace(n=0) %}{% for i in range(5) if i is odd %}{% set ns.n = ns.n + i %}"
                    "{% endfor %}{{ ns.n }}"),
        std::string("4"));
    QCOMPARE(render("{% macro greet(name, punct='!') %}Hi {{ name }}{{ punct }}{% endmacro %}{{ greet('A') }} "
                    "{{ greet('B', punct='?') }}"),
        std::string("Hi A! Hi B?"));
    QCOMPARE(render("{% macro wrap() %}[{{ caller() }}]{% endmacro %}{% call wrap() %}in{% endcall %}"),
        std::string("[in]"));
    QCOMPARE(render("{% filter upper %}shout{% endfilter %} {% set x %}block{% endset %}{{ x | length }}"),
        std::string("SHOUT 5"));
    QCOMPARE(render("{{ ' a b '.strip() }}|{{ 'a,b,,c'.split(',') }}|{{ 'x y  z'.split() }}|"
                    "{{ 'aXbX'.replace('X', '-', 1) }}|{{ 'Hello'.startswith(('He', 'x')) }}"),
        std::string("a b|[\"a\", \"b\", \"\", \"c\"]|[\"x\", \"y\", \"z\"]|a-bX|true"));
    QCOMPARE(render("{{ {'b': 1, 'a': [true, none, 'q\"']} | tojson }} {{ {'b': 2, 'a': 1} | dictsort }}"),
        std::string("{\"b\": 1, \"a\": [true, null, \"q\\\"\"]} [[\"a\", 1], [\"b\", 2]]"));
    QCOMPARE(render("{{ {'a': 1} | tojson(indent=2) }}"), std::string("{\n  \"a\": 1\n}"));
    QCOMPARE(render("{{ [{'r': 'u'}, {'r': 'a'}, {'x': 1}] | selectattr('r', 'equalto', 'a') | list | length }} "
                    "{{ [{'n': 'p'}, {'n': 'q'}] | map(attribute='n') | join('+') }}"),
        std::string("1 p+q"));
    QCOMPARE(render("{{ missing }}|{{ missing is defined }}|{{ missing | default('d') }}|{{ none is none }}"),
        std::string("|false|d|true"));
    QCOMPARE(
        render("{{ 'yes' if 1 > 2 else 'no' }} {{ 'a' in 'cat' }} {{ 2 not in [1, 3] }}"), std::string("no true true"));
    QCOMPARE(render("{% for k, v in {'a': 1, 'b': 2}.items() %}{{ k }}={{ v }};{% endfor %}"), std::string("a=1;b=2;"));
    QCOMPARE(
        render("{% for i in range(10) %}{% if i == 3 %}{% break %}{% endif %}{{ i }}{% endfor %}"), std::string("012"));
    QCOMPARE(render("{% for x in [] %}x{% else %}empty{% endfor %}"), std::string("empty"));
    QCOMPARE(render("{{ strftime_now('%d %b %Y') }}", {}, golden_limits()), std::string("15 Jan 2026"));
}

void TestChatTemplates::whitespaceControl() {
    // trim_blocks and lstrip_blocks as HF sets them, and "-" on either side
    QCOMPARE(render("a\n  {% if true %}\nb\n  {% endif %}\nc"), std::string("a\nb\nc"));
    QCOMPARE(render("a  {%- if true -%}  b  {%- endif -%}  c"), std::string("abc"));
    QCOMPARE(render("x {{- ' y ' -}} z"), std::string("x y z"));
    QCOMPARE(render("line\n"), std::string("line")); // one trailing newline dropped
    QCOMPARE(render("{# note #}\nkept {#- gone -#} here"), std::string("kepthere"));
    QCOMPARE(render("a{% generation %}b{% endgeneration %}c"), std::string("abc"));
}

void TestChatTemplates::hostileTemplates() {
    auto fails_with = [](const std::string& src, const char* what, const Limits& limits = {}) {
        const QString e = error_of([&] { render(src, {}, limits); });
        if (!e.contains(what)) qWarning("%s -> %s", src.c_str(), qPrintable(e));
        return e.contains(what);
    };
    QVERIFY(fails_with("{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}", "nest deeper than 200"));
    QVERIFY(fails_with("{{ range(1000000000) | length }}", "loop iterations"));
    QVERIFY(fails_with("{% for a in range(1000) %}{% for b in range(1000) %}{% for c in range(1000) %}"
                       "{% endfor %}{% endfor %}{% endfor %}",
        "loop iterations"));
    QVERIFY(fails_with("{% set ns = namespace(s='xxxxxxxx') %}{% for i in range(64) %}{% set ns.s = ns.s + ns.s %}"
                       "{% endfor %}",
        "grows past"));
    QVERIFY(fails_with("{% set ns = namespace(a=[1]) %}{% for i in range(64) %}{% set ns.a = ns.a + ns.a %}"
                       "{% endfor %}",
        "list grows past"));
    QVERIFY(fails_with("{{ raise_exception('roles must alternate') }}", "roles must alternate"));
    QVERIFY(fails_with("{{ undefined_function() }}", "cannot call 'undefined_function'"));
    QVERIFY(fails_with("{{ 1 + none }}", "with none"));
    QVERIFY(fails_with("{{ 1 / 0 }}", "division by zero"));
    QVERIFY(fails_with("{% if true %}never closed", "not closed"));
    QVERIFY(fails_with("{% frobnicate %}", "unknown statement 'frobnicate'"));
    QVERIFY(fails_with("{{ 'unterminated }}", "not closed"));
    QVERIFY(fails_with("{{ " + std::string(500, '(') + "1" + std::string(500, ')') + " }}", "nesting deeper"));
    QVERIFY(fails_with("line one\n{{ 1 +* 2 }}", "line 2"));
    // a cycle printed: the JSON nesting limit ends it
    QVERIFY(fails_with("{% set ns = namespace() %}{% set ns.self = ns %}{{ ns }}", "cannot hold itself"));
    Limits small;
    small.max_output = 1000;
    QVERIFY(fails_with("{% for i in range(600) %}ab{% endfor %}", "grows past 1000", small));
}

void TestChatTemplates::dataMarks() {
    Object vars;
    Object msg;
    msg.set("role", Value::string("user"));
    msg.set("content", Value::string(Str("<|im_end|>", true)));
    vars.set("messages", Value::array({ Value::object(std::move(msg)) }));
    const Str out = Template("{% for m in messages %}<|im_start|>{{ m.role }}\n{{ m.content | trim }}<|im_end|>"
                             "{% endfor %}")
                        .render(vars);
    const std::string expect = "<|im_start|>user\n<|im_end|><|im_end|>";
    QCOMPARE(out.text, expect);
    // the content's bytes are data, the template's own <|im_end|> is not
    const size_t at = out.text.find("<|im_end|>");
    QCOMPARE(out.data.substr(at, 10), std::string(10, '\1'));
    QCOMPARE(out.data.substr(at + 10), std::string(10, '\0'));
    QCOMPARE(out.data.substr(0, at), std::string(at, '\0'));
}

void TestChatTemplates::modelTemplateWins() {
    const json sources = load_json("templates.json.zst");
    const std::string qwen3 = sources.at("Qwen-Qwen3-0.6B");
    std::string why;
    const ChatTemplate t = ChatTemplate::from_model(qwen3, &why);
    QCOMPARE(t.name, std::string("jinja"));
    QVERIFY2(why.find("own Jinja") != std::string::npos, why.c_str());
    QCOMPARE(t.reasoning, ReasoningFormat::think_tags);
    const std::vector<ChatMessage> msgs = { { "system", "Be brief." }, { "user", "Hi" } };
    QCOMPARE(t.render_text(msgs, true),
        std::string(
            "<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n"));
    QVERIFY(std::find(t.stop.begin(), t.stop.end(), "<|im_end|>") != t.stop.end());
    // gpt-oss: harmony, and <|end|> is not the end of the reply
    const ChatTemplate oss = ChatTemplate::from_model(sources.at("openai-gpt-oss-120b"), &why);
    QCOMPARE(oss.reasoning, ReasoningFormat::harmony);
    QVERIFY(std::find(oss.stop.begin(), oss.stop.end(), "<|return|>") != oss.stop.end());
    QVERIFY(std::find(oss.stop.begin(), oss.stop.end(), "<|end|>") == oss.stop.end());
    // a template that cannot render falls back to the family, saying why
    const ChatTemplate broken = ChatTemplate::from_model("<|im_start|>{{ raise_exception('no') }}", &why);
    QCOMPARE(broken.name, std::string("chatml"));
    QVERIFY2(why.find("cannot be used") != std::string::npos && why.find("no") != std::string::npos, why.c_str());
    // no template at all: the family fallback as before
    QCOMPARE(ChatTemplate::from_model("", &why).name, std::string("chatml"));
}

void TestChatTemplates::thinkingSwitch() {
    const json sources = load_json("templates.json.zst");
    std::string why;
    ChatTemplate t = ChatTemplate::from_model(sources.at("Qwen-Qwen3-0.6B"), &why);
    QVERIFY(t.supports_thinking_switch());
    QVERIFY(!t.supports_reasoning_effort());
    const std::vector<ChatMessage> msgs = { { "user", "Hi" } };
    const std::string on = t.render_text(msgs, true);
    t.options.thinking = false;
    const std::string off = t.render_text(msgs, true);
    QCOMPARE(off, on + "<think>\n\n</think>\n\n");
    ChatTemplate ds = ChatTemplate::from_model(sources.at("deepseek-ai-DeepSeek-V3.1"), &why);
    QVERIFY(ds.supports_thinking_switch());
    ds.options.thinking = true;
    QVERIFY(ds.render_text(msgs, true).ends_with("<think>"));
    ds.options.thinking = false;
    QVERIFY(ds.render_text(msgs, true).ends_with("</think>"));
    ChatTemplate oss = ChatTemplate::from_model(sources.at("openai-gpt-oss-120b"), &why);
    QVERIFY(oss.supports_reasoning_effort());
    oss.options.reasoning_effort = "high";
    QVERIFY(oss.render_text(msgs, true).find("Reasoning: high") != std::string::npos);
}

void TestChatTemplates::reasoningSplitter() {
    auto run = [](ReasoningSplitter& s, const std::vector<std::pair<std::string, bool>>& tokens) {
        std::string thinking, answer;
        auto take = [&](const std::vector<TextPiece>& pieces) {
            for (const TextPiece& p : pieces)
                (p.reasoning ? thinking : answer) += p.text;
        };
        for (const auto& [text, control] : tokens)
            take(s.push(text, control, control ? std::string() : text));
        take(s.flush());
        return std::make_pair(thinking, answer);
    };
    {
        // tags split across tokens, the prompt not inside a thought
        ReasoningSplitter s(ReasoningFormat::think_tags, "<|im_start|>assistant\n");
        const auto [th, an] = run(s,
            { { "<th", false }, { "ink>I pon", false }, { "der</", false }, { "think>\n\nAnswer <b>", false },
                { "</b>", false } });
        QCOMPARE(th, std::string("I ponder"));
        QCOMPARE(an, std::string("\n\nAnswer <b></b>"));
    }
    {
        // the template opened the thought (DeepSeek V3.1 thinking, R1)
        ReasoningSplitter s(ReasoningFormat::think_tags, "<｜Assistant｜><think>\n");
        const auto [th, an] = run(s, { { "hmm", false }, { "</think>", true }, { "yes", false } });
        QCOMPARE(th, std::string("hmm"));
        QCOMPARE(an, std::string("yes"));
    }
    {
        // harmony: analysis then final, markers are control tokens
        ReasoningSplitter s(ReasoningFormat::harmony, "<|start|>assistant");
        const auto [th, an] = run(s,
            { { "<|channel|>", true }, { "analysis", false }, { "<|message|>", true }, { "Think.", false },
                { "<|end|>", true }, { "<|start|>", true }, { "assistant", false }, { "<|channel|>", true },
                { "final", false }, { "<|message|>", true }, { "Done.", false } });
        QCOMPARE(th, std::string("Think."));
        QCOMPARE(an, std::string("Done."));
        QCOMPARE(s.answer(), std::string("Done."));
    }
    {
        // a model ignoring harmony still shows its text
        ReasoningSplitter s(ReasoningFormat::harmony, "<|start|>assistant");
        const auto [th, an] = run(s, { { "plain", false }, { " text", false } });
        QCOMPARE(an, std::string("plain text"));
        QVERIFY(th.empty());
    }
}

// Not a timed test: the figure goes to the log (README, "Chat templates").
void TestChatTemplates::benchmarkHundredMessages() {
    const json sources = load_json("templates.json.zst");
    const std::vector<ChatMessage> msgs = long_conversation(100);
    for (const char* name : { "Qwen-Qwen3-0.6B", "openai-gpt-oss-120b", "GLM-4.6", "deepseek-ai-DeepSeek-V3.1",
             "Kimi-K2-Instruct", "ibm-granite-granite-4.0" }) {
        std::string why;
        const ChatTemplate t = ChatTemplate::from_model(sources.at(name), &why);
        QCOMPARE(t.name, std::string("jinja"));
        std::string text;
        const int reps = 20;
        const auto t0 = std::chrono::steady_clock::now();
        for (int i = 0; i < reps; ++i)
            text = t.render_text(msgs, true);
        const double ms
            = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count() / reps;
        qInfo("%-28s 100 messages, %6zu bytes: %.2f ms per render", name, text.size(), ms);
        QVERIFY(!text.empty());
    }
}

QTEST_GUILESS_MAIN(TestChatTemplates)
#include "tst_chat_templates.moc"
