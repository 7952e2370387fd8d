// A GitHub REST API double on loopback, speaking the documented wire format the connector and bot use:
// - GET /repos/{owner}/{repo}/issues?state=all&sort=updated&direction=asc&since=&per_page=&page=
//   (docs.github.com/en/rest/issues/issues#list-repository-issues): pull requests are issues with a
//   `pull_request` key; `since` keeps issues updated at or after it; pages are linked by
//   `Link: <url>; rel="next", <url>; rel="last"` (docs.github.com/en/rest/using-the-rest-api/using-pagination-in-the-rest-api);
// - every answer carries x-ratelimit-limit/remaining/used/reset
//   (docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api); faults play 403/429 + retry-after;
// - `state_reason: "duplicate"` on issues closed as duplicates;
// - GET/POST /repos/{o}/{r}/issues/{n}/comments, PATCH /repos/{o}/{r}/issues/comments/{id}
//   (docs.github.com/en/rest/issues/comments), POST /repos/{o}/{r}/issues/{n}/labels (docs.github.com/en/rest/issues/labels);
// - a wrong token is 401 {"message":"Bad credentials"}.
// Webhook deliveries are signed like GitHub's: X-Hub-Signature-256 = "sha256=" + hex HMAC-SHA256 of the raw
// body with the webhook secret, X-GitHub-Event and X-GitHub-Delivery headers
// (docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries).
import { createHmac, randomUUID } from "node:crypto";
import { FakeTracker, isoSeconds, reportTexts, type LoggedRequest, type Reply } from "@/tests/helpers/fake-http";

export interface FakeIssue {
  number: number;
  title: string;
  body: string | null;
  state: "open" | "closed";
  state_reason: string | null;
  labels: { name: string }[];
  user: { login: string };
  created_at: string;
  updated_at: string;
  pull_request?: { url: string };
}

export interface FakeComment {
  id: number;
  issue: number;
  body: string;
  user: { login: string };
  created_at: string;
  updated_at: string;
}

export class FakeGithub extends FakeTracker {
  readonly issues = new Map<number, FakeIssue>();
  readonly comments: FakeComment[] = [];
  private nextCommentId = 9000;

  constructor(
    readonly repo = "acme/widgets",
    readonly token = "ghp_test_token_0123456789",
  ) {
    super("2024-01-01T00:00:00Z", 60_000);
  }

  protected formatTime(ms: number): string {
    return isoSeconds(ms);
  }

  addIssue(p: Partial<FakeIssue> & { title: string }): FakeIssue {
    const number = p.number ?? this.issues.size + 1;
    const at = this.tick();
    const issue: FakeIssue = {
      number, body: "", state: "open", state_reason: null, labels: [], user: { login: "reporter" }, created_at: at, updated_at: at, ...p,
    };
    this.issues.set(number, issue);
    return issue;
  }

  /** `n` issues from the demo corpus texts; every `prEvery`-th is a pull request. */
  generate(n: number, prEvery = 0): void {
    for (const [i, t] of reportTexts(n).entries()) {
      this.addIssue({
        title: t.title,
        body: t.body,
        labels: t.component ? [{ name: `component: ${t.component}` }] : [],
        ...(prEvery && (i + 1) % prEvery === 0 ? { pull_request: { url: `https://api.github.com/repos/${this.repo}/pulls/${i + 1}` } } : {}),
      });
    }
  }

  update(number: number, patch: Partial<FakeIssue>): FakeIssue {
    return this.edit(this.issues, number, patch, "updated_at");
  }

  addComment(issue: number, body: string, login = "triager"): FakeComment {
    const at = this.tick();
    const c = { id: this.nextCommentId++, issue, body, user: { login }, created_at: at, updated_at: at };
    this.comments.push(c);
    const i = this.issues.get(issue);
    if (i) i.updated_at = at; // a comment updates the issue, as on GitHub
    return c;
  }

  /** The issue as the REST API and webhook payloads show it. */
  view(i: FakeIssue, base: string) {
    return {
      ...i,
      id: 100000 + i.number,
      url: `${base}/repos/${this.repo}/issues/${i.number}`,
      repository_url: `${base}/repos/${this.repo}`,
      html_url: `https://github.com/${this.repo}/issues/${i.number}`,
      comments: this.comments.filter((c) => c.issue === i.number).length,
    };
  }

