// The API fuzzer's generator and runner, shared by the fuzz test (tests/integration/fuzz-api.test.ts, a few
// hundred cases per run) and the long run of `npm run bench:fuzz` (10,000 and more): a seeded generator makes
// requests to every API route with malformed JSON, wrong types, missing fields, unicode edge cases, huge
// bodies, hostile ids and FTS5 syntax in queries. Every answer must be 2xx/4xx with a JSON body (never 5xx,
// never HTML, never a stack trace or a server path).
import { mulberry32 } from "@/lib/random";
import { ROOT, type TestServer } from "@/lib/offline/app-server";

// ------------------------------------------------------------------ value pools

const BIG = (n: number, unit = "a") => unit.repeat(Math.ceil(n / unit.length)).slice(0, n);
const NASTY_STRINGS: string[] = [
  "",
  " ",
  "\t\n\r",
  "\u0000",
  "a\u0000b",
  "\ud800", // lone high surrogate
  "\udfff", // lone low surrogate
  "x\ud83dy", // broken pair
  "\u202eRTL override\u202c",
  "مرحبا بالعالم",
  "שלום עולם",
  "\u200b\u200c\u200d\ufeff", // zero-width + BOM
  "zero\u200bwidth",
  "💥🐛👩‍💻🏳️‍🌈",
  "e\u0301\u0301\u0301\u0301", // stacked combining marks
  "Z̴̡̢̛̗̘̙̜̝̞̟̠a̷l̸g̶o̵",
  "日本語のバグ報告",
  "ＦＵＬＬＷＩＤＴＨ１２３",
  "<script>alert(1)</script>",
  "<img src=x onerror=alert(1)>",
  "'; DROP TABLE \"Report\"; --",
  "\" OR 1=1 --",
  "\"",
  "\"\"\"",
  "*",
  "crash*",
  "NEAR(crash hang)",
  "NEAR(a b, -1)",
  "a AND b",
  "AND",
  "OR OR OR",
  "NOT",
  "-crash",
  "--",
  "title:crash",
  ":",
  "col:",
  "(",
  ")",
  "((((",
  "(a OR b",
  "{title body}: x",
  "^start",
  "a + b",
  "\\",
  "%",
  "_",
  "%00",
  "../../etc/passwd",
  "..\\..\\windows\\win.ini",
  "file:///etc/passwd",
  "NaN",
  "Infinity",
  "-1",
  "0",
  "1e309",
  "9".repeat(40),
  "0x1F",
  "null",
  "undefined",
  "true",
  "[]",
  "{}",
  "__proto__",
  "constructor",
  "${7*7}",
  "{{7*7}}",
  BIG(501), // just over the query/title limit
  BIG(5000, "crash hang "),
];
const NASTY_NUMBERS: unknown[] = [-1, 0, 1, 2, 1.5, -0, 2 ** 31, 2 ** 31 - 1, 2 ** 53, 1e308, -1e308, "1", "abc", "", null, true, [], {}, "NaN", "1e3"];
const NASTY_IDS = [
  "0",
  "-1",
  "1.5",
  "abc",
  "NaN",
  "Infinity",
  "1e3",
  "2147483648",
  "99999999999999999999",
  "00000000001",
  " 1",
  "1%00",
  "%2e%2e%2f%2e%2e%2fetc%2fpasswd",
  "..%2F..%2Fetc%2Fpasswd",
  "..%5C..%5Cwin.ini",
  "%252e%252e%252f",
  "%ef%bc%91", // fullwidth 1
  "%F0%9F%92%A5", // emoji
  "%E2%80%AE1",
  "1;DROP%20TABLE%20Report",
  encodeURIComponent("' OR 1=1 --"),
  "x".repeat(300),
  "1",
  "2",
  "5",
];
const FIELDS = ["title", "description", "product", "component", "version", "platform", "status", "resolution", "reporter", "source", "externalId", "url", "createdAt", "k", "reportId", "otherId", "verdict", "actor", "note", "format", "content", "token", "modelVersionId", "batchSize", "targetPrecision", "negatives", "index", "sameProductOnly", "includeBelow"];

