// safetensors reading and the checkpoint -> ONNX conversion: a tiny BERT checkpoint written from TypeScript is
// converted, run in onnxruntime, and compared with a plain-JS BertModel forward pass over the same tensors.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import ort from "onnxruntime-node";
import { OnnxEncoder } from "@/lib/embedding/encoder";
import { cosine, l2Normalize } from "@/lib/embedding/pooling";
import { convertCheckpoint, CONVERT_STAMP } from "@/lib/offline/onnx/from-checkpoint";
import { readOnnxModel } from "@/lib/offline/onnx/writer";
import { encodeSafetensors, SafetensorsFile } from "@/lib/offline/onnx/safetensors";
import { hfConfig, referenceForward, TINY, tinyTensors, writeTinyCheckpoint } from "@/tests/helpers/bert-checkpoint";

const work = fs.mkdtempSync(path.join(os.tmpdir(), "onnx-safetensors-"));
test.after(() => fs.rmSync(work, { recursive: true, force: true }));

/** A safetensors file from a hand-written header and data section. */
function rawFile(header: Record<string, unknown>, data: Buffer, lenOverride?: bigint): Buffer {
  const json = Buffer.from(JSON.stringify(header));
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(lenOverride ?? BigInt(json.length));
  return Buffer.concat([len, json, data]);
}

test("reads F32 tensors written by encodeSafetensors, with metadata and an I64 buffer alongside", () => {
  const a = Float32Array.from([1.5, -2, 3.25, 0]);
  const bytes = encodeSafetensors({ a: { shape: [2, 2], data: a }, ids: { shape: [3], data: BigInt64Array.from([0n, 1n, 2n]) } });
  const st = SafetensorsFile.parse(bytes);
  assert.deepEqual(st.metadata, { format: "pt" });
  assert.deepEqual(st.float32("a"), { shape: [2, 2], data: a });
  assert.equal(st.entries.get("ids")!.dtype, "I64");
  assert.throws(() => st.float32("ids"), /tensor ids is I64, expected one of F32, F16, BF16/);
  assert.throws(() => st.float32("nope"), /no tensor named nope/);
});

test("converts F16 and BF16 to float32", () => {
  // F16: 1.0 = 0x3c00, -2.5 = 0xc100, 65504 = 0x7bff, smallest subnormal 2^-24 = 0x0001.
  const f16 = Buffer.alloc(8);
  [0x3c00, 0xc100, 0x7bff, 0x0001].forEach((h, i) => f16.writeUInt16LE(h, i * 2));
  // BF16: the top 16 bits of the float32 (1.0 = 0x3f80, -3 = 0xc040).
  const bf16 = Buffer.alloc(4);
  [0x3f80, 0xc040].forEach((h, i) => bf16.writeUInt16LE(h, i * 2));
  const st = SafetensorsFile.parse(
    rawFile({ h: { dtype: "F16", shape: [4], data_offsets: [0, 8] }, b: { dtype: "BF16", shape: [2], data_offsets: [8, 12] } }, Buffer.concat([f16, bf16])),
  );
  assert.deepEqual([...st.float32("h").data], [1, -2.5, 65504, 2 ** -24]);
  assert.deepEqual([...st.float32("b").data], [1, -3]);
});

test("corrupt or foreign files fail with a message naming the problem", () => {
  const ok = { a: { dtype: "F32", shape: [2], data_offsets: [0, 8] } };
  assert.throws(() => SafetensorsFile.parse(Buffer.alloc(3), "x.safetensors"), /x\.safetensors: file is 3 bytes/);
  assert.throws(() => SafetensorsFile.parse(rawFile(ok, Buffer.alloc(8), 1n << 40n)), /header length \d+ does not fit/);
  assert.throws(() => SafetensorsFile.parse(Buffer.concat([Buffer.from([4, 0, 0, 0, 0, 0, 0, 0]), Buffer.from("{oops")])), /header is not valid JSON/);
  assert.throws(() => SafetensorsFile.parse(rawFile(ok, Buffer.alloc(4))), /tensor a has data_offsets \[0,8\] outside the 4-byte data section/);
  assert.throws(() => SafetensorsFile.parse(rawFile({ a: { dtype: "F32", shape: [3], data_offsets: [0, 8] } }, Buffer.alloc(8))), /tensor a \(F32 \[3\]\) needs 12 bytes but data_offsets span 8/);
  assert.throws(() => SafetensorsFile.parse(rawFile({ a: { dtype: "Q4", shape: [2], data_offsets: [0, 8] } }, Buffer.alloc(8))), /tensor a has unsupported dtype "Q4"/);
  assert.throws(() => SafetensorsFile.read(path.join(work, "missing.safetensors")), /does not exist/);
});

