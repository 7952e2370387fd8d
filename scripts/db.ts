// Database CLI (offline-capable). Usage: tsx scripts/db.ts <command>
//   derive-postgres   write prisma/postgres/schema.prisma from prisma/schema.prisma
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";

async function main(argv: string[]): Promise<number> {
  const [cmd] = argv;
  switch (cmd) {
    case "derive-postgres": {
      const { readSchema, PG_SCHEMA_PATH } = await import("../lib/db/schema-source");
      mkdirSync(path.dirname(PG_SCHEMA_PATH), { recursive: true });
      writeFileSync(PG_SCHEMA_PATH, readSchema("postgresql"));
      return 0;
    }
    default:
      console.error(`unknown command "${cmd ?? ""}"`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