type R = () => number;

/** encodeURIComponent throws on lone surrogates; a browser sends them as U+FFFD. */
const enc = (s: string) => encodeURIComponent(s.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, "\ufffd"));
/** Query strings that are not valid percent-encoding / UTF-8 at all. */
const RAW_QUERIES = ["q=%", "q=%ff%fe", "q=%E0%A4%A", "q=%00", "q=%C0%AF", "q=a&q=b&q=c", "q[]=x", "q[a]=1", "limit=1&limit=2", "q=%2e%2e%2f", "=", "&&&", "q"];
const pick = <T>(r: R, a: readonly T[]): T => a[Math.floor(r() * a.length)]!;

function anyValue(r: R, depth = 0): unknown {
  const x = r();
  if (x < 0.35) return pick(r, NASTY_STRINGS);
  if (x < 0.55) return pick(r, NASTY_NUMBERS);
  if (x < 0.62) return r() < 0.5;
  if (x < 0.67) return null;
  if (x < 0.8 && depth < 3) return Array.from({ length: Math.floor(r() * 4) }, () => anyValue(r, depth + 1));
  if (x < 0.9 && depth < 3) return randomObject(r, depth + 1);
  return "ok value";
}

function randomObject(r: R, depth = 0): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  const n = Math.floor(r() * 6);
  for (let i = 0; i < n; i++) o[r() < 0.8 ? pick(r, FIELDS) : pick(r, NASTY_STRINGS).slice(0, 40)] = anyValue(r, depth);
  return o;
}

/** A body that is mostly valid for the route, with one or two fields broken. */
function mutate(r: R, valid: Record<string, unknown>): Record<string, unknown> {
  const o = { ...valid };
  const n = 1 + Math.floor(r() * 2);
  for (let i = 0; i < n; i++) {
    const key = r() < 0.7 ? pick(r, Object.keys(o).length ? Object.keys(o) : FIELDS) : pick(r, FIELDS);
    const op = r();
    if (op < 0.2) delete o[key];
    else o[key] = anyValue(r);
  }
  return o;
}

const VALID: Record<string, () => Record<string, unknown>> = {
  duplicates: () => ({ title: "App crashes when uploading a file", description: "NullPointerException at upload", product: "Harbor Desktop", k: 5 }),
  reports: () => ({ title: "Fuzz report", description: "created by the fuzzer", product: "Fuzz", component: "Core" }),
  patch: () => ({ title: "Patched by fuzzer" }),
  triage: () => ({ reportId: 1, otherId: 2, verdict: "related", actor: "fuzzer" }),
  login: () => ({ token: "wrong-token" }),
  import: () => ({ format: "jsonl", content: '{"source":"fuzz","externalId":"F-1","title":"t","createdAt":"2024-01-01"}', index: false }),
  reindex: () => ({ batchSize: 16 }),
  calibrate: () => ({ targetPrecision: 0.9 }),
};

/**
 * Every API route (folder path under app/, with [param] segments) and the methods it implements: the access table
 * (lib/http/access.ts, which the access-table test keeps equal to the route files on disk), handed in by the
 * caller since offline tooling does not import the HTTP edge. Catch-all routes are left out.
 */
export type RouteTable = Readonly<Record<string, Readonly<Partial<Record<string, unknown>>>>>;

interface Route {
  pattern: string;
  methods: string[];
  /** Matches a concrete path (any query) of this route. */
  re: RegExp;
}

function routesOf(table: RouteTable): Route[] {
  return Object.entries(table)
    .filter(([p]) => !p.includes("[..."))
    .map(([pattern, rules]) => ({
      pattern,
      methods: Object.keys(rules),
      re: new RegExp(`^${pattern.replace(/\[[^\]/]+\]/g, "[^/?]+")}(\\?|$)`),
    }));
}

/** A route's concrete path with every [param] set to `id`. */
const fill = (pattern: string, id: string) => pattern.replace(/\[[^\]/]+\]/g, id);

const METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];
const UNKNOWN_PATHS = ["/api/nope", "/api/admin/nope", "/api/reports/1/nope", "/api/search/x", "/api/nope/..%2f..%2fetc%2fpasswd", "/api/%F0%9F%92%A5"];

