// Embedded vector index: sqlite-vec (vec0, exact brute-force KNN) + FTS5 (BM25), stored in the SAME SQLite
// file as the app's Prisma database. Every table we own starts with `ix_`:
//   ix_meta             key/value: live -> generation id, dims -> its dimensions, gen.<id> -> JSON GenMeta
//   ix_vec_<gen>        vec0(id, embedding float[dims] cosine, product/component/status text, created_at int)
//   ix_fts_<gen>        FTS5(title, body) over our own tokens (tokenize.ts), rowid = report id; contentless
//                       (contentless_delete=1), so the text is not stored twice in the app's database
//   ix_doc_<gen>        plain table id -> product/component/status/created_at: filters for the keyword side
//                       (joined to FTS5 by rowid) and a fast B-tree for count()/ids()
//   ix_annlog_<gen>     ids changed since the ANN file beside the database was saved (ann.ts)
//   ix_kwlog_<gen>      the last KWLOG_KEEP rows written or deleted, with their indexed text (keyword-lists.ts)
// Dense search above ANN_MIN_POINTS goes through the ANN graph (ann.ts) and is re-scored from ix_vec_<gen>.
// (+ the shadow tables sqlite-vec and FTS5 create, all named ix_vec_<gen>_* / ix_fts_<gen>_*).
// Why not FTS5 UNINDEXED filter columns: they need contentless_unindexed=1, and SQLite 3.53's DROP TABLE
// leaves that table's `_content` shadow table behind (and defensive mode forbids dropping it by hand).
//
// Re-index = a new generation built next to the live one; commit() flips ix_meta and drops the old tables in
// one write transaction. Every query reads ix_meta and the generation's tables inside one read transaction,
// so with WAL it sees either the whole old or the whole new generation, never a mix, and never fails because
// a table it is about to read was dropped by another connection.
//
// sqlite-vec 0.1.9 facts this relies on (checked in tests/unit/index-sqlite.test.ts):
// - KNN: `embedding MATCH ? AND k = ?`, k <= 4096 (larger k falls back to a full scan here).
// - Metadata filters inside KNN (applied before the top-k): =, !=, <, <=, >, >= and IN (...) incl.
//   IN (SELECT value FROM json_each(?)). No IS NULL, LIKE. `id NOT IN` / `id !=` are applied AFTER the
//   top-k (so excludeIds over-fetches).
// - TEXT metadata columns reject NULL, so null product/component/status are stored as ''.
// - Integer columns and the primary key need BigInt bindings with better-sqlite3.
// - vec0 has no INSERT OR REPLACE: upsert is UPDATE, then INSERT when no row changed.
import Database from "better-sqlite3";
import * as sqliteVec from "sqlite-vec";
import type { Hit, HybridHit, IndexPoint, ReindexSession, SearchFilter, VectorIndex } from "@/lib/vector/types";
import { assertGenerationId, generationCreatedAt, isGenerationId, newGenerationId, type GenerationAdmin, type GenerationInfo } from "@/lib/vector/generation";
import { candidateCount, reciprocalRankFusion, resolveFusion, type FusionOptions } from "@/lib/vector/hybrid";
import { FTS5_TOKENIZER, ftsDocument, ftsMatchOf, queryTerms } from "@/lib/vector/tokenize";
import { boundQueryTerms, DEFAULT_KEYWORD_BOUND, type KeywordBound } from "@/lib/vector/keyword-terms";
import { KeywordLists, type KeywordListSource, type KeywordLogEntry } from "@/lib/vector/keyword-lists";
import { AnnSidecar, annBeam, annLogTable, type AnnOptions, type AnnStatus } from "@/lib/vector/ann";
import {
  assertDims,
  assertIds,
  assertK,
  assertVector,
  cleanFilter,
  cleanPoints,
  type CleanFilter,
  type CleanPoint,
} from "@/lib/vector/validate";

type Db = Database.Database;
type Stmt = Database.Statement<unknown[], unknown>;

/** Keyword side: document frequencies at least this large are cached (smaller ones are cheap to count). */
const KEYWORD_DF_CACHE_MIN = 64;
const KEYWORD_DF_CACHE_MAX = 200_000;
/** Keyword side: the document count the df fractions are taken of is re-read at most this often. */
const KEYWORD_DOCS_TTL_MS = 30_000;
/**
 * Keyword log entries kept per generation: a reader whose lists are older than that reads them again. Above
 * KeywordBound.maxDirty, so a reader normally drops its lists for having too many changed rows, not for a gap.
 */
const KWLOG_KEEP = 8192;
/**
 * warm() reads the lists of terms in at least this many rows, the most common first, up to half of the lists'
 * postings cap: a list of fewer rows costs FTS5 about a millisecond to read when a query first needs it, one of
 * a term in 100k rows a tenth of a second. The most common terms are included although they are kept only by
 * queries with fewer than minTerms selective terms: on the synthetic corpus that is one check in six.
 */
const KEYWORD_WARM_MIN_DF = 1000;
/**
 * A row count this far (relative) from the one the keyword side's cached numbers were taken at drops them: the
 * keyword lists (their IDF and average length) and the cached document frequencies (which also score changed rows).
 */
const KEYWORD_MAX_DRIFT = 0.05;

/** sqlite-vec's hard cap on k in a KNN query. */
export const VEC0_MAX_K = 4096;
const SCHEMA_VERSION = "1";
const DEFAULT_STALE_MS = 6 * 60 * 60 * 1000;

export interface SqliteVecIndexOptions {
  /** The app's SQLite database file (created if missing). */
  path: string;
  /** Dimensions of the first generation when the file has none yet; a live generation keeps its own. */
  dims: number;
  /** busy_timeout in ms (default 5000). */
  busyTimeoutMs?: number;
  /** bm25 weight of the title column relative to the body (default 3). */
  titleWeight?: number;
  /** RRF settings for hybridSearch. */
  fusion?: FusionOptions;
  /**
   * mmap_size for this connection (default 2 GiB, SQLite's cap). vec0 KNN is a brute-force scan over the
   * vector chunks; reading them through mmap instead of read() roughly halves query time (bench/search.ts).
   */
  mmapBytes?: number;
  /** Approximate dense search above a size (config().ann); null/absent = exact vec0 search at every size. */
  ann?: AnnOptions | null;
  /** The keyword side's bound (lib/vector/keyword-terms.ts); tests shrink it to reach its paths on small corpora. */
  keywordBound?: Partial<KeywordBound>;
}

