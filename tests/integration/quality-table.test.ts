// The quality-table CLI end to end on the demo corpus with a tiny random BERT as the base: `--ft-serve int8`
// trains the fine-tuned row with --int8 and evaluates the quantised variant, and a second run reuses the trained
// model and the cached vectors instead of training and encoding again (on Apache Jira each of those costs tens of
// minutes), also when only the fp32 model was kept. Needs the Python venv (training/setup.sh creates it) and ../shared/tokenizers/bert-base-uncased.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import Database from "better-sqlite3";
import { convertCheckpoint } from "@/lib/offline/onnx/from-checkpoint";
import { pythonEnv, TRAINING_DIR } from "@/lib/offline/train/transformer";
import { BERT_TOKENIZER_DIR, trainingUnavailable } from "@/tests/helpers/tiny-training";

const exec = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, "../..");

let skip: string | undefined;
let dir: string;
let tiny: string;

before(async () => {
  skip = await trainingUnavailable();
  if (skip) return;
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "bugsift-quality-table-"));
  tiny = path.join(dir, "tiny");
  await exec(path.join(TRAINING_DIR, ".venv", "bin", "python"),
    [path.join(TRAINING_DIR, "make_tiny_model.py"), "--tokenizer", BERT_TOKENIZER_DIR, "--out", tiny, "--max-seq-length", "32"],
    { env: pythonEnv() });
  // The table refuses a --base that is not a model dir: give the checkpoint its ONNX graph in place.
  convertCheckpoint(tiny, tiny);
});