export interface Case {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string | Uint8Array;
  kind: string;
  /** Status this case must get, when it is determined by the input alone. */
  expect?: number;
}

const JSON_CT = { "content-type": "application/json" };

/** Raw bodies that are not (valid) JSON. */
function malformedBody(r: R): { body: string | Uint8Array; headers: Record<string, string>; kind: string; expect?: number } {
  const raws: [string | Uint8Array, string][] = [
    ["{", "truncated"],
    ['{"title":', "truncated value"],
    ['{"title": "x",}', "trailing comma"],
    ["{'title': 'x'}", "single quotes"],
    ["NaN", "NaN literal"],
    ["[1,2,3]", "array"],
    ["null", "null"],
    ["42", "number"],
    ['"string"', "string"],
    ['{"a":' + "[".repeat(5000) + "]".repeat(5000) + "}", "deep nesting"],
    [new Uint8Array([0x7b, 0x22, 0x74, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]), "invalid UTF-8"],
    ["\ufeff{\"title\":\"bom\"}", "BOM prefix"],
    ['{"title":"\\ud800"}', "escaped lone surrogate"],
    ['{"title":"a\\u0000b","description":"\\u0000"}', "escaped NUL"],
    ['{"__proto__":{"admin":true},"title":"proto"}', "__proto__ key"],
    ['{"title":"dup","title":"dup2"}', "duplicate keys"],
  ];
  const [body, kind] = pick(r, raws);
  const ct = r();
  if (ct < 0.15) return { body, headers: { "content-type": "text/plain" }, kind: `${kind} as text/plain` };
  if (ct < 0.2) return { body, headers: { "content-type": "application/x-www-form-urlencoded" }, kind: `${kind} as form` };
  if (ct < 0.25) return { body, headers: { "content-type": "multipart/form-data" }, kind: `${kind} as multipart without boundary` };
  return { body, headers: JSON_CT, kind };
}

function query(r: R, keys: string[]): string {
  const p = new URLSearchParams();
  const n = Math.floor(r() * (keys.length + 1));
  for (let i = 0; i < n; i++) {
    const k = r() < 0.85 ? pick(r, keys) : pick(r, NASTY_STRINGS).slice(0, 20);
    const v = r() < 0.7 ? pick(r, NASTY_STRINGS) : String(pick(r, NASTY_NUMBERS));
    p.append(k, v);
  }
  const s = p.toString();
  return s ? `?${s}` : "";
}

