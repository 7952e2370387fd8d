// Train a model on the app database, write a sentence-transformers ONNX model dir, register a ModelVersion
// (inactive), then run the evaluation gate (lib/offline/eval evaluateAndMaybePromote) unless --no-gate.
//
//   npm run train -- [--kind static|head|transformer] [--out models/<name>] [--name <name>] [--epochs N] [--lr X]
//                    [--batch-size N] [--loss mnrl|triplet|softmax|cosine] [--seed N]
//                    [--split time:0.5|cutoff:<date>|all] [--text-scope all|train] [--source <source> ...]
//     static only:   [--dim N] [--tokenizer DIR] [--mine-negatives] [--init lsa|ppmi|random]
//     head only:     [--base <model dir>]   (default: the active ModelVersion, else models/default)
//                    [--embedding-cache DIR]   (keep the frozen vectors in an evaluation vector cache)
//     transformer:   --base <sentence-transformers checkpoint> [--max-seq-length N] [--pairs all|duplicates]
//                    [--mine-negatives] [--int8]
//                    (PyTorch in training/.venv, see docs/training.md; re-run with the same --out to resume)
//     gate:          [--no-gate] [--flag-only]   (--flag-only flips ModelVersion.active without reindexing)
//
// Progress goes to stderr, the final summary table to stdout. DATABASE_URL selects the database.
import path from "node:path";
import { parseArgs } from "node:util";
import { runMain } from "@/lib/runtime/cli";
import { createPrisma, type PrismaClient } from "@/lib/db/client";
import { defaultModelDir } from "@/lib/models/registry";
import { evaluateAndMaybePromote, formatGate } from "@/lib/offline/eval/compare";
import { parseSplitSpec } from "@/lib/offline/eval/split";
import { LOSS_NAMES, type LossName } from "@/lib/offline/train/losses";
import { registerModelVersion, trainHeadToDir, trainStaticToDir, type RunResult } from "@/lib/offline/train/run";
import { trainTransformerToDir } from "@/lib/offline/train/transformer";
import type { RecipeOverrides } from "@/lib/offline/train/static-recipe";
import type { InitMethod } from "@/lib/offline/train/static-init";
import { config } from "@/lib/config";

const USAGE = `usage: npm run train -- [--kind static|head|transformer] [--out models/<name>] [--name <name>] [--epochs N] [--lr X]
       [--batch-size N] [--loss ${LOSS_NAMES.join("|")}] [--seed N] [--split time:0.5|cutoff:<date>|all]
       [--text-scope all|train] [--source <source> ...] [--dim N] [--tokenizer DIR] [--mine-negatives]
       [--init lsa|ppmi|random] [--base <model dir>] [--embedding-cache DIR] [--max-seq-length N] [--pairs all|duplicates] [--int8] [--no-gate] [--flag-only]`;

function num(v: string | undefined, flag: string, check: (n: number) => boolean, what: string): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!check(n)) throw new Error(`${flag} must be ${what} (got "${v}")`);
  return n;
}
const posInt = (v: string | undefined, flag: string) => num(v, flag, (n) => Number.isInteger(n) && n >= 1, "a positive integer");
const posNum = (v: string | undefined, flag: string) => num(v, flag, (n) => Number.isFinite(n) && n > 0, "a positive number");

function stamp(): string {
  return new Date().toISOString().replace(/[-:]/g, "").replace("T", "-").slice(0, 15);
}

