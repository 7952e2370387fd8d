// A Jira REST v2 double on loopback (developer.atlassian.com/cloud/jira/platform/rest/v2/):
// - GET /rest/api/2/search?jql=&startAt=&maxResults=&fields= — "Search for issues using JQL":
//   `{ startAt, maxResults, total, issues: [{ id, key, self, fields }] }`; the fake understands the JQL the
//   connector writes: project = "KEY" [AND updated >= "yyyy/MM/dd HH:mm"] ORDER BY updated ASC, key ASC
//   (dates in the user's zone, here UTC, minute precision);
// - issue `fields.issuelinks`: `{ type: { name: "Duplicate", inward: "is duplicated by", outward: "duplicates" },
//   outwardIssue | inwardIssue: { key } }`; dates like "2024-03-01T10:00:00.000+0000";
// - GET /rest/api/2/issue/{key}; POST /rest/api/2/issue/{key}/comment `{ body }` -> 201 `{ id, body }`;
//   PUT /rest/api/2/issue/{key}/comment/{id} `{ body }`; PUT /rest/api/2/issue/{key} `{ update: { labels: [{ add }] } }` -> 204;
// - a wrong token is 401 with `{ errorMessages: [...], errors: {} }`; 429 carries Retry-After.
import { FakeTracker, reportTexts, type LoggedRequest, type Reply } from "@/tests/helpers/fake-http";

export interface FakeJiraIssue {
  id: string;
  key: string;
  summary: string;
  description: string;
  created: string;
  updated: string;
  status: string;
  resolution: string | null;
  components: string[];
  labels: string[];
  duplicates: string[];
  comments: { id: string; body: string; author: string }[];
}

export class FakeJira extends FakeTracker {
  readonly issues = new Map<string, FakeJiraIssue>();
  private nextComment = 70000;

  constructor(
    readonly project = "HBR",
    readonly token = "jira_pat_test_42",
  ) {
    super("2024-03-01T00:00:00Z", 90_000);
  }

  /** Jira's "2024-03-01T10:00:00.000+0000". */
  protected formatTime(ms: number): string {
    return new Date(ms).toISOString().replace("Z", "+0000");
  }

  generate(n: number): void {
    for (const t of reportTexts(n)) this.add({ summary: t.title, description: t.body, components: t.component ? [t.component] : [] });
  }

  add(p: Partial<FakeJiraIssue> & { summary: string }): FakeJiraIssue {
    const n = this.issues.size + 1;
    const at = this.tick();
    const issue: FakeJiraIssue = {
      id: String(10000 + n), key: `${this.project}-${n}`, description: "", created: at, updated: at, status: "Open", resolution: null,
      components: [], labels: [], duplicates: [], comments: [], ...p,
    };
    this.issues.set(issue.key, issue);
    return issue;
  }

  update(key: string, patch: Partial<FakeJiraIssue>): FakeJiraIssue {
    return this.edit(this.issues, key, patch, "updated");
  }

  view(i: FakeJiraIssue, base: string) {
    const links = [
      ...i.duplicates.map((k, n) => ({ id: `${i.id}${n}`, type: { name: "Duplicate", inward: "is duplicated by", outward: "duplicates" }, outwardIssue: { key: k } })),
      ...[...this.issues.values()]
        .filter((o) => o.duplicates.includes(i.key))
        .map((o) => ({ id: `${o.id}in`, type: { name: "Duplicate", inward: "is duplicated by", outward: "duplicates" }, inwardIssue: { key: o.key } })),
      { id: `${i.id}rel`, type: { name: "Relates", inward: "relates to", outward: "relates to" }, outwardIssue: { key: `${this.project}-1` } },
    ];
    return {
      id: i.id,
      key: i.key,
      self: `${base}/rest/api/2/issue/${i.id}`,
      fields: {
        summary: i.summary,
        description: i.description,
        project: { key: this.project, name: "Harbor" },
        status: { name: i.status },
        resolution: i.resolution ? { name: i.resolution } : null,
        components: i.components.map((name) => ({ name })),
        versions: [],
        labels: i.labels,
        reporter: { name: "reporter", displayName: "Rita Reporter" },
        created: i.created,
        updated: i.updated,
        issuelinks: links,
      },
    };
  }

  protected handle(req: LoggedRequest, base: string): Reply {
    if (req.headers.authorization !== `Bearer ${this.token}`) {
      return { status: 401, body: { errorMessages: ["You are not authenticated. Authentication required to perform this operation."], errors: {} } };
    }
    if (req.method === "GET" && req.path === "/rest/api/2/search") {
      const jql = req.query.get("jql") ?? "";
      const m = /^project = "([A-Z][A-Z0-9_]*)"(?: AND updated >= "(\d{4})\/(\d{2})\/(\d{2}) (\d{2}):(\d{2})")? ORDER BY updated ASC, key ASC$/.exec(jql);
      if (!m) return { status: 400, body: { errorMessages: [`Error in the JQL Query: ${jql}`], errors: {} } };
      const since = m[2] ? Date.parse(`${m[2]}-${m[3]}-${m[4]}T${m[5]}:${m[6]}:00Z`) : null;
      const startAt = Number(req.query.get("startAt") ?? 0);
      const maxResults = Number(req.query.get("maxResults") ?? 50);
      const all = [...this.issues.values()]
        .filter((i) => m[1] === this.project && (since === null || Date.parse(i.updated.replace("+0000", "Z")) >= since))
        .sort((a, b) => a.updated.localeCompare(b.updated) || a.key.localeCompare(b.key, "en", { numeric: true }));
      return { status: 200, body: { startAt, maxResults, total: all.length, issues: all.slice(startAt, startAt + maxResults).map((i) => this.view(i, base)) } };
    }
    let mm = /^\/rest\/api\/2\/issue\/([A-Z][A-Z0-9_]*-\d+)$/.exec(req.path);
    if (mm) {
      const issue = this.issues.get(mm[1]!);
      if (!issue) return { status: 404, body: { errorMessages: ["Issue does not exist or you do not have permission to see it."], errors: {} } };
      if (req.method === "GET") return { status: 200, body: this.view(issue, base) };
      if (req.method === "PUT") {
        for (const op of (req.body as { update?: { labels?: { add?: string }[] } })?.update?.labels ?? []) if (op.add) issue.labels.push(op.add);
        return { status: 204 };
      }
    }
    mm = /^\/rest\/api\/2\/issue\/([A-Z][A-Z0-9_]*-\d+)\/comment(?:\/(\d+))?$/.exec(req.path);
    if (mm) {
      const issue = this.issues.get(mm[1]!);
      if (!issue) return { status: 404, body: { errorMessages: ["Issue does not exist or you do not have permission to see it."], errors: {} } };
      const body = String((req.body as { body?: unknown })?.body ?? "");
      if (req.method === "POST" && !mm[2]) {
        const c = { id: String(this.nextComment++), body, author: "bugsift-bot" };
        issue.comments.push(c);
        return { status: 201, body: c };
      }
      const c = issue.comments.find((x) => x.id === mm![2]);
      if (req.method === "PUT" && c) {
        c.body = body;
        return { status: 200, body: c };
      }
    }
    return { status: 404, body: { errorMessages: ["Not found"], errors: {} } };
  }
}