export function makeCase(r: R, token: string, table: Route[]): Case {
  const id = pick(r, NASTY_IDS);
  const admin = r() < 0.5 ? { authorization: `Bearer ${token}` } : r() < 0.5 ? { authorization: "Bearer nope" } : {};
  const body = (valid: keyof typeof VALID): Pick<Case, "body" | "headers" | "kind" | "expect"> => {
    const x = r();
    if (x < 0.3) {
      const m = malformedBody(r);
      return { body: m.body, headers: m.headers, kind: `malformed: ${m.kind}` };
    }
    if (x < 0.36) {
      // Over MAX_BODY_BYTES (256 KB; 2 MB for import): 413 before parsing.
      const size = valid === "import" ? 2_200_000 : 300_000;
      return { body: JSON.stringify({ ...VALID[valid]!(), description: BIG(size), content: BIG(size) }), headers: JSON_CT, kind: "huge body", expect: 413 };
    }
    if (x < 0.42) {
      // 1 M chars of "é" = 2 MB of UTF-8: over the 256 KB cap (the 2 MiB import cap is not exceeded).
      const b = JSON.stringify({ ...VALID[valid]!(), description: BIG(1_000_000, "é") });
      return { body: b, headers: JSON_CT, kind: "1 MB description", ...(valid === "import" ? {} : { expect: 413 }) };
    }
    if (x < 0.5) return { body: JSON.stringify(randomObject(r)), headers: JSON_CT, kind: "random object" };
    if (x < 0.55) return { body: "", headers: JSON_CT, kind: "empty body" };
    return { body: JSON.stringify(mutate(r, VALID[valid]!())), headers: JSON_CT, kind: "mutated valid body" };
  };
  const routes: (() => Case)[] = [
    () => ({ method: "GET", path: "/api/health", headers: {}, kind: "health" }),
    () => ({ method: "GET", path: `/api/search${query(r, ["q", "product", "component", "status", "from", "to", "limit", "offset", "exact"])}`, headers: {}, kind: "search" }),
    () => ({ method: "GET", path: `/api/search?q=${enc(pick(r, NASTY_STRINGS))}`, headers: {}, kind: "search q" }),
    () => ({ method: "GET", path: `/api/search?exact=1&q=${enc(pick(r, NASTY_STRINGS))}`, headers: {}, kind: "exact search q" }),
    () => ({ method: "GET", path: `/api/${pick(r, ["search", "reports", "reports/1/similar", "admin/sweep"])}?${pick(r, RAW_QUERIES)}`, headers: admin, kind: "raw query" }),
    () => ({ method: "GET", path: `/api/reports${query(r, ["product", "component", "status", "from", "to", "limit", "offset"])}`, headers: {}, kind: "list" }),
    () => ({ method: "GET", path: "/api/facets", headers: {}, kind: "facets" }),
    () => ({ method: "POST", path: "/api/duplicates", ...body("duplicates") }),
    () => ({ method: "POST", path: "/api/reports", ...body("reports") }),
    () => ({ method: "GET", path: `/api/reports/${id}`, headers: {}, kind: "get report" }),
    () => ({ method: "PATCH", path: `/api/reports/${id}`, ...body("patch"), headers: { ...JSON_CT, ...admin } }),
    () => ({ method: "DELETE", path: `/api/reports/${id}`, headers: r() < 0.8 ? {} : { authorization: "Bearer nope" }, kind: "delete (unauthenticated)", expect: 401 }),
    () => ({ method: "GET", path: `/api/reports/${id}/similar${query(r, ["k"])}`, headers: {}, kind: "similar" }),
    () => ({ method: "GET", path: `/api/reports/${id}/decisions`, headers: {}, kind: "decisions" }),
    () => {
      const b = body("triage");
      return { method: "POST", path: "/api/triage", ...b, headers: { ...b.headers, ...(r() < 0.3 ? { "x-bugsift-actor": pick(r, NASTY_STRINGS).replace(/[^\x20-\x7e]/g, "?") } : {}) } };
    },
    () => ({ method: "POST", path: "/api/admin/login", ...body("login") }),
    () => ({ method: "POST", path: "/api/admin/logout", headers: {}, kind: "logout" }),
    () => {
      const b = body("import");
      return { method: "POST", path: "/api/admin/import", ...b, headers: { ...b.headers, ...admin } };
    },
    () => {
      const b = body("reindex");
      return { method: "POST", path: "/api/admin/reindex", ...b, headers: { ...b.headers, ...admin } };
    },
    () => {
      const b = body("calibrate");
      return { method: "POST", path: "/api/admin/thresholds/calibrate", ...b, headers: { ...b.headers, ...admin } };
    },
    () => ({ method: "GET", path: `/api/admin/jobs${query(r, ["kind", "limit"])}`, headers: admin, kind: "jobs" }),
    () => ({ method: "GET", path: `/api/admin/jobs/${id}`, headers: admin, kind: "job" }),
    () => ({ method: "GET", path: "/api/admin/models", headers: admin, kind: "models" }),
    () => ({ method: "POST", path: `/api/admin/models/${id}/activate`, headers: admin, kind: "activate" }),
    () => ({ method: "GET", path: "/api/admin/evaluation", headers: admin, kind: "evaluation" }),
    () => ({ method: "GET", path: "/api/admin/stats", headers: admin, kind: "stats" }),
    () => ({ method: "GET", path: `/api/admin/sweep${query(r, ["threshold", "limit", "product", "k"])}`, headers: admin, kind: "sweep" }),
    () => {
      // A method the route does not implement: 405 (OPTIONS: 204 with the Allow list).
      const { pattern, methods: allowed } = pick(r, table);
      const wrong = METHODS.filter((m) => !allowed.includes(m) && !(m === "HEAD" && allowed.includes("GET")));
      const method = pick(r, wrong);
      // Only a caller the route admits hears the method list; anyone else gets that route's 401/403 first.
      const admitted = admin.authorization === `Bearer ${token}`;
      return { method, path: fill(pattern, id), headers: admin, kind: "wrong method", ...(admitted ? { expect: method === "OPTIONS" ? 204 : 405 } : {}) };
    },
    () => {
      // Any route and method it implements, including those with no generator above (accounts, tokens, users,
      // sync, webhooks, reverts): hostile ids and query strings, and bodies that are malformed or random, never
      // a valid one (a valid PATCH of a user could demote the fuzzer's own account).
      const { pattern, methods } = pick(r, table);
      const method = pick(r, methods);
      const path = `${fill(pattern, id)}${pick(r, ["", `?${pick(r, RAW_QUERIES)}`, query(r, ["q", "limit", "offset", "kind", "state", "cursor"])])}`;
      if (method === "GET" || method === "DELETE") return { method, path, headers: admin, kind: "any route" };
      const m = r() < 0.7 ? malformedBody(r) : { body: JSON.stringify(randomObject(r)), headers: JSON_CT, kind: "random object" };
      return { method, path, body: m.body, headers: { ...m.headers, ...admin }, kind: `any route: ${m.kind}` };
    },
    () => ({ method: pick(r, ["GET", "POST", "PUT", "PATCH", "DELETE"]), path: pick(r, UNKNOWN_PATHS), headers: admin, kind: "unknown path", expect: 404 }),
  ];
  const c = pick(r, routes)();
  // Unauthenticated admin requests are refused before anything else.
  const known = table.some((t) => t.re.test(c.path));
  if (known && c.path.startsWith("/api/admin/") && !/login|logout/.test(c.path) && c.headers.authorization !== `Bearer ${token}`) c.expect = 401;
  // Editing a report is for admins too (the other methods of /api/reports/[id] are public).
  const reportPatch = c.method === "PATCH" && /^\/api\/reports\/[^/?]+$/.test(c.path);
  if (reportPatch && c.headers.authorization !== `Bearer ${token}`) c.expect = 401;
  // Verdicts and new reports need a triager account; the fuzzer sends none (an x-bugsift-actor header is no account).
  else if (c.method === "POST" && /^\/api\/(triage|reports)$/.test(c.path) && c.headers.authorization !== `Bearer ${token}`) c.expect = 401;
  // PATCH checks the id before reading the body.
  else if (reportPatch && c.expect === 413 && !/^[1-9]\d{0,8}$/.test(id)) delete c.expect;
  return c;
}

