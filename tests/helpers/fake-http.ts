// Shared plumbing of the fake tracker servers (fake-github.ts, fake-bugzilla.ts, fake-jira.ts): a node:http
// server on loopback, JSON bodies, a log of the requests received, and injectable faults (an answer to
// serve instead of the real one, a delay before answering) so tests can play rate limits and slow pages.
// FakeTracker is the base each fake extends: lifecycle, request log and clock live here, so a fake file
// holds only its tracker's records and wire format.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { readFileSync } from "node:fs";
import path from "node:path";

export interface LoggedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage["headers"];
  body: unknown;
}

export interface Fault {
  /** Which requests it hits (method + pathname). */
  match: (method: string, pathname: string) => boolean;
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
  /** How many matching requests get the fault (default 1). */
  times?: number;
}

export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export type Handle = (req: LoggedRequest, baseUrl: string) => Reply | Promise<Reply>;

export class FakeServer {
  readonly requests: LoggedRequest[] = [];
  private faults: Fault[] = [];
  /** Milliseconds to wait before answering a matching request (slow pages for kill tests). */
  delay: { match: (method: string, pathname: string) => boolean; ms: number } | null = null;
  baseUrl = "";
  private server: Server | null = null;

  constructor(private readonly handle: Handle) {}

  fault(f: Fault): void {
    this.faults.push({ times: 1, ...f });
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.serve(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    this.baseUrl = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.baseUrl;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString("utf8");
    const url = new URL(req.url ?? "/", this.baseUrl);
    let body: unknown = undefined;
    if (raw) {
      try {
        body = JSON.parse(raw);
      } catch {
        body = raw;
      }
    }
    const logged: LoggedRequest = { method: req.method ?? "GET", path: url.pathname, query: url.searchParams, headers: req.headers, body };
    this.requests.push(logged);
    try {
      if (this.delay?.match(logged.method, logged.path)) await new Promise((r) => setTimeout(r, this.delay!.ms));
      const f = this.faults.find((x) => (x.times ?? 0) > 0 && x.match(logged.method, logged.path));
      let reply: Reply;
      if (f) {
        f.times = (f.times ?? 1) - 1;
        reply = { status: f.status, headers: f.headers, body: f.body };
      } else {
        reply = await this.handle(logged, this.baseUrl);
      }
      res.writeHead(reply.status, { "content-type": "application/json; charset=utf-8", ...reply.headers });
      res.end(reply.body === undefined ? "" : JSON.stringify(reply.body));
    } catch (err) {
      res.writeHead(500, { "content-type": "application/json" });
      res.end(JSON.stringify({ message: (err as Error).message }));
    }
  }
}

/**
 * The base of a tracker fake: its loopback server and a clock that only moves forward, so "updated since"
 * queries and ordering by update time are unambiguous. A subclass supplies the wire format (`handle`) and
 * how the tracker writes a timestamp (`formatTime`).
 */
export abstract class FakeTracker {
  readonly server: FakeServer;
  private clock: number;

  constructor(
    clockStart: string,
    private readonly clockStepMs: number,
  ) {
    this.clock = Date.parse(clockStart);
    this.server = new FakeServer((req, baseUrl) => this.handle(req, baseUrl));
  }

  /** Every request the fake received, oldest first. */
  get requests(): LoggedRequest[] {
    return this.server.requests;
  }

  start(): Promise<string> {
    return this.server.start();
  }

  stop(): Promise<void> {
    return this.server.stop();
  }

  /** A strictly increasing timestamp, in the tracker's format. */
  tick(): string {
    this.clock += this.clockStepMs;
    return this.formatTime(this.clock);
  }

  /** Applies `patch` to the record under `key` and stamps its `stamp` field with a new tick, as an edit on the tracker does. */
  protected edit<K, T>(records: Map<K, T>, key: K, patch: Partial<T>, stamp: keyof T): T {
    const current = records.get(key);
    if (current === undefined) throw new Error(`fake tracker: no record ${String(key)} to update`);
    const next = { ...current, ...patch, [stamp]: this.tick() };
    records.set(key, next);
    return next;
  }

  protected abstract formatTime(ms: number): string;
  protected abstract handle(req: LoggedRequest, baseUrl: string): Reply | Promise<Reply>;
}

/** ISO 8601 to the second, as GitHub and Bugzilla write times ("2024-01-01T00:01:00Z"). */
export function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}

export interface DemoReport {
  externalId: string;
  title: string;
  description: string;
  product?: string;
  component?: string;
  createdAt: string;
}

/** The demo corpus (data/demo/reports.jsonl), for fakes whose reports should read like real bug reports. */
export function demoReports(): DemoReport[] {
  const file = path.resolve(import.meta.dirname, "../../data/demo/reports.jsonl");
  return readFileSync(file, "utf8")
    .split("\n")
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as DemoReport);
}

/** `n` report texts: the demo corpus, then numbered variants of it when n is larger. */
export function reportTexts(n: number): { title: string; body: string; component?: string }[] {
  const demo = demoReports();
  return Array.from({ length: n }, (_, i) => {
    const d = demo[i % demo.length]!;
    const round = Math.floor(i / demo.length);
    return { title: round ? `${d.title} (variant ${round + 1})` : d.title, body: d.description, component: d.component };
  });
}
