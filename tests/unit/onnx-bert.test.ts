// The generated BERT graph is checked against a plain-JS BERT forward pass over the same weights (read back
// from the ONNX bytes), so the graph really computes BERT: embeddings + LayerNorm, masked multi-head
// self-attention, erf-GELU FFN, post-LayerNorm residuals.
import { test } from "node:test";
import assert from "node:assert/strict";
import ort from "onnxruntime-node";
import { BERT_PRESETS, bertFlopsPerToken, buildBertOnnx, type BertConfig } from "@/lib/offline/onnx/bert";
import { readOnnxModel } from "@/lib/offline/onnx/writer";

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

// ---- reference forward pass (one sequence, no batching) ---------------------------------------------------
type Mat = Float32Array[]; // rows
function matmul(x: Mat, w: { dims: number[]; data: Float32Array }, b?: { data: Float32Array }): Mat {
  const [inD, outD] = w.dims as [number, number];
  return x.map((row) => {
    const o = new Float32Array(outD);
    for (let j = 0; j < outD; j++) {
      let s = b ? b.data[j]! : 0;
      for (let i = 0; i < inD; i++) s += row[i]! * w.data[i * outD + j]!;
      o[j] = s;
    }
    return o;
  });
}
function layerNorm(x: Mat, eps: number): Mat {
  return x.map((row) => {
    const mean = row.reduce((a, b) => a + b, 0) / row.length;
    const v = row.reduce((a, b) => a + (b - mean) ** 2, 0) / row.length;
    return row.map((e) => (e - mean) / Math.sqrt(v + eps)); // gamma = 1, beta = 0 in the generated weights
  });
}
const add = (a: Mat, b: Mat): Mat => a.map((r, i) => r.map((e, j) => e + b[i]![j]!));
function erf(x: number): number {
  // Numerical Recipes erfc approximation (fractional error < 1.2e-7).
  const t = 1 / (1 + 0.5 * Math.abs(x));
  const y = 1 - t * Math.exp(-x * x - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
  return x >= 0 ? y : -y;
}

function referenceBert(w: ReturnType<typeof weights>, ids: number[], mask: number[], c: BertConfig): Mat {
  const H = c.hidden;
  const hd = H / c.heads;
  const g = (n: string) => w.get(n)!;
  let x: Mat = ids.map((id, p) => {
    const r = new Float32Array(H);
    for (let d = 0; d < H; d++) {
      r[d] = g("embeddings.word_embeddings.weight").data[id * H + d]! + g("embeddings.position_embeddings.weight").data[p * H + d]! + g("embeddings.token_type_embeddings.weight").data[d]!;
    }
    return r;
  });
  x = layerNorm(x, c.layerNormEps);
  for (let l = 0; l < c.layers; l++) {
    const p = `encoder.layer.${l}`;
    const q = matmul(x, g(`${p}.attention.self.query.weight`), g(`${p}.attention.self.query.bias`));
    const k = matmul(x, g(`${p}.attention.self.key.weight`), g(`${p}.attention.self.key.bias`));
    const v = matmul(x, g(`${p}.attention.self.value.weight`), g(`${p}.attention.self.value.bias`));
    const ctx: Mat = x.map(() => new Float32Array(H));
    for (let h = 0; h < c.heads; h++) {
      for (let i = 0; i < ids.length; i++) {
        const scores = ids.map((_, j) => {
          if (!mask[j]) return -Infinity;
          let s = 0;
          for (let d = 0; d < hd; d++) s += q[i]![h * hd + d]! * k[j]![h * hd + d]!;
          return s / Math.sqrt(hd);
        });
        const mx = Math.max(...scores);
        const e = scores.map((s) => Math.exp(s - mx));
        const z = e.reduce((a, b) => a + b, 0);
        for (let j = 0; j < ids.length; j++) for (let d = 0; d < hd; d++) ctx[i]![h * hd + d]! += (e[j]! / z) * v[j]![h * hd + d]!;
      }
    }
    x = layerNorm(add(matmul(ctx, g(`${p}.attention.output.dense.weight`), g(`${p}.attention.output.dense.bias`)), x), c.layerNormEps);
    const inter = matmul(x, g(`${p}.intermediate.dense.weight`), g(`${p}.intermediate.dense.bias`)).map((r) => r.map((e) => 0.5 * e * (1 + erf(e / Math.SQRT2))));
    x = layerNorm(add(matmul(inter, g(`${p}.output.dense.weight`), g(`${p}.output.dense.bias`)), x), c.layerNormEps);
  }
  return x;
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
  const refA = referenceBert(w, a, [1, 1, 1, 1, 1], CFG);
  const refB = referenceBert(w, b.slice(0, 3), [1, 1, 1], CFG);
  let maxErr = 0;
  for (let i = 0; i < 5; i++) for (let d = 0; d < CFG.hidden; d++) maxErr = Math.max(maxErr, Math.abs(out.data[i * CFG.hidden + d]! - refA[i]![d]!));
  // padded row: real positions must equal the unpadded sequence's output
  for (let i = 0; i < 3; i++) for (let d = 0; d < CFG.hidden; d++) maxErr = Math.max(maxErr, Math.abs(out.data[(5 + i) * CFG.hidden + d]! - refB[i]![d]!));
  assert.ok(maxErr < 1e-3, `max abs error ${maxErr}`);
  t.diagnostic(`max abs error vs JS reference ${maxErr}`);
});

test("deterministic per seed; int8 variant stays close to fp32", async (t) => {
  const a = buildBertOnnx(CFG, { seed: 3 });
  assert.deepEqual(buildBertOnnx(CFG, { seed: 3 }), a);
  assert.notDeepEqual(buildBertOnnx(CFG, { seed: 4 }), a);
  const q = buildBertOnnx(CFG, { seed: 3, quantize: "int8" });
  assert.ok(readOnnxModel(q).graph.node.some((n: { op_type: string }) => n.op_type === "MatMulInteger"));
  const rows = [[1, 5, 9, 13, 2]];
  const mask = [[1, 1, 1, 1, 1]];
  const [f, i8] = await Promise.all([run(a, rows, mask), run(q, rows, mask)]);
  let dot = 0, nf = 0, nq = 0;
  for (let k = 0; k < f.data.length; k++) {
    dot += f.data[k]! * i8.data[k]!;
    nf += f.data[k]! ** 2;
    nq += i8.data[k]! ** 2;
  }
  const cos = dot / Math.sqrt(nf * nq);
  assert.ok(cos > 0.99 && cos < 1, `fp32 vs int8 cosine ${cos}`);
  t.diagnostic(`fp32 vs int8 cosine ${cos}`);
});

test("FLOP estimate for the minilm preset", () => {
  const c = { ...BERT_PRESETS.minilm, vocabSize: 30522 };
  // 6 x (4 x 384^2 + 2 x 384 x 1536) = 10,616,832 matmul weights -> 21.2 MFLOP + attention 6 x 4 x 128 x 384
  assert.equal(bertFlopsPerToken(c, 128), 2 * 10_616_832 + 6 * 4 * 128 * 384);
});
