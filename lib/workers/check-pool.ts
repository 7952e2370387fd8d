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
// Requests wait in the pool's one queue, and a worker is handed the next whenever it holds fewer than
// WORKER_DEPTH, rather than each worker keeping a queue of its own: checks vary in cost (a long draft encodes more
// windows and keeps more keyword terms), and a request queued behind a slow check on one worker would wait
// while the other worker stood idle. When no worker is up (still starting, or none could
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
  /** The workers' entry, relative to the repository root (default lib/dedup/check-worker.ts). */
  entry?: string;
}

/** What a worker receives at start (lib/dedup/check-worker.ts). */
export interface CheckWorkerInit {
  config: AppConfig;
}
export type CheckRequest = { id: number; payload: unknown } | { id: number; close: true };
export type CheckReply = { id: number; result?: unknown; error?: string; closed?: boolean };

/**
 * Checks a worker holds at once: the one it runs and the next, so it never waits for the main thread to hand
 * it work (a reply and the next request cross on the message channel), while the rest stay in the pool's queue
 * for whichever worker frees up first.
 */
const WORKER_DEPTH = 2;

interface Queued {
  payload: unknown;
  resolve: (r: CheckReply | null) => void;
  reject: (e: Error) => void;
}

interface Slot {
  worker: Worker;
  ready: boolean;
  inFlight: number;
  pending: Map<number, { resolve: (r: CheckReply) => void; reject: (e: Error) => void }>;
}

export class CheckPool {
  private readonly slots: Slot[] = [];
  /** Checks no worker has taken yet, oldest first. */
  private readonly queue: Queued[] = [];
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
      boot = tsWorkerSource(opts.entry ?? "lib/dedup/check-worker.ts", "check pool");
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
      // With no worker left, what waits in the queue runs in thread (run() gives null), as it would have.
      if (!this.slots.some((s) => s.ready)) for (const q of this.queue.splice(0)) q.resolve(null);
    };
    return new Promise<void>((resolve) => {
      worker.on("message", (m: CheckReply | { ready: true }) => {
        if ("ready" in m) {
          slot.ready = true;
          resolve();
          this.dispatch();
          return;
        }
        const p = slot.pending.get(m.id);
        if (!p) return;
        slot.pending.delete(m.id);
        slot.inFlight--;
        this.dispatch();
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
   * Runs one check on the next worker free to take it and gives its result; null when no worker is up (the
   * caller runs the check in thread). Rejects with the worker's error message when the check itself failed.
   */
  async run(payload: unknown): Promise<unknown> {
    if (this.closed || !this.slots.some((s) => s.ready)) return null;
    const reply = await new Promise<CheckReply | null>((resolve, reject) => {
      this.queue.push({ payload, resolve, reject });
      this.dispatch();
    });
    if (reply === null) return null;
    if (reply.error !== undefined) throw new Error(reply.error);
    this.served++;
    return reply.result;
  }

  /** Hands queued checks, oldest first, to the least busy ready workers below WORKER_DEPTH. */
  private dispatch(): void {
    while (this.queue.length > 0) {
      let slot: Slot | undefined;
      for (const s of this.slots) if (s.ready && s.inFlight < WORKER_DEPTH && (!slot || s.inFlight < slot.inFlight)) slot = s;
      if (!slot) return;
      const q = this.queue.shift()!;
      const id = this.nextId++;
      slot.pending.set(id, { resolve: q.resolve, reject: q.reject });
      slot.inFlight++;
      slot.worker.postMessage({ id, payload: q.payload } satisfies CheckRequest);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const q of this.queue.splice(0)) q.resolve(null);
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
