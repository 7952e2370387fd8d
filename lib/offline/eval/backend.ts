// The evaluation's links to the rest of the app: the same report-text builder as indexing, a private
// (uncached) encoder, and a throw-away sqlite-vec index. Kept in one module so the protocol itself only
// sees the Encoder / VectorIndex contracts.
import { OnnxEncoder } from "@/lib/embedding/encoder";
import { buildReportText } from "@/lib/embedding/report-text";
import type { Encoder } from "@/lib/embedding/types";
import { SqliteVecIndex } from "@/lib/vector/sqlite-vec";
import type { VectorIndex } from "@/lib/vector/types";
import type { CorpusReport } from "@/lib/offline/eval/corpus";

/** Document (and query) text for the dense side, exactly as the indexer builds it. */
export function reportTextFor(r: CorpusReport): string {
  return buildReportText({ title: r.title, description: r.description, product: r.product, component: r.component }).text;
}

/**
 * A fresh encoder that is not shared through getEncoder()'s process cache: closing it after the run must
 * not pull the live model out from under the app when evaluation runs inside the server process.
 */
export async function loadEvalEncoder(dir: string): Promise<Encoder> {
  return OnnxEncoder.load(dir);
}

/** A new sqlite-vec index in its own file (never the app's live index file). */
export async function openEvalIndex(file: string, dims: number): Promise<VectorIndex> {
  return new SqliteVecIndex({ path: file, dims });
}
