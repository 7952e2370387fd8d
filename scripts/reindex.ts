// Re-encode every report into a new index generation and switch to it atomically (the same job the
// admin page starts), with progress on stderr.
//
//   npm run reindex [-- --if-needed] [--model-version ID] [--batch-size N]
//
//   --if-needed       only do what is missing: a full reindex when the index is empty (or its
//                     dimensions differ from the model's), else encode just the reports whose content
//                     is not in the index yet (new or edited). Used by `npm run setup`.
//   --model-version   encode with that ModelVersion and make it active when the job succeeds
//   --batch-size      reports per encode/upsert batch (default REINDEX_BATCH_SIZE or 64)
//
// Exit codes: 0 done, 1 failed (the job row holds the error; a failed run is resumable), 2 usage.
import { parseArgs } from "node:util";
import { startReindex } from "@/lib/jobs/reindex";
import { recoverStaleJobs } from "@/lib/jobs/store";
import { indexStale } from "@/lib/corpus/index-sync";
import { openCore } from "@/lib/runtime/cli";
import { CLI_LOGIN, systemActor } from "@/lib/accounts/actor";
import { recordEvent } from "@/lib/accounts/audit";

/** This run's services (composition root: lib/runtime/cli); closed on exit. */
const core = openCore();

function progressLine(label: string) {
  const t0 = Date.now();
  let last = 0;
  return (done: number, total: number) => {
    const now = Date.now();
    if (now - last < 500 && done < total) return;
    last = now;
    const rate = done / Math.max(0.001, (now - t0) / 1000);
    const pct = total ? ((100 * done) / total).toFixed(1) : "100.0";
    process.stderr.write(`${label}: ${done}/${total} (${pct}%) ${rate.toFixed(0)} reports/s\n`);
  };
}

async function main(): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        "if-needed": { type: "boolean", default: false },
        "model-version": { type: "string" },
        "batch-size": { type: "string" },
        help: { type: "boolean", short: "h", default: false },
      },
    }));
  } catch (e) {
    console.error(`reindex: ${(e as Error).message}`);
    return 2;
  }
  if (values.help) {
    console.error("usage: npm run reindex [-- --if-needed] [--model-version ID] [--batch-size N]");
    return 0;
  }
  const batchSize = values["batch-size"] !== undefined ? Number(values["batch-size"]) : undefined;
  if (batchSize !== undefined && (!Number.isInteger(batchSize) || batchSize < 1)) {
    console.error(`reindex: --batch-size must be a positive integer (got "${values["batch-size"]}")`);
    return 2;
  }
  const modelVersionId = values["model-version"] !== undefined ? Number(values["model-version"]) : undefined;
  if (modelVersionId !== undefined && (!Number.isInteger(modelVersionId) || modelVersionId < 1)) {
    console.error(`reindex: --model-version must be a ModelVersion id (got "${values["model-version"]}")`);
    return 2;
  }

  const db = core.db;
  const stale = await recoverStaleJobs(db);
  if (stale) console.error(`reindex: marked ${stale} interrupted job(s) as failed`);

  if (values["if-needed"] && modelVersionId === undefined) {
    const { encoder, model } = await core.servingEncoder();
    const ix = await core.index();
    const [count, reports] = await Promise.all([ix.count(), db.report.count()]);
    if (reports === 0) {
      console.error("reindex: no reports in the database; nothing to index");
      return 0;
    }
    if (count > 0 && ix.dims === encoder.dims) {
      const n = await indexStale(core, { batchSize, onProgress: progressLine("reindex (new/changed)") });
      console.error(`reindex: index up to date with model ${model.name} (${n} new/changed report(s) encoded)`);
      return 0;
    }
    console.error(
      count === 0 ? "reindex: index is empty: full reindex" : `reindex: index dims ${ix.dims} != model dims ${encoder.dims}: full reindex`,
    );
  }

  const t0 = Date.now();
  const { job, done } = await startReindex(core, { modelVersionId, batchSize, onProgress: progressLine("reindex") });
  console.error(`reindex: job ${job.id} started (${job.total} reports)`);
  // Whoever runs a CLI has the server's files; the trail names the run as the system account "cli".
  await recordEvent(db, await systemActor(db, CLI_LOGIN), "reindex", job.id, { modelVersionId: modelVersionId ?? null, batchSize: batchSize ?? null });
  const result = await done;
  const secs = (Date.now() - t0) / 1000;
  if (result.state !== "succeeded") {
    console.error(`reindex: job ${result.id} ${result.state}: ${result.error ?? "unknown error"}`);
    if (result.resumable) console.error("reindex: the partial generation was kept; run npm run reindex again to resume it");
    return 1;
  }
  const c = result.counts ?? {};
  console.error(
    `reindex: done in ${secs.toFixed(1)}s: ${String(c.encoded ?? 0)} encoded, ${String(c.skipped ?? 0)} resumed, ` +
      `${String(c.caughtUp ?? 0)} caught up, generation ${String(c.generation ?? result.generation ?? "?")}`,
  );
  return 0;
}

main()
  .then(
    async (code) => {
      await core.close().catch(() => undefined);
      process.exit(code);
    },
    async (err: unknown) => {
      console.error(`reindex: ${err instanceof Error ? err.message : String(err)}`);
      await core.close().catch(() => undefined);
      process.exit(1);
    },
  );
