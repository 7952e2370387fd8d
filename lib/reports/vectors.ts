// Report -> embedding text -> index point. The embedded text comes from lib/embedding/report-text
// (field-aware, traces normalised); the keyword side indexes the raw title and description.
import type { Report } from "../db/client";
import type { Encoder } from "../embedding/types";
import { buildReportText, type ReportFields } from "../embedding/report-text";
import type { IndexPoint } from "../index/types";

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

export async function toPoints(encoder: Encoder, reports: IndexableReport[], batchSize?: number): Promise<IndexPoint[]> {
  if (reports.length === 0) return [];
  const vectors = await encoder.encode(reports.map(embeddingText), batchSize ? { batchSize } : undefined);
  return reports.map((r, i) => ({
    id: r.id,
    vector: vectors[i]!,
    meta: { product: r.product, component: r.component, status: r.status, createdAt: r.createdAt.getTime() },
    text: { title: r.title, body: r.description },
  }));
}
