#!/usr/bin/env node
// Reference renderings of real chat templates: every template of llama.cpp's
// models/templates (the bundle of node-llama-cpp 3.22.1, llama.cpp v0.5.0)
// rendered by @huggingface/jinja 0.5.11 (transformers.js's Jinja, independent
// of the engine) over the conversations of conversations.json, with
// add_generation_prompt, bos/eos tokens, tools = null and, where the template
// reads them, enable_thinking on/off, thinking and reasoning_effort.
// strftime_now sees a fixed clock (conversations.json "now").
//
//   git clone <gitRelease.bundle> /tmp/llama-src
//   (mkdir -p /tmp/tok && cd /tmp/tok && npm install @huggingface/jinja@0.5.11)
//   node tests/templates/make_goldens.mjs --templates /tmp/llama-src/models/templates --modules /tmp/tok/node_modules
//   -> tests/templates/templates.json.zst, tests/templates/renders.jsonl.zst, summary.json
import fs from "node:fs";
import path from "node:path";
import { execFileSync } from "node:child_process";
import { pathToFileURL, fileURLToPath } from "node:url";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const arg = (n, d) => (process.argv.indexOf(n) >= 0 ? process.argv[process.argv.indexOf(n) + 1] : d);
const TEMPLATES = path.resolve(arg("--templates", "/work/llama-src/models/templates"));
const MODULES = path.resolve(arg("--modules", "/tmp/tok/node_modules"));

const input = JSON.parse(fs.readFileSync(path.join(HERE, "conversations.json"), "utf8"));
const FIXED = Date.parse(input.now);
const RealDate = Date;
globalThis.Date = class extends RealDate {
  constructor(...a) {
    if (a.length === 0) super(FIXED);
    else super(...a);
  }
  static now() {
    return FIXED;
  }
};

const pj = JSON.parse(fs.readFileSync(path.join(MODULES, "@huggingface/jinja/package.json"), "utf8"));
const entry = pj.exports?.["."]?.import ?? pj.module ?? pj.main;
const { Template } = await import(pathToFileURL(path.join(MODULES, "@huggingface/jinja", entry)).href);

// Variables a template may read, each tried where the template names it,
// on the conversations listed (a subset keeps the goldens small).
const VARIANTS = [
  { re: /\benable_thinking\b/, vars: [{ enable_thinking: true }, { enable_thinking: false }] },
  { re: /\bthinking\b(?!_)/, vars: [{ thinking: true }, { thinking: false }] },
  { re: /\breasoning_effort\b/, vars: [{ reasoning_effort: "low" }, { reasoning_effort: "high" }] },
];
const VARIANT_CONVERSATIONS = [0, 1, 3, 5, 11, 19];

const names = fs.readdirSync(TEMPLATES).filter((f) => f.endsWith(".jinja")).sort();
const sources = {};
const lines = [];
const summary = { reference: `@huggingface/jinja ${pj.version}`, templates: {} };
for (const file of names) {
  const name = file.replace(/\.jinja$/, "");
  const src = fs.readFileSync(path.join(TEMPLATES, file), "utf8");
  sources[name] = src;
  let tmpl;
  try {
    tmpl = new Template(src);
  } catch (e) {
    summary.templates[name] = { parse_error: String(e.message ?? e) };
    continue;
  }
  let ok = 0, err = 0;
  const record = (c, vars) => {
    const messages = input.conversations[c];
    const ctx = {
      messages,
      bos_token: input.bos_token,
      eos_token: input.eos_token,
      tools: null,
      add_generation_prompt: messages[messages.length - 1].role !== "assistant",
      ...vars,
    };
    const line = { t: name, c, v: { add_generation_prompt: ctx.add_generation_prompt, ...vars } };
    try {
      line.out = tmpl.render(ctx);
      ++ok;
    } catch (e) {
      line.err = String(e.message ?? e);
      ++err;
    }
    lines.push(JSON.stringify(line));
  };
  for (let c = 0; c < input.conversations.length; ++c) record(c, {});
  record(2, { add_generation_prompt: false });
  for (const v of VARIANTS) {
    if (!v.re.test(src)) continue;
    for (const c of VARIANT_CONVERSATIONS) for (const vars of v.vars) record(c, vars);
  }
  summary.templates[name] = { rendered: ok, errors: err };
}
const write = (file, text) => {
  fs.writeFileSync(path.join(HERE, file), text);
  execFileSync("zstd", ["-q", "-f", "-19", "--rm", path.join(HERE, file)]);
};
write("templates.json", JSON.stringify(sources));
write("renders.jsonl", lines.join("\n") + "\n");
fs.writeFileSync(path.join(HERE, "summary.json"), JSON.stringify(summary, null, 1) + "\n");
console.log(`${names.length} templates, ${lines.length} renders`);