after(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

interface TableJson {
  rows: Array<{ ranker: string; splits: string[]; mean: Record<string, number> }>;
  trainingSeconds: Record<string, number[]>;
}

function table(args: string[]) {
  return exec(process.execPath, ["--import", "tsx", "scripts/quality-table.ts", "--corpus", "demo", "--splits", "0.5", ...args], {
    cwd: ROOT,
    maxBuffer: 16 * 1024 * 1024,
  });
}

test("evaluate:table --ft-serve int8: trains with --int8, evaluates the int8 variant, and reruns reuse model and vectors (quantising a kept fp32 model)", async (t) => {
  if (skip) return t.skip(skip);
  const work = path.join(dir, "work");
  const json = path.join(dir, "table.json");
  const args = ["--rows", "bm25,minilm-ft-mnrl", "--base", tiny, "--max-seq-length", "32", "--ft-serve", "int8", "--work", work, "--json", json];

  const first = await table(args);
  assert.match(first.stderr, /\$ train\.ts --kind transformer .*--int8 --split time:0\.5/);
  const ft = path.join(work, "split-0.5", "minilm-ft-mnrl");
  const stamp = JSON.parse(fs.readFileSync(path.join(`${ft}-int8`, "bugsift-onnx.json"), "utf8"));
  assert.equal(stamp.quantize, "int8", "the evaluated dir is the quantised variant");
  assert.match(first.stdout, /^\| dense:minilm-ft-mnrl-int8 \|/m);
  assert.match(first.stdout, /^\| hybrid:minilm-ft-mnrl-int8 \|/m);
  assert.doesNotMatch(first.stdout, /minilm-ft-mnrl \|/, "the fp32 model is not evaluated");
  const firstJson = JSON.parse(fs.readFileSync(json, "utf8")) as TableJson;
  assert.equal(firstJson.trainingSeconds["minilm-ft-mnrl"]?.length, 1);
  const vectorFiles = fs.readdirSync(path.join(work, "embeddings")).filter((f) => f.endsWith(".db"));
  assert.equal(vectorFiles.length, 1, "one cache file: the int8 model's vectors");

  // Second run: nothing trained, nothing encoded, same figures.
  const second = await table(args);
  assert.doesNotMatch(second.stderr, /\$ train\.ts/);
  assert.match(second.stderr, new RegExp(`minilm-ft-mnrl @ time:0\\.5: reusing ${ft}-int8`));
  const secondJson = JSON.parse(fs.readFileSync(json, "utf8")) as TableJson;
  assert.deepEqual(secondJson.trainingSeconds, {});
  assert.deepEqual(secondJson.rows, firstJson.rows);
  assert.deepEqual(fs.readdirSync(path.join(work, "embeddings")).filter((f) => f.endsWith(".db")), vectorFiles);

  // A fine-tuned model without its int8 variant (trained before --ft-serve int8) is quantised, not retrained:
  // the same graph as train.ts --int8 writes, so the cached vectors still apply.
  fs.rmSync(`${ft}-int8`, { recursive: true });
  const third = await table(args);
  assert.doesNotMatch(third.stderr, /\$ train\.ts/);
  assert.match(third.stderr, new RegExp(`minilm-ft-mnrl @ time:0\\.5: reusing ${ft}, quantising it to ${ft}-int8`));
  assert.deepEqual((JSON.parse(fs.readFileSync(json, "utf8")) as TableJson).rows, firstJson.rows);
  assert.deepEqual(fs.readdirSync(path.join(work, "embeddings")).filter((f) => f.endsWith(".db")), vectorFiles);
});

test("evaluate:table --ft-serve int8: the head row sits on the int8 base and shares its vector cache with the zero-shot row", async (t) => {
  if (skip) return t.skip(skip);
  const work = path.join(dir, "work-head");
  const tinyInt8 = path.join(dir, "tiny-int8");
  if (!fs.existsSync(tinyInt8)) convertCheckpoint(tiny, tinyInt8, { quantize: "int8" });
  const cacheDir = path.join(work, "embeddings");
  const run = await table(["--rows", "bm25,minilm-int8,minilm-head", "--base", tiny, "--base-int8", tinyInt8, "--ft-serve", "int8", "--work", work]);
  assert.match(run.stderr, new RegExp(`\\$ train\\.ts --kind head --base ${tinyInt8} --embedding-cache ${cacheDir} `));
  assert.match(run.stdout, /^\| hybrid:minilm-int8 \|/m);
  assert.match(run.stdout, /^\| dense:minilm-head-int8 \|/m);
  assert.match(run.stdout, /^\| hybrid:minilm-head-int8 \|/m);
  // Two vector files: the int8 base's and the head model's (a new graph). Each holds the corpus's full texts and
  // the held-out queries encoded as drafts (first window; the splits' query sets are nested, so the largest split's
  // count); the base's holds, beside them, the titles and bodies the head was trained on: the head's frozen pass
  // wrote there.
  const files = fs.readdirSync(cacheDir).filter((f) => f.endsWith(".db"));
  assert.equal(files.length, 2);
  const reports = Number(/(\d+) reports, depth/.exec(run.stderr + run.stdout)?.[1]);
  const counts = files.map((f) => {
    const db = new Database(path.join(cacheDir, f), { readonly: true });
    try {
      return (db.prepare("SELECT count(*) AS n FROM vectors").get() as { n: number }).n;
    } finally {
      db.close();
    }
  });
  const queries = Math.max(...[...run.stderr.matchAll(/(\d+) of \d+ duplicate queries held out/g)].map((m) => Number(m[1])));
  assert.ok(reports > 0 && queries > 0);
  const own = reports + queries;
  assert.ok(Math.min(...counts) <= own && Math.max(...counts) > own, `vectors per file ${counts.join(", ")} for ${reports} reports and ${queries} queries`);
});

test("evaluate:table: a bad --ft-serve is refused before any work", async () => {
  await assert.rejects(table(["--ft-serve", "int4", "--work", path.join(os.tmpdir(), "bugsift-quality-table-never")]), (e: { code: number; stderr: string }) => {
    assert.notEqual(e.code, 0);
    assert.match(e.stderr, /--ft-serve must be fp32 or int8 \(got "int4"\)/);
    return true;
  });
  assert.equal(fs.existsSync(path.join(os.tmpdir(), "bugsift-quality-table-never")), false);
});
