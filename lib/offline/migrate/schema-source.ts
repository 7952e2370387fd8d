// Reads prisma/schema.prisma and derives the Postgres twin of it. Prisma fixes the
// provider per schema (and per generated client), so Postgres support means a second
// schema that differs only in the datasource provider and the generator output.
import { readFileSync } from "node:fs";
import path from "node:path";

export type Provider = "sqlite" | "postgresql";

/** Repo root: lib/db/ is two levels below it. */
export const REPO_ROOT = path.resolve(import.meta.dirname ?? path.dirname(new URL(import.meta.url).pathname), "../../..");

export const SCHEMA_PATH = path.join(REPO_ROOT, "prisma", "schema.prisma");
export const PG_SCHEMA_PATH = path.join(REPO_ROOT, "prisma", "postgres", "schema.prisma");

export function migrationsDir(provider: Provider): string {
  return path.join(REPO_ROOT, "prisma", provider === "sqlite" ? "migrations" : "migrations-postgres");
}

export function readSchema(provider: Provider = "sqlite"): string {
  const sqlite = readFileSync(SCHEMA_PATH, "utf8");
  return provider === "sqlite" ? sqlite : derivePostgresSchema(sqlite);
}

const HEADER =
  "// GENERATED from prisma/schema.prisma by scripts/prisma-generate.sh - do not edit.\n" +
  "// Same models; provider postgresql; client generated into lib/generated/prisma-pg.\n";

/**
 * Rewrites the datasource provider to postgresql and moves the generator output to
 * `<output>-pg`, re-relativised for prisma/postgres/. Throws when the source schema
 * does not have the shape we rely on, so a silent half-rewrite cannot happen.
 */
export function derivePostgresSchema(sqliteSchema: string): string {
  const ds = /(datasource\s+\w+\s*\{[^}]*?provider\s*=\s*)"sqlite"/;
  if (!ds.test(sqliteSchema)) {
    throw new Error('prisma/schema.prisma: expected a datasource block with provider = "sqlite"');
  }
  let out = sqliteSchema.replace(ds, '$1"postgresql"');
  const gen = /(generator\s+\w+\s*\{[^}]*?output\s*=\s*)"([^"]+)"/;
  const m = gen.exec(out);
  if (!m) throw new Error("prisma/schema.prisma: expected a generator block with an output path");
  const srcDir = path.dirname(SCHEMA_PATH);
  const absOut = path.resolve(srcDir, m[2]!) + "-pg";
  const relOut = path.relative(path.dirname(PG_SCHEMA_PATH), absOut).split(path.sep).join("/");
  out = out.replace(gen, `$1"${relOut}"`);
  return HEADER + out;
}
