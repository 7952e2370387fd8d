// The process-wide services every use case needs: Prisma, the vector index and the serving encoder.
// Kept on globalThis (like lib/db) because Next.js may load route modules more than once.
//
// "Serving model" = the model whose vectors the live index holds: the active ModelVersion, else
// MODEL_DIR. Queries must be encoded with the same model, so both come from here.
import { existsSync } from "node:fs";
import path from "node:path";
import { getPrisma, type PrismaClient } from "@/lib/db/client";
import { getEncoder, OnnxEncoder } from "@/lib/embedding/encoder";
import { WorkerEncoder } from "@/lib/embedding/worker-encoder";
import type { Encoder } from "@/lib/embedding/types";
import type { VectorIndex } from "@/lib/vector/types";
import { openIndex } from "@/lib/vector/open-configured";
import { config } from "@/lib/config";
import { UnavailableError } from "@/lib/domain/errors";

export interface ServingModel {
  /** ModelVersion.name, or the MODEL_DIR basename. */
  name: string;
  dir: string;
  modelVersionId: number | null;
}

interface State {
  index?: { promise: Promise<VectorIndex>; value?: VectorIndex };
  serving?: { at: number; value: ServingModel };
}

const g = globalThis as unknown as { __bugsiftServices?: State };
const state = (): State => (g.__bugsiftServices ??= {});

/** Re-read the active ModelVersion at most this often (another process may switch it). */
const SERVING_TTL_MS = 3000;

export function prisma(): PrismaClient {
  return getPrisma();
}

export async function servingModel(force = false): Promise<ServingModel> {
  const s = state();
  if (!force && s.serving && Date.now() - s.serving.at < SERVING_TTL_MS) return s.serving.value;
  const active = await prisma().modelVersion.findFirst({ where: { active: true }, orderBy: { createdAt: "desc" } });
  const value: ServingModel = active
    ? { name: active.name, dir: path.resolve(/*turbopackIgnore: true*/ process.cwd(), active.path), modelVersionId: active.id }
    : { name: path.basename(config().modelDir), dir: config().modelDir, modelVersionId: null };
  s.serving = { at: Date.now(), value };
  return value;
}

/** Forget the cached serving model (after activating a model). */
export function invalidateServingModel(): void {
  state().serving = undefined;
}

/** The encoder for `dir` (process-wide cache in lib/embedding); 503 when the directory is missing. */
export async function encoderFor(dir: string): Promise<Encoder> {
  if (!existsSync(dir)) {
    throw new UnavailableError(`model directory ${path.relative(process.cwd(), dir) || dir} does not exist (run npm run setup or set MODEL_DIR)`);
  }
  return getEncoder(dir);
}

/**
 * A private encoder for long background work (re-index) on `dir`; the caller closes it. It is NOT the
 * serving encoder: onnxruntime-node runs a batch synchronously on the calling thread, so sharing the serving
 * session (or even the main thread) stalls every request for each batch's duration. Default: a worker thread
 * with one intra-op thread (the other core stays with the main thread and queries). REINDEX_ENCODER=inline
 * uses a separate 1-thread session on the main thread with small runs (fallback when no worker can start);
 * REINDEX_ENCODER=shared reuses the serving encoder (the old behaviour, for comparison in benchmarks).
 */
export async function backgroundEncoderFor(dir: string): Promise<Encoder> {
  await encoderFor(dir); // same 503 for a missing dir, and the serving cache is warm for the switch
  const mode = process.env.REINDEX_ENCODER || "worker";
  if (!["worker", "inline", "shared"].includes(mode)) throw new Error(`REINDEX_ENCODER must be worker, inline or shared (got "${mode}")`);
  if (mode === "shared") {
    const enc = await getEncoder(dir);
    const { modelDir, dims, maxLength, pooling } = enc;
    return { modelDir, dims, maxLength, pooling, encode: (t, o) => enc.encode(t, o), close: async () => undefined };
  }
  if (mode === "worker") {
    try {
      return await WorkerEncoder.load(dir, { intraOpNumThreads: 1, maxBatchTokens: 2048 });
    } catch (e) {
      console.warn(`[jobs] worker encoder unavailable, encoding on the main thread: ${(e as Error).message}`);
    }
  }
  // Small runs bound each synchronous session.run (and so each event-loop stall) to a few tens of ms.
  return OnnxEncoder.load(dir, { intraOpNumThreads: 1, batchSize: 8, maxBatchTokens: 1024 });
}

export async function servingEncoder(): Promise<{ encoder: Encoder; model: ServingModel }> {
  const model = await servingModel();
  return { encoder: await encoderFor(model.dir), model };
}

/**
 * The vector index. A brand-new index needs its dimensions, which come from the serving encoder;
 * an existing one keeps the dims of its live generation.
 */
export async function index(): Promise<VectorIndex> {
  const s = state();
  if (s.index?.value) return s.index.value;
  if (!s.index) {
    const entry: NonNullable<State["index"]> = { promise: Promise.resolve(null as unknown as VectorIndex) };
    entry.promise = (async () => {
      const { encoder } = await servingEncoder();
      const ix = await openIndex(encoder.dims);
      entry.value = ix;
      return ix;
    })();
    entry.promise.catch(() => {
      if (state().index === entry) state().index = undefined; // retry next time (e.g. model dir appears)
    });
    s.index = entry;
  }
  return s.index.promise;
}

/** The index's live generation id, when the backend exposes it. */
export function generationOf(ix: VectorIndex): string | null {
  const gen = (ix as unknown as { generation?: unknown }).generation;
  return typeof gen === "string" ? gen : null;
}

/** Query encoder and index together, checking they agree on dimensions. */
export async function queryServices(): Promise<{ encoder: Encoder; index: VectorIndex; model: ServingModel }> {
  const { encoder, model } = await servingEncoder();
  const ix = await index();
  if (ix.dims !== encoder.dims) {
    throw new UnavailableError(
      `the index holds ${ix.dims}-dimensional vectors but model ${model.name} produces ${encoder.dims}: run a reindex`,
    );
  }
  return { encoder, index: ix, model };
}

/** Close the index (scripts and tests); the Prisma client is closed via lib/db. */
export async function closeServices(): Promise<void> {
  const s = state();
  const ix = s.index;
  s.index = undefined;
  s.serving = undefined;
  if (ix) await (await ix.promise.catch(() => null))?.close();
}
