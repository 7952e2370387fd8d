// Transformer fine-tuning end to end through the real CLI: a tiny random BERT sentence-transformers checkpoint
// (made on the spot with the bert-base-uncased tokenizer) is fine-tuned with PyTorch on a real SQLite DB holding
// part of the demo corpus, interrupted right after its first epoch checkpoint, resumed, converted to ONNX,
// registered as a ModelVersion and gated. Needs the Python venv (training/setup.sh creates it) and
// ../shared/tokenizers/bert-base-uncased.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFile, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { promisify } from "node:util";
import { createPrisma, type PrismaClient } from "@/lib/db/client";
import { migrate } from "@/lib/offline/migrate/runner";
import { OnnxEncoder } from "@/lib/embedding/encoder";
import { importRecords } from "@/lib/ingest/import";
import { parseInput } from "@/lib/ingest/formats";
import { pythonEnv, TRAINING_DIR, workDirFor } from "@/lib/offline/train/transformer";
import { BERT_TOKENIZER_DIR, trainingUnavailable } from "@/tests/helpers/tiny-training";

const exec = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, "../..");
const DEMO = path.join(ROOT, "data", "demo", "reports.jsonl");
// Enough reports for a few batches per epoch (and some duplicate pairs), few enough to train in seconds.
const REPORTS = 150;

let skip: string | undefined;
let dir: string;
let url: string;
let prisma: PrismaClient | undefined;
let tiny: string;

function trainArgs(out: string, name: string, extra: string[] = []): string[] {
  // lr 1e-3 instead of SBERT's 2e-5: a random 2-layer model needs large steps for the loss to move in 2 epochs
  return ["--import", "tsx", "scripts/train.ts", "--kind", "transformer", "--base", tiny, "--out", out, "--name", name,
    "--epochs", "2", "--lr", "1e-3", "--max-seq-length", "32", ...extra];
}

function cli(args: string[]) {
  return exec(process.execPath, args, { cwd: ROOT, env: { ...process.env, DATABASE_URL: url }, maxBuffer: 16 * 1024 * 1024 });
}

before(async () => {
  skip = await trainingUnavailable();
  if (skip) return;
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "bugsift-train-transformer-"));
  url = `file:${path.join(dir, "t.db")}`;
  await migrate(url);
  prisma = createPrisma(url);
  const lines = fs.readFileSync(DEMO, "utf8").split("\n").filter(Boolean).slice(0, REPORTS);
  await importRecords(prisma, parseInput("jsonl", Readable.from([lines.join("\n") + "\n"]), { source: "demo" }));
  tiny = path.join(dir, "tiny");
  await exec(path.join(TRAINING_DIR, ".venv", "bin", "python"),
    [path.join(TRAINING_DIR, "make_tiny_model.py"), "--tokenizer", BERT_TOKENIZER_DIR, "--out", tiny, "--max-seq-length", "32"],
    { env: pythonEnv() });
});

after(async () => {
  await prisma?.$disconnect();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

/** Runs the CLI in its own process group and kills the whole group (node + python) once `line` shows up. */
function runUntil(args: string[], line: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, DATABASE_URL: url }, detached: true, stdio: ["ignore", "pipe", "pipe"] });
    let log = "";
    let killed = false;
    const onData = (c: Buffer) => {
      log += c.toString();
      if (!killed && line.test(log)) {
        killed = true;
        process.kill(-child.pid!, "SIGKILL");
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.on("error", reject);
    child.on("close", (code) => (killed ? resolve(log) : reject(new Error(`exited ${code} before ${line}:\n${log}`))));
  });
}

