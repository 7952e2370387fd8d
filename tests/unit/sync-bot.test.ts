// The pure parts of live sync and the bot: webhook signatures (GitHub's documented test vector), the
// "not a duplicate" command syntax, Link headers, Retry-After, JQL dates, the comment body, configuration.
import { test } from "node:test";
import assert from "node:assert/strict";
import { bodyDeliveryId, validHubSignature, validSharedSecret } from "@/lib/bot/signature";
import { notDuplicateIds } from "@/lib/bot/commands";
import { renderComment } from "@/lib/bot/comment";
import { loadConfig } from "@/lib/config";
import type { DuplicateCandidate } from "@/lib/domain/views";
import { nextLink } from "@/lib/sync/github";
import { rateLimitResetMs, retryAfterMs } from "@/lib/sync/http";
import { jiraJql, jqlDate } from "@/lib/sync/jira";
import { isBotComment } from "@/lib/sync/types";

const enc = (s: string) => new TextEncoder().encode(s);

test("X-Hub-Signature-256: GitHub's documented example verifies; anything else does not", () => {
  // docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries#testing-the-webhook-payload-validation
  const secret = "It's a Secret to Everybody";
  const good = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";
  assert.equal(validHubSignature(secret, enc("Hello, World!"), good), true);
  assert.equal(validHubSignature(secret, enc("Hello, World!"), good.toUpperCase().replace("SHA256=", "sha256=")), true);
  assert.equal(validHubSignature(secret, enc("Hello, World?"), good), false, "other body");
  assert.equal(validHubSignature("another secret", enc("Hello, World!"), good), false, "other secret");
  assert.equal(validHubSignature(secret, enc("Hello, World!"), good.replace("sha256=", "sha1=")), false);
  assert.equal(validHubSignature(secret, enc("Hello, World!"), null), false);
  assert.equal(validHubSignature(secret, enc("Hello, World!"), "sha256="), false);
});

test("shared secret: signature header wins, else header or query, constant-time", () => {
  const h = (m: Record<string, string>) => (k: string) => m[k] ?? null;
  const raw = enc('{"a":1}');
  assert.equal(validSharedSecret("s3cret", raw, h({ "x-bugsift-secret": "s3cret" }), null), true);
  assert.equal(validSharedSecret("s3cret", raw, h({}), "s3cret"), true);
  assert.equal(validSharedSecret("s3cret", raw, h({}), "s3cre"), false);
  assert.equal(validSharedSecret("s3cret", raw, h({}), null), false);
  // A signature header that does not verify is not rescued by a correct query secret.
  assert.equal(validSharedSecret("s3cret", raw, h({ "x-hub-signature": "sha256=00" }), "s3cret"), false);
  assert.match(bodyDeliveryId(raw), /^sha256:[0-9a-f]{64}$/);
});

test("'not a duplicate' command syntax", () => {
  assert.deepEqual(notDuplicateIds("/bugsift not-duplicate #12"), ["12"]);
  assert.deepEqual(notDuplicateIds("Thanks!\n/bugsift not-duplicate #12 #40, #12\nbye"), ["12", "40"]);
  assert.deepEqual(notDuplicateIds("/bugsift not a duplicate of #7"), ["7"]);
  assert.deepEqual(notDuplicateIds("/bugsift not-duplicate bug 1234"), ["1234"]);
  assert.deepEqual(notDuplicateIds("/bugsift not-duplicate hbr-12 HBR-13"), ["HBR-12", "HBR-13"]);
  assert.deepEqual(notDuplicateIds("> /bugsift not-duplicate #3"), ["3"], "quoted in a reply");
  assert.deepEqual(notDuplicateIds("I think /bugsift not-duplicate #12 is wrong"), [], "only at the start of a line");
  assert.deepEqual(notDuplicateIds("this is not a duplicate of #12"), [], "prose is not a command");
});

test("Link header, Retry-After and x-ratelimit-reset", () => {
  const link = '<https://api.github.com/repositories/1/issues?page=3>; rel="next", <https://api.github.com/repositories/1/issues?page=9>; rel="last"';
  assert.equal(nextLink(link), "https://api.github.com/repositories/1/issues?page=3");
  assert.equal(nextLink('<https://x/?page=1>; rel="prev"'), null);
  assert.equal(nextLink(null), null);
  assert.equal(retryAfterMs("7"), 7000);
  const now = Date.parse("2024-01-01T00:00:00Z");
  assert.equal(retryAfterMs("Mon, 01 Jan 2024 00:00:30 GMT", now), 30_000);
  assert.equal(retryAfterMs("soon"), null);
  const h = new Headers({ "x-ratelimit-remaining": "0", "x-ratelimit-reset": String(now / 1000 + 60) });
  assert.equal(rateLimitResetMs(h, now), 61_000);
  assert.equal(rateLimitResetMs(new Headers({ "x-ratelimit-remaining": "12", "x-ratelimit-reset": "1" }), now), null);
});

