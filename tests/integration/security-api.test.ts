// Security checks against the real Next.js server (lib/offline/app-server.ts) plus two static checks:
// the admin-token comparison is constant-time, and SQL is only ever built from bound parameters and
// validated identifiers.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import ts from "typescript";
import { safeEqual } from "@/lib/http/auth";
import { startTestServer, TestServerUnavailable, type TestServer } from "@/lib/offline/app-server";
import { ROOT } from "@/tests/integration/fault-fixture";

let srv: TestServer | null = null;
/** The running server (only after up() returned true). */
const S = (): TestServer => srv!;
let skipReason = "";
/** Every non-2xx body seen, checked for leaks at the end. */
const errorBodies: { where: string; body: string }[] = [];

let starting: Promise<void> | null = null;
/** Started on first use, so the static checks below run without a server. */
async function up(): Promise<boolean> {
  starting ??= (async () => {
    try {
      srv = await startTestServer({
        seed: "demo",
        // The limiter on, with a small burst, so the 429 test is quick; other tests use their own client key.
        env: { RATE_LIMIT_PER_MIN: "60", RATE_LIMIT_BURST: "5" },
      });
    } catch (e) {
      if (e instanceof TestServerUnavailable) skipReason = e.message;
      else throw e;
    }
  })();
  await starting;
  return srv !== null;
}

after(async () => {
  await srv?.stop();
});

let ipSeq = 0;
/** A distinct client key per call site, so the rate limiter only bites where we want it to. */
const freshIp = () => `198.51.100.${++ipSeq % 250}`;

async function call(pathname: string, init: RequestInit & { headers?: Record<string, string> } = {}) {
  const res = await srv!.api(pathname, { ...init, headers: { "x-forwarded-for": freshIp(), ...init.headers }, redirect: "manual" });
  const text = await res.text();
  if (res.status >= 400) errorBodies.push({ where: `${init.method ?? "GET"} ${pathname}`, body: text });
  let body: unknown = null;
  try {
    body = JSON.parse(text);
  } catch {
    body = null;
  }
  return { status: res.status, headers: res.headers, text, body: body as any };
}

const ADMIN_GETS = ["/api/admin/jobs", "/api/admin/models", "/api/admin/evaluation", "/api/admin/stats", "/api/admin/sweep?threshold=0.99&limit=5"];
// POSTs with a body the route rejects AFTER authentication (400), so no job is started by accident.
const ADMIN_POSTS: [string, unknown][] = [
  ["/api/admin/import", { format: "nope", content: "" }],
  ["/api/admin/reindex", { batchSize: -1 }],
  ["/api/admin/thresholds/calibrate", { targetPrecision: 7 }],
  ["/api/admin/models/99999/activate", {}],
];

test("admin routes: 401 without/with a wrong token, served with the right one", async (t) => {
  if (!(await up())) return t.skip(skipReason);
  const tok = S().adminToken;
  const wrong = [
    {},
    { authorization: "Bearer " },
    { authorization: "Bearer wrong" },
    { authorization: `Bearer ${"x".repeat(tok.length)}` }, // same length
    { authorization: `Bearer ${tok}x` }, // the token is a prefix
    { authorization: `Bearer ${tok.slice(0, -1)}` }, // a prefix of the token
    { authorization: `Basic ${Buffer.from(`admin:${tok}`).toString("base64")}` },
    { authorization: tok }, // no scheme
    { cookie: "bugsift_session=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" }, // forged session
  ];
  for (const p of ADMIN_GETS) {
    for (const h of wrong) {
      const r = await call(p, { headers: h as Record<string, string> });
      assert.equal(r.status, 401, `${p} with ${JSON.stringify(h)} -> ${r.status}`);
      assert.equal(r.body?.error?.code, "unauthorized");
    }
    const ok = await call(p, { headers: { authorization: `Bearer ${tok}` } });
    assert.equal(ok.status, 200, `${p} with the right token: ${ok.text.slice(0, 200)}`);
  }
  for (const [p, body] of ADMIN_POSTS) {
    const init = { method: "POST", body: JSON.stringify(body), headers: { "content-type": "application/json" } };
    for (const h of wrong.slice(0, 4)) {
      const r = await call(p, { ...init, headers: { ...init.headers, ...(h as Record<string, string>) } });
      assert.equal(r.status, 401, `${p} with ${JSON.stringify(h)} -> ${r.status}`);
    }
    const ok = await call(p, { ...init, headers: { ...init.headers, authorization: `Bearer ${tok}` } });
    assert.ok([400, 404].includes(ok.status), `${p} authenticated, then rejected on its input: ${ok.status} ${ok.text.slice(0, 200)}`);
  }
  // Destructive report routes are admin-only too.
  assert.equal((await call("/api/reports/1", { method: "DELETE" })).status, 401);
  const patch = { method: "PATCH", body: JSON.stringify({ title: "pwned" }), headers: { "content-type": "application/json" } };
  assert.equal((await call("/api/reports/1", patch)).status, 401);
  assert.notEqual((await call("/api/reports/1")).body?.report?.title, "pwned");
});

