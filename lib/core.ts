// The services every use case needs, passed explicitly: the database, the configuration, the serving model
// and its encoder, and the live vector index. A Core is built by the composition root of each entry point
// (lib/runtime: the server keeps one per process, a CLI opens one and closes it) and handed to the use cases;
// nothing in the domain looks services up on its own.
import { existsSync } from "node:fs";
import path from "node:path";
import type { AppConfig } from "@/lib/config";
import { createPrisma, type PrismaClient } from "@/lib/db/client";
import { openReads, prismaReads, type SqlReads } from "@/lib/db/reads";
import { UnavailableError } from "@/lib/domain/errors";
import { getEncoder, OnnxEncoder } from "@/lib/embedding/encoder";
import type { Encoder } from "@/lib/embedding/types";
import { WorkerEncoder } from "@/lib/embedding/worker-encoder";
import { CheckPool } from "@/lib/workers/check-pool";
import { servingModelOf, type ServingModel } from "@/lib/models/registry";
import { openVectorIndex, type ManagedVectorIndex } from "@/lib/vector/open";

export type { ServingModel } from "@/lib/models/registry";

export interface QueryServices {
  encoder: Encoder;
  index: ManagedVectorIndex;
  model: ServingModel;
}

/** Re-read the active ModelVersion at most this often (another process may switch it). */
const SERVING_TTL_MS = 3000;

export interface CoreOptions {
  /**
   * Where the duplicate check's hot reads run (lib/db/reads.ts): Core.open passes openReads() for the
   * configuration's URL; without it they go through `db`'s raw queries (a Core over a client whose URL it does not know).
   */
  reads?: SqlReads;
  /**
   * Run duplicate checks on worker threads (config.checkWorkers of them, lib/workers/check-pool.ts). The server
   * turns it on; a CLI runs a check or two, which would not repay starting the workers.
   */
  checkPool?: boolean;
  /**
   * Wraps the re-index encoder (backgroundEncoderFor). A benchmark seeding a large corpus passes the evaluation's
   * vector cache here, so reports already encoded by `npm run evaluate:table` are not encoded again.
   */
  wrapBackgroundEncoder?: (encoder: Encoder, dir: string) => Encoder;
}

export class Core {
  private pool?: CheckPool;
  private indexEntry?: { promise: Promise<ManagedVectorIndex>; value?: ManagedVectorIndex };
  private serving?: { at: number; value: ServingModel };
  private readonly states = new Map<symbol, unknown>();
  /** One full reindex at a time per process (lib/jobs/reindex.ts). */
  reindexRunning = false;

  /** Read-only statements on the duplicate check's path (lib/db/reads.ts), on the same database as `db`. */
  readonly reads: SqlReads;

  constructor(
    readonly config: AppConfig,
    readonly db: PrismaClient,
    private readonly opts: CoreOptions = {},
  ) {
    this.reads = opts.reads ?? prismaReads(db);
  }

  /**
   * A Core on the configuration's own database: a Prisma client for `config.databaseUrl` and the check's reads
   * on the same URL (what the server, the check workers and the CLIs build). The caller closes it.
   */
  static open(config: AppConfig, opts: CoreOptions = {}): Core {
    const db = createPrisma(config.databaseUrl);
    return new Core(config, db, { reads: openReads(config.databaseUrl, db), ...opts });
  }

  /**
   * The worker threads duplicate checks run on, started on first use; null when they are off (CoreOptions,
   * CHECK_WORKERS=0) or the index is Qdrant's. Until a worker is up (and if none can start) its run() gives
   * null and the check runs in thread.
   */
  checkPool(): CheckPool | null {
    if (!this.opts.checkPool || this.config.checkWorkers === 0 || this.config.qdrant) return null;
    this.pool ??= new CheckPool({ workers: this.config.checkWorkers, config: this.config });
    return this.pool;
  }

