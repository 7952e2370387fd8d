// Evaluation CLI: ranks held-out duplicate queries with BM25, and each model dense and hybrid.
// Progress goes to stderr, the table (or JSON) to stdout.
//
//   npm run evaluate -- [--model [name=]models/x ...] [--all-versions] [--json]
//                       [--split time:0.5|all|cutoff:2023-01-01] [--depth 100] [--source jira:HADOOP]
//                       [--no-bm25] [--rerank] [--keep-top 20]
//   npm run evaluate -- --promote <ModelVersion id> [--primary r@10] [--ranker hybrid] [--tie-break mrr]
//                       [--flag-only]   (a winner is activated by the reindex job; --flag-only just flips
//                                        ModelVersion.active, for scratch DBs without a live index)
//   npm run evaluate -- --file reports.csv --format jira [--links duplicates.csv] --model models/x
//
// Without --model / --all-versions the active ModelVersion is evaluated (else models/default when it
// exists, else BM25 alone). The DB comes from DATABASE_URL.
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { runMain } from "@/lib/runtime/cli";
import { createPrisma, type PrismaClient } from "@/lib/db/client";
import {
  evaluateAndMaybePromote,
  evaluateCorpus,
  evaluateModels,
  formatTable,
  tableToJSON,
  type PrimaryMetric,
} from "@/lib/offline/eval/compare";
import { loadCorpusFromFile } from "@/lib/offline/eval/file-corpus";
import type { EvalModel } from "@/lib/offline/eval/protocol";
import { parseSplitSpec } from "@/lib/offline/eval/split";
import { isFormat } from "@/lib/ingest/formats";
import { config } from "@/lib/config";

const USAGE = `usage: tsx scripts/evaluate.ts [--model [name=]<dir> ...] [--all-versions] [--json]
       [--split time:0.5|all|cutoff:<date>] [--depth N] [--source <source> ...] [--no-bm25] [--rerank] [--keep-top N]
       [--promote <ModelVersion id> [--ranker hybrid|dense|rerank] [--primary r@10|mrr|map] [--tie-break mrr] [--min-delta 0] [--flag-only]]
       [--file <export> --format jira|bugzilla|github|jsonl|csv [--links <pairs.csv>]]`;

function modelArg(spec: string): EvalModel {
  const eq = spec.indexOf("=");
  const [name, dir] = eq > 0 ? [spec.slice(0, eq), spec.slice(eq + 1)] : [path.basename(path.resolve(spec)), spec];
  const abs = path.resolve(dir);
  if (!fs.existsSync(abs)) throw new Error(`--model ${spec}: directory ${abs} does not exist`);
  return { name, dir: abs };
}

function intArg(v: string | undefined, flag: string, min: number): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new Error(`${flag} must be an integer >= ${min} (got "${v}")`);
  return n;
}

function metricArg(v: string | undefined, flag: string): PrimaryMetric | undefined {
  if (v === undefined) return undefined;
  const m = v.toLowerCase();
  if (m === "mrr" || m === "map" || /^r@[1-9]\d*$/.test(m)) return m as PrimaryMetric;
  throw new Error(`${flag} must be r@<k>, mrr or map (got "${v}")`);
}

