// `npm run setup`: everything a fresh checkout needs before `next start`, idempotent so it can be re-run:
// migrate the database, load the demo corpus when the database is empty, train the default model when
// MODEL_DIR has none, index every report, and make sure an admin token exists.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { config } from "@/lib/config";
import { createPrisma } from "@/lib/db/client";
import { adminToken } from "@/lib/http/auth";
import { defaultModelDir } from "@/lib/models/registry";

const root = path.resolve(import.meta.dirname, "..");
process.chdir(root);

function step(title: string, args: string[]): void {
  console.log(`\n== ${title}`);
  const r = spawnSync(process.execPath, ["--import", "tsx", ...args], { stdio: "inherit", env: process.env });
  if (r.status !== 0) {
    console.error(`setup: step "${title}" failed (exit ${r.status ?? r.signal}); fix the error above and re-run npm run setup`);
    process.exit(1);
  }
}


step("database migrations", ["scripts/db.ts", "migrate"]);

const prisma = createPrisma(config().databaseUrl);
const reports = await prisma.report.count();
await prisma.$disconnect();
const modelDir = defaultModelDir();
if (reports === 0) {
  step("demo corpus import", ["scripts/ingest.ts", "data/demo/reports.jsonl", "--format", "jsonl", "--source", "demo"]);
} else {
  console.log(`\n== database already holds ${reports} reports: demo import skipped`);
}

if (!existsSync(path.join(modelDir, "model.onnx"))) {
  step(`default model (trained on this corpus) -> ${modelDir}`, ["scripts/build-default-model.ts", "--out", modelDir]);
}

step("index", ["scripts/reindex.ts", "--if-needed"]);

// Creates data/admin-token (random, mode 0600) when ADMIN_TOKEN is unset and the file is missing.
const token = adminToken();
if (!config().adminToken) {
  console.log(`\nadmin token (${path.relative(root, config().adminTokenFile)}; set ADMIN_TOKEN to choose your own): ${token}`);
}
console.log("\nsetup done.");
