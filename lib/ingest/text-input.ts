// Normalises the accepted inputs (string, byte/string chunk streams) into string chunks,
// decoding UTF-8 across chunk boundaries and dropping a leading byte-order mark.
import type { TextInput } from "@/lib/ingest/types";

export async function* textChunks(input: TextInput): AsyncGenerator<string> {
  if (typeof input === "string") {
    yield stripBom(input);
    return;
  }
  const decoder = new TextDecoder("utf-8");
  let first = true;
  for await (const chunk of input as AsyncIterable<string | Uint8Array>) {
    let text = typeof chunk === "string" ? chunk : decoder.decode(chunk, { stream: true });
    if (first && text.length > 0) {
      text = stripBom(text);
      first = false;
    }
    if (text) yield text;
  }
  const tail = decoder.decode();
  if (tail) yield tail;
}

function stripBom(s: string): string {
  return s.charCodeAt(0) === 0xfeff ? s.slice(1) : s;
}

/** Physical lines with 1-based numbers; accepts \n and \r\n endings. */
export async function* lines(input: TextInput): AsyncGenerator<{ line: number; text: string }> {
  let buf = "";
  let line = 0;
  for await (const chunk of textChunks(input)) {
    buf += chunk;
    let start = 0;
    let nl: number;
    // Walk an index instead of re-slicing the buffer per line (keeps long chunks linear).
    while ((nl = buf.indexOf("\n", start)) >= 0) {
      const text = buf.slice(start, nl);
      start = nl + 1;
      yield { line: ++line, text: text.endsWith("\r") ? text.slice(0, -1) : text };
    }
    buf = buf.slice(start);
  }
  if (buf.length > 0) yield { line: ++line, text: buf.endsWith("\r") ? buf.slice(0, -1) : buf };
}

