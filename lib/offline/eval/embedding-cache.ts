// A disk cache of report vectors for evaluation runs. A quality table evaluates the same model on several
// splits (and the gate re-evaluates the active model after every training run); encoding a 30k-report corpus
// with a transformer takes many minutes on two cores, while the vectors depend only on the model and the text.
// The cache is keyed by a digest of everything that changes a vector (the ONNX graph, pooling, normalisation,
// max length, chunk pooling), so a retrained or re-exported model never reads another model's vectors.
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import type { EncodeOptions, Encoder } from "@/lib/embedding/types";
import { sha256File } from "@/lib/offline/onnx/pretrained";

/** Identity of what an encoder computes: same key, same vectors. */
export function encoderCacheKey(encoder: Encoder, onnxPath: string, chunkPooling: string): string {
  const parts = [sha256File(onnxPath), encoder.pooling, String(encoder.maxLength), String(encoder.dims), chunkPooling];
  return crypto.createHash("sha256").update(parts.join("\n")).digest("hex").slice(0, 32);
}

/** Texts encoded (and committed to the cache) per inner encode call. */
const STORE_BLOCK = 512;

// A text encoded under a window cap (EncodeOptions.maxWindows) is another vector: its key names the cap.
const textKey = (text: string, maxWindows?: number) =>
  crypto.createHash("sha256").update(maxWindows === undefined ? text : `windows ${maxWindows}\n${text}`).digest();

/**
 * Wraps an encoder so vectors already computed for (model, text) come from `<cacheDir>/<key>.db` and new ones
 * are stored there, one transaction per block of STORE_BLOCK texts, so a killed run keeps what it finished.
 */
export function withEmbeddingCache(inner: Encoder, opts: { cacheDir: string; onnxPath: string; chunkPooling?: string }): Encoder {
  const chunkPooling = opts.chunkPooling ?? "mean";
  fs.mkdirSync(opts.cacheDir, { recursive: true });
  const file = path.join(opts.cacheDir, `${encoderCacheKey(inner, opts.onnxPath, chunkPooling)}.db`);
  const db = new Database(file);
  db.pragma("journal_mode = WAL");
  db.exec("CREATE TABLE IF NOT EXISTS vectors (text_sha BLOB PRIMARY KEY, vec BLOB NOT NULL) WITHOUT ROWID");
  const get = db.prepare<[Buffer], { vec: Buffer }>("SELECT vec FROM vectors WHERE text_sha = ?");
  const put = db.prepare<[Buffer, Buffer]>("INSERT OR REPLACE INTO vectors (text_sha, vec) VALUES (?, ?)");
  const putMany = db.transaction((rows: Array<[Buffer, Float32Array]>) => {
    for (const [k, v] of rows) put.run(k, Buffer.from(v.buffer, v.byteOffset, v.byteLength));
  });

  return {
    modelDir: inner.modelDir,
    dims: inner.dims,
    maxLength: inner.maxLength,
    pooling: inner.pooling,
    async encode(texts: string[], encodeOpts: EncodeOptions = {}): Promise<Float32Array[]> {
      const keys = texts.map((t) => textKey(t, encodeOpts.maxWindows));
      const out = new Array<Float32Array | undefined>(texts.length);
      const missing: number[] = [];
      keys.forEach((k, i) => {
        const row = get.get(k);
        if (row && row.vec.byteLength === inner.dims * 4) {
          // Copy out of the row buffer: better-sqlite3 may reuse it.
          out[i] = new Float32Array(row.vec.buffer.slice(row.vec.byteOffset, row.vec.byteOffset + row.vec.byteLength));
        } else missing.push(i);
      });
      const cached = texts.length - missing.length;
      // Encode and store block by block, so a run killed after an hour keeps all but the last block.
      for (let start = 0; start < missing.length; start += STORE_BLOCK) {
        const block = missing.slice(start, start + STORE_BLOCK);
        const before = cached + start;
        const fresh = await inner.encode(
          block.map((i) => texts[i]!),
          {
            ...encodeOpts,
            chunkPooling: encodeOpts.chunkPooling ?? (chunkPooling as EncodeOptions["chunkPooling"]),
            onProgress: encodeOpts.onProgress && ((done) => encodeOpts.onProgress!(before + done, texts.length)),
          },
        );
        block.forEach((i, j) => (out[i] = fresh[j]!));
        putMany(block.map((i, j) => [keys[i]!, fresh[j]!] as [Buffer, Float32Array]));
      }
      if (missing.length === 0) encodeOpts.onProgress?.(texts.length, texts.length);
      return out as Float32Array[];
    },
    async close(): Promise<void> {
      db.close();
      await inner.close();
    },
  };
}
