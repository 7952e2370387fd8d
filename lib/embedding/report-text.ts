// Turns a bug report into the text we embed. Field-aware: the title carries the most signal (so it leads and is
// repeated), product/component give context, issue-template boilerplate is noise, and stack traces are pulled
// out, normalised (no addresses, line numbers, ids, temp paths, timestamps) and summarised by their top frames.

export interface ReportFields {
  title: string;
  description?: string | null;
  product?: string | null;
  component?: string | null;
  version?: string | null;
  platform?: string | null;
}

export interface ReportTextOptions {
  /** Put the title twice (start, and again before the body). Default true. */
  repeatTitle?: boolean;
  /** Normalised top frames of the first trace to append to the text. Default 5 (0 = none). */
  traceFramesInText?: number;
  /** Body is cut to this many characters (after cleaning). Default 20000. */
  maxBodyChars?: number;
}

export interface ReportText {
  /** Text to embed. */
  text: string;
  /** All detected stack traces, normalised, newline separated ("" when none). */
  traceText: string;
  /** Normalised frame signatures (e.g. "org.apache.hadoop.hdfs.DFSClient.create"), in order, all traces. */
  frames: string[];
}

// --- boilerplate -------------------------------------------------------------------------------------------

const TEMPLATE_HEADINGS = [
  "steps to reproduce",
  "steps to reproduce the problem",
  "to reproduce",
  "how to reproduce",
  "reproduction steps",
  "expected results?",
  "expected behaviou?r",
  "actual results?",
  "actual behaviou?r",
  "describe the bug",
  "bug description",
  "description",
  "summary",
  "additional (context|information|info)",
  "environment",
  "screenshots?",
  "logs?",
  "stack ?trace",
  "version",
  "reproducible",
  "user agent",
  "build id",
  "os",
  "platform",
  "what happened\\??",
  "what did you expect to happen\\??",
  "which version.*",
  "checklist",
  "possible solution",
  "motivation",
  "context",
];
// A heading line: optional markdown/wiki heading markers or bold, the label, optional colon, nothing else
// (or, for "Label: value" header fields like "Reproducible: Always", the label is dropped and the value kept).
const HEADING_RE = new RegExp(
  String.raw`^\s*(?:#{1,6}\s*|h[1-6]\.\s*|\*\*|\*|__)?\s*(?:${TEMPLATE_HEADINGS.join("|")})\s*(?:\*\*|\*|__)?\s*:?\s*(?:\*\*|__)?\s*`,
  "i",
);
const CHECKBOX_RE = /^\s*(?:[-*+]|\d+\.)?\s*\[[ xX]\]\s.*$/;
const WIKI_MARKUP_RE = /\{(?:code|noformat|quote|panel|color)(?::[^}]*)?\}/gi;

