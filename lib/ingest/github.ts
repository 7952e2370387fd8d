// GitHub issues export: a JSON array of issues as returned by GET /repos/{o}/{r}/issues
// (several concatenated arrays from `gh api --paginate`, or an array of pages from
// `--slurp`, are accepted too). Pull requests are skipped.
//
// Duplicates: GitHub's own convention is a comment (or body line) "Duplicate of #N". That
// line is always honoured; when the issue is labelled `duplicate` or closed with
// state_reason "duplicate", looser wording ("dup of #N", "same as #N", "duplicates #N") is
// accepted as well. References to other repositories are ignored (the link would cross
// sources).
import { jsonArrayElements } from "@/lib/ingest/json-array";
import { finishRecord } from "@/lib/ingest/record";
import type { ParseItem, TextInput } from "@/lib/ingest/types";

export interface GithubOptions {
  /** "github:<owner>/<repo>"; default derived from each issue's html_url / repository_url. */
  source?: string;
}

/** The fields of a REST API issue the mapping reads (GET /repos/{o}/{r}/issues, webhook `issue` objects). */
export interface GithubIssue {
  number?: unknown;
  title?: unknown;
  body?: unknown;
  state?: unknown;
  state_reason?: unknown;
  labels?: unknown;
  created_at?: unknown;
  updated_at?: unknown;
  user?: { login?: unknown } | null;
  html_url?: unknown;
  repository_url?: unknown;
  pull_request?: unknown;
  comments?: unknown;
}

export async function* parseGithub(input: TextInput, opts: GithubOptions = {}): AsyncGenerator<ParseItem> {
  for await (const el of jsonArrayElements(input, null)) {
    if (el.error) {
      yield { line: el.line, index: el.index, error: el.error };
      continue;
    }
    // `gh api --paginate --slurp` wraps pages in an outer array.
    const issues = Array.isArray(el.value) ? el.value : [el.value];
    for (const issue of issues) {
      try {
        if (!issue || typeof issue !== "object") throw new Error("expected an issue object");
        const i = issue as GithubIssue;
        if (i.pull_request) {
          yield { line: el.line, index: el.index, skipped: `#${String(i.number)} is a pull request` };
          continue;
        }
        yield { line: el.line, index: el.index, record: issueToRecord(i, opts.source) };
      } catch (err) {
        yield { line: el.line, index: el.index, error: `record ${el.index}: ${(err as Error).message}` };
      }
    }
  }
}

/** "owner/repo" from an html_url or repository_url. */
export function repoOf(i: GithubIssue): string | undefined {
  if (typeof i.html_url === "string") {
    const m = /^https?:\/\/[^/]+\/([^/]+\/[^/]+)\/(?:issues|pull)\/\d+/.exec(i.html_url);
    if (m) return m[1];
  }
  if (typeof i.repository_url === "string") {
    const m = /\/repos\/([^/]+\/[^/]+)\/?$/.exec(i.repository_url);
    if (m) return m[1];
  }
  return undefined;
}

/**
 * One issue as a report record: the mapping file import and live sync (lib/sync/github.ts) share.
 * `comments` may be the REST count or the thread as [{ body }].
 */
export function issueToRecord(i: GithubIssue, sourceOpt: string | undefined) {
  if (typeof i.number !== "number" && typeof i.number !== "string") throw new Error("issue has no number");
  const repo = repoOf(i);
  const source = sourceOpt ?? (repo ? `github:${repo}` : undefined);
  if (!source) throw new Error(`issue #${i.number}: cannot tell the repository (no html_url); pass --source github:<owner>/<repo>`);
  const ownRepo = repo ?? source.replace(/^github:/, "");
  const labels = labelNames(i.labels);
  const loose =
    labels.some((l) => /^duplicate$/i.test(l)) || (typeof i.state_reason === "string" && /^duplicate$/i.test(i.state_reason));
  const texts = [i.body, ...commentBodies(i.comments)].filter((t): t is string => typeof t === "string");
  const dupOf = new Set<string>();
  for (const t of texts) for (const n of duplicateRefs(t, ownRepo, loose)) dupOf.add(n);
  dupOf.delete(String(i.number));

  return finishRecord({
    source,
    externalId: String(i.number),
    url: i.html_url,
    title: i.title,
    description: i.body,
    component: prefixed(labels, /^(?:component|area|comp)[:/]\s*/i),
    platform: prefixed(labels, /^(?:os|platform)[:/]\s*/i),
    version: prefixed(labels, /^(?:version|affects)[:/]\s*/i),
    status: i.state,
    resolution: i.state_reason,
    reporter: i.user?.login,
    createdAt: i.created_at,
    updatedAt: i.updated_at,
    duplicateOf: [...dupOf],
  });
}

function labelNames(labels: unknown): string[] {
  if (!Array.isArray(labels)) return [];
  return labels
    .map((l) => (typeof l === "string" ? l : l && typeof l === "object" ? (l as { name?: unknown }).name : undefined))
    .filter((n): n is string => typeof n === "string");
}

function commentBodies(comments: unknown): unknown[] {
  // In the REST API `comments` is a count; exports that embed the thread use [{ body }].
  if (!Array.isArray(comments)) return [];
  return comments.map((c) => (c && typeof c === "object" ? (c as { body?: unknown }).body : c));
}

function prefixed(labels: string[], re: RegExp): string | undefined {
  const l = labels.find((x) => re.test(x));
  return l ? l.replace(re, "") : undefined;
}

const REF = String.raw`(?:#(\d+)|([\w.-]+\/[\w.-]+)#(\d+)|https?:\/\/github\.com\/([\w.-]+\/[\w.-]+)\/(?:issues|pull)\/(\d+))`;
// GitHub's marker: a line starting with "Duplicate of <ref>".
const STRICT = new RegExp(String.raw`^[ \t>*_]*duplicate of:?\s+` + REF, "gim");
const LOOSE = new RegExp(String.raw`\b(?:duplicate of|dup(?:e|licate)? of|duplicates|same (?:issue |bug )?as|closing in favou?r of)\s+` + REF, "gi");

/** Issue numbers in `text` that this issue is marked a duplicate of (same repository only). */
export function duplicateRefs(text: string, ownRepo: string, loose: boolean): string[] {
  const out: string[] = [];
  for (const re of loose ? [STRICT, LOOSE] : [STRICT]) {
    re.lastIndex = 0;
    for (const m of text.matchAll(re)) {
      const [, local, xrepo, xnum, urepo, unum] = m;
      const n = local ?? (sameRepo(xrepo, ownRepo) ? xnum : sameRepo(urepo, ownRepo) ? unum : undefined);
      if (n && !out.includes(n)) out.push(n);
    }
  }
  return out;
}

function sameRepo(a: string | undefined, b: string): boolean {
  return a !== undefined && a.toLowerCase() === b.toLowerCase();
}
