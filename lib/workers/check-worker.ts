// Worker-thread entry of the duplicate-check pool (lib/workers/check-pool.ts): runs rankCandidates with this
// thread's own encoder and its own connection to the embedded index, so the check's synchronous native work
// stalls only this thread.
import { parentPort, workerData } from "node:worker_threads";
import { getEncoder } from "@/lib/embedding/encoder";
import { SqliteVecIndex } from "@/lib/vector/sqlite-vec";
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
port.postMessage({ ready: true });