export function stripBoilerplate(s: string): string {
  s = s.replace(/<!--[\s\S]*?(?:-->|$)/g, " ").replace(WIKI_MARKUP_RE, " ").replace(/```[\w-]*/g, " ");
  const out: string[] = [];
  for (const line of s.split(/\r?\n/)) {
    if (CHECKBOX_RE.test(line)) continue;
    const m = HEADING_RE.exec(line);
    // Only treat as heading when the label is a whole "word" (not the start of a sentence like "Description of x").
    const rest = m ? line.slice(m[0].length) : line;
    if (m && (rest.trim() === "" || /[:#*]\s*$/.test(m[0]) || /^\s*#/.test(line))) {
      if (rest.trim()) out.push(rest);
      continue;
    }
    out.push(line);
  }
  return out.join("\n");
}

// --- volatile token normalisation ----------------------------------------------------------------------------

const TMP_PATH_RE =
  /(?<![\w./])(?:\/tmp|\/var\/tmp|\/var\/folders|\/private\/var\/folders|[A-Za-z]:\\Users\\[^\\\s]+\\AppData\\Local\\Temp)(?![\w.-])(?:[\\/][^\s:'")\]]*)?/g;

// Temp dirs differ per run; a file name at the end ("<tmp>/run.py") is still informative.
function replaceTmpPath(m: string): string {
  const base = m.split(/[\\/]/).pop() ?? "";
  return /^[\w.-]+\.[A-Za-z]\w{0,5}$/.test(base) ? `<tmp>/${base}` : "<tmp>";
}

const VOLATILE: [RegExp, string | ((m: string) => string)][] = [
  [/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, "<uuid>"],
  // ISO-ish timestamps (2013-05-01 12:34:56,789 / 2013-05-01T12:34:56.789Z / 2013/05/01 12:34:56)
  [/\b\d{4}[-/]\d{2}[-/]\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2})?(?:[.,]\d+)?(?:Z|[+-]\d{2}:?\d{2})?)?\b/g, "<ts>"],
  [/\b\d{2}:\d{2}:\d{2}(?:[.,]\d+)?\b/g, "<ts>"],
  [/\b0x[0-9a-f]+\b/gi, "<addr>"],
  [TMP_PATH_RE, replaceTmpPath],
  [/\b\d{1,3}(?:\.\d{1,3}){3}(?::\d{2,5})?\b/g, "<ip>"],
  // long hex ids (git shas, object ids): at least one letter and one digit, 12+ chars
  [/\b(?=[0-9a-f]*[a-f])(?=[0-9a-f]*\d)[0-9a-f]{12,}\b/gi, "<hex>"],
  // long digit runs inside ids (blk_1073741825_1001, job_1369837389015_0001, @1a2b3c hash codes)
  [/\d{6,}/g, "<n>"],
  [/@[0-9a-f]{6,8}\b/gi, "@<hash>"],
];

export function normalizeVolatile(s: string): string {
  for (const [re, rep] of VOLATILE) s = s.replace(re, rep as string);
  return s;
}

// --- stack traces --------------------------------------------------------------------------------------------

type FrameKind = "java" | "python" | "js" | "native";

const JAVA_FRAME = /^\s*at\s+([\w$.<>/-]+)\(([^)]*)\)\s*(?:~?\[[^\]]*\])?\s*$/;
const JAVA_MORE = /^\s*\.\.\.\s*\d+\s+(?:more|common frames omitted)\s*$/;
const JAVA_HEADER = /^\s*(?:Exception in thread "[^"]*"\s+|Caused by:\s+|Suppressed:\s+)?((?:[a-zA-Z_$][\w$]*\.)+[A-Z][\w$]*(?:Exception|Error|Throwable|Failure|Fault))(?::\s*(.*))?$/;
const PY_TRACEBACK = /^\s*Traceback \(most recent call last\):\s*$/;
const PY_FRAME = /^\s*File "([^"]+)", line (\d+)(?:, in (.+))?\s*$/;
const PY_EXC = /^\s*((?:[A-Za-z_][\w]*\.)*[A-Z]\w*(?:Error|Exception|Warning|Interrupt|Exit)|StopIteration)(?::\s*(.*))?$/;
const JS_FRAME = /^\s*at\s+(?:async\s+)?(?:(new\s+)?([^\s(][^(]*?)\s+\((.+?)(?::\d+)?(?::\d+)?\)|((?:file:\/\/|\/|[A-Za-z]:\\|https?:\/\/|node:|webpack:)[^\s]+?)(?::\d+)?(?::\d+)?)\s*$/;
const JS_ERROR = /^\s*(?:Uncaught\s+)?((?:[A-Z]\w*)?(?:Error|Exception))(?::\s*(.*))?$/;
const NATIVE_FRAME = /^\s*#(\d+)\s+(?:0x[0-9a-fA-F]+\s+)?(?:in\s+)?(.+?)\s*$/;

function basename(p: string): string {
  const cleaned = p.replace(/[?#].*$/, "");
  return cleaned.split(/[\\/]/).filter(Boolean).pop() ?? cleaned;
}

/** Last two path components, so "site-packages/foo/bar.py" and "/home/u/venv/.../foo/bar.py" agree. */
function shortPath(p: string): string {
  const parts = p.replace(/\\/g, "/").split("/").filter(Boolean);
  return parts.slice(-2).join("/");
}

function javaSignature(method: string): string {
  return method
    .replace(/\$\$Lambda\$\d+\/(?:0x)?[0-9a-f]+/gi, "$$$$Lambda")
    .replace(/lambda\$(\w+?)\$\d+/g, "lambda$$$1")
    .replace(/\$\d+(?=[.$]|$)/g, "$$N")
    .replace(/(GeneratedMethodAccessor|GeneratedConstructorAccessor|GeneratedSerializationConstructorAccessor|\$Proxy)\d+/g, "$1N");
}

interface ParsedFrame {
  kind: FrameKind;
  signature: string;
  normalizedLine: string;
}

function parseFrame(line: string): ParsedFrame | undefined {
  let m = JAVA_FRAME.exec(line);
  if (m && /\.java|Native Method|Unknown Source|\.kt|\.scala|\.groovy|^$/.test(m[2]!)) {
    const sig = javaSignature(m[1]!);
    const src = m[2]!.replace(/:\d+$/, "");
    return { kind: "java", signature: sig, normalizedLine: `at ${sig}(${src})` };
  }
  m = PY_FRAME.exec(line);
  if (m) {
    const file = shortPath(normalizeVolatile(m[1]!));
    const fn = m[3]?.trim() ?? "<module>";
    return { kind: "python", signature: `${file}:${fn}`, normalizedLine: `File "${file}", in ${fn}` };
  }
  m = JS_FRAME.exec(line);
  if (m) {
    const fn = m[2] ? `${m[1] ?? ""}${m[2]}`.trim() : "<anonymous>";
    const file = basename((m[3] ?? m[4] ?? "").replace(/(?::\d+){1,2}$/, ""));
    return { kind: "js", signature: `${fn}@${file}`, normalizedLine: `at ${fn} (${file})` };
  }
  m = NATIVE_FRAME.exec(line);
  if (m && /0x[0-9a-f]+|\bin\b|\(|\.so|\.dll|\.dylib|\.c|\.cc|\.cpp|\.rs/i.test(line)) {
    // "#3 0x7f.. in foo::bar (this=0x..) at /src/x.cc:12" / "#0 0x4a5b3c in main /src/x.c:12:3"
    const body = m[2]!;
    const fnMatch = /^([^\s(]+(?:\s*\([^)]*\))?)/.exec(body);
    let fn = (fnMatch?.[1] ?? body).replace(/\s*\(.*\)$/, "");
    const lib = /\(([^()\s]+\.(?:so(?:\.\d+)*|dll|dylib))\)/.exec(body)?.[1] ?? /\bfrom\s+(\S+)/.exec(body)?.[1];
    if (fn === "??" && lib) fn = `??@${basename(lib)}`;
    return { kind: "native", signature: fn, normalizedLine: `#${m[1]} ${fn}` };
  }
  return undefined;
}