test("session cookie: wrong token refused, right token gives an HttpOnly SameSite=Lax cookie; cross-origin POST refused", async (t) => {
  if (!(await up())) return t.skip(skipReason);
  const login = (token: string) => call("/api/admin/login", { method: "POST", body: JSON.stringify({ token }), headers: { "content-type": "application/json" } });
  const bad = await login("definitely-not-the-token");
  assert.equal(bad.status, 401);
  assert.equal(bad.headers.get("set-cookie"), null);
  const good = await login(S().adminToken);
  assert.equal(good.status, 200);
  const setCookie = good.headers.get("set-cookie") ?? "";
  assert.match(setCookie, /bugsift_session=/);
  assert.match(setCookie, /HttpOnly/i);
  assert.match(setCookie, /SameSite=Lax/i);
  assert.ok(!setCookie.includes(S().adminToken), "the cookie does not carry the token itself");
  const cookie = setCookie.split(";")[0]!;
  assert.equal((await call("/api/admin/stats", { headers: { cookie } })).status, 200);
  // Tampered session id.
  const tampered = cookie.slice(0, -2) + (cookie.endsWith("AA") ? "BB" : "AA");
  assert.equal((await call("/api/admin/stats", { headers: { cookie: tampered } })).status, 401);
  // A state-changing request carrying the cookie from another origin.
  const xo = await call("/api/admin/reindex", { method: "POST", body: "{}", headers: { cookie, origin: "https://evil.example", "content-type": "application/json" } });
  assert.equal(xo.status, 403);
});

test("token comparison is constant-time: timingSafeEqual over fixed-length digests, no early-exit compare", () => {
  // Behaviour on equal / unequal / different-length / empty inputs (the function must not throw on lengths).
  assert.equal(safeEqual("s3cret-token", "s3cret-token"), true);
  assert.equal(safeEqual("s3cret-token", "s3cret-tokeN"), false);
  assert.equal(safeEqual("s3cret-token", "s3cret-token-longer"), false);
  assert.equal(safeEqual("short", "a-much-longer-candidate-string"), false);
  assert.equal(safeEqual("", ""), true);
  assert.equal(safeEqual("", "x"), false);
  assert.equal(safeEqual("ü", "u"), false);
  // Source inspection: the comparison goes through crypto.timingSafeEqual, and the token is never compared with ===/!==.
  const src = fs.readFileSync(path.join(ROOT, "lib/http/auth.ts"), "utf8");
  assert.match(src, /import\s*\{[^}]*\btimingSafeEqual\b[^}]*\}\s*from\s*"node:crypto"/);
  assert.match(src, /export function safeEqual[\s\S]*?timingSafeEqual\(/);
  assert.match(src, /export function checkToken[\s\S]*?safeEqual\(candidate, adminToken\(\)\)/);
  const code = src.replace(/\/\/.*$/gm, "");
  assert.doesNotMatch(code, /(===|!==|==|!=)\s*adminToken\(\)|adminToken\(\)\s*(===|!==|==|!=)/, "adminToken() compared with an equality operator");
  assert.doesNotMatch(code, /(candidate|token|expected)\s*(===|!==)\s*(candidate|token|expected)\b/);
});

