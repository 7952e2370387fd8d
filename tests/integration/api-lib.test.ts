// The API building blocks without a server: body caps, rate limiter, admin auth, highlighting,
// threshold choice, clustering. (The HTTP behaviour is covered by api-public/api-admin.)
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { test } from "node:test";
import { readBodyBytes, readJson } from "@/lib/http/body";
import { ApiError } from "@/lib/http/errors";
import { clientKey, RequestLimits, TokenBucketLimiter } from "@/lib/http/ratelimit";
import { errorResponse } from "@/lib/http/respond";
import { DuplicatesRequestSchema } from "@/lib/http/schemas";
import { adminToken, bearerToken, checkToken, cookieValue, resetAuthCache, safeEqual } from "@/lib/http/auth";
import { resetConfig } from "@/lib/config";
import { chooseThreshold } from "@/lib/dedup/calibrate";
import { buildClusters } from "@/lib/dedup/clusters";
import { tierOf } from "@/lib/dedup/thresholds";
import { highlightTerms, makeSnippet, termsOf } from "@/lib/search/highlight";
import { dateRange } from "@/lib/search/filters";

function streamingRequest(chunks: number, chunkSize: number, contentType = "application/json"): Request {
  let sent = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(c) {
      if (sent++ >= chunks) return c.close();
      c.enqueue(new Uint8Array(chunkSize).fill(0x20));
    },
  });
  return new Request("http://x/api", { method: "POST", body, headers: { "content-type": contentType }, duplex: "half" } as RequestInit);
}

test("bodies over the cap are refused while reading (declared or streamed)", async () => {
  const declared = new Request("http://x/api", { method: "POST", body: "x".repeat(2000), headers: { "content-type": "application/json" } });
  await assert.rejects(readBodyBytes(declared, 1000), (e: ApiError) => e.status === 413 && e.code === "payload_too_large");
  // No Content-Length: cut off once the running total passes the cap.
  await assert.rejects(readBodyBytes(streamingRequest(100, 1024), 10_000), (e: ApiError) => e.status === 413);
  assert.equal((await readBodyBytes(streamingRequest(5, 100), 10_000)).byteLength, 500);
  await assert.rejects(
    readJson(new Request("http://x", { method: "POST", body: "{", headers: { "content-type": "application/json" } }), 100),
    (e: ApiError) => e.status === 400 && /not valid JSON/.test(e.message),
  );
  await assert.rejects(readJson(new Request("http://x", { method: "POST", body: "{}", headers: { "content-type": "text/plain" } }), 100), (e: ApiError) => e.status === 415);
  assert.equal(await readJson(new Request("http://x", { method: "POST" }), 100, true), undefined);
});

test("error responses: zod issues summarised, internals hidden", async () => {
  const z = DuplicatesRequestSchema.safeParse({ title: "", k: 999 });
  assert.ok(!z.success);
  const r = errorResponse(z.error);
  assert.equal(r.status, 400);
  const body = (await r.json()) as { error: { code: string; message: string; details: { path: string }[] } };
  assert.equal(body.error.code, "validation_failed");
  assert.deepEqual(body.error.details.map((d) => d.path).sort(), ["k", "title"]);
  const orig = console.error;
  console.error = () => {};
  try {
    const internal = errorResponse(new Error("SQLITE_CORRUPT at /secret/path/db.sqlite token=abc"));
    assert.equal(internal.status, 500);
    const text = await internal.text();
    assert.ok(!text.includes("secret") && !text.includes("SQLITE"), text);
  } finally {
    console.error = orig;
  }
});

test("token bucket: burst, refill, Retry-After, bounded keys", () => {
  const l = new TokenBucketLimiter(60, 3, 100); // 1 token/s, burst 3
  const t0 = 1_000_000;
  assert.deepEqual([1, 2, 3].map(() => l.take("a", t0).ok), [true, true, true]);
  const refused = l.take("a", t0);
  assert.equal(refused.ok, false);
  assert.equal(refused.retryAfterSec, 1);
  assert.equal(l.take("b", t0).ok, true, "other clients have their own bucket");
  assert.equal(l.take("a", t0 + 1000).ok, true, "one token back after a second");
  assert.equal(l.take("a", t0 + 1000).ok, false);
  for (let i = 0; i < 500; i++) l.take(`k${i}`, t0);
  assert.ok(l.size <= 100);
  assert.throws(() => new TokenBucketLimiter(0, 1));
  const h = new Headers({ "x-forwarded-for": "203.0.113.9, 10.0.0.1" });
  assert.equal(clientKey(h, false), "203.0.113.9");
  assert.equal(clientKey(h, true), "10.0.0.1");
  assert.equal(clientKey(new Headers(), false), "unknown");
});

