// Public API of the evaluation module (see docs/evaluation.md).
export * from "@/lib/eval/metrics";
export * from "@/lib/eval/split";
export { loadCorpus, type CorpusReport, type EvalCorpus, type LoadCorpusOptions } from "@/lib/eval/corpus";
export { loadCorpusFromFile, type FileCorpusOptions } from "@/lib/eval/file-corpus";
export { runProtocol, rankerLabel, filterFor, type EvalModel, type ProtocolOptions, type RankerKind, type RankerResult } from "@/lib/eval/protocol";
export * from "@/lib/eval/compare";