test("stored XSS: markup in title/description is escaped in the report page HTML", async (t) => {
  if (!(await up())) return t.skip(skipReason);
  const title = `<script>alert(1)</script> XSS probe <img src=x onerror=alert(1)>`;
  const description = `Body <img src=x onerror=alert(1)> and <script>alert(1)</script> and <svg onload=alert(1)> "quotes" 'single' & amp`;
  const created = await call("/api/reports", {
    method: "POST",
    body: JSON.stringify({ title, description, product: `<b onmouseover=alert(1)>P</b>` }),
    headers: { "content-type": "application/json", authorization: `Bearer ${S().adminToken}` },
  });
  assert.equal(created.status, 201, created.text.slice(0, 300));
  const id = created.body.report.id as number;
  // The API returns the text as data, verbatim.
  assert.equal(created.body.report.title, title);

  const page = await S().api(`/reports/${id}`);
  assert.equal(page.status, 200);
  assert.match(page.headers.get("content-type") ?? "", /text\/html/);
  const html = await page.text();
  // The injected tags must not appear as markup anywhere (neither in the rendered HTML nor in the inline data).
  for (const raw of ["<script>alert(1)", "<img src=x onerror", "<svg onload", "<b onmouseover"]) {
    assert.ok(!html.toLowerCase().includes(raw.toLowerCase()), `raw ${raw} found in the report page`);
  }
  // ... and the text is there, escaped as text.
  assert.ok(html.includes("&lt;script&gt;alert(1)&lt;/script&gt;"), "escaped <script> text present");
  assert.ok(html.includes("&lt;img src=x onerror=alert(1)&gt;"), "escaped <img> text present");
  // Inline <script> blocks (Next's flight data) carry the text JSON-escaped, never a closing </script> of ours.
  const scripts = html.match(/<script\b[^>]*>[\s\S]*?<\/script>/gi) ?? [];
  for (const sc of scripts) assert.ok(!sc.slice(0, -"</script>".length).toLowerCase().includes("</script>"), "a script block closed early by the payload");
});

test("rate limit: hammering /api/search gives 429 with Retry-After and a JSON body; other clients are unaffected", async (t) => {
  if (!(await up())) return t.skip(skipReason);
  const ip = "203.0.113.77";
  let limited: Awaited<ReturnType<typeof call>> | null = null;
  let okCount = 0;
  for (let i = 0; i < 40 && !limited; i++) {
    const r = await call("/api/search?q=crash", { headers: { "x-forwarded-for": ip } });
    if (r.status === 429) limited = r;
    else {
      assert.equal(r.status, 200, r.text.slice(0, 200));
      okCount++;
    }
  }
  assert.ok(limited, "no 429 after 40 rapid searches with burst 5");
  assert.ok(okCount >= 1 && okCount <= 10, `burst of 5 (+ refill) served before limiting, got ${okCount}`);
  const ra = limited.headers.get("retry-after");
  assert.ok(ra && /^\d+$/.test(ra) && Number(ra) >= 1, `Retry-After: ${ra}`);
  assert.match(limited.headers.get("content-type") ?? "", /application\/json/);
  assert.equal(limited.body?.error?.code, "rate_limited");
  // The duplicates check shares the bucket.
  const dup = await call("/api/duplicates", { method: "POST", body: JSON.stringify({ title: "x" }), headers: { "x-forwarded-for": ip, "content-type": "application/json" } });
  assert.equal(dup.status, 429);
  // Another client is still served.
  assert.equal((await call("/api/search?q=crash")).status, 200);
});

test("injection attempts through search and filter params leave the data intact", async (t) => {
  if (!(await up())) return t.skip(skipReason);
  const before = await call("/api/reports?limit=1");
  assert.equal(before.status, 200);
  const total = before.body.total as number;
  const facets = (await call("/api/facets")).body;
  const payloads = [
    `'; DROP TABLE "Report"; --`,
    `" OR 1=1 --`,
    `x' OR '1'='1`,
    `1); DELETE FROM "Report"; --`,
    `title:* OR body:*`,
    `"unterminated`,
    `NEAR(crash hang, 2) AND (NOT x) OR * -y ^z {title}:a`,
    `ix_meta`,
    `') UNION SELECT id, contentHash FROM Report --`,
    `%' --`,
  ];
  for (const p of payloads) {
    const e = encodeURIComponent(p);
    for (const url of [
      `/api/search?q=${e}`,
      `/api/search?q=crash&product=${e}`,
      `/api/search?q=&status=${e}`,
      `/api/search?q=crash&component=${e}&from=2020-01-01`,
      `/api/reports?product=${e}`,
    ]) {
      const r = await call(url);
      assert.ok(r.status === 200 || r.status === 400, `${url} -> ${r.status} ${r.text.slice(0, 200)}`);
      assert.ok(r.body && typeof r.body === "object", `${url}: JSON body`);
      // A filter value is compared as a value, never as SQL: nothing matches these strings.
      if (r.status === 200 && !url.includes("search?q=" + e)) {
        const n = (r.body.results ?? r.body.reports).length;
        assert.equal(n, 0, `${url} matched ${n} report(s): the filter was not treated as a literal`);
      }
    }
    const d = await call("/api/duplicates", { method: "POST", body: JSON.stringify({ title: p, description: p, product: p }), headers: { "content-type": "application/json" } });
    assert.equal(d.status, 200, d.text.slice(0, 200));
  }
  const afterList = await call("/api/reports?limit=1");
  assert.equal(afterList.body.total, total, "report count unchanged");
  assert.deepEqual((await call("/api/facets")).body, facets);
  const health = await call("/api/health");
  assert.equal(health.status, 200);
  assert.equal(health.body.ok, true);
  assert.equal(health.body.index.count, total);
});

