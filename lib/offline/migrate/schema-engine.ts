// Offline access to Prisma's schema engine through @prisma/schema-engine-wasm.
//
// The Prisma 7 CLI only drives the native schema-engine binary (downloaded on demand),
// so without network `prisma migrate diff/dev` cannot run. The wasm build of the same
// engine is published separately; it is an internal, unversioned API (the shapes used
// here were read from its .d.ts and from prisma's own sandbox code), so everything that
// touches it stays in this one module.
//
// What we use:
//   - diff(schema -> schema)         migration SQL between two Prisma schemas
//   - diff(database -> schema)       drift of a live database (schemaDatasource target)
//   - introspect(database)           Prisma schema of a live database
// What we avoid: the "migrations" diff target (it sends multi-statement scripts through
// executeRaw, which better-sqlite3 rejects, and adapter-pg's shadow database reuses the
// main database when given a connection string). We build shadow databases ourselves.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import * as se from "@prisma/schema-engine-wasm/schema_engine_bg";
import type { SchemaEngine } from "@prisma/schema-engine-wasm";
import { bindMigrationAwareSqlAdapterFactory, ColumnTypeEnum } from "@prisma/driver-adapter-utils";
import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import { parsePgUrl } from "@/lib/db/pg-url";
import type { Provider } from "@/lib/offline/migrate/schema-source";

export interface SchemaFilter {
  externalTables: string[];
  externalEnums: string[];
}

const NO_FILTER: SchemaFilter = { externalTables: [], externalEnums: [] };

let loaded = false;

/** Instantiates the wasm module once per process (the package's own entry needs --experimental-wasm-modules). */
function loadWasm(): void {
  if (loaded) return;
  // The engine's panic hook writes into this global; without it a panic becomes an opaque TypeError.
  const g = globalThis as unknown as { PRISMA_WASM_PANIC_REGISTRY?: unknown };
  g.PRISMA_WASM_PANIC_REGISTRY ??= {
    message: "",
    set_message(this: { message: string }, m: string) {
      this.message = `RuntimeError: ${m}`;
    },
  };
  const require = createRequire(import.meta.url);
  const entry = require.resolve("@prisma/schema-engine-wasm");
  const wasmFile = entry.replace(/schema_engine\.js$/, "schema_engine_bg.wasm");
  const module = new WebAssembly.Module(readFileSync(wasmFile));
  const instance = new WebAssembly.Instance(module, {
    "./schema_engine_bg.js": se as unknown as WebAssembly.ModuleImports,
  });
  (se as unknown as { __wbg_set_wasm(x: unknown): void }).__wbg_set_wasm(instance.exports);
  (instance.exports as unknown as { __wbindgen_start(): void }).__wbindgen_start();
  loaded = true;
}

type Disposable = { dispose(): Promise<void> };

// adapter-pg cannot map the internal one-byte type "char" (OID 18) that the engine's
// catalog queries return (pg_class.relkind etc.); report it as TEXT (OID 25), which is
// what its values are.
function patchPgCharColumns<T extends object>(adapter: T): T {
  const a = adapter as unknown as { performIO(q: unknown): Promise<{ fields: { dataTypeID: number }[] }> };
  const orig = a.performIO.bind(a);
  a.performIO = async (q: unknown) => {
    const res = await orig(q);
    for (const f of res.fields) if (f.dataTypeID === 18) f.dataTypeID = 25;
    return res;
  };
  return adapter;
}

// Load sqlite-vec into the engine's connection when available, so describing a
// database that holds vec0 virtual tables does not fail with "no such module".
async function loadSqliteVec(adapter: object): Promise<void> {
  const db = (adapter as { client?: { loadExtension?: unknown } }).client;
  if (!db || typeof db.loadExtension !== "function") return;
  try {
    const vec = (await import("sqlite-vec")) as { load(db: unknown): void };
    vec.load(db);
  } catch {
    // Not installed or not loadable on this platform: only matters if vec0 tables exist.
  }
}

