#!/usr/bin/env node
// Cross-check goldens/<name>.jsonl of the byte-level BPE tokenizers (qwen3, llama3,
// deepseek_v3) against a second, independent implementation: the npm package `tiktoken`
// (OpenAI's Rust core compiled to WASM; BPE by rank, regex via Rust fancy-regex).
// Ranks are taken as rank = token id from the exported tokenizer.json vocab.
// Usage: node tests/tokenizer/xcheck_tiktoken.mjs [--modules /tmp/tok/node_modules]
//            [--export /tmp/tok/export] qwen3 llama3 deepseek_v3
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
const argv = process.argv;
const opt = (n, d) => { const i = argv.indexOf(n); return i >= 0 ? argv[i + 1] : d; };
const MODULES = path.resolve(opt("--modules", "/tmp/tok/node_modules"));
const EXPORT = path.resolve(opt("--export", "/tmp/tok/export"));
const require = createRequire(path.join(MODULES, "x.js"));
const { Tiktoken } = require("tiktoken/lite");
const REPO = path.dirname(fileURLToPath(import.meta.url));
const corpus = fs.readFileSync(`${REPO}/corpus.jsonl`, "utf8").trim().split("\n").map((l) => JSON.parse(l));
// GPT-2 bytes_to_unicode inverse
const bs = [];
for (let i = 33; i <= 126; i++) bs.push(i);
for (let i = 161; i <= 172; i++) bs.push(i);
for (let i = 174; i <= 255; i++) bs.push(i);
const cs = bs.slice(); let n = 0;
for (let b = 0; b < 256; b++) if (!bs.includes(b)) { bs.push(b); cs.push(256 + n); n++; }
const u2b = new Map(); bs.forEach((b, i) => u2b.set(String.fromCodePoint(cs[i]), b));
const names = argv.slice(2).filter((a, i, A) => !a.startsWith("--") && !["--modules", "--export"].includes(A[i - 1]));
const DEBUG = process.argv.includes("--debug");
for (const name of names) {
  const tj = JSON.parse(fs.readFileSync(path.join(EXPORT, `${name}.tokenizer.json`), "utf8"));
  const pts = tj.pre_tokenizer.pretokenizers.filter((p) => p.type === "Split");
  // One Split step: its regex runs in tiktoken (Rust fancy-regex). Several (DeepSeek-V3): all
  // Split steps run here as JS regexes with HF 'Isolated' behaviour (non-matching spans kept),
  // and tiktoken only does the BPE (pattern matches the whole piece).
  const multi = pts.length > 1;
  const regex = multi ? "[\\s\\S]+" : pts[0].pattern.Regex;
  const pre = multi ? pts.map((p) => new RegExp(p.pattern.Regex, "gu")) : [];
  const isolate = (pieces, re) => pieces.flatMap((x) => { const out = []; let last = 0; for (const m of x.matchAll(re)) { if (m.index > last) out.push(x.slice(last, m.index)); out.push(m[0]); last = m.index + m[0].length; } if (last < x.length) out.push(x.slice(last)); return out; });
  const splitSpecial = (s) => { const keys = Object.keys(special); if (!keys.length) return [[s, false]]; const re = new RegExp(keys.map((k) => k.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|"), "gu"); const out = []; let last = 0; for (const m of s.matchAll(re)) { if (m.index > last) out.push([s.slice(last, m.index), false]); out.push([m[0], true]); last = m.index + m[0].length; } if (last < s.length) out.push([s.slice(last), false]); return out; };
  const lines = [];
  const addedIds = new Set(tj.added_tokens.map((t) => t.id));
  for (const [tok, id] of Object.entries(tj.model.vocab)) {
    if (addedIds.has(id)) continue;
    const bytes = Buffer.from([...tok].map((c) => { const b = u2b.get(c); if (b === undefined) throw new Error("bad char " + tok); return b; }));
    lines.push([id, bytes.toString("base64") + " " + id]);
  }
  lines.sort((a, b) => a[0] - b[0]);
  const special = {};
  for (const t of tj.added_tokens) if (!t.special) special[t.content] = t.id;
  const enc = new Tiktoken(lines.map((x) => x[1]).join("\n") + "\n", special, regex);
  const gold = fs.readFileSync(`${REPO}/goldens/${name}.jsonl`, "utf8").trim().split("\n").map((l) => JSON.parse(l));
  const nfc = tj.normalizer && tj.normalizer.type === "NFC";
  let bad = [];
  let failed = 0;
  for (let i = 0; i < corpus.length; i++) {
    const s = nfc ? corpus[i].normalize("NFC") : corpus[i];
    let ids;
    if (pre.length === 0) ids = Array.from(enc.encode(s, "all", []));
    else { ids = []; for (const [sec, isSp] of splitSpecial(s)) { if (isSp) { ids.push(special[sec]); continue; } let pieces = [sec]; for (const re of pre) pieces = isolate(pieces, re); for (const p of pieces) ids.push(...enc.encode(p, [], [])); } }
    const g = gold[i];
    if (ids.length !== g.length || ids.some((x, k) => x !== g[k])) { bad.push(i); if (DEBUG && bad.length <= 4) console.log("DBG", i, JSON.stringify(ids.slice(0,20)), JSON.stringify(g.slice(0,20))); }
  }
  console.log(`${name}: tiktoken vs goldens: ${corpus.length - bad.length}/${corpus.length} identical; mismatching lines: ${JSON.stringify(bad.slice(0, 30))}`);
  for (const i of bad.slice(0, 5)) console.log("   ", i, JSON.stringify(corpus[i]).slice(0, 120));
  enc.free();
  if (bad.length) process.exitCode = 1;
}
