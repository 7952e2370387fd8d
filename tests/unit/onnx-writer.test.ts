import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import ort from "onnxruntime-node";
import { GraphBuilder } from "@/lib/offline/onnx/graph";
import { float, readOnnxModel, writeOnnxModel } from "@/lib/offline/onnx/writer";
import { writeSentenceTransformersDir } from "@/lib/offline/onnx/st-dir";

const TOKENIZER_JSON = path.resolve("assets/tokenizer/tokenizer.json");

test("Gather + MatMul graph runs in onnxruntime-node and matches hand-computed output", async () => {
  // emb: 4 tokens x 3 dims, w: 3 x 2
  const emb = Float32Array.from([0, 0, 0, 1, 2, 3, -1, 0.5, 2, 4, -2, 1]);
  const w = Float32Array.from([1, 0, 0, 1, 1, 1]);
  const bytes = writeOnnxModel({
    nodes: [
      { opType: "Gather", inputs: ["emb", "ids"], outputs: ["h"], attributes: { axis: 0 } },
      { opType: "MatMul", inputs: ["h", "w"], outputs: ["y"] },
    ],
    initializers: [
      { name: "emb", dims: [4, 3], data: emb },
      { name: "w", dims: [3, 2], data: w },
    ],
    inputs: [{ name: "ids", elemType: "int64", shape: ["batch", "seq"] }],
    outputs: [{ name: "y", elemType: "float", shape: ["batch", "seq", 2] }],
  });
  const session = await ort.InferenceSession.create(bytes);
  assert.deepEqual(session.inputNames, ["ids"]);
  const ids = new ort.Tensor("int64", BigInt64Array.from([1n, 2n, 3n, 0n, 1n, 3n]), [2, 3]);
  const out = await session.run({ ids });
  const y = out.y!;
  assert.deepEqual(y.dims, [2, 3, 2]);
  // row t of emb times w = [e0 + e2, e1 + e2]
  const expected = (t: number) => [emb[t * 3]! + emb[t * 3 + 2]!, emb[t * 3 + 1]! + emb[t * 3 + 2]!];
  assert.deepEqual(Array.from(y.data as Float32Array), [1, 2, 3, 0, 1, 3].flatMap(expected));
  await session.release();
});

test("GraphBuilder: float attributes, int64 initializers, symbolic dims, round trip decode", async () => {
  const g = new GraphBuilder();
  const scale = g.float32("scale", [2]);
  const axes = g.int64("axes", [1]);
  const x2 = g.op("Mul", ["x", scale]);
  const lrelu = g.op("LeakyRelu", [x2], { alpha: float(1) }); // 1.0 must be stored as FLOAT, not INT
  const sum = g.op("ReduceSum", [lrelu, axes], { keepdims: 0 }, { outputs: ["sum"] });
  assert.equal(sum, "sum");
  const bytes = g.build({
    inputs: [{ name: "x", elemType: "float", shape: ["n", 3] }],
    outputs: [{ name: "sum", elemType: "float", shape: ["n"] }],
  });
  const decoded = readOnnxModel(bytes);
  assert.equal(decoded.opset_import[0].version, 17);
  assert.equal(decoded.graph.input[0].type.tensor_type.shape.dim[0].dim_param, "n");
  const attr = decoded.graph.node[1].attribute[0];
  assert.equal(attr.type, 1);
  assert.equal(attr.f, 1);

  const session = await ort.InferenceSession.create(bytes);
  const x = new ort.Tensor("float32", Float32Array.from([1, -2, 3, 0.5, 0.5, -1]), [2, 3]);
  const out = await session.run({ x });
  assert.deepEqual(Array.from(out.sum!.data as Float32Array), [4, 0]);
  await session.release();
});

test("writeOnnxModel rejects data that does not match dims", () => {
  assert.throws(
    () =>
      writeOnnxModel({
        nodes: [],
        initializers: [{ name: "w", dims: [2, 2], data: new Float32Array(3) }],
        inputs: [],
        outputs: [],
      }),
    /"w".*4 values.*3/,
  );
});

test("writeSentenceTransformersDir writes the sentence-transformers + transformers.js layout", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "st-dir-"));
  try {
    const onnx = writeOnnxModel({
      nodes: [{ opType: "Identity", inputs: ["a"], outputs: ["b"] }],
      inputs: [{ name: "a", elemType: "float", shape: [1] }],
      outputs: [{ name: "b", elemType: "float", shape: [1] }],
    });
    writeSentenceTransformersDir(dir, {
      onnx,
      tokenizerJsonPath: TOKENIZER_JSON,
      config: { model_type: "bert", hidden_size: 8 },
      pooling: "cls",
      normalize: true,
      maxSeqLength: 64,
    });
    for (const f of [
      "model.onnx",
      "onnx/model.onnx",
      "tokenizer.json",
      "tokenizer_config.json",
      "special_tokens_map.json",
      "vocab.txt",
      "config.json",
      "1_Pooling/config.json",
      "modules.json",
      "sentence_bert_config.json",
    ]) {
      assert.ok(fs.existsSync(path.join(dir, f)), `${f} missing`);
    }
    assert.deepEqual(fs.readFileSync(path.join(dir, "onnx/model.onnx")), Buffer.from(onnx));
    const pooling = JSON.parse(fs.readFileSync(path.join(dir, "1_Pooling/config.json"), "utf8"));
    assert.equal(pooling.pooling_mode_cls_token, true);
    assert.equal(pooling.pooling_mode_mean_tokens, false);
    assert.equal(pooling.word_embedding_dimension, 8);
    const modules = JSON.parse(fs.readFileSync(path.join(dir, "modules.json"), "utf8"));
    assert.ok(modules.some((m: { type: string }) => m.type.endsWith("Normalize")));
    const st = JSON.parse(fs.readFileSync(path.join(dir, "sentence_bert_config.json"), "utf8"));
    assert.equal(st.max_seq_length, 64);
    const tokCfg = JSON.parse(fs.readFileSync(path.join(dir, "tokenizer_config.json"), "utf8"));
    assert.equal(tokCfg.model_max_length, 64);
    assert.equal(tokCfg.do_lower_case, true);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
