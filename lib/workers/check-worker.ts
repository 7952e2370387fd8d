// Worker-thread entry of the duplicate-check pool (lib/workers/check-pool.ts): runs rankCandidates with this
// thread's own encoder and its own connection to the embedded index, so the check's synchronous native work
// stalls only this thread.
import { parentPort, workerData } from "node:worker_threads";
import { getEncoder } from "@/lib/embedding/encoder";
import { SqliteVecIndex } from "@/lib/vector/sqlite-vec";
import { hasDirection } from "@/lib/math";
import { rankCandidates } from "@/lib/ranking/candidates";
import type { CheckReply, CheckRequest, CheckWorkerInit } from "@/lib/workers/check-pool";

const port = parentPort;
if (!port) throw new Error("check-worker.ts must run in a worker thread");
const init = workerData as CheckWorkerInit;

let index: SqliteVecIndex | null = null;

port.on("message", async (m: CheckRequest) => {
  if ("close" in m) {
    await index?.close();
    index = null;
    port.postMessage({ id: m.id, closed: true } satisfies CheckReply);
    port.close();
    return;
  }
  try {
    const encoder = await getEncoder(m.modelDir);
    // The dims only matter for a file without a generation yet; a live generation keeps its own, and every
    // search checks the vector against the generation it reads (the main thread checked model against index).
    index ??= new SqliteVecIndex({ path: init.sqlitePath, dims: encoder.dims, ann: init.ann });
    const result = await rankCandidates(encoder, index, m.query);
    port.postMessage({ id: m.id, result } satisfies CheckReply);
  } catch (e) {
    port.postMessage({ id: m.id, error: (e as Error).message } satisfies CheckReply);
  }
});
// Warm up before taking requests: load the serving model, open the index and load its ANN graph (tens of MB
// at 100k reports), so the first checks sent here do not wait for them. A failure here is not fatal: the
// same error comes back with the first request, which the caller then runs in thread.
try {
  const encoder = await getEncoder(init.modelDir);
  index = new SqliteVecIndex({ path: init.sqlitePath, dims: encoder.dims, ann: init.ann });
  const [v] = await encoder.encode(["warm up"]);
  if (hasDirection(v) && v.length === index.dims) await index.search(v, 1);
  await index.keywordSearch("warm up", 1);
} catch (e) {
  console.warn(`[dedup] check worker warm-up failed: ${(e as Error).message}`);
}
port.postMessage({ ready: true });
