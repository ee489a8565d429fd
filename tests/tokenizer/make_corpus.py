#!/usr/bin/env python3
"""Generate tests/tokenizer/corpus.jsonl: a deterministic corpus of varied
strings for checking a tokenizer implementation against golden token ids.

Python 3 stdlib only. Output: one JSON string per line (json.dumps with
ensure_ascii=True, so the file itself is pure ASCII and line breaks inside
strings are escaped).

Usage:
    python3 tests/tokenizer/make_corpus.py \
        [--shakespeare /work/shared/data/tinyshakespeare.txt] \
        [--out tests/tokenizer/corpus.jsonl]

The same inputs always produce the same file (fixed seed, no time/locale
dependence). If the Shakespeare file is missing, the prose section falls back
to a small built-in text (the output then differs from the committed corpus).

Deliberately NOT included: U+0085 (NEL) and U+FEFF (BOM) next to other text,
because JavaScript's regex \\s (used by the golden generator) differs from the
Rust/Unicode \\s used by HF tokenizers for exactly those code points.
"""

import argparse
import json
import os
import random

SEED = 20261122

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_SHAKESPEARE = "/work/shared/data/tinyshakespeare.txt"

FALLBACK_PROSE = """First Citizen:
Before we proceed any further, hear me speak.

All:
Speak, speak.

First Citizen:
You are all resolved rather to die than to famish?
"""

CPP_SNIPPETS = [
    '#include <vector>\n#include <string>\n\nint main(int argc, char** argv) {\n    std::vector<int> v{1, 2, 3};\n    for (auto& x : v) x *= 2;\n    return 0;\n}\n',
    'template <typename T>\nstatic inline T clamp(T x, T lo, T hi) {\n\treturn x < lo ? lo : (x > hi ? hi : x);\n}\n',
    'struct Tensor {\n  float* data = nullptr;\n  int64_t ne[4] = {0};\n  size_t nb[4];\n};\n',
    'if (n_tokens > ctx->n_ctx) {\n    fprintf(stderr, "%s: too many tokens (%d > %d)\\n", __func__, n_tokens, ctx->n_ctx);\n    return -1;\n}',
    'auto it = std::find_if(xs.begin(), xs.end(), [&](const auto& e){ return e.id == id; });',
    'namespace moe {\nclass Router final : public Module {\npublic:\n    explicit Router(int n_expert, int top_k);\n    ~Router() override = default;\nprivate:\n    int n_expert_, top_k_;\n};\n}  // namespace moe\n',
    '#define CHECK(x) do { if (!(x)) { abort(); } } while (0)\n',
    'for (int i = 0; i < 16; ++i) {\n\tfor (int j = 0; j < 16; ++j) {\n\t\tc[i*16+j] += a[i*16+k] * b[k*16+j];\n\t}\n}\n',
    'std::unique_ptr<Foo> p = std::make_unique<Foo>(42);  /* owned */\n',
    'constexpr uint32_t kMagic = 0x46554747u; // "GGUF"\n',
]

PY_SNIPPETS = [
    'def fib(n):\n    a, b = 0, 1\n    for _ in range(n):\n        a, b = b, a + b\n    return a\n',
    'class Foo:\n    """Docstring."""\n\n    def __init__(self, x: int = 3) -> None:\n        self.x = x\n\n    def __repr__(self):\n        return f"Foo(x={self.x!r})"\n',
    'import numpy as np\n\nx = np.arange(12).reshape(3, 4)\nprint(x @ x.T)\n',
    'with open("data.txt", "r", encoding="utf-8") as f:\n\tfor line in f:\n\t\tprint(line.rstrip("\\n"))\n',
    'if __name__ == "__main__":\n    main()\n',
    'xs = [i ** 2 for i in range(10) if i % 2 == 0]\nd = {k: v for k, v in zip("abc", (1, 2, 3))}\n',
    'try:\n    1 / 0\nexcept ZeroDivisionError as e:\n    raise RuntimeError("boom") from e\n',
    'lambda x, *args, **kwargs: (x, args, kwargs)',
    '@dataclass(frozen=True)\nclass P:\n    x: float = 0.0\n    y: float = 0.0\n',
    'async def fetch(session, url):\n    async with session.get(url) as r:\n        return await r.json()\n',
]

