// Approximate nearest neighbours beside the SQLite file for the embedded index (usearch HNSW; the candidate
// comparison and the figures behind the defaults are in docs/ann.md). SQLite stays the source of truth:
//   - ix_vec_<gen> holds the exact f32 vectors; the ANN only proposes candidates, which are re-scored exactly
//     from those vectors, so scores match the exact path and a quantised graph (f16/i8) costs no precision.
//   - ix_annlog_<gen> (seq AUTOINCREMENT, id) records every id written or deleted in the generation, in the
//     same transaction as the write. An ANN file `<db>.ann/<gen>-<seq>.usearch` holds the graph as of log entry
//     <seq>; whoever loads it replays the entries after <seq> (reading the current vector of each id), so an
//     import or triage in another process (CLI vs server) is visible at the next query, and a file that is
//     behind is brought up to date instead of rebuilt.
//   - Files are written to a temp name, fsync'ed and renamed: a kill while saving leaves the previous file. A
//     re-index builds the new generation's file BEFORE the SQLite commit that makes it live, so a kill during
//     the build keeps serving the old generation with its own file.
//   - When the log was trimmed past what a loaded graph has applied (another process checkpointed), or a
//     graph disagrees with the table (doctor), the graph is reloaded or rebuilt from the table.
import fs from "node:fs";
import path from "node:path";
import type Database from "better-sqlite3";
import { createRequire } from "node:module";
import { threadId } from "node:worker_threads";
import type { Index as UsearchIndex, MetricKind, ScalarKind } from "usearch";
import { assertGenerationId, isGenerationId } from "@/lib/vector/generation";
import { ANN_QUANTIZATIONS, type AnnOptions } from "@/lib/config";

export type { AnnOptions } from "@/lib/config";

type Db = Database.Database;

// usearch is loaded on first use, through require: its CommonJS build finds its prebuilt binary from
// __dirname, which works in worker threads and bundled servers alike, and an index that never grows past
// ANN_MIN_POINTS never loads the native module at all.
let usearchModule: typeof import("usearch") | null = null;
export function usearch(): typeof import("usearch") {
  usearchModule ??= createRequire(import.meta.url)("usearch") as typeof import("usearch");
  return usearchModule;
}

/**
 * HNSW parameters (bench/ann-candidates.ts, bench/search.ts): M edges per node, build/search beam widths. M = 32:
 * at 1M points M = 16 could not reach recall@10 0.98 at any beam (0.979 with 2,048 candidates: some neighbours
 * were unreachable), M = 32 gives 0.997 with 512, for 14% more bytes per point and 21% more build time. A file
 * keeps the M it was built with (usearch reads it from the file), so older graphs change at their next rebuild.
 */
const CONNECTIVITY = 32;
const EXPANSION_ADD = 128;
const EXPANSION_SEARCH = 128;
/** Graph size up to which EXPANSION_SEARCH alone holds recall@10 >= 0.98 (bench/search.ts: 1.000 at 100k). */
const BEAM_FLAT_UNTIL = 100_000;

/**
 * Candidates to ask the graph for when `need` are wanted from a graph of `size` points. usearch searches with a
 * beam of max(expansion_search, candidates asked), so this is the search beam. At a fixed beam a proximity
 * graph's recall falls as it grows: on bench/synthetic.ts data (M = 32) recall@10 is 1.000 at 100k with 128 but
 * 0.950 at 1M, where 512 gives 0.997 (docs/ann.md). The beam grows as size^0.6 past 100k: 128 at 100k, 510 at 1M,
 * 770 at 2M; at 1M that costs about 1 ms more per query (3.0 against 1.9 ms p50), against 750 ms for the exact scan.
 */
export function annBeam(size: number, need: number): number {
  const grown = size <= BEAM_FLAT_UNTIL ? EXPANSION_SEARCH : Math.ceil(EXPANSION_SEARCH * (size / BEAM_FLAT_UNTIL) ** 0.6);
  return Math.max(need, grown);
}
/** Log entries past the saved file after which the file is re-saved and the log trimmed. */
const CHECKPOINT_ENTRIES = 20_000;
/** Vectors handed to usearch per add() call while building. */
const BUILD_BATCH = 4096;
/** usearch pads missing results with the all-ones key. */
const NO_KEY = 2n ** 64n - 1n;

