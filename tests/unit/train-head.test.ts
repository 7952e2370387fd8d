// Linear head on a frozen encoder: gradient, training with each loss, and folding into ONNX graphs
// (tiny BERT with mean and CLS pooling, the static model) checked against the runtime encoder.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { OnnxEncoder } from "@/lib/embedding/encoder";
import { buildBertModelDir } from "@/lib/offline/onnx/bert";
import { LinearHead, foldHeadIntoOnnx, precomputeEmbeddings, saveHeadModelDir, trainLinearHead, type RowExample } from "@/lib/offline/train/head";
import { LOSS_NAMES, multipleNegativesRankingLoss } from "@/lib/offline/train/losses";
import { StaticEmbeddingModel, saveStaticModel } from "@/lib/offline/train/static-model";
import { gaussian, rng, type Mat } from "@/lib/offline/train/tensor";

const TOKENIZER_DIR = path.resolve("assets/tokenizer");

function randMat(rows: number, cols: number, seed: number): Mat<Float32Array> {
  const g = gaussian(rng(seed));
  const data = new Float32Array(rows * cols);
  for (let i = 0; i < data.length; i++) data[i] = g();
  return { data, rows, cols };
}

function randomHead(dim: number, seed: number): LinearHead {
  const g = gaussian(rng(seed));
  const head = new LinearHead(dim);
  for (let i = 0; i < head.weight.length; i++) head.weight[i]! += 0.3 * g();
  return head;
}

