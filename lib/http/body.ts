// Request bodies are read with a byte cap BEFORE parsing: a declared Content-Length over the cap is
// refused at once, and a chunked/lying body is cut off as soon as the running total passes it.
import { ApiError, badRequest } from "@/lib/http/errors";

export function tooLarge(limit: number): ApiError {
  return new ApiError(413, "payload_too_large", `request body exceeds ${limit} bytes`, { limit });
}

// Answering 413 while the client is still sending makes many clients (fetch/undici among them) see a reset
// connection instead of the 413, so a moderately oversized body is read to its end and dropped first; only
// past this bound is the stream cut off.
const DRAIN_LIMIT = 16 * 1024 * 1024;

async function discardRest(reader: ReadableStreamDefaultReader<Uint8Array>, seen: number): Promise<void> {
  let total = seen;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      total += value.byteLength;
      if (total > DRAIN_LIMIT) break;
    }
  } catch {
    return;
  }
  await reader.cancel().catch(() => {});
}

/** The raw body bytes, at most `limit` of them (else 413). */
export async function readBodyBytes(req: Request, limit: number): Promise<Uint8Array> {
  const declared = req.headers.get("content-length");
  if (declared !== null && /^\d+$/.test(declared) && Number(declared) > limit) {
    if (req.body && Number(declared) <= DRAIN_LIMIT) await discardRest(req.body.getReader(), 0);
    throw tooLarge(limit);
  }
  if (!req.body) return new Uint8Array(0);
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      await discardRest(reader, total);
      throw tooLarge(limit);
    }
    chunks.push(value);
  }
  const out = new Uint8Array(total);
  let off = 0;
  for (const c of chunks) {
    out.set(c, off);
    off += c.byteLength;
  }
  return out;
}

function mediaType(req: Request): string {
  return (req.headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
}

export function isJson(req: Request): boolean {
  const t = mediaType(req);
  return t === "application/json" || t.endsWith("+json");
}

export function isMultipart(req: Request): boolean {
  return mediaType(req) === "multipart/form-data";
}

/**
 * Parsed JSON body. An empty body yields `undefined` when `optional`, else 400. A non-JSON content type
 * is 415 (a form post cannot smuggle a JSON body past CORS-safelisted types).
 */
export async function readJson(req: Request, limit: number, optional = false): Promise<unknown> {
  const bytes = await readBodyBytes(req, limit);
  if (bytes.byteLength === 0) {
    if (optional) return undefined;
    throw badRequest("request body is empty (expected JSON)");
  }
  if (!isJson(req)) {
    throw new ApiError(415, "unsupported_media_type", "expected Content-Type: application/json");
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw badRequest("request body is not valid UTF-8");
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw badRequest(`request body is not valid JSON (${(e as Error).message.slice(0, 120)})`);
  }
}

/** multipart/form-data parsed from capped bytes (undici's parser, via a synthetic Response). */
export async function readMultipart(req: Request, limit: number): Promise<FormData> {
  const bytes = await readBodyBytes(req, limit);
  try {
    return await new Response(bytes as Uint8Array<ArrayBuffer>, { headers: { "content-type": req.headers.get("content-type") ?? "" } }).formData();
  } catch (e) {
    throw badRequest(`malformed multipart body (${(e as Error).message.slice(0, 120)})`);
  }
}

/** URLSearchParams -> plain object (first value per key) for zod parsing. */
export function queryObject(req: Request): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of new URL(req.url).searchParams) if (!(k in out)) out[k] = v;
  return out;
}