async function lastHidden(dir: string, ids: number[]): Promise<Float32Array> {
  const s = await ort.InferenceSession.create(path.join(dir, "model.onnx"));
  const t = (v: number[]) => new ort.Tensor("int64", BigInt64Array.from(v.map(BigInt)), [1, v.length]);
  const out = await s.run({ input_ids: t(ids), attention_mask: t(ids.map(() => 1)), token_type_ids: t(ids.map(() => 0)) });
  await s.release();
  return out.last_hidden_state!.data as Float32Array;
}

test("fp32 conversion computes BertModel: ONNX output equals a plain-JS forward pass on the same tensors", async (t) => {
  const src = path.join(work, "ckpt");
  const tensors = writeTinyCheckpoint(src);
  const out = path.join(work, "converted");
  const lines: string[] = [];
  const r = convertCheckpoint(src, out, { log: (l) => lines.push(l) });
  assert.deepEqual(r, { outDir: out, dims: TINY.hidden, pooling: "mean" });
  assert.ok(lines.some((l) => /fp32/.test(l)));
  for (const f of ["model.onnx", "onnx/model.onnx", "model.safetensors", "tokenizer.json", "1_Pooling/config.json", "modules.json", CONVERT_STAMP]) {
    assert.ok(fs.existsSync(path.join(out, f)), f);
  }
  assert.deepEqual(fs.readdirSync(work).filter((f) => /\.(convert|old)-/.test(f)), [], "no temp dirs left");

  const ids = [101, 7592, 2088, 2003, 1037, 3231, 102];
  const got = await lastHidden(out, ids);
  const ref = referenceForward(tensors, ids);
  let maxErr = 0;
  ref.forEach((row, i) => row.forEach((v, d) => (maxErr = Math.max(maxErr, Math.abs(got[i * TINY.hidden + d]! - v)))));
  t.diagnostic(`max abs error vs JS forward pass: ${maxErr.toExponential(2)}`);
  assert.ok(maxErr < 1e-4, `max abs error ${maxErr}`);

  // Through the app's encoder: tokenizer + mean pooling + normalisation, as the model configs say.
  const enc = await OnnxEncoder.load(out);
  const text = "namenode crashes on startup";
  const tokens = enc.windows(text)[0]!;
  const [vec] = await enc.encode([text]);
  await enc.close();
  const rows = referenceForward(tensors, tokens);
  const mean = new Float32Array(TINY.hidden);
  for (const row of rows) row.forEach((v, d) => (mean[d]! += v / rows.length));
  assert.ok(cosine(vec!, l2Normalize(mean)) > 0.99999);
});

test("int8 conversion: dynamic quantisation, close to fp32", async (t) => {
  const src = path.join(work, "ckpt-q");
  writeTinyCheckpoint(src);
  const fp = convertCheckpoint(src, path.join(work, "q-fp32")).outDir;
  const q = convertCheckpoint(src, path.join(work, "q-int8"), { quantize: "int8" }).outDir;
  const graph = readOnnxModel(fs.readFileSync(path.join(q, "model.onnx"))).graph;
  const ops = graph.node.map((n: { op_type: string }) => n.op_type);
  assert.ok(ops.includes("QAttention") && ops.includes("DynamicQuantizeMatMul"), `int8 kernels in ${ops.join(",")}`);
  assert.equal(JSON.parse(fs.readFileSync(path.join(q, CONVERT_STAMP), "utf8")).quantize, "int8");
  const ids = [101, 7592, 2088, 2003, 1037, 3231, 102];
  const [a, b] = await Promise.all([lastHidden(fp, ids), lastHidden(q, ids)]);
  const c = cosine(a, b);
  t.diagnostic(`fp32 vs int8 last_hidden_state cosine ${c.toFixed(5)}`);
  assert.ok(c > 0.99 && c < 1, `cosine ${c}`);
  assert.ok(fs.statSync(path.join(q, "model.onnx")).size < fs.statSync(path.join(fp, "model.onnx")).size);
});

