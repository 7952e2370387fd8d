// The training CLIs as child processes on a real migrated SQLite DB holding the demo corpus:
// build-default-model (train, write, register, gate) and train --kind head (fold a head into that model).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import Database from "better-sqlite3";
import { createPrisma, type PrismaClient } from "@/lib/db/client";
import { migrate } from "@/lib/offline/migrate/runner";
import { OnnxEncoder } from "@/lib/embedding/encoder";
import { importRecords } from "@/lib/ingest/import";
import { loadModelDir } from "@/lib/embedding/modeldir";
import { loadCorpus } from "@/lib/offline/eval/corpus";
import { reportTextFor } from "@/lib/offline/eval/backend";
import { encoderCacheKey } from "@/lib/offline/eval/embedding-cache";
import { parseInput } from "@/lib/ingest/formats";

const exec = promisify(execFile);
const DEMO = path.resolve("data/demo/reports.jsonl");
let dir: string;
let url: string;
let prisma: PrismaClient;

function cli(script: string, args: string[]) {
  return exec(process.execPath, ["--import", "tsx", script, ...args], {
    cwd: process.cwd(),
    env: { ...process.env, DATABASE_URL: url },
    maxBuffer: 16 * 1024 * 1024,
  });
}

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "bugsift-train-cli-"));
  url = `file:${path.join(dir, "t.db")}`;
  await migrate(url);
  prisma = createPrisma(url);
  await importRecords(prisma, parseInput("jsonl", fs.createReadStream(DEMO), { source: "demo" }));
});

after(async () => {
  await prisma?.$disconnect();
  fs.rmSync(dir, { recursive: true, force: true });
});

test("build-default-model trains on the DB corpus, registers ModelVersion 'default' and gates it", async (t) => {
  const out = path.join(dir, "models", "default");
  // few epochs keep the test quick; the recipe is otherwise the default one
  const { stdout, stderr } = await cli("scripts/build-default-model.ts", ["--out", out, "--epochs", "1"]);
  assert.match(stderr, /data: \d+ reports \(text scope all\), \d+ duplicate pairs/);
  assert.match(stdout, /default model: .* \(256 dims, \d+ token vectors\)/);
  assert.match(stdout, /^bm25 .*\n^dense:default .*\n^hybrid:default /m);
  assert.match(stdout, /gate: promoted: no active model/);
  for (const l of stdout.split("\n").filter((x) => /^(ranker|bm25|dense|hybrid)/.test(x))) t.diagnostic(l);
  const mv = await prisma.modelVersion.findUniqueOrThrow({ where: { name: "default" } });
  assert.equal(mv.active, true);
  assert.equal(mv.kind, "static");
  assert.equal(mv.dims, 256);
  assert.equal(path.resolve(mv.path), out);
  const metrics = JSON.parse(mv.metrics!);
  assert.ok(metrics.dense.n > 0 && metrics.bm25, "metrics stored for the gate");
  const training = JSON.parse(fs.readFileSync(path.join(out, "bugsift_training.json"), "utf8"));
  assert.equal(training.recipe.init.method, "lsa");
  assert.equal(training.data.textScope, "all");
  const enc = await OnnxEncoder.load(out);
  try {
    const [v] = await enc.encode(["Sync stops after laptop wakes from sleep"]);
    assert.equal(v!.length, 256);
    assert.ok(Math.abs(Math.hypot(...v!) - 1) < 1e-5);
  } finally {
    await enc.close();
  }
});

test("train --kind head folds a trained head into the base model and registers it inactive", async () => {
  const base = path.join(dir, "models", "default");
  if (!fs.existsSync(base)) await cli("scripts/build-default-model.ts", ["--out", base, "--epochs", "0", "--no-gate"]);
  const out = path.join(dir, "models", "head1");
  const { stdout } = await cli("scripts/train.ts", ["--kind", "head", "--base", base, "--epochs", "1", "--loss", "cosine", "--name", "head1", "--out", out, "--no-gate"]);
  assert.match(stdout, /ModelVersion\s+\d+ "head1" \(inactive\)/);
  assert.match(stdout, /gate skipped/);
  const mv = await prisma.modelVersion.findUniqueOrThrow({ where: { name: "head1" } });
  assert.equal(mv.active, false);
  assert.equal(path.resolve(mv.baseModel!), base);
  const training = JSON.parse(fs.readFileSync(path.join(out, "bugsift_training.json"), "utf8"));
  assert.equal(training.kind, "head");
  assert.equal(training.loss, "cosine");
  const enc = await OnnxEncoder.load(out);
  try {
    assert.equal(enc.dims, 256);
  } finally {
    await enc.close();
  }
});

