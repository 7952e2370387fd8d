// The seed helper's --embedding-cache (used to build benchmark databases for corpora `npm run evaluate:table` has
// already encoded): the re-index encoder reads and writes the evaluation's vector cache, one vector per report text,
// under the key the evaluation computes for the same model; a second database seeded from the warm cache leaves it
// as it was.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { createPrisma } from "@/lib/db/client";
import { embeddingText } from "@/lib/corpus/vectors";
import { OnnxEncoder } from "@/lib/embedding/encoder";
import { loadModelDir } from "@/lib/embedding/modeldir";
import { encoderCacheKey } from "@/lib/offline/eval/embedding-cache";
import { seedTestDatabase, testModelDir, TestServerUnavailable } from "@/lib/offline/app-server";

let dir: string;

before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "bugsift-seed-cache-"));
});

after(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

const readVectors = (file: string) => {
  const db = new Database(file, { readonly: true });
  try {
    return new Map((db.prepare("SELECT text_sha, vec FROM vectors").all() as { text_sha: Buffer; vec: Buffer }[]).map((r) => [r.text_sha.toString("hex"), r.vec]));
  } finally {
    db.close();
  }
};

test("seed --embedding-cache encodes each report text once into the evaluation's cache and reuses it", async (t) => {
  const cacheDir = path.join(dir, "embeddings");
  const seed = async (name: string) => {
    const dbUrl = `file:${path.join(dir, `${name}.db`)}`;
    const env = { INDEX_SQLITE_PATH: path.join(dir, `${name}-vectors.db`), QDRANT_URL: "" };
    seedTestDatabase(dbUrl, { modelDir: "/nonexistent", index: false, env });
    let model;
    try {
      model = await testModelDir(dbUrl);
    } catch (e) {
      if (e instanceof TestServerUnavailable) return null;
      throw e;
    }
    return { dbUrl, model: model.dir, summary: seedTestDatabase(dbUrl, { modelDir: model.dir, corpus: null, index: true, env, embeddingCache: cacheDir }) };
  };
  const first = await seed("first");
  if (!first) return t.skip("no test model");
  const prisma = createPrisma(first.dbUrl);
  let texts: string[];
  try {
    texts = (await prisma.report.findMany()).map(embeddingText);
  } finally {
    await prisma.$disconnect();
  }
  assert.equal(first.summary.indexed, texts.length);
  const enc = await OnnxEncoder.load(first.model);
  let file: string;
  try {
    file = path.join(cacheDir, `${encoderCacheKey(enc, loadModelDir(first.model).onnxPath, "mean")}.db`);
  } finally {
    await enc.close();
  }
  assert.deepEqual(fs.readdirSync(cacheDir).filter((f) => f.endsWith(".db")), [path.basename(file)]);
  const cached = readVectors(file);
  const shas = new Set(texts.map((x) => crypto.createHash("sha256").update(x).digest("hex")));
  assert.equal(cached.size, shas.size, "one cached vector per distinct report text");
  for (const s of shas) assert.ok(cached.has(s));

  // A second database from the warm cache: every text is found, the cache keeps the same vectors.
  const second = await seed("second");
  assert.equal(second!.summary.indexed, texts.length);
  assert.deepEqual(readVectors(file), cached);
});
