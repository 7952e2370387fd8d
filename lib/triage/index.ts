export * from "@/lib/triage/record";
export * from "@/lib/triage/verdicts";
