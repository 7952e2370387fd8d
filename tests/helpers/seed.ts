// Seeds a database for integration/browser tests and benchmarks, in its own process (so the test
// process never loads ONNX or holds the SQLite file): migrate, import a corpus, make sure a model
// exists, index everything. Prints one JSON line with what it did.
//
//   DATABASE_URL=file:/tmp/x.db node --import tsx tests/helpers/seed.ts --corpus data/demo/reports.jsonl \
//     [--format jsonl] [--model-dir DIR] [--no-index] [--progress] [--embedding-cache DIR]
//
// --embedding-cache reads (and stores) report vectors in the evaluation's vector cache
// (lib/offline/eval/embedding-cache.ts), so a benchmark database for a corpus that `npm run evaluate:table` has
// already encoded with the same model is indexed without encoding it again.
import { createReadStream, existsSync } from "node:fs";
import { parseArgs } from "node:util";
import { migrate } from "@/lib/offline/migrate/runner";
import { importRecords } from "@/lib/ingest/import";
import { parseInput } from "@/lib/ingest/formats";
import type { Format } from "@/lib/ingest/types";
import { startReindex } from "@/lib/jobs/reindex";
import { openCore } from "@/lib/runtime/cli";
import { config } from "@/lib/config";
import { loadModelDir } from "@/lib/embedding/modeldir";
import { withEmbeddingCache } from "@/lib/offline/eval/embedding-cache";

const { values } = parseArgs({
  options: {
    corpus: { type: "string" },
    format: { type: "string", default: "jsonl" },
    "no-index": { type: "boolean", default: false },
    progress: { type: "boolean", default: false },
    "embedding-cache": { type: "string" },
  },
});
const cacheDir = values["embedding-cache"];

/** This process's services, opened from DATABASE_URL / MODEL_DIR (lib/runtime/cli) and closed on exit. */
const core = openCore(config(), {
  ...(cacheDir ? { wrapBackgroundEncoder: (encoder, dir) => withEmbeddingCache(encoder, { cacheDir, onnxPath: loadModelDir(dir).onnxPath }) } : {}),
});

async function main(): Promise<void> {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error("seed: DATABASE_URL must be set");
  const t0 = Date.now();
  await migrate(url);
  const db = core.db;
  let imported = 0;
  if (values.corpus) {
    if (!existsSync(values.corpus)) throw new Error(`seed: corpus ${values.corpus} not found`);
    const s = await importRecords(db, parseInput(values.format as Format, createReadStream(values.corpus)), {
      recordJob: false,
      onProgress: values.progress ? (p) => void process.stderr.write(`seed: imported ${p.processed}\n`) : undefined,
    });
    if (s.rejected) throw new Error(`seed: ${s.rejected} record(s) rejected: ${s.errors.slice(0, 3).map((e) => `line ${e.line}: ${e.message}`).join("; ")}`);
    imported = s.imported + s.updated + s.unchanged;
  }
  const tImport = Date.now();
  let indexed = 0;
  if (!values["no-index"]) {
    let last = 0;
    const { done } = await startReindex(core, {
      batchSize: 128,
      onProgress: values.progress
        ? (d, t) => {
            if (Date.now() - last > 1000 || d === t) {
              last = Date.now();
              process.stderr.write(`seed: indexed ${d}/${t}\n`);
            }
          }
        : undefined,
    });
    const job = await done;
    if (job.state !== "succeeded") throw new Error(`seed: reindex failed: ${job.error}`);
    indexed = Number(job.counts?.encoded ?? 0);
  }
  process.stdout.write(
    JSON.stringify({ imported, indexed, importMs: tImport - t0, indexMs: Date.now() - tImport }) + "\n",
  );
}

main().then(
  async () => {
    await core.close();
    process.exit(0);
  },
  async (e) => {
    console.error(e instanceof Error ? e.message : e);
    await core.close().catch(() => undefined);
    process.exit(1);
  },
);