JSON_SNIPPETS = [
    '{"name": "moe-workbench", "version": "0.1.0", "experts": [8, 16, 64], "top_k": 2}',
    '{\n  "model": {\n    "type": "BPE",\n    "vocab": {"a": 0, "b": 1},\n    "merges": ["a b"]\n  }\n}',
    '[{"id": 1, "ok": true}, {"id": 2, "ok": false, "err": null}]',
    '{\n\t"key":\t"value",\n\t"nested":\t{"x": 1.5e-3, "y": -2}\n}',
    '{"unicode": "\\u00e9\\u4e2d", "escaped": "line1\\nline2\\ttab", "quote": "\\"q\\""}',
    '{}', '[]', '[1,2,3,4,5,6,7,8,9,10]',
]

OTHER_CODE = [
    'SELECT id, name FROM users WHERE age >= 18 ORDER BY name DESC LIMIT 10;',
    '<html>\n  <body>\n    <div class="a b">Hello &amp; welcome</div>\n  </body>\n</html>',
    '#!/bin/sh\nset -eu\nfor f in *.txt; do\n  wc -l "$f"\ndone\n',
    'fn main() {\n    let v: Vec<u32> = (0..10).collect();\n    println!("{:?}", v);\n}\n',
    'const f = async (x) => { await sleep(10); return x ?? 0; };',
    '$ cmake -B build -DCMAKE_BUILD_TYPE=Release && cmake --build build -j16',
    'diff --git a/x.c b/x.c\n--- a/x.c\n+++ b/x.c\n@@ -1,3 +1,3 @@\n-int a = 1;\n+int a = 2;\n',
    '| col1 | col2 |\n|------|------|\n| 1    | 2    |\n',
    '$$\\sum_{i=1}^{n} i = \\frac{n(n+1)}{2}$$',
    'x_{t+1} = x_t - \\eta \\nabla f(x_t)',
]

CJK = [
    "我爱自然语言处理。", "今天天气很好，我们去公园散步吧！",
    "混合专家模型（MoE）通过路由器选择专家。", "中华人民共和国成立于1949年10月1日。",
    "这是一个测试句子，包含标点符号：逗号、句号。还有“引号”和《书名号》。",
    "機械学習は面白いです。", "東京は日本の首都です。", "ひらがなとカタカナとカンジ。",
    "私はプログラマーです。よろしくお願いします。", "ｶﾀｶﾅ（半角）とＡＢＣ（全角）",
    "안녕하세요, 세계!", "저는 한국어를 공부하고 있습니다.", "대한민국의 수도는 서울입니다.",
    "繁體中文測試：臺灣、香港。", "龘靐齉爩", "〇一二三四五六七八九十百千万亿",
    "中文English混合text测试123", "「こんにちは」と彼は言った。",
    "第1章　はじめに", "全角スペース　と　半角スペース",
]

