#!/usr/bin/env node
// Reference renderings of chat conversations: the model's own Jinja chat
// template run by @huggingface/jinja 0.5.11 (the Jinja implementation of
// transformers.js, independent of the engine), then tokenized by
// @lenml/tokenizers with special tokens recognised, as HF's
// apply_chat_template(tokenize=True) does. Text and ids are recorded.
// Mistral/Mixtral's tokenizer_config has no template in the package, so the
// published Mixtral-8x7B-Instruct-v0.1 template is given explicitly.
//
//   (cd /tmp/tok && npm install @huggingface/jinja@0.5.11)
//   node tests/tokenizer/make_chat_goldens.mjs --modules /tmp/tok/node_modules
//   -> tests/tokenizer/goldens/chat.json
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL, fileURLToPath } from "node:url";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const arg = (n, d) => (process.argv.indexOf(n) >= 0 ? process.argv[process.argv.indexOf(n) + 1] : d);
const MODULES = path.resolve(arg("--modules", "/tmp/tok/node_modules"));
const OUT = path.resolve(arg("--out", path.join(HERE, "goldens", "chat.json")));

const MIXTRAL =
  "{{ bos_token }}{% for message in messages %}{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}" +
  "{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}{% endif %}" +
  "{% if message['role'] == 'user' %}{{ '[INST] ' + message['content'] + ' [/INST]' }}" +
  "{% elif message['role'] == 'assistant' %}{{ message['content'] + eos_token}}" +
  "{% else %}{{ raise_exception('Only user and assistant roles are supported!') }}{% endif %}{% endfor %}";

// Benign conversations only: the reference parses special tokens everywhere,
// so text that spells one would differ on purpose (the engine keeps it plain).
const CONVERSATIONS = [
  [{ role: "user", content: "Hello!" }],
  [{ role: "user", content: "Explain mixture of experts in one sentence." }],
  [
    { role: "user", content: "What is 2+2?" },
    { role: "assistant", content: "It is 4." },
    { role: "user", content: "And 3+3?" },
  ],
  [
    { role: "user", content: "  padded question with trailing newline\n" },
    { role: "assistant", content: "A reply\nwith two lines." },
    { role: "user", content: "中文问题：专家混合是什么？ 😀" },
  ],
  [
    { role: "user", content: "def f(x):\n\treturn x*2\n\nWhat does it do?" },
    { role: "assistant", content: "It doubles x." },
    { role: "user", content: "Thanks" },
    { role: "assistant", content: "You're welcome!" },
    { role: "user", content: "Bye" },
  ],
];
const SYSTEM = { role: "system", content: "You are a concise assistant." };

const { Template } = await loadPkg("@huggingface/jinja");

async function loadPkg(pkg) {
  const pj = JSON.parse(fs.readFileSync(path.join(MODULES, pkg, "package.json"), "utf8"));
  const entry = pj.exports?.["."]?.import ?? pj.module ?? pj.main;
  return import(pathToFileURL(path.join(MODULES, pkg, entry)).href);
}

const out = { generator: "tests/tokenizer/make_chat_goldens.mjs", conversations: CONVERSATIONS, system: SYSTEM, cases: [] };
for (const [name, withSystem, template] of [
  ["qwen3", true, null],
  ["llama3", true, null],
  ["deepseek_v3", true, null],
  ["llama2", false, MIXTRAL],
]) {
  const { fromPreTrained, tokenizerConfig } = await loadPkg(`@lenml/tokenizer-${name}`);
  const tok = fromPreTrained();
  const special = (v) => (typeof v === "string" ? v : v?.content ?? "");
  const jinja = new Template(template ?? tokenizerConfig.chat_template);
  for (let c = 0; c < CONVERSATIONS.length; ++c) {
    for (const system of withSystem ? [false, true] : [false]) {
      const msgs = system ? [SYSTEM, ...CONVERSATIONS[c]] : CONVERSATIONS[c];
      const text = jinja.render({
        messages: msgs,
        add_generation_prompt: true,
        bos_token: special(tokenizerConfig.bos_token),
        eos_token: special(tokenizerConfig.eos_token),
      });
      const ids = Array.from(tok.encode(text, { add_special_tokens: false }));
      out.cases.push({ vocab: name, conversation: c, system, text, ids: ids.map(Number) });
    }
  }
}
fs.writeFileSync(OUT, JSON.stringify(out, null, 1) + "\n");
console.log(`wrote ${out.cases.length} cases to ${OUT}`);
