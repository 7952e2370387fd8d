// The GitHub webhook and the duplicate bot, end to end over HTTP: a real `next start` server (seeded by a
// first sync from FakeGithub through POST /api/admin/sync/github) receives signed `issues` and
// `issue_comment` deliveries the way GitHub sends them (X-GitHub-Event, X-GitHub-Delivery,
// X-Hub-Signature-256 = HMAC-SHA256 of the raw body) and writes back to FakeGithub's comments API.
// Covers: bad signature (401, nothing stored), bot disabled, dry-run, the first comment (+ label), a replayed
// delivery (no second comment), an edit (the comment is updated), "/bugsift not-duplicate", closed as
// duplicate in the tracker (link created), and a browser rendering of the posted Markdown.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { marked } from "marked";
import type { TestServer } from "@/lib/offline/app-server";
import { asAdmin as admin } from "@/tests/helpers/api-client";
import { FakeGithub, deliverGithub, type FakeIssue } from "@/tests/helpers/fake-github";
import { PLANTED as planted, trackerCorpus, useWebhookServer } from "@/tests/helpers/webhook-suite";
import { hasHorizontalScroll, launchBrowser, NARROW, newPage, overflowingElements, screenshot } from "@/tests/e2e/browser";

const ROOT = path.resolve(import.meta.dirname, "../..");
const SECRET = "whsec_test_6f1c0e";
const gh = new FakeGithub();
const numberOf = new Map<string, number>(); // demo externalId -> fake issue number
for (const r of trackerCorpus(20)) {
  const issue = gh.addIssue({ title: r.title, body: r.description, labels: r.component ? [{ name: `component: ${r.component}` }] : [] });
  numberOf.set(r.externalId, issue.number);
}

const suite = useWebhookServer([gh], () => ({
  GITHUB_REPO: gh.repo,
  GITHUB_API_URL: gh.server.baseUrl,
  GITHUB_TOKEN: gh.token,
  GITHUB_WEBHOOK_SECRET: SECRET,
  SYNC_PAGE_SIZE: "10",
}));

const hook = (s: TestServer) => `${s.baseUrl}/api/webhooks/github`;

function payload(action: string, issue: FakeIssue, extra: Record<string, unknown> = {}) {
  return { action, issue: gh.view(issue, gh.server.baseUrl), repository: { full_name: gh.repo }, sender: { login: "octo-triager" }, ...extra };
}

const botComments = () => gh.comments.filter((c) => c.user.login === "bugsift-bot");

async function settings(s: TestServer, patch: Record<string, unknown>) {
  const r = await admin(s, "/api/admin/sync/github/settings", { method: "PUT", body: JSON.stringify(patch) });
  assert.equal(r.status, 200, await r.clone().text());
}

test("first sync through the admin API; status per tracker", async (t) => {
  const s = suite.server(t);
  if (!s) return;
  assert.equal((await s.api("/api/admin/sync")).status, 401, "admin only");
  const start = await admin(s, "/api/admin/sync/github", { method: "POST", body: "{}" });
  assert.equal(start.status, 202, await start.clone().text());
  let status: { state: string; counts: { imported: number; indexed: number } | null; cursor: string | null } | undefined;
  for (let i = 0; i < 240; i++) {
    const r = (await (await admin(s, "/api/admin/sync")).json()) as { sources: { name: string; configured: boolean; state: string }[] };
    status = r.sources.find((x) => x.name === "github") as typeof status;
    if (status?.state !== "running") break;
    await new Promise((res) => setTimeout(res, 500));
  }
  assert.equal(status?.state, "succeeded", JSON.stringify(status));
  assert.equal(status?.counts?.imported, numberOf.size);
  assert.equal(status?.counts?.indexed, numberOf.size, "every synced report embedded and indexed");
  const all = (await (await admin(s, "/api/admin/sync")).json()) as { sources: { name: string; configured: boolean }[] };
  assert.deepEqual(all.sources.map((x) => [x.name, x.configured]), [["github", true], ["bugzilla", false], ["jira", false]]);
  const jira = await admin(s, "/api/admin/sync/jira", { method: "POST", body: "{}" });
  assert.equal(jira.status, 400);
  assert.match(((await jira.json()) as { error: { message: string } }).error.message, /jira sync is not configured/);
  const bad = await admin(s, "/api/admin/sync/github/settings", { method: "PUT", body: JSON.stringify({ threshold: 3 }) });
  assert.equal(bad.status, 400);
});