OTHER_SCRIPTS = [
    "مرحبا بالعالم", "اللغة العربية جميلة جدا.", "السلام عليكم ورحمة الله وبركاته",
    "الرقم ١٢٣٤٥٦٧٨٩٠ بالأرقام العربية الهندية",
    "שלום עולם", "עברית היא שפה שמית.", "בְּרֵאשִׁית בָּרָא אֱלֹהִים",
    "नमस्ते दुनिया", "मैं हिंदी बोलता हूँ।", "भारत की राजधानी नई दिल्ली है। ०१२३४५६७८९",
    "Привет, мир!", "Я люблю программирование на C++.", "Съешь же ещё этих мягких французских булок, да выпей чаю.",
    "Ελληνικά: Γειά σου Κόσμε", "ภาษาไทยไม่มีช่องว่างระหว่างคำ", "Tiếng Việt có dấu: Điều đó thật tuyệt vời.",
    "Türkçe: İstanbul, ığdır, Şişli", "Deutsch: Grüße aus Köln, Straße, ß ẞ", "Français : « déjà vu », garçon, œuvre.",
    "Español: ¿Dónde está la biblioteca? ¡Aquí!", "Português: ação, coração, pão.",
    "Polski: Zażółć gęślą jaźń.", "Čeština: Příliš žluťoučký kůň úpěl ďábelské ódy.",
    "ქართული ენა", "Հայերեն լեզու", "አማርኛ ቋንቋ", "தமிழ் மொழி", "বাংলা ভাষা", "ᚠᚢᚦᚨᚱᚲ", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 𝕞𝕒𝕥𝕙 𝟙𝟚𝟛",
]

EMOJI = [
    "😀", "👍", "👍🏽", "👋🏿", "❤️", "🇺🇸", "🇯🇵🇩🇪🇫🇷", "👨‍👩‍👧‍👦", "👩🏽‍💻", "🏳️‍🌈", "🧑‍🤝‍🧑",
    "🤷‍♂️", "1️⃣2️⃣3️⃣", "#️⃣", "🏴󠁧󠁢󠁳󠁣󠁴󠁿", "😀😃😄😁😆😅😂🤣", "I ❤️ NY 🗽", "Fire 🔥🔥🔥 emoji!!!",
    "☕️ and 🍰", "👨🏻‍🦰👩🏼‍🦱🧑🏾‍🦳", "✨ sparkle ✨", "🐍 Python + 🦀 Rust", "👁️‍🗨️",
]

WORDS = ("the of and to in is was that for on with as by at from it he she they we you "
         "model expert router token layer weight tensor cache attention gate softmax "
         "quick brown fox jumps over lazy dog hello world").split()

CONTRACTION_BASES = ["it", "that", "he", "she", "John", "don", "can", "won", "they", "we", "you", "I", "there", "who"]
CONTRACTIONS = ["'s", "'t", "'re", "'ve", "'m", "'ll", "'d", "'S", "'T", "'RE", "'VE", "'M", "'LL", "'D", "'Re", "'rE", "'lL"]

SPECIAL_LIKE = [
    "<|im_start|>", "<|im_end|>", "<|endoftext|>", "<|begin_of_text|>", "<|end_of_text|>",
    "<|eot_id|>", "<|start_header_id|>", "<|end_header_id|>", "<|reserved_special_token_5|>",
    "<s>", "</s>", "<unk>", "[INST]", "[/INST]", "<<SYS>>", "<</SYS>>", "<think>", "</think>",
    "<tool_call>", "<|fim_prefix|>", "<｜begin▁of▁sentence｜>", "<｜end▁of▁sentence｜>",
    "<｜User｜>", "<｜Assistant｜>", "<|vision_start|>", "<pad>", "<mask>", "[CLS]", "[SEP]",
]

URLS = [
    "https://www.example.com/path/to/page?query=1&lang=en#section-2",
    "http://localhost:8080/api/v1/generate",
    "https://github.com/ggerganov/llama.cpp/blob/master/src/llama-vocab.cpp#L123",
    "ftp://files.example.org/pub/data_2024-01-01.tar.gz",
    "mailto:someone@example.com?subject=Hello%20World",
    "https://en.wikipedia.org/wiki/Mixture_of_experts",
    "https://例え.テスト/パス?クエリ=値",
    "file:///home/user/models/qwen3-30b-a3b-q4_k_m.gguf",
    "www.google.com", "user.name+tag@sub.domain.co.uk", "192.168.0.1:443", "[2001:db8::1]:8080",
]

