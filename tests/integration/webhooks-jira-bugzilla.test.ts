// Jira and Bugzilla webhooks and the bot over HTTP: a real `next start` server synced from FakeJira and
// FakeBugzilla (tests/helpers, their documented REST wire formats) receives webhook deliveries shaped like
// theirs (Jira: `webhookEvent` jira:issue_created / jira:issue_updated / comment_created with `issue`, `user`,
// `comment`, and the X-Atlassian-Webhook-Identifier header; Bugzilla: `event.routing_key` bug.create /
// bug.modify / comment.create with `bug.id`, `event.user.login`, `comment.body`), authenticated by the shared
// secret (?secret= or X-Bugsift-Secret).
import { test } from "node:test";
import assert from "node:assert/strict";
import type { TestServer } from "@/lib/offline/app-server";
import { asAdmin as admin } from "@/tests/helpers/api-client";
import { FakeJira } from "@/tests/helpers/fake-jira";
import { FakeBugzilla } from "@/tests/helpers/fake-bugzilla";
import { demoReports } from "@/tests/helpers/fake-http";
import { PLANTED as planted, trackerCorpus, useWebhookServer } from "@/tests/helpers/webhook-suite";

const SECRET = "shared-secret-9d2";
const jira = new FakeJira();
const bz = new FakeBugzilla();
for (const r of trackerCorpus(12)) {
  jira.add({ summary: r.title, description: r.description });
  bz.add({ summary: r.title, description: r.description, component: r.component ?? "General" });
}

const suite = useWebhookServer(
  [jira, bz],
  () => ({
    JIRA_URL: jira.server.baseUrl,
    JIRA_PROJECT: jira.project,
    JIRA_TOKEN: jira.token,
    JIRA_WEBHOOK_SECRET: SECRET,
    BUGZILLA_URL: bz.server.baseUrl,
    BUGZILLA_API_KEY: bz.apiKey,
    BUGZILLA_WEBHOOK_SECRET: SECRET,
  }),
  // Both trackers synced once, then the bot enabled on both.
  async (srv, prisma) => {
    for (const name of ["jira", "bugzilla"]) {
      const r: Response = await admin(srv, `/api/admin/sync/${name}`, { method: "POST", body: "{}" }).catch((e: Error) => {
        throw new Error(`${e.message} (${String((e as { cause?: unknown }).cause)}); server log:\n${srv.logs().slice(-3000)}`);
      });
      assert.equal(r.status, 202, await r.text());
    }
    for (let i = 0; i < 240; i++) {
      const rows = await prisma.syncSource.findMany();
      if (rows.length === 2 && rows.every((r) => r.state !== "running")) break;
      await new Promise((res) => setTimeout(res, 500));
    }
    for (const name of ["jira", "bugzilla"]) {
      await admin(srv, `/api/admin/sync/${name}/settings`, { method: "PUT", body: JSON.stringify({ enabled: true, threshold: 0.5, label: "dupe-candidate" }) });
    }
  },
);

const post = (s: TestServer, p: string, body: unknown, headers: Record<string, string> = {}) =>
  s.api(p, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });

