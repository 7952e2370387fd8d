// Jira REST v2 connector (developer.atlassian.com/cloud/jira/platform/rest/v2/api-group-issue-search/):
// POST-free JQL search `project = KEY AND updated >= "yyyy/MM/dd HH:mm" ORDER BY updated ASC, key ASC`, paged
// with startAt/maxResults until `total`; issue links of the type named "Duplicate" become duplicate links.
// JQL reads dates in the searching user's time zone at minute precision, so the cursor is written in
// JIRA_TIMEZONE and rounded down (the overlap is re-read and found unchanged by content hash).
import type { JiraSyncConfig, SyncConfig } from "@/lib/config";
import { jiraRestIssueRecord, type JiraRestIssue } from "@/lib/ingest/jira";
import { parseDate } from "@/lib/ingest/dates";
import type { ParseItem } from "@/lib/ingest/types";
import { TrackerHttp } from "@/lib/sync/http";
import type { Connector, SyncPage, TrackerWriter } from "@/lib/sync/types";

export const jiraSource = (cfg: JiraSyncConfig) => `jira:${cfg.project}`;

const FIELDS = ["summary", "description", "project", "status", "resolution", "components", "versions", "environment", "reporter", "created", "updated", "issuelinks"];

export function jiraHttp(cfg: JiraSyncConfig, sync: SyncConfig, onWait?: (ms: number, reason: string) => void): TrackerHttp {
  const auth: Record<string, string> = !cfg.token
    ? {}
    : cfg.email
      ? { authorization: `Basic ${Buffer.from(`${cfg.email}:${cfg.token}`).toString("base64")}` }
      : { authorization: `Bearer ${cfg.token}` };
  return new TrackerHttp({ name: "Jira", baseUrl: `${cfg.url}/rest/api/2`, headers: auth, maxRetries: sync.maxRetries, maxWaitMs: sync.maxWaitMs, onWait });
}

/** "yyyy/MM/dd HH:mm" of `iso` in `timeZone`, rounded down to the minute (JQL's date literal). */
export function jqlDate(iso: string, timeZone: string): string {
  const parts = new Intl.DateTimeFormat("en-CA", {
    timeZone, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hourCycle: "h23",
  }).formatToParts(new Date(iso));
  const p = (t: string) => parts.find((x) => x.type === t)?.value ?? "00";
  return `${p("year")}/${p("month")}/${p("day")} ${p("hour")}:${p("minute")}`;
}

export function jiraJql(cfg: JiraSyncConfig, cursor: string | null): string {
  const since = cursor ? ` AND updated >= "${jqlDate(cursor, cfg.timeZone)}"` : "";
  return `project = "${cfg.project}"${since} ORDER BY updated ASC, key ASC`;
}

export function jiraConnector(cfg: JiraSyncConfig, sync: SyncConfig, http = jiraHttp(cfg, sync)): Connector {
  const source = jiraSource(cfg);
  return {
    name: "jira",
    source,
    async *pages(cursor: string | null): AsyncGenerator<SyncPage> {
      const jql = jiraJql(cfg, cursor);
      for (let startAt = 0; ; ) {
        const res = await http.get<{ startAt?: number; total?: number; issues?: JiraRestIssue[] }>("/search", {
          jql, startAt, maxResults: sync.pageSize, fields: FIELDS.join(","),
        });
        const issues = res.data?.issues ?? [];
        if (issues.length === 0) return;
        const items: ParseItem[] = [];
        let last: string | null = null;
        for (const [n, issue] of issues.entries()) {
          try {
            if (issue.fields?.updated !== undefined) last = parseDate(issue.fields.updated, "updated").toISOString();
            items.push({ line: startAt + n + 1, record: jiraRestIssueRecord(issue, { source, baseUrl: cfg.url }) });
          } catch (err) {
            items.push({ line: startAt + n + 1, error: `issue ${String(issue.key ?? issue.id)}: ${(err as Error).message}` });
          }
        }
        startAt += issues.length;
        yield { items, fetched: issues.length, cursor: last ?? cursor };
        if (typeof res.data?.total === "number" && startAt >= res.data.total) return;
      }
    },
  };
}

export function jiraWriter(http: TrackerHttp): TrackerWriter {
  return {
    markup: "jira",
    async postComment(key, body) {
      const res = await http.send<{ id: string }>("POST", `/issue/${encodeURIComponent(key)}/comment`, { body });
      return String(res.data.id);
    },
    async editComment(key, commentId, body) {
      await http.send("PUT", `/issue/${encodeURIComponent(key)}/comment/${encodeURIComponent(commentId)}`, { body });
      return true;
    },
    async addLabel(key, label) {
      await http.send("PUT", `/issue/${encodeURIComponent(key)}`, { update: { labels: [{ add: label }] } });
    },
  };
}

/** One issue as a record, read fresh from the REST API (comment events carry only part of the issue). */
export async function fetchIssueRecord(http: TrackerHttp, cfg: JiraSyncConfig, key: string) {
  const res = await http.get<JiraRestIssue>(`/issue/${encodeURIComponent(key)}`, { fields: FIELDS.join(",") });
  return jiraRestIssueRecord(res.data, { source: jiraSource(cfg), baseUrl: cfg.url });
}
