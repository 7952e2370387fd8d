// Rate limits of the HTTP edge. TokenBucketLimiter: a token bucket per client key (IP). Each bucket holds up
// to `burst` tokens and refills at perMinute/60 tokens per second; a request takes one token or is refused
// with the wait until the next token. Buckets live in a bounded Map (oldest evicted) so spoofed keys cannot
// grow memory. RequestLimits: the server's limiters (public API per IP, password sign-in per account and per
// IP), built from the configuration, refusing with a 429 ApiError.
import { config, type AppConfig } from "@/lib/config";
import { ApiError } from "@/lib/http/errors";

export interface RateLimitResult {
  ok: boolean;
  /** Seconds until a token is available (when !ok). */
  retryAfterSec: number;
  remaining: number;
}

export class TokenBucketLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private readonly perMs: number;
  constructor(
    readonly perMinute: number,
    readonly burst: number,
    private readonly maxKeys = 10_000,
  ) {
    if (!(perMinute > 0) || !(burst >= 1)) throw new Error(`rate limiter: perMinute must be > 0 and burst >= 1 (got ${perMinute}, ${burst})`);
    this.perMs = perMinute / 60_000;
  }

  take(key: string, now = Date.now()): RateLimitResult {
    let b = this.buckets.get(key);
    if (b) {
      this.buckets.delete(key); // re-insert below: Map order becomes least-recently-used first
      b.tokens = Math.min(this.burst, b.tokens + (now - b.at) * this.perMs);
      b.at = now;
    } else {
      b = { tokens: this.burst, at: now };
      if (this.buckets.size >= this.maxKeys) {
        const oldest = this.buckets.keys().next().value;
        if (oldest !== undefined) this.buckets.delete(oldest);
      }
    }
    this.buckets.set(key, b);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return { ok: true, retryAfterSec: 0, remaining: Math.floor(b.tokens) };
    }
    return { ok: false, retryAfterSec: Math.max(1, Math.ceil((1 - b.tokens) / this.perMs / 1000)), remaining: 0 };
  }

  get size(): number {
    return this.buckets.size;
  }
}

/**
 * Client key for limiting. Next's server fills x-forwarded-for with the socket address when the client
 * sent none; with TRUST_PROXY the rightmost entry is the one the (single, trusted) proxy appended.
 * Without a proxy a client can still send its own header, so the limit is best-effort against abuse.
 */
export function clientKey(headers: { get(name: string): string | null }, trustProxy: boolean): string {
  const xff = headers.get("x-forwarded-for");
  if (xff) {
    const parts = xff.split(",").map((s) => s.trim()).filter(Boolean);
    const pick = trustProxy ? parts[parts.length - 1] : parts[0];
    if (pick) return pick.slice(0, 64);
  }
  return headers.get("x-real-ip")?.slice(0, 64) ?? "unknown";
}

type Headers = { get(name: string): string | null };

function tooMany(what: string, r: RateLimitResult): ApiError {
  return new ApiError(429, "rate_limited", `${what}; retry in ${r.retryAfterSec}s`, { retryAfterSec: r.retryAfterSec }, { "retry-after": String(r.retryAfterSec) });
}

/** The limits a server enforces, with the limiters they count in. */
export class RequestLimits {
  constructor(
    /** Public API requests per client IP; null when RATE_LIMIT_PER_MIN is 0. */
    private readonly api: TokenBucketLimiter | null,
    private readonly loginByAccount: TokenBucketLimiter,
    private readonly loginByIp: TokenBucketLimiter,
    private readonly trustProxy: boolean,
  ) {}

  /**
   * RATE_LIMIT_PER_MIN/RATE_LIMIT_BURST for the public API; password sign-in attempts: LOGIN_ATTEMPTS_PER_MIN
   * per account name, ten times that per client IP, so guessing one account's password and spraying many
   * accounts from one address are both bounded.
   */
  static fromConfig(
    cfg: Pick<AppConfig, "rateLimitPerMin" | "rateLimitBurst" | "trustProxy"> & { auth: Pick<AppConfig["auth"], "loginAttemptsPerMin"> },
  ): RequestLimits {
    const perMin = cfg.auth.loginAttemptsPerMin;
    return new RequestLimits(
      cfg.rateLimitPerMin > 0 ? new TokenBucketLimiter(cfg.rateLimitPerMin, cfg.rateLimitBurst) : null,
      new TokenBucketLimiter(perMin, perMin),
      new TokenBucketLimiter(perMin * 10, perMin * 10),
      cfg.trustProxy,
    );
  }

  /** Counts one public API request from the caller; 429 once its bucket is empty. */
  checkRequest(headers: Headers): void {
    if (!this.api) return;
    const r = this.api.take(clientKey(headers, this.trustProxy));
    if (!r.ok) throw tooMany("too many requests", r);
  }

  /** Counts one password attempt for `login` (case-insensitive) from the caller; 429 when either limit is spent. */
  checkLogin(headers: Headers, login: string): void {
    const byAccount = this.loginByAccount.take(login.toLowerCase());
    const byIp = this.loginByIp.take(clientKey(headers, this.trustProxy));
    const refused = !byAccount.ok ? byAccount : !byIp.ok ? byIp : null;
    if (refused) throw tooMany("too many sign-in attempts", refused);
  }
}

// One RequestLimits per server process. Next.js bundles each route separately and may evaluate this module
// once per bundle (and again on dev reloads); a module-level instance would give every route its own buckets,
// so the one instance is kept on globalThis, the same way serverCore() keeps the Core.
const g = globalThis as unknown as { __bugsiftRequestLimits?: RequestLimits };

/** The running server's limits, built from config() on first use. */
export function serverRequestLimits(): RequestLimits {
  g.__bugsiftRequestLimits ??= RequestLimits.fromConfig(config());
  return g.__bugsiftRequestLimits;
}