test("error bodies never contain stack traces, file paths or the admin token", async (t) => {
  if (!(await up())) return t.skip(skipReason);
  // A few more error paths on top of what the tests above collected.
  await call("/api/reports/abc");
  await call("/api/reports/999999999");
  await call("/api/admin/jobs/../../etc/passwd".replaceAll("/", "%2F").replace("%2Fapi%2Fadmin%2Fjobs%2F", "/api/admin/jobs/"), { headers: { authorization: `Bearer ${S().adminToken}` } });
  await call("/api/duplicates", { method: "POST", body: "{bad json", headers: { "content-type": "application/json" } });
  await call("/api/triage", { method: "POST", body: JSON.stringify({ reportId: 1, otherId: 1e12, verdict: "x" }), headers: { "content-type": "application/json" } });
  assert.ok(errorBodies.length > 40, `collected ${errorBodies.length} error bodies`);
  for (const { where, body } of errorBodies) {
    assert.ok(!body.includes(S().adminToken), `${where}: body contains the admin token`);
    assert.ok(!/\n\s+at\s|\bat\s+\S+\s+\(\S+:\d+:\d+\)/.test(body), `${where}: stack trace in ${body.slice(0, 300)}`);
    assert.ok(!body.includes(ROOT) && !body.includes(S().dir) && !/\/(tmp|home|usr|work)\/\S/.test(body), `${where}: file path in ${body.slice(0, 300)}`);
    assert.ok(!/node_modules|\.tsx?\b|webpack|turbopack/i.test(body), `${where}: internals in ${body.slice(0, 300)}`);
  }
});

// ---------------------------------------------------------------- static SQL check

/**
 * Interpolations allowed inside SQL template literals, by file. Each is an identifier validated before use
 * (table names derived from generation ids that pass assertGenerationId, integers checked by assertDims /
 * Number.isSafeInteger, fragments assembled from constants with every value bound as a parameter).
 */
const SQL_ALLOW: Record<string, RegExp[]> = {
  "lib/vector/sqlite-vec.ts": [
    /^s\.(vec|fts|doc)$/, // GenStatements: vecTable/ftsTable/docTable(gen), gen validated
    /^(vec|fts)$/, // same, in createGeneration
    /^(vecTable|ftsTable|docTable|kwLogTable)\(gen\)$/,
    /^kwlog$/, // kwLogTable(gen): ix_kwlog_<gen>, gen checked by assertGenerationId
    /^dims$/, // assertDims: positive integer
    /^mmap$/, // Number.isSafeInteger checked
    /^FTS5_TOKENIZER$/, // constant
    /^c\.sql$/, // filterClauses: constant column names + "?" placeholders
    /^join$/, // constant JOIN of the validated doc table
    /^idCol$/, // "id" or `${s.fts}.rowid`
    /^colPrefix$/, // "" or "d."
    /^col$/, // one of the constant tuple ["product", "component", "status"]
    /^annLogTable\(gen\)$/, // ix_annlog_<gen>, gen checked by assertGenerationId
    /^vocab$/, // ix_vocab_<gen> of a validated generation (keyword statistics)
  ],
  "lib/vector/ann.ts": [
    /^annLogTable\(gen\)$/, // ix_annlog_<gen>, gen checked by assertGenerationId
    /^(vecTable|docTable)$/, // vecTable(gen)/docTable(gen) of sqlite-vec.ts, passed in for a validated generation
    /^BUILD_BATCH$/, // numeric constant
  ],
  "lib/vector/qdrant.ts": [],
  "lib/offline/migrate/runner.ts": [/^qi\(schema\)$/], // quoted identifier (pg-url.ts qi doubles quotes)
  "lib/offline/migrate/shadow.ts": [/^qi\(schema\)$/],
  "lib/offline/migrate/sqlite-describe.ts": [
    /^JSON\.stringify\((name|ix\.name)\)$/, // table/index names read from sqlite_master, quoted as string literals
    /^fk\.(from|table|to|on_delete|on_update)$/, // not SQL: a human-readable description of a foreign key
  ],
  "lib/offline/doctor/inspect.ts": [/^problems\.slice\(0, 5\)\.join\("; "\)$/],
  // lib/db/reads.ts placeholders(n): "$1, $2, ..." only, n the length of a bound parameter list
  "lib/dedup/clusters.ts": [/^placeholders\(part\.length\)$/],
  "lib/dedup/find.ts": [/^placeholders\(ids\.length\)$/],
};

