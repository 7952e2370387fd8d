// Throwaway databases ("shadow databases" in Prisma's terms) used to compute the schema
// a migration history produces. SQLite: a temp file. Postgres: a temp schema inside an
// existing database, so no CREATEDB privilege is needed.
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { parsePgUrl, qi } from "@/lib/db/pg-url";
import { migrate } from "@/lib/offline/migrate/runner";
import type { EngineTarget } from "@/lib/offline/migrate/schema-engine";
import type { Provider } from "@/lib/offline/migrate/schema-source";

export interface Shadow {
  url: string;
  target: EngineTarget;
  drop(): Promise<void>;
}

/** `pgServerUrl` is required for Postgres: any database on the server the shadow may live in. */
export async function createShadow(provider: Provider, pgServerUrl?: string): Promise<Shadow> {
  if (provider === "sqlite") {
    const dir = mkdtempSync(path.join(os.tmpdir(), "bugsift-shadow-"));
    const file = path.join(dir, "shadow.db");
    return {
      url: `file:${file}`,
      target: { provider, file },
      drop: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  if (!pgServerUrl) {
    throw new Error("a Postgres shadow database needs a server: set DATABASE_URL, SHADOW_DATABASE_URL or TEST_POSTGRES_URL");
  }
  const { connectionString } = parsePgUrl(pgServerUrl);
  const schema = `prisma_shadow_${randomBytes(6).toString("hex")}`;
  const u = new URL(connectionString);
  u.searchParams.set("schema", schema);
  const url = u.toString();
  return {
    url,
    target: { provider, url },
    drop: async () => {
      const c = new pg.Client({ connectionString });
      await c.connect();
      try {
        await c.query(`DROP SCHEMA IF EXISTS ${qi(schema)} CASCADE`);
      } finally {
        await c.end();
      }
    },
  };
}

/** A shadow database with every migration in `dir` applied. */
export async function historyShadow(provider: Provider, dir: string, pgServerUrl?: string): Promise<Shadow> {
  const shadow = await createShadow(provider, pgServerUrl);
  try {
    await migrate(shadow.url, { dir });
    return shadow;
  } catch (err) {
    await shadow.drop();
    throw new Error(`the migration history in ${dir} does not apply to an empty database: ${(err as Error).message}`);
  }
}
