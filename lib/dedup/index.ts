export * from "@/lib/dedup/find";
export * from "@/lib/dedup/sweep";
export * from "@/lib/dedup/calibrate";
export * from "@/lib/dedup/clusters";
export * from "@/lib/dedup/thresholds";
export * from "@/lib/dedup/explain";
export * from "@/lib/dedup/df";
