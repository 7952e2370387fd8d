// GitHub REST connector (docs.github.com/en/rest/issues): issues of one repository updated since a cursor,
// oldest update first, following the `Link: <...>; rel="next"` header; pull requests (issues with a
// `pull_request` key) skipped; each issue's comments fetched so "Duplicate of #N" lines become links; the
// mapping to a report record is the file importer's (lib/ingest/github.ts issueToRecord).
import type { GithubSyncConfig, SyncConfig } from "@/lib/config";
import { issueToRecord, type GithubIssue } from "@/lib/ingest/github";
import type { ParseItem } from "@/lib/ingest/types";
import { TrackerHttp } from "@/lib/sync/http";
import { isBotComment, type Connector, type SyncPage, type TrackerWriter } from "@/lib/sync/types";

export const githubSource = (cfg: GithubSyncConfig) => `github:${cfg.repo}`;

export function githubHttp(cfg: GithubSyncConfig, sync: SyncConfig, onWait?: (ms: number, reason: string) => void): TrackerHttp {
  return new TrackerHttp({
    name: "GitHub",
    baseUrl: cfg.apiUrl,
    headers: {
      accept: "application/vnd.github+json",
      "x-github-api-version": "2022-11-28",
      "user-agent": "bugsift",
      ...(cfg.token ? { authorization: `Bearer ${cfg.token}` } : {}),
    },
    maxRetries: sync.maxRetries,
    maxWaitMs: sync.maxWaitMs,
    onWait,
  });
}

/** The rel="next" URL of a Link header (RFC 8288), or null. */
export function nextLink(header: string | null): string | null {
  if (!header) return null;
  for (const part of header.split(",")) {
    const m = /<([^>]+)>\s*;\s*rel="?([^";]+)"?/.exec(part.trim());
    if (m && m[2]!.split(/\s+/).includes("next")) return m[1]!;
  }
  return null;
}

interface GithubComment {
  id: number;
  body?: string | null;
}

/** Every page of a list endpoint, following rel="next". */
async function* allPages<T>(http: TrackerHttp, path: string, query: Record<string, string | number | undefined>) {
  let url: string | null = http.url(path, query).toString();
  while (url) {
    const res: { data: T[]; headers: Headers } = await http.get<T[]>(url);
    yield res.data;
    url = nextLink(res.headers.get("link"));
  }
}

/** Human comments of an issue (the bot's own comment left out), oldest first. */
export async function issueComments(http: TrackerHttp, repo: string, number: string | number): Promise<string[]> {
  const out: string[] = [];
  for await (const page of allPages<GithubComment>(http, `/repos/${repo}/issues/${number}/comments`, { per_page: 100 })) {
    for (const c of page) if (typeof c.body === "string" && !isBotComment(c.body)) out.push(c.body);
  }
  return out;
}

export function githubConnector(cfg: GithubSyncConfig, sync: SyncConfig, http = githubHttp(cfg, sync)): Connector {
  const source = githubSource(cfg);
  return {
    name: "github",
    source,
    async *pages(cursor: string | null): AsyncGenerator<SyncPage> {
      const query = { state: "all", sort: "updated", direction: "asc", per_page: sync.pageSize, since: cursor ?? undefined };
      for await (const issues of allPages<GithubIssue & { updated_at?: unknown }>(http, `/repos/${cfg.repo}/issues`, query)) {
        const items: ParseItem[] = [];
        let last: string | null = null;
        for (const [n, issue] of issues.entries()) {
          if (typeof issue.updated_at === "string") last = issue.updated_at;
          const line = n + 1;
          if (issue.pull_request) {
            items.push({ line, skipped: `#${String(issue.number)} is a pull request` });
            continue;
          }
          try {
            const withComments =
              typeof issue.comments === "number" && issue.comments > 0
                ? { ...issue, comments: (await issueComments(http, cfg.repo, String(issue.number))).map((body) => ({ body })) }
                : { ...issue, comments: [] };
            items.push({ line, record: issueToRecord(withComments, source) });
          } catch (err) {
            if ((err as Error).name === "SyncHttpError") throw err;
            items.push({ line, error: `issue #${String(issue.number)}: ${(err as Error).message}` });
          }
        }
        yield { items, fetched: issues.length, cursor: last ?? cursor };
      }
    },
  };
}

export function githubWriter(cfg: GithubSyncConfig, http: TrackerHttp): TrackerWriter {
  return {
    markup: "markdown",
    async postComment(number, body) {
      const res = await http.send<{ id: number }>("POST", `/repos/${cfg.repo}/issues/${number}/comments`, { body });
      return String(res.data.id);
    },
    async editComment(_number, commentId, body) {
      await http.send("PATCH", `/repos/${cfg.repo}/issues/comments/${commentId}`, { body });
      return true;
    },
    async addLabel(number, label) {
      await http.send("POST", `/repos/${cfg.repo}/issues/${number}/labels`, { labels: [label] });
    },
  };
}
