// The HTTP client every tracker connector and the bot share: JSON in and out over Node's fetch, with the
// trackers' rate-limit rules honoured in one place.
//
// - HTTP 429 and 503: wait `Retry-After` (seconds or an HTTP date), else back off exponentially (1 s, 2 s, 4 s ...).
// - GitHub's primary limit: a 403/429 with `x-ratelimit-remaining: 0` waits until `x-ratelimit-reset` (epoch
//   seconds); a success that spends the last request waits before the next one
//   (docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api).
// - Network errors are retried like a 503.
// A wait longer than `maxWaitMs`, or more than `maxRetries` retries, fails the request with a SyncHttpError;
// the sync then stops with its cursor at the last committed page and a later run resumes there.
//
// Credentials travel only in headers; error messages name the method, path and status, never a header.

export interface TrackerHttpOptions {
  /** Root the request paths are relative to, e.g. "https://api.github.com". */
  baseUrl: string;
  /** Sent with every request (auth, Accept, API version). */
  headers: Record<string, string>;
  /** Tracker name for messages ("GitHub"). */
  name: string;
  maxRetries: number;
  maxWaitMs: number;
  /** Called before each wait, for progress output. */
  onWait?: (ms: number, reason: string) => void;
  /** Injectable for tests of the wait arithmetic; default setTimeout. */
  sleep?: (ms: number) => Promise<void>;
}

export interface TrackerResponse<T> {
  status: number;
  headers: Headers;
  data: T;
}

/** A tracker answered with an error, or could not be reached within the retry budget. */
export class SyncHttpError extends Error {
  constructor(
    message: string,
    readonly status: number | null,
  ) {
    super(message);
    this.name = "SyncHttpError";
  }
}

const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Milliseconds from a Retry-After value (delta-seconds or HTTP-date), or null. */
export function retryAfterMs(value: string | null, now = Date.now()): number | null {
  if (!value) return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

/** GitHub's primary rate limit: ms until x-ratelimit-reset when no request is left, else null. */
export function rateLimitResetMs(headers: Headers, now = Date.now()): number | null {
  if (headers.get("x-ratelimit-remaining") !== "0") return null;
  const reset = Number(headers.get("x-ratelimit-reset"));
  if (!Number.isFinite(reset) || reset <= 0) return null;
  return Math.max(0, reset * 1000 - now) + 1000;
}

export class TrackerHttp {
  private readonly sleep: (ms: number) => Promise<void>;
  /** Set when the last response spent the rate limit: the next request waits until then. */
  private blockedUntil = 0;

  constructor(private readonly opts: TrackerHttpOptions) {
    this.sleep = opts.sleep ?? defaultSleep;
  }

  url(pathOrUrl: string, query?: Record<string, string | number | undefined | string[]>): URL {
    const u = /^https?:\/\//.test(pathOrUrl) ? new URL(pathOrUrl) : new URL(this.opts.baseUrl.replace(/\/$/, "") + pathOrUrl);
    for (const [k, v] of Object.entries(query ?? {})) {
      if (v === undefined) continue;
      for (const one of Array.isArray(v) ? v : [v]) u.searchParams.append(k, String(one));
    }
    return u;
  }

  async get<T>(pathOrUrl: string, query?: Record<string, string | number | undefined | string[]>): Promise<TrackerResponse<T>> {
    return this.request<T>("GET", this.url(pathOrUrl, query));
  }

  async send<T>(method: "POST" | "PATCH" | "PUT", path: string, body: unknown): Promise<TrackerResponse<T>> {
    return this.request<T>(method, this.url(path), body);
  }

  private async wait(ms: number, reason: string, what: string): Promise<void> {
    if (ms > this.opts.maxWaitMs) {
      throw new SyncHttpError(`${what}: ${reason}; waiting ${Math.ceil(ms / 1000)} s exceeds SYNC_MAX_WAIT_MS, try again later`, 429);
    }
    this.opts.onWait?.(ms, reason);
    await this.sleep(ms);
  }

  private async request<T>(method: string, url: URL, body?: unknown): Promise<TrackerResponse<T>> {
    // The path only (no query: a tracker might be configured with a token in the URL by mistake).
    const what = `${this.opts.name} ${method} ${url.pathname}`;
    for (let attempt = 0; ; attempt++) {
      const blocked = this.blockedUntil - Date.now();
      if (blocked > 0) await this.wait(blocked, "rate limit spent, waiting for x-ratelimit-reset", what);
      let res: Response;
      try {
        res = await fetch(url, {
          method,
          headers: { accept: "application/json", ...this.opts.headers, ...(body !== undefined ? { "content-type": "application/json" } : {}) },
          body: body !== undefined ? JSON.stringify(body) : undefined,
          redirect: "follow",
        });
      } catch (err) {
        if (attempt >= this.opts.maxRetries) {
          throw new SyncHttpError(`${what}: cannot reach ${url.origin} (${(err as Error).message})`, null);
        }
        await this.wait(backoffMs(attempt), `network error (${(err as Error).message})`, what);
        continue;
      }
      const reset = rateLimitResetMs(res.headers);
      if (res.ok) {
        if (reset !== null) this.blockedUntil = Date.now() + reset;
        const text = await res.text();
        let data: T;
        try {
          data = (text === "" ? null : JSON.parse(text)) as T;
        } catch {
          throw new SyncHttpError(`${what}: answered ${res.status} with a body that is not JSON`, res.status);
        }
        return { status: res.status, headers: res.headers, data };
      }
      const limited = res.status === 429 || res.status === 503 || (res.status === 403 && reset !== null);
      const detail = await errorDetail(res);
      if (!limited || attempt >= this.opts.maxRetries) {
        throw new SyncHttpError(`${what}: HTTP ${res.status}${detail ? ` (${detail})` : ""}${hint(res.status)}`, res.status);
      }
      const ms = retryAfterMs(res.headers.get("retry-after")) ?? reset ?? backoffMs(attempt);
      await this.wait(ms, `HTTP ${res.status}, retry ${attempt + 1}/${this.opts.maxRetries}`, what);
    }
  }
}

function backoffMs(attempt: number): number {
  return Math.min(60_000, 1000 * 2 ** attempt);
}

function hint(status: number): string {
  if (status === 401) return ": the credentials were refused (check the token variable in docs/sync.md)";
  if (status === 403) return ": the credentials lack a scope this call needs (docs/sync.md)";
  if (status === 404) return ": not found (check the repository/project/URL settings)";
  return "";
}

/** The tracker's own error message, shortened (never echoes request headers). */
async function errorDetail(res: Response): Promise<string> {
  const text = await res.text().catch(() => "");
  try {
    const j = JSON.parse(text) as { message?: unknown; errorMessages?: unknown; error?: unknown };
    const m = j.message ?? (Array.isArray(j.errorMessages) ? j.errorMessages.join("; ") : undefined) ?? j.error;
    if (typeof m === "string") return m.slice(0, 200);
  } catch {
    // Not JSON: fall through to the status line.
  }
  return res.statusText.slice(0, 100);
}