  /**
   * State a module keeps between calls for this Core (its caches: the duplicate graph, thresholds, corpus
   * frequencies), under a key the module owns. Caches live as long as the services they were read from.
   * Keys come from Symbol.for: Next.js may load a module once per route bundle, and every copy must find
   * the same state (an invalidation in the triage route must reach the report page).
   */
  state<T>(key: symbol, init: () => T): T {
    if (!this.states.has(key)) this.states.set(key, init());
    return this.states.get(key) as T;
  }

  /** The model whose vectors the live index holds (cached for a few seconds). */
  async servingModel(force = false): Promise<ServingModel> {
    if (!force && this.serving && Date.now() - this.serving.at < SERVING_TTL_MS) return this.serving.value;
    const value = await servingModelOf(this.db, this.config.modelDir);
    this.serving = { at: Date.now(), value };
    return value;
  }

  /**
   * Serve `model` from now on (until the cache's next expiry): a check worker's Core takes the model the main
   * thread's Core serves with every request, so an activation reaches the workers with the next check.
   */
  useServingModel(model: ServingModel): void {
    this.serving = { at: Date.now(), value: model };
  }

  /** Forget the cached serving model (after activating a model). */
  invalidateServingModel(): void {
    this.serving = undefined;
  }

  /** The (process-wide cached) encoder for `dir`; UnavailableError when the directory is missing. */
  async encoderFor(dir: string): Promise<Encoder> {
    if (!existsSync(dir)) {
      throw new UnavailableError(
        `model directory ${path.relative(process.cwd(), dir) || dir} does not exist (run npm run setup or set MODEL_DIR)`,
      );
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
  async backgroundEncoderFor(dir: string): Promise<Encoder> {
    const encoder = await this.unwrappedBackgroundEncoder(dir);
    return this.opts.wrapBackgroundEncoder ? this.opts.wrapBackgroundEncoder(encoder, dir) : encoder;
  }

  private async unwrappedBackgroundEncoder(dir: string): Promise<Encoder> {
    await this.encoderFor(dir); // same error for a missing dir, and the serving cache is warm for the switch
    const mode = this.config.reindexEncoder;
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

  async servingEncoder(): Promise<{ encoder: Encoder; model: ServingModel }> {
    const model = await this.servingModel();
    return { encoder: await this.encoderFor(model.dir), model };
  }

  /**
   * The live vector index. A brand-new index needs its dimensions, which come from the serving encoder;
   * an existing one keeps the dims of its live generation.
   */
  async index(): Promise<ManagedVectorIndex> {
    if (this.indexEntry?.value) return this.indexEntry.value;
    if (!this.indexEntry) {
      const entry = {} as NonNullable<Core["indexEntry"]>;
      entry.promise = (async () => {
        const { encoder } = await this.servingEncoder();
        const ix = await openVectorIndex({
          dims: encoder.dims,
          qdrant: this.config.qdrant,
          sqlitePath: this.config.indexSqlitePath,
          ann: this.config.ann,
        });
        entry.value = ix;
        return ix;
      })();
      entry.promise.catch(() => {
        if (this.indexEntry === entry) this.indexEntry = undefined; // retry next time (e.g. the model dir appears)
      });
      this.indexEntry = entry;
    }
    return this.indexEntry.promise;
  }

  /** Query encoder and index together, checking they agree on dimensions. */
  async query(): Promise<QueryServices> {
    const { encoder, model } = await this.servingEncoder();
    const index = await this.index();
    if (index.dims !== encoder.dims) {
      throw new UnavailableError(
        `the index holds ${index.dims}-dimensional vectors but model ${model.name} produces ${encoder.dims}: run a reindex`,
      );
    }
    return { encoder, index, model };
  }

  /** Close the index and forget cached state; the database client is closed too when `withDb`. */
  async close({ withDb = true } = {}): Promise<void> {
    const entry = this.indexEntry;
    this.indexEntry = undefined;
    const pool = this.pool;
    this.pool = undefined;
    await pool?.close();
    this.serving = undefined;
    this.states.clear();
    if (entry) await (await entry.promise.catch(() => null))?.close();
    this.reads.close();
    if (withDb) await this.db.$disconnect();
  }
}