/**
 * Files that may hand Prisma's escape hatches SQL that is not a constant, and why. lib/db/reads.ts is the SqlReads
 * port: it passes on the SQL its callers give `reads.all()`, which the scan checks as a sink like `prepare()`.
 */
const UNSAFE_CALL_ALLOW: Record<string, string> = {
  "lib/db/reads.ts": "SqlReads.all(): callers' SQL is scanned at reads.all()",
};

const SQL_WORD = /\b(SELECT|INSERT\s+INTO|UPDATE\s+\S+\s+SET|DELETE\s+FROM|CREATE\s+(TABLE|INDEX|VIRTUAL|SCHEMA)|DROP\s+(TABLE|SCHEMA|INDEX)|ALTER\s+TABLE|PRAGMA|WHERE|VALUES|SET\s+search_path)\b/;

function libFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) {
      if (e.name !== "generated") out.push(...libFiles(p));
    } else if (/\.tsx?$/.test(e.name)) out.push(p);
  }
  return out;
}

test("SQL only through parameters: no ${} in SQL template literals outside the validated-identifier allow-list", () => {
  const offences: string[] = [];
  let sqlTemplates = 0;
  for (const file of libFiles(path.join(ROOT, "lib"))) {
    const rel = path.relative(ROOT, file);
    const src = ts.createSourceFile(file, fs.readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true);
    const visit = (node: ts.Node) => {
      if (ts.isTemplateExpression(node)) {
        const text = node.head.text + node.templateSpans.map((s) => " ? " + s.literal.text).join("");
        // SQL by its words, or by where it goes (first argument of a DB call).
        const parent = node.parent;
        const sink =
          ts.isCallExpression(parent) &&
          parent.arguments[0] === node &&
          /\.(prepare|exec|pragma|query)$|\$(queryRawUnsafe|executeRawUnsafe)$|\breads\.all$/.test(parent.expression.getText(src));
        // A tagged Prisma template ($queryRaw`...`, Prisma.sql`...`) sends every ${} as a bound parameter.
        const bound = ts.isTaggedTemplateExpression(parent) && /\$(queryRaw|executeRaw)$|^Prisma\.sql$/.test(parent.tag.getText(src));
        if (!bound && (SQL_WORD.test(text) || sink)) {
          sqlTemplates++;
          for (const span of node.templateSpans) {
            const expr = span.expression.getText(src);
            if (!(SQL_ALLOW[rel] ?? []).some((re) => re.test(expr))) {
              const line = src.getLineAndCharacterOfPosition(span.getStart(src)).line + 1;
              offences.push(`${rel}:${line}: \${${expr}} in SQL \`${text.slice(0, 80)}\``);
            }
          }
        }
      }
      // Prisma's escape hatches must only ever get constant SQL.
      if (ts.isCallExpression(node)) {
        const callee = node.expression.getText(src);
        if (/\$(queryRawUnsafe|executeRawUnsafe)$|Prisma\.raw$/.test(callee)) {
          const arg = node.arguments[0];
          if (!arg || (!(ts.isStringLiteral(arg) || ts.isNoSubstitutionTemplateLiteral(arg)) && !UNSAFE_CALL_ALLOW[rel])) {
            const line = src.getLineAndCharacterOfPosition(node.getStart(src)).line + 1;
            offences.push(`${rel}:${line}: ${callee} with non-constant SQL`);
          }
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(src);
  }
  assert.ok(sqlTemplates > 10, `the scan sees the SQL templates (${sqlTemplates})`);
  assert.deepEqual(offences, []);
});

test("the SQL scan catches an unsafe template (self-check)", () => {
  const src = ts.createSourceFile("x.ts", "db.prepare(`SELECT * FROM Report WHERE title = '${userInput}'`)", ts.ScriptTarget.Latest, true);
  let found = "";
  const visit = (n: ts.Node) => {
    if (ts.isTemplateExpression(n) && SQL_WORD.test(n.head.text)) found = n.templateSpans[0]!.expression.getText(src);
    ts.forEachChild(n, visit);
  };
  visit(src);
  assert.equal(found, "userInput");
  assert.ok(!SQL_ALLOW["lib/vector/sqlite-vec.ts"]!.some((re) => re.test(found)));
});
