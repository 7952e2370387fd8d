// Import pipeline: tracker-export parsers and the idempotent importer.
export * from "@/lib/ingest/types";
export { parseInput, isFormat, type ParseOptions } from "@/lib/ingest/formats";
export { parseBugzilla, type BugzillaOptions } from "@/lib/ingest/bugzilla";
export { parseGithub, duplicateRefs, type GithubOptions } from "@/lib/ingest/github";
export { parseJira, parseJiraLinks, type JiraOptions, type LinkPair } from "@/lib/ingest/jira";
export { parseJsonl, parseGenericCsv, parseMapping, FIELDS, DEFAULT_NAMES, type Mapping, type Field, type GenericOptions } from "@/lib/ingest/generic";
export { readCsv, parseCsvText, type CsvRow } from "@/lib/ingest/csv";
export { jsonArrayElements, type JsonElement } from "@/lib/ingest/json-array";
export { parseDate } from "@/lib/ingest/dates";
export { finishRecord, contentHash, normText, idList, type RecordDraft } from "@/lib/ingest/record";
export { importRecords, type ImportOptions, type ImportProgress, type ImportSummary, type ImportIssue, type ImportCounts } from "@/lib/ingest/import";
