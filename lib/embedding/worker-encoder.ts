// An Encoder whose tokenizer and ONNX session live in a worker thread (lib/embedding/encode-worker.ts), for
// long background work (re-index) inside the API server: the main thread only posts texts and receives
// vectors, so queries keep being answered while the job encodes. Same model dir + same code => the same
// vectors as the serving encoder.
import path from "node:path";
import type { Worker } from "node:worker_threads";
import type { EncoderOptions } from "@/lib/embedding/encoder";
import type { EncodeOptions, Encoder, PoolingMode } from "@/lib/embedding/types";
import { startTsWorker, tsWorkerSource } from "@/lib/workers/ts-worker";

type Reply = { id: number; vectors?: Float32Array[]; error?: string; closed?: boolean };

export class WorkerEncoder implements Encoder {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (r: Reply) => void; reject: (e: Error) => void }>();
  private closed = false;

  private constructor(
    private readonly worker: Worker,
    readonly modelDir: string,
    readonly dims: number,
    readonly maxLength: number,
    readonly pooling: PoolingMode,
  ) {
    worker.on("message", (m: Reply) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      p.resolve(m);
    });
    const failAll = (e: Error) => {
      for (const p of this.pending.values()) p.reject(e);
      this.pending.clear();
    };
    worker.on("error", (e) => failAll(new Error(`worker encoder: ${e.message}`)));
    worker.on("exit", (code) => {
      this.closed = true;
      failAll(new Error(`worker encoder: worker exited (code ${code})`));
    });
  }

  /** Loads `dir` in a new worker thread. Rejects with the load error (bad model dir, no tsx, ...). */
  static async load(dir: string, opts: EncoderOptions = {}): Promise<WorkerEncoder> {
    const worker = startTsWorker(tsWorkerSource("lib/embedding/encode-worker.ts", "worker encoder"), { workerData: { dir: path.resolve(dir), opts } });
    type Ready = { ready: boolean; error?: string; dims: number; maxLength: number; pooling: PoolingMode };
    const ready = await new Promise<Ready>((resolve, reject) => {
      worker.once("message", resolve);
      worker.once("error", reject);
      worker.once("exit", (code) => reject(new Error(`worker exited (code ${code}) before loading the model`)));
    }).catch((e: Error) => {
      void worker.terminate();
      throw new Error(`worker encoder: ${e.message}`);
    });
    if (!ready.ready) {
      void worker.terminate();
      throw new Error(ready.error ?? "worker encoder: model load failed");
    }
    return new WorkerEncoder(worker, path.resolve(dir), ready.dims, ready.maxLength, ready.pooling);
  }

  private call(msg: Record<string, unknown>): Promise<Reply> {
    if (this.closed) return Promise.reject(new Error("encoder is closed"));
    const id = this.nextId++;
    return new Promise<Reply>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, ...msg });
    });
  }

  async encode(texts: string[], opts: EncodeOptions = {}): Promise<Float32Array[]> {
    // onProgress is not forwarded (callers here report progress per batch of reports).
    const r = await this.call({ texts, batchSize: opts.batchSize, chunkPooling: opts.chunkPooling, maxWindows: opts.maxWindows });
    if (r.error !== undefined) throw new Error(r.error);
    return r.vectors!;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    try {
      await this.call({ close: true });
    } catch {
      // already gone
    }
    this.closed = true;
    await this.worker.terminate();
  }
}