export const annLogTable = (gen: string): string => {
  assertGenerationId(gen, "ann");
  return `ix_annlog_${gen}`;
};

/** Folder of the ANN files: beside the SQLite file, so backups and moves take both. */
export const annDirOf = (sqlitePath: string): string => `${sqlitePath}.ann`;

const FILE_RE = /^(g[0-9a-z]+)-(\d+)\.usearch$/;

interface AnnFile {
  gen: string;
  seq: number;
  file: string;
}

/** A generation's graph in memory and the last log entry it reflects. */
interface Graph {
  index: UsearchIndex;
  seq: number;
}

export interface AnnCandidate {
  id: number;
  /** Approximate cosine from the (possibly quantised) graph; callers re-score exactly. */
  approxScore: number;
}

/** What the doctor compares: the graph (file + log replayed) against the generation's table. */
export interface AnnStatus {
  generation: string;
  /** False below ANN_MIN_POINTS (exact search, no graph needed). */
  active: boolean;
  file: string | null;
  fileSeq: number | null;
  graphPoints: number;
  tablePoints: number;
  /** Table ids the graph lacks (a sample of at most 20) and how many graph keys the table lacks. */
  missing: number[];
  missingCount: number;
  extraCount: number;
  inStep: boolean;
}

/**
 * The change log of every generation plus, when `opts` is given, the graphs. The log is kept even with the
 * ANN off, so a process that searches exactly (a CLI with other settings, a test) never leaves a graph that
 * another process serves from out of step.
 */
export class AnnSidecar {
  readonly dir: string;
  private readonly graphs = new Map<string, Graph>();
  private readonly logged = new Set<string>();
  private readonly stmts = new Map<string, Database.Statement>();

  constructor(
    private readonly db: Db,
    sqlitePath: string,
    readonly opts: AnnOptions | null,
  ) {
    this.dir = annDirOf(sqlitePath);
    if (!opts) return;
    if (!Number.isInteger(opts.minPoints) || opts.minPoints < 1) throw new Error(`ann: minPoints must be a positive integer (got ${opts.minPoints})`);
    if (!ANN_QUANTIZATIONS.includes(opts.quantization)) throw new Error(`ann: quantization must be one of ${ANN_QUANTIZATIONS.join(", ")}`);
  }

  private sql(text: string): Database.Statement {
    let st = this.stmts.get(text);
    if (!st) {
      st = this.db.prepare(text);
      this.stmts.set(text, st);
    }
    return st;
  }

  // ---------- the change log (called inside the index's write transactions) ----------

  /** Creates the generation's log table (idempotent; generations made before the ANN existed lack it). */
  ensureLog(gen: string): void {
    if (this.logged.has(gen)) return;
    this.db.exec(`CREATE TABLE IF NOT EXISTS ${annLogTable(gen)} (seq INTEGER PRIMARY KEY AUTOINCREMENT, id INTEGER NOT NULL)`);
    this.logged.add(gen);
  }

  /** Records that these ids changed (written or deleted) in `gen`; same transaction as the change. */
  logChanges(gen: string, ids: Iterable<number>): void {
    this.ensureLog(gen);
    const ins = this.sql(`INSERT INTO ${annLogTable(gen)} (id) VALUES (?)`);
    for (const id of ids) ins.run(BigInt(id));
  }