async function baseModelDir(prisma: PrismaClient, given: string | undefined): Promise<string> {
  if (given) return path.resolve(given);
  const active = await prisma.modelVersion.findFirst({ where: { active: true }, orderBy: { createdAt: "desc" } });
  return active ? path.resolve(active.path) : defaultModelDir();
}

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      kind: { type: "string", default: "static" },
      out: { type: "string" },
      name: { type: "string" },
      epochs: { type: "string" },
      lr: { type: "string" },
      "batch-size": { type: "string" },
      loss: { type: "string" },
      seed: { type: "string" },
      split: { type: "string" },
      "text-scope": { type: "string" },
      source: { type: "string", multiple: true },
      dim: { type: "string" },
      tokenizer: { type: "string" },
      "mine-negatives": { type: "boolean" },
      init: { type: "string" },
      base: { type: "string" },
      "max-seq-length": { type: "string" },
      int8: { type: "boolean" },
      pairs: { type: "string" },
      "embedding-cache": { type: "string" },
      "no-gate": { type: "boolean" },
      "flag-only": { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
    allowPositionals: false,
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const kind = values.kind;
  if (kind !== "static" && kind !== "head" && kind !== "transformer") throw new Error(`--kind must be static, head or transformer (got "${kind}")`);
  const loss = values.loss as LossName | undefined;
  if (loss !== undefined && !LOSS_NAMES.includes(loss)) throw new Error(`--loss must be one of ${LOSS_NAMES.join(", ")} (got "${loss}")`);
  const textScope = values["text-scope"];
  if (textScope !== undefined && textScope !== "all" && textScope !== "train") throw new Error(`--text-scope must be all or train (got "${textScope}")`);
  const init = values.init as InitMethod | undefined;
  if (init !== undefined && !["lsa", "ppmi", "random"].includes(init)) throw new Error(`--init must be lsa, ppmi or random (got "${init}")`);
  if (kind === "head" && (values.dim || values.tokenizer || values["mine-negatives"] || values.init)) {
    throw new Error("--dim, --tokenizer, --mine-negatives and --init apply to --kind static only");
  }
  if (kind === "static" && values.base) throw new Error("--base applies to --kind head and transformer only");
  if (kind !== "head" && values["embedding-cache"]) throw new Error("--embedding-cache applies to --kind head only");
  if (kind === "transformer" && (values.dim || values.tokenizer || values.init)) throw new Error("--dim, --tokenizer and --init apply to --kind static only");
  if (kind === "transformer" && !values.base) throw new Error("--kind transformer needs --base <sentence-transformers checkpoint dir>");
  if (kind !== "transformer" && (values["max-seq-length"] || values.int8 || values.pairs)) throw new Error("--max-seq-length, --pairs and --int8 apply to --kind transformer only");
  const pairs = values.pairs;
  if (pairs !== undefined && pairs !== "all" && pairs !== "duplicates") throw new Error(`--pairs must be all or duplicates (got "${pairs}")`);
  const maxSeqLength = num(values["max-seq-length"], "--max-seq-length", (n) => Number.isInteger(n) && n >= 8, "an integer >= 8");
  const epochs = posInt(values.epochs, "--epochs");
  const lr = posNum(values.lr, "--lr");
  const batchSize = posInt(values["batch-size"], "--batch-size");
  const seed = num(values.seed, "--seed", Number.isInteger, "an integer");
  const dim = posInt(values.dim, "--dim");
  const split = values.split ? parseSplitSpec(values.split) : undefined;
  const name = values.name ?? `${kind}-${stamp()}`;
  const out = path.resolve(values.out ?? path.join("models", name));
  const say = (line: string) => console.error(line);

  const prisma = createPrisma(config().databaseUrl);
  try {
    const t0 = Date.now();
    let res: RunResult;
    if (kind === "static") {
      const recipe: RecipeOverrides = {
        ...(dim ? { dim } : {}),
        ...(seed !== undefined ? { seed } : {}),
        ...(values["mine-negatives"] ? { mineNegatives: true } : {}),
        ...(init ? { init: { method: init } } : {}),
        train: { ...(epochs ? { epochs } : {}), ...(lr ? { lr } : {}), ...(batchSize ? { batchSize } : {}), ...(loss ? { loss } : {}) },
      };
      res = await trainStaticToDir(prisma, { out, split, textScope: textScope as "all" | "train" | undefined, sources: values.source, tokenizerDir: values.tokenizer, recipe, onLine: say });
    } else if (kind === "transformer") {
      if (await prisma.modelVersion.findUnique({ where: { name } })) throw new Error(`a ModelVersion named "${name}" already exists; pick another --name`);
      const tr = await trainTransformerToDir(prisma, {
        out,
        baseDir: values.base!,
        split,
        textScope: textScope as "all" | "train" | undefined,
        sources: values.source,
        mineNegatives: values["mine-negatives"],
        pairs,
        int8: values.int8,
        train: { ...(epochs ? { epochs } : {}), ...(lr ? { lr } : {}), ...(batchSize ? { batchSize } : {}), ...(loss ? { loss } : {}), ...(seed !== undefined ? { seed } : {}), ...(maxSeqLength ? { maxSeqLength } : {}) },
        onLine: say,
      });
      if (tr.int8Dir) {
        const q = await registerModelVersion(prisma, { name: `${name}-int8`, dir: tr.int8Dir, kind: "transformer", dims: tr.dims, pooling: tr.pooling, baseModel: tr.baseModel });
        say(`int8 variant: ModelVersion ${q.id} "${q.name}" (inactive) at ${q.path}`);
      }
      if (tr.epochSeconds.length) say(`time per epoch: ${tr.epochSeconds.map((s) => `${s.toFixed(1)} s`).join(", ")}${tr.resumedFromEpoch ? ` (resumed after epoch ${tr.resumedFromEpoch})` : ""}`);
      res = tr;
    } else {
      const baseDir = await baseModelDir(prisma, values.base);
      say(`head on frozen base model ${baseDir}`);
      res = await trainHeadToDir(prisma, {
        out,
        baseDir,
        split,
        textScope: textScope as "all" | "train" | undefined,
        sources: values.source,
        loss,
        train: { ...(epochs ? { epochs } : {}), ...(lr ? { lr } : {}), ...(batchSize ? { batchSize } : {}), ...(seed !== undefined ? { seed } : {}) },
        embeddingCacheDir: values["embedding-cache"],
        onLine: say,
      });
    }
    const mv = await registerModelVersion(prisma, { name, dir: res.dir, kind: res.kind, dims: res.dims, pooling: res.pooling, baseModel: res.baseModel });
    const secs = ((Date.now() - t0) / 1000).toFixed(1);
    const rows: [string, string][] = [
      ["ModelVersion", `${mv.id} "${mv.name}" (inactive)`],
      ["directory", mv.path],
      ["kind", `${res.kind}${kind === "head" ? " + linear head" : ""}, ${res.dims} dims, ${res.pooling} pooling`],
      ["split", `${res.training.data ? (res.training.data as { split: string }).split : "?"}, ${res.data.split.queries.length} held-out queries`],
      ["training data", `${res.data.textReports.length} reports (${res.data.textScope} text), ${res.data.duplicatePairs.length} duplicate pairs`],
      ["epoch losses", res.summary ? res.summary.epochLosses.map((l) => l.toFixed(4)).join(" ") : "-"],
      ["time", `${secs} s`],
    ];
    console.log(rows.map(([k, v]) => `${k.padEnd(14)} ${v}`).join("\n"));

    if (values["no-gate"]) {
      console.log(`\ngate skipped: evaluate and promote later with  npm run evaluate -- --promote ${mv.id}`);
      return 0;
    }
    if (res.data.split.queries.length === 0) {
      console.log(`\ngate skipped: the split has no held-out duplicate queries (import duplicate links to evaluate)`);
      return 0;
    }
    say("gate: evaluating against the active model and BM25 on the held-out split");
    const gate = await evaluateAndMaybePromote(prisma, mv.id, {
      split,
      corpus: values.source ? { sources: values.source } : undefined,
      activation: values["flag-only"] ? "flag" : "reindex",
      waitForReindex: true,
      onProgress: say,
      onReindexProgress: (done, total) => say(`reindex: ${done}/${total}`),
    });
    console.log(formatGate(gate, true));
    return 0;
  } finally {
    await prisma.$disconnect();
  }
}

runMain(main, "train: ");