/** ANN candidates examined per wanted hit before exact re-scoring (more = better recall, more lookups). */
const ANN_RERANK_EXTRA = 16;
/** Largest candidate pool a filtered ANN query grows to before it falls back to exact filtered search. */
const ANN_MAX_POOL = 4096;

interface GenMeta {
  dims: number;
  state: "live" | "building";
  createdAt: number;
  updatedAt: number;
}

interface Live {
  gen: string;
  dims: number;
}

const vecTable = (gen: string) => {
  assertGenerationId(gen, "sqlite-vec");
  return `ix_vec_${gen}`;
};
const ftsTable = (gen: string) => {
  assertGenerationId(gen, "sqlite-vec");
  return `ix_fts_${gen}`;
};
const kwLogTable = (gen: string) => {
  assertGenerationId(gen, "sqlite-vec");
  return `ix_kwlog_${gen}`;
};
const docTable = (gen: string) => {
  assertGenerationId(gen, "sqlite-vec");
  return `ix_doc_${gen}`;
};

function bufOf(v: Float32Array): Buffer {
  return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
}

function vectorOf(b: Buffer): Float32Array {
  // copy: the Buffer may not be 4-byte aligned and belongs to better-sqlite3
  const out = new Float32Array(b.byteLength / 4);
  new Uint8Array(out.buffer).set(b);
  return out;
}

/** '' stands for null in vec0 TEXT metadata columns (they reject NULL). */
const toText = (v: string | null) => v ?? "";
const fromText = (v: unknown) => (typeof v === "string" && v !== "" ? v : null);

/** Per-generation prepared statements; SQL only ever contains validated table names. */
class GenStatements {
  readonly vec: string;
  readonly fts: string;
  readonly doc: string;
  private readonly cache = new Map<string, Stmt>();
  constructor(
    private readonly db: Db,
    readonly gen: string,
  ) {
    this.vec = vecTable(gen);
    this.fts = ftsTable(gen);
    this.doc = docTable(gen);
  }
  stmt(key: string, sql: () => string): Stmt {
    let s = this.cache.get(key);
    if (!s) {
      s = this.db.prepare(sql());
      this.cache.set(key, s);
    }
    return s;
  }
}

/**
 * WHERE fragments for a filter; column names are constants, values are bound parameters.
 * `key` identifies the SQL shape for statement caching.
 */
function filterClauses(
  f: CleanFilter,
  idCol: string,
  withExclude: boolean,
  colPrefix = "",
): { sql: string; key: string; params: unknown[] } {
  const parts: string[] = [];
  const params: unknown[] = [];
  let key = "";
  for (const col of ["product", "component", "status"] as const) {
    const vals = f[col];
    if (!vals) continue;
    key += col[0];
    if (vals.length === 1) {
      parts.push(`${colPrefix}${col} = ?`);
      params.push(vals[0]);
      key += "1";
    } else {
      parts.push(`${colPrefix}${col} IN (SELECT value FROM json_each(?))`);
      params.push(JSON.stringify(vals));
    }
  }
  // created_at is an integer: x > 1.5 <=> x > 1 and x < 1.5 <=> x < 2, so integer bounds are exact.
  if (f.createdAfter !== undefined) {
    parts.push(`${colPrefix}created_at > ?`);
    params.push(BigInt(Math.floor(f.createdAfter)));
    key += "a";
  }
  if (f.createdBefore !== undefined) {
    parts.push(`${colPrefix}created_at < ?`);
    params.push(BigInt(Math.ceil(f.createdBefore)));
    key += "b";
  }
  if (withExclude && f.excludeIds.length > 0) {
    parts.push(`${idCol} NOT IN (SELECT value FROM json_each(?))`);
    params.push(JSON.stringify(f.excludeIds));
    key += "x";
  }
  return { sql: parts.map((p) => ` AND ${p}`).join(""), key, params };
}

/** Document frequencies of a generation's terms (counts of common terms cached) and its row count. */
interface KeywordStats {
  df(term: string): number;
  /** Caches a count read some other way (a scan of the vocabulary). */
  remember(term: string, df: number): void;
  docs(): number;
}

/**
 * FTS5's totals (the `averages` record, id 1 of the `_data` shadow table): rows, then tokens per column, as
 * SQLite varints. Its bm25() computes IDF and average length from these.
 */
function ftsTotals(block: Buffer | undefined): { rows: number; tokens: number } {
  if (!block) return { rows: 0, tokens: 0 };
  const values: number[] = [];
  for (let i = 0; i < block.length; ) {
    let v = 0;
    for (let j = 0; ; j++) {
      const byte = block[i++]!;
      if (j === 8) {
        v = v * 256 + byte;
        break;
      }
      v = v * 128 + (byte & 0x7f);
      if (!(byte & 0x80)) break;
    }
    values.push(v);
  }
  return { rows: values[0] ?? 0, tokens: values.slice(1).reduce((a, b) => a + b, 0) };
}

export class SqliteVecIndex implements VectorIndex, GenerationAdmin {
  readonly backend = "sqlite-vec" as const;
  readonly path: string;
  private readonly db: Db;
  private readonly titleWeight: number;
  private readonly fusion: FusionOptions;
  private live: Live;
  private readonly stmts = new Map<string, GenStatements>();
  private readonly metaStmts = new Map<string, Stmt>();
  /** Keyword-side document frequencies per generation (keywordStats). */
  private readonly keywordStatsByGen = new Map<string, KeywordStats>();
  private readonly keywordBound: Readonly<KeywordBound>;
  private readonly keywordListsByGen = new Map<string, KeywordLists>();
  private readonly kwLogged = new Set<string>();
  private closed = false;
  private readonly readTx: (fn: () => unknown) => unknown;
  private readonly ann: AnnSidecar;