  private hasLog(gen: string): boolean {
    if (this.logged.has(gen)) return true;
    return this.sql("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(annLogTable(gen)) !== undefined;
  }

  /** Highest log sequence ever issued for `gen` (AUTOINCREMENT keeps it across trims); 0 without a log. */
  private maxSeq(gen: string): number {
    if (!this.hasLog(gen)) return 0;
    const row = this.sql("SELECT seq FROM sqlite_sequence WHERE name = ?").get(annLogTable(gen)) as { seq: number } | undefined;
    return row ? Number(row.seq) : 0;
  }

  // ---------- files ----------

  private files(): AnnFile[] {
    let names: string[];
    try {
      names = fs.readdirSync(this.dir);
    } catch {
      return [];
    }
    const out: AnnFile[] = [];
    for (const name of names) {
      const m = FILE_RE.exec(name);
      if (m && isGenerationId(m[1])) out.push({ gen: m[1], seq: Number(m[2]), file: path.join(this.dir, name) });
    }
    return out;
  }

  /** The newest complete file of `gen`. */
  private latestFile(gen: string): AnnFile | null {
    return this.files()
      .filter((f) => f.gen === gen)
      .sort((a, b) => b.seq - a.seq)[0] ?? null;
  }

  /** Writes the graph as `<gen>-<seq>.usearch` atomically (temp, fsync, rename, fsync dir), then drops older files. */
  private save(gen: string, g: Graph): void {
    fs.mkdirSync(this.dir, { recursive: true });
    const final = path.join(this.dir, `${gen}-${g.seq}.usearch`);
    // The process id and the thread: the server's check workers are threads of one process, and two of them
    // loading the same generation at once each save it (a shared temp name let one rename the other's file away).
    const tmp = `${final}.tmp-${process.pid}-${threadId}`;
    g.index.save(tmp);
    const fd = fs.openSync(tmp, "r");
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, final);
    const dfd = fs.openSync(this.dir, "r");
    try {
      fs.fsyncSync(dfd);
    } finally {
      fs.closeSync(dfd);
    }
    for (const f of this.files()) if (f.gen === gen && f.seq < g.seq) fs.rmSync(f.file, { force: true });
  }

  /** Removes the files of generations not in `keep`, and temp files left by killed processes. */
  removeFilesExcept(keep: Set<string>): string[] {
    const removed: string[] = [];
    let names: string[] = [];
    try {
      names = fs.readdirSync(this.dir);
    } catch {
      return removed;
    }
    for (const name of names) {
      const m = FILE_RE.exec(name);
      const tmp = /^(g[0-9a-z]+)-\d+\.usearch\.tmp-(\d+)(?:-\d+)?$/.exec(name);
      const stale = (m && !keep.has(m[1])) || (tmp && (!keep.has(tmp[1]) || !processAlive(Number(tmp[2]))));
      if (stale) {
        fs.rmSync(path.join(this.dir, name), { force: true });
        removed.push(name);
      }
    }
    for (const gen of this.graphs.keys()) if (!keep.has(gen)) this.graphs.delete(gen);
    return removed;
  }

  /** Forgets a dropped generation (its tables are gone; the caller removes files after its commit). */
  forget(gen: string): void {
    this.graphs.delete(gen);
    this.logged.delete(gen);
    // statements over the dropped tables would fail (and keep them referenced)
    for (const key of [...this.stmts.keys()]) if (key.includes(gen)) this.stmts.delete(key);
  }

  removeFiles(gen: string): void {
    for (const f of this.files()) if (f.gen === gen) fs.rmSync(f.file, { force: true });
  }

  // ---------- graph lifecycle (inside the index's read or write transactions) ----------

  private newIndex(dims: number): UsearchIndex {
    return new (usearch().Index)({
      dimensions: dims,
      metric: "cos" as MetricKind,
      quantization: (this.opts?.quantization ?? "f32") as ScalarKind,
      connectivity: CONNECTIVITY,
      expansion_add: EXPANSION_ADD,
      expansion_search: EXPANSION_SEARCH,
      multi: false,
    });
  }

