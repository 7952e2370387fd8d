// Jira CSV export ("Export > CSV (all fields)"). Columns are matched by header name,
// case-insensitively; Jira repeats a header for multi-valued fields (Component/s,
// Affects Version/s, issue links), so repeated columns are gathered, not overwritten.
//
// Identity: "Issue key" (HADOOP-123) when present, else "Issue id" (numeric); the other one
// becomes an alias so duplicate references may use either.
// Duplicates: "Outward issue link (Duplicate)" = this issue duplicates those (they are its
// masters); "Inward issue link (Duplicate)" = those duplicate this one. A separate links
// file (see parseJiraLinks) adds pairs; they are yielded as link items after the records.
//
// Sources across projects: issue keys are unique on a Jira site, so without --source a key
// (HADOOP-123) lives in "jira:<its project>". An export may span several projects and link
// across them: a reference to another project's issue becomes a link item whose ends carry
// their own sources, and so does every pair of the links file. A numeric "Issue id" names no
// project: it is resolved in the export's one source, and rejected per pair when there are several.
import { readCsv } from "@/lib/ingest/csv";
import { finishRecord, idList } from "@/lib/ingest/record";
import type { LinkRef, ParseItem, ReportRecord, TextInput } from "@/lib/ingest/types";

export interface JiraOptions {
  /**
   * Every report and every duplicate reference in this one source. Default: "jira:<PROJECT>" from
   * the Project key column or the issue key prefix, else "jira"; references by key go to their own project.
   */
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
      const { record, links } = opts.source === undefined ? splitForeign(rec, row.line) : { record: rec, links: [] };
      yield { line: row.line, record };
      for (const link of links) yield { line: row.line, link };
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
    // A pair's ends may lie in different projects (HADOOP-10050,YARN-1319), so each end gets its own source.
    const only = sources.size === 1 ? [...sources][0] : undefined;
    const place = (id: string) => opts.source ?? keySource(id) ?? only;
    for await (const p of parseJiraLinks(opts.links)) {
      if (p.error) {
        yield { line: p.line, file: name, error: p.error };
        continue;
      }
      const duplicateSource = place(p.duplicate!);
      const masterSource = place(p.master!);
      if (duplicateSource === undefined || masterSource === undefined) {
        const bare = [duplicateSource === undefined ? p.duplicate! : "", masterSource === undefined ? p.master! : ""].filter(Boolean);
        const ids = bare.length > 1 ? `ids ${bare.map((id) => `"${id}"`).join(" and ")} name` : `id "${bare[0]}" names`;
        yield {
          line: p.line,
          file: name,
          error: `pair ${p.duplicate} -> ${p.master}: ${ids} no project (not an issue key like PROJECT-123) and the export holds ` +
            `${sources.size} sources; use the issue key, or --source to import everything into one source`,
        };
        continue;
      }
      yield { line: p.line, file: name, link: { duplicateSource, duplicate: p.duplicate!, masterSource, master: p.master!, line: p.line, file: name } };
    }
  }
}

/** A Jira issue key, PROJECT-123; group 1 is the project. */
const ISSUE_KEY = /^([A-Z][A-Z0-9_]*)-\d+$/;

/** The default source of the report an issue key names ("jira:<PROJECT>"); undefined for a numeric id. */
function keySource(id: string): string | undefined {
  const project = ISSUE_KEY.exec(id)?.[1];
  return project ? `jira:${project}` : undefined;
}

/**
 * Moves the record's duplicate references to issues of another project out of duplicateOf /
 * duplicatedBy (which the importer resolves in the record's own source) into link items with
 * both sources. References by numeric id, and keys of the record's own project, stay.
 */
function splitForeign(rec: ReportRecord, line: number): { record: ReportRecord; links: LinkRef[] } {
  const links: LinkRef[] = [];
  const own = (ids: string[] | undefined, foreign: (id: string, source: string) => LinkRef) => {
    const kept = (ids ?? []).filter((id) => {
      const source = keySource(id);
      if (source === undefined || source === rec.source) return true;
      links.push(foreign(id, source));
      return false;
    });
    return kept.length ? kept : undefined;
  };
  const duplicateOf = own(rec.duplicateOf, (id, source) => ({ duplicateSource: rec.source, duplicate: rec.externalId, masterSource: source, master: id, line }));
  const duplicatedBy = own(rec.duplicatedBy, (id, source) => ({ duplicateSource: source, duplicate: id, masterSource: rec.source, master: rec.externalId, line }));
  if (links.length === 0) return { record: rec, links };
  const { duplicateOf: _of, duplicatedBy: _by, ...rest } = rec;
  return { record: { ...rest, ...(duplicateOf && { duplicateOf }), ...(duplicatedBy && { duplicatedBy }) }, links };
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
  const project = one(c.project) ?? (key && ISSUE_KEY.exec(key)?.[1]);
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
 * Linked issues are taken to be in the record's source: sync and the webhook cover one project, and
 * sync keeps unresolved links per source, so a link to another project's issue stays pending.
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