test("request limits: public API per client IP, sign-in per account name (any case) and per IP", () => {
  const limits = RequestLimits.fromConfig({ rateLimitPerMin: 60, rateLimitBurst: 2, trustProxy: false, auth: { loginAttemptsPerMin: 2 } });
  const from = (ip: string) => new Headers({ "x-forwarded-for": ip });
  const refusal = (fn: () => void): ApiError | null => {
    try {
      fn();
      return null;
    } catch (err) {
      assert.ok(err instanceof ApiError, String(err));
      return err;
    }
  };
  assert.equal(refusal(() => limits.checkRequest(from("198.51.100.1"))), null);
  assert.equal(refusal(() => limits.checkRequest(from("198.51.100.1"))), null);
  const api = refusal(() => limits.checkRequest(from("198.51.100.1")));
  assert.equal(api?.status, 429);
  assert.equal(api?.code, "rate_limited");
  assert.match(api!.message, /too many requests; retry in \d+s/);
  assert.ok(Number(api?.headers?.["retry-after"]) >= 1);
  assert.equal(refusal(() => limits.checkRequest(from("198.51.100.2"))), null, "another client has its own bucket");

  assert.equal(refusal(() => limits.checkLogin(from("203.0.113.1"), "Alice")), null);
  assert.equal(refusal(() => limits.checkLogin(from("203.0.113.2"), "alice")), null);
  assert.match(refusal(() => limits.checkLogin(from("203.0.113.3"), "ALICE"))?.message ?? "", /too many sign-in attempts/, "one bucket per account name, any case");
  // Spraying accounts from one address: 10 × LOGIN_ATTEMPTS_PER_MIN per IP, whatever the names.
  const sprayed = Array.from({ length: 21 }, (_, i) => refusal(() => limits.checkLogin(from("203.0.113.9"), `user${i}`)));
  assert.deepEqual(sprayed.map((e) => e?.status ?? 200), [...Array(20).fill(200), 429]);

  const unlimited = RequestLimits.fromConfig({ rateLimitPerMin: 0, rateLimitBurst: 1, trustProxy: false, auth: { loginAttemptsPerMin: 5 } });
  for (let i = 0; i < 50; i++) unlimited.checkRequest(from("198.51.100.1"));
});

test("admin auth: constant-time token check, token file", () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "bugsift-auth-"));
  const saved = { ADMIN_TOKEN: process.env.ADMIN_TOKEN, ADMIN_TOKEN_FILE: process.env.ADMIN_TOKEN_FILE };
  try {
    delete process.env.ADMIN_TOKEN;
    process.env.ADMIN_TOKEN_FILE = path.join(dir, "admin-token");
    resetConfig();
    resetAuthCache();
    const orig = console.error;
    console.error = () => {};
    const token = adminToken(); // created with a random value
    console.error = orig;
    assert.ok(token.length >= 20);
    assert.equal(readFileSync(path.join(dir, "admin-token"), "utf8").trim(), token);
    assert.equal(checkToken(token), true);
    assert.equal(checkToken(token + "x"), false);
    assert.equal(checkToken(""), false);
    assert.equal(safeEqual("a", "a"), true);
    assert.equal(safeEqual("a", "ab"), false);

    assert.equal(bearerToken("Bearer abc"), "abc");
    assert.equal(bearerToken("Basic abc"), null);
    assert.equal(cookieValue("a=1; bugsift_admin=xyz; b=2", "bugsift_admin"), "xyz");
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    resetConfig();
    resetAuthCache();
    rmSync(dir, { recursive: true, force: true });
  }
});

test("highlighting marks whole identifiers and parts with exact offsets", () => {
  const text = "NPE in org.apache.hadoop.fs.Path when HDFS-1234 is opened";
  const hl = highlightTerms(text, termsOf("Path hdfs-1234"));
  assert.deepEqual(hl.map((h) => text.slice(h.start, h.end)), ["Path", "HDFS-1234"]);
  const whole = highlightTerms(text, termsOf("org.apache.hadoop.fs.Path"));
  assert.deepEqual(whole.map((h) => text.slice(h.start, h.end)), ["org.apache.hadoop.fs.Path"]);
  const long = "word ".repeat(200) + "the needle is here " + "word ".repeat(200);
  const sn = makeSnippet(long, highlightTerms(long, termsOf("needle")), 80);
  assert.ok(sn.text.length <= 80 && sn.truncatedStart && sn.truncatedEnd);
  assert.equal(sn.text.slice(sn.highlights[0]!.start, sn.highlights[0]!.end), "needle");
});

test("threshold choice: max F1 and target precision", () => {
  const items = [
    { score: 0.95, positive: true },
    { score: 0.9, positive: true },
    { score: 0.85, positive: false },
    { score: 0.8, positive: true },
    { score: 0.5, positive: false },
    { score: 0.4, positive: false },
  ];
  const best = chooseThreshold(items)!;
  assert.equal(best.threshold, 0.8);
  assert.equal(best.recall, 1);
  assert.equal(best.precision, 0.75);
  const precise = chooseThreshold(items, 1)!;
  assert.equal(precise.threshold, 0.9);
  assert.equal(precise.precision, 1);
  assert.equal(chooseThreshold([{ score: 0.3, positive: false }]), null);
  assert.equal(tierOf(0.81, { likely: 0.8, related: 0.6 }), "likely");
  assert.equal(tierOf(0.7, { likely: 0.8, related: 0.6 }), "related");
  assert.equal(tierOf(0.1, { likely: 0.8, related: 0.6 }), "below");
});

test("clusters are connected components with a master", () => {
  const c = buildClusters([9], [
    { duplicateId: 2, masterId: 1 },
    { duplicateId: 3, masterId: 2 },
    { duplicateId: 5, masterId: 4 },
  ]);
  assert.deepEqual(c.get(3)!.members, [1, 2, 3]);
  assert.equal(c.get(3)!.masterId, 1);
  assert.equal(c.get(2), c.get(1));
  assert.deepEqual(c.get(5)!.members, [4, 5]);
  assert.deepEqual(c.get(9)!.members, [9]);
});

test("date filters are inclusive whole days", () => {
  const r = dateRange({ from: "2024-01-01", to: "2024-01-31" });
  assert.equal(new Date(r.fromMs!).toISOString(), "2024-01-01T00:00:00.000Z");
  assert.equal(new Date(r.toMs!).toISOString(), "2024-01-31T23:59:59.999Z");
  assert.throws(() => dateRange({ from: "2024-02-01", to: "2024-01-01" }), /from must not be after to/);
});
