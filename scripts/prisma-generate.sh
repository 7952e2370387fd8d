#!/usr/bin/env bash
# Generates both Prisma clients (SQLite: lib/generated/prisma, Postgres: lib/generated/prisma-pg)
# and the derived Postgres schema (prisma/postgres/schema.prisma). Works offline.
#
# `prisma generate` itself never runs the schema engine, but the Prisma 7 CLI tries to
# download it at start-up and fails without network. Pointing PRISMA_SCHEMA_ENGINE_BINARY
# at any existing file skips that download; we only do so when no engine is installed.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -z "${PRISMA_SCHEMA_ENGINE_BINARY:-}" ]; then
  if ! ls node_modules/@prisma/engines/schema-engine-* >/dev/null 2>&1; then
    PRISMA_SCHEMA_ENGINE_BINARY="$(type -P false)"  # builtins do not count: need a real file
    export PRISMA_SCHEMA_ENGINE_BINARY
  fi
fi
export PRISMA_HIDE_UPDATE_MESSAGE=1 CHECKPOINT_DISABLE=1

node --import tsx scripts/db.ts derive-postgres
# DATABASE_URL only picks which schema prisma.config.ts loads; generate never connects.
DATABASE_URL="file:./data/bugsift.db" node_modules/.bin/prisma generate --schema prisma/schema.prisma
DATABASE_URL="postgresql://localhost/unused" node_modules/.bin/prisma generate --schema prisma/postgres/schema.prisma
