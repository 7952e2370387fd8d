import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { OnnxEncoder } from "@/lib/embedding/encoder";
import type { Encoder } from "@/lib/embedding/types";
import { aggregateAcrossSplits, formatAcrossSplits } from "@/lib/offline/eval/across-splits";
import { withEmbeddingCache } from "@/lib/offline/eval/embedding-cache";
import { scoreQuery } from "@/lib/offline/eval/metrics";
import type { RankerResult } from "@/lib/offline/eval/protocol";
import { ensureBertModelDir } from "@/lib/offline/onnx/bert";

function tinyModelDir(): string {
  return ensureBertModelDir(path.join(os.tmpdir(), "bugsift-test-models", "tiny-mean"), {
    preset: "tiny",
    tokenizerDir: path.resolve("assets/tokenizer"),
    pooling: "mean",
    maxSeqLength: 128,
  });
}

/** An encoder that counts the texts reaching `real` and can be told to fail on its n-th call. */
function counting(real: Encoder, failOnCall = 0): Encoder & { encoded: number } {
  let calls = 0;
  const enc = {
    modelDir: real.modelDir,
    dims: real.dims,
    maxLength: real.maxLength,
    pooling: real.pooling,
    encoded: 0,
    encode: async (texts: string[], opts?: Parameters<Encoder["encode"]>[1]) => {
      if (++calls === failOnCall) throw new Error("killed");
      enc.encoded += texts.length;
      return real.encode(texts, opts);
    },
    close: () => real.close(),
  };
  return enc;
}

// A ranker result whose queries found their duplicate at the given ranks (null = not found).
function result(ranker: string, ranks: Array<number | null>): RankerResult {
  const scores = ranks.map((r, i) => {
    const ranked = Array.from({ length: 30 }, (_, j) => 1000 + j);
    if (r !== null) ranked[r - 1] = 1;
    return scoreQuery(i + 1, ranked, [1]);
  });
  return { ranker, kind: "bm25", model: null, scores, summary: undefined as never };
}

test("mean over splits averages each split's metric, not the pooled queries", () => {
  // Split A: 2 queries, both hit at rank 1 (R@1 = 1). Split B: 4 queries, one hit at rank 1 (R@1 = 0.25).
  // Split mean = 0.625; pooling the 6 queries would give 0.5.
  const rows = aggregateAcrossSplits([
    { split: "time:0.3", results: [result("bm25", [1, 1])] },
    { split: "time:0.5", results: [result("bm25", [1, null, 12, 30])] },
  ]);
  assert.equal(rows.length, 1);
  const [row] = rows;
  assert.deepEqual(row!.splits, ["time:0.3", "time:0.5"]);
  assert.deepEqual(row!.n, [2, 4]);
  assert.equal(row!.mean["r@1"], 0.625);
  assert.equal(row!.mean["r@20"], (1 + 0.5) / 2); // rank 30 is past 20
  assert.ok(Math.abs(row!.mean.mrr - (1 + (1 + 1 / 12 + 1 / 30) / 4) / 2) < 1e-12);
  // The interval holds the mean and lies inside [0, 1]; a split that always hits has no spread of its own.
  const ci = row!.ci["r@1"];
  assert.ok(ci.low <= 0.625 && 0.625 <= ci.high, `CI ${ci.low}..${ci.high}`);
  assert.ok(ci.low >= 0.5 && ci.high <= 1, `CI ${ci.low}..${ci.high}`);
});

test("rankers keep first-seen order and a row missing from one split is averaged over the others", () => {
  const rows = aggregateAcrossSplits([
    { split: "a", results: [result("bm25", [1]), result("hybrid:x", [2])] },
    { split: "b", results: [result("bm25", [null])] },
  ]);
  assert.deepEqual(rows.map((r) => r.ranker), ["bm25", "hybrid:x"]);
  assert.deepEqual(rows[1]!.splits, ["a"]);
  assert.equal(rows[1]!.mean.mrr, 0.5);
  const md = formatAcrossSplits(rows);
  assert.match(md, /^\| ranker \| R@1 \| R@5 \| R@10 \| R@20 \| MRR \| MAP \|/);
  assert.match(md, /\| hybrid:x \| 0\.000 \| 1\.000 \| 1\.000 \| 1\.000 \| 0\.500 \|/);
});