/** What must never be in a body: the token anywhere; stack traces and server paths in error bodies
 * (2xx bodies carry bug reports, which legitimately contain stack traces, and admin views show model dirs). */
export function leaks(status: number, text: string, token: string, dir: string): string | null {
  if (text.includes(token)) return "admin token";
  if (status < 400) return null;
  if (/\n\s+at\s|\bat\s+\S+\s+\(\S+:\d+:\d+\)/.test(text)) return "stack trace";
  if (text.includes(ROOT) || text.includes(dir) || /node_modules|\/tmp\/|\/work\//.test(text)) return "file path";
  return null;
}

/** A case's label in the per-route counts: the method and the route's pattern (the path itself when unknown). */
function routeKey(c: Case, table: Route[]): string {
  return `${c.method} ${table.find((t) => t.re.test(c.path))?.pattern ?? c.path.split("?")[0]}`;
}

export interface FuzzOptions {
  /** The API's routes and their methods: lib/http/access.ts's ACCESS. */
  routes: RouteTable;
  cases: number;
  seed: number;
  /** Requests in flight at once (default 1). */
  concurrency?: number;
  /** Called every `every` cases with the number done so far. */
  onProgress?: (done: number) => void;
  every?: number;
}

export interface FuzzSummary {
  cases: number;
  seed: number;
  seconds: number;
  byStatus: Map<number, number>;
  byRoute: Map<string, number>;
  /** Answers with status >= 500. */
  serverErrors: number;
  /** One line per case that broke a rule (5xx, wrong status, not JSON, HTML, a leak, no answer). */
  failures: string[];
}

/** Checks one answer against the rules; the problems found, empty when it is fine. */
function problemsOf(c: Case, res: Response, text: string, token: string, dir: string): string[] {
  const ct = res.headers.get("content-type") ?? "";
  const problems: string[] = [];
  if (res.status >= 500) problems.push(`status ${res.status}`);
  if (res.status < 200 || (res.status >= 300 && res.status < 400)) problems.push(`unexpected status ${res.status}`);
  if (c.expect !== undefined && res.status !== c.expect) problems.push(`expected ${c.expect}, got ${res.status}`);
  // HEAD answers and 204s (OPTIONS) have no body.
  const bodiless = c.method === "HEAD" || res.status === 204;
  if (bodiless && text !== "") problems.push("body on a HEAD or 204 answer");
  if (!bodiless && !/application\/json/.test(ct)) problems.push(`content-type "${ct}"`);
  let body: { error?: { code?: unknown; message?: unknown } } | null = null;
  try {
    if (!bodiless) body = JSON.parse(text);
  } catch {
    problems.push("body is not JSON");
  }
  if (res.status >= 400 && body && !(typeof body.error?.code === "string" && typeof body.error?.message === "string")) problems.push("error body without {error:{code,message}}");
  if (/<html|<!doctype/i.test(text)) problems.push("HTML body");
  const leak = leaks(res.status, text, token, dir);
  if (leak) problems.push(`leaks ${leak}`);
  return problems;
}

/** Sends `cases` generated requests to the server and checks every answer. */
export async function runFuzz(srv: TestServer, opts: FuzzOptions): Promise<FuzzSummary> {
  const r = mulberry32(opts.seed);
  const table = routesOf(opts.routes);
  // Each case is generated when a worker takes it (huge bodies are not all held at once); the i-th case taken is
  // the i-th generated, so a seed means the same requests whatever the concurrency.
  const summary: FuzzSummary = { cases: opts.cases, seed: opts.seed, seconds: 0, byStatus: new Map(), byRoute: new Map(), serverErrors: 0, failures: [] };
  const t0 = Date.now();
  let next = 0;
  let done = 0;
  const worker = async () => {
    for (let i = next++; i < opts.cases; i = next++) {
      const c = makeCase(r, srv.adminToken, table);
      const key = routeKey(c, table);
      summary.byRoute.set(key, (summary.byRoute.get(key) ?? 0) + 1);
      const label = `#${i} ${c.method} ${c.path.slice(0, 120)} (${c.kind})`;
      try {
        const res = await fetch(new URL(c.path, srv.baseUrl), {
          method: c.method,
          headers: c.headers,
          body: c.body as BodyInit | undefined,
          redirect: "manual",
          signal: AbortSignal.timeout(60_000),
        });
        const text = await res.text();
        summary.byStatus.set(res.status, (summary.byStatus.get(res.status) ?? 0) + 1);
        if (res.status >= 500) summary.serverErrors++;
        const problems = problemsOf(c, res, text, srv.adminToken, srv.dir);
        if (problems.length) summary.failures.push(`${label}: ${problems.join(", ")}: ${text.slice(0, 200)}`);
      } catch (e) {
        const cause = (e as Error & { cause?: { code?: string; message?: string } }).cause;
        summary.failures.push(`${label}: request failed: ${(e as Error).message}${cause ? ` (${cause.code ?? cause.message})` : ""}`);
      }
      done++;
      if (opts.onProgress && done % (opts.every ?? 1000) === 0) opts.onProgress(done);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, opts.concurrency ?? 1) }, worker));
  summary.seconds = (Date.now() - t0) / 1000;
  return summary;
}

/** Status counts as a sorted plain object, for printing. */
export function statusHistogram(s: FuzzSummary): Record<string, number> {
  return Object.fromEntries([...s.byStatus].sort((a, b) => a[0] - b[0]));
}