  private rateHeaders(): Record<string, string> {
    return {
      "x-ratelimit-limit": "5000",
      "x-ratelimit-remaining": "4990",
      "x-ratelimit-used": "10",
      "x-ratelimit-reset": String(Math.floor(Date.now() / 1000) + 3600),
      "x-ratelimit-resource": "core",
    };
  }

  private page<T>(req: LoggedRequest, base: string, all: T[]): Reply {
    const perPage = Math.min(100, Number(req.query.get("per_page") ?? 30));
    const page = Number(req.query.get("page") ?? 1);
    const last = Math.max(1, Math.ceil(all.length / perPage));
    const link = (p: number) => {
      const u = new URL(req.path, base);
      for (const [k, v] of req.query) u.searchParams.set(k, v);
      u.searchParams.set("page", String(p));
      return u.toString();
    };
    const rels = [];
    if (page < last) rels.push(`<${link(page + 1)}>; rel="next"`, `<${link(last)}>; rel="last"`);
    if (page > 1) rels.push(`<${link(1)}>; rel="first"`, `<${link(page - 1)}>; rel="prev"`);
    return {
      status: 200,
      body: all.slice((page - 1) * perPage, page * perPage),
      headers: { ...this.rateHeaders(), ...(rels.length ? { link: rels.join(", ") } : {}) },
    };
  }

  protected handle(req: LoggedRequest, base: string): Reply {
    if (req.headers.authorization !== `Bearer ${this.token}`) {
      return { status: 401, body: { message: "Bad credentials", documentation_url: "https://docs.github.com/rest" } };
    }
    const prefix = `/repos/${this.repo}/issues`;
    if (!req.path.startsWith(prefix)) return { status: 404, body: { message: "Not Found" } };
    const rest = req.path.slice(prefix.length);
    if (req.method === "GET" && rest === "") {
      const since = req.query.get("since");
      const list = [...this.issues.values()]
        .filter((i) => !since || Date.parse(i.updated_at) >= Date.parse(since))
        .sort((a, b) => Date.parse(a.updated_at) - Date.parse(b.updated_at) || a.number - b.number)
        .map((i) => this.view(i, base));
      return this.page(req, base, list);
    }
    let m = /^\/(\d+)\/comments$/.exec(rest);
    if (m) {
      const n = Number(m[1]);
      if (!this.issues.has(n)) return { status: 404, body: { message: "Not Found" } };
      if (req.method === "GET") return this.page(req, base, this.comments.filter((c) => c.issue === n));
      if (req.method === "POST") {
        const body = (req.body as { body?: unknown })?.body;
        if (typeof body !== "string") return { status: 422, body: { message: "Validation Failed" } };
        return { status: 201, body: this.addComment(n, body, "bugsift-bot"), headers: this.rateHeaders() };
      }
    }
    m = /^\/comments\/(\d+)$/.exec(rest);
    if (m && req.method === "PATCH") {
      const c = this.comments.find((x) => x.id === Number(m![1]));
      if (!c) return { status: 404, body: { message: "Not Found" } };
      c.body = String((req.body as { body?: unknown })?.body ?? "");
      c.updated_at = this.tick();
      return { status: 200, body: c, headers: this.rateHeaders() };
    }
    m = /^\/(\d+)\/labels$/.exec(rest);
    if (m && req.method === "POST") {
      const issue = this.issues.get(Number(m[1]));
      if (!issue) return { status: 404, body: { message: "Not Found" } };
      for (const l of (req.body as { labels?: string[] })?.labels ?? []) {
        if (!issue.labels.some((x) => x.name === l)) issue.labels.push({ name: l });
      }
      return { status: 200, body: issue.labels, headers: this.rateHeaders() };
    }
    return { status: 404, body: { message: "Not Found" } };
  }
}

/** POSTs a webhook delivery to `url`, signed like GitHub's; `signature` overrides the computed one. */
export async function deliverGithub(
  url: string,
  event: string,
  payload: unknown,
  opts: { secret: string; deliveryId?: string; signature?: string },
): Promise<Response> {
  const raw = JSON.stringify(payload);
  const signature = opts.signature ?? `sha256=${createHmac("sha256", opts.secret).update(raw).digest("hex")}`;
  return fetch(url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "user-agent": "GitHub-Hookshot/test",
      "x-github-event": event,
      "x-github-delivery": opts.deliveryId ?? randomUUID(),
      "x-hub-signature-256": signature,
    },
    body: raw,
  });
}
