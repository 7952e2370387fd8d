// Prisma CLI configuration (Prisma 7 no longer reads the URL from schema.prisma).
// The provider in a Prisma schema is fixed, so a postgres DATABASE_URL selects the
// derived Postgres schema (written by scripts/prisma-generate.sh) and its own
// migration history. That keeps `prisma migrate deploy` usable on a connected
// machine for either provider.
import { defineConfig } from "prisma/config";

const url = process.env.DATABASE_URL ?? "file:./data/bugsift.db";
const postgres = /^postgres(ql)?:\/\//i.test(url);

export default defineConfig({
  schema: postgres ? "prisma/postgres/schema.prisma" : "prisma/schema.prisma",
  migrations: {
    path: postgres ? "prisma/migrations-postgres" : "prisma/migrations",
  },
  datasource: { url },
});
