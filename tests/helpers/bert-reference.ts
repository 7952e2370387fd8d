// One plain-JS BertModel forward pass, straight from the PyTorch definitions, used as the reference that the
// generated ONNX graph (tests/unit/onnx-bert.test.ts) and the safetensors -> ONNX conversion (through
// tests/helpers/bert-checkpoint.ts) are checked against: embeddings + LayerNorm, masked multi-head
// self-attention, erf-GELU FFN, post-LayerNorm residuals. Slow and simple on purpose.

export type Mat = Float32Array[];

export interface ReferenceBertShape {
  hidden: number;
  heads: number;
  layers: number;
  eps: number;
}

/**
 * Where the weights come from: Hugging Face BertModel tensor names. Linear weights are [out, in] in a PyTorch
 * checkpoint and [in, out] as MatMul initializers in an ONNX graph; `linearLayout` says which.
 */
export interface ReferenceWeights {
  get(name: string): Float32Array;
  linearLayout: "out-in" | "in-out";
}

function linear(x: Mat, w: Float32Array, b: Float32Array, layout: ReferenceWeights["linearLayout"]): Mat {
  const outD = b.length;
  const inD = w.length / outD;
  return x.map((row) => {
    const o = new Float32Array(outD);
    for (let j = 0; j < outD; j++) {
      let s = b[j]!;
      for (let i = 0; i < inD; i++) s += row[i]! * (layout === "out-in" ? w[j * inD + i]! : w[i * outD + j]!);
      o[j] = s;
    }
    return o;
  });
}

function layerNorm(x: Mat, g: Float32Array, b: Float32Array, eps: number): Mat {
  return x.map((row) => {
    const mean = row.reduce((a, v) => a + v, 0) / row.length;
    const variance = row.reduce((a, v) => a + (v - mean) ** 2, 0) / row.length;
    return row.map((v, d) => ((v - mean) / Math.sqrt(variance + eps)) * g[d]! + b[d]!);
  });
}

function erf(x: number): number {
  // Numerical Recipes erfc approximation (fractional error < 1.2e-7).
  const t = 1 / (1 + 0.5 * Math.abs(x));
  const y = 1 - t * Math.exp(-x * x - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
  return x >= 0 ? y : -y;
}

/** last_hidden_state [seq][hidden] for one sequence of token ids (token type 0); masked-out keys get no attention. */
export function referenceBertForward(w: ReferenceWeights, ids: number[], c: ReferenceBertShape, mask: number[] = ids.map(() => 1)): Mat {
  const H = c.hidden;
  const hd = H / c.heads;
  const word = w.get("embeddings.word_embeddings.weight");
  const position = w.get("embeddings.position_embeddings.weight");
  const tokenType = w.get("embeddings.token_type_embeddings.weight");
  let x: Mat = ids.map((id, p) => {
    const r = new Float32Array(H);
    for (let d = 0; d < H; d++) r[d] = word[id * H + d]! + position[p * H + d]! + tokenType[d]!;
    return r;
  });
  const ln = (m: Mat, p: string) => layerNorm(m, w.get(`${p}.weight`), w.get(`${p}.bias`), c.eps);
  const add = (a: Mat, b: Mat): Mat => a.map((r, i) => r.map((v, j) => v + b[i]![j]!));
  const dense = (m: Mat, p: string) => linear(m, w.get(`${p}.weight`), w.get(`${p}.bias`), w.linearLayout);
  x = ln(x, "embeddings.LayerNorm");
  for (let l = 0; l < c.layers; l++) {
    const p = `encoder.layer.${l}`;
    const [q, k, v] = ["query", "key", "value"].map((m) => dense(x, `${p}.attention.self.${m}`)) as [Mat, Mat, Mat];
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
    x = ln(add(dense(ctx, `${p}.attention.output.dense`), x), `${p}.attention.output.LayerNorm`);
    const inter = dense(x, `${p}.intermediate.dense`).map((r) => r.map((v) => 0.5 * v * (1 + erf(v / Math.SQRT2))));
    x = ln(add(dense(inter, `${p}.output.dense`), x), `${p}.output.LayerNorm`);
  }
  return x;
}