export type EngineTarget =
  | { provider: "sqlite"; file: string }
  | { provider: "postgresql"; url: string }
  /** No database at all: enough for schema-to-schema diffs. */
  | { provider: "postgresql"; offline: true };

// A Postgres "connection" for schema-to-schema diffs without a server. On start-up the
// engine asks for connection info and runs one probe query (schema exists, server
// version); nothing else is sent for a schema-to-schema diff. Anything else fails loudly.
function offlinePgFactory(): object {
  const adapter = {
    provider: "postgres",
    adapterName: "@prisma/adapter-pg",
    getConnectionInfo: () => ({ schemaName: "public", supportsRelationJoins: true }),
    queryRaw: async (q: { sql: string }) => {
      if (/pg_namespace/.test(q.sql) && /version\(\)/.test(q.sql)) {
        return {
          columnNames: ["exists", "version", "numeric_version"],
          columnTypes: [ColumnTypeEnum.Boolean, ColumnTypeEnum.Text, ColumnTypeEnum.Int32],
          rows: [[true, "PostgreSQL 15 (offline stub)", 150000]],
        };
      }
      throw new Error(`offline Postgres stub cannot run: ${q.sql.slice(0, 120)}`);
    },
    executeRaw: async () => {
      throw new Error("offline Postgres stub cannot execute statements");
    },
    executeScript: async () => {
      throw new Error("offline Postgres stub cannot execute scripts");
    },
    startTransaction: async () => {
      throw new Error("offline Postgres stub has no transactions");
    },
    dispose: async () => {},
  };
  return {
    provider: "postgres",
    adapterName: "@prisma/adapter-pg",
    connect: async () => adapter,
    connectToShadowDb: async () => adapter,
  };
}

/** One engine instance bound to one database; call close() to release connections. */
export class EngineSession {
  private constructor(
    readonly target: EngineTarget,
    private readonly engine: SchemaEngine,
    private readonly opened: Disposable[],
    private readonly errors: { consumeError(id: number): { error: unknown } | undefined },
  ) {}

  static async open(target: EngineTarget, schema: string): Promise<EngineSession> {
    loadWasm();
    const opened: Disposable[] = [];
    let factory: object;
    if ("offline" in target) {
      factory = offlinePgFactory();
    } else if (target.provider === "sqlite") {
      const raw = new PrismaBetterSqlite3({ url: target.file });
      factory = {
        provider: raw.provider,
        adapterName: raw.adapterName,
        connect: async () => {
          const a = await raw.connect();
          await loadSqliteVec(a);
          opened.push(a);
          return a;
        },
        connectToShadowDb: () => raw.connectToShadowDb(),
      };
    } else {
      // ?schema= selects the namespace the engine describes and diffs.
      const { connectionString, schema: ns } = parsePgUrl(target.url);
      const raw = new PrismaPg(pgPoolConfig(connectionString), ns === "public" ? undefined : { schema: ns });
      factory = {
        provider: raw.provider,
        adapterName: raw.adapterName,
        connect: async () => {
          const a = patchPgCharColumns(await raw.connect());
          opened.push(a);
          return a;
        },
        connectToShadowDb: async () => patchPgCharColumns(await raw.connectToShadowDb()),
      };
    }
    const bound = bindMigrationAwareSqlAdapterFactory(factory as Parameters<typeof bindMigrationAwareSqlAdapterFactory>[0]);
    const engine = await se.SchemaEngine.new(
      { datamodels: [["schema.prisma", schema]] },
      () => {}, // engine log lines (JSON); not needed
      bound,
    );
    return new EngineSession(target, engine, opened, bound.errorRegistry);
  }

