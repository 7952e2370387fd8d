// Bugzilla REST export: `{ "bugs": [ {...}, ... ] }` as returned by GET /rest/bug
// (optionally with an embedded `comments` array per bug). The description is the bug's
// `description` field if present, else the first comment (Bugzilla's comment 0 is the
// report text).
import { jsonArrayElements } from "@/lib/ingest/json-array";
import { finishRecord } from "@/lib/ingest/record";
import type { ParseItem, TextInput } from "@/lib/ingest/types";

export interface BugzillaOptions {
  /** Default "bugzilla". "bugzilla:<host>" also lets the parser build show_bug.cgi URLs. */
  source?: string;
  /** e.g. "https://bugzilla.mozilla.org"; overrides the host derived from the source. */
  baseUrl?: string;
}

// Placeholder values Bugzilla uses for "not set"; not worth storing as a platform.
const UNSET = /^(unspecified|all|other|---)$/i;

export async function* parseBugzilla(input: TextInput, opts: BugzillaOptions = {}): AsyncGenerator<ParseItem> {
  const source = opts.source ?? "bugzilla";
  const base = opts.baseUrl ?? hostBase(source);
  for await (const el of jsonArrayElements(input, "bugs")) {
    if (el.error) {
      yield { line: el.line, index: el.index, error: el.error };
      continue;
    }
    try {
      yield { line: el.line, index: el.index, record: bugToRecord(el.value, source, base) };
    } catch (err) {
      yield { line: el.line, index: el.index, error: `record ${el.index}: ${(err as Error).message}` };
    }
  }
}

export function hostBase(source: string): string | undefined {
  const m = /^bugzilla:([a-z0-9.-]+\.[a-z]{2,})$/i.exec(source);
  return m ? `https://${m[1]}` : undefined;
}

/** One REST bug object as a report record: the mapping file import and live sync (lib/sync/bugzilla.ts) share. */
export function bugToRecord(v: unknown, source: string, base: string | undefined) {
  if (!v || typeof v !== "object" || Array.isArray(v)) throw new Error("expected a bug object");
  const b = v as Record<string, unknown>;
  if (b.id === undefined || b.id === null || b.id === "") throw new Error("bug has no id");
  const id = String(b.id);
  const platform = [b.platform, b.op_sys]
    .filter((p): p is string => typeof p === "string" && p.trim() !== "" && !UNSET.test(p.trim()))
    .join(" / ");
  const dupe = b.dupe_of === null || b.dupe_of === undefined || b.dupe_of === "" ? [] : [String(b.dupe_of)];
  return finishRecord({
    source,
    externalId: id,
    // (Bugzilla's own `url` field is a user-entered related link, not the bug's address.)
    url: base ? `${base.replace(/\/$/, "")}/show_bug.cgi?id=${encodeURIComponent(id)}` : undefined,
    title: b.summary,
    description: typeof b.description === "string" ? b.description : firstComment(b.comments),
    product: b.product,
    component: b.component,
    version: UNSET.test(String(b.version ?? "")) ? undefined : b.version,
    platform,
    status: b.status,
    resolution: b.resolution,
    reporter: b.creator ?? (b.creator_detail as { name?: string } | undefined)?.name,
    createdAt: b.creation_time,
    updatedAt: b.last_change_time,
    duplicateOf: dupe,
  });
}

function firstComment(comments: unknown): string {
  if (!Array.isArray(comments) || comments.length === 0) return "";
  // Comment 0 is the description; REST returns comments oldest first, but sort by count if given.
  const sorted = [...comments].sort((a, b) => Number(a?.count ?? 0) - Number(b?.count ?? 0));
  const c = sorted[0] as { text?: unknown; raw_text?: unknown } | undefined;
  const text = c?.text ?? c?.raw_text;
  return typeof text === "string" ? text : "";
}
