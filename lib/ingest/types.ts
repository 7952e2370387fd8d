// Shared shapes for the import pipeline: parsers turn a tracker export into a stream of
// ParseItems; the importer (import.ts) upserts the records and resolves duplicate links.
import { IMPORT_FORMATS, type Draft, type ImportFormat } from "@/lib/domain/types";

/** One bug report as the importer sees it, independent of the tracker it came from. */
export interface ReportRecord extends Draft {
  /** Tracker key, e.g. "bugzilla:bugzilla.mozilla.org", "github:org/repo", "jira:HADOOP", "demo". */
  source: string;
  /** Id of the report inside its tracker (bug number, issue key, ...). */
  externalId: string;
  url?: string;
  status?: string;
  resolution?: string;
  reporter?: string;
  createdAt: Date;
  updatedAt: Date;
  /** External ids (same source) of the reports this one duplicates (its masters). */
  duplicateOf?: string[];
  /**
   * External ids (same source) of reports that duplicate this one — the reverse direction,
   * e.g. Jira's "Inward issue link (Duplicate)" column. Resolved like duplicateOf.
   */
  duplicatedBy?: string[];
  /**
   * Other ids the tracker uses for this report (Jira: numeric "Issue id" when the key is the
   * externalId). Duplicate references in the same import may use any of them.
   */
  aliases?: string[];
}

/**
 * One parsed unit. `line` is the physical 1-based line where the record starts (JSONL line,
 * CSV record start, start of the JSON array element). `index` is the 1-based record number
 * (used for JSON documents, where "record N" reads better than a line).
 * Exactly one of record / error / skipped / link is set.
 */
export interface ParseItem {
  line: number;
  index?: number;
  record?: ReportRecord;
  error?: string;
  /** Input that is valid but not a bug report (e.g. a GitHub pull request); the reason. */
  skipped?: string;
  /**
   * A duplicate pair not tied to one record's source: from a side file (Jira --links), or a reference
   * of a record to a report in another source (Jira: an issue of another project). Resolved like duplicateOf.
   */
  link?: LinkRef;
  /** The file `line` refers to when it is not the main input (e.g. the --links file). */
  file?: string;
}

/**
 * A duplicate pair whose ends name their own sources: the two reports need not share one, e.g. a Jira
 * export spanning several projects, where HADOOP-1 (source "jira:HADOOP") duplicates YARN-2 ("jira:YARN").
 * Each end is resolved in its source, through that source's aliases.
 */
export interface LinkRef {
  /** Source of the duplicate's report. */
  duplicateSource: string;
  /** External id of the duplicate (or an alias of it in duplicateSource). */
  duplicate: string;
  /** Source of the master's report. */
  masterSource: string;
  /** External id of its master (or an alias of it in masterSource). */
  master: string;
  /** Line of the pair in its file, and that file's name when it is not the main input. */
  line: number;
  file?: string;
}

/** Text to parse: a whole string, or chunks (e.g. fs.createReadStream(file)). */
export type TextInput = string | AsyncIterable<string | Uint8Array> | Iterable<string | Uint8Array>;

export type Format = ImportFormat;
export const FORMATS: readonly Format[] = IMPORT_FORMATS;