PUNCT = [
    "!!!", "???", "?!?!", "...", "…", "---", "—", "–", "***", "###", "@@@", "$$$", "%%%", "^^^", "&&&",
    "(((", ")))", "[[[", "]]]", "{{{", "}}}", "<<<", ">>>", "///", "\\\\\\", "|||", "~~~", "```",
    "'''", '"""', ";;;", ":::", ",,,", "===", "+++", "->", "=>", "::", "!=", "<=", ">=", "&&", "||",
    "«»", "„“", "‘’", "“”", "¡¿", "§¶", "©®™", "°±×÷", "•·", "。、", "！？", "「」", "【】",
]

COMBINING = [
    "e\u0301", "cafe\u0301", "caf\u00e9", "n\u0303", "a\u0308o\u0308u\u0308", "A\u030a", "\u00c5",
    "Z\u0351\u036b\u0343\u036a\u0302\u036b\u033d\u034f\u0334\u0319\u0324\u031e\u0349\u035a\u032f\u031e\u0320\u034dA\u036b\u0357\u0334\u0362\u0335\u031c\u0330\u0354L\u0368\u0367\u0369\u0358\u0320G\u0311\u0357\u030e\u0305\u035b\u0341\u0334\u033b\u0348\u034d\u0354\u0339O\u0342\u030c\u030c\u0358\u0328\u0335\u0339\u033b\u031d\u0333",
    "\u1100\u1161\u11a8", "\u0915\u094d\u0937", "x\u0332y\u0332z\u0332", "i\u0307", "\ufb01 ligature", "\u212b", "\u2126 ohm",
    "o\u0308\u0304", "q\u0307\u0323", "\u0041\u030a\u0301",
]

WHITESPACE_CHARS = [" ", "\t", "\n", "\r\n", "\r", "\u00a0", "\u3000", "\u2009", "\u200b", "\u2028", "\u000b", "\u000c"]


def load_prose(path):
    if path and os.path.exists(path):
        with open(path, "r", encoding="utf-8") as f:
            return f.read()
    return FALLBACK_PROSE