test("outDir == srcDir adds model.onnx beside the untouched checkpoint files", async () => {
  const dir = path.join(work, "in-place");
  writeTinyCheckpoint(dir);
  const before = new Map(fs.readdirSync(dir, { recursive: true }).map((f) => [String(f), fs.statSync(path.join(dir, String(f))).isFile() ? fs.readFileSync(path.join(dir, String(f))) : null]));
  const r = convertCheckpoint(dir + path.sep, dir);
  assert.equal(r.outDir, dir);
  for (const [f, bytes] of before) if (bytes) assert.deepEqual(fs.readFileSync(path.join(dir, f)), bytes, `${f} unchanged`);
  const added = fs.readdirSync(dir, { recursive: true }).map(String).filter((f) => !before.has(f)).sort();
  assert.deepEqual(added, [CONVERT_STAMP, "model.onnx", "onnx", path.join("onnx", "model.onnx")].sort());
  // Converting again (e.g. to int8) replaces the ONNX files in place and still leaves no temp files.
  convertCheckpoint(dir, dir, { quantize: "int8" });
  assert.deepEqual(fs.readdirSync(dir, { recursive: true }).map(String).filter((f) => /tmp-/.test(f)), []);
  const enc = await OnnxEncoder.load(dir);
  assert.equal((await enc.encode(["x"]))[0]!.length, TINY.hidden);
  await enc.close();
});

test("refuses non-BERT architectures by name, and bad checkpoints clearly; an existing output survives", () => {
  const out = path.join(work, "keep");
  fs.mkdirSync(out);
  fs.writeFileSync(path.join(out, "marker"), "old model");

  const roberta = path.join(work, "roberta");
  writeTinyCheckpoint(roberta, { config: hfConfig(TINY, { model_type: "xlm-roberta", architectures: ["XLMRobertaModel"] }) });
  assert.throws(() => convertCheckpoint(roberta, out), /unsupported architecture XLMRobertaModel \(model_type "xlm-roberta"\)/);
  const mixed = path.join(work, "mixed");
  writeTinyCheckpoint(mixed, { config: hfConfig(TINY, { architectures: ["DistilBertModel"] }) });
  assert.throws(() => convertCheckpoint(mixed, out), /unsupported architecture DistilBertModel/);

  const bin = path.join(work, "bin-only");
  writeTinyCheckpoint(bin);
  fs.renameSync(path.join(bin, "model.safetensors"), path.join(bin, "pytorch_model.bin"));
  assert.throws(() => convertCheckpoint(bin, out), /model\.safetensors is missing \(only pytorch_model\.bin/);

  const wrongShape = path.join(work, "wrong-shape");
  writeTinyCheckpoint(wrongShape, { config: hfConfig(TINY, { intermediate_size: 128 }) });
  assert.throws(() => convertCheckpoint(wrongShape, out), /encoder\.layer\.0\.intermediate\.dense\.weight has shape \[64,32\], config\.json implies \[128,32\]/);

  const noTensor = path.join(work, "no-tensor");
  const ts = tinyTensors();
  delete (ts as Record<string, unknown>)["encoder.layer.1.output.dense.bias"];
  writeTinyCheckpoint(noTensor, { tensors: ts });
  assert.throws(() => convertCheckpoint(noTensor, out), /no tensor encoder\.layer\.1\.output\.dense\.bias/);

  const noPool = path.join(work, "no-pool");
  writeTinyCheckpoint(noPool, { moduleConfigs: false });
  assert.throws(() => convertCheckpoint(noPool, out), /required file 1_Pooling\/config\.json is missing/);

  assert.throws(() => convertCheckpoint(path.join(work, "ckpt"), path.join(work, "ckpt", "sub")), /must not contain one another/);
  assert.equal(fs.readFileSync(path.join(out, "marker"), "utf8"), "old model");
});
