// One entry point over all parsers, so the CLI and the API route pick a format by name.
import { parseBugzilla } from "@/lib/ingest/bugzilla";
import { parseGenericCsv, parseJsonl, type Mapping } from "@/lib/ingest/generic";
import { parseGithub } from "@/lib/ingest/github";
import { parseJira } from "@/lib/ingest/jira";
import { FORMATS, type Format, type ParseItem, type TextInput } from "@/lib/ingest/types";

export interface ParseOptions {
  /** Source key for every record (overrides what the parser would derive). */
  source?: string;
  /** Tracker base URL, used to build per-report URLs (Bugzilla, Jira). */
  baseUrl?: string;
  /** Jira: duplicate pairs file contents, and its name for messages. */
  links?: TextInput;
  linksName?: string;
  /** Generic JSONL/CSV: field -> column mapping. */
  map?: Mapping;
}

export function isFormat(s: string): s is Format {
  return (FORMATS as readonly string[]).includes(s);
}

export function parseInput(format: Format, input: TextInput, opts: ParseOptions = {}): AsyncGenerator<ParseItem> {
  if ((opts.links !== undefined) && format !== "jira") throw new Error(`--links is only supported for --format jira`);
  if (opts.map && Object.keys(opts.map).length > 0 && format !== "jsonl" && format !== "csv") {
    throw new Error(`--map is only supported for --format jsonl and csv`);
  }
  switch (format) {
    case "bugzilla":
      return parseBugzilla(input, { source: opts.source, baseUrl: opts.baseUrl });
    case "github":
      return parseGithub(input, { source: opts.source });
    case "jira":
      return parseJira(input, { source: opts.source, baseUrl: opts.baseUrl, links: opts.links, linksName: opts.linksName });
    case "jsonl":
      return parseJsonl(input, { source: opts.source, map: opts.map });
    case "csv":
      return parseGenericCsv(input, { source: opts.source, map: opts.map });
    default:
      throw new Error(`unknown format "${String(format)}" (expected one of: ${FORMATS.join(", ")})`);
  }
}