test("a delivery with a bad signature is refused (401) and stores nothing", async (t) => {
  const s = suite.server(t);
  if (!s) return;
  const issue = gh.addIssue({ title: planted[0]!.title, body: planted[0]!.description });
  const reports = await suite.prisma.report.count();
  const wrongKey = await deliverGithub(hook(s), "issues", payload("opened", issue), { secret: "not-the-secret" });
  assert.equal(wrongKey.status, 401);
  const body = (await wrongKey.json()) as { error: { code: string; message: string } };
  assert.equal(body.error.code, "unauthorized");
  assert.ok(!JSON.stringify(body).includes(SECRET));
  const missing = await deliverGithub(hook(s), "issues", payload("opened", issue), { secret: SECRET, signature: "" });
  assert.equal(missing.status, 401);
  assert.equal(await suite.prisma.report.count(), reports);
  assert.equal(await suite.prisma.webhookDelivery.count(), 0);
  assert.equal(botComments().length, 0);
});

test("bot disabled (the default): the report is stored and indexed, nothing is posted", async (t) => {
  const s = suite.server(t);
  if (!s) return;
  const issue = gh.issues.get(gh.issues.size)!;
  const r = await deliverGithub(hook(s), "issues", payload("opened", issue), { secret: SECRET });
  assert.equal(r.status, 200, await r.clone().text());
  const out = (await r.json()) as { bot: { action: string } };
  assert.equal(out.bot.action, "disabled");
  const row = await suite.prisma.report.findFirst({ where: { source: "github:acme/widgets", externalId: String(issue.number) } });
  assert.ok(row && row.indexedHash === row.contentHash, "stored and indexed");
  assert.equal(botComments().length, 0);
});

test("dry-run logs the comment it would post and posts nothing", async (t) => {
  const s = suite.server(t);
  if (!s) return;
  await settings(s, { enabled: true, dryRun: true, threshold: 0.5 });
  const issue = gh.addIssue({ title: planted[1]!.title, body: planted[1]!.description });
  const r = await deliverGithub(hook(s), "issues", payload("opened", issue), { secret: SECRET });
  const out = (await r.json()) as { bot: { action: string; body: string; candidates: { externalId: string }[] } };
  assert.equal(out.bot.action, "dry-run", JSON.stringify(out));
  const master = String(numberOf.get(planted[1]!.duplicateOf));
  assert.ok(out.bot.candidates.some((c) => c.externalId === master), `master #${master} among ${JSON.stringify(out.bot.candidates)}`);
  assert.equal(botComments().length, 0);
  await new Promise((res) => setTimeout(res, 200));
  assert.match(s.logs(), /\[bot\] dry-run: would comment on github:acme\/widgets/);
});

let posted: { issue: FakeIssue; master: string } | null = null;