function isHeader(line: string): boolean {
  return JAVA_HEADER.test(line) || PY_EXC.test(line) || JS_ERROR.test(line) || PY_TRACEBACK.test(line);
}

export interface ExtractedTraces {
  body: string;
  traceLines: string[];
  frames: string[];
  /** Exception line + frames of the first trace (for the embedded text). */
  first: { header?: string; frames: string[] };
}

/** Split a description into prose and stack traces. */
export function extractTraces(description: string): ExtractedTraces {
  const lines = description.split(/\r?\n/);
  const kept: string[] = [];
  const traceLines: string[] = [];
  const frames: string[] = [];
  let first: { header?: string; frames: string[] } | undefined;
  let current: { header?: string; frames: string[] } | undefined;
  let pendingHeader: string | undefined;
  let pendingHeaderIdx = -1;
  let inPython = false;

  const flush = () => {
    if (current && current.frames.length && !first) first = current;
    current = undefined;
  };

  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const frame = parseFrame(line);
    if (frame) {
      if (!current) {
        current = { frames: [] };
        // The exception line just before the first frame belongs to the trace, not the prose.
        if (pendingHeader !== undefined && pendingHeaderIdx === kept.length - 1) {
          kept.pop();
          current.header = normalizeVolatile(pendingHeader.trim());
          traceLines.push(current.header);
        }
      }
      current.frames.push(frame.signature);
      frames.push(frame.signature);
      traceLines.push(frame.normalizedLine);
      inPython = frame.kind === "python";
      // Python frames are followed by the source line they point at.
      if (inPython && i + 1 < lines.length && /^\s{4,}\S/.test(lines[i + 1]!) && !parseFrame(lines[i + 1]!)) {
        traceLines.push(normalizeVolatile(lines[++i]!.trim()));
      }
      continue;
    }
    if (current) {
      if (JAVA_MORE.test(line)) continue;
      if (PY_TRACEBACK.test(line)) continue;
      if (/^\s*Caused by:|^\s*Suppressed:/.test(line)) {
        traceLines.push(normalizeVolatile(line.trim()));
        continue;
      }
      if (inPython && PY_EXC.test(line)) {
        // Python puts the exception after the frames.
        current.header ??= normalizeVolatile(line.trim());
        traceLines.push(normalizeVolatile(line.trim()));
        flush();
        inPython = false;
        continue;
      }
      flush();
    }
    if (PY_TRACEBACK.test(line)) {
      traceLines.push("Traceback (most recent call last):");
      continue;
    }
    if (isHeader(line)) {
      pendingHeader = line;
      pendingHeaderIdx = kept.length;
    }
    kept.push(line);
  }
  flush();
  return { body: kept.join("\n"), traceLines, frames, first: first ?? { frames: [] } };
}

// --- assembly ------------------------------------------------------------------------------------------------

function squeeze(s: string): string {
  return s
    .replace(/[ \t\u00a0]+/g, " ")
    .replace(/ *\n[ \n]*/g, "\n")
    .trim();
}

export function buildReportText(r: ReportFields, opts: ReportTextOptions = {}): ReportText {
  const repeatTitle = opts.repeatTitle ?? true;
  const nFrames = opts.traceFramesInText ?? 5;
  const maxBody = opts.maxBodyChars ?? 20000;
  const title = squeeze(normalizeVolatile(String(r.title ?? "")));
  const { body, traceLines, frames, first } = extractTraces(String(r.description ?? ""));
  let cleanBody = squeeze(normalizeVolatile(stripBoilerplate(body)));
  if (cleanBody.length > maxBody) cleanBody = cleanBody.slice(0, maxBody);

  const meta = [r.product, r.component].map((x) => (x ?? "").trim()).filter(Boolean).join(" / ");
  const parts = [title];
  if (meta) parts.push(meta);
  if (repeatTitle && title && cleanBody) parts.push(title);
  if (cleanBody) parts.push(cleanBody);
  if (nFrames > 0 && first.frames.length) {
    parts.push([first.header ?? "", ...first.frames.slice(0, nFrames)].filter(Boolean).join("\n"));
  }
  return { text: parts.filter(Boolean).join("\n"), traceText: traceLines.join("\n"), frames };
}
