// Input checks shared by both backends, so bad input fails the same way (a clear Error naming the problem)
// whichever backend is configured.
import type { IndexPoint, SearchFilter } from "@/lib/vector/types";

/** sqlite-vec's vec0 limit; also a sane upper bound for Qdrant. */
export const MAX_DIMS = 8192;

export function assertDims(dims: unknown, where: string): asserts dims is number {
  if (typeof dims !== "number" || !Number.isInteger(dims) || dims < 1 || dims > MAX_DIMS) {
    throw new Error(`${where}: dims must be an integer in 1..${MAX_DIMS}, got ${String(dims)}`);
  }
}

export function assertVector(v: unknown, dims: number, where: string): asserts v is Float32Array {
  if (!(v instanceof Float32Array)) {
    throw new Error(`${where}: vector must be a Float32Array, got ${v === null ? "null" : typeof v}`);
  }
  if (v.length !== dims) {
    throw new Error(`${where}: dimension mismatch: vector has ${v.length} dimensions, the index has ${dims}`);
  }
  let sq = 0;
  for (let i = 0; i < v.length; i++) {
    const x = v[i];
    if (!Number.isFinite(x)) throw new Error(`${where}: vector has a non-finite value at position ${i}`);
    sq += x * x;
  }
  // Cosine distance of a zero vector is undefined (sqlite-vec returns NULL, Qdrant rejects it).
  if (sq === 0) throw new Error(`${where}: vector has zero norm`);
}

export function assertId(id: unknown, where: string): asserts id is number {
  if (typeof id !== "number" || !Number.isSafeInteger(id) || id < 1) {
    throw new Error(`${where}: id must be a positive safe integer (Report.id), got ${String(id)}`);
  }
}

function optText(v: unknown, field: string, where: string): string | null {
  if (v === undefined || v === null) return null;
  if (typeof v !== "string") throw new Error(`${where}: meta.${field} must be a string or null, got ${typeof v}`);
  return v;
}

export interface CleanPoint {
  id: number;
  vector: Float32Array;
  product: string | null;
  component: string | null;
  status: string | null;
  createdAt: number;
  text: { title: string; body: string } | null;
}

/** Validates a whole batch before anything is written, so a bad point never leaves a half-applied batch. */
export function cleanPoints(points: unknown, dims: number, where: string): CleanPoint[] {
  if (!Array.isArray(points)) throw new Error(`${where}: points must be an array`);
  const seen = new Set<number>();
  return points.map((p: IndexPoint, i) => {
    const at = `${where}: point[${i}]`;
    if (!p || typeof p !== "object") throw new Error(`${at} is not an object`);
    assertId(p.id, at);
    if (seen.has(p.id)) throw new Error(`${at}: id ${p.id} appears twice in the same batch`);
    seen.add(p.id);
    assertVector(p.vector, dims, `${at} (id ${p.id})`);
    const meta = p.meta;
    if (!meta || typeof meta !== "object") throw new Error(`${at} (id ${p.id}): meta is required`);
    if (typeof meta.createdAt !== "number" || !Number.isFinite(meta.createdAt)) {
      throw new Error(`${at} (id ${p.id}): meta.createdAt must be epoch milliseconds (finite number)`);
    }
    let text: CleanPoint["text"] = null;
    if (p.text !== undefined && p.text !== null) {
      if (typeof p.text.title !== "string" || typeof p.text.body !== "string") {
        throw new Error(`${at} (id ${p.id}): text must be { title: string, body: string }`);
      }
      text = { title: p.text.title, body: p.text.body };
    }
    return {
      id: p.id,
      vector: p.vector,
      product: optText(meta.product, "product", at),
      component: optText(meta.component, "component", at),
      status: optText(meta.status, "status", at),
      createdAt: Math.trunc(meta.createdAt),
      text,
    };
  });
}

export function assertIds(ids: unknown, where: string): asserts ids is number[] {
  if (!Array.isArray(ids)) throw new Error(`${where}: ids must be an array`);
  ids.forEach((id, i) => assertId(id, `${where}: ids[${i}]`));
}

/** k must be a non-negative integer; 0 means "no hits". */
export function assertK(k: unknown, where: string): asserts k is number {
  if (typeof k !== "number" || !Number.isInteger(k) || k < 0) {
    throw new Error(`${where}: k must be a non-negative integer, got ${String(k)}`);
  }
}

export interface CleanFilter {
  product?: string[];
  component?: string[];
  status?: string[];
  /** exclusive bounds, epoch ms */
  createdAfter?: number;
  createdBefore?: number;
  excludeIds: number[];
  /** True when the filter can match nothing (an empty value list): callers return [] without querying. */
  empty: boolean;
}

function values(v: unknown, field: string, where: string): string[] | undefined {
  if (v === undefined || v === null) return undefined;
  const arr = Array.isArray(v) ? v : [v];
  for (const x of arr) {
    if (typeof x !== "string") throw new Error(`${where}: filter.${field} must be a string or string[]`);
  }
  return [...new Set(arr as string[])];
}

function bound(v: unknown, field: string, where: string): number | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "number" || !Number.isFinite(v)) {
    throw new Error(`${where}: filter.${field} must be epoch milliseconds (finite number)`);
  }
  return v;
}

/**
 * Normalised filter. Semantics (identical in both backends):
 * - product/component/status: value or any of the values; an empty array matches nothing.
 * - createdAfter/createdBefore: strict bounds on meta.createdAt (epoch ms).
 * - excludeIds: never returned.
 */
export function cleanFilter(f: SearchFilter | undefined, where: string): CleanFilter {
  if (f === undefined || f === null) return { excludeIds: [], empty: false };
  if (typeof f !== "object") throw new Error(`${where}: filter must be an object`);
  const out: CleanFilter = {
    product: values(f.product, "product", where),
    component: values(f.component, "component", where),
    status: values(f.status, "status", where),
    createdAfter: bound(f.createdAfter, "createdAfter", where),
    createdBefore: bound(f.createdBefore, "createdBefore", where),
    excludeIds: [],
    empty: false,
  };
  if (f.excludeIds !== undefined && f.excludeIds !== null) {
    assertIds(f.excludeIds, `${where}: filter.excludeIds`);
    out.excludeIds = [...new Set(f.excludeIds)];
  }
  out.empty = [out.product, out.component, out.status].some((v) => v !== undefined && v.length === 0);
  return out;
}