  constructor(opts: SqliteVecIndexOptions) {
    if (!opts || typeof opts.path !== "string" || opts.path === "") {
      throw new Error("SqliteVecIndex: options.path (the SQLite file) is required");
    }
    assertDims(opts.dims, "SqliteVecIndex");
    this.titleWeight = opts.titleWeight ?? 3;
    if (!(this.titleWeight > 0)) throw new Error("SqliteVecIndex: titleWeight must be > 0");
    this.fusion = opts.fusion ?? {};
    resolveFusion(this.fusion);
    this.keywordBound = { ...DEFAULT_KEYWORD_BOUND, ...opts.keywordBound };
    this.path = opts.path;
    this.db = new Database(opts.path, { timeout: opts.busyTimeoutMs ?? 5000 });
    try {
      this.db.pragma("journal_mode = WAL");
      // Safe with WAL (no corruption on power loss, at worst the last commits roll back; the index is rebuildable).
      this.db.pragma("synchronous = NORMAL");
      const mmap = opts.mmapBytes ?? 2 ** 31;
      if (!Number.isSafeInteger(mmap) || mmap < 0) throw new Error("SqliteVecIndex: mmapBytes must be a non-negative integer");
      this.db.pragma(`mmap_size = ${mmap}`);
      sqliteVec.load(this.db);
      this.ann = new AnnSidecar(this.db, opts.path, opts.ann ?? null);
      this.readTx = this.db.transaction((fn: () => unknown) => fn());
      this.live = this.writeTx(() => {
        this.db.exec("CREATE TABLE IF NOT EXISTS ix_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
        const current = this.readLiveRaw();
        if (current) return current;
        const gen = newGenerationId();
        this.createGeneration(gen, opts.dims, "live");
        this.setMeta("schema_version", SCHEMA_VERSION);
        this.setMeta("live", gen);
        this.setMeta("dims", String(opts.dims));
        return { gen, dims: opts.dims };
      });
    } catch (e) {
      this.db.close();
      throw e;
    }
  }

  /** Dimensions of the live generation (as of the last operation). */
  get dims(): number {
    return this.live.dims;
  }

  /** Id of the live generation (as of the last operation). */
  get generation(): string {
    return this.live.gen;
  }

  // ---------- plumbing ----------

  private check(): void {
    if (this.closed) throw new Error("sqlite-vec index is closed");
  }

  private writeTx<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }

  private read<T>(fn: () => T): T {
    this.check();
    return this.readTx(fn) as T;
  }

  /** Cached statement for constant SQL (ix_meta and sqlite_master queries). */
  private sql(text: string): Stmt {
    let st = this.metaStmts.get(text);
    if (!st) {
      st = this.db.prepare(text);
      this.metaStmts.set(text, st);
    }
    return st;
  }

  private getMeta(key: string): string | undefined {
    const row = this.sql("SELECT value FROM ix_meta WHERE key = ?").get(key) as { value: string } | undefined;
    return row?.value;
  }

  private setMeta(key: string, value: string): void {
    this.sql("INSERT INTO ix_meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value").run(key, value);
  }

  private deleteMeta(key: string): void {
    this.sql("DELETE FROM ix_meta WHERE key = ?").run(key);
  }

  private genMeta(gen: string): GenMeta | undefined {
    const raw = this.getMeta(`gen.${gen}`);
    return raw ? (JSON.parse(raw) as GenMeta) : undefined;
  }

  private allGenMeta(): Map<string, GenMeta> {
    const rows = this.sql("SELECT key, value FROM ix_meta WHERE key LIKE 'gen.%'").all() as { key: string; value: string }[];
    const out = new Map<string, GenMeta>();
    for (const r of rows) {
      const gen = r.key.slice(4);
      if (isGenerationId(gen)) out.set(gen, JSON.parse(r.value) as GenMeta);
    }
    return out;
  }

  private readLiveRaw(): Live | undefined {
    const gen = this.getMeta("live");
    const dims = Number(this.getMeta("dims"));
    if (gen === undefined) return undefined;
    if (!isGenerationId(gen) || !Number.isInteger(dims)) {
      throw new Error(`sqlite-vec: ix_meta is corrupt (live=${JSON.stringify(gen)}, dims=${dims})`);
    }
    return { gen, dims };
  }

  /** Reads the live generation; must run inside a transaction so the tables read next match it. */
  private readLive(): Live {
    const live = this.readLiveRaw();
    if (!live) throw new Error("sqlite-vec: no live generation in ix_meta (was it deleted?)");
    if (live.gen !== this.live.gen) {
      this.stmts.delete(this.live.gen); // another connection committed a re-index
    }
    this.live = live;
    return live;
  }

  private statements(gen: string): GenStatements {
    let s = this.stmts.get(gen);
    if (!s) {
      s = new GenStatements(this.db, gen);
      this.stmts.set(gen, s);
    }
    return s;
  }

  private createGeneration(gen: string, dims: number, state: GenMeta["state"]): void {
    assertDims(dims, "sqlite-vec generation");
    const vec = vecTable(gen);
    const fts = ftsTable(gen);
    this.db.exec(
      `CREATE VIRTUAL TABLE ${vec} USING vec0(id INTEGER PRIMARY KEY, embedding float[${dims}] distance_metric=cosine, ` +
        `product TEXT, component TEXT, status TEXT, created_at INTEGER)`,
    );
    this.db.exec(
      `CREATE VIRTUAL TABLE ${fts} USING fts5(title, body, content='', contentless_delete=1, tokenize="${FTS5_TOKENIZER}")`,
    );
    this.db.exec(
      `CREATE TABLE ${docTable(gen)} (id INTEGER PRIMARY KEY, product TEXT NOT NULL, component TEXT NOT NULL, ` +
        `status TEXT NOT NULL, created_at INTEGER NOT NULL)`,
    );
    const now = Date.now();
    const meta: GenMeta = { dims, state, createdAt: now, updatedAt: now };
    this.setMeta(`gen.${gen}`, JSON.stringify(meta));
  }

  private dropGenerationTables(gen: string): void {
    this.stmts.delete(gen);
    this.db.exec(`DROP TABLE IF EXISTS ${vecTable(gen)}`);
    this.db.exec(`DROP TABLE IF EXISTS ${ftsTable(gen)}`);
    this.db.exec(`DROP TABLE IF EXISTS ${docTable(gen)}`);
    this.db.exec(`DROP TABLE IF EXISTS ${annLogTable(gen)}`);
    this.db.exec(`DROP TABLE IF EXISTS ${kwLogTable(gen)}`);
    this.kwLogged.delete(gen);
    this.keywordListsByGen.delete(gen);
    this.deleteMeta(`gen.${gen}`);
    this.ann.forget(gen);
    this.ann.removeFiles(gen);
  }

