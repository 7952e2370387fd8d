// Worker-thread entry of the duplicate-check pool (lib/workers/check-pool.ts): runs findDuplicates on a Core of
// its own (encoder, Prisma client, index connection), so the check's synchronous work stalls only this thread.
// Each request carries the main thread's serving model and tier thresholds, which that Core caches and
// invalidates at once (activation, calibration); everything else a check reads comes from the database.
import { parentPort, workerData } from "node:worker_threads";
import { Core } from "@/lib/core";
import { corpusDf } from "@/lib/dedup/df";
import { findDuplicatesHere, type CheckPayload } from "@/lib/dedup/find";
import type { CheckReply, CheckRequest, CheckWorkerInit } from "@/lib/workers/check-pool";

const port = parentPort;
if (!port) throw new Error("check-worker.ts must run in a worker thread");
const init = workerData as CheckWorkerInit;
const core = Core.open(init.config);

port.on("message", async (m: CheckRequest) => {
  if ("close" in m) {
    await core.close();
    port.postMessage({ id: m.id, closed: true } satisfies CheckReply);
    port.close();
    return;
  }
  try {
    const { draft, opts, model, thresholds } = m.payload as CheckPayload;
    core.useServingModel(model);
    port.postMessage({ id: m.id, result: await findDuplicatesHere(core, draft, opts, thresholds) } satisfies CheckReply);
  } catch (e) {
    port.postMessage({ id: m.id, error: (e as Error).message } satisfies CheckReply);
  }
});

// Warm up before taking requests: the serving model, the index and its ANN graph (tens of MB at 100k
// reports), the index's keyword lists of common terms, Prisma, and the corpus term frequencies the explanations
// use (built in the background, a few seconds at 100k), so the first checks sent here neither wait for them nor
// explain differently from the main thread. A failure is not fatal: the same error comes back with the first
// request, which is then checked in thread. The frequencies need only the database, so they are waited for
// even when the index could not warm up (a worker explaining from its candidates alone would answer
// differently from the main thread).
try {
  await findDuplicatesHere(core, { title: "warm up", description: "" }, { k: 1 });
  await (await core.query()).index.warm?.();
} catch (e) {
  console.warn(`[dedup] check worker warm-up failed: ${(e as Error).message}`);
}
for (const until = Date.now() + 120_000; !corpusDf(core) && Date.now() < until; ) await new Promise((r) => setTimeout(r, 50));
port.postMessage({ ready: true });
