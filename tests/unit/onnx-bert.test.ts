// The generated BERT graph is checked against a plain-JS BERT forward pass over the same weights (read back
// from the ONNX bytes), so the graph really computes BERT: embeddings + LayerNorm, masked multi-head
// self-attention, erf-GELU FFN, post-LayerNorm residuals.
import { test } from "node:test";
import assert from "node:assert/strict";
import ort from "onnxruntime-node";
import { BERT_PRESETS, bertFlopsPerToken, buildBertOnnx, type BertConfig } from "@/lib/offline/onnx/bert";
import { readOnnxModel } from "@/lib/offline/onnx/writer";
import { referenceBertForward } from "@/tests/helpers/bert-reference";

const CFG: BertConfig = { ...BERT_PRESETS.tiny, vocabSize: 50, maxPosition: 16, layers: 2 };

function weights(bytes: Uint8Array): Map<string, { dims: number[]; data: Float32Array }> {
  const m = new Map<string, { dims: number[]; data: Float32Array }>();
  for (const t of readOnnxModel(bytes).graph.initializer) {
    if (t.data_type !== 1) continue;
    const raw: Buffer = t.raw_data;
    const data = new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
    m.set(t.name, { dims: (t.dims ?? []).map(Number), data });
  }
  return m;
}

async function run(bytes: Uint8Array, rows: number[][], masks: number[][]): Promise<{ data: Float32Array; dims: readonly number[] }> {
  const s = await ort.InferenceSession.create(bytes, { graphOptimizationLevel: "all" });
  const B = rows.length;
  const S = rows[0]!.length;
  const tensor = (v: number[][]) => new ort.Tensor("int64", BigInt64Array.from(v.flat().map(BigInt)), [B, S]);
  const out = await s.run({ input_ids: tensor(rows), attention_mask: tensor(masks), token_type_ids: tensor(rows.map((r) => r.map(() => 0))) });
  await s.release();
  return out.last_hidden_state as unknown as { data: Float32Array; dims: readonly number[] };
}

test("BERT graph matches a plain-JS BERT forward pass, with padding masked out", async (t) => {
  const bytes = buildBertOnnx(CFG, { seed: 7 });
  const w = weights(bytes);
  const a = [1, 5, 9, 13, 2];
  const b = [1, 7, 2, 0, 0]; // right-padded
  const maskB = [1, 1, 1, 0, 0];
  const out = await run(bytes, [a, b], [[1, 1, 1, 1, 1], maskB]);
  assert.deepEqual(out.dims, [2, 5, CFG.hidden]);
  const shape = { hidden: CFG.hidden, heads: CFG.heads, layers: CFG.layers, eps: CFG.layerNormEps };
  const ref = { get: (name: string) => w.get(name)!.data, linearLayout: "in-out" as const };
  const refA = referenceBertForward(ref, a, shape);
  // padded row: keys beyond the mask get no attention, so its real positions equal the unpadded sequence's
  const refB = referenceBertForward(ref, b, shape, maskB);
  let maxErr = 0;
  for (let i = 0; i < 5; i++) for (let d = 0; d < CFG.hidden; d++) maxErr = Math.max(maxErr, Math.abs(out.data[i * CFG.hidden + d]! - refA[i]![d]!));
  for (let i = 0; i < 3; i++) for (let d = 0; d < CFG.hidden; d++) maxErr = Math.max(maxErr, Math.abs(out.data[(5 + i) * CFG.hidden + d]! - refB[i]![d]!));
  assert.ok(maxErr < 1e-3, `max abs error ${maxErr}`);
  t.diagnostic(`max abs error vs JS reference ${maxErr}`);
});

function cosineOf(a: Float32Array, b: Float32Array): number {
  let dot = 0, na = 0, nb = 0;
  for (let k = 0; k < a.length; k++) {
    dot += a[k]! * b[k]!;
    na += a[k]! ** 2;
    nb += b[k]! ** 2;
  }
  return dot / Math.sqrt(na * nb);
}

test("deterministic per seed; int8 variants stay close to fp32, with padding masked out", async (t) => {
  const a = buildBertOnnx(CFG, { seed: 3 });
  assert.deepEqual(buildBertOnnx(CFG, { seed: 3 }), a);
  assert.notDeepEqual(buildBertOnnx(CFG, { seed: 4 }), a);
  const opsOf = (bytes: Uint8Array) => readOnnxModel(bytes).graph.node.map((n: { op_type: string }) => n.op_type) as string[];
  const rows = [[1, 5, 9, 13, 2], [1, 7, 2, 0, 0]];
  const masks = [[1, 1, 1, 1, 1], [1, 1, 1, 0, 0]];
  const f = await run(a, rows, masks);
  const H = CFG.hidden;
  for (const [mode, kernel] of [["int8", "QAttention"], ["int8-ffn", "Attention"]] as const) {
    const q = buildBertOnnx(CFG, { seed: 3, quantize: mode });
    assert.ok(opsOf(q).includes(kernel) && opsOf(q).includes("DynamicQuantizeMatMul"), `${mode}: ${opsOf(q).join(",")}`);
    const i8 = await run(q, rows, masks);
    // Real tokens of both rows (the padded row's last two positions carry no meaning): close to fp32 ...
    const real = (d: Float32Array) => Float32Array.from([...d.subarray(0, 5 * H), ...d.subarray(5 * H, 8 * H)]);
    const cos = cosineOf(real(f.data), real(i8.data));
    assert.ok(cos > 0.99 && cos < 1, `${mode}: fp32 vs int8 cosine ${cos}`);
    // ... and the padded row's real positions match the same sentence run without padding: the mask reached
    // the attention kernel (ignoring it moves them by ~1.0; what remains is the activation scale, which is
    // per tensor and so sees the padding).
    const alone = await run(q, [[1, 7, 2]], [[1, 1, 1]]);
    let maxErr = 0;
    for (let k = 0; k < 3 * H; k++) maxErr = Math.max(maxErr, Math.abs(alone.data[k]! - i8.data[5 * H + k]!));
    assert.ok(maxErr < 0.1, `${mode}: padded vs unpadded max abs difference ${maxErr}`);
    t.diagnostic(`${mode}: fp32 vs int8 cosine ${cos.toFixed(5)}, padded vs unpadded max abs difference ${maxErr.toExponential(2)}`);
  }
});

test("FLOP estimate for the minilm preset", () => {
  const c = { ...BERT_PRESETS.minilm, vocabSize: 30522 };
  // 6 x (4 x 384^2 + 2 x 384 x 1536) = 10,616,832 matmul weights -> 21.2 MFLOP + attention 6 x 4 x 128 x 384
  assert.equal(bertFlopsPerToken(c, 128), 2 * 10_616_832 + 6 * 4 * 128 * 384);
});