test("train --kind head --embedding-cache keeps the frozen vectors under the evaluation's key for each report text", async () => {
  const base = path.join(dir, "models", "default");
  if (!fs.existsSync(base)) await cli("scripts/build-default-model.ts", ["--out", base, "--epochs", "0", "--no-gate"]);
  const cacheDir = path.join(dir, "embeddings");
  const args = (name: string) => ["--kind", "head", "--base", base, "--epochs", "1", "--name", name, "--out", path.join(dir, "models", name), "--embedding-cache", cacheDir, "--no-gate"];
  const first = await cli("scripts/train.ts", args("head-c1"));
  const total = Number(/frozen embeddings: \d+\/(\d+) texts/.exec(first.stderr)?.[1]);
  assert.ok(total > 0, first.stderr);
  // One cache file, named by the key the evaluation computes for the same base model.
  const enc = await OnnxEncoder.load(base);
  let fresh: Float32Array;
  const corpus = await loadCorpus(prisma);
  const linked = corpus.reports.find((r) => corpus.links.some((l) => l.duplicateId === r.id || l.masterId === r.id))!;
  try {
    const key = encoderCacheKey(enc, loadModelDir(base).onnxPath, "mean");
    assert.deepEqual(fs.readdirSync(cacheDir).filter((f) => f.endsWith(".db")), [`${key}.db`]);
    [fresh] = await enc.encode([reportTextFor(linked)]);
  } finally {
    await enc.close();
  }
  const db = new Database(path.join(cacheDir, fs.readdirSync(cacheDir).find((f) => f.endsWith(".db"))!), { readonly: true });
  try {
    const { n } = db.prepare("SELECT count(*) AS n FROM vectors").get() as { n: number };
    assert.ok(n > 0 && n <= total, `${n} cached vectors for ${total} texts`);
    // A duplicate pair's side is the report's full text: the row the evaluation reads for that report.
    const sha = crypto.createHash("sha256").update(reportTextFor(linked)).digest();
    const row = db.prepare("SELECT vec FROM vectors WHERE text_sha = ?").get(sha) as { vec: Buffer } | undefined;
    assert.ok(row, "the full text of a linked report is cached");
    const cached = new Float32Array(row.vec.buffer.slice(row.vec.byteOffset, row.vec.byteOffset + row.vec.byteLength));
    assert.deepEqual(Array.from(cached), Array.from(fresh!));
  } finally {
    db.close();
  }
  // A second run reads every vector from the cache and trains the same head.
  await cli("scripts/train.ts", args("head-c2"));
  assert.ok(fs.readFileSync(path.join(dir, "models", "head-c1", "model.onnx")).equals(fs.readFileSync(path.join(dir, "models", "head-c2", "model.onnx"))));
});

test("--embedding-cache is refused outside --kind head", async () => {
  await assert.rejects(cli("scripts/train.ts", ["--kind", "static", "--embedding-cache", path.join(dir, "x")]), (e: { code: number; stderr: string }) => {
    assert.equal(e.code, 1);
    assert.match(e.stderr, /--embedding-cache applies to --kind head only/);
    return true;
  });
});

test("bad arguments fail with a clear message and exit code 1", async () => {
  await assert.rejects(cli("scripts/train.ts", ["--loss", "hinge"]), (e: { code: number; stderr: string }) => {
    assert.equal(e.code, 1);
    assert.match(e.stderr, /--loss must be one of mnrl, triplet, softmax, cosine \(got "hinge"\)/);
    return true;
  });
});
