// Database CLI that works offline (no Prisma schema-engine binary needed).
// Run from the repo root:  tsx scripts/db.ts <command>
//
//   migrate           apply pending migrations to DATABASE_URL (default file:./data/bugsift.db)
//   status            list applied / pending / edited migrations; exit 1 unless up to date
//   new <name>        write prisma/migrations{,-postgres}/<ts>_<name>/migration.sql from schema.prisma
//   check             drift check (exit 1 on any difference); --history-only skips the database
//   derive-postgres   write prisma/postgres/schema.prisma (used by scripts/prisma-generate.sh)
//
// Postgres: DATABASE_URL=postgresql://... selects prisma/migrations-postgres. For `new` and
// `check` run against SQLite, SHADOW_DATABASE_URL (or TEST_POSTGRES_URL) names a Postgres
// server on which the Postgres history is built exactly (in a temporary schema).
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { config } from "@/lib/config";

const USAGE = `usage: tsx scripts/db.ts <migrate|status|new <name>|check [--history-only]|derive-postgres>`;

function pgServerFromEnv(): string | undefined {
  const u = process.env.SHADOW_DATABASE_URL || process.env.TEST_POSTGRES_URL;
  return u && /^postgres(ql)?:\/\//i.test(u) ? u : undefined;
}

async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  switch (cmd) {
    case "derive-postgres": {
      const { readSchema, PG_SCHEMA_PATH } = await import("@/lib/offline/migrate/schema-source");
      mkdirSync(path.dirname(PG_SCHEMA_PATH), { recursive: true });
      writeFileSync(PG_SCHEMA_PATH, readSchema("postgresql"));
      return 0;
    }

    case "migrate": {
      const { redact } = await import("@/lib/db/url");
      const { migrate } = await import("@/lib/offline/migrate/runner");
      const url = config().databaseUrl;
      const r = await migrate(url, { log: (l) => console.log(l) });
      console.log(
        r.applied.length === 0
          ? `${redact(url)}: already up to date`
          : `${redact(url)}: applied ${r.applied.length} migration(s)`,
      );
      return 0;
    }

    case "status": {
      const { redact } = await import("@/lib/db/url");
      const { migrationStatus, isUpToDate } = await import("@/lib/offline/migrate/runner");
      const url = config().databaseUrl;
      const s = await migrationStatus(url);
      console.log(`database:   ${redact(url)} (${s.provider})`);
      console.log(`migrations: ${path.relative(process.cwd(), s.dir) || s.dir} (${s.local.length} found)`);
      for (const m of s.local) {
        const row = s.applied.find((a) => a.migrationName === m.name);
        const edited = s.edited.some((e) => e.name === m.name);
        const state = edited ? "EDITED after apply" : row ? `applied ${row.finishedAt?.toISOString()}` : s.failed.includes(m.name) ? "FAILED" : "pending";
        console.log(`  ${m.name}  ${state}`);
      }
      for (const n of s.missingLocally) console.log(`  ${n}  applied, but missing from the folder`);
      if (isUpToDate(s)) {
        console.log("Database schema is up to date!");
        return 0;
      }
      console.log(
        s.edited.length || s.failed.length || s.missingLocally.length
          ? "The history and the database disagree (see above)."
          : `${s.pending.length} migration(s) pending: run tsx scripts/db.ts migrate`,
      );
      return 1;
    }

    case "new": {
      const name = rest.find((a) => !a.startsWith("-"));
      if (!name) {
        console.error("usage: tsx scripts/db.ts new <name>");
        return 2;
      }
      const { createMigration } = await import("@/lib/offline/migrate/history");
      const r = await createMigration(name, { pgServerUrl: pgServerFromEnv() });
      if (!r.folder) {
        console.log("schema.prisma matches the migration history: nothing to do.");
        return 0;
      }
      for (const f of r.files) console.log(`wrote ${path.relative(process.cwd(), f)}`);
      for (const w of r.warnings) console.warn(`warning: ${w}`);
      return 0;
    }

    case "check": {
            const { runCheck } = await import("@/lib/offline/migrate/drift");
      const report = await runCheck(config().databaseUrl, {
        pgServerUrl: pgServerFromEnv(),
        databaseCheck: !rest.includes("--history-only"),
      });
      for (const s of report.sections) {
        if (s.skipped) console.log(`SKIP ${s.title}: ${s.skipped}`);
        else if (s.problems.length === 0) console.log(`ok   ${s.title}`);
        else {
          console.log(`FAIL ${s.title}`);
          for (const p of s.problems) console.log(`  - ${p}`);
        }
      }
      return report.ok ? 0 : 1;
    }

    default:
      console.error(cmd ? `unknown command "${cmd}"\n${USAGE}` : USAGE);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`error: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
