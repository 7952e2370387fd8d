// Jira CSV export ("Export > CSV (all fields)"). Columns are matched by header name,
// case-insensitively; Jira repeats a header for multi-valued fields (Component/s,
// Affects Version/s, issue links), so repeated columns are gathered, not overwritten.
//
// Identity: "Issue key" (HADOOP-123) when present, else "Issue id" (numeric); the other one
// becomes an alias so duplicate references may use either.
// Duplicates: "Outward issue link (Duplicate)" = this issue duplicates those (they are its
// masters); "Inward issue link (Duplicate)" = those duplicate this one. A separate links
// file (see parseJiraLinks) adds pairs; they are yielded as link items after the records.
import { readCsv } from "@/lib/ingest/csv";
import { finishRecord, idList } from "@/lib/ingest/record";
import type { ParseItem, TextInput } from "@/lib/ingest/types";

export interface JiraOptions {
  /** Default: "jira:<PROJECT>" from the Project key column or the issue key prefix, else "jira". */
  source?: string;
  /** e.g. "https://issues.apache.org/jira": builds <base>/browse/<key> URLs. */
  baseUrl?: string;
  /** Contents of a duplicate-pairs CSV (see parseJiraLinks). */
  links?: TextInput;
  /** Name shown in messages about the links file. */
  linksName?: string;
}

export async function* parseJira(input: TextInput, opts: JiraOptions = {}): AsyncGenerator<ParseItem> {
  let header: string[] | null = null;
  let col: Columns | null = null;
  const sources = new Set<string>();
  for await (const row of readCsv(input)) {
    if (!header) {
      header = row.fields.map((h) => h.trim().toLowerCase());
      col = columns(header);
      if (col.summary.length === 0 || (col.key.length === 0 && col.id.length === 0)) {
        yield {
          line: row.line,
          error: `not a Jira CSV export: the header needs "Summary" and "Issue key" or "Issue id" (found: ${row.fields.slice(0, 12).join(", ")})`,
        };
        return;
      }
      continue;
    }
    if (row.error) {
      yield { line: row.line, error: row.error };
      continue;
    }
    try {
      const rec = rowToRecord(row.fields, col!, header.length, opts);
      sources.add(rec.source);
      yield { line: row.line, record: rec };
    } catch (err) {
      yield { line: row.line, error: (err as Error).message };
    }
  }
  if (!header) {
    yield { line: 1, error: "empty file: no Jira CSV header row" };
    return;
  }
  if (opts.links !== undefined) {
    const name = opts.linksName ?? "links file";
    const source = opts.source ?? (sources.size === 1 ? [...sources][0] : undefined);
    if (!source) {
      yield { line: 1, file: name, error: `cannot tell which source the pairs belong to (${sources.size} sources in the export); pass --source` };
      return;
    }
    for await (const p of parseJiraLinks(opts.links)) {
      if (p.error) yield { line: p.line, file: name, error: p.error };
      else yield { line: p.line, file: name, link: { source, duplicate: p.duplicate!, master: p.master!, line: p.line, file: name } };
    }
  }
}

interface Columns {
  summary: number[];
  key: number[];
  id: number[];
  project: number[];
  projectName: number[];
  status: number[];
  resolution: number[];
  created: number[];
  updated: number[];
  resolved: number[];
  versions: number[];
  components: number[];
  description: number[];
  reporter: number[];
  environment: number[];
  inwardDup: number[];
  outwardDup: number[];
}

function columns(h: string[]): Columns {
  const find = (...names: string[]) => h.flatMap((x, i) => (names.includes(x) ? [i] : []));
  return {
    summary: find("summary"),
    key: find("issue key"),
    id: find("issue id"),
    project: find("project key"),
    projectName: find("project name"),
    status: find("status"),
    resolution: find("resolution"),
    created: find("created"),
    updated: find("updated"),
    resolved: find("resolved"),
    versions: find("affects version/s", "affects versions", "version/s"),
    components: find("component/s", "components"),
    description: find("description"),
    reporter: find("reporter", "creator"),
    environment: find("environment"),
    inwardDup: find("inward issue link (duplicate)"),
    outwardDup: find("outward issue link (duplicate)"),
  };
}

function rowToRecord(f: string[], c: Columns, width: number, opts: JiraOptions) {
  if (f.length > width) throw new Error(`row has ${f.length} fields, header has ${width} (unbalanced quotes?)`);
  const one = (idx: number[]) => idx.map((i) => f[i]?.trim() ?? "").find((v) => v !== "");
  const many = (idx: number[]) => [...new Set(idx.map((i) => f[i]?.trim() ?? "").filter((v) => v !== ""))];
  const key = one(c.key);
  const id = one(c.id);
  const externalId = key ?? id;
  if (!externalId) throw new Error("missing Issue key / Issue id");
  const project = one(c.project) ?? (key && /^([A-Z][A-Z0-9_]*)-\d+$/.exec(key)?.[1]);
  const source = opts.source ?? (project ? `jira:${project}` : "jira");
  const env = one(c.environment);
  return finishRecord({
    source,
    externalId,
    aliases: key && id ? [id] : [],
    url: opts.baseUrl && key ? `${opts.baseUrl.replace(/\/$/, "")}/browse/${key}` : undefined,
    title: one(c.summary),
    description: one(c.description),
    product: one(c.projectName),
    component: many(c.components).join(", "),
    version: many(c.versions).join(", "),
    // Environment is free text; only a short one reads as a platform.
    platform: env && env.length <= 100 && !env.includes("\n") ? env : undefined,
    status: one(c.status),
    resolution: one(c.resolution),
    reporter: one(c.reporter),
    createdAt: one(c.created),
    updatedAt: one(c.updated) ?? one(c.resolved),
    duplicateOf: many(c.outwardDup).flatMap((v) => idList(v)),
    duplicatedBy: many(c.inwardDup).flatMap((v) => idList(v)),
  });
}

