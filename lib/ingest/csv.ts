// Streaming RFC 4180 CSV reader (no CSV package is installed, and this is small):
// quoted fields may contain commas, newlines and doubled quotes; CRLF or LF endings.
// Lenient where exports are sloppy: a quote inside an unquoted field is kept literally,
// text after a closing quote is appended. Blank lines are skipped.
import { textChunks } from "@/lib/ingest/text-input";
import type { TextInput } from "@/lib/ingest/types";

export interface CsvRow {
  /** Physical line where the record starts (1-based). */
  line: number;
  fields: string[];
  /** Set when the record could not be read completely (unterminated quote at end of input). */
  error?: string;
}

const enum S {
  FieldStart,
  Unquoted,
  Quoted,
  QuoteInQuoted, // saw `"` inside a quoted field: either an escaped quote or the closing one
}

export async function* readCsv(input: TextInput, delimiter = ","): AsyncGenerator<CsvRow> {
  let state = S.FieldStart;
  let field = "";
  let fields: string[] = [];
  let line = 1;
  let recordLine = 1;
  let pendingCR = false; // \r seen outside quotes; a following \n belongs to it

  const endRecord = (): CsvRow | null => {
    fields.push(field);
    field = "";
    const row = fields;
    fields = [];
    state = S.FieldStart;
    // A blank line parses as one empty field: skip it.
    if (row.length === 1 && row[0] === "") return null;
    return { line: recordLine, fields: row };
  };

  for await (const chunk of textChunks(input)) {
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk[i]!;
      if (pendingCR) {
        pendingCR = false;
        if (c === "\n") continue; // CRLF: the record already ended at \r
      }
      switch (state) {
        case S.FieldStart:
        case S.Unquoted:
          if (c === delimiter) {
            fields.push(field);
            field = "";
            state = S.FieldStart;
          } else if (c === "\n" || c === "\r") {
            const row = endRecord();
            line++;
            recordLine = line;
            if (c === "\r") pendingCR = true;
            if (row) yield row;
          } else if (c === '"' && state === S.FieldStart) {
            state = S.Quoted;
          } else {
            field += c;
            state = S.Unquoted;
          }
          break;
        case S.Quoted: {
          if (c === '"') {
            state = S.QuoteInQuoted;
            break;
          }
          // Copy the run up to the next quote in one slice: descriptions are most of the bytes.
          let end = chunk.indexOf('"', i);
          if (end < 0) end = chunk.length;
          const run = chunk.slice(i, end);
          for (let k = run.indexOf("\n"); k >= 0; k = run.indexOf("\n", k + 1)) line++;
          field += run;
          i = end - 1;
          break;
        }
        case S.QuoteInQuoted:
          if (c === '"') {
            field += '"';
            state = S.Quoted;
          } else if (c === delimiter) {
            fields.push(field);
            field = "";
            state = S.FieldStart;
          } else if (c === "\n" || c === "\r") {
            const row = endRecord();
            line++;
            recordLine = line;
            if (c === "\r") pendingCR = true;
            if (row) yield row;
          } else {
            // `"abc"def` - not valid RFC 4180; keep the text rather than drop it.
            field += c;
            state = S.Unquoted;
          }
          break;
      }
    }
  }
  if (state === S.Quoted) {
    yield {
      line: recordLine,
      fields: [...fields, field],
      error: `unterminated quoted field (record starts at line ${recordLine}, input ends inside quotes)`,
    };
    return;
  }
  if (state !== S.FieldStart || fields.length > 0 || field !== "") {
    const row = endRecord();
    if (row) yield row;
  }
}

