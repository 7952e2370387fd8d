// Qdrant backend. One collection per generation (`<prefix>_<gen>`) behind an alias `<prefix>`; queries always
// go through the alias, re-index builds a new collection and swaps the alias atomically
// (updateCollectionAliases: delete_alias + create_alias in one request), so there is no downtime.
// Each point has a named dense vector "dense" (Cosine) and a named sparse vector "bm25" (modifier idf)
// built client-side from the same tokens as the sqlite FTS side (sparse.ts). Hybrid search uses the
// Query API (prefetch dense + sparse, RRF fusion) and fetches the two single-side lists in the same batch
// request so every hit can say which side found it at what rank.
import {
  QdrantClient,
  QdrantClientResourceExhaustedError,
  QdrantClientTimeoutError,
  QdrantClientUnexpectedResponseError,
  type Schemas,
} from "@qdrant/js-client-rest";
import type { QdrantConfig } from "@/lib/config";
import type { Hit, HybridHit, IndexPoint, ReindexSession, SearchFilter, VectorIndex } from "@/lib/vector/types";
import { assertGenerationId, generationCreatedAt, isGenerationId, newGenerationId, type GenerationAdmin, type GenerationInfo } from "@/lib/vector/generation";
import { annotateRanks, candidateCount, reciprocalRankFusion, resolveFusion, type FusionOptions } from "@/lib/vector/hybrid";
import { DEFAULT_BM25, documentSparseVector, querySparseVector, type Bm25Params } from "@/lib/vector/sparse";
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

export const DENSE = "dense";
export const SPARSE = "bm25";
export const DEFAULT_COLLECTION = "bugsift_reports";
const DEFAULT_STALE_MS = 24 * 60 * 60 * 1000;

export interface QdrantIndexOptions {
  url: string;
  apiKey?: string;
  /** Alias name; generation collections are `<collection>_<gen>`. Default "bugsift_reports". */
  collection?: string;
  /** Dimensions of the first generation when the alias does not exist yet. */
  dims: number;
  shardNumber?: number;
  replicationFactor?: number;
  writeConsistencyFactor?: number;
  /** Scalar int8 quantization of the dense vectors (originals kept on disk for rescoring). */
  quantization?: "int8" | "none";
  /** Points per upsert request (default 256). */
  batchSize?: number;
  /** Retries for a failed request (default 5; reads use at most 2). */
  retries?: number;
  /** Wait before deleting the old collection after an alias swap, so in-flight queries finish (default 1000 ms). */
  dropGraceMs?: number;
  /** Request timeout in ms (default 60 000). */
  timeoutMs?: number;
  fusion?: FusionOptions;
  bm25?: Partial<Bm25Params>;
  /** Inject a client (tests, custom transport); url/apiKey/timeoutMs are then ignored. */
  client?: QdrantClient;
}

/** Index options from the validated Qdrant settings (lib/config.ts reads the QDRANT_* variables). */
export function qdrantIndexOptions(dims: number, q: QdrantConfig): QdrantIndexOptions {
  return {
    url: q.url,
    apiKey: q.apiKey,
    collection: q.collection ?? DEFAULT_COLLECTION,
    dims,
    shardNumber: q.shardNumber,
    replicationFactor: q.replicationFactor,
    writeConsistencyFactor: q.writeConsistencyFactor,
    quantization: q.quantization,
    batchSize: q.batchSize,
  };
}

// ---------- errors and retries ----------

/**
 * The HTTP status of a failed Qdrant call. The client throws its fetcher's ApiError (with `status`) for error
 * responses; only QdrantClientUnexpectedResponseError keeps the status in its message alone (the client's
 * own format, "Unexpected Response: <code> ..."), so that one class is read from its message.
 */
