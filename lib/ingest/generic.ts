// Generic JSONL (one JSON object per line) and CSV (header row) with a column mapping.
// Without a mapping, our own field names are accepted (camelCase or snake_case, plus a few
// common aliases); `--map title=summary,reporter=user.login` overrides per field. In JSONL a
// mapped name may be a dotted path into nested objects. See docs/import-formats.md.
import { readCsv } from "@/lib/ingest/csv";
import { finishRecord, type RecordDraft } from "@/lib/ingest/record";
import { lines } from "@/lib/ingest/text-input";
import type { ParseItem, TextInput } from "@/lib/ingest/types";

export const FIELDS = [
  "source", "externalId", "url", "title", "description", "product", "component", "version",
  "platform", "status", "resolution", "reporter", "createdAt", "updatedAt", "duplicateOf",
] as const;
export type Field = (typeof FIELDS)[number];
export type Mapping = Partial<Record<Field, string>>;

/** Names tried, in order, when a field is not mapped explicitly. */
export const DEFAULT_NAMES: Record<Field, string[]> = {
  source: ["source"],
  externalId: ["externalId", "external_id", "id", "key"],
  url: ["url", "html_url"],
  title: ["title", "summary"],
  description: ["description", "body"],
  product: ["product"],
  component: ["component"],
  version: ["version"],
  platform: ["platform", "os"],
  status: ["status", "state"],
  resolution: ["resolution"],
  reporter: ["reporter", "author", "creator"],
  createdAt: ["createdAt", "created_at", "created"],
  updatedAt: ["updatedAt", "updated_at", "updated"],
  duplicateOf: ["duplicateOf", "duplicate_of", "dupe_of"],
};

/** Parses "title=summary,description=body" into a Mapping; throws on unknown fields. */
export function parseMapping(spec: string | undefined): Mapping {
  const map: Mapping = {};
  if (!spec) return map;
  for (const part of spec.split(",")) {
    if (!part.trim()) continue;
    const eq = part.indexOf("=");
    if (eq <= 0 || eq === part.length - 1) throw new Error(`--map: expected field=column, got "${part.trim()}"`);
    const field = part.slice(0, eq).trim();
    const column = part.slice(eq + 1).trim();
    const canonical = FIELDS.find((f) => f.toLowerCase() === field.toLowerCase() || snake(f) === field.toLowerCase());
    if (!canonical) throw new Error(`--map: unknown field "${field}" (fields: ${FIELDS.join(", ")})`);
    map[canonical] = column;
  }
  return map;
}

function snake(s: string): string {
  return s.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

export interface GenericOptions {
  /** Overrides any per-record source. Required when records carry none. */
  source?: string;
  map?: Mapping;
}

// ---------- JSONL ----------

export async function* parseJsonl(input: TextInput, opts: GenericOptions = {}): AsyncGenerator<ParseItem> {
  const map = opts.map ?? {};
  for await (const { line, text } of lines(input)) {
    if (text.trim() === "") continue;
    let obj: unknown;
    try {
      obj = JSON.parse(text);
    } catch (err) {
      yield { line, error: `invalid JSON: ${(err as Error).message}` };
      continue;
    }
    if (!obj || typeof obj !== "object" || Array.isArray(obj)) {
      yield { line, error: `expected a JSON object` };
      continue;
    }
    try {
      const draft: RecordDraft = {};
      for (const f of FIELDS) draft[f] = lookupJson(obj as Record<string, unknown>, f, map);
      if (opts.source) draft.source = opts.source;
      yield { line, record: finishRecord(draft) };
    } catch (err) {
      yield { line, error: `${(err as Error).message}` };
    }
  }
}

function lookupJson(obj: Record<string, unknown>, f: Field, map: Mapping): unknown {
  const mapped = map[f];
  if (mapped !== undefined) return getPath(obj, mapped);
  for (const name of DEFAULT_NAMES[f]) if (obj[name] !== undefined) return obj[name];
  return undefined;
}

function getPath(obj: Record<string, unknown>, path: string): unknown {
  if (path in obj) return obj[path];
  let cur: unknown = obj;
  for (const part of path.split(".")) {
    if (!cur || typeof cur !== "object") return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

// ---------- CSV ----------

export async function* parseGenericCsv(input: TextInput, opts: GenericOptions = {}): AsyncGenerator<ParseItem> {
  const map = opts.map ?? {};
  let idx: Partial<Record<Field, number>> | null = null;
  let width = 0;
  for await (const row of readCsv(input)) {
    if (!idx) {
      const header = row.fields.map((h) => h.trim());
      width = header.length;
      idx = {};
      const missing: string[] = [];
      for (const f of FIELDS) {
        const names = map[f] !== undefined ? [map[f]!] : DEFAULT_NAMES[f];
        const i = header.findIndex((h) => names.some((n) => n.toLowerCase() === h.toLowerCase()));
        if (i >= 0) idx[f] = i;
        else if (map[f] !== undefined) missing.push(`${f}=${map[f]}`);
      }
      if (missing.length) {
        yield { line: row.line, error: `--map names columns that are not in the header: ${missing.join(", ")} (header: ${header.join(", ")})` };
        return;
      }
      if (idx.title === undefined || idx.externalId === undefined) {
        yield {
          line: row.line,
          error: `CSV header needs a title and an id column (tried ${DEFAULT_NAMES.title.join("/")} and ${DEFAULT_NAMES.externalId.join("/")}; use --map); header: ${header.join(", ")}`,
        };
        return;
      }
      continue;
    }
    if (row.error) {
      yield { line: row.line, error: `${row.error}` };
      continue;
    }
    try {
      if (row.fields.length > width) throw new Error(`row has ${row.fields.length} fields, header has ${width}`);
      const draft: RecordDraft = {};
      for (const f of FIELDS) if (idx[f] !== undefined) draft[f] = row.fields[idx[f]!];
      if (opts.source) draft.source = opts.source;
      yield { line: row.line, record: finishRecord(draft) };
    } catch (err) {
      yield { line: row.line, error: `${(err as Error).message}` };
    }
  }
  if (!idx) yield { line: 1, error: "empty file: no CSV header row" };
}