test("the embedding cache returns the encoder's own vectors and encodes each text once per model", async () => {
  const dir = tinyModelDir();
  const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), "embcache-"));
  const onnxPath = path.join(dir, "model.onnx");
  const texts = ["NameNode crashes on restart", "Hive query fails with NPE", "NameNode crashes on restart"];
  const real = counting(await OnnxEncoder.load(dir));
  const direct = await (await OnnxEncoder.load(dir)).encode(texts);

  const first = withEmbeddingCache(real, { cacheDir, onnxPath });
  const a = await first.encode(texts.slice(0, 2));
  assert.equal(real.encoded, 2);
  const b = await first.encode(texts);
  assert.equal(real.encoded, 2, "cached texts are not encoded again");
  b.forEach((v, i) => assert.deepEqual(Array.from(v), Array.from(direct[i]!)));
  assert.deepEqual(Array.from(a[1]!), Array.from(direct[1]!));
  await first.close();

  // A new process (new wrapper) reads the same file; a different chunk pooling is a different cache.
  const again = counting(await OnnxEncoder.load(dir));
  const second = withEmbeddingCache(again, { cacheDir, onnxPath });
  await second.encode(texts);
  assert.equal(again.encoded, 0);
  await second.close();
  const max = counting(await OnnxEncoder.load(dir));
  const third = withEmbeddingCache(max, { cacheDir, onnxPath, chunkPooling: "max" });
  await third.encode(texts);
  assert.equal(max.encoded, 3);
  await third.close();
  fs.rmSync(cacheDir, { recursive: true, force: true });
});

test("a text encoded under a window cap is cached apart from the same text with every window", async () => {
  const dir = tinyModelDir();
  const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), "embcache-"));
  const onnxPath = path.join(dir, "model.onnx");
  const long = Array.from({ length: 200 }, (_, i) => `datanode${i % 11} block${i % 17} replica${i % 5}`).join(" ");
  const real = counting(await OnnxEncoder.load(dir));
  const direct = await OnnxEncoder.load(dir);
  assert.ok(direct.windows(long).length > 1, "the text must need several windows");
  const cached = withEmbeddingCache(real, { cacheDir, onnxPath });
  const [all] = await cached.encode([long]);
  const [one] = await cached.encode([long], { maxWindows: 1 });
  assert.equal(real.encoded, 2, "the capped text is encoded, not read from the uncapped entry");
  assert.deepEqual(Array.from(one!), Array.from((await direct.encode([long], { maxWindows: 1 }))[0]!));
  assert.notDeepEqual(Array.from(one!), Array.from(all!));
  const [oneAgain] = await cached.encode([long], { maxWindows: 1 });
  const [allAgain] = await cached.encode([long]);
  assert.equal(real.encoded, 2, "both entries are read back");
  assert.deepEqual(Array.from(oneAgain!), Array.from(one!));
  assert.deepEqual(Array.from(allAgain!), Array.from(all!));
  await cached.close();
  await direct.close();
  fs.rmSync(cacheDir, { recursive: true, force: true });
});

test("a run that dies mid-corpus keeps the blocks it finished in the cache", async () => {
  const dir = tinyModelDir();
  const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), "embcache-"));
  const onnxPath = path.join(dir, "model.onnx");
  const texts = Array.from({ length: 700 }, (_, i) => `report ${i} about block ${i % 7}`);
  const first = withEmbeddingCache(counting(await OnnxEncoder.load(dir), 2), { cacheDir, onnxPath });
  await assert.rejects(first.encode(texts), /killed/);
  await first.close();

  const again = counting(await OnnxEncoder.load(dir));
  const second = withEmbeddingCache(again, { cacheDir, onnxPath });
  const vectors = await second.encode(texts);
  assert.equal(vectors.length, 700);
  assert.ok(again.encoded > 0 && again.encoded < 700, `only the unfinished block is encoded again (encoded ${again.encoded})`);
  await second.close();
  fs.rmSync(cacheDir, { recursive: true, force: true });
});