const cos = (a: Float32Array, b: Float32Array) => {
  let d = 0, na = 0, nb = 0;
  for (let i = 0; i < a.length; i++) {
    d += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return d / Math.sqrt(na * nb);
};

test("head gradient dL/dW matches finite differences", () => {
  const d = 5;
  const x = randMat(6, d, 1);
  const head = randomHead(d, 2);
  const loss = () => {
    const y = head.forward(x);
    const a = { data: y.data.slice(0, 3 * d), rows: 3, cols: d };
    const p = { data: y.data.slice(3 * d), rows: 3, cols: d };
    return multipleNegativesRankingLoss(a, p, null, { scale: 5 });
  };
  const r = loss();
  const gy = new Float32Array(6 * d);
  gy.set(r.gradA, 0);
  gy.set(r.gradB, 3 * d);
  const gw = head.backward(x, gy);
  const maxAbs = Math.max(...gw.map(Math.abs));
  const h = 1e-2;
  for (let i = 0; i < gw.length; i++) {
    const old = head.weight[i]!;
    head.weight[i] = old + h;
    const fp = loss().loss;
    head.weight[i] = old - h;
    const fm = loss().loss;
    head.weight[i] = old;
    const num = (fp - fm) / (2 * h);
    assert.ok(Math.abs(num - gw[i]!) / maxAbs < 5e-3, `dW[${i}]: analytic ${gw[i]} numeric ${num}`);
  }
});

test("identity head changes nothing; trained head learns to suppress a nuisance subspace", async (t) => {
  const d = 8;
  // Pair i shares a signal in dims 0-3; dims 4-7 hold large independent noise on each side, which dominates the
  // cosine under the identity head. A shared linear head can learn to drop those dims.
  const n = 200;
  const signal = randMat(n, 4, 3);
  const noise = randMat(2 * n, 4, 4);
  const emb = new Float32Array(2 * n * d);
  for (let r = 0; r < 2 * n; r++) {
    for (let k = 0; k < 4; k++) {
      emb[r * d + k] = signal.data[(r % n) * 4 + k]!;
      emb[r * d + 4 + k] = 3 * noise.data[r * 4 + k]!;
    }
  }
  const E = { data: emb, rows: 2 * n, cols: d };
  const ident = new LinearHead(d);
  assert.deepEqual(Array.from(ident.forward({ data: emb.slice(0, d), rows: 1, cols: d }).data), Array.from(emb.slice(0, d)));

  const examples: RowExample[] = Array.from({ length: n }, (_, i) => ({ anchor: n + i, positive: i, groups: [i] }));
  const train = examples.slice(0, 150);
  const test_ = examples.slice(150);
  const top1 = (head: LinearHead) => {
    const y = head.forward(E);
    let hits = 0;
    for (const ex of test_) {
      const q = y.data.slice(ex.anchor * d, (ex.anchor + 1) * d);
      let best = -1, bestS = -Infinity;
      for (const c of test_) {
        const s = cos(q, y.data.slice(c.positive * d, (c.positive + 1) * d));
        if (s > bestS) [bestS, best] = [s, c.positive];
      }
      if (best === ex.positive) hits++;
    }
    return hits / test_.length;
  };
  const before = top1(ident);
  const { head, summary } = await trainLinearHead(E, train, { epochs: 30, lr: 0.02, batchSize: 32, seed: 1 });
  const after = top1(head);
  t.diagnostic(`held-out top-1 ${before.toFixed(2)} -> ${after.toFixed(2)}; loss ${summary.epochLosses[0]!.toFixed(3)} -> ${summary.epochLosses.at(-1)!.toFixed(3)}`);
  assert.ok(after >= before + 0.3, `head did not learn the map: top-1 ${before} -> ${after}`);
});

test("every loss trains the head (loss falls)", async () => {
  const d = 6;
  const E = randMat(60, d, 7);
  // positives = anchors + small noise; negatives = other random rows
  for (let r = 30; r < 60; r++) for (let k = 0; k < d; k++) E.data[r * d + k] = E.data[(r - 30) * d + k]! + 0.3 * E.data[r * d + k]!;
  const ex: RowExample[] = Array.from({ length: 30 }, (_, i) => ({ anchor: i, positive: 30 + i, negative: (i + 7) % 30, groups: [i] }));
  for (const loss of LOSS_NAMES) {
    const { summary } = await trainLinearHead(E, ex, { epochs: 15, lr: 0.01, batchSize: 10, seed: 2, objective: { loss } });
    assert.ok(summary.epochLosses.at(-1)! < summary.epochLosses[0]!, `${loss}: loss ${summary.epochLosses[0]} -> ${summary.epochLosses.at(-1)}`);
  }
});

async function checkFolded(srcDir: string, head: LinearHead, texts: string[]) {
  const dst = `${srcDir}-head`;
  saveHeadModelDir(srcDir, dst, head, { test: true });
  const base = await OnnxEncoder.load(srcDir);
  const folded = await OnnxEncoder.load(dst);
  try {
    const frozen = await precomputeEmbeddings(base, texts);
    const got = await folded.encode(texts, { batchSize: 3 });
    texts.forEach((_, i) => {
      const want = head.embed(frozen.data.slice(i * head.dim, (i + 1) * head.dim));
      const c = cos(got[i]!, want);
      assert.ok(c > 0.9999, `text ${i}: folded model vs head(frozen) cosine ${c}`);
    });
    assert.ok(fs.existsSync(path.join(dst, "bugsift_training.json")));
  } finally {
    await base.close();
    await folded.close();
  }
}

const TEXTS = ["NameNode fails to start after upgrade", "short", "a much longer text about block reports and datanode heartbeats timing out under load", "x"];

test("folded head in a tiny BERT graph equals head(frozen vectors), mean and CLS pooling; max pooling refused", async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "head-bert-"));
  try {
    for (const pooling of ["mean", "cls"] as const) {
      const dir = path.join(root, pooling);
      buildBertModelDir(dir, { preset: "tiny", tokenizerDir: TOKENIZER_DIR, pooling, seed: 5 });
      await checkFolded(dir, randomHead(32, 11), TEXTS);
    }
    const maxDir = path.join(root, "max");
    buildBertModelDir(maxDir, { preset: "tiny", tokenizerDir: TOKENIZER_DIR, pooling: "max", seed: 5 });
    assert.throws(() => saveHeadModelDir(maxDir, `${maxDir}-head`, new LinearHead(32)), /max pooling is not linear/);
    assert.throws(() => saveHeadModelDir(path.join(root, "mean"), `${root}/x`, new LinearHead(16)), /32 dims, head is 16x16/);
    assert.throws(() => foldHeadIntoOnnx(new Uint8Array(fs.readFileSync(path.join(root, "mean", "model.onnx"))), new LinearHead(16), "mean"), /width 32, head is 16x16/);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test("folded head in the static model graph equals head(frozen vectors)", async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "head-static-"));
  try {
    const V = 30522;
    const d = 16;
    const g = gaussian(rng(21));
    const table = new Float32Array(V * d);
    for (let i = 0; i < table.length; i++) table[i] = g();
    const model = new StaticEmbeddingModel({ vocabSize: V, dim: d, table, specialIds: [0, 100, 101, 102, 103] });
    const dir = path.join(root, "static");
    saveStaticModel(model, dir, { tokenizerJsonPath: path.join(TOKENIZER_DIR, "tokenizer.json") });
    await checkFolded(dir, randomHead(d, 12), TEXTS);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});