  /** Builds `gen`'s graph from its table (consistent with the transaction it runs in) and saves it. */
  private build(gen: string, vecTable: string, dims: number): Graph {
    const seq = this.maxSeq(gen);
    const index = this.newIndex(dims);
    const keys = new BigUint64Array(BUILD_BATCH);
    const vectors = new Float32Array(BUILD_BATCH * dims);
    let n = 0;
    const flush = () => {
      if (n === 0) return;
      index.add(keys.subarray(0, n), vectors.subarray(0, n * dims), 0);
      n = 0;
    };
    const rows = this.db.prepare(`SELECT id, embedding FROM ${vecTable}`).raw().iterate() as Iterable<[number | bigint, Buffer]>;
    for (const [id, emb] of rows) {
      keys[n] = BigInt(id);
      new Uint8Array(vectors.buffer, n * dims * 4, dims * 4).set(emb);
      n++;
      if (n === BUILD_BATCH) flush();
    }
    flush();
    const g: Graph = { index, seq };
    this.save(gen, g);
    return g;
  }

  /** Loads the newest file of `gen` (null when there is none or it cannot be read). */
  private load(gen: string, dims: number): Graph | null {
    const f = this.latestFile(gen);
    if (!f) return null;
    const index = this.newIndex(dims);
    try {
      index.load(f.file);
    } catch {
      return null; // unreadable: rebuilt from the table
    }
    if (index.dimensions() !== dims) return null;
    return { index, seq: f.seq };
  }

  /** Applies the log entries after g.seq; false when some were trimmed away (the graph must be reloaded). */
  private replay(gen: string, vecTable: string, g: Graph): boolean {
    const max = this.maxSeq(gen);
    if (max <= g.seq) return true;
    const rows = this.sql(`SELECT seq, id FROM ${annLogTable(gen)} WHERE seq > ? ORDER BY seq`).raw().all(g.seq) as [number, number][];
    if (rows.length === 0 || Number(rows[0][0]) !== g.seq + 1) return false;
    const ids = new Set(rows.map((r) => Number(r[1])));
    const get = this.sql(`SELECT embedding FROM ${vecTable} WHERE id = ?`).pluck();
    for (const id of ids) {
      const key = BigInt(id);
      if (g.index.contains(key)) g.index.remove(key);
      const emb = get.get(key) as Buffer | undefined;
      if (emb) g.index.add(key, vectorOf(emb), 1);
    }
    g.seq = Number(rows[rows.length - 1][0]);
    return true;
  }

  /**
   * The generation's graph, up to date with the current transaction's view of the table; null when the
   * generation is below minPoints (search it exactly). Loads or builds lazily on first use.
   */
  graph(gen: string, vecTable: string, dims: number, count: () => number): Graph | null {
    if (!this.opts) return null;
    let g = this.graphs.get(gen);
    if (g && this.replay(gen, vecTable, g)) {
      // once loaded and replayed, the graph's own size is the table's count (no count(*) per query)
      if (g.index.size() >= this.opts.minPoints) return g;
      this.graphs.delete(gen); // shrank below the switch point: free the memory
      return null;
    }
    if (count() < this.opts.minPoints) return null;
    g = this.load(gen, dims) ?? undefined;
    if (!g || !this.replay(gen, vecTable, g)) g = this.build(gen, vecTable, dims);
    this.graphs.set(gen, g);
    return g;
  }

  /**
   * Builds (or brings up to date) `gen`'s graph and file ahead of its commit; no-op below minPoints. The build
   * reads the table in pages, each in its own read transaction via `read`, and yields to the event loop between
   * pages, so a server running the re-index keeps answering; entries logged meanwhile are replayed at the end.
   */
  async prepare(gen: string, vecTable: string, docTable: string, dims: number, count: number, read: <T>(fn: () => T) => T): Promise<void> {
    if (!this.opts || count < this.opts.minPoints) return;
    if (!this.graphs.has(gen)) {
      const seq = read(() => this.maxSeq(gen));
      const index = this.newIndex(dims);
      const pageIds = this.sql(`SELECT id FROM ${docTable} WHERE id > ? ORDER BY id LIMIT ${BUILD_BATCH}`).pluck();
      const vectorOfId = this.sql(`SELECT embedding FROM ${vecTable} WHERE id = ?`).pluck();
      const keys = new BigUint64Array(BUILD_BATCH);
      const vectors = new Float32Array(BUILD_BATCH * dims);
      for (let after = 0; ; ) {
        const n = read(() => {
          let i = 0;
          for (const id of pageIds.all(after) as number[]) {
            const emb = vectorOfId.get(BigInt(id)) as Buffer | undefined;
            if (!emb) continue;
            keys[i] = BigInt(id);
            new Uint8Array(vectors.buffer, i * dims * 4, dims * 4).set(emb);
            i++;
            after = Number(id);
          }
          return i;
        });
        if (n === 0) break;
        index.add(keys.subarray(0, n), vectors.subarray(0, n * dims), 0);
        await new Promise<void>((r) => setImmediate(r));
      }
      this.graphs.set(gen, { index, seq });
    }
    read(() => {
      const g = this.graph(gen, vecTable, dims, () => count);
      if (g && this.latestFile(gen)?.seq !== g.seq) this.save(gen, g);
    });
  }

