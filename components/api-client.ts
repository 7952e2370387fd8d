// Browser-side JSON calls to the bugsift API. Errors carry the API's message and code so the UI
// can show "title: title is required" instead of a bare status.
import type { ApiErrorBody } from "@/lib/http/schemas";

export class ApiClientError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "ApiClientError";
  }
}

export async function apiFetch<T>(path: string, init: RequestInit & { json?: unknown } = {}): Promise<T> {
  const { json, headers, ...rest } = init;
  const res = await fetch(path, {
    ...rest,
    headers: {
      accept: "application/json",
      ...(json !== undefined ? { "content-type": "application/json" } : {}),
      ...headers,
    },
    body: json !== undefined ? JSON.stringify(json) : rest.body,
    credentials: "same-origin",
  });
  const text = await res.text();
  let body: unknown = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    // Non-JSON (proxy error page etc.): fall through to a generic message.
  }
  if (!res.ok) {
    const err = (body as ApiErrorBody | null)?.error;
    const retry = res.headers.get("retry-after");
    const msg =
      err?.message ??
      (res.status === 429 ? "Too many requests" : `Request failed (${res.status} ${res.statusText})`);
    throw new ApiClientError(res.status, err?.code ?? "http_error", retry ? `${msg} (retry in ${retry}s)` : msg);
  }
  return body as T;
}

export function isAbort(e: unknown): boolean {
  return e instanceof DOMException && e.name === "AbortError";
}
