// JSON calls against a test server, shared by the API test files.
import assert from "node:assert/strict";
import type { JobResponse } from "@/lib/http/schemas";
import type { TestServer } from "@/lib/offline/app-server";

export type Res<T> = { status: number; body: T; res: Response };

/** fetch with an optional `json` body; the answer parsed as JSON (null when empty). */
export async function call<T = any>(s: TestServer, p: string, init: RequestInit & { json?: unknown } = {}): Promise<Res<T>> {
  const headers = new Headers(init.headers);
  let body = init.body;
  if (init.json !== undefined) {
    headers.set("content-type", "application/json");
    body = JSON.stringify(init.json);
  }
  const res = await s.api(p, { ...init, headers, body });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as T, res };
}

export const bearer = (s: TestServer) => ({ authorization: `Bearer ${s.adminToken}` });

/** fetch as the bootstrap admin with a JSON content type; the raw Response. */
export const asAdmin = (s: TestServer, p: string, init: RequestInit = {}): Promise<Response> =>
  s.api(p, { ...init, headers: { ...bearer(s), "content-type": "application/json", ...init.headers } });

/** Polls a job until it succeeds or fails. */
export async function waitJob(s: TestServer, id: string, timeoutMs = 120_000): Promise<JobResponse["job"]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = await call<JobResponse>(s, `/api/admin/jobs/${id}`, { headers: bearer(s) });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    if (r.body.job.state === "succeeded" || r.body.job.state === "failed") return r.body.job;
    if (Date.now() > deadline) throw new Error(`job ${id} still ${r.body.job.state} after ${timeoutMs} ms`);
    await new Promise((res) => setTimeout(res, 200));
  }
}
