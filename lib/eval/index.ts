// Public API of the evaluation module (see docs/evaluation.md).
export * from "./metrics.ts";
export * from "./split.ts";
export { loadCorpus, type CorpusReport, type EvalCorpus, type LoadCorpusOptions } from "./corpus.ts";
export { loadCorpusFromFile, type FileCorpusOptions } from "./file-corpus.ts";
export { runProtocol, rankerLabel, filterFor, type EvalModel, type ProtocolOptions, type RankerKind, type RankerResult } from "./protocol.ts";
export * from "./compare.ts";