export interface LinkPair {
  line: number;
  duplicate?: string;
  master?: string;
  error?: string;
}

/**
 * Duplicate pairs CSV, e.g. /work/shared/data/hadoop-jira/duplicates.csv:
 *   Issue id,Duplicate id
 *   13438913,"13547000, 13396667"
 * The column whose header contains "duplicate" holds the duplicates; the other column holds
 * their master. Without a header row (first row all ids) column 1 = master, column 2 =
 * duplicate(s). A cell may list several ids separated by commas/spaces; each makes a pair.
 */
export async function* parseJiraLinks(input: TextInput): AsyncGenerator<LinkPair> {
  let masterCol = 0;
  let dupCol = 1;
  let first = true;
  for await (const row of readCsv(input)) {
    if (row.error) {
      yield { line: row.line, error: row.error };
      continue;
    }
    const cells = row.fields.map((x) => x.trim());
    if (first) {
      first = false;
      const isHeader = cells.some((x) => x !== "" && !/^[A-Za-z][A-Za-z0-9_]*-\d+$|^\d+$/.test(x.split(/[\s,;]+/)[0]!));
      if (isHeader) {
        const d = cells.findIndex((x) => /duplicate/i.test(x));
        if (cells.length < 2 || d < 0) {
          yield { line: row.line, error: `links header must name a "Duplicate ..." column (found: ${cells.join(", ")})` };
          return;
        }
        dupCol = d;
        masterCol = d === 0 ? 1 : 0;
        continue;
      }
    }
    const masters = idList(cells[masterCol] ?? "");
    const dups = idList(cells[dupCol] ?? "");
    if (masters.length !== 1 || dups.length === 0) {
      yield { line: row.line, error: `expected one master id and at least one duplicate id, got "${row.fields.join(",")}"` };
      continue;
    }
    for (const d of dups) {
      if (d === masters[0]) yield { line: row.line, error: `${d} is linked to itself` };
      else yield { line: row.line, duplicate: d, master: masters[0] };
    }
  }
}

/** The fields of a Jira REST v2 issue the mapping reads (GET /rest/api/2/search, webhook `issue` objects). */
export interface JiraRestIssue {
  id?: unknown;
  key?: unknown;
  fields?: {
    summary?: unknown;
    description?: unknown;
    project?: { key?: unknown; name?: unknown } | null;
    status?: { name?: unknown } | null;
    resolution?: { name?: unknown } | null;
    components?: { name?: unknown }[] | null;
    versions?: { name?: unknown }[] | null;
    environment?: unknown;
    reporter?: { name?: unknown; displayName?: unknown; accountId?: unknown } | null;
    created?: unknown;
    updated?: unknown;
    issuelinks?: JiraIssueLink[] | null;
  } | null;
}

/**
 * An issue link as REST returns it: `outwardIssue` set = this issue "duplicates" it (it is our master);
 * `inwardIssue` set = it "is duplicated by" this one's duplicate. Only the link type named "Duplicate" counts.
 */
interface JiraIssueLink {
  type?: { name?: unknown } | null;
  inwardIssue?: { key?: unknown } | null;
  outwardIssue?: { key?: unknown } | null;
}

/**
 * One REST issue as a report record (same fields as the CSV columns above): the mapping live sync
 * (lib/sync/jira.ts) and the Jira webhook use. Dates are Jira's "2024-01-02T10:33:00.000+0000".
 */
export function jiraRestIssueRecord(issue: JiraRestIssue, opts: { source?: string; baseUrl?: string } = {}) {
  const f = issue.fields ?? {};
  const key = typeof issue.key === "string" ? issue.key : undefined;
  const id = issue.id === undefined || issue.id === null ? undefined : String(issue.id);
  const names = (list: { name?: unknown }[] | null | undefined) =>
    (list ?? []).map((x) => x?.name).filter((n): n is string => typeof n === "string" && n.trim() !== "");
  const project = typeof f.project?.key === "string" ? f.project.key : key && /^([A-Z][A-Z0-9_]*)-\d+$/.exec(key)?.[1];
  const links = (f.issuelinks ?? []).filter((l) => typeof l?.type?.name === "string" && /^duplicate$/i.test(l.type.name));
  const env = typeof f.environment === "string" ? f.environment.trim() : undefined;
  return finishRecord({
    source: opts.source ?? (project ? `jira:${project}` : "jira"),
    externalId: key ?? id,
    aliases: key && id ? [id] : [],
    url: opts.baseUrl && key ? `${opts.baseUrl.replace(/\/$/, "")}/browse/${key}` : undefined,
    title: f.summary,
    description: f.description,
    product: f.project?.name,
    component: names(f.components).join(", "),
    version: names(f.versions).join(", "),
    platform: env && env.length <= 100 && !env.includes("\n") ? env : undefined,
    status: f.status?.name,
    resolution: f.resolution?.name,
    reporter: f.reporter?.name ?? f.reporter?.displayName,
    createdAt: f.created,
    updatedAt: f.updated,
    duplicateOf: links.map((l) => l.outwardIssue?.key).filter((k): k is string => typeof k === "string"),
    duplicatedBy: links.map((l) => l.inwardIssue?.key).filter((k): k is string => typeof k === "string"),
  });
}