test("train --kind transformer: fine-tunes, resumes after a kill, converts, registers and gates", async (t) => {
  if (skip) return t.skip(skip);
  const out = path.join(dir, "models", "ft");
  const work = workDirFor(out);

  // 1. Interrupted right after the first epoch's checkpoint: nothing registered, the checkpoint kept.
  // --mine-negatives: hard negatives mined with the base model, so MNRL trains on pairs and on triples
  const args = trainArgs(out, "ft", ["--mine-negatives", "--flag-only"]);
  const first = await runUntil(args, /checkpoint: epoch 1 saved/);
  assert.match(first, /data: \d+ examples \([1-9]\d* with a hard negative\)/);
  assert.match(first, /fine-tuning tiny: \d+ examples, loss mnrl, 2 epoch\(s\) x \d+ steps, max_seq_length 32\n/);
  assert.match(first, /epoch 1 done: mean loss \d/);
  assert.ok(fs.readdirSync(path.join(work, "checkpoints")).some((f) => f.startsWith("checkpoint-")), "epoch 1 checkpoint on disk");
  assert.equal(fs.existsSync(out), false);
  assert.equal(await prisma!.modelVersion.count({ where: { name: "ft" } }), 0);

  // 2. The same command again resumes: only epoch 2 is trained.
  const { stdout, stderr } = await cli(args);
  for (const l of stderr.split("\n").filter((x) => /^(fine-tuning|epoch \d+ done|time per epoch)/.test(x))) t.diagnostic(l);
  assert.match(stderr, /resuming after epoch 1 \(checkpoint\)/);
  assert.doesNotMatch(stderr, /epoch 1 done/);
  assert.match(stderr, /epoch 2 done: mean loss \d/);
  assert.doesNotMatch(stderr, /step 1\//, "no step of epoch 1 is run again");

  const training = JSON.parse(fs.readFileSync(path.join(out, "bugsift_training.json"), "utf8"));
  assert.equal(training.kind, "transformer");
  assert.equal(training.resumedFromEpoch, 1);
  assert.equal(training.recipe.loss, "mnrl");
  assert.ok(training.data.minedNegatives > 0, "negatives mined with the base model");
  assert.equal(training.epochLosses.length, 2, "epoch 1's loss comes from the checkpoint's log history");
  assert.ok(training.epochLosses[1] < training.epochLosses[0], `loss decreased: ${training.epochLosses.join(" -> ")}`);
  assert.equal(fs.existsSync(work), false, "work files removed after success");

  // 3. Registered, gated (--flag-only: promoted without re-indexing), and the ONNX dir encodes.
  assert.match(stdout, /ModelVersion\s+\d+ "ft" \(inactive\)/);
  assert.match(stdout, /kind\s+transformer, 32 dims, mean pooling/);
  assert.match(stdout, /^dense:ft /m);
  assert.match(stdout, /gate: promoted/);
  const mv = await prisma!.modelVersion.findUniqueOrThrow({ where: { name: "ft" } });
  assert.equal(mv.kind, "transformer");
  assert.equal(mv.dims, 32);
  assert.equal(path.resolve(ROOT, mv.path), out);
  assert.equal(path.resolve(ROOT, mv.baseModel!), tiny);
  assert.ok(mv.metrics, "gate metrics stored");
  const enc = await OnnxEncoder.load(out);
  try {
    const [a, b] = await enc.encode(["Sync stops after laptop wakes from sleep", "Crash when opening a shared folder"]);
    assert.equal(a!.length, 32);
    assert.ok(Math.abs(Math.hypot(...a!) - 1) < 1e-5, "normalised");
    assert.ok(a!.some((v, i) => Math.abs(v - b![i]!) > 1e-3), "different texts, different vectors");
  } finally {
    await enc.close();
  }
});

test("train --kind transformer: clear errors for a bad base dir and a Python failure", async (t) => {
  if (skip) return t.skip(skip);
  const fails = async (args: string[], message: RegExp) =>
    assert.rejects(cli(args), (e: { code: number; stderr: string }) => {
      assert.equal(e.code, 1);
      assert.match(e.stderr, message);
      return true;
    });
  const base = (b: string) => ["--import", "tsx", "scripts/train.ts", "--kind", "transformer", "--base", b, "--out", path.join(dir, "models", "bad"), "--no-gate"];
  await fails(["--import", "tsx", "scripts/train.ts", "--kind", "transformer"], /--kind transformer needs --base/);
  await fails(base(path.join(dir, "nowhere")), /--base .*nowhere does not exist/);
  const notSt = path.join(dir, "not-st");
  fs.mkdirSync(notSt, { recursive: true });
  fs.writeFileSync(path.join(notSt, "config.json"), "{}");
  await fails(base(notSt), /is not a sentence-transformers checkpoint: it has no modules\.json/);

  // Passes the checks but PyTorch cannot read the weights: the error carries Python's last lines.
  const broken = path.join(dir, "broken");
  fs.cpSync(tiny, broken, { recursive: true });
  fs.writeFileSync(path.join(broken, "model.safetensors"), "not a safetensors file");
  await fails([...base(broken), "--max-seq-length", "32"], /fine-tuning failed \(training\/finetune\.py exit \d+\); its last lines:\n[\s\S]*(safetensors|header|Error)/i);
});
