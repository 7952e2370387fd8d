// Postgres URL handling shared by the client, the runner and the schema engine.
// Prisma URLs may carry `?schema=name`, which node-postgres does not understand:
// we strip it and apply it as the search_path / adapter schema instead.

export interface PgTarget {
  /** Connection string without Prisma-only parameters. */
  connectionString: string;
  /** Schema (namespace) for Prisma's tables; "public" unless ?schema= says otherwise. */
  schema: string;
}

export function parsePgUrl(url: string): PgTarget {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new Error("DATABASE_URL is not a valid postgres URL");
  }
  const schema = u.searchParams.get("schema") ?? "public";
  if (!/^[A-Za-z_][A-Za-z0-9_$]*$/.test(schema)) {
    throw new Error(`DATABASE_URL ?schema="${schema}" is not a plain identifier`);
  }
  u.searchParams.delete("schema");
  return { connectionString: u.toString(), schema };
}

/** Double-quoted identifier. */
export function qi(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
