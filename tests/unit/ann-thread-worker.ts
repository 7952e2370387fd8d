// Worker thread of index-ann.test.ts: keeps the given SQLite file open with the ANN on. For each message it
// waits at the message's barrier until every thread is ready, then searches once (which loads, or builds and
// saves, the live generation's graph) and posts the best hit's id, or the error.
import { parentPort, workerData } from "node:worker_threads";
import { SqliteVecIndex } from "@/lib/vector/sqlite-vec";

const { file, dims } = workerData as { file: string; dims: number };
const ix = new SqliteVecIndex({ path: file, dims, ann: { minPoints: 100, quantization: "f16" } });
parentPort!.on("message", async (m: { query: number[]; barrier: SharedArrayBuffer } | "close") => {
  if (m === "close") {
    await ix.close();
    parentPort!.close();
    return;
  }
  const gate = new Int32Array(m.barrier);
  try {
    Atomics.add(gate, 1, 1);
    Atomics.wait(gate, 0, 0);
    const hits = await ix.search(Float32Array.from(m.query), 1);
    parentPort!.postMessage({ id: hits[0]?.id ?? null });
  } catch (e) {
    parentPort!.postMessage({ error: (e as Error).message });
  }
});
