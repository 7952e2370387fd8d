// Worker threads that run whole duplicate checks (findDuplicates, through lib/dedup/check-worker.ts) so that
// a server with two or more cores answers that many checks at once. Nearly all of a check is synchronous
// work: the tokenizer and onnxruntime, SQLite FTS5 and vector reads, the usearch graph, and Prisma's queries
// (better-sqlite3 runs them on the calling thread), then explanations and snippets. On the main thread,
// concurrent checks queue behind one another on the one event loop, which also parses every request and
// writes every response.
//
// Each worker owns a Core of its own: its encoder (loaded per model directory), its own Prisma client and its
// own SqliteVecIndex connection to the same files (WAL: readers block neither each other nor the writer).
// They see what other connections write exactly as another process would (lib/vector/sqlite-vec.ts,
// lib/vector/ann.ts): every index query reads the live generation from ix_meta inside its read transaction, so
// a re-index's atomic switch is seen by the next check, and the ANN graph replays the change log
// (ix_annlog_<gen>) before searching, so a report imported or re-triaged through the main thread (or a CLI) is
// found by the next check; duplicate links and verdicts are read per check (localGraph). What the main
// thread's Core caches and invalidates at once (the serving model, the tier thresholds) travels with each
// request, so an activation or a calibration applies to the very next check wherever it runs.
//
// Requests go to the worker with the fewest in flight. When no worker is up (still starting, or none could
// start: no tsx, the file missing, a crash), run() returns null and the caller checks in thread, so a check
// never fails for want of a worker. The pool knows nothing of what it carries (lib/dedup/check-worker.ts and
// lib/dedup/find.ts agree on the messages): the Core that owns it sits below the use cases.
import type { Worker } from "node:worker_threads";
import type { AppConfig } from "@/lib/config";
import { startTsWorker, tsWorkerSource } from "@/lib/workers/ts-worker";

export interface CheckPoolOptions {
  /** Worker threads to start (>= 1). */
  workers: number;
  /** The configuration the workers build their Core from. */
  config: AppConfig;
}

/** What a worker receives at start (lib/dedup/check-worker.ts). */
export interface CheckWorkerInit {
  config: AppConfig;
}
export type CheckRequest = { id: number; payload: unknown } | { id: number; close: true };
export type CheckReply = { id: number; result?: unknown; error?: string; closed?: boolean };

interface Slot {
  worker: Worker;
  ready: boolean;
  inFlight: number;
  pending: Map<number, { resolve: (r: CheckReply) => void; reject: (e: Error) => void }>;
}

export class CheckPool {
  private readonly slots: Slot[] = [];
  private nextId = 1;
  private closed = false;
  /** Checks answered by a worker (what tests and benches read to see the pool at work). */
  served = 0;
  /** Resolves once every worker has started or failed to. */
  readonly started: Promise<void>;

  constructor(opts: CheckPoolOptions) {
    if (!Number.isInteger(opts.workers) || opts.workers < 1) throw new Error(`check pool: workers must be an integer >= 1, got ${opts.workers}`);
    const init: CheckWorkerInit = { config: opts.config };
    const starts: Promise<void>[] = [];
    let boot: string;
    try {
      boot = tsWorkerSource("lib/dedup/check-worker.ts", "check pool");
    } catch (e) {
      console.warn(`[dedup] check pool unavailable, checks run on the main thread: ${(e as Error).message}`);
      this.started = Promise.resolve();
      return;
    }
    for (let i = 0; i < opts.workers; i++) starts.push(this.startWorker(boot, init));
    this.started = Promise.all(starts).then(() => undefined);
  }

  private startWorker(boot: string, init: CheckWorkerInit): Promise<void> {
    const worker = startTsWorker(boot, { workerData: init });
    const slot: Slot = { worker, ready: false, inFlight: 0, pending: new Map() };
    this.slots.push(slot);
    const drop = (why: string) => {
      const i = this.slots.indexOf(slot);
      if (i >= 0) this.slots.splice(i, 1);
      for (const p of slot.pending.values()) p.reject(new Error(`check worker: ${why}`));
      slot.pending.clear();
    };
    return new Promise<void>((resolve) => {
      worker.on("message", (m: CheckReply | { ready: true }) => {
        if ("ready" in m) {
          slot.ready = true;
          resolve();
          return;
        }
        const p = slot.pending.get(m.id);
        if (!p) return;
        slot.pending.delete(m.id);
        slot.inFlight--;
        p.resolve(m);
      });
      worker.on("error", (e) => {
        if (!this.closed) console.warn(`[dedup] check worker failed, ${this.slots.length - 1} left: ${e.message}`);
        drop(e.message);
        resolve();
      });
      worker.on("exit", (code) => {
        drop(`exited (code ${code})`);
        resolve();
      });
    });
  }

  /** Workers up (warmed) and taking requests. */
  get size(): number {
    return this.slots.filter((s) => s.ready).length;
  }

  /**
   * Runs one check on the least busy worker and gives its result; null when no worker is up (the caller runs
   * the check in thread). Rejects with the worker's error message when the check itself failed.
   */
  async run(payload: unknown): Promise<unknown> {
    if (this.closed) return null;
    let slot: Slot | undefined;
    for (const s of this.slots) if (s.ready && (!slot || s.inFlight < slot.inFlight)) slot = s;
    if (!slot) return null;
    const id = this.nextId++;
    const target = slot;
    const reply = await new Promise<CheckReply>((resolve, reject) => {
      target.pending.set(id, { resolve, reject });
      target.inFlight++;
      target.worker.postMessage({ id, payload } satisfies CheckRequest);
    });
    if (reply.error !== undefined) throw new Error(reply.error);
    this.served++;
    return reply.result;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all(
      [...this.slots].map(async (s) => {
        // Let the worker close its index and encoders (its SQLite connection) before it is terminated.
        if (s.ready) {
          const id = this.nextId++;
          await new Promise<unknown>((resolve, reject) => {
            s.pending.set(id, { resolve, reject });
            s.worker.postMessage({ id, close: true } satisfies CheckRequest);
          }).catch(() => undefined);
        }
        await s.worker.terminate();
      }),
    );
    this.slots.length = 0;
  }
}
