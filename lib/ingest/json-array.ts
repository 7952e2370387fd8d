// Streams the elements of a JSON array without parsing the whole document: a tracker
// export can be hundreds of MB, and a syntax error inside one element should reject only
// that element. The scanner tracks strings and bracket depth to find element boundaries,
// then JSON.parse()s each element on its own.
//
// Accepts either a top-level array (key = null; several concatenated arrays, as written by
// `gh api --paginate`, are read one after another) or an object holding the array under
// `key` (Bugzilla's `{ "bugs": [...] }`).
import { textChunks } from "@/lib/ingest/text-input";
import type { TextInput } from "@/lib/ingest/types";

export interface JsonElement {
  /** Line where the element starts (1-based). */
  line: number;
  /** 1-based element number across the input. */
  index: number;
  value?: unknown;
  error?: string;
}

const WS = new Set([" ", "\t", "\n", "\r"]);

export async function* jsonArrayElements(input: TextInput, key: string | null): AsyncGenerator<JsonElement> {
  let line = 1;
  let index = 0;
  // Scanner state shared by all modes.
  let inString = false;
  let escape = false;
  let depth = 0;
  // Mode: "seek" (before the array), "array" (between elements), "element" (inside one), "done".
  let mode: "seek" | "array" | "element" | "done" = "seek";
  let arrayDepth = 0;
  let elem = "";
  let elemLine = 0;
  // Keyed mode: key tracking at depth 1 of the wrapping object.
  let expectKey = false;
  let keyBuf = "";
  let lastKey: string | null = null;
  let afterColon = false;
  let foundArray = false;

  const fail = (msg: string): JsonElement => ({ line, index: index + 1, error: msg });

  for await (const chunk of textChunks(input)) {
    if (mode === "done") break;
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk[i]!;
      if (c === "\n") line++;

      if (mode === "element") {
        elem += c;
        if (inString) {
          if (escape) escape = false;
          else if (c === "\\") escape = true;
          else if (c === '"') inString = false;
          continue;
        }
        if (c === '"') inString = true;
        else if (c === "{" || c === "[") depth++;
        else if (c === "}" || c === "]") {
          if (depth === arrayDepth) {
            // `]` closing the array ends a primitive element (`[1, 2]`).
            yield parseElement(elem.slice(0, -1), elemLine, ++index);
            elem = "";
            mode = key === null ? "seek" : "done";
            depth--;
            if (mode === "done") break;
            continue;
          }
          depth--;
          if (depth === arrayDepth) {
            yield parseElement(elem, elemLine, ++index);
            elem = "";
            mode = "array";
          }
        } else if (c === "," && depth === arrayDepth) {
          yield parseElement(elem.slice(0, -1), elemLine, ++index);
          elem = "";
          mode = "array";
        }
        continue;
      }

      if (mode === "array") {
        if (WS.has(c) || c === ",") continue;
        if (c === "]") {
          depth--;
          mode = key === null ? "seek" : "done";
          if (mode === "done") break;
          continue;
        }
        mode = "element";
        elemLine = line;
        elem = c;
        if (c === '"') inString = true;
        else if (c === "{" || c === "[") {
          depth++;
        }
        continue;
      }

      // mode === "seek"
      if (key === null) {
        if (WS.has(c)) continue;
        if (c === "[") {
          depth = 1;
          arrayDepth = 1;
          foundArray = true;
          mode = "array";
          continue;
        }
        yield fail(`expected a JSON array ("[") but found "${c}" at line ${line}`);
        return;
      }
      // Keyed: walk the wrapping object looking for "<key>": [
      if (inString) {
        if (escape) {
          escape = false;
          if (depth === 1 && expectKey) keyBuf += c;
        } else if (c === "\\") escape = true;
        else if (c === '"') {
          inString = false;
          if (depth === 1 && expectKey) {
            lastKey = keyBuf;
            expectKey = false;
          }
        } else if (depth === 1 && expectKey) keyBuf += c;
        continue;
      }
      if (WS.has(c)) continue;
      if (depth === 0) {
        if (c !== "{") {
          yield fail(`expected a JSON object with a "${key}" array but found "${c}" at line ${line}`);
          return;
        }
        depth = 1;
        expectKey = true;
        continue;
      }
      if (depth === 1 && afterColon) {
        afterColon = false;
        if (lastKey === key) {
          if (c !== "[") {
            yield fail(`"${key}" is not an array (line ${line})`);
            return;
          }
          depth = 2;
          arrayDepth = 2;
          foundArray = true;
          mode = "array";
          continue;
        }
      }
      if (c === '"') {
        inString = true;
        keyBuf = "";
      } else if (c === ":" && depth === 1) afterColon = true;
      else if (c === "," && depth === 1) expectKey = true;
      else if (c === "{" || c === "[") depth++;
      else if (c === "}" || c === "]") depth--;
    }
  }

  if (mode === "element") {
    yield { line: elemLine, index: ++index, error: `record ${index}: input ends inside this record (truncated JSON)` };
  } else if (mode === "array") {
    yield fail(`input ends before the JSON array is closed with "]"`);
  } else if (!foundArray) {
    yield fail(key === null ? "no JSON array found (empty input?)" : `no "${key}" array found in the JSON object`);
  }
}

function parseElement(text: string, line: number, index: number): JsonElement {
  try {
    return { line, index, value: JSON.parse(text) };
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    return { line, index, error: `record ${index}: invalid JSON: ${msg}` };
  }
}
