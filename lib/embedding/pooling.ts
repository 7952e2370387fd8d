// Sentence-transformers pooling over token embeddings, respecting the attention mask.
import type { ChunkPooling, PoolingMode } from "@/lib/embedding/types";

/**
 * Pool a [batch, seq, dim] hidden-state tensor (flat, row-major) into one vector per row.
 * `mask` is the [batch, seq] attention mask (1 = real token).
 */
export function poolTokens(
  hidden: Float32Array,
  mask: ArrayLike<number | bigint>,
  batch: number,
  seq: number,
  dim: number,
  mode: PoolingMode,
): Float32Array[] {
  if (hidden.length !== batch * seq * dim) {
    throw new Error(`pooling: hidden state has ${hidden.length} values, expected ${batch}x${seq}x${dim}`);
  }
  if (mask.length !== batch * seq) throw new Error(`pooling: mask has ${mask.length} values, expected ${batch}x${seq}`);
  const out: Float32Array[] = [];
  for (let b = 0; b < batch; b++) {
    const v = new Float32Array(dim);
    const base = b * seq * dim;
    if (mode === "cls") {
      v.set(hidden.subarray(base, base + dim));
      out.push(v);
      continue;
    }
    let count = 0;
    if (mode === "max") v.fill(-Infinity);
    for (let t = 0; t < seq; t++) {
      if (Number(mask[b * seq + t]) === 0) continue;
      count++;
      const off = base + t * dim;
      if (mode === "max") {
        for (let d = 0; d < dim; d++) if (hidden[off + d]! > v[d]!) v[d] = hidden[off + d]!;
      } else {
        for (let d = 0; d < dim; d++) v[d]! += hidden[off + d]!;
      }
    }
    if (count === 0) {
      v.fill(0); // fully masked row: no information; a zero vector rather than NaN/-Infinity
    } else if (mode === "mean") {
      for (let d = 0; d < dim; d++) v[d]! /= count;
    } else if (mode === "mean_sqrt_len") {
      const s = Math.sqrt(count);
      for (let d = 0; d < dim; d++) v[d]! /= s;
    }
    out.push(v);
  }
  return out;
}

/** In-place L2 normalisation (zero vectors stay zero). Returns v. */
export function l2Normalize(v: Float32Array): Float32Array {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i]! * v[i]!;
  const n = Math.sqrt(s);
  if (n > 0) for (let i = 0; i < v.length; i++) v[i]! /= n;
  return v;
}

/** Combine the vectors of a long text's windows (element-wise mean or max); not normalised. */
export function combineChunks(vectors: Float32Array[], mode: ChunkPooling): Float32Array {
  if (vectors.length === 0) throw new Error("combineChunks: no vectors");
  if (vectors.length === 1) return Float32Array.from(vectors[0]!);
  const dim = vectors[0]!.length;
  const out = Float32Array.from(vectors[0]!);
  for (const v of vectors.slice(1)) {
    if (v.length !== dim) throw new Error("combineChunks: vectors differ in length");
    for (let d = 0; d < dim; d++) out[d] = mode === "max" ? Math.max(out[d]!, v[d]!) : out[d]! + v[d]!;
  }
  if (mode === "mean") for (let d = 0; d < dim; d++) out[d]! /= vectors.length;
  return out;
}

export { cosine } from "@/lib/math";