def rand_word(rng, alphabet="abcdefghijklmnopqrstuvwxyz", lo=1, hi=12):
    return "".join(rng.choice(alphabet) for _ in range(rng.randint(lo, hi)))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--shakespeare", default=DEFAULT_SHAKESPEARE)
    ap.add_argument("--out", default=os.path.join(HERE, "corpus.jsonl"))
    args = ap.parse_args()

    rng = random.Random(SEED)
    out = []

    def add(s):
        out.append(s)

    # ---- fixed edge cases ----
    for s in ["", " ", "  ", "\t", "\n", "\r\n", "\r", "\n\n", " \n", "\n ", "a", "A", "0", "'", "'s", " 's",
              "Hello", " Hello", "Hello ", "  Hello  ", "Hello world", "hello  world", "Hello, world!",
              "▁", "▁▁", "▁Hello", "a▁b", "\u00a0", "\u3000", "\u200b", "\t\t\t", "    ", "\n\n\n\n"]:
        add(s)

    # ---- English prose from tinyshakespeare ----
    text = load_prose(args.shakespeare)
    lines = text.split("\n")
    # single lines (incl. speaker tags) from across the whole file
    for _ in range(700):
        i = rng.randrange(len(lines))
        add(lines[i])
    # multi-line slices (paragraph-ish), keep \n
    for _ in range(250):
        i = rng.randrange(len(lines))
        n = rng.randint(2, 8)
        add("\n".join(lines[i:i + n]))
    # raw character slices (may start/end mid-word)
    for _ in range(150):
        i = rng.randrange(max(1, len(text) - 400))
        add(text[i:i + rng.randint(5, 400)])
    # case variants
    for _ in range(60):
        s = lines[rng.randrange(len(lines))]
        add(s.upper() if rng.random() < 0.5 else s.lower())

    # ---- newline styles ----
    for _ in range(80):
        i = rng.randrange(len(lines))
        chunk = [l for l in lines[i:i + rng.randint(2, 6)]]
        nl = rng.choice(["\r\n", "\r", "\n", "mixed"])
        if nl == "mixed":
            s = ""
            for l in chunk:
                s += l + rng.choice(["\r\n", "\n", "\r", "\n\n", "\r\n\r\n", " \n", "\t\n"])
        else:
            s = nl.join(chunk) + (nl if rng.random() < 0.5 else "")
        add(s)

    # ---- code ----
    for s in CPP_SNIPPETS + PY_SNIPPETS + JSON_SNIPPETS + OTHER_CODE:
        add(s)
    allcode = CPP_SNIPPETS + PY_SNIPPETS + JSON_SNIPPETS + OTHER_CODE
    for _ in range(120):
        s = rng.choice(allcode)
        mode = rng.randrange(4)
        if mode == 0:
            s = s.replace("    ", "\t")
        elif mode == 1:
            s = s.replace("\t", "  ").replace("\n", "\r\n")
        elif mode == 2:
            # re-indent by extra levels
            ind = rng.choice(["  ", "    ", "\t", "\t\t", "        "])
            s = "\n".join(ind + l if l else l for l in s.split("\n"))
        else:
            a = rng.randrange(len(s))
            s = s[a:a + rng.randint(1, 80)]
        add(s)

    # ---- scripts ----
    for s in CJK + OTHER_SCRIPTS:
        add(s)
    allscripts = CJK + OTHER_SCRIPTS
    for _ in range(150):
        k = rng.randint(2, 4)
        parts = [rng.choice(allscripts + WORDS) for _ in range(k)]
        add(rng.choice([" ", "", "\n", ", "]).join(parts))

    # ---- emoji ----
    for s in EMOJI:
        add(s)
    for _ in range(80):
        parts = [rng.choice(EMOJI + WORDS + [" ", "!"]) for _ in range(rng.randint(2, 6))]
        add(rng.choice([" ", ""]).join(parts))

    # ---- digits ----
    for n in range(1, 41):
        add("".join(rng.choice("0123456789") for _ in range(n)))
    for n in [50, 64, 100, 128, 200]:
        add("".join(rng.choice("0123456789") for _ in range(n)))
    for _ in range(60):
        f = rng.choice([
            lambda: "%d" % rng.randint(-10**9, 10**9),
            lambda: "%.6f" % rng.uniform(-1e4, 1e4),
            lambda: "%e" % rng.uniform(-1e10, 1e10),
            lambda: "0x%08X" % rng.getrandbits(32),
            lambda: "%d,%03d,%03d" % (rng.randint(1, 999), rng.randint(0, 999), rng.randint(0, 999)),
            lambda: "v%d.%d.%d" % (rng.randint(0, 20), rng.randint(0, 99), rng.randint(0, 999)),
            lambda: "%04d-%02d-%02dT%02d:%02d:%02dZ" % (rng.randint(1900, 2100), rng.randint(1, 12), rng.randint(1, 28), rng.randint(0, 23), rng.randint(0, 59), rng.randint(0, 59)),
            lambda: "abc%ddef%d" % (rng.randint(0, 99999), rng.randint(0, 9999999)),
            lambda: " %d %d  %d" % (rng.randint(0, 999), rng.randint(0, 99999), rng.randint(0, 9)),
            lambda: "+1 (%03d) %03d-%04d" % (rng.randint(200, 999), rng.randint(0, 999), rng.randint(0, 9999)),
        ])
        add(f())
    add("١٢٣٤٥٦٧٨٩٠")
    add("०१२३४५६७८९")
    add("１２３４５６７８９０")
    add("Ⅰ Ⅱ Ⅲ Ⅳ ½ ¼ ² ³ ①②③")

    # ---- whitespace runs ----
    for n in range(1, 21):
        add(" " * n)
        add("a" + " " * n + "b")
        add("\t" * n if n <= 8 else " \t" * (n // 2))
    for _ in range(80):
        s = ""
        for _ in range(rng.randint(1, 8)):
            s += rng.choice(WHITESPACE_CHARS) * rng.randint(1, 4)
            if rng.random() < 0.6:
                s += rng.choice(WORDS)
        add(s)

    # ---- contractions ----
    for b in CONTRACTION_BASES:
        for c in CONTRACTIONS:
            add(b + c)
    for _ in range(60):
        s = " ".join(rng.choice(CONTRACTION_BASES) + rng.choice(CONTRACTIONS) for _ in range(rng.randint(2, 6)))
        if rng.random() < 0.3:
            s = s.upper()
        add(s)
    for s in ["I'm", "I'M", "you're", "YOU'RE", "we've", "We'Ve", "she'll", "SHE'LL", "he'd", "HE'D",
              "don't", "DON'T", "it's", "IT'S", "'s'", "''s", "'ss", "'", "''", "' s", "rock 'n' roll",
              "o'clock", "'tis", "'twas", "Ma'am", "y'all'd've", "’s", "don’t", "it’s", "the 90's", "'123"]:
        add(s)

    # ---- very long words ----
    for n in [50, 100, 200, 300, 500, 1000]:
        add(rand_word(rng, lo=n, hi=n))
    add("a" * 300)
    add("A" * 300)
    add("ab" * 150)
    add("Supercalifragilisticexpialidocious" * 9)
    add("pneumonoultramicroscopicsilicovolcanoconiosis")
    add("x" * 1000)
    add("中" * 300)
    add("😀" * 100)
    add("-" * 300)
    add(" " * 300)
    add("\n" * 100)
    add("=" * 80 + "\n" + "Title" + "\n" + "=" * 80)
    add("0" * 300)

    # ---- URLs / punctuation ----
    for s in URLS:
        add(s)
        add("See " + s + " for details.")
    for s in PUNCT:
        add(s)
    for _ in range(80):
        add("".join(rng.choice(PUNCT) for _ in range(rng.randint(1, 6))))
    for _ in range(40):
        add(rng.choice(WORDS) + rng.choice(PUNCT) + rng.choice([" ", "", "\n"]) + rng.choice(WORDS))

    # ---- combining marks ----
    for s in COMBINING:
        add(s)
        add("The word " + s + " appears here.")

    # ---- special-token-like text (must be treated as plain text) ----
    for s in SPECIAL_LIKE:
        add(s)
    for _ in range(60):
        a = rng.choice(SPECIAL_LIKE)
        b = rng.choice(SPECIAL_LIKE)
        add(rng.choice(["", " ", "\n"]).join([a, rng.choice(WORDS), b]))
    add("<|im_start|>user\nHello!<|im_end|>\n<|im_start|>assistant\n")
    add("[INST] <<SYS>>\nYou are helpful.\n<</SYS>>\n\nHi [/INST]")
    add("<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>")
    add("<｜User｜>你好<｜Assistant｜>")
    add("<|im_end|<|im_end|>>")
    add("< |im_end| >")
    add("<s> </s> <unk>")

    # ---- random mixture (fuzz-ish but valid text) ----
    pools = [WORDS, CJK, OTHER_SCRIPTS, EMOJI, PUNCT, URLS, COMBINING, ["\n", "\t", " ", "  ", "\r\n"]]
    while len(out) < 2600:
        parts = []
        for _ in range(rng.randint(1, 10)):
            pool = rng.choice(pools)
            parts.append(rng.choice(pool))
        add(rng.choice([" ", "", " "]).join(parts))

    # sanity: no lone surrogates, no NEL/BOM
    for s in out:
        s.encode("utf-8")
        assert "\u0085" not in s and "\ufeff" not in s

    with open(args.out, "w", encoding="ascii", newline="\n") as f:
        for s in out:
            f.write(json.dumps(s, ensure_ascii=True) + "\n")
    print("wrote %d lines to %s (%d bytes)" % (len(out), args.out, os.path.getsize(args.out)))


if __name__ == "__main__":
    main()
