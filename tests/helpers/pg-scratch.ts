// Scratch schemas on the test Postgres server (TEST_POSTGRES_URL, e.g. from scripts/pg-test-server.sh): each
// suite makes its own schemas, random names behind a prefix, so concurrent or aborted runs never share tables,
// and drops them when it ends.
import { randomBytes } from "node:crypto";
import pg from "pg";
import { parsePgUrl, qi } from "@/lib/db/pg-url";

export class PgScratch {
  private readonly made: string[] = [];
  /** The server's connection string without a ?schema=. */
  readonly server: string;

  constructor(serverUrl: string, private readonly prefix: string) {
    this.server = parsePgUrl(serverUrl).connectionString;
  }

  /** A new schema's name and the database URL that names it (Prisma's ?schema=). */
  schema(): { url: string; schema: string } {
    const schema = `${this.prefix}_${randomBytes(5).toString("hex")}`;
    this.made.push(schema);
    const u = new URL(this.server);
    u.searchParams.set("schema", schema);
    return { url: u.toString(), schema };
  }

  /** One statement on its own connection to the server. */
  async sql<T extends pg.QueryResultRow = Record<string, unknown>>(text: string, params: unknown[] = []): Promise<T[]> {
    const c = new pg.Client({ connectionString: this.server });
    await c.connect();
    try {
      return (await c.query<T>(text, params)).rows;
    } finally {
      await c.end();
    }
  }

  /** Drops every schema schema() made. */
  async dropAll(): Promise<void> {
    for (const s of this.made.splice(0)) await this.sql(`DROP SCHEMA IF EXISTS ${qi(s)} CASCADE`);
  }
}