async function defaultModels(prisma: PrismaClient, all: boolean): Promise<EvalModel[]> {
  const versions = await prisma.modelVersion.findMany({
    where: all ? {} : { active: true },
    orderBy: { id: "asc" },
  });
  if (versions.length) return versions.map((v) => ({ name: v.name, dir: path.resolve(v.path) }));
  if (all) throw new Error("--all-versions: the database has no ModelVersion rows");
  const def = path.resolve(process.env.MODEL_DIR || "models/default");
  return fs.existsSync(def) ? [{ name: path.basename(def), dir: def }] : [];
}

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      model: { type: "string", multiple: true },
      "all-versions": { type: "boolean" },
      json: { type: "boolean" },
      split: { type: "string" },
      depth: { type: "string" },
      source: { type: "string", multiple: true },
      "no-bm25": { type: "boolean" },
      rerank: { type: "boolean" },
      "keep-top": { type: "string" },
      promote: { type: "string" },
      "flag-only": { type: "boolean" },
      ranker: { type: "string" },
      primary: { type: "string" },
      "tie-break": { type: "string" },
      "min-delta": { type: "string" },
      file: { type: "string" },
      format: { type: "string" },
      links: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
    allowPositionals: false,
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const say = (line: string) => console.error(line);
  const split = values.split ? parseSplitSpec(values.split) : undefined;
  const common = {
    split,
    depth: intArg(values.depth, "--depth", 20),
    keepTop: intArg(values["keep-top"], "--keep-top", 1),
    bm25: !values["no-bm25"],
    onProgress: say,
  };
  // Extra row per model: the hybrid pool re-ordered by cosine, as the app's duplicate check serves it.
  const modelRankers = values.rerank ? (["dense", "hybrid", "rerank"] as const) : undefined;
  const emit = (table: Parameters<typeof formatTable>[0], extra?: Record<string, unknown>) => {
    if (values.json) process.stdout.write(extra ? JSON.stringify({ ...extra, table }, null, 2) + "\n" : tableToJSON(table));
    else process.stdout.write(formatTable(table));
  };
  let models = (values.model ?? []).map(modelArg);

  if (values.file) {
    if (values.promote || values["all-versions"]) throw new Error("--file evaluates without the app DB; it cannot be combined with --promote/--all-versions");
    const format = values.format ?? "jira";
    if (!isFormat(format)) throw new Error(`--format ${format} is not a known format`);
    say(`reading ${values.file}${values.links ? ` + ${values.links}` : ""}`);
    const corpus = await loadCorpusFromFile(values.file, { format, links: values.links, onError: say });
    say(`${corpus.reports.length} reports, ${corpus.links.length} duplicate links`);
    const { table } = await evaluateCorpus(corpus, { ...common, models, modelRankers });
    emit(table);
    return 0;
  }

  const prisma = createPrisma(config().databaseUrl);
  try {
    if (values.promote) {
      const id = intArg(values.promote, "--promote", 1)!;
      const ranker = values.ranker;
      if (ranker !== undefined && ranker !== "hybrid" && ranker !== "dense" && ranker !== "rerank") {
        throw new Error(`--ranker must be hybrid, dense or rerank (got "${ranker}")`);
      }
      const minDelta = values["min-delta"] === undefined ? undefined : Number(values["min-delta"]);
      if (minDelta !== undefined && !(minDelta >= 0)) throw new Error(`--min-delta must be a number >= 0`);
      const res = await evaluateAndMaybePromote(prisma, id, {
        ...common,
        corpus: values.source ? { sources: values.source } : undefined,
        activation: values["flag-only"] ? "flag" : "reindex",
        waitForReindex: true,
        onReindexProgress: (done, total) => say(`reindex: ${done}/${total}`),
        criteria: {
          ...(ranker ? { ranker } : {}),
          ...(values.primary ? { primary: metricArg(values.primary, "--primary") } : {}),
          ...(values["tie-break"] ? { tieBreak: metricArg(values["tie-break"], "--tie-break") } : {}),
          ...(minDelta !== undefined ? { minDelta } : {}),
        },
      });
      const d = res.difference;
      say(
        `gate: ${res.decision} ModelVersion ${res.candidate.id} (${res.candidate.name})` +
          (res.active ? ` vs active ${res.active.id} (${res.active.name})` : "") +
          `: ${res.reason}` +
          (d ? `; paired diff ${d.diff.toFixed(3)} [${d.ci.low.toFixed(3)}, ${d.ci.high.toFixed(3)}], P(better) ${d.pBetter.toFixed(2)}` : ""),
      );
      if (res.reindexJob) say(`reindex job ${res.reindexJob.id}: ${res.reindexJob.state}${res.reindexJob.error ? ` (${res.reindexJob.error})` : ""}`);
      emit(res.table, {
        decision: res.decision,
        reason: res.reason,
        candidate: { id: res.candidate.id, name: res.candidate.name },
        active: res.active && { id: res.active.id, name: res.active.name },
        difference: res.difference,
        activation: res.activation,
        reindexJob: res.reindexJob ?? null,
      });
      return res.reindexJob && res.reindexJob.state !== "succeeded" ? 1 : 0;
    }
    if (values["all-versions"]) models = [...models, ...(await defaultModels(prisma, true))];
    else if (models.length === 0) models = await defaultModels(prisma, false);
    if (models.length === 0) say("no model given and none active: evaluating BM25 alone");
    const { table } = await evaluateModels(prisma, {
      ...common,
      models,
      modelRankers,
      corpus: values.source ? { sources: values.source } : undefined,
    });
    emit(table);
    return 0;
  } finally {
    await prisma.$disconnect();
  }
}

runMain(main);
