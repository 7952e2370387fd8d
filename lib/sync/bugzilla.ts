// Bugzilla REST connector (bugzilla.readthedocs.io/en/latest/api/core/v1/bug.html, .../comment.html): bugs
// changed at or after a cursor (`last_change_time`, ordered by change date as buglist.cgi's `order=changeddate`),
// paged with `limit`/`offset` until an empty page; each bug's comment 0 read as its description
// (GET /rest/bug/{id}/comment); `dupe_of` becomes a duplicate link. The mapping to a report record is the file
// importer's (lib/ingest/bugzilla.ts bugToRecord). The API key travels in the X-BUGZILLA-API-KEY header.
import type { BugzillaSyncConfig, SyncConfig } from "@/lib/config";
import { bugToRecord } from "@/lib/ingest/bugzilla";
import type { ParseItem } from "@/lib/ingest/types";
import { TrackerHttp } from "@/lib/sync/http";
import type { Connector, SyncPage, TrackerWriter } from "@/lib/sync/types";

export const bugzillaSource = (cfg: BugzillaSyncConfig) => `bugzilla:${new URL(cfg.url).host}`;

const FIELDS = [
  "id", "summary", "product", "component", "version", "platform", "op_sys", "status", "resolution",
  "creator", "creation_time", "last_change_time", "dupe_of", "url",
];

export function bugzillaHttp(cfg: BugzillaSyncConfig, sync: SyncConfig, onWait?: (ms: number, reason: string) => void): TrackerHttp {
  return new TrackerHttp({
    name: "Bugzilla",
    baseUrl: `${cfg.url}/rest`,
    headers: cfg.apiKey ? { "x-bugzilla-api-key": cfg.apiKey } : {},
    maxRetries: sync.maxRetries,
    maxWaitMs: sync.maxWaitMs,
    onWait,
  });
}

interface BugComment {
  id?: number;
  count?: number;
  text?: string;
}

/** Comments of one bug, oldest first (GET /rest/bug/{id}/comment answers { bugs: { "<id>": { comments } } }). */
export async function bugComments(http: TrackerHttp, id: string): Promise<BugComment[]> {
  const res = await http.get<{ bugs?: Record<string, { comments?: BugComment[] }> }>(`/bug/${encodeURIComponent(id)}/comment`);
  return res.data?.bugs?.[id]?.comments ?? [];
}

export function bugzillaConnector(cfg: BugzillaSyncConfig, sync: SyncConfig, http = bugzillaHttp(cfg, sync)): Connector {
  const source = bugzillaSource(cfg);
  return {
    name: "bugzilla",
    source,
    async *pages(cursor: string | null): AsyncGenerator<SyncPage> {
      for (let offset = 0; ; ) {
        const res = await http.get<{ bugs?: Record<string, unknown>[] }>("/bug", {
          // Bugzilla refuses an unbounded search on many sites; the epoch bound asks for everything.
          last_change_time: cursor ?? "1970-01-01T00:00:00Z",
          order: "changeddate,bug_id",
          limit: sync.pageSize,
          offset,
          include_fields: FIELDS.join(","),
          product: cfg.products.length ? cfg.products : undefined,
        });
        const bugs = res.data?.bugs ?? [];
        if (bugs.length === 0) return;
        const items: ParseItem[] = [];
        let last: string | null = null;
        for (const [n, bug] of bugs.entries()) {
          if (typeof bug.last_change_time === "string") last = bug.last_change_time;
          try {
            const comments = await bugComments(http, String(bug.id));
            items.push({ line: offset + n + 1, record: bugToRecord({ ...bug, comments }, source, cfg.url) });
          } catch (err) {
            if ((err as Error).name === "SyncHttpError") throw err;
            items.push({ line: offset + n + 1, error: `bug ${String(bug.id)}: ${(err as Error).message}` });
          }
        }
        offset += bugs.length;
        yield { items, fetched: bugs.length, cursor: last ?? cursor };
      }
    },
  };
}

export function bugzillaWriter(http: TrackerHttp): TrackerWriter {
  return {
    markup: "markdown",
    async postComment(id, body) {
      // Bugzilla 5.2+/BMO render is_markdown comments; older sites show the text as is.
      const res = await http.send<{ id: number }>("POST", `/bug/${encodeURIComponent(id)}/comment`, { comment: body, is_markdown: true });
      return String(res.data.id);
    },
    async editComment() {
      // Bugzilla's REST API has no comment edit: the first comment stays, nothing is posted twice.
      return false;
    },
    async addLabel(id, label) {
      await http.send("PUT", `/bug/${encodeURIComponent(id)}`, { keywords: { add: [label] } });
    },
  };
}

/** One bug as a record, read fresh from the REST API (webhook payloads carry only part of it). */
export async function fetchBugRecord(http: TrackerHttp, cfg: BugzillaSyncConfig, id: string) {
  const res = await http.get<{ bugs?: Record<string, unknown>[] }>(`/bug/${encodeURIComponent(id)}`, { include_fields: FIELDS.join(",") });
  const bug = res.data?.bugs?.[0];
  if (!bug) throw new Error(`Bugzilla has no bug ${id}`);
  return bugToRecord({ ...bug, comments: await bugComments(http, id) }, bugzillaSource(cfg), cfg.url);
}