  private async call<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw new Error(`schema engine ${what} failed: ${this.explain(err)}`);
    }
  }

  /** Engine errors only say "External error id#N"; the driver error sits in the registry. */
  private explain(err: unknown): string {
    const msg = err instanceof Error ? err.message : String(err);
    const m = /External error id#(\d+)/.exec(msg);
    if (m) {
      const rec = this.errors.consumeError(Number(m[1]));
      if (rec) return `${firstLine(msg)}: ${String((rec.error as Error)?.message ?? rec.error)}`;
    }
    return msg.split("\n").filter((l) => !/^\s+(\d+:|at )/.test(l)).join("\n").trim();
  }

  /** SQL that turns `from` into `to` (both Prisma schemas of this session's provider). */
  async diffSchemas(from: string | null, to: string): Promise<string> {
    const r = await this.call("diff", () =>
      this.engine.diff({
        from: from === null ? { tag: "empty" } : { tag: "schemaDatamodel", files: [{ path: "from.prisma", content: from }] },
        to: { tag: "schemaDatamodel", files: [{ path: "schema.prisma", content: to }] },
        script: true,
        exitCode: null,
        filters: NO_FILTER,
      }),
    );
    return normaliseScript(r.stdout ?? "");
  }

  /**
   * Differences between the connected database and `schema`. `summary` is the engine's
   * human-readable list (empty when in sync), `script` the SQL that would fix the database.
   * `schema` must be a full schema (with datasource) for this session's provider.
   */
  async diffDatabase(schema: string, filter: SchemaFilter): Promise<{ summary: string; script: string }> {
    const files = [{ path: "schema.prisma", content: schema }];
    const dbTarget = { tag: "schemaDatasource" as const, files, configDir: process.cwd() };
    const args = { from: dbTarget, to: { tag: "schemaDatamodel" as const, files }, exitCode: true, filters: filter };
    const summary = await this.call("diff", () => this.engine.diff({ ...args, script: false }));
    if (summary.exitCode === 0) return { summary: "", script: "" };
    const script = await this.call("diff", () => this.engine.diff({ ...args, script: true }));
    return { summary: (summary.stdout ?? "").trim(), script: normaliseScript(script.stdout ?? "") };
  }

  /** Prisma schema of the connected database; `base` supplies names that SQL cannot carry (relation names). */
  async introspect(base: string): Promise<string> {
    const r = await this.call("introspect", () =>
      this.engine.introspect({
        schema: { files: [{ path: "schema.prisma", content: base }] },
        baseDirectoryPath: process.cwd(),
        force: false,
        compositeTypeDepth: -1,
        namespaces: null,
      }),
    );
    return r.schema.files.map((f) => f.content).join("\n");
  }

  async close(): Promise<void> {
    try {
      this.engine.free();
    } catch {
      /* already freed */
    }
    await Promise.allSettled(this.opened.splice(0).map((a) => a.dispose()));
  }
}

/** Schema-to-schema diff that needs no real database (SQLite: in-memory; Postgres: never connects). */
export async function diffSchemas(provider: Provider, from: string | null, to: string): Promise<string> {
  const target: EngineTarget =
    provider === "sqlite" ? { provider, file: ":memory:" } : { provider, offline: true };
  const s = await EngineSession.open(target, to);
  try {
    return await s.diffSchemas(from, to);
  } finally {
    await s.close();
  }
}

/**
 * pg.PoolConfig from a URL. adapter-pg's connectToShadowDb spreads the config and sets
 * `database`, which a `connectionString` would silently override, so pass discrete fields.
 */
export function pgPoolConfig(url: string): {
  host: string;
  port: number;
  user: string;
  password?: string;
  database: string;
  ssl?: boolean;
} {
  const u = new URL(url);
  const sslmode = u.searchParams.get("sslmode");
  return {
    host: decodeURIComponent(u.hostname) || "localhost",
    port: u.port ? Number(u.port) : 5432,
    user: decodeURIComponent(u.username) || "postgres",
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    database: decodeURIComponent(u.pathname.replace(/^\//, "")) || "postgres",
    ...(sslmode && sslmode !== "disable" ? { ssl: true } : {}),
  };
}

/** An empty script means "no change"; normalise trailing whitespace for stable files. */
function normaliseScript(sql: string): string {
  const t = sql.replace(/\r\n/g, "\n").trim();
  if (t === "" || /^--\s*This is an empty migration\.?$/i.test(t)) return "";
  return t + "\n";
}

function firstLine(s: string): string {
  return s.split("\n")[0] ?? s;
}
