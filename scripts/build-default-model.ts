// Builds the app's default model: a StaticEmbedding model trained on whatever corpus the database holds
// (LSA initialisation from corpus statistics + MultipleNegativesRankingLoss on (title, body) pairs and the
// train split's duplicate pairs), written to models/default (or --out), registered as ModelVersion "default"
// and, when the corpus has held-out duplicates, evaluated against BM25 and activated by the gate (flag only:
// `npm run setup` indexes right after). Takes well under a minute for a few thousand reports on 2 cores.
//
//   npm run model:default -- [--out models/default] [--name default] [--tokenizer DIR] [--dim N] [--epochs N]
//                            [--text-scope all|train] [--split time:0.5] [--no-gate]
import path from "node:path";
import { parseArgs } from "node:util";
import { runMain } from "@/lib/runtime/cli";
import { createPrisma } from "@/lib/db/client";
import { defaultModelDir } from "@/lib/models/registry";
import { evaluateAndMaybePromote, formatGate } from "@/lib/offline/eval/compare";
import { parseSplitSpec } from "@/lib/offline/eval/split";
import { registerModelVersion, trainStaticToDir } from "@/lib/offline/train/run";
import { config } from "@/lib/config";

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      out: { type: "string" },
      name: { type: "string", default: "default" },
      tokenizer: { type: "string" },
      dim: { type: "string" },
      epochs: { type: "string" },
      "text-scope": { type: "string" },
      split: { type: "string" },
      "no-gate": { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
    allowPositionals: false,
  });
  if (values.help) {
    console.log("usage: npm run model:default -- [--out DIR] [--name NAME] [--tokenizer DIR] [--dim N] [--epochs N] [--text-scope all|train] [--split SPEC] [--no-gate]");
    return 0;
  }
  const dim = values.dim === undefined ? undefined : Number(values.dim);
  if (dim !== undefined && !(Number.isInteger(dim) && dim >= 2)) throw new Error(`--dim must be an integer >= 2 (got "${values.dim}")`);
  const epochs = values.epochs === undefined ? undefined : Number(values.epochs);
  if (epochs !== undefined && !(Number.isInteger(epochs) && epochs >= 0)) throw new Error(`--epochs must be an integer >= 0 (got "${values.epochs}")`);
  const textScope = values["text-scope"];
  if (textScope !== undefined && textScope !== "all" && textScope !== "train") throw new Error(`--text-scope must be all or train`);
  const split = values.split ? parseSplitSpec(values.split) : undefined;
  const out = path.resolve(values.out ?? defaultModelDir());
  const say = (line: string) => console.error(line);

  const prisma = createPrisma(config().databaseUrl);
  try {
    const t0 = Date.now();
    const res = await trainStaticToDir(prisma, {
      out,
      split,
      textScope: textScope as "all" | "train" | undefined,
      tokenizerDir: values.tokenizer,
      recipe: { ...(dim ? { dim } : {}), ...(epochs !== undefined ? { train: { epochs } } : {}) },
      onLine: say,
    });
    const r = res.result;
    console.log(
      `default model: ${path.relative(process.cwd(), res.dir) || res.dir} (${res.dims} dims, ${r.counts.activeTokens} token vectors) in ${((Date.now() - t0) / 1000).toFixed(1)} s ` +
        `[tokenize ${r.ms.tokenize} ms, init ${r.ms.init} ms, train ${r.ms.train} ms]`,
    );
    const before = await prisma.modelVersion.findUnique({ where: { name: values.name! } });
    const mv = await registerModelVersion(prisma, { name: values.name!, dir: res.dir, kind: "static", dims: res.dims, pooling: "mean", replace: true });
    if (before?.active) say(`ModelVersion "${mv.name}" is active and its weights changed: run npm run reindex so stored vectors match`);
    if (values["no-gate"]) return 0;
    if (res.data.split.queries.length === 0) {
      console.log("gate skipped: no held-out duplicate queries in this corpus (the app serves models/default when no model is active)");
      return 0;
    }
    const gate = await evaluateAndMaybePromote(prisma, mv.id, { split, activation: "flag", onProgress: say });
    console.log(formatGate(gate));
    return 0;
  } finally {
    await prisma.$disconnect();
  }
}

runMain(main, "build-default-model: ");