  private tableExists(name: string): boolean {
    return this.sql("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name) !== undefined;
  }

  // ---------- writes ----------

  /** Writes points into `gen` (caller holds the write transaction). */
  private writePoints(gen: string, points: CleanPoint[]): void {
    const s = this.statements(gen);
    const upd = s.stmt("upd", () => `UPDATE ${s.vec} SET embedding = ?, product = ?, component = ?, status = ?, created_at = ? WHERE id = ?`);
    const ins = s.stmt("ins", () => `INSERT INTO ${s.vec} (id, embedding, product, component, status, created_at) VALUES (?, ?, ?, ?, ?, ?)`);
    const ftsDel = s.stmt("ftsDel", () => `DELETE FROM ${s.fts} WHERE rowid = ?`);
    const ftsIns = s.stmt("ftsIns", () => `INSERT INTO ${s.fts} (rowid, title, body) VALUES (?, ?, ?)`);
    const docUp = s.stmt(
      "docUp",
      () =>
        `INSERT INTO ${s.doc} (id, product, component, status, created_at) VALUES (?, ?, ?, ?, ?) ` +
        `ON CONFLICT(id) DO UPDATE SET product = excluded.product, component = excluded.component, ` +
        `status = excluded.status, created_at = excluded.created_at`,
    );
    const logged: [number, string | null, string | null][] = [];
    for (const p of points) {
      const id = BigInt(p.id);
      const meta = [toText(p.product), toText(p.component), toText(p.status), BigInt(p.createdAt)];
      const r = upd.run(bufOf(p.vector), ...meta, id);
      if (r.changes === 0) ins.run(id, bufOf(p.vector), ...meta);
      docUp.run(id, ...meta);
      // Upsert replaces the whole point: a point without text has no keyword entry.
      if (r.changes !== 0) ftsDel.run(id);
      const title = p.text ? ftsDocument(p.text.title) : "";
      const body = p.text ? ftsDocument(p.text.body) : "";
      if (title || body) ftsIns.run(id, title, body);
      logged.push(title || body ? [p.id, title, body] : [p.id, null, null]);
    }
    this.ann.logChanges(gen, points.map((p) => p.id));
    this.logKeywordChanges(gen, logged);
  }

  /** Appends rows' indexed text (null: gone) to the generation's keyword log and trims it to KWLOG_KEEP. */
  private logKeywordChanges(gen: string, rows: [number, string | null, string | null][]): void {
    if (rows.length === 0) return;
    const kwlog = kwLogTable(gen);
    if (!this.kwLogged.has(gen)) {
      this.db.exec(`CREATE TABLE IF NOT EXISTS ${kwlog} (seq INTEGER PRIMARY KEY AUTOINCREMENT, id INTEGER NOT NULL, title TEXT, body TEXT)`);
      this.kwLogged.add(gen);
    }
    const s = this.statements(gen);
    const ins = s.stmt("kwlogIns", () => `INSERT INTO ${kwlog} (id, title, body) VALUES (?, ?, ?)`);
    let seq = 0;
    for (const [id, title, body] of rows) seq = Number(ins.run(BigInt(id), title, body).lastInsertRowid);
    s.stmt("kwlogTrim", () => `DELETE FROM ${kwlog} WHERE seq <= ?`).run(seq - KWLOG_KEEP);
  }

  private deleteFrom(gen: string, ids: number[]): void {
    const s = this.statements(gen);
    const del = s.stmt("del", () => `DELETE FROM ${s.vec} WHERE id = ?`);
    const ftsDel = s.stmt("ftsDel", () => `DELETE FROM ${s.fts} WHERE rowid = ?`);
    const docDel = s.stmt("docDel", () => `DELETE FROM ${s.doc} WHERE id = ?`);
    const deleted: number[] = [];
    for (const id of ids) {
      if (del.run(BigInt(id)).changes > 0) {
        ftsDel.run(BigInt(id));
        docDel.run(BigInt(id));
        deleted.push(id);
      }
    }
    this.ann.logChanges(gen, deleted);
    this.logKeywordChanges(gen, deleted.map((id) => [id, null, null]));
  }

  async upsert(points: IndexPoint[]): Promise<void> {
    this.check();
    this.writeTx(() => {
      const live = this.readLive();
      const clean = cleanPoints(points, live.dims, "sqlite-vec upsert");
      this.writePoints(live.gen, clean);
    });
    this.checkpointAnn();
  }

  /** Saves the live graph and trims its change log once the log has grown long (ann.ts). */
  private checkpointAnn(): void {
    const trimTo = this.read(() => {
      const live = this.readLive();
      return this.ann.checkpoint(live.gen, vecTable(live.gen), live.dims, () => this.countIn(live.gen));
    });
    if (trimTo === null) return;
    this.writeTx(() => this.ann.trim(this.live.gen, trimTo));
  }

  private countIn(gen: string): number {
    const s = this.statements(gen);
    return (s.stmt("count", () => `SELECT count(*) AS n FROM ${s.doc}`).get() as { n: number }).n;
  }

  /**
   * Deletes from the live generation AND from generations being built: a deleted report must not come
   * back when a re-index started before the delete commits. (Upserts go to the live generation only,
   * since a re-index may use another model; the re-index job reconciles those via ids().)
   */
  async delete(ids: number[]): Promise<void> {
    this.check();
    assertIds(ids, "sqlite-vec delete");
    if (ids.length === 0) return;
    this.writeTx(() => {
      this.readLive();
      for (const gen of this.allGenMeta().keys()) this.deleteFrom(gen, ids);
    });
    this.checkpointAnn();
  }

  // ---------- reads ----------

  async get(id: number): Promise<IndexPoint | null> {
    assertIds([id], "sqlite-vec get");
    return this.read(() => {
      const s = this.statements(this.readLive().gen);
      const row = s
        .stmt("get", () => `SELECT id, embedding, product, component, status, created_at FROM ${s.vec} WHERE id = ?`)
        .get(BigInt(id)) as
        | { id: number; embedding: Buffer; product: string; component: string; status: string; created_at: number }
        | undefined;
      if (!row) return null;
      return {
        id: row.id,
        vector: vectorOf(row.embedding),
        meta: {
          product: fromText(row.product),
          component: fromText(row.component),
          status: fromText(row.status),
          createdAt: Number(row.created_at),
        },
      };
    });
  }

  async count(): Promise<number> {
    return this.read(() => this.countIn(this.readLive().gen));
  }

  async ids(): Promise<number[]> {
    return this.read(() => this.idsOf(this.readLive().gen));
  }

  private idsOf(gen: string): number[] {
    const s = this.statements(gen);
    return s
      .stmt("ids", () => `SELECT id FROM ${s.doc} ORDER BY id`)
      .raw()
      .all()
      .map((r) => Number((r as unknown[])[0]));
  }

  /**
   * The stored vectors of the live generation (all, or those of `ids`), in one n x dims matrix with their
   * ids in ascending order: what a corpus-wide job (the sweep) works on instead of one query per point.
   */
  async exportVectors(ids?: number[]): Promise<{ ids: number[]; dims: number; data: Float32Array }> {
    if (ids) assertIds(ids, "sqlite-vec exportVectors");
    return this.read(() => {
      const live = this.readLive();
      const s = this.statements(live.gen);
      const wanted = ids ? new Set(ids) : null;
      const all = this.idsOf(live.gen).filter((id) => !wanted || wanted.has(id));
      const data = new Float32Array(all.length * live.dims);
      const row = new Map(all.map((id, i) => [id, i]));
      const bytes = new Uint8Array(data.buffer);
      for (const [id, emb] of s.stmt("export", () => `SELECT id, embedding FROM ${s.vec}`).raw().iterate() as Iterable<[number, Buffer]>) {
        const i = row.get(Number(id));
        if (i !== undefined) bytes.set(emb, i * live.dims * 4);
      }
      return { ids: all, dims: live.dims, data };
    });
  }

  /** Dense top-k inside the current read transaction. */
  private denseIn(live: Live, vector: Float32Array, k: number, f: CleanFilter): Hit[] {
    assertVector(vector, live.dims, `sqlite-vec search (generation ${live.gen})`);
    if (k === 0 || f.empty) return [];
    const s = this.statements(live.gen);
    const want = k + f.excludeIds.length; // NOT IN is applied after vec0's top-k, so over-fetch
    const graph = this.ann.graph(live.gen, s.vec, live.dims, () => this.countIn(live.gen));
    if (graph && want < this.ann.size(graph)) {
      const viaAnn = this.annDenseIn(live, graph, vector, k, f);
      if (viaAnn) return viaAnn;
    }
    let rows: { id: number; distance: number }[];
    if (want <= VEC0_MAX_K) {
      const c = filterClauses(f, "id", false);
      const stmt = s.stmt(
        `knn:${c.key}`,
        () => `SELECT id, distance FROM ${s.vec} WHERE embedding MATCH ? AND k = ?${c.sql} ORDER BY distance`,
      );
      rows = stmt.all(bufOf(vector), want, ...c.params) as typeof rows;
      if (f.excludeIds.length > 0) {
        const ex = new Set(f.excludeIds);
        rows = rows.filter((r) => !ex.has(r.id));
      }
      rows = rows.slice(0, k);
    } else {
      // Beyond vec0's k cap: exact full scan, filters (incl. excludeIds) in plain SQL.
      const c = filterClauses(f, "id", true);
      const stmt = s.stmt(
        `scan:${c.key}`,
        () =>
          `SELECT id, vec_distance_cosine(embedding, ?) AS distance FROM ${s.vec} WHERE 1${c.sql} ` +
          `ORDER BY distance, id LIMIT ?`,
      );
      rows = stmt.all(bufOf(vector), ...c.params, k) as typeof rows;
    }
    return rows.map((r) => ({ id: r.id, score: 1 - r.distance }));
  }

  /**
   * Dense top-k through the ANN graph: candidates from the graph, filters checked against ix_doc (so a
   * filtered-out point never appears), exact cosine from the stored f32 vectors. A filter that leaves fewer than
   * k of the candidates grows the pool; past ANN_MAX_POOL returns null and the caller searches exactly, so a
   * selective filter still gets k hits whenever k points match.
   */
  private annDenseIn(
    live: Live,
    graph: NonNullable<ReturnType<AnnSidecar["graph"]>>,
    vector: Float32Array,
    k: number,
    f: CleanFilter,
  ): Hit[] | null {
    const s = this.statements(live.gen);
    const c = filterClauses(f, "id", true);
    const filtered = c.params.length > 0;
    const keep = s.stmt(`annkeep:${c.key}`, () => `SELECT id FROM ${s.doc} WHERE id IN (SELECT value FROM json_each(?))${c.sql}`);
    const score = s.stmt("annscore", () => `SELECT vec_distance_cosine(embedding, ?) AS d FROM ${s.vec} WHERE id = ?`).pluck();
    const size = this.ann.size(graph);
    const need = k + ANN_RERANK_EXTRA;
    let pool = Math.min(size, annBeam(size, filtered ? 4 * need + f.excludeIds.length : need));
    for (;;) {
      const cands = this.ann.search(graph, vector, pool);
      let ids = cands.map((h) => h.id);
      if (filtered) {
        const ok = new Set((keep.raw().all(JSON.stringify(ids), ...c.params) as [number][]).map((r) => Number(r[0])));
        ids = ids.filter((id) => ok.has(id));
      }
      const seenAll = pool >= size;
      if (ids.length >= need || seenAll || (ids.length >= k && !filtered)) {
        if (seenAll && size !== this.countIn(live.gen)) return null; // graph and table disagree: let the exact path answer
        const q = bufOf(vector);
        // the graph's order is close to exact: re-scoring its best `need` survivors is enough
        const hits = ids.slice(0, need).map((id) => ({ id, score: 1 - (score.get(q, BigInt(id)) as number) }));
        hits.sort((a, b) => b.score - a.score || a.id - b.id);
        return hits.slice(0, k);
      }
      if (pool >= ANN_MAX_POOL) return null;
      // grow by the selectivity seen so far (survivors per candidate), with margin
      const factor = ids.length > 0 ? Math.min(16, Math.max(2, Math.ceil((1.5 * need) / ids.length))) : 16;
      pool = Math.min(size, ANN_MAX_POOL, pool * factor);
    }
  }

  /** BM25 top-k inside the current read transaction; score = -bm25 (higher is better). */
  private keywordIn(live: Live, query: string, k: number, f: CleanFilter): Hit[] {
    if (typeof query !== "string") throw new Error("sqlite-vec keywordSearch: query must be a string");
    if (k === 0 || f.empty) return [];
    const fromLists = this.keywordFromLists(live, query, k, f);
    if (fromLists) return fromLists;
    const match = this.keywordMatch(live, query);
    if (match === null) return [];
    const s = this.statements(live.gen);
    const c = filterClauses(f, `${s.fts}.rowid`, true, "d.");
    // Join the filter table only when there is something to filter on (excludeIds needs no join).
    const join = /d\./.test(c.sql) ? ` JOIN ${s.doc} d ON d.id = ${s.fts}.rowid` : "";
    const stmt = s.stmt(
      `fts:${c.key}`,
      () =>
        `SELECT ${s.fts}.rowid AS id, bm25(${s.fts}, ?, 1.0) AS bm FROM ${s.fts}${join} WHERE ${s.fts} MATCH ?${c.sql} ` +
        `ORDER BY bm, id LIMIT ?`,
    );
    const rows = stmt.all(this.titleWeight, match, ...c.params, k) as { id: number; bm: number }[];
    return rows.map((r) => ({ id: r.id, score: -r.bm }));
  }

  /**
   * The bounded MATCH expression for a free-text query (lib/vector/keyword-terms.ts): the query's rarest indexed
   * terms by the live generation's document frequencies. Inside the read transaction.
   */
  private keywordMatch(live: Live, query: string): string | null {
    const terms = queryTerms(query);
    if (terms.length === 0) return null;
    const stats = this.keywordStats(live.gen);
    return ftsMatchOf(boundQueryTerms(terms, (t) => stats.df(t), stats.docs(), this.keywordBound));
  }

  /**
   * The keyword top k from per-term lists in memory (keyword-lists.ts) for generations of at least minDocs rows;
   * null below that, or when the lists hand the query back (then FTS5 answers it with the postings budget).
   * The terms are bounded like FTS5's but without the postings budget: a list costs at most listLength.
   */
  private keywordFromLists(live: Live, query: string, k: number, f: CleanFilter): Hit[] | null {
    const stats = this.keywordStats(live.gen);
    const docs = stats.docs();
    if (docs < this.keywordBound.minDocs || this.keywordBound.listLength <= 0) return null;
    const terms = boundQueryTerms(queryTerms(query), (t) => stats.df(t), docs, { ...this.keywordBound, maxPostings: Infinity });
    if (terms.length === 0) return [];
    const lists = this.keywordListsOf(live.gen);
    const s = this.statements(live.gen);
    const c = filterClauses(f, "d.id", false, "d.");
    const admit = c.sql
      ? (ids: number[]) => {
          const stmt = s.stmt(`kwAdmit:${c.key}`, () => `SELECT d.id FROM json_each(?) j JOIN ${s.doc} d ON d.id = j.value WHERE 1${c.sql}`).pluck();
          return new Set(stmt.all(JSON.stringify(ids), ...c.params) as number[]);
        }
      : null;
    return lists.search(this.keywordSource(live.gen, stats), terms, k, new Set(f.excludeIds), admit);
  }

  /**
   * Reads the keyword lists of the live generation's common terms (see KEYWORD_WARM_MIN_DF), one read
   * transaction per term, yielding between terms. At 1M synthetic reports, about half a minute.
   */
  async warm(): Promise<void> {
    this.check();
    const terms = this.read(() => {
      const live = this.readLive();
      const stats = this.keywordStats(live.gen);
      if (stats.docs() < this.keywordBound.minDocs || this.keywordBound.listLength <= 0) return [];
      const vocab = `ix_vocab_${live.gen}`; // created by keywordStats
      const common = this.db.prepare(`SELECT term, doc FROM temp.${vocab} WHERE doc >= ? ORDER BY doc DESC`).raw().all(KEYWORD_WARM_MIN_DF) as [string, number][];
      // (their counts too: fts5vocab counts a term's rows by walking them, a tenth of a second at 100k rows)
      for (const [term, df] of common) stats.remember(term, df);
      const out: string[] = [];
      let postings = 0;
      for (const [term, df] of common) {
        postings += Math.min(df, this.keywordBound.listLength);
        if (postings > this.keywordBound.maxCachedPostings / 2) break;
        out.push(term);
      }
      return out;
    });
    for (const term of terms) {
      this.read(() => {
        const live = this.readLive();
        this.keywordListsOf(live.gen).warm(this.keywordSource(live.gen, this.keywordStats(live.gen)), term);
      });
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  private keywordListsOf(gen: string): KeywordLists {
    let lists = this.keywordListsByGen.get(gen);
    if (!lists) {
      const { listLength, maxCachedPostings, maxDirty } = this.keywordBound;
      lists = new KeywordLists({ listLength, maxCachedPostings, maxDirty, maxDrift: KEYWORD_MAX_DRIFT, titleWeight: this.titleWeight });
      this.keywordListsByGen.clear();
      this.keywordListsByGen.set(gen, lists);
    }
    return lists;
  }

  /** The live generation's keyword lists: terms and postings in memory, changed rows scored from the log. */
  keywordListState(): { terms: number; postings: number; dirty: number } {
    return this.keywordListsByGen.get(this.live.gen)?.size ?? { terms: 0, postings: 0, dirty: 0 };
  }

  /** What the keyword lists read from the generation (inside the caller's read transaction). */
  private keywordSource(gen: string, stats: { df(term: string): number }): KeywordListSource {
    const s = this.statements(gen);
    const kwlog = kwLogTable(gen);
    const hasLog = () => this.kwLogged.has(gen) || (this.tableExists(kwlog) && (this.kwLogged.add(gen), true));
    return {
      maxSeq: () =>
        hasLog() ? Number(s.stmt("kwlogMax", () => `SELECT coalesce(max(seq), 0) FROM ${kwlog}`).pluck().get()) : 0,
      entriesAfter: (seq) =>
        hasLog() ? (s.stmt("kwlogAfter", () => `SELECT seq, id, title, body FROM ${kwlog} WHERE seq > ? ORDER BY seq`).all(seq) as KeywordLogEntry[]) : [],
      topPostings: (term, limit) => {
        const rows = s
          .stmt("kwTop", () => `SELECT rowid, bm25(${s.fts}, ?, 1.0) AS bm FROM ${s.fts} WHERE ${s.fts} MATCH ? ORDER BY bm, rowid LIMIT ?`)
          .raw()
          .all(this.titleWeight, ftsMatchOf([{ term, weight: 1 }]), limit) as [number, number][];
        return { ids: rows.map((r) => r[0]), scores: rows.map((r) => -r[1]) };
      },
      df: (term) => stats.df(term),
      totals: () => ftsTotals(s.stmt("ftsTotals", () => `SELECT block FROM ${s.fts}_data WHERE id = 1`).pluck().get() as Buffer | undefined),
    };
  }

  /**
   * Document frequencies of the generation's FTS5 terms through an fts5vocab table in this connection's temp
   * schema (nothing is written to the database file). fts5vocab counts a term's documents by walking its doclist,
   * so frequencies of common terms are cached: a stale count only shifts which terms are kept, while rare terms
   * (short doclists, cheap to count) are always read fresh, so a term that a new report brings in is never missed.
   */
  private keywordStats(gen: string): KeywordStats {
    let st = this.keywordStatsByGen.get(gen);
    if (!st) {
      const s = this.statements(gen);
      const vocab = `ix_vocab_${gen}`;
      this.db.exec(`CREATE VIRTUAL TABLE IF NOT EXISTS temp.${vocab} USING fts5vocab(main, ${s.fts}, row)`);
      const dfStmt = this.db.prepare(`SELECT doc FROM temp.${vocab} WHERE term = ?`).pluck();
      const countStmt = s.stmt("docCount", () => `SELECT count(*) FROM ${s.doc}`).pluck();
      const cache = new Map<string, number>();
      const remember = (term: string, n: number) => {
        if (n < KEYWORD_DF_CACHE_MIN) return;
        if (cache.size >= KEYWORD_DF_CACHE_MAX) cache.clear();
        cache.set(term, n);
      };
      let docs = { n: 0, at: -Infinity, cachedAt: 0 };
      st = {
        df: (term) => {
          const hit = cache.get(term);
          if (hit !== undefined) return hit;
          const n = Number(dfStmt.get(term) ?? 0);
          remember(term, n);
          return n;
        },
        remember,
        docs: () => {
          if (performance.now() - docs.at > KEYWORD_DOCS_TTL_MS) {
            const n = Number(countStmt.get());
            const drifted = Math.abs(n - docs.cachedAt) > KEYWORD_MAX_DRIFT * docs.cachedAt;
            if (drifted) cache.clear();
            docs = { n, at: performance.now(), cachedAt: drifted ? n : docs.cachedAt };
          }
          return docs.n;
        },
      };
      for (const g of this.keywordStatsByGen.keys()) if (g !== gen) this.keywordStatsByGen.delete(g);
      this.keywordStatsByGen.set(gen, st);
    }
    return st;
  }

  async search(vector: Float32Array, k: number, filter?: SearchFilter): Promise<Hit[]> {
    assertK(k, "sqlite-vec search");
    const f = cleanFilter(filter, "sqlite-vec search");
    return this.read(() => this.denseIn(this.readLive(), vector, k, f));
  }

  async keywordSearch(query: string, k: number, filter?: SearchFilter): Promise<Hit[]> {
    assertK(k, "sqlite-vec keywordSearch");
    const f = cleanFilter(filter, "sqlite-vec keywordSearch");
    return this.read(() => this.keywordIn(this.readLive(), query, k, f));
  }

  async hybridSearch(vector: Float32Array, query: string, k: number, filter?: SearchFilter): Promise<HybridHit[]> {
    assertK(k, "sqlite-vec hybridSearch");
    const f = cleanFilter(filter, "sqlite-vec hybridSearch");
    const n = candidateCount(k, this.fusion);
    // Both sides in one read transaction: they always come from the same generation.
    return this.read(() => {
      const live = this.readLive();
      const dense = this.denseIn(live, vector, n, f);
      const keyword = this.keywordIn(live, query, n, f);
      return reciprocalRankFusion(dense, keyword, k, this.fusion);
    });
  }

  // ---------- generations ----------

  async beginReindex(opts: { dims?: number; resumeGeneration?: string } = {}): Promise<SqliteReindexSession> {
    this.check();
    if (opts.resumeGeneration !== undefined) {
      const gen = opts.resumeGeneration;
      assertGenerationId(gen, "sqlite-vec beginReindex({ resumeGeneration })");
      const meta = this.read(() => this.genMeta(gen));
      if (!meta) throw new Error(`sqlite-vec: cannot resume generation ${gen}: it does not exist (aborted or cleaned up?)`);
      if (meta.state !== "building") throw new Error(`sqlite-vec: cannot resume generation ${gen}: it is already live`);
      if (opts.dims !== undefined && opts.dims !== meta.dims) {
        throw new Error(`sqlite-vec: cannot resume generation ${gen} with dims ${opts.dims}: it was started with ${meta.dims}`);
      }
      if (!this.read(() => this.tableExists(vecTable(gen)) && this.tableExists(ftsTable(gen)) && this.tableExists(docTable(gen)))) {
        throw new Error(`sqlite-vec: cannot resume generation ${gen}: its tables are missing`);
      }
      return new SqliteReindexSession(this, gen, meta.dims);
    }
    const dims = opts.dims ?? this.read(() => this.readLive().dims);
    assertDims(dims, "sqlite-vec beginReindex");
    const gen = newGenerationId();
    this.writeTx(() => this.createGeneration(gen, dims, "building"));
    return new SqliteReindexSession(this, gen, dims);
  }

  /** @internal used by SqliteReindexSession */
  _sessionUpsert(gen: string, dims: number, points: IndexPoint[]): void {
    this.check();
    const clean = cleanPoints(points, dims, `sqlite-vec reindex ${gen} upsert`);
    this.writeTx(() => {
      const meta = this.requireBuilding(gen);
      this.writePoints(gen, clean);
      this.setMeta(`gen.${gen}`, JSON.stringify({ ...meta, updatedAt: Date.now() }));
    });
  }

  /** @internal */
  _sessionIds(gen: string): number[] {
    return this.read(() => {
      this.requireBuilding(gen);
      return this.idsOf(gen);
    });
  }

  /**
   * @internal Builds the generation's ANN file before the commit that makes it live: a kill during the build
   * leaves the old generation live with its own file (ann.ts).
   */
  async _sessionPrepareAnn(gen: string): Promise<void> {
    this.check();
    const { dims, count } = this.read(() => ({ dims: this.requireBuilding(gen).dims, count: this.countIn(gen) }));
    await this.ann.prepare(gen, vecTable(gen), docTable(gen), dims, count, (fn) => this.read(fn));
  }

  /** @internal */
  _sessionCommit(gen: string): void {
    this.check();
    this.writeTx(() => {
      const meta = this.requireBuilding(gen);
      const old = this.readLive();
      this.setMeta("live", gen);
      this.setMeta("dims", String(meta.dims));
      this.setMeta(`gen.${gen}`, JSON.stringify({ ...meta, state: "live", updatedAt: Date.now() }));
      this.dropGenerationTables(old.gen);
      this.live = { gen, dims: meta.dims };
    });
  }

  /** @internal */
  _sessionAbort(gen: string): void {
    this.check();
    this.writeTx(() => {
      const meta = this.genMeta(gen);
      if (!meta) return; // already gone: abort is idempotent
      if (meta.state === "live") throw new Error(`sqlite-vec: generation ${gen} is live and cannot be aborted`);
      this.dropGenerationTables(gen);
    });
  }

  private requireBuilding(gen: string): GenMeta {
    const meta = this.genMeta(gen);
    if (!meta || meta.state !== "building") {
      throw new Error(`sqlite-vec: generation ${gen} is not being built any more (committed, aborted or cleaned up)`);
    }
    return meta;
  }

  /** All generations with their state and size (live first). */
  async generations(): Promise<GenerationInfo[]> {
    return this.read(() => {
      const live = this.readLive();
      const out: GenerationInfo[] = [];
      for (const [gen, m] of this.allGenMeta()) {
        const s = this.statements(gen);
        const n = (s.stmt("count", () => `SELECT count(*) AS n FROM ${s.doc}`).get() as { n: number }).n;
        out.push({ generation: gen, dims: m.dims, state: gen === live.gen ? "live" : "building", createdAt: m.createdAt, updatedAt: m.updatedAt, count: n });
      }
      return out.sort((a, b) => (a.state === b.state ? a.createdAt - b.createdAt : a.state === "live" ? -1 : 1));
    });
  }

  /** Drops a generation that is not live (e.g. a crashed re-index you do not want to resume). */
  async dropGeneration(gen: string): Promise<void> {
    assertGenerationId(gen, "sqlite-vec dropGeneration");
    this.check();
    this.writeTx(() => {
      if (this.readLive().gen === gen) throw new Error(`sqlite-vec: generation ${gen} is live and cannot be dropped`);
      this.dropGenerationTables(gen);
    });
  }

  /**
   * Drops unfinished generations with no writes for `olderThanMs` (default 6 h), and ix_vec_/ix_fts_/ix_doc_ tables
   * that no ix_meta entry mentions. Returns the dropped generation ids.
   */
  async cleanupStaleGenerations(olderThanMs = DEFAULT_STALE_MS): Promise<string[]> {
    this.check();
    const cutoff = Date.now() - olderThanMs;
    return this.writeTx(() => {
      const live = this.readLive();
      const metas = this.allGenMeta();
      const dropped = new Set<string>();
      for (const [gen, m] of metas) {
        if (gen !== live.gen && m.state === "building" && m.updatedAt < cutoff) dropped.add(gen);
      }
      const tables = this.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'ix\\_%' ESCAPE '\\'").all() as { name: string }[];
      for (const { name } of tables) {
        const m = /^ix_(?:vec|fts|doc|annlog|kwlog)_([0-9a-z]+)$/.exec(name);
        if (m && isGenerationId(m[1]) && m[1] !== live.gen && !metas.has(m[1])) {
          if (Date.now() - generationCreatedAt(m[1]) > olderThanMs) dropped.add(m[1]);
        }
      }
      for (const gen of dropped) this.dropGenerationTables(gen);
      this.ann.removeFilesExcept(new Set([...metas.keys()].filter((g) => !dropped.has(g))));
      return [...dropped];
    });
  }

  // ---------- ANN housekeeping (doctor) ----------

  /** The live generation's ANN graph against its table (loads or builds the graph when it is due). */
  async annStatus(): Promise<AnnStatus> {
    return this.read(() => {
      const live = this.readLive();
      return this.ann.status(live.gen, vecTable(live.gen), live.dims, this.idsOf(live.gen));
    });
  }

  /** Rebuilds the live generation's ANN graph and file from its table. */
  async rebuildAnn(): Promise<AnnStatus> {
    this.read(() => {
      const live = this.readLive();
      this.ann.rebuild(live.gen, vecTable(live.gen), live.dims, this.countIn(live.gen));
    });
    return this.annStatus();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.stmts.clear();
    this.metaStmts.clear();
    this.db.close();
  }
}

export class SqliteReindexSession implements ReindexSession {
  private done = false;
  constructor(
    private readonly index: SqliteVecIndex,
    readonly generation: string,
    readonly dims: number,
  ) {}

  private check(): void {
    if (this.done) throw new Error(`sqlite-vec: re-index session ${this.generation} is already committed or aborted`);
  }

  async upsert(points: IndexPoint[]): Promise<void> {
    this.check();
    this.index._sessionUpsert(this.generation, this.dims, points);
  }

  /** Ids already written to this generation (what a resumed job can skip). */
  async ids(): Promise<number[]> {
    this.check();
    return this.index._sessionIds(this.generation);
  }

  async commit(): Promise<void> {
    this.check();
    await this.index._sessionPrepareAnn(this.generation);
    this.index._sessionCommit(this.generation);
    this.done = true;
  }

  async abort(): Promise<void> {
    if (this.done) return;
    this.index._sessionAbort(this.generation);
    this.done = true;
  }
}
