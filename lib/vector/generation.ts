// Generation ids name physical tables (sqlite: ix_vec_<gen>, ix_fts_<gen>) and collections
// (Qdrant: <prefix>_<gen>), so they are the only non-constant part of any SQL identifier we build.
// They are generated here and validated against a strict pattern before use; user input never reaches
// a table name.
import { randomBytes } from "node:crypto";

/** "g" + creation time (ms, base36) + 4 random base36 chars: sortable by age, lower-case, no underscores. */
const GEN_RE = /^g[0-9a-z]{6,12}[0-9a-z]{4}$/;

export function newGenerationId(now = Date.now()): string {
  const rand = [...randomBytes(4)].map((b) => (b % 36).toString(36)).join("");
  return `g${now.toString(36)}${rand}`;
}

export function isGenerationId(s: unknown): s is string {
  return typeof s === "string" && GEN_RE.test(s);
}

export function assertGenerationId(s: unknown, where: string): asserts s is string {
  if (!isGenerationId(s)) {
    throw new Error(`${where}: invalid generation id ${JSON.stringify(s)} (expected e.g. "${newGenerationId()}")`);
  }
}

/** Creation time encoded in the id (epoch ms). */
export function generationCreatedAt(gen: string): number {
  assertGenerationId(gen, "generationCreatedAt");
  return parseInt(gen.slice(1, -4), 36);
}

export interface GenerationInfo {
  generation: string;
  dims: number;
  state: "live" | "building";
  createdAt: number;
  /** Last write into the generation (sqlite) or creation time (Qdrant, which has no such record). */
  updatedAt: number;
  count: number;
}

/** Generation housekeeping both backends offer beyond the VectorIndex contract. */
export interface GenerationAdmin {
  /** Live generation id (as of the last operation). */
  readonly generation: string;
  /** Live generation first, then unfinished ones. */
  generations(): Promise<GenerationInfo[]>;
  /** Drops a non-live generation (a crashed re-index you will not resume). */
  dropGeneration(gen: string): Promise<void>;
  /** Drops unfinished generations idle for longer than olderThanMs; returns their ids. */
  cleanupStaleGenerations(olderThanMs?: number): Promise<string[]>;
}

/** The index's live generation id, when the backend exposes it. */
export function generationOf(ix: object): string | null {
  const gen = (ix as { generation?: unknown }).generation;
  return typeof gen === "string" ? gen : null;
}
