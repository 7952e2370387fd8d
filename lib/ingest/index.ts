// Import pipeline: tracker-export parsers and the idempotent importer.
export * from "./types";
export { parseInput, isFormat, type ParseOptions } from "./formats";
export { parseBugzilla, type BugzillaOptions } from "./bugzilla";
export { parseGithub, duplicateRefs, type GithubOptions } from "./github";
export { parseJira, parseJiraLinks, type JiraOptions, type LinkPair } from "./jira";
export { parseJsonl, parseGenericCsv, parseMapping, FIELDS, DEFAULT_NAMES, type Mapping, type Field, type GenericOptions } from "./generic";
export { readCsv, parseCsvText, type CsvRow } from "./csv";
export { jsonArrayElements, type JsonElement } from "./json-array";
export { parseDate } from "./dates";
export { finishRecord, contentHash, normText, idList, type RecordDraft } from "./record";
export { importRecords, type ImportOptions, type ImportProgress, type ImportSummary, type ImportIssue, type ImportCounts } from "./import";
