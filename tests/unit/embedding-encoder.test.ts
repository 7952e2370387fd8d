// Real ONNX inference on a tiny BERT-architecture model (built once, cached in the OS temp dir).
import { test, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { env, pipeline } from "@huggingface/transformers";
import { OnnxEncoder, getEncoder } from "@/lib/embedding/encoder";
import { getDefaultEncoder } from "@/lib/models/registry";
import { resetConfig } from "@/lib/config";
import { cosine } from "@/lib/embedding/pooling";
import { ensureBertModelDir } from "@/lib/offline/onnx/bert";
import { writeOnnxModel } from "@/lib/offline/onnx/writer";
import { writeSentenceTransformersDir } from "@/lib/offline/onnx/st-dir";

const TOKENIZER_DIR = path.resolve("assets/tokenizer");
const MODELS = path.join(os.tmpdir(), "bugsift-test-models");
const tinyDir = (pooling: "mean" | "cls") =>
  ensureBertModelDir(path.join(MODELS, `tiny-${pooling}`), { preset: "tiny", tokenizerDir: TOKENIZER_DIR, pooling, maxSeqLength: 128 });

const TEXTS = [
  "NullPointerException in DataNode when the disk is full",
  "a",
  "Job tracker UI shows negative map slots after restart; steps: start cluster, kill tasktracker, observe /jobtracker.jsp",
  "Héllo wörld 日本語 🙂",
  "",
  "org.apache.hadoop.hdfs.DFSClient.create(DFSClient.java:1234) failed with java.io.IOException: No space left on device",
];

const opened: OnnxEncoder[] = [];
after(async () => {
  for (const e of opened) await e.close();
});
async function load(dir: string, opts?: Parameters<typeof OnnxEncoder.load>[1]) {
  const e = await OnnxEncoder.load(dir, opts);
  opened.push(e);
  return e;
}

for (const pooling of ["mean", "cls"] as const) {
  test(`same vectors as transformers.js feature-extraction (pooling ${pooling}, normalize)`, async () => {
    const dir = tinyDir(pooling);
    const enc = await load(dir);
    assert.equal(enc.pooling, pooling);
    assert.equal(enc.dims, 32);
    assert.equal(enc.maxLength, 128);
    const ours = await enc.encode(TEXTS, { batchSize: 4 });

    env.allowRemoteModels = false;
    env.localModelPath = path.dirname(dir) + path.sep;
    const pipe = await pipeline("feature-extraction", path.basename(dir), { dtype: "fp32" });
    const ref = (await pipe(TEXTS, { pooling, normalize: true })).tolist() as number[][];
    await pipe.dispose();
    ours.forEach((v, i) => {
      assert.equal(v.length, 32);
      const c = cosine(v, Float32Array.from(ref[i]!));
      assert.ok(c > 0.9999, `text ${i}: cosine ${c}`);
    });
    // distinct texts must give distinct vectors (guards against a constant output passing the parity check)
    assert.ok(cosine(ours[0]!, ours[2]!) < 0.999, `distinct texts: ${cosine(ours[0]!, ours[2]!)}`);
  });
}

test("output order and values do not depend on batch size or neighbours", async () => {
  const enc = await load(tinyDir("mean"));
  const all = await enc.encode(TEXTS, { batchSize: 32 });
  const ones = await enc.encode(TEXTS, { batchSize: 1 });
  for (let i = 0; i < TEXTS.length; i++) {
    assert.ok(cosine(all[i]!, ones[i]!) > 0.99999, `text ${i}`);
    const norm = Math.hypot(...all[i]!);
    assert.ok(Math.abs(norm - 1) < 1e-5, `text ${i} not unit length: ${norm}`);
  }
  const [single] = await enc.encode([TEXTS[2]!]);
  assert.ok(cosine(single!, all[2]!) > 0.99999);
  const progress: number[] = [];
  await enc.encode(TEXTS, { batchSize: 2, onProgress: (d) => progress.push(d) });
  assert.equal(progress.at(-1), TEXTS.length);
  assert.deepEqual(await enc.encode([]), []);
});

test("long text is split into overlapping windows and its tail influences the vector", async () => {
  const dir = tinyDir("mean");
  const enc = await load(dir, { maxLength: 32, stride: 8, maxWindows: 100 });
  const words = Array.from({ length: 120 }, (_, i) => `token${i % 13} block${i % 5}`).join(" ");
  const content = enc.tokenizer.contentIds(words).length;
  const size = 30;
  const expectWindows = Math.ceil((content - size) / (size - 8)) + 1;
  assert.ok(expectWindows >= 4, `content ${content}`);
  assert.equal(enc.windows(words).length, expectWindows);

  const tailA = `${words} the namenode crashed`;
  const tailB = `${words} a frontend typo appears`;
  const [a, b, head] = await enc.encode([tailA, tailB, words.slice(0, 40)]);
  assert.ok(cosine(a!, b!) < 0.99999, `tail did not change the vector: ${cosine(a!, b!)}`);
  // With a single window (plain truncation) the tail is invisible: proves the check above can fail.
  const trunc = await load(dir, { maxLength: 32, maxWindows: 1 });
  const [ta, tb] = await trunc.encode([tailA, tailB]);
  assert.ok(cosine(ta!, tb!) > 0.999999);
  // mean vs max chunk pooling differ, both unit length
  const [mx] = await enc.encode([tailA], { chunkPooling: "max" });
  assert.ok(Math.abs(Math.hypot(...mx!) - 1) < 1e-5);
  assert.ok(cosine(mx!, a!) < 0.99999);
  assert.ok(head!.length === 32);
});

test("encode's maxWindows runs fewer windows of a long text, equals an encoder loaded with that cap, and never raises the encoder's own", async () => {
  const dir = tinyDir("mean");
  const enc = await load(dir, { maxLength: 32, stride: 8, maxWindows: 6 });
  const capped = await load(dir, { maxLength: 32, stride: 8, maxWindows: 2 });
  const long = Array.from({ length: 120 }, (_, i) => `token${i % 13} block${i % 7} part${i % 3}`).join(" ");
  const short = "NullPointerException in DataNode";
  assert.equal(enc.windows(long).length, 6);
  assert.equal(enc.windows(long, 2).length, 2);
  assert.equal(enc.windows(long, 50).length, 6, "a per-call cap above the encoder's own is ignored");

  const [full, shortFull] = await enc.encode([long, short]);
  const [two, shortTwo] = await enc.encode([long, short], { maxWindows: 2 });
  const [loadedTwo] = await capped.encode([long]);
  assert.ok(cosine(full!, two!) < 0.99999, `the cap did not change the long text's vector: ${cosine(full!, two!)}`);
  assert.ok(cosine(two!, loadedTwo!) > 0.999999, "per-call cap differs from the same cap given at load");
  assert.ok(cosine(shortFull!, shortTwo!) > 0.999999, "a one-window text must not change under a cap");
  await assert.rejects(enc.encode([long], { maxWindows: 0 }), /maxWindows must be a positive integer/);
});

test("static-embedding graph (Gather -> token_embeddings, no token_type_ids) with mean pooling", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "static-"));
  try {
    const vocab = JSON.parse(fs.readFileSync(path.join(TOKENIZER_DIR, "tokenizer.json"), "utf8")).model.vocab;
    const V = Object.keys(vocab).length;
    const D = 4;
    const emb = new Float32Array(V * D);
    for (let i = 0; i < emb.length; i++) emb[i] = Math.sin(i * 0.37) + ((i % 7) - 3) * 0.1;
    const onnx = writeOnnxModel({
      nodes: [
        { opType: "Gather", inputs: ["emb", "input_ids"], outputs: ["token_embeddings"], attributes: { axis: 0 } },
        { opType: "Identity", inputs: ["attention_mask"], outputs: ["mask_out"] },
      ],
      initializers: [{ name: "emb", dims: [V, D], data: emb }],
      inputs: [
        { name: "input_ids", elemType: "int64", shape: ["batch", "seq"] },
        { name: "attention_mask", elemType: "int64", shape: ["batch", "seq"] },
      ],
      outputs: [
        { name: "token_embeddings", elemType: "float", shape: ["batch", "seq", D] },
        { name: "mask_out", elemType: "int64", shape: ["batch", "seq"] },
      ],
    });
    writeSentenceTransformersDir(dir, {
      onnx,
      tokenizerJsonPath: path.join(TOKENIZER_DIR, "tokenizer.json"),
      config: { model_type: "bert", hidden_size: D, max_position_embeddings: 512 },
      pooling: "mean",
      normalize: true,
      maxSeqLength: 256,
    });
    const enc = await load(dir);
    const [v, w] = await enc.encode(["hello world", "hello"]);
    // Same graph without an attention_mask input: batched with padding, pooling still ignores the pads.
    const onlyIds = writeOnnxModel({
      nodes: [{ opType: "Gather", inputs: ["emb", "input_ids"], outputs: ["token_embeddings"], attributes: { axis: 0 } }],
      initializers: [{ name: "emb", dims: [V, D], data: emb }],
      inputs: [{ name: "input_ids", elemType: "int64", shape: ["batch", "seq"] }],
      outputs: [{ name: "token_embeddings", elemType: "float", shape: ["batch", "seq", D] }],
    });
    fs.rmSync(path.join(dir, "model.onnx"));
    fs.writeFileSync(path.join(dir, "model.onnx"), onlyIds);
    const enc2 = await load(dir);
    const [v2, w2] = await enc2.encode(["hello world", "hello"]);
    assert.ok(cosine(v!, v2!) > 0.99999 && cosine(w!, w2!) > 0.99999);
    const ids = [101, 7592, 2088, 102];
    const expected = new Float32Array(D);
    for (const id of ids) for (let d = 0; d < D; d++) expected[d]! += emb[id * D + d]! / ids.length;
    assert.ok(cosine(v!, expected) > 0.99999);
    assert.ok(cosine(v!, w!) < 0.9999);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("getEncoder caches one instance per dir; getDefaultEncoder honours MODEL_DIR", async () => {
  const dir = tinyDir("cls");
  const a = await getEncoder(dir);
  const b = await getEncoder(path.join(dir, "..", path.basename(dir)));
  assert.equal(a, b);
  const prev = process.env.MODEL_DIR;
  process.env.MODEL_DIR = dir;
  resetConfig(); // the environment is read once per process: re-read it
  try {
    assert.equal(await getDefaultEncoder(), a);
  } finally {
    if (prev === undefined) delete process.env.MODEL_DIR;
    else process.env.MODEL_DIR = prev;
    resetConfig();
  }
  await a.close();
  const c = await getEncoder(dir);
  assert.notEqual(c, a);
  await c.close();
  await assert.rejects(a.encode(["x"]), /closed/);
  await assert.rejects(getEncoder(path.join(MODELS, "does-not-exist")), /does not exist/);
});