test("Jira: shared secret, created -> one wiki-markup comment + label, replay, edit, not-duplicate, Duplicate link", async (t) => {
  const s = suite.server(t);
  if (!s) return;
  const rows = await suite.prisma.syncSource.findMany({ orderBy: { name: "asc" } });
  assert.deepEqual(rows.map((r) => [r.name, r.state]), [["bugzilla", "succeeded"], ["jira", "succeeded"]]);

  const issue = jira.add({ summary: planted[0]!.title, description: planted[0]!.description });
  const created = (key: string) => ({ timestamp: Date.now(), webhookEvent: "jira:issue_created", user: { name: "rita" }, issue: jira.view(jira.issues.get(key)!, jira.server.baseUrl) });
  const reports = await suite.prisma.report.count();
  const refused = await post(s, "/api/webhooks/jira?secret=wrong", created(issue.key));
  assert.equal(refused.status, 401);
  assert.equal(await suite.prisma.report.count(), reports, "nothing stored");

  const r = await post(s, `/api/webhooks/jira?secret=${SECRET}`, created(issue.key), { "x-atlassian-webhook-identifier": "jira-1" });
  const out = (await r.json()) as { bot: { action: string } };
  assert.equal(out.bot.action, "posted", JSON.stringify(out));
  const comments = () => jira.issues.get(issue.key)!.comments.filter((c) => c.author === "bugsift-bot");
  assert.equal(comments().length, 1);
  assert.match(comments()[0]!.body, /^\{anchor:bugsift-duplicates\}\nh4\. Possible duplicates/);
  assert.match(comments()[0]!.body, /\|1\|\[HBR\\-\d+ .*\|http:\/\/127\.0\.0\.1:\d+\/browse\/HBR-\d+\]\|\d\.\d\d \w+\|/);
  assert.deepEqual(jira.issues.get(issue.key)!.labels, ["dupe-candidate"]);

  const replay = await post(s, `/api/webhooks/jira?secret=${SECRET}`, created(issue.key), { "x-atlassian-webhook-identifier": "jira-1" });
  assert.deepEqual(await replay.json(), { replayed: true });
  assert.equal(comments().length, 1);

  jira.update(issue.key, { summary: planted[2]!.title, description: planted[2]!.description });
  const edit = await post(s, "/api/webhooks/jira", { ...created(issue.key), webhookEvent: "jira:issue_updated" }, { "x-bugsift-secret": SECRET });
  assert.equal(((await edit.json()) as { bot: { action: string } }).bot.action, "edited");
  assert.equal(comments().length, 1, "edited in place");

  const first = /\|1\|\[(HBR\\-\d+)/.exec(comments()[0]!.body)![1]!.replace("\\", "");
  const cmt = await post(
    s,
    `/api/webhooks/jira?secret=${SECRET}`,
    { webhookEvent: "comment_created", issue: { id: issue.id, key: issue.key, fields: { summary: issue.summary } }, comment: { id: "1", body: `/bugsift not-duplicate ${first}`, author: { name: "tom" } } },
  );
  const c = (await cmt.json()) as { notDuplicate: number };
  assert.equal(c.notDuplicate, 1, JSON.stringify(c));
  assert.ok(!comments()[0]!.body.includes(`[${first.replace("-", "\\-")} `), "answered candidate dropped");

  const dup = jira.add({ summary: planted[1]!.title, description: planted[1]!.description });
  const masterTitle = demoReports().find((d) => d.externalId === planted[1]!.duplicateOf)!.title;
  const masterKey = [...jira.issues.values()].find((i) => i.summary === masterTitle)!.key;
  jira.update(dup.key, { resolution: "Duplicate", status: "Closed", duplicates: [masterKey] });
  const linkEv = await post(s, `/api/webhooks/jira?secret=${SECRET}`, { webhookEvent: "jira:issue_updated", user: { name: "tom" }, issue: jira.view(jira.issues.get(dup.key)!, jira.server.baseUrl) });
  assert.equal(((await linkEv.json()) as { linked: number }).linked, 1);
  const link = await suite.prisma.duplicateLink.findFirst({ where: { duplicate: { externalId: dup.key } }, include: { master: true } });
  assert.equal(link?.master.externalId, masterKey);
  assert.equal(link?.actor, "jira.tom");
});

test("Bugzilla: header secret, bug.create -> comment, same body replayed, edits cannot repost, dupe_of links", async (t) => {
  const s = suite.server(t);
  if (!s) return;
  const bug = bz.add({ summary: planted[0]!.title, description: planted[0]!.description });
  const ev = (routing: string, extra: Record<string, unknown> = {}) => ({
    webhook_name: "bugsift", event: { action: routing.split(".")[1], routing_key: routing, target: "bug", time: new Date().toISOString(), user: { login: "ann@example.com" } },
    bug: { id: bug.id, summary: bz.bugs.get(bug.id)!.summary }, ...extra,
  });
  assert.equal((await post(s, "/api/webhooks/bugzilla", ev("bug.create"))).status, 401, "no secret");
  const body = ev("bug.create");
  const r = await post(s, "/api/webhooks/bugzilla", body, { "x-bugsift-secret": SECRET });
  const out = (await r.json()) as { bot: { action: string } };
  assert.equal(out.bot.action, "posted", JSON.stringify(out));
  assert.equal(bz.posted.filter((p) => p.bug === bug.id).length, 1);
  assert.match(bz.posted.at(-1)!.text, /^<!-- bugsift:duplicates -->/);
  const kw = bz.server.requests.find((q) => q.method === "PUT" && q.path === `/rest/bug/${bug.id}`);
  assert.deepEqual(kw?.body, { keywords: { add: ["dupe-candidate"] } });

  assert.deepEqual(await (await post(s, "/api/webhooks/bugzilla", body, { "x-bugsift-secret": SECRET })).json(), { replayed: true });

  bz.update(bug.id, { summary: planted[2]!.title, description: planted[2]!.description });
  const edit = await post(s, "/api/webhooks/bugzilla", ev("bug.modify"), { "x-bugsift-secret": SECRET });
  assert.equal(((await edit.json()) as { bot: { action: string } }).bot.action, "cannot-edit");
  assert.equal(bz.posted.filter((p) => p.bug === bug.id).length, 1, "Bugzilla cannot edit: no second comment");

  const masterTitle = demoReports().find((d) => d.externalId === planted[2]!.duplicateOf)!.title;
  const master = [...bz.bugs.values()].find((b) => b.summary === masterTitle);
  assert.ok(master);
  bz.update(bug.id, { status: "RESOLVED", resolution: "DUPLICATE", dupe_of: master.id });
  const dupe = await post(s, "/api/webhooks/bugzilla", ev("bug.modify"), { "x-bugsift-secret": SECRET });
  assert.equal(((await dupe.json()) as { linked: number }).linked, 1);
  const link = await suite.prisma.duplicateLink.findFirst({ where: { duplicate: { externalId: String(bug.id) } }, include: { master: true } });
  assert.equal(link?.master.externalId, String(master.id));
  assert.equal(link?.actor, "bugzilla.ann.example.com");
});