function httpStatus(e: unknown): number | undefined {
  const s = (e as { status?: unknown } | null)?.status;
  if (typeof s === "number") return s;
  const m = e instanceof QdrantClientUnexpectedResponseError ? /^Unexpected Response: (\d{3})/.exec(e.message) : null;
  return m ? Number(m[1]) : undefined;
}

function isRetryable(e: unknown): boolean {
  if (e instanceof QdrantClientTimeoutError || e instanceof QdrantClientResourceExhaustedError) return true;
  const status = httpStatus(e);
  if (status !== undefined) return status === 429 || status >= 500;
  // A network failure from fetch (connection refused, reset): undici throws a TypeError with a cause.
  return e instanceof TypeError && (e as { cause?: unknown }).cause !== undefined;
}

function isNotFound(e: unknown): boolean {
  return httpStatus(e) === 404;
}

function describe(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  const data = (e as { data?: unknown }).data;
  const detail = data && typeof data === "object" ? ` ${JSON.stringify(data).slice(0, 300)}` : "";
  return `${e.message}${detail}`;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

// ---------- payload / filter mapping ----------

interface Payload {
  product: string | null;
  component: string | null;
  status: string | null;
  created_at: number;
}

function toFilter(f: CleanFilter): Schemas["Filter"] | undefined {
  const must: Schemas["Condition"][] = [];
  for (const key of ["product", "component", "status"] as const) {
    const vals = f[key];
    if (!vals) continue;
    must.push(vals.length === 1 ? { key, match: { value: vals[0] } } : { key, match: { any: vals } });
  }
  if (f.createdAfter !== undefined || f.createdBefore !== undefined) {
    const range: Schemas["Range"] = {};
    if (f.createdAfter !== undefined) range.gt = f.createdAfter;
    if (f.createdBefore !== undefined) range.lt = f.createdBefore;
    must.push({ key: "created_at", range });
  }
  const mustNot: Schemas["Condition"][] = f.excludeIds.length > 0 ? [{ has_id: f.excludeIds }] : [];
  if (must.length === 0 && mustNot.length === 0) return undefined;
  return { must, must_not: mustNot };
}

const toHits = (r: Schemas["QueryResponse"]): Hit[] => r.points.map((p) => ({ id: Number(p.id), score: p.score }));

export class QdrantIndex implements VectorIndex, GenerationAdmin {
  readonly backend = "qdrant" as const;
  readonly alias: string;
  private liveDims: number;
  private liveCollection: string;
  private readonly client: QdrantClient;
  private readonly opts: QdrantIndexOptions;
  private readonly bm25: Bm25Params;
  private readonly fusion: FusionOptions;
  /** Set when the server rejected the parameterised RRF query (older Qdrant): fuse client-side. */
  private nativeFusion = true;
  private closed = false;

  private constructor(client: QdrantClient, opts: QdrantIndexOptions, live: { collection: string; dims: number }) {
    this.client = client;
    this.opts = opts;
    this.alias = opts.collection ?? DEFAULT_COLLECTION;
    this.liveCollection = live.collection;
    this.liveDims = live.dims;
    this.bm25 = { ...DEFAULT_BM25, ...opts.bm25 };
    this.fusion = opts.fusion ?? {};
  }

  /** Connects, and creates the first generation + alias when the alias does not exist yet. */
  static async open(opts: QdrantIndexOptions): Promise<QdrantIndex> {
    assertDims(opts.dims, "QdrantIndex");
    const alias = opts.collection ?? DEFAULT_COLLECTION;
    if (!/^[A-Za-z0-9_-]{1,180}$/.test(alias)) {
      throw new Error(`QdrantIndex: collection/alias name must match [A-Za-z0-9_-]{1,180}, got "${alias}"`);
    }
    resolveFusion(opts.fusion);
    const client =
      opts.client ??
      new QdrantClient({ url: opts.url, apiKey: opts.apiKey, timeout: opts.timeoutMs ?? 60_000, checkCompatibility: false });
    const index = new QdrantIndex(client, opts, { collection: "", dims: opts.dims });
    await index.init();
    return index;
  }

  get dims(): number {
    return this.liveDims;
  }

  /** Live generation id (as of the last alias lookup). */
  get generation(): string {
    return this.liveCollection.slice(this.alias.length + 1);
  }

  private collectionName(gen: string): string {
    assertGenerationId(gen, "qdrant");
    return `${this.alias}_${gen}`;
  }

  private check(): void {
    if (this.closed) throw new Error("qdrant index is closed");
  }

  private async retry<T>(what: string, fn: () => Promise<T>, retries = this.opts.retries ?? 5): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await fn();
      } catch (e) {
        if (attempt >= retries || !isRetryable(e)) {
          throw new Error(`qdrant ${what} failed: ${describe(e)}`, { cause: e });
        }
        const retryAfter = (e as { retry_after?: unknown }).retry_after;
        const backoff = Math.min(200 * 2 ** attempt, 10_000) * (0.5 + Math.random() / 2);
        await sleep(typeof retryAfter === "number" && retryAfter > 0 ? retryAfter * 1000 : backoff);
      }
    }
  }

  /** Reads are retried less (callers wait on them) but also once on 404: the alias may just have moved. */
  private async read<T>(what: string, fn: () => Promise<T>): Promise<T> {
    this.check();
    try {
      return await this.retry(what, fn, 2);
    } catch (e) {
      if (!isNotFound((e as Error).cause)) throw e;
      await this.refreshLive();
      return this.retry(what, fn, 2);
    }
  }

  private async aliasTarget(): Promise<string | undefined> {
    const { aliases } = await this.retry("getAliases", () => this.client.getAliases(), 2);
    return aliases.find((a) => a.alias_name === this.alias)?.collection_name;
  }

  private async collectionDims(name: string): Promise<number> {
    const info = await this.retry(`getCollection ${name}`, () => this.client.getCollection(name), 2);
    const vectors = info.config.params.vectors as Record<string, Schemas["VectorParams"] | undefined> | undefined;
    const size = vectors?.[DENSE]?.size;
    if (typeof size !== "number") throw new Error(`qdrant: collection ${name} has no named dense vector "${DENSE}"`);
    return size;
  }

  private async refreshLive(): Promise<void> {
    const target = await this.aliasTarget();
    if (!target) throw new Error(`qdrant: alias "${this.alias}" does not exist any more`);
    if (target !== this.liveCollection) {
      this.liveDims = await this.collectionDims(target);
      this.liveCollection = target;
    }
  }

  private async init(): Promise<void> {
    const target = await this.aliasTarget();
    if (target) {
      this.liveCollection = target;
      this.liveDims = await this.collectionDims(target);
      return;
    }
    const { exists } = await this.retry("collectionExists", () => this.client.collectionExists(this.alias), 2);
    if (exists) {
      throw new Error(
        `qdrant: "${this.alias}" is an existing collection, not an alias; this index needs the name for an alias ` +
          `(set QDRANT_COLLECTION to another name, or migrate that collection)`,
      );
    }
    const gen = newGenerationId();
    const name = this.collectionName(gen);
    await this.createCollection(name, this.opts.dims);
    try {
      await this.retry("create alias", () =>
        this.client.updateCollectionAliases({ actions: [{ create_alias: { collection_name: name, alias_name: this.alias } }] }),
      );
    } catch (e) {
      // Another process may have created the alias first: use theirs, drop ours.
      const now = await this.aliasTarget();
      if (!now) throw e;
      await this.client.deleteCollection(name).catch(() => undefined);
      this.liveCollection = now;
      this.liveDims = await this.collectionDims(now);
      return;
    }
    this.liveCollection = name;
    this.liveDims = this.opts.dims;
  }

  private async createCollection(name: string, dims: number): Promise<void> {
    assertDims(dims, "qdrant createCollection");
    const int8 = this.opts.quantization === "int8";
    await this.retry(`createCollection ${name}`, () =>
      this.client.createCollection(name, {
        vectors: { [DENSE]: { size: dims, distance: "Cosine", ...(int8 ? { on_disk: true } : {}) } },
        sparse_vectors: { [SPARSE]: { modifier: "idf" } },
        shard_number: this.opts.shardNumber ?? null,
        replication_factor: this.opts.replicationFactor ?? null,
        write_consistency_factor: this.opts.writeConsistencyFactor ?? null,
        quantization_config: int8 ? { scalar: { type: "int8", quantile: 0.99, always_ram: true } } : null,
      }),
    );
    const fields: [string, Schemas["PayloadSchemaType"]][] = [
      ["product", "keyword"],
      ["component", "keyword"],
      ["status", "keyword"],
      ["created_at", "integer"],
    ];
    for (const [field_name, field_schema] of fields) {
      await this.retry(`createPayloadIndex ${name}.${field_name}`, () =>
        this.client.createPayloadIndex(name, { field_name, field_schema, wait: true }),
      );
    }
  }

  // ---------- writes ----------

  private toPoint(p: CleanPoint): Schemas["PointStruct"] {
    const vector: Record<string, Schemas["Vector"]> = { [DENSE]: Array.from(p.vector) };
    if (p.text) {
      const sparse = documentSparseVector(p.text, this.bm25);
      if (sparse.indices.length > 0) vector[SPARSE] = sparse;
    }
    const payload: Payload = { product: p.product, component: p.component, status: p.status, created_at: p.createdAt };
    return { id: p.id, vector, payload: { ...payload } };
  }

  private async upsertInto(collection: string, points: CleanPoint[]): Promise<void> {
    const size = this.opts.batchSize ?? 256;
    for (let i = 0; i < points.length; i += size) {
      const batch = points.slice(i, i + size).map((p) => this.toPoint(p));
      // Idempotent (same ids), so retrying a batch after a timeout is safe.
      await this.retry(`upsert into ${collection}`, () => this.client.upsert(collection, { wait: true, points: batch }));
    }
  }

  async upsert(points: IndexPoint[]): Promise<void> {
    this.check();
    await this.refreshLive();
    const clean = cleanPoints(points, this.liveDims, "qdrant upsert");
    await this.upsertInto(this.alias, clean);
  }

  /** Deletes from the live collection and from collections being built (see SqliteVecIndex.delete). */
  async delete(ids: number[]): Promise<void> {
    this.check();
    assertIds(ids, "qdrant delete");
    if (ids.length === 0) return;
    const targets = new Set([this.alias, ...(await this.buildingCollections()).map((g) => g.name)]);
    for (const name of targets) {
      await this.retry(`delete from ${name}`, () => this.client.delete(name, { wait: true, points: ids }));
    }
  }

  // ---------- reads ----------

  async get(id: number): Promise<IndexPoint | null> {
    assertIds([id], "qdrant get");
    const recs = await this.read("retrieve", () =>
      this.client.retrieve(this.alias, { ids: [id], with_payload: true, with_vector: [DENSE] }),
    );
    const r = recs[0];
    if (!r) return null;
    const vec = (r.vector as Record<string, unknown> | null | undefined)?.[DENSE];
    const p = (r.payload ?? {}) as Partial<Payload>;
    return {
      id: Number(r.id),
      vector: Float32Array.from(Array.isArray(vec) ? (vec as number[]) : []),
      meta: {
        product: p.product ?? null,
        component: p.component ?? null,
        status: p.status ?? null,
        createdAt: Number(p.created_at ?? 0),
      },
    };
  }

  async count(): Promise<number> {
    const r = await this.read("count", () => this.client.count(this.alias, { exact: true }));
    return r.count;
  }

  private async idsOf(collection: string): Promise<number[]> {
    const out: number[] = [];
    let offset: Schemas["ExtendedPointId"] | undefined;
    do {
      const page = await this.retry(`scroll ${collection}`, () =>
        this.client.scroll(collection, { limit: 10_000, offset, with_payload: false, with_vector: false }),
        2,
      );
      for (const p of page.points) out.push(Number(p.id));
      const next = page.next_page_offset;
      offset = typeof next === "number" || typeof next === "string" ? next : undefined;
    } while (offset !== undefined);
    return out.sort((a, b) => a - b);
  }

  async ids(): Promise<number[]> {
    this.check();
    // Scroll one concrete collection, so a concurrent alias swap cannot mix two generations.
    await this.refreshLive();
    try {
      return await this.idsOf(this.liveCollection);
    } catch (e) {
      if (!isNotFound((e as Error).cause)) throw e;
      await this.refreshLive();
      return this.idsOf(this.liveCollection);
    }
  }

  private async queryVector(vector: Float32Array, where: string): Promise<number[]> {
    if (vector instanceof Float32Array && vector.length !== this.liveDims) await this.refreshLive();
    assertVector(vector, this.liveDims, where);
    return Array.from(vector);
  }

  private searchParams(): Schemas["SearchParams"] | undefined {
    return this.opts.quantization === "int8" ? { quantization: { rescore: true, oversampling: 2 } } : undefined;
  }

  async search(vector: Float32Array, k: number, filter?: SearchFilter): Promise<Hit[]> {
    assertK(k, "qdrant search");
    const f = cleanFilter(filter, "qdrant search");
    const dense = await this.queryVector(vector, "qdrant search");
    if (k === 0 || f.empty) return [];
    const r = await this.read("query (dense)", () =>
      this.client.query(this.alias, { query: dense, using: DENSE, filter: toFilter(f), limit: k, params: this.searchParams() }),
    );
    return toHits(r);
  }

  async keywordSearch(query: string, k: number, filter?: SearchFilter): Promise<Hit[]> {
    assertK(k, "qdrant keywordSearch");
    if (typeof query !== "string") throw new Error("qdrant keywordSearch: query must be a string");
    const f = cleanFilter(filter, "qdrant keywordSearch");
    const sparse = querySparseVector(query);
    if (k === 0 || f.empty || sparse.indices.length === 0) return [];
    const r = await this.read("query (bm25)", () =>
      this.client.query(this.alias, { query: sparse, using: SPARSE, filter: toFilter(f), limit: k }),
    );
    return toHits(r);
  }

  async hybridSearch(vector: Float32Array, query: string, k: number, filter?: SearchFilter): Promise<HybridHit[]> {
    assertK(k, "qdrant hybridSearch");
    if (typeof query !== "string") throw new Error("qdrant hybridSearch: query must be a string");
    const f = cleanFilter(filter, "qdrant hybridSearch");
    const dense = await this.queryVector(vector, "qdrant hybridSearch");
    if (k === 0 || f.empty) return [];
    const sparse = querySparseVector(query);
    const n = candidateCount(k, this.fusion);
    const qf = toFilter(f);
    const denseReq: Schemas["QueryRequest"] = { query: dense, using: DENSE, filter: qf, limit: n, params: this.searchParams() };
    const sparseReq: Schemas["QueryRequest"] = { query: sparse, using: SPARSE, filter: qf, limit: n };
    if (sparse.indices.length === 0) {
      const r = await this.read("query (dense)", () => this.client.query(this.alias, denseReq));
      return reciprocalRankFusion(toHits(r), [], k, this.fusion);
    }
    const rrf = resolveFusion(this.fusion);
    if (this.nativeFusion && Number.isInteger(rrf.k)) {
      // Qdrant ranks from 0: its 1/(k' + r0) equals our 1/(k + r1) with k' = k + 1.
      const fused: Schemas["QueryRequest"] = {
        prefetch: [
          { query: dense, using: DENSE, filter: qf, limit: n, params: this.searchParams() },
          { query: sparse, using: SPARSE, filter: qf, limit: n },
        ],
        query: {
          rrf: {
            k: rrf.k + 1,
            // weights only when not equal (servers that know `k` may predate weighted RRF)
            ...(rrf.denseWeight !== rrf.keywordWeight ? { weights: [rrf.denseWeight, rrf.keywordWeight] } : {}),
          },
        },
        limit: k,
      };
      try {
        const [fr, dr, sr] = await this.read("query (hybrid)", () =>
          this.client.queryBatch(this.alias, { searches: [fused, denseReq, sparseReq] }),
        );
        return annotateRanks(toHits(fr), toHits(dr), toHits(sr));
      } catch (e) {
        const status = httpStatus((e as Error).cause);
        if (status !== 400 && status !== 422) throw e;
        // Maybe a server without parameterised RRF: if the plain batch works, fuse here from now on.
        const hits = await this.clientSideHybrid(denseReq, sparseReq, k);
        this.nativeFusion = false;
        return hits;
      }
    }
    return this.clientSideHybrid(denseReq, sparseReq, k);
  }

  private async clientSideHybrid(
    denseReq: Schemas["QueryRequest"],
    sparseReq: Schemas["QueryRequest"],
    k: number,
  ): Promise<HybridHit[]> {
    const [dr, sr] = await this.read("query (dense+bm25)", () =>
      this.client.queryBatch(this.alias, { searches: [denseReq, sparseReq] }),
    );
    return reciprocalRankFusion(toHits(dr), toHits(sr), k, this.fusion);
  }

  // ---------- generations ----------

  private async buildingCollections(): Promise<{ name: string; gen: string }[]> {
    const { collections } = await this.retry("getCollections", () => this.client.getCollections(), 2);
    const live = (await this.aliasTarget()) ?? this.liveCollection;
    const prefix = `${this.alias}_`;
    return collections
      .map((c) => c.name)
      .filter((name) => name.startsWith(prefix) && name !== live && isGenerationId(name.slice(prefix.length)))
      .map((name) => ({ name, gen: name.slice(prefix.length) }));
  }

  async beginReindex(opts: { dims?: number; resumeGeneration?: string } = {}): Promise<QdrantReindexSession> {
    this.check();
    await this.refreshLive();
    if (opts.resumeGeneration !== undefined) {
      const gen = opts.resumeGeneration;
      const name = this.collectionName(gen);
      if (name === this.liveCollection) throw new Error(`qdrant: cannot resume generation ${gen}: it is already live`);
      const { exists } = await this.retry("collectionExists", () => this.client.collectionExists(name), 2);
      if (!exists) throw new Error(`qdrant: cannot resume generation ${gen}: collection ${name} does not exist`);
      const dims = await this.collectionDims(name);
      if (opts.dims !== undefined && opts.dims !== dims) {
        throw new Error(`qdrant: cannot resume generation ${gen} with dims ${opts.dims}: it was started with ${dims}`);
      }
      return new QdrantReindexSession(this, gen, dims);
    }
    const dims = opts.dims ?? this.liveDims;
    assertDims(dims, "qdrant beginReindex");
    const gen = newGenerationId();
    await this.createCollection(this.collectionName(gen), dims);
    return new QdrantReindexSession(this, gen, dims);
  }

  /** @internal */
  async _sessionUpsert(gen: string, dims: number, points: IndexPoint[]): Promise<void> {
    this.check();
    const clean = cleanPoints(points, dims, `qdrant reindex ${gen} upsert`);
    await this.upsertInto(this.collectionName(gen), clean);
  }

  /** @internal */
  async _sessionIds(gen: string): Promise<number[]> {
    this.check();
    return this.idsOf(this.collectionName(gen));
  }

  /** @internal */
  async _sessionCommit(gen: string, dims: number): Promise<void> {
    this.check();
    const name = this.collectionName(gen);
    const { exists } = await this.retry("collectionExists", () => this.client.collectionExists(name), 2);
    if (!exists) throw new Error(`qdrant: generation ${gen} is gone (aborted or cleaned up); cannot commit`);
    const old = await this.aliasTarget();
    if (old === name) return; // already committed (e.g. a retried commit)
    // One request = atomic switch: queries see the old collection or the new one, never neither.
    await this.retry("swap alias", () =>
      this.client.updateCollectionAliases({
        actions: [
          ...(old ? [{ delete_alias: { alias_name: this.alias } }] : []),
          { create_alias: { collection_name: name, alias_name: this.alias } },
        ],
      }),
    );
    this.liveCollection = name;
    this.liveDims = dims;
    if (old) {
      await sleep(this.opts.dropGraceMs ?? 1000); // let queries already routed to the old collection finish
      await this.retry(`deleteCollection ${old}`, () => this.client.deleteCollection(old));
    }
  }

  /** @internal */
  async _sessionAbort(gen: string): Promise<void> {
    this.check();
    const name = this.collectionName(gen);
    if ((await this.aliasTarget()) === name) throw new Error(`qdrant: generation ${gen} is live and cannot be aborted`);
    await this.retry(`deleteCollection ${name}`, () => this.client.deleteCollection(name));
  }

  /** Live + unfinished generations (Qdrant keeps no write timestamps: updatedAt = createdAt). */
  async generations(): Promise<GenerationInfo[]> {
    this.check();
    await this.refreshLive();
    const out: GenerationInfo[] = [];
    const all = [{ name: this.liveCollection, gen: this.generation, live: true }, ...(await this.buildingCollections()).map((b) => ({ ...b, live: false }))];
    for (const c of all) {
      const dims = await this.collectionDims(c.name);
      const { count } = await this.retry(`count ${c.name}`, () => this.client.count(c.name, { exact: true }), 2);
      const created = isGenerationId(c.gen) ? generationCreatedAt(c.gen) : 0;
      out.push({ generation: c.gen, dims, state: c.live ? "live" : "building", createdAt: created, updatedAt: created, count });
    }
    return out;
  }

  async dropGeneration(gen: string): Promise<void> {
    await this._sessionAbort(gen);
  }

  /** Deletes unfinished generation collections created more than `olderThanMs` ago (default 24 h). */
  async cleanupStaleGenerations(olderThanMs = DEFAULT_STALE_MS): Promise<string[]> {
    this.check();
    const cutoff = Date.now() - olderThanMs;
    const dropped: string[] = [];
    for (const b of await this.buildingCollections()) {
      if (generationCreatedAt(b.gen) < cutoff) {
        await this.retry(`deleteCollection ${b.name}`, () => this.client.deleteCollection(b.name));
        dropped.push(b.gen);
      }
    }
    return dropped;
  }

  async close(): Promise<void> {
    this.closed = true; // the REST client holds no resources that need closing
  }
}

export class QdrantReindexSession implements ReindexSession {
  private done = false;
  constructor(
    private readonly index: QdrantIndex,
    readonly generation: string,
    readonly dims: number,
  ) {}

  private check(): void {
    if (this.done) throw new Error(`qdrant: re-index session ${this.generation} is already committed or aborted`);
  }

  async upsert(points: IndexPoint[]): Promise<void> {
    this.check();
    await this.index._sessionUpsert(this.generation, this.dims, points);
  }

  async ids(): Promise<number[]> {
    this.check();
    return this.index._sessionIds(this.generation);
  }

  async commit(): Promise<void> {
    this.check();
    await this.index._sessionCommit(this.generation, this.dims);
    this.done = true;
  }

  async abort(): Promise<void> {
    if (this.done) return;
    await this.index._sessionAbort(this.generation);
    this.done = true;
  }
}