  /** Discards `gen`'s graph and files and builds it anew from the table (doctor --repair). */
  rebuild(gen: string, vecTable: string, dims: number, count: number): void {
    this.graphs.delete(gen);
    this.removeFiles(gen);
    this.graph(gen, vecTable, dims, () => count);
  }

  /** Top-n candidates from the graph. */
  search(g: Graph, vector: Float32Array, n: number): AnnCandidate[] {
    if (n <= 0 || g.index.size() === 0) return [];
    const m = g.index.search(vector, n, 1);
    const out: AnnCandidate[] = [];
    for (let i = 0; i < m.keys.length; i++) {
      const key = m.keys[i];
      if (key === NO_KEY) continue;
      out.push({ id: Number(key), approxScore: 1 - m.distances[i] });
    }
    return out;
  }

  size(g: Graph): number {
    return g.index.size();
  }

  /**
   * After writes: when the loaded graph is CHECKPOINT_ENTRIES past its file, saves it and returns the seq up
   * to which the log may be trimmed. Without a graph (below minPoints), the whole log may be trimmed once
   * long, since a graph built later starts from the table. Returns null when there is nothing to trim.
   */
  checkpoint(gen: string, vecTable: string, dims: number, count: () => number): number | null {
    const max = this.maxSeq(gen);
    const file = this.latestFile(gen);
    const since = max - (file?.seq ?? 0);
    if (since < CHECKPOINT_ENTRIES) return null;
    if (!this.graphs.has(gen) && (!this.opts || count() < this.opts.minPoints)) return file ? null : max;
    const g = this.graph(gen, vecTable, dims, count);
    if (!g) return null;
    this.save(gen, g);
    return g.seq;
  }

  /** Deletes log entries up to `seq` (inside a write transaction). */
  trim(gen: string, seq: number): void {
    if (this.hasLog(gen)) this.db.prepare(`DELETE FROM ${annLogTable(gen)} WHERE seq <= ?`).run(seq);
  }

  /** Compares the graph (file + log) with the table's ids. */
  status(gen: string, vecTable: string, dims: number, tableIds: number[]): AnnStatus {
    const g = this.graph(gen, vecTable, dims, () => tableIds.length);
    const file = this.latestFile(gen);
    const base = { generation: gen, file: file?.file ?? null, fileSeq: file?.seq ?? null, tablePoints: tableIds.length };
    if (!g) return { ...base, active: false, graphPoints: 0, missing: [], missingCount: 0, extraCount: 0, inStep: true };
    const missing = tableIds.filter((id) => !g.index.contains(BigInt(id)));
    // Graph keys are not listable through usearch's JS API: a size above the table's (less what it lacks) means extras.
    const extraCount = g.index.size() - (tableIds.length - missing.length);
    return {
      ...base,
      active: true,
      graphPoints: g.index.size(),
      missing: missing.slice(0, 20),
      missingCount: missing.length,
      extraCount: Math.max(0, extraCount),
      inStep: missing.length === 0 && extraCount === 0,
    };
  }
}

function vectorOf(b: Buffer): Float32Array {
  const out = new Float32Array(b.byteLength / 4);
  new Uint8Array(out.buffer).set(b);
  return out;
}

function processAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}
