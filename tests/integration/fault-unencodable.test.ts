// Input the model cannot encode: a static (bag-of-tokens) model maps a text with no token it knows (another
// script, emoji, zero-width characters, words it never saw) to the ZERO vector, which the index rejects.
// Found by fuzz-api.test.ts (500s on such queries); here the whole path is pinned down: a reindex with such
// reports must succeed, they stay findable by keyword, and queries made only of such text answer normally.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { StaticEmbeddingModel, saveStaticModel } from "@/lib/offline/train/static-model";
import { createPrisma, type PrismaClient } from "@/lib/db/client";
import type { Core } from "@/lib/core";
import { parseInput } from "@/lib/ingest/formats";
import { importRecords } from "@/lib/ingest/import";
import { inspect } from "@/lib/offline/doctor/inspect";
import { rng, runTsx, synthReports, tempDb, toJsonl, TOKENIZER_DIR, type TempDb } from "@/tests/integration/fault-fixture";

const ODD = ["שלום עולם", "🙂🙃 🐛", "\u200b\u200c\u200d", "日本語 のみ"];

let db: TempDb;
let prisma: PrismaClient;
let modelDir: string;
let core: Core;

/** A 16-dim static model that knows only ASCII-letter WordPiece tokens; everything else maps to zero. */
function asciiOnlyStaticModel(dir: string): string {
  const vocab = fs.readFileSync(path.join(TOKENIZER_DIR, "vocab.txt"), "utf8").split("\n");
  const dim = 16;
  const table = new Float32Array(vocab.length * dim);
  const r = rng(3);
  vocab.forEach((tok, id) => {
    if (/^(##)?[a-z]+$/.test(tok)) for (let d = 0; d < dim; d++) table[id * dim + d] = r() - 0.5;
  });
  const special = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"].map((t) => vocab.indexOf(t)).filter((i) => i >= 0);
  saveStaticModel(new StaticEmbeddingModel({ vocabSize: vocab.length, dim, table, specialIds: special }), dir, {
    tokenizerJsonPath: path.join(TOKENIZER_DIR, "tokenizer.json"),
    maxSeqLength: 512,
  });
  return dir;
}

before(async () => {
  db = await tempDb("zero");
  modelDir = asciiOnlyStaticModel(path.join(db.dir, "static-ascii"));
  prisma = createPrisma(db.url);
  const odd = ODD.map((title, i) => ({ source: "odd", externalId: `ODD-${i}`, title, description: i % 2 ? "" : title, createdAt: "2024-05-01T00:00:00Z" }));
  const s = await importRecords(prisma, parseInput("jsonl", toJsonl([...synthReports(30, 4), ...odd])), { recordJob: false });
  assert.equal(s.imported, 34);
  // The services below (search, duplicates, similar) run on a Core built from this configuration.
  const { loadConfig } = await import("@/lib/config");
  const { openCore } = await import("@/lib/runtime/cli");
  core = openCore(loadConfig({ DATABASE_URL: db.url, MODEL_DIR: modelDir }));
});

after(async () => {
  await core?.close();
  await prisma?.$disconnect();
  db?.cleanup();
});

test("the model really maps these texts to the zero vector (precondition)", async () => {
  const { getEncoder } = await import("@/lib/embedding/encoder");
  const enc = await getEncoder(modelDir);
  const [known, ...odd] = await enc.encode(["crash on upload", ...ODD]);
  assert.ok(Math.hypot(...known!) > 0.99);
  for (const v of odd) assert.equal(Math.hypot(...v!), 0);
});

test("a reindex over reports the model maps to zero succeeds and indexes every report", async () => {
  const res = await runTsx("scripts/reindex.ts", ["--batch-size", "8"], { DATABASE_URL: db.url, MODEL_DIR: modelDir, QDRANT_URL: "" });
  assert.equal(res.code, 0, res.stderr.slice(-2000));
  const { getEncoder } = await import("@/lib/embedding/encoder");
  const ix = await core.index();
  assert.equal(await ix.count(), 34);
  // Their stored vectors are unit stand-ins that resemble nothing (not each other either).
  const odd = await prisma.report.findMany({ where: { source: "odd" }, orderBy: { id: "asc" } });
  const vs = await Promise.all(odd.map(async (r) => (await ix.get(r.id))!.vector));
  for (const v of vs) assert.ok(Math.abs(Math.hypot(...v) - 1) < 1e-5);
  const dot = (a: Float32Array, b: Float32Array) => a.reduce((s, x, i) => s + x * b[i]!, 0);
  assert.ok(Math.abs(dot(vs[0]!, vs[1]!)) < 0.9, "two stand-ins are not near-duplicates of each other");
  // The doctor, comparing every stored vector with a fresh encode, finds nothing wrong.
  const r = await inspect({ prisma, index: ix, encoder: await getEncoder(modelDir) }, { sampleVectors: 100, staleMs: 60_000 });
  assert.deepEqual(r.issues, []);
});

test("search, duplicate check and similar answer normally for text the model maps to zero", async () => {
  const { searchReports } = await import("@/lib/search/search");
  const { findDuplicates } = await import("@/lib/dedup/find");
  const { similarTo } = await import("@/lib/dedup/similar");
  const hebrew = (await prisma.report.findFirst({ where: { externalId: "ODD-0" } }))!;

  const s = await searchReports(core, "שלום", {});
  assert.equal(s.results[0]?.report.id, hebrew.id, "found by the keyword side");
  assert.equal(s.results[0]?.similarity, null, "no dense side for a zero query vector");
  const none = await searchReports(core, "\u200b", {});
  assert.deepEqual(none.results, []);

  const d = await findDuplicates(core, { title: "שלום עולם", description: "" });
  assert.ok(d.candidates.some((c) => c.report.id === hebrew.id), "keyword candidate returned");
  assert.ok(d.candidates.every((c) => c.score === 0 && c.tier === "below"), `no semantic score without a vector: ${JSON.stringify(d.candidates.map((c) => [c.score, c.tier]))} ${JSON.stringify(d.thresholds)}`);

  // Similar reports of a stored report the model maps to zero: the report page's ranking (keyword side only),
  // no error, no semantic score; its own text matches no other report.
  const page = async () => findDuplicates(core, (await prisma.report.findUniqueOrThrow({ where: { id: hebrew.id } })), { reportId: hebrew.id, k: 5 });
  const sim = await similarTo(core, hebrew.id, 5);
  assert.deepEqual(sim.similar.map((x) => x.report.id), (await page()).candidates.map((c) => c.report.id), "same ranking as the report page");
  assert.deepEqual(sim.similar, []);
  // Edited (not re-indexed) to a text that shares a word with another unencodable report: found by keywords.
  const japanese = (await prisma.report.findFirst({ where: { externalId: "ODD-3" } }))!;
  await prisma.report.update({ where: { id: hebrew.id }, data: { title: "שלום 日本語", contentHash: "edited" } });
  const edited = await similarTo(core, hebrew.id, 5);
  assert.deepEqual(edited.similar.map((x) => x.report.id), [japanese.id]);
  assert.ok(edited.similar.every((x) => x.score === 0 && x.tier === "below"), "no semantic score without a vector");
  assert.deepEqual(edited.similar.map((x) => x.report.id), (await page()).candidates.map((c) => c.report.id));
});
