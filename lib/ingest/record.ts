// Validation and normalisation shared by all parsers, and the content hash.
// Every parser builds a loose RecordDraft and calls finishRecord(), so the rules for
// required fields, whitespace and dates live in one place.
import { createHash } from "node:crypto";
import { parseDate } from "@/lib/ingest/dates";
import type { ReportRecord } from "@/lib/ingest/types";

export interface RecordDraft {
  source?: unknown;
  externalId?: unknown;
  url?: unknown;
  title?: unknown;
  description?: unknown;
  product?: unknown;
  component?: unknown;
  version?: unknown;
  platform?: unknown;
  status?: unknown;
  resolution?: unknown;
  reporter?: unknown;
  createdAt?: unknown;
  updatedAt?: unknown;
  duplicateOf?: unknown;
  duplicatedBy?: unknown;
  aliases?: unknown;
}

/** Trims, unifies line endings, NFC-normalises. Non-strings become strings. */
export function normText(v: unknown): string {
  if (v === null || v === undefined) return "";
  const s = typeof v === "string" ? v : typeof v === "number" || typeof v === "boolean" ? String(v) : "";
  return s.normalize("NFC").replace(/\r\n?/g, "\n").trim();
}

function optText(v: unknown): string | undefined {
  const s = normText(v);
  return s === "" ? undefined : s;
}

/** External id lists from arrays, numbers, or "12, 34 56;78" strings; de-duplicated, order kept. */
export function idList(v: unknown): string[] {
  const raw: unknown[] = Array.isArray(v) ? v : v === null || v === undefined ? [] : [v];
  const out: string[] = [];
  for (const item of raw) {
    const s = typeof item === "number" ? String(item) : typeof item === "string" ? item : "";
    for (const part of s.split(/[\s,;]+/)) {
      const id = part.trim();
      if (id && !out.includes(id)) out.push(id);
    }
  }
  return out;
}

/** Builds a validated ReportRecord or throws an Error naming the first problem. */
export function finishRecord(d: RecordDraft): ReportRecord {
  const externalId = normText(d.externalId);
  if (!externalId) throw new Error("missing external id");
  // Name the record in every message: the line number alone is hard to act on.
  const named = <T>(fn: () => T): T => {
    try {
      return fn();
    } catch (err) {
      throw new Error(`${(err as Error).message} (id "${externalId}")`);
    }
  };
  const source = normText(d.source);
  if (!source) throw new Error(`missing source: pass --source or add a source field (id "${externalId}")`);
  const title = normText(d.title).replace(/\s*\n\s*/g, " ");
  if (!title) throw new Error(`missing title (id "${externalId}")`);
  const createdAt = named(() => parseDate(d.createdAt, "createdAt"));
  const hasUpdated = d.updatedAt !== undefined && d.updatedAt !== null && d.updatedAt !== "";
  const updatedAt = hasUpdated ? named(() => parseDate(d.updatedAt, "updatedAt")) : createdAt;

  const rec: ReportRecord = {
    source,
    externalId,
    title,
    description: normText(d.description),
    createdAt,
    updatedAt,
  };
  const opt = ["url", "product", "component", "version", "platform", "status", "resolution", "reporter"] as const;
  for (const k of opt) {
    const v = optText(d[k]);
    if (v !== undefined) rec[k] = v;
  }
  const dupOf = idList(d.duplicateOf).filter((id) => id !== externalId);
  if (dupOf.length) rec.duplicateOf = dupOf;
  const dupBy = idList(d.duplicatedBy).filter((id) => id !== externalId);
  if (dupBy.length) rec.duplicatedBy = dupBy;
  const aliases = idList(d.aliases).filter((id) => id !== externalId);
  if (aliases.length) rec.aliases = aliases;
  return rec;
}

/** The stored columns in a fixed order; the hash covers exactly what the importer writes. */
const HASHED = [
  "source", "externalId", "url", "title", "description", "product", "component", "version",
  "platform", "status", "resolution", "reporter",
] as const;

/**
 * sha256 over the normalised stored fields (not duplicate links: those are rows of their
 * own). Same hash on re-import means the row is left untouched and is not re-embedded.
 */
export function contentHash(r: ReportRecord): string {
  const h = createHash("sha256");
  for (const k of HASHED) {
    h.update(k);
    h.update("\u0000");
    h.update(r[k] ?? "");
    h.update("\u0001");
  }
  h.update(`createdAt\u0000${r.createdAt.toISOString()}\u0001updatedAt\u0000${r.updatedAt.toISOString()}`);
  return h.digest("hex");
}