test("JQL dates are written in the Jira user's zone, minute precision", () => {
  assert.equal(jqlDate("2024-03-01T10:05:59.000Z", "UTC"), "2024/03/01 10:05");
  assert.equal(jqlDate("2024-03-01T23:30:00Z", "Europe/Berlin"), "2024/03/02 00:30");
  const cfg = loadConfig({ JIRA_URL: "https://jira.example.org/", JIRA_PROJECT: "hadoop", JIRA_TIMEZONE: "America/New_York" }).sync.jira!;
  assert.equal(cfg.url, "https://jira.example.org");
  assert.equal(jiraJql(cfg, "2024-03-01T15:00:00Z"), 'project = "HADOOP" AND updated >= "2024/03/01 10:00" ORDER BY updated ASC, key ASC');
});

function candidate(over: Partial<DuplicateCandidate["report"]>, score: number): DuplicateCandidate {
  return {
    clusterId: 1,
    report: { id: 9, source: "github:a/b", externalId: "12", url: "https://github.com/a/b/issues/12", title: "Crash | on [start]", product: null, component: null, status: "open", resolution: null, createdAt: "", updatedAt: "", ...over },
    master: null,
    clusterSize: 1,
    score,
    fusedScore: 0.1,
    tier: "likely",
    why: { fields: [{ field: "component", value: "Sync" }], terms: [{ term: "crash", left: { title: [], description: [] }, right: { title: [], description: [] } }], frames: [] },
    snippet: { text: "", highlights: [], truncatedStart: false, truncatedEnd: false },
  };
}

test("the comment: marker, escaped titles, score, why, how to answer; Jira markup", () => {
  const md = renderComment([candidate({}, 0.912)], { tracker: "github", model: "m" });
  assert.ok(md.startsWith("<!-- bugsift:duplicates -->"));
  assert.ok(isBotComment(md));
  assert.match(md, /\| 1 \| \[#12 Crash \\\| on \\\[start\\\]\]\(https:\/\/github\.com\/a\/b\/issues\/12\) \(open\) \| 0\.91 likely \| same component: Sync; shared terms: crash \|/);
  assert.match(md, /`\/bugsift not-duplicate #12`/);
  assert.ok(!/^duplicate of/im.test(md), "no line GitHub or the importer would read as a duplicate marker");
  const noUrl = renderComment([candidate({ url: null }, 0.8)], { tracker: "bugzilla", model: "m", publicUrl: "https://bugsift.example" });
  assert.match(noUrl, /\[bug 12 .*\]\(https:\/\/bugsift\.example\/reports\/9\)/);
  const jira = renderComment([candidate({ externalId: "HBR-12", url: "https://j/browse/HBR-12" }, 0.8)], { tracker: "jira", model: "m" });
  assert.ok(jira.startsWith("{anchor:bugsift-duplicates}") && isBotComment(jira));
  assert.match(jira, /\|1\|\[HBR\\-12 Crash \\\| on \\\[start\\\]\|https:\/\/j\/browse\/HBR-12\]\|0\.80 likely\|/);
  assert.match(renderComment([], { tracker: "github", model: "m" }), /no longer finds a likely duplicate/);
});

test("configuration: sync variables are validated and name the problem", () => {
  assert.equal(loadConfig({}).sync.github, null);
  const gh = loadConfig({ GITHUB_REPO: "acme/widgets", GITHUB_TOKEN: "t" }).sync.github!;
  assert.equal(gh.apiUrl, "https://api.github.com");
  assert.throws(() => loadConfig({ GITHUB_REPO: "acme" }), /GITHUB_REPO must be "owner\/repo"/);
  assert.throws(() => loadConfig({ GITHUB_API_URL: "ftp://x" }), /GITHUB_API_URL must be an http\(s\) URL/);
  assert.throws(() => loadConfig({ JIRA_URL: "https://j" }), /JIRA_URL is set but JIRA_PROJECT is not/);
  assert.throws(() => loadConfig({ JIRA_URL: "https://j", JIRA_PROJECT: "X", JIRA_EMAIL: "a@b" }), /JIRA_EMAIL is set but JIRA_TOKEN is not/);
  assert.throws(() => loadConfig({ JIRA_TIMEZONE: "Mars/Olympus" }), /JIRA_TIMEZONE must be an IANA time zone/);
  assert.throws(() => loadConfig({ SYNC_PAGE_SIZE: "0" }), /SYNC_PAGE_SIZE must be an integer/);
  assert.deepEqual(loadConfig({ BUGZILLA_URL: "https://bz.example", BUGZILLA_PRODUCTS: "Core, Firefox" }).sync.bugzilla!.products, ["Core", "Firefox"]);
});
