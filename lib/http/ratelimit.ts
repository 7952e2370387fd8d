// A token bucket per client key (IP). Each bucket holds up to `burst` tokens and refills at
// perMinute/60 tokens per second; a request takes one token or is refused with the wait until the
// next token. Buckets live in a bounded Map (oldest evicted) so spoofed keys cannot grow memory.
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
