// Report descriptions: prose keeps its line breaks; stack traces, log lines and Jira/Markdown code
// blocks go into monospace <pre> blocks that scroll sideways instead of wrapping mid-frame.

export interface Block {
  kind: "text" | "code";
  text: string;
}

const FRAME = /^\s*at\s+[\w$.<>[\]/-]+\(.*\)\s*$|^\s*at\s+[\w$.<>/-]+\s*$/;
const EXCEPTION = /^\s*(Caused by:|Exception in thread|Suppressed:|[\w$]+(\.[\w$]+)+(Exception|Error|Throwable)\b)/;
const MORE = /^\s*\.\.\.\s*\d+\s+more\s*$/;
const LOG = /^\s*(\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}|\d{2}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2})/;
const PY_FRAME = /^\s*(Traceback \(most recent call last\):|File ".*", line \d+)/;
const FENCE = /^\s*(```|\{code(:[^}]*)?\}|\{noformat\})\s*$/;

function isCodeLine(line: string): boolean {
  return FRAME.test(line) || EXCEPTION.test(line) || MORE.test(line) || LOG.test(line) || PY_FRAME.test(line) || /^(\t| {4})\S/.test(line);
}

export function splitBlocks(text: string): Block[] {
  const lines = text.replace(/\r\n?/g, "\n").split("\n");
  const blocks: Block[] = [];
  const push = (kind: Block["kind"], line: string) => {
    const last = blocks[blocks.length - 1];
    if (last && last.kind === kind) last.text += `\n${line}`;
    else blocks.push({ kind, text: line });
  };
  let fenced = false;
  for (const line of lines) {
    if (FENCE.test(line)) {
      fenced = !fenced;
      if (!fenced) blocks.push({ kind: "text", text: "" }); // close: next code starts a new block
      continue;
    }
    if (fenced) push("code", line);
    else if (isCodeLine(line)) push("code", line);
    else if (line.trim() === "" && blocks[blocks.length - 1]?.kind === "code") push("code", line);
    else push("text", line);
  }
  return blocks
    .map((b) => ({ ...b, text: b.kind === "code" ? b.text.replace(/\n+$/, "") : b.text.trim() }))
    .filter((b) => b.text.trim() !== "");
}

export function DescriptionText({ text }: { text: string }) {
  if (!text.trim()) return <p className="text-sm italic text-slate-600">No description.</p>;
  return (
    <div className="space-y-3 text-sm leading-6 text-slate-800">
      {splitBlocks(text).map((b, i) =>
        b.kind === "code" ? (
          <pre key={i} tabIndex={0} aria-label="Code or stack trace" className="overflow-x-auto rounded-md bg-slate-900 p-3 font-mono text-xs leading-5 text-slate-100">
            <code>{b.text}</code>
          </pre>
        ) : (
          <p key={i} className="whitespace-pre-wrap wrap-anywhere">
            {b.text}
          </p>
        ),
      )}
    </div>
  );
}
