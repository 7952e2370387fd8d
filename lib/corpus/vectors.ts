// Report -> embedding text -> index point. The embedded text comes from lib/embedding/report-text
// (field-aware, traces normalised); the keyword side indexes the raw title and description.
import type { Report } from "@/lib/db/client";
import type { Encoder } from "@/lib/embedding/types";
import { buildReportText, type ReportFields } from "@/lib/embedding/report-text";
import type { IndexPoint } from "@/lib/vector/types";
import { hasDirection } from "@/lib/math";
import { mulberry32 } from "@/lib/random";


export type IndexableReport = Pick<
  Report,
  "id" | "title" | "description" | "product" | "component" | "version" | "platform" | "status" | "createdAt" | "contentHash"
>;

export const INDEXABLE_SELECT = {
  id: true,
  title: true,
  description: true,
  product: true,
  component: true,
  version: true,
  platform: true,
  status: true,
  createdAt: true,
  contentHash: true,
} as const;

export function embeddingText(r: ReportFields): string {
  return buildReportText(r).text;
}

/**
 * Stand-in for a report the model maps to the zero vector (no token it knows: only emoji, another script,
 * words a static model never saw). The index rejects zero vectors, and one such report would otherwise fail
 * every reindex. A pseudo-random unit direction seeded by the id is near-orthogonal to everything: the report
 * stays findable by keywords but never looks like anyone's duplicate.
 */
export function placeholderVector(id: number, dims: number): Float32Array {
  const uniform = mulberry32((id * 2654435761) >>> 0);
  const rand = () => uniform() - 0.5;
  const v = new Float32Array(dims);
  let sq = 0;
  for (let i = 0; i < dims; i++) sq += (v[i] = rand()) ** 2;
  const n = Math.sqrt(sq) || 1;
  for (let i = 0; i < dims; i++) v[i] = v[i]! / n;
  return v;
}

/** The vector the index stores for report `id` given its encoding. */
export function storedVector(id: number, encoded: Float32Array, dims: number): Float32Array {
  return hasDirection(encoded) ? encoded : placeholderVector(id, dims);
}

export async function toPoints(encoder: Encoder, reports: IndexableReport[], batchSize?: number): Promise<IndexPoint[]> {
  if (reports.length === 0) return [];
  const vectors = await encoder.encode(reports.map(embeddingText), batchSize ? { batchSize } : undefined);
  return reports.map((r, i) => ({
    id: r.id,
    vector: storedVector(r.id, vectors[i]!, encoder.dims),
    meta: { product: r.product, component: r.component, status: r.status, createdAt: r.createdAt.getTime() },
    text: { title: r.title, body: r.description },
  }));
}
