// Who may call what: the one table mapping every API route and method to the least it needs. The route()
// wrapper looks the request up here before the handler runs, and refuses what has no rule (fail closed).
// tests/integration/access-table.test.ts lists every app/api/**/route.ts and its exported methods from the
// filesystem and fails when one has no rule here, then calls each with every kind of caller.
//
// Adding a route: add its path (as the folder path under app/, with [param] and [...rest] segments) and a
// rule for each method it implements. Rules:
//   public    — anyone, signed in or not (health, sign-in itself)
//   read      — a viewer; also anonymous visitors when BUGSIFT_PUBLIC_READ is on (the default)
//   account   — any signed-in account, whatever its role (its own tokens, sign-out everywhere)
//   triager   — triager or admin (verdicts, filing reports)
//   admin     — admin only (import, sync, re-index, models, thresholds, users)
//   signature — the handler authenticates the caller itself (a webhook's HMAC signature); no account
import type { Role } from "@/lib/accounts/roles";

/** The methods a route implements (HEAD comes with GET, OPTIONS is answered by lib/http/methods.ts). */
export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

export type AccessRule = "public" | "read" | "account" | "triager" | "admin" | "signature";

export const ACCESS: Record<string, Partial<Record<HttpMethod, AccessRule>>> = {
  "/api/[...path]": { GET: "public", POST: "public", PUT: "public", PATCH: "public", DELETE: "public" },
  "/api/health": { GET: "public" },

  "/api/search": { GET: "read" },
  "/api/duplicates": { POST: "read" },
  "/api/facets": { GET: "read" },
  "/api/reports": { GET: "read", POST: "triager" },
  "/api/reports/[id]": { GET: "read", PATCH: "admin", DELETE: "admin" },
  "/api/reports/[id]/similar": { GET: "read" },
  "/api/reports/[id]/decisions": { GET: "read" },
  "/api/triage": { POST: "triager" },
  "/api/triage/[id]/revert": { POST: "triager" },

  "/api/auth/me": { GET: "public" },
  "/api/auth/login": { POST: "public" },
  "/api/auth/logout": { POST: "public" },
  "/api/auth/logout-all": { POST: "account" },
  "/api/auth/[provider]/start": { GET: "public" },
  "/api/auth/[provider]/callback": { GET: "public" },
  "/api/account/tokens": { GET: "account", POST: "account" },
  "/api/account/tokens/[id]": { DELETE: "account" },
  "/api/account/password": { POST: "account" },

  "/api/admin/login": { POST: "public" },
  "/api/admin/logout": { POST: "public" },
  "/api/admin/import": { POST: "admin" },
  "/api/admin/reindex": { POST: "admin" },
  "/api/admin/jobs": { GET: "admin" },
  "/api/admin/jobs/[id]": { GET: "admin" },
  "/api/admin/models": { GET: "admin" },
  "/api/admin/models/[id]/activate": { POST: "admin" },
  "/api/admin/evaluation": { GET: "admin" },
  "/api/admin/stats": { GET: "admin" },
  "/api/admin/sweep": { GET: "admin" },
  "/api/admin/thresholds/calibrate": { POST: "admin" },
  "/api/admin/users": { GET: "admin", POST: "admin" },
  "/api/admin/users/[id]": { PATCH: "admin" },
  "/api/admin/audit": { GET: "admin" },
  "/api/admin/sync": { GET: "admin" },
  "/api/admin/sync/[source]": { GET: "admin", POST: "admin" },
  "/api/admin/sync/[source]/settings": { PUT: "admin" },

  // Tracker webhooks prove themselves by their signature or shared secret (lib/bot), not by an account.
  "/api/webhooks/github": { POST: "signature" },
  "/api/webhooks/jira": { POST: "signature" },
  "/api/webhooks/bugzilla": { POST: "signature" },
};

/** The least role a rule needs from a signed-in caller; null = no account needed. */
export function neededRole(rule: AccessRule, publicRead: boolean): Role | null {
  switch (rule) {
    case "public":
    case "signature":
      return null;
    case "read":
      return publicRead ? null : "viewer";
    case "account":
      return "viewer";
    case "triager":
      return "triager";
    case "admin":
      return "admin";
  }
}

type Segment = { kind: "static"; text: string } | { kind: "param" } | { kind: "rest" };

function parsePattern(pattern: string): Segment[] {
  return pattern
    .split("/")
    .filter(Boolean)
    .map((s) => (s.startsWith("[...") ? { kind: "rest" } : s.startsWith("[") ? { kind: "param" } : { kind: "static", text: s }));
}

const PATTERNS = Object.keys(ACCESS).map((p) => ({ pattern: p, segments: parsePattern(p) }));

/** Match rank like Next.js's router: more static segments first, catch-alls last; null = no match. */
function matchRank(segments: Segment[], parts: string[]): number | null {
  let statics = 0;
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i]!;
    if (seg.kind === "rest") return parts.length > i ? statics : null;
    const part = parts[i];
    if (part === undefined) return null;
    if (seg.kind === "static") {
      if (seg.text !== part) return null;
      statics += 2;
    }
  }
  return parts.length === segments.length ? statics + 1 : null;
}

/** The table's pattern for a request path (as Next.js would route it), or null. */
export function routePattern(pathname: string): string | null {
  const parts = pathname.split("/").filter(Boolean);
  let best: { pattern: string; rank: number } | null = null;
  for (const p of PATTERNS) {
    const rank = matchRank(p.segments, parts);
    if (rank !== null && (!best || rank > best.rank)) best = { pattern: p.pattern, rank };
  }
  return best?.pattern ?? null;
}

/** The rule for a method on a path; HEAD follows GET. Null = no rule (the request is refused). */
export function accessRule(method: string, pathname: string): AccessRule | null {
  const pattern = routePattern(pathname);
  if (!pattern) return null;
  const m = (method === "HEAD" ? "GET" : method) as HttpMethod;
  return ACCESS[pattern]?.[m] ?? null;
}

const RULE_TEXT: Record<AccessRule, string> = {
  public: "anyone",
  read: "viewer (anyone when BUGSIFT_PUBLIC_READ)",
  account: "any account",
  triager: "triager",
  admin: "admin",
  signature: "webhook signature",
};

/** The table as Markdown, for docs/auth.md (`npx tsx scripts/access-table.ts`; a test keeps the two in sync). */
export function accessTableMarkdown(): string {
  const lines = ["| route | method | who may call it |", "| --- | --- | --- |"];
  for (const [pattern, methods] of Object.entries(ACCESS)) {
    for (const [method, rule] of Object.entries(methods)) lines.push(`| \`${pattern}\` | ${method} | ${RULE_TEXT[rule]} |`);
  }
  return lines.join("\n");
}
