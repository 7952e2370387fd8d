// Worker-thread entry for background encoding (see lib/embedding/worker-encoder.ts). onnxruntime-node's
// session.run is synchronous on the calling thread, and tokenizing a batch is too, so a re-index run on the
// API server's main thread stalls every request for the length of each batch. Here they stall only this thread.
import { parentPort, workerData } from "node:worker_threads";
import { OnnxEncoder, type EncoderOptions } from "@/lib/embedding/encoder";
import type { ChunkPooling } from "@/lib/embedding/types";

interface Init {
  dir: string;
  opts: EncoderOptions;
}
type Request = { id: number; texts: string[]; batchSize?: number; chunkPooling?: ChunkPooling; maxWindows?: number } | { id: number; close: true };

const port = parentPort;
if (!port) throw new Error("encode-worker.ts must run in a worker thread");
const init = workerData as Init;

let encoder: OnnxEncoder;
try {
  encoder = await OnnxEncoder.load(init.dir, init.opts);
  port.postMessage({ ready: true, dims: encoder.dims, maxLength: encoder.maxLength, pooling: encoder.pooling });
} catch (e) {
  port.postMessage({ ready: false, error: (e as Error).message });
  process.exit(0);
}

port.on("message", async (m: Request) => {
  if ("close" in m) {
    await encoder.close();
    port.postMessage({ id: m.id, closed: true });
    port.close();
    return;
  }
  try {
    const vecs = await encoder.encode(m.texts, { batchSize: m.batchSize, chunkPooling: m.chunkPooling, maxWindows: m.maxWindows });
    port.postMessage({ id: m.id, vectors: vecs }, vecs.map((v) => v.buffer as ArrayBuffer));
  } catch (e) {
    port.postMessage({ id: m.id, error: (e as Error).message });
  }
});
