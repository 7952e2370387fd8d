// `npm run setup`: everything a fresh checkout needs before `next start`, idempotent so it can be re-run:
// migrate the database, load the demo corpus when the database is empty, train the default model when
// MODEL_DIR has none, index every report, and make sure an admin token exists.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import path from "node:path";
import { disconnectPrisma, getPrisma } from "@/lib/db/client";
import { defaultModelDir } from "@/lib/embedding/encoder";

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

const prisma = getPrisma();
const reports = await prisma.report.count();
await disconnectPrisma();
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

if (!process.env.ADMIN_TOKEN) {
  const file = path.join(root, "data", "admin-token");
  if (!existsSync(file)) {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, randomBytes(18).toString("base64url") + "\n", { mode: 0o600 });
  }
  console.log(`\nadmin token (data/admin-token; set ADMIN_TOKEN to choose your own): ${readFileSync(file, "utf8").trim()}`);
}
console.log("\nsetup done.");