test("enabled: one comment with the likely duplicates, and the label", async (t) => {
  const s = suite.server(t);
  if (!s) return;
  await settings(s, { dryRun: false, label: "possible-duplicate" });
  const issue = gh.addIssue({ title: planted[0]!.title, body: planted[0]!.description });
  const r = await deliverGithub(hook(s), "issues", payload("opened", issue), { secret: SECRET, deliveryId: "delivery-opened-1" });
  const out = (await r.json()) as { bot: { action: string } };
  assert.equal(out.bot.action, "posted", JSON.stringify(out));
  const mine = botComments().filter((c) => c.issue === issue.number);
  assert.equal(mine.length, 1);
  const master = String(numberOf.get(planted[0]!.duplicateOf));
  const groupNumbers = planted[0]!.group.map((g) => `#${numberOf.get(g)}`);
  assert.match(mine[0]!.body, /^<!-- bugsift:duplicates -->/);
  assert.ok(groupNumbers.some((n) => mine[0]!.body.includes(`[${n} `)), `a member of ${groupNumbers.join(", ")} listed:\n${mine[0]!.body}`);
  assert.match(mine[0]!.body, /\| 1 \| \[#\d+ .*\]\(https:\/\/github\.com\/acme\/widgets\/issues\/\d+\) \(open\) \| [01]\.\d\d (likely|related|below) \| .+ \|/);
  assert.ok(gh.issues.get(issue.number)!.labels.some((l) => l.name === "possible-duplicate"), "label added");
  assert.ok(!gh.issues.get(issue.number)!.state.includes("closed"), "never closes");
  posted = { issue, master };

  // The Markdown as GitHub shows it (GFM), for the record.
  const html = `<!doctype html><meta charset="utf-8"><style>
    body{font:14px -apple-system,"Segoe UI",Helvetica,Arial,sans-serif;color:#1f2328;max-width:860px;margin:24px auto}
    .box{border:1px solid #d1d9e0;border-radius:6px}.head{background:#f6f8fa;border-bottom:1px solid #d1d9e0;padding:8px 16px;font-weight:600}
    .md{padding:16px}table{border-collapse:collapse}th,td{border:1px solid #d1d9e0;padding:6px 13px}th{background:#f6f8fa}
    code{background:#eff1f3;padding:.2em .4em;border-radius:6px;font-size:85%}a{color:#0969da;text-decoration:none}sub{color:#59636e}
  </style><div class="box"><div class="head">bugsift-bot commented</div><div class="md">${await marked.parse(mine[0]!.body, { gfm: true })}</div></div>`;
  mkdirSync(path.join(ROOT, "test-results"), { recursive: true });
  writeFileSync(path.join(ROOT, "test-results/bot-comment-github.md"), mine[0]!.body);
  const browser = await launchBrowser();
  try {
    const { page } = await newPage(browser, s.baseUrl);
    await page.setContent(html);
    assert.equal(await page.locator("table tbody tr").count() > 0, true, "the candidate table renders as a table");
    assert.equal(await page.locator("text=<!-- bugsift").count(), 0, "the marker is hidden");
    await screenshot(page, "bot-comment-github");
  } finally {
    await browser.close();
  }
});

test("a replayed delivery does nothing: still one comment", async (t) => {
  const s = suite.server(t);
  if (!s) return;
  assert.ok(posted, "needs the comment posted by the previous test");
  const r = await deliverGithub(hook(s), "issues", payload("opened", posted.issue), { secret: SECRET, deliveryId: "delivery-opened-1" });
  assert.equal(r.status, 200);
  assert.deepEqual(await r.json(), { replayed: true });
  assert.equal(botComments().filter((c) => c.issue === posted!.issue.number).length, 1);
});

test("an edit updates the same comment instead of posting again", async (t) => {
  const s = suite.server(t);
  if (!s) return;
  assert.ok(posted, "needs the comment posted by the previous test");
  const before = botComments().find((c) => c.issue === posted!.issue.number)!.body;
  const edited = gh.update(posted.issue.number, { title: planted[2]!.title, body: planted[2]!.description });
  const r = await deliverGithub(hook(s), "issues", payload("edited", edited, { changes: { title: { from: posted.issue.title } } }), { secret: SECRET });
  const out = (await r.json()) as { bot: { action: string } };
  assert.equal(out.bot.action, "edited", JSON.stringify(out));
  const mine = botComments().filter((c) => c.issue === posted!.issue.number);
  assert.equal(mine.length, 1, "no second comment");
  assert.notEqual(mine[0]!.body, before);
  assert.ok(gh.requests.some((q) => q.method === "PATCH" && q.path === `/repos/acme/widgets/issues/comments/${mine[0]!.id}`));
  posted.issue = edited;
});

test("'/bugsift not-duplicate #N' records the verdict and drops the candidate from the comment", async (t) => {
  const s = suite.server(t);
  if (!s) return;
  assert.ok(posted, "needs the comment posted by the previous test");
  const body = botComments().find((c) => c.issue === posted!.issue.number)!.body;
  const first = /\| 1 \| \[#(\d+) /.exec(body)?.[1];
  assert.ok(first, body);
  const c = gh.addComment(posted.issue.number, `Not the same problem.\n/bugsift not-duplicate #${first}`, "octo-triager");
  const r = await deliverGithub(hook(s), "issue_comment", payload("created", gh.issues.get(posted.issue.number)!, { comment: c }), { secret: SECRET });
  const out = (await r.json()) as { notDuplicate: number; bot: { action: string } };
  assert.equal(out.notDuplicate, 1, JSON.stringify(out));
  const self = await suite.prisma.report.findFirstOrThrow({ where: { source: "github:acme/widgets", externalId: String(posted.issue.number) } });
  const other = await suite.prisma.report.findFirstOrThrow({ where: { source: "github:acme/widgets", externalId: first } });
  const d = await suite.prisma.triageDecision.findFirst({ where: { reportId: self.id, otherId: other.id } });
  assert.equal(d?.verdict, "not_duplicate");
  assert.equal(d?.actor, "github.octo-triager");
  const after = botComments().filter((x) => x.issue === posted!.issue.number);
  assert.equal(after.length, 1);
  assert.ok(!after[0]!.body.includes(`[#${first} `), `#${first} no longer suggested:\n${after[0]!.body}`);
  // The bot's own comment coming back as an event is ignored.
  const own = await deliverGithub(hook(s), "issue_comment", payload("created", gh.issues.get(posted.issue.number)!, { comment: after[0] }), { secret: SECRET });
  assert.equal(((await own.json()) as { ignored: string }).ignored, "the bot's own comment");
});

test("two events for one new issue at the same moment still make one comment", async (t) => {
  const s = suite.server(t);
  if (!s) return;
  const issue = gh.addIssue({ title: planted[2]!.title, body: planted[2]!.description });
  const both = await Promise.all([
    deliverGithub(hook(s), "issues", payload("opened", issue), { secret: SECRET }),
    deliverGithub(hook(s), "issues", payload("reopened", issue), { secret: SECRET }),
  ]);
  const actions = (await Promise.all(both.map((r) => r.json() as Promise<{ bot: { action: string } }>))).map((o) => o.bot.action).sort();
  assert.deepEqual(actions, ["posted", "unchanged"]);
  assert.equal(botComments().filter((c) => c.issue === issue.number).length, 1);
});

test("closing as duplicate in the tracker creates the link", async (t) => {
  const s = suite.server(t);
  if (!s) return;
  const dup = gh.addIssue({ title: planted[1]!.title, body: planted[1]!.description });
  await deliverGithub(hook(s), "issues", payload("opened", dup), { secret: SECRET });
  const master = numberOf.get(planted[1]!.duplicateOf)!;
  gh.addComment(dup.number, `Duplicate of #${master}`, "maintainer");
  const closed = gh.update(dup.number, { state: "closed", state_reason: "duplicate" });
  const r = await deliverGithub(hook(s), "issues", payload("closed", closed, { sender: { login: "maintainer" } }), { secret: SECRET });
  const out = (await r.json()) as { linked: number };
  assert.equal(out.linked, 1, JSON.stringify(out));
  const row = await suite.prisma.report.findFirstOrThrow({ where: { source: "github:acme/widgets", externalId: String(dup.number) } });
  const res = (await (await s.api(`/api/reports/${row.id}`)).json()) as { report: { duplicateOf: { other: { externalId: string }; actor: string }[] } };
  assert.deepEqual(res.report.duplicateOf.map((l) => [l.other.externalId, l.actor]), [[String(master), "github.maintainer"]]);
  assert.equal(gh.issues.get(dup.number)!.state, "closed");
});

test("admin page: the sync panel shows the tracker's last run and the bot settings, desktop and narrow", async (t) => {
  const s = suite.server(t);
  if (!s) return;
  const res = await s.api("/api/admin/login", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ token: s.adminToken }) });
  const cookie = /bugsift_session=([^;]+)/.exec(res.headers.get("set-cookie") ?? "")?.[1];
  assert.ok(cookie);
  const browser = await launchBrowser();
  try {
    for (const [viewport, name] of [[undefined, "admin-sync-desktop"], [NARROW, "admin-sync-narrow"]] as const) {
      const p = await newPage(browser, s.baseUrl, viewport);
      await p.context.addCookies([{ name: "bugsift_session", value: decodeURIComponent(cookie), url: s.baseUrl }]);
      await p.page.goto("/admin");
      const panel = p.page.getByTestId("sync-github");
      await panel.waitFor();
      const text = (await panel.textContent()) ?? "";
      assert.match(text, /github:acme\/widgets/);
      assert.match(text, /succeeded/);
      assert.match(text, new RegExp(`${numberOf.size} fetched`));
      assert.equal(await p.page.getByLabel("Label (optional)").first().inputValue(), "possible-duplicate", "saved bot settings shown");
      assert.equal(await hasHorizontalScroll(p.page), false, `/admin scrolls horizontally: ${await overflowingElements(p.page)}`);
      await panel.scrollIntoViewIfNeeded();
      await screenshot(p.page, name);
      await p.context.close();
    }
  } finally {
    await browser.close();
  }
});
