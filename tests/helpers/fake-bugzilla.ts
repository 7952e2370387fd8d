// A Bugzilla REST API double on loopback (bugzilla.readthedocs.io/en/latest/api/core/v1/):
// - GET /rest/bug?last_change_time=&order=changeddate,bug_id&limit=&offset=&include_fields=&product= — "Search
//   Bugs": bugs changed at or after last_change_time, `{ "bugs": [...] }`, an empty list past the end;
//   GET /rest/bug/{id} — "Get Bug": `{ "bugs": [bug] }`;
// - `dupe_of` holds the master of a bug resolved DUPLICATE;
// - GET /rest/bug/{id}/comment — `{ "bugs": { "<id>": { "comments": [{ id, count, text, creator, time }] } }, "comments": {} }`,
//   comment 0 being the description; POST /rest/bug/{id}/comment `{ comment }` answers 201 `{ "id": <comment id> }`;
//   PUT /rest/bug/{id} with `{ keywords: { add: [...] } }`;
// - the API key arrives in the X-BUGZILLA-API-KEY header; a wrong one is HTTP 400 with Bugzilla's error body
//   `{ "error": true, "code": 306, "message": "The API key you specified is invalid..." }`.
import { FakeTracker, isoSeconds, reportTexts, type LoggedRequest, type Reply } from "@/tests/helpers/fake-http";

export interface FakeBug {
  id: number;
  summary: string;
  product: string;
  component: string;
  version: string;
  platform: string;
  op_sys: string;
  status: string;
  resolution: string;
  creator: string;
  creation_time: string;
  last_change_time: string;
  dupe_of: number | null;
  description: string;
}

export class FakeBugzilla extends FakeTracker {
  readonly bugs = new Map<number, FakeBug>();
  readonly posted: { bug: number; id: number; text: string }[] = [];

  constructor(readonly apiKey = "bz_test_key_abcdef") {
    super("2024-02-01T00:00:00Z", 60_000);
  }

  protected formatTime(ms: number): string {
    return isoSeconds(ms);
  }

  generate(n: number): void {
    for (const t of reportTexts(n)) this.add({ summary: t.title, description: t.body, component: t.component ?? "General" });
  }

  add(p: Partial<FakeBug> & { summary: string }): FakeBug {
    const id = p.id ?? 1000 + this.bugs.size + 1;
    const at = this.tick();
    const bug: FakeBug = {
      id, product: "Harbor", component: "General", version: "unspecified", platform: "All", op_sys: "All", status: "NEW", resolution: "",
      creator: "reporter@example.com", creation_time: at, last_change_time: at, dupe_of: null, description: "", ...p,
    };
    this.bugs.set(id, bug);
    return bug;
  }

  update(id: number, patch: Partial<FakeBug>): FakeBug {
    return this.edit(this.bugs, id, patch, "last_change_time");
  }

  private view(b: FakeBug) {
    const { description: _d, ...rest } = b;
    return rest;
  }

  protected handle(req: LoggedRequest): Reply {
    if (req.headers["x-bugzilla-api-key"] !== this.apiKey) {
      return { status: 400, body: { error: true, code: 306, message: "The API key you specified is invalid. Please check that you typed it correctly." } };
    }
    if (req.method === "GET" && req.path === "/rest/bug") {
      const since = req.query.get("last_change_time");
      const products = req.query.getAll("product");
      const limit = Number(req.query.get("limit") ?? 0) || Infinity;
      const offset = Number(req.query.get("offset") ?? 0);
      const list = [...this.bugs.values()]
        .filter((b) => (!since || Date.parse(b.last_change_time) >= Date.parse(since)) && (!products.length || products.includes(b.product)))
        .sort((a, b) => Date.parse(a.last_change_time) - Date.parse(b.last_change_time) || a.id - b.id);
      return { status: 200, body: { bugs: list.slice(offset, offset + limit).map((b) => this.view(b)) } };
    }
    let m = /^\/rest\/bug\/(\d+)$/.exec(req.path);
    if (m) {
      const bug = this.bugs.get(Number(m[1]));
      if (!bug) return { status: 404, body: { error: true, code: 101, message: `Bug #${m[1]} does not exist.` } };
      if (req.method === "GET") return { status: 200, body: { bugs: [this.view(bug)] } };
      if (req.method === "PUT") return { status: 200, body: { bugs: [{ id: bug.id, changes: {} }] } };
    }
    m = /^\/rest\/bug\/(\d+)\/comment$/.exec(req.path);
    if (m) {
      const id = Number(m[1]);
      const bug = this.bugs.get(id);
      if (!bug) return { status: 404, body: { error: true, code: 101, message: `Bug #${id} does not exist.` } };
      if (req.method === "POST") {
        const c = { bug: id, id: 50000 + this.posted.length, text: String((req.body as { comment?: unknown })?.comment ?? "") };
        this.posted.push(c);
        return { status: 201, body: { id: c.id } };
      }
      const comments = [
        { id: id * 10, bug_id: id, count: 0, text: bug.description, creator: bug.creator, time: bug.creation_time, is_private: false },
        ...this.posted.filter((p) => p.bug === id).map((p, i) => ({ id: p.id, bug_id: id, count: i + 1, text: p.text, creator: "bot@example.com", time: bug.last_change_time })),
      ];
      return { status: 200, body: { bugs: { [String(id)]: { comments } }, comments: {} } };
    }
    return { status: 404, body: { error: true, code: 32614, message: "The requested method was not found." } };
  }
}
